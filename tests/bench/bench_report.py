"""Benchmark: `flowdeck report` over the whole history of the large demo, against a bare scan.

Prints rows, the floor (``SELECT count(*), sum(length(to_status)) FROM status_changes``, best of
3), and as ratios to it: the whole-history report cold (materialising the arrays), warm from
memory, warm from the ``metrics_cache`` table (a new process), a live 4-week and 13-week window
without drill-down rows (the GUI's range change), a 4-week window 13 weeks back (a past
``as_of``: items changed since are recomputed), the drill-down rows of every stage
(``details=True``) and of the biggest stage alone (``stage_details``); then, on a copy of the
store, the refresh after one sync-sized page of 100 records of several kinds beside the cold
build; then the peak RSS. The CLI path (``details=False``) is what `flowdeck report` runs.

The large demo (about 70 s to generate) is kept in ``FLOWDECK_BENCH_DB`` when that is set (a path),
else in a temporary directory removed afterwards. Nothing here asserts on speed.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.bench.timing import best, once


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


def _pages(store: Any, n: int = 100) -> dict[str, list[Any]]:
    """One sync-sized page per kind, built from what the store holds (so updates hit real rows)."""
    from data.records import Change, Commit, JobRun, PipelineRun, StatusChange, WorkItem
    from data.store.schema import from_ms

    with store.engine.connect() as conn:
        last = conn.exec_driver_sql("SELECT max(at) FROM status_changes").scalar_one()
        moved = conn.exec_driver_sql(
            "SELECT source, item_key, to_status FROM status_changes s WHERE s.id IN "
            f"(SELECT max(id) FROM status_changes GROUP BY source, item_key ORDER BY random() LIMIT {n})"
        ).all()
        jobs = conn.exec_driver_sql(
            "SELECT source, pipeline, run_id, external_id, name, attempt, queued_at, started_at, finished_at "
            f"FROM job_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT {n}"
        ).all()
        repo = conn.exec_driver_sql("SELECT repo FROM changes LIMIT 1").scalar_one()
        keys = [k for (k,) in conn.exec_driver_sql(f"SELECT key FROM work_items ORDER BY random() LIMIT {n}")]
    at = from_ms(int(last) + 60_000)
    pages: dict[str, list[Any]] = {}
    pages["100 status changes of existing items"] = [
        StatusChange(src, key, at, status, "Done" if status != "Done" else "In Progress") for src, key, status in moved
    ]
    pages["50 new work items + their first transitions"] = [
        r
        for i in range(n)
        for r in (
            WorkItem("jira", f"BENCH-{i}", "bench", at, team="payments"),
            StatusChange("jira", f"BENCH-{i}", at, "To Do", "In Progress"),
        )
    ][:n]
    pages["100 job runs re-finishing (updates of existing rows)"] = [
        JobRun(src, pl, run, ext, name, attempt=att, queued_at=from_ms(q) if q else None,
               started_at=from_ms(st) if st else None, finished_at=from_ms(fi + 1000), result="success")
        for src, pl, run, ext, name, att, q, st, fi in jobs
    ]  # fmt: skip
    pages["100 pipeline runs (no figure uses them)"] = [
        PipelineRun("jenkins", "bench/ci", f"b{i}", result="success", started_at=at, finished_at=at) for i in range(n)
    ]
    pages["50 merged changes + 50 merge commits naming items"] = [
        r
        for i in range(n // 2)
        for r in (
            Change("github", repo, f"bench-{i}", f"{keys[i]} bench", at, merged_at=at, merge_sha=f"bench{i}"),
            Commit("github", repo, f"bench{i}", f"Merge {keys[i]}"),
        )
    ]
    return pages


def _refresh_figures(path: Path, config: Any, start: Any, end: Any) -> None:
    """On a copy of the store: cold build, then the refresh after one page of each kind."""
    import shutil

    from data.materialise import cache
    from data.report.build import build_report
    from data.store.store import Store

    with tempfile.TemporaryDirectory(prefix="flowdeck-bench-refresh-") as tmp:
        copy = Path(tmp) / "copy.db"
        with Store.open(str(path)) as src, src.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, copy)
        with Store.open(str(copy)) as store:

            def report() -> Any:
                return build_report(store, config, window_from=end - timedelta(weeks=13), window_to=end, details=False)

            with store.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM metrics_cache")
            cache.clear_memory()
            cold = once(report)
            print(f"refresh after one page (copy of the store; cold build {cold * 1000:.0f} ms):")
            for label, records in _pages(store).items():
                store.upsert(records)
                seconds = once(report)
                print(f"  {label:55s} {seconds * 1000:8.0f} ms  {seconds / cold:6.3f}x cold")


def main() -> None:
    """Generate (or reuse) the large demo and print the figures."""
    from data.config.parse import load_config
    from data.demo import generate
    from data.materialise import cache
    from data.report.build import build_report, stage_details
    from data.store.store import Store

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

        floor = best(scan)
        print(f"floor scan: {floor * 1000:.0f} ms")
        config = load_config(None)
        with store.engine.connect() as conn:
            lo, hi = conn.exec_driver_sql(
                "SELECT (SELECT min(created_at) FROM work_items), (SELECT max(at) FROM status_changes)"
            ).fetchone()  # type: ignore[misc]
        from data.store.schema import from_ms

        start, end = from_ms(lo), from_ms(hi) + timedelta(days=1)

        def whole(details: bool = False) -> Any:
            return build_report(store, config, window_from=start, window_to=end, details=details)

        def weeks(n: int) -> Any:
            return build_report(store, config, window_from=end - timedelta(weeks=n), window_to=end, details=False)

        def details(stage: str, since: Any, limit: int | None) -> Any:
            return stage_details(store, config, window_from=since, window_to=end, stage=stage, limit=limit)

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
            "whole history, cold (materialise + report)": once(whole),
            "whole history, warm (memory)": best(whole),
        }
        cache.clear_memory()
        figures["whole history, warm (cache table, new process)"] = once(whole)
        figures["4-week window, live"] = best(lambda: window(0))
        figures["13-week window, live, no details (GUI range change)"] = best(lambda: weeks(13))
        figures["4-week window, 13 weeks back (past as_of)"] = best(lambda: window(13))
        figures["whole history with drill-down rows (export)"] = once(lambda: whole(True))
        report = whole()
        s = report.streams[0]
        big = max(s.stages, key=lambda st: st.items + st.wip)
        figures[f"stage_details({big.name!r}), whole history, all {big.items + big.wip:,} rows"] = best(
            lambda: details(big.name, start, None), 2
        )
        figures[f"stage_details({big.name!r}), whole history, limit 500"] = best(lambda: details(big.name, start, 500))
        figures[f"stage_details({big.name!r}), 13 weeks, all rows"] = best(
            lambda: details(big.name, end - timedelta(weeks=13), None)
        )
        for name, seconds in figures.items():
            print(f"{name:58s} {seconds * 1000:8.0f} ms  {seconds / floor:6.2f}x floor")
        print(f"whole history: {s.completed:,} completed, WIP {s.wip:,}, lead median {s.lead_time_median_h:.1f} h")
        store.close()
        _refresh_figures(path, config, start, end)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {rss:.0f} MB (this process, demo generation included when it ran)")
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
