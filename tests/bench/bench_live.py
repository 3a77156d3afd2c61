"""Benchmark: live pipeline status on the large demo (240k runs, 100k branch pipelines), against a floor.

Prints the floor (``SELECT count(*) FROM pipeline_runs``, best of 3) and, as best of 3 with the
ratio to the floor:

* ``load_pipelines`` with the default 14-day horizon, every active pipeline computed in full;
* the same with ``limit=200`` (what the wall asks for: the first 200 in wall order in full,
  counts for all);
* the idle-pipeline count alone, cold (the memo cleared) — a scan of every branch ever seen;
* once, the old behaviour: no horizon (every pipeline ever seen).

Wall time depends on the machine's load (2 cores shared): CPU time is printed beside it. The large
demo (about 30-60 s to generate) is kept in ``FLOWDECK_BENCH_DB`` when set (a path), else in
``/tmp/flowdeck-bench-live/large.db`` (reused between runs). Nothing here asserts on speed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any


def _best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float, Any]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def _store() -> Any:
    from data import demo
    from data.store.store import Store

    path = Path(os.environ.get("FLOWDECK_BENCH_DB") or "/tmp/flowdeck-bench-live/large.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    store = Store.open(str(path))
    if fresh or store.get_meta("demo_scale") != "large":
        started = time.perf_counter()
        demo.generate(store, scale="large")
        print(f"generated the large demo in {time.perf_counter() - started:.0f} s -> {path}")
    return store


def main() -> None:
    """Print the figures."""
    from sqlalchemy import text

    from data.pipelines import status as P
    from data.timeutil import parse_instant

    store = _store()
    as_of = parse_instant(store.get_meta("demo_end") or "2026-11-23T00:00:00Z")

    def floor() -> int:
        with store.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM pipeline_runs")).scalar() or 0)

    f_wall, _f_cpu, rows = _best(floor)
    print(f"pipeline runs: {rows:,}; floor count(*) {f_wall * 1000:.1f} ms")

    def line(name: str, wall: float, cpu: float, extra: str = "") -> None:
        print(f"{name:<44} {wall * 1000:8.0f} ms wall {cpu * 1000:7.0f} ms cpu  x{wall / f_wall:6.0f} floor  {extra}")

    P.load_pipelines(store, as_of=as_of, limit=200)  # warm the OS page cache and the idle-count memo
    wall, cpu, view = _best(lambda: P.load_pipelines(store, as_of=as_of, limit=200), runs=5)
    line("horizon 14 d, limit 200 (the wall)", wall, cpu, f"{len(view.statuses)} in full of {view.total}")
    wall, cpu, view = _best(lambda: P.load_pipelines(store, as_of=as_of, limit=200, count_hidden=False), runs=5)
    line("horizon 14 d, limit 200, no idle count", wall, cpu)
    wall, cpu, view = _best(lambda: P.load_pipelines(store, as_of=as_of))
    line(
        "horizon 14 d, all active in full",
        wall,
        cpu,
        f"{len(view.statuses)} shown, {view.failing} failing, {view.hidden:,} idle hidden",
    )

    def cold_count() -> int:
        P._hidden_memo.clear()
        with store.engine.connect() as conn:
            return P._pipeline_keys(conn, P.to_ms(as_of))

    wall, cpu, keys = _best(cold_count)
    line("idle count alone, cold (every branch)", wall, cpu, f"{keys:,} pipelines ever seen")
    past = as_of - timedelta(weeks=8)
    wall, cpu, view = _best(lambda: P.load_pipelines(store, as_of=past, limit=200))
    line("as of 8 weeks earlier, limit 200", wall, cpu, f"{view.total} active then")
    wall, cpu, view = _best(lambda: P.load_pipelines(store, as_of=as_of, horizon_days=None), runs=1)
    line("no horizon (the old behaviour), once", wall, cpu, f"{len(view.statuses):,} pipelines")
    store.close()


if __name__ == "__main__":
    main()
