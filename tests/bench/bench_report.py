"""Benchmark: `flowdeck report` over the whole history of the large demo, against a bare scan.

Prints rows, the floor (``SELECT count(*), sum(length(to_status)) FROM status_changes``, best of
3), and as ratios to it: the whole-history report cold (materialising the arrays), warm from
memory, warm from the ``metrics_cache`` table (a new process), a live 4-week window, a 4-week
window 13 weeks back (a past ``as_of``: items changed since are recomputed), and the drill-down
rows; then the peak RSS. The CLI path (``details=False``) is what `flowdeck report` runs.

The large demo (about 70 s to generate) is kept in ``FLOWDECK_BENCH_DB`` when that is set (a path),
else in a temporary directory removed afterwards. Nothing here asserts on speed.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any


def _best(fn: Callable[[], Any], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _once(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _cli(db: Path, args: list[str]) -> tuple[float, float]:
    """Run `flowdeck report` in a child process: (wall seconds, the child's peak RSS in MB)."""
    import subprocess
    import sys

    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from app.cli import main; sys.exit(main())",
            "--db",
            str(db),
            "report",
            *args,
        ],
        stdout=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"flowdeck report exited {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    """Generate (or reuse) the large demo and print the figures."""
    from data.config import load_config
    from data.demo import generate
    from data.metrics import cache
    from data.report import build_report
    from data.store import Store

    keep = os.environ.get("FLOWDECK_BENCH_DB")
    tmp = None if keep else tempfile.TemporaryDirectory(prefix="flowdeck-bench-")
    path = Path(keep) if keep else Path(tmp.name) / "large.db"  # type: ignore[union-attr]
    try:
        store = Store.open(str(path))
        if store.is_empty():
            started = time.perf_counter()
            generate(store, scale="large", seed=1)
            print(f"generated the large demo in {time.perf_counter() - started:.1f} s", flush=True)
        counts = store.counts()
        print(
            "rows: "
            + ", ".join(f"{k} {counts[k]:,}" for k in ("work_items", "status_changes", "pipeline_runs", "job_runs"))
        )

        def scan() -> None:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*), sum(length(to_status)) FROM status_changes").fetchall()

        floor = _best(scan)
        print(f"floor scan: {floor * 1000:.0f} ms")
        config = load_config(None)
        with store.engine.connect() as conn:
            lo, hi = conn.exec_driver_sql(
                "SELECT (SELECT min(created_at) FROM work_items), (SELECT max(at) FROM status_changes)"
            ).fetchone()  # type: ignore[misc]
        from data.schema import from_ms

        start, end = from_ms(lo), from_ms(hi) + timedelta(days=1)

        def whole(details: bool = False) -> Any:
            return build_report(store, config, window_from=start, window_to=end, details=details)

        def window(weeks_back: int) -> Any:
            to = end - timedelta(weeks=weeks_back)
            return build_report(store, config, window_from=to - timedelta(days=28), window_to=to, details=False)

        cli_args = ["--from", start.isoformat(), "--to", end.isoformat(), "--json"]
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM metrics_cache")
        for label in ("cold", "warm"):
            seconds, rss = _cli(path, cli_args)
            print(
                f"`flowdeck report --json` whole history, {label}, own process: {seconds:.2f} s, peak RSS {rss:.0f} MB"
            )
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM metrics_cache")
        cache.clear_memory()
        figures = {
            "whole history, cold (materialise + report)": _once(whole),
            "whole history, warm (memory)": _best(whole),
        }
        cache.clear_memory()
        figures["whole history, warm (cache table, new process)"] = _once(whole)
        figures["4-week window, live"] = _best(lambda: window(0))
        figures["4-week window, 13 weeks back (past as_of)"] = _best(lambda: window(13))
        figures["whole history with drill-down rows (GUI)"] = _once(lambda: whole(True))
        for name, seconds in figures.items():
            print(f"{name:50s} {seconds * 1000:8.0f} ms  {seconds / floor:6.2f}x floor")
        report = whole()
        s = report.streams[0]
        print(f"whole history: {s.completed:,} completed, WIP {s.wip:,}, lead median {s.lead_time_median_h:.1f} h")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {rss:.0f} MB (this process, demo generation included when it ran)")
        store.close()
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
