"""Sync throughput against a local fake GitHub: 10,000 runs and 50,000 jobs.

Prints records/s stored (and the ratio to a floor: the same records upserted straight into a
store, no HTTP), requests made, and the cost of a second, no-change incremental sync (the target:
conditional requests only, zero writes). No assertion on time.
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path

from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers import github_fake as gh
from tests.helpers.server import FakeServer

RUNS, JOBS_PER_RUN = 10_000, 5


def _dataset() -> dict:
    st = gh.dataset()
    start = gh.NOW - timedelta(days=85)
    runs, jobs = [], {}
    for i in range(RUNS):
        created = start + timedelta(seconds=i * 85 * 86400 // RUNS)
        rid = 1_000_000 + i
        runs.append(
            {
                "id": rid,
                "name": f"wf{i % 4}",
                "run_attempt": 1,
                "status": "completed",
                "conclusion": "success" if i % 7 else "failure",
                "created_at": gh.iso(created),
                "updated_at": gh.iso(created + timedelta(minutes=9)),
                "run_started_at": gh.iso(created),
                "head_sha": f"{i:040x}",
                "head_branch": "main",
                "html_url": "u",
                "actor": {"login": "li"},
            }
        )
        jobs[rid] = [
            {
                "id": rid * 10 + k,
                "run_id": rid,
                "run_attempt": 1,
                "name": f"job{k}",
                "status": "completed",
                "conclusion": "success",
                "created_at": gh.iso(created),
                "started_at": gh.iso(created + timedelta(seconds=10 + k)),
                "completed_at": gh.iso(created + timedelta(minutes=2 + k)),
            }
            for k in range(JOBS_PER_RUN)
        ]
    st.update(runs=runs, jobs=jobs, attempts={})
    return st


def main() -> None:
    """Run the benchmark and print its figures."""
    state = _dataset()
    with tempfile.TemporaryDirectory() as tmp, FakeServer() as srv:
        gh.install(srv, state)
        with Store.open(str(Path(tmp) / "a.db")) as store:
            t0 = time.perf_counter()
            first = sync_source(store, gh.connector(srv.url, "bench-token", per_page=100), streams=["runs:bank/mobile"])
            t_first = time.perf_counter() - t0
            assert first.ok, first.error
            n = len(srv.requests)
            t0 = time.perf_counter()
            gen = store.generation()
            second = sync_source(
                store, gh.connector(srv.url, "bench-token", per_page=100), streams=["runs:bank/mobile"]
            )
            t_second = time.perf_counter() - t0
            later = srv.requests[n:]
            conditional = sum(1 for r in later if "If-None-Match" in r.headers)
            gen_delta = store.generation() - gen
            records = list(store.all_records())
        with Store.open(str(Path(tmp) / "floor.db")) as floor:
            t0 = time.perf_counter()
            for i in range(0, len(records), 2000):
                floor.upsert(records[i : i + 2000])
            t_floor = time.perf_counter() - t0
    rate, floor_rate = first.records / t_first, len(records) / t_floor
    print(
        f"first sync     {first.records:,} records ({RUNS:,} runs, {RUNS * JOBS_PER_RUN:,} jobs) in {t_first:.1f} s"
        f" = {rate:,.0f} records/s; {first.requests:,} requests, {first.pages} pages, "
        f"{first.transactions} transactions"
    )
    print(
        f"floor          store.upsert of the same records: {floor_rate:,.0f} records/s "
        f"(sync runs at {rate / floor_rate:.2f}x the floor; the rest is HTTP, one jobs request per run)"
    )
    print(
        f"second sync    {t_second:.2f} s, {len(later)} requests ({conditional} conditional, "
        f"{sum(1 for r in later if 'If-None-Match' not in r.headers)} plain), {second.records} records written, "
        f"{second.transactions} transactions, store generation +{gen_delta} (sync_state: attempt and outcome)"
    )


if __name__ == "__main__":
    main()
