"""The demo organisation: deterministic, and it tells the story (checked with plain Python)."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from data.config.parse import load_config
from data.demo import generate
from data.events.exporter import export
from data.events.importer import import_files
from data.records import WorkItem
from data.store.store import Store

END = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
START = END - timedelta(weeks=26)
DONE = ("Done", "Closed")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(str(tmp_path_factory.mktemp("demo") / "demo.db"))
    generate(store, seed=1, end=END)
    yield store
    store.close()


def _state(store: Store) -> tuple:
    meta = {k: store.get_meta(k) for k in ("demo", "demo_end", "demo_seed", "demo_scale")}
    return list(store.all_records()), store.exclusions(), meta


def _weeks(lo: int, hi: int) -> tuple[datetime, datetime]:
    return START + timedelta(weeks=lo), START + timedelta(weeks=hi)


def test_same_seed_and_end_give_the_same_store(demo: Store, tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "again.db")) as again:
        generate(again, seed=1, end=END)
        assert _state(again) == _state(demo)
    with Store.open(str(tmp_path / "other.db")) as other:
        generate(other, seed=2, end=END)
        assert other.work_items() != demo.work_items()


def test_meta_marks_the_demo(demo: Store) -> None:
    assert demo.get_meta("demo") == "1"
    assert demo.get_meta("demo_end") == "2026-06-01T00:00:00Z"


def test_small_stays_small(demo: Store) -> None:
    counts = demo.counts()
    assert 1_000 <= counts["work_items"] <= 3_000
    assert sum(counts.values()) <= 100_000


def test_releases_go_from_monthly_to_weekly(demo: Store) -> None:
    prod = [d for d in demo.deployments() if d.environment == "production" and d.status == "success"]
    for lo, hi, low, high in ((0, 8, 1.5, 2.5), (18, 26, 7.5, 8.5)):
        a, b = _weeks(lo, hi)
        per_team = Counter(d.repo for d in prod if a <= d.finished_at < b)
        assert set(per_team) == {"bank/payments", "bank/mobile", "bank/core-banking"}
        # Releases per team in 8 weeks: ~2 (monthly) at first, 8 (weekly) at the end.
        assert all(low <= n <= high for n in per_team.values()), (lo, per_team)


def _lead_days(store: Store, lo: int, hi: int) -> list[float]:
    timeline = defaultdict(list)
    for sc in store.status_changes():
        timeline[sc.key].append(sc)
    a, b = _weeks(lo, hi)
    out = []
    for item in store.work_items():
        changes = timeline[item.key]
        if changes and changes[-1].to_status == "Done" and a <= changes[-1].at < b:
            out.append((changes[-1].at - item.created_at).total_seconds() / 86_400)
    return out


def test_lead_time_falls_from_two_months_to_two_weeks(demo: Store) -> None:
    first, last = _lead_days(demo, 0, 6), _lead_days(demo, 20, 26)
    assert len(first) > 100 and len(last) > 100
    assert 45 <= statistics.median(first) <= 75
    assert 10 <= statistics.median(last) <= 18


def test_every_status_is_mapped_by_the_demo_stream(demo: Store) -> None:
    stream = load_config(None).streams[0]
    mapped = {s for stage in stream.stages for s in (*stage.wait, *stage.active)} | set(stream.done)
    used = {sc.to_status for sc in demo.status_changes()} | {sc.from_status for sc in demo.status_changes()}
    assert used - {None} <= mapped
    assert used - {None} == mapped  # and every mapped status is used, so every stage has data


def test_rework_reopening_and_queues_exist(demo: Store) -> None:
    moves = Counter((sc.from_status, sc.to_status) for sc in demo.status_changes())
    assert moves[("In Review", "In Progress")] > 50  # sent back from review
    assert moves[("Testing", "In Progress")] > 50  # sent back from test
    assert moves[("Done", "In Progress")] >= 3  # reopened
    assert moves[("Backlog", "Closed")] > 10  # won't do


def test_failures_and_incidents_but_none_in_the_last_three_months(demo: Store) -> None:
    prod = [d for d in demo.deployments() if d.environment == "production"]
    failed = [d for d in prod if d.status == "failure"]
    assert 2 <= len(failed) <= 6
    assert all(d.finished_at < END - timedelta(weeks=13) for d in failed)
    incidents = demo.incidents()
    assert 3 <= len(incidents) <= 10
    assert all(i.resolved_at is not None and i.resolved_at > i.created_at for i in incidents)
    with_range = {dc.deployment_id for dc in demo.deployment_commits()}
    assert len([d for d in prod if d.id in with_range]) >= 0.75 * len(prod)


def test_changes_link_to_tickets(demo: Store) -> None:
    keys = {i.key for i in demo.work_items()}
    pattern = re.compile(r"\b(?:PAY|MOB|CORE)-\d+\b")
    changes = demo.changes()
    linked = [c for c in changes if set(pattern.findall(f"{c.title} {c.branch}")) & keys]
    assert len(linked) >= 0.8 * len(changes)
    assert any(not pattern.search(c.title) and pattern.search(c.branch or "") for c in changes)  # branch only


def test_pipelines_have_approvals_reruns_and_a_live_end(demo: Store) -> None:
    jobs = demo.job_runs()
    approvals = [j for j in jobs if j.name == "approve-production"]
    assert approvals and all(j.paused_s > 0 for j in approvals)
    early = [j.paused_s for j in approvals if j.started_at < START + timedelta(weeks=8)]
    late = [j.paused_s for j in approvals if j.started_at >= END - timedelta(weeks=8)]
    assert statistics.median(early) > 10 * statistics.median(late)  # the CAB wait disappears
    runs = demo.pipeline_runs()
    assert any(r.attempt == 2 for r in runs)
    assert {r.status for r in runs} == {"completed", "running", "queued"}
    latest = {}
    for r in sorted(runs, key=lambda r: r.queued_at):
        latest[r.pipeline] = r
    assert latest["mobile/main"].result == "failure"  # broken at the end


def test_work_in_progress_at_the_end(demo: Store) -> None:
    open_items = [i for i in demo.work_items() if i.status not in DONE]
    assert len(open_items) > 30
    assert all(isinstance(i, WorkItem) and i.created_at < END for i in demo.work_items())
    assert max(sc.at for sc in demo.status_changes()) < END


def test_demo_round_trips_through_an_event_file(demo: Store, store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    export(demo, path)
    with Store.open(store_url) as copy:
        import_files(copy, [path])
        assert list(copy.all_records()) == list(demo.all_records())
        assert copy.exclusions() == demo.exclusions()


def test_cli_refuses_to_mix_the_demo_into_real_data(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(tmp_path / "real.db")
    with Store.open(db) as store:
        store.upsert([WorkItem("jira", "REAL-1", "real", END)])
    assert main(["--db", db, "demo", "--end", "2026-06-01"]) == 1
    assert "not from the demo" in capsys.readouterr().err
    with Store.open(db) as store:
        assert store.counts()["work_items"] == 1
    assert main(["--db", db, "demo", "--end", "2026-06-01", "--force"]) == 0
    with Store.open(db) as store:
        assert store.counts()["work_items"] > 1000


def test_cli_demo_again_is_idempotent_and_another_demo_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["--db", db, "demo", "--end", "2026-06-01"]) == 0
    with Store.open(db) as store:
        before = _state(store)
    assert main(["--db", db, "demo", "--end", "2026-06-01"]) == 0
    assert main(["--db", db, "demo", "--end", "2026-06-01", "--seed", "7"]) == 1
    with Store.open(db) as store:
        assert _state(store) == before


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "x.db")) as store, pytest.raises(ValueError, match="unknown demo scale 'huge'"):
        generate(store, scale="huge")
