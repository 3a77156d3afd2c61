"""Benchmark: the shared PostgreSQL cache beside the desktop's SQLite file.

Starts a throwaway PostgreSQL cluster itself (PLATFORM.md: needs root, to run ``initdb`` as the
``postgres`` user; skipped with a message otherwise), generates the same demo into an SQLite file and
into PostgreSQL, and prints for each:

* the floor: ``SELECT count(*), sum(length(to_status)) FROM status_changes`` (best of 3);
* the report (CLI path, ``details=False``): whole history and a 4-week window, cold (the
  ``metrics_cache`` table and memory emptied: arrays materialised from the records), warm from
  memory, and warm from the ``metrics_cache`` table (a new process's view) — as ratios to the floor;
* what one sync that brought NO new record costs a dashboard: run as the desktop's
  ``flowdeck sync`` does, its two ``sync_state`` transactions bump the generation and the next report
  is cold again; run as ``sync --watch`` does (``state_bumps_generation=False``) it stays warm;
* a dashboard's view of another process's write: a :class:`data.store.generation.ChangeDetector` polling
  every 0.5 s here while ``flowdeck import`` runs in a child process — time from the child's start
  and from its exit to the poll that noticed; and what one poll costs.

``FLOWDECK_BENCH_SCALE`` = ``large`` (default: 60 teams, ~1M status changes) or ``small``;
``FLOWDECK_BENCH_ONLY`` = ``sqlite`` or ``postgresql`` runs one side.
"Cold" empties Flowdeck's caches, not the operating system's page cache or PostgreSQL's buffers.
Nothing here asserts on speed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.bench.timing import best, once

POLL_S = 0.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> str | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted(root.glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    return str(versions[-1]) if versions else None


@contextmanager
def _cluster() -> Iterator[str | None]:
    """A throwaway cluster's URL (database ``flowdeck``), or None with the reason printed."""
    pg_bin = _pg_bin()
    if pg_bin is None:
        print("skipped: no PostgreSQL server binaries under /usr/lib/postgresql")
        yield None
        return
    if os.geteuid() != 0:
        print("skipped: starting a throwaway cluster needs root (initdb runs as the postgres user)")
        yield None
        return
    directory = tempfile.mkdtemp(prefix="flowdeck-bench-pg-")
    shutil.chown(directory, "postgres")
    port = _free_port()

    def as_postgres(cmd: str) -> None:
        subprocess.run(["su", "postgres", "-c", cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    try:
        as_postgres(f"{pg_bin}/initdb -D {directory}/data -U postgres -A trust --no-sync -E UTF8")
        as_postgres(
            f"{pg_bin}/pg_ctl -D {directory}/data -l {directory}/log -w "
            f"-o '-c listen_addresses=127.0.0.1 -p {port} -k /tmp -c shared_buffers=256MB' start"
        )
        as_postgres(f"{pg_bin}/psql -h 127.0.0.1 -p {port} -U postgres -Atc 'create database flowdeck'")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/flowdeck"
    finally:
        subprocess.run(
            ["su", "postgres", "-c", f"{pg_bin}/pg_ctl -D {directory}/data -m fast -w stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(directory, ignore_errors=True)


class _NothingNew:
    """A connector whose one stream has nothing new (a 304 on every page, say)."""

    source = "bench"

    def streams(self) -> list[str]:
        return ["items"]

    def read(self, stream: str, cursor: str | None) -> Iterator[Any]:
        from data.connectors.base import Page

        yield Page(records=[], cursor=cursor, requests=1)

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def _bench_store(label: str, url: str, scale: str, events_file: Path) -> None:
    from data.config.parse import load_config
    from data.demo import generate
    from data.materialise import cache
    from data.report.build import build_report
    from data.store.generation import ChangeDetector
    from data.store.schema import from_ms
    from data.store.store import Store
    from data.sync.run import sync_source

    store = Store.open(url)
    try:
        started = time.perf_counter()
        generate(store, scale=scale, seed=1)
        counts = store.counts()
        print(
            f"[{label}] {scale} demo generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{k} {counts[k]:,}" for k in ("work_items", "status_changes", "pipeline_runs", "job_runs")),
            flush=True,
        )
        if store.dialect == "postgresql":
            store.vacuum()  # fresh statistics, as `flowdeck db vacuum` would leave them

        def scan() -> None:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*), sum(length(to_status)) FROM status_changes").fetchall()

        floor = best(scan)
        print(f"[{label}] floor scan: {floor * 1000:.0f} ms", flush=True)
        config = load_config(None)
        with store.engine.connect() as conn:
            lo, hi = conn.exec_driver_sql(
                "SELECT (SELECT min(created_at) FROM work_items), (SELECT max(at) FROM status_changes)"
            ).fetchone()  # type: ignore[misc]
        start, end = from_ms(lo), from_ms(hi) + timedelta(days=1)

        def whole() -> Any:
            return build_report(store, config, window_from=start, window_to=end, details=False)

        def window() -> Any:
            return build_report(store, config, window_from=end - timedelta(days=28), window_to=end, details=False)

        def cold() -> None:
            with store.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM metrics_cache")
            cache.clear_memory()

        figures: dict[str, float] = {}
        for name, fn in (("whole history", whole), ("4-week window", window)):
            cold()
            figures[f"{name}, cold (materialise + report)"] = once(fn)
            figures[f"{name}, warm (memory)"] = best(fn)
            cache.clear_memory()
            figures[f"{name}, warm (metrics_cache table)"] = once(fn)
        # One sync that found nothing new, as the desktop runs it (sync_state bumps the generation)
        # and as the service runs it (state_bumps_generation=False).
        _ = whole()
        bumped: dict[str, int] = {}
        for mode, bump in (("desktop", True), ("service", False)):
            generation = store.generation()
            sync_source(store, _NothingNew(), state_bumps_generation=bump)
            bumped[mode] = store.generation() - generation
            figures[f"whole history after a no-change {mode} sync"] = once(whole)
        for name, seconds in figures.items():
            print(f"[{label}] {name:46s} {seconds * 1000:8.0f} ms  {seconds / floor:7.1f}x floor", flush=True)
        print(
            f"[{label}] a no-change sync moved the generation by {bumped['desktop']} (desktop `flowdeck sync`) "
            f"and by {bumped['service']} (`sync --watch`)",
            flush=True,
        )

        # A dashboard noticing another process's write.
        detector = ChangeDetector(store)
        polls = 200
        poll_cost = best(lambda: [detector.poll() for _ in range(polls)], runs=3) / polls
        noticed = threading.Event()
        noticed_at: list[float] = []
        stop = threading.Event()

        def dashboard() -> None:
            while not stop.is_set():
                if detector.poll():
                    noticed_at.append(time.perf_counter())
                    noticed.set()
                    return
                stop.wait(POLL_S)

        poller = threading.Thread(target=dashboard, daemon=True)
        poller.start()
        launched = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-m", "app.cli", "--db", url, "import", str(events_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        exited = time.perf_counter()
        noticed.wait(30)
        stop.set()
        poller.join(5)
        if child.returncode != 0 or not noticed_at:
            print(
                f"[{label}] dashboard check failed: import exit {child.returncode}, noticed {bool(noticed_at)}: "
                + (child.stderr.strip()[-1500:] or child.stdout.strip()[-500:])
            )
        else:
            print(
                f"[{label}] dashboard polling every {POLL_S} s noticed another process's import "
                f"{noticed_at[0] - launched:.2f} s after the child started, {noticed_at[0] - exited:+.2f} s after "
                f"it exited (the child ran {exited - launched:.2f} s); one poll costs "
                f"{poll_cost * 1e6:.0f} us",
                flush=True,
            )
    finally:
        store.close()


def main() -> None:
    """Start the cluster, generate the demo into both stores and print the figures."""
    from data.records import WorkItem
    from data.store.store import Store
    from data.timeutil import utc_now

    scale = os.environ.get("FLOWDECK_BENCH_SCALE", "large")
    with tempfile.TemporaryDirectory(prefix="flowdeck-bench-") as tmp, _cluster() as pg_url:
        if pg_url is None:
            return
        events = Path(tmp) / "events.jsonl"
        with Store.open(str(Path(tmp) / "source.db")) as source:
            source.upsert([WorkItem("bench", f"B-{i}", "bench item", utc_now()) for i in range(20)])
        from app.cli import main as cli

        cli(["--db", str(Path(tmp) / "source.db"), "export", str(events)])
        only = os.environ.get("FLOWDECK_BENCH_ONLY")  # "sqlite" or "postgresql": one side only
        if only != "postgresql":
            _bench_store("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", scale, events)
        if only != "sqlite":
            _bench_store("postgresql", pg_url, scale, events)


if __name__ == "__main__":
    main()
