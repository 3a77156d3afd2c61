"""Import speed against the raw sqlite3 floor, and the large demo's generation time.

1. Generate the large demo (60 teams, >100k tickets, >1M status changes) into a store and time it.
2. Export its status changes as an event file (>1M ``status_change`` lines).
3. The floors, measured now on this machine: ``sqlite3.executemany`` of the same rows (already
   converted: epoch-ms ints, no parsing) into an empty table of the same shape — once with the
   store's unique natural key (what an upserting import must maintain) and once without any index.
4. ``import_files`` of the file into an empty store (parse + validate + upsert, one transaction).
Prints events/s for each, the ratios (target: import >= 25 % of the floor), and peak RSS.
Run: ``python -m tests.bench import`` (or ``make bench``). No assertion on speed.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from data.demo import generate
from data.events.exporter import export
from data.events.importer import import_files
from data.store.store import Store

_COLUMNS = "source, item_key, at, from_status, to_status, from_id, to_id, to_category"
_TABLE = """CREATE TABLE status_changes (id INTEGER PRIMARY KEY, source VARCHAR(100) NOT NULL,
 item_key VARCHAR(200) NOT NULL, at BIGINT NOT NULL, from_status VARCHAR(200) NOT NULL,
 to_status VARCHAR(200) NOT NULL, from_id VARCHAR(100), to_id VARCHAR(100), to_category VARCHAR(50){})"""
_UNIQUE = ", UNIQUE (source, item_key, at, from_status, to_status)"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _floor(path: Path, rows: list[tuple[object, ...]], unique: bool) -> float:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(_TABLE.format(_UNIQUE if unique else ""))
    started = time.perf_counter()
    con.executemany(f"INSERT INTO status_changes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main() -> None:
    """Run the benchmark and print its figures."""
    with tempfile.TemporaryDirectory(prefix="flowdeck-bench-import-") as tmp:
        d = Path(tmp)
        with Store.open(str(d / "demo.db")) as demo:
            summary = generate(demo, scale="large", seed=1, end=datetime(2026, 6, 1, tzinfo=UTC))
            print(f"large demo: {summary.seconds:.1f} s for {sum(summary.counts.values()):,} rows", flush=True)
            for kind, n in summary.counts.items():
                print(f"  {kind:<18} {n:>10,}")
            events = d / "events.jsonl"
            started = time.perf_counter()
            lines = export(demo, events)
            print(f"export of the whole store: {lines:,} lines in {time.perf_counter() - started:.1f} s")
        # Only the status changes: the biggest kind, and the one PLATFORM.md measured.
        changes = d / "status_changes.jsonl"
        rows: list[tuple[object, ...]] = []
        with events.open("rb") as src, changes.open("wb") as dst:
            for line in src:
                if line.startswith(b'{"kind":"status_change"'):
                    dst.write(line)
                    o = json.loads(line)
                    rows.append(
                        (
                            o["source"],
                            o["key"],
                            len(rows),
                            o.get("from") or "",
                            o["to"],
                            None,
                            None,
                            o.get("to_category"),
                        )
                    )
        n = len(rows)
        size_mb = changes.stat().st_size / 1e6
        print(f"event file: {n:,} status_change lines, {size_mb:.0f} MB", flush=True)
        floor_plain = min(_floor(d / f"plain{i}.db", rows, unique=False) for i in range(2))
        floor_unique = min(_floor(d / f"unique{i}.db", rows, unique=True) for i in range(2))
        del rows
        with Store.open(str(d / "import.db")) as store:
            started = time.perf_counter()
            imported = import_files(store, [changes])
            seconds = time.perf_counter() - started
            assert imported.read["status_change"] == n
        print(f"floor, no index        : {n / floor_plain:>10,.0f} rows/s ({floor_plain:.2f} s)")
        print(f"floor, same unique key : {n / floor_unique:>10,.0f} rows/s ({floor_unique:.2f} s)")
        print(f"import_files           : {n / seconds:>10,.0f} events/s ({seconds:.2f} s)")
        print(f"ratio to the floor with the unique key: {floor_unique / seconds:.2f} (target >= 0.25)")
        print(f"ratio to the floor without any index  : {floor_plain / seconds:.2f}")
        print(f"peak RSS of this process: {_rss_mb():.0f} MB (includes the floors' in-memory rows)")
