"""Benchmark: what-if recomputation and Monte Carlo forecasts on the large demo (METRICS.md §5).

Prints, after the stream's arrays are warm in memory:
- one what-if projection (`data.metrics.whatif.project`) over the whole history and over the last
  13 weeks: the panel's per-keystroke cost once `data.report.build.what_if_base` has run, and that base;
- `build_report` for 13 weeks with and without `--what-if` (the CLI's path);
- one 10,000-run forecast of each kind, the Monte Carlo alone (`forecast_items`, `forecast_count`,
  `target_probability`) and whole (`data.report.forecast.forecast`, reading the warm arrays);
- `flowdeck forecast --items 500 --json` in a new process (arrays from the cache table).

The large demo is kept in ``FLOWDECK_BENCH_DB`` when that is set (a path), else generated into a
temporary directory. Nothing here asserts on speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.bench.timing import best, once


def main() -> None:
    """Generate (or reuse) the large demo and print the figures."""
    import numpy as np

    from data.config.parse import load_config
    from data.demo import generate
    from data.metrics.forecast import forecast_count, forecast_items, target_probability
    from data.metrics.whatif import parse_scenario, project
    from data.report.build import build_report, what_if_base
    from data.report.forecast import forecast
    from data.store.schema import from_ms
    from data.store.store import Store

    keep = os.environ.get("FLOWDECK_BENCH_DB")
    tmp = None if keep else tempfile.TemporaryDirectory(prefix="flowdeck-bench-")
    path = Path(keep) if keep else Path(tmp.name) / "large.db"  # type: ignore[union-attr]
    try:
        store = Store.open(str(path))
        if store.is_empty():
            generate(store, scale="large", seed=1)
        config = load_config(None)
        with store.engine.connect() as conn:
            lo, hi = conn.exec_driver_sql(
                "SELECT (SELECT min(created_at) FROM work_items), (SELECT max(at) FROM status_changes)"
            ).fetchone()  # type: ignore[misc]
        start, end = from_ms(lo), from_ms(hi) + timedelta(days=1)
        recent = end - timedelta(weeks=13)
        cold = once(lambda: build_report(store, config, window_from=start, window_to=end, details=False))
        print(f"arrays (cold build or cache table): {cold * 1000:.0f} ms")
        scenario = parse_scenario(["Release.wait=0.5", "Approval.wait=0"])
        for label, frm in (("whole history", start), ("13 weeks", recent)):
            base_s = best(lambda frm=frm: what_if_base(store, config, window_from=frm, window_to=end))
            base = what_if_base(store, config, window_from=frm, window_to=end)
            one = best(lambda base=base: project(base, scenario, 7.0), runs=20)
            print(
                f"what-if {label}: {base.lead_h.size:,} items; base {base_s * 1000:.1f} ms, "
                f"one projection {one * 1000:.2f} ms"
            )
        plain = best(lambda: build_report(store, config, window_from=recent, window_to=end, details=False))
        with_w = best(
            lambda: build_report(store, config, window_from=recent, window_to=end, details=False, what_if=scenario)
        )
        print(f"build_report 13 weeks: {plain * 1000:.0f} ms, with what-if {with_w * 1000:.0f} ms")

        f = forecast(store, config, items=500, as_of=end)
        print(f"history: {f.history_days} days, {f.history_from} – {f.history_to}; p50/85/95 {f.p50}/{f.p85}/{f.p95}")
        from data.report.forecast import _context

        ctx = _context(store, config, None, end, 12, config.definitions)
        h = ctx.history
        mc_items = best(lambda: forecast_items(h, 500, runs=10_000, seed=1, weeks=12))
        mc_by = best(lambda: forecast_count(h, 28, runs=10_000, seed=1, weeks=12))
        parts = np.abs(np.random.default_rng(0).normal(50, 20, size=(int(h.daily.sum()), 6)))
        mc_target = best(lambda: target_probability(parts, 7.0, runs=10_000, seed=1, weeks=12))
        print(
            f"Monte Carlo, 10,000 runs: --items 500 {mc_items * 1000:.1f} ms, --by 28 days {mc_by * 1000:.1f} ms, "
            f"target ({parts.shape[0]:,} items x 6 parts) {mc_target * 1000:.1f} ms"
        )
        whole = best(lambda: forecast(store, config, items=500, as_of=end))
        print(
            f"data.report.forecast.forecast --items 500 (warm arrays, with the target forecast): {whole * 1000:.0f} ms"
        )
        store.close()
        started = time.perf_counter()
        entry = "import sys; from app.cli import main; sys.exit(main())"
        subprocess.run(
            [sys.executable, "-c", entry, "--db", str(path), "forecast", "--items", "500", "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"flowdeck forecast --items 500 --json, new process: {time.perf_counter() - started:.2f} s")
    finally:
        if tmp is not None:
            tmp.cleanup()
