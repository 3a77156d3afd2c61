"""Data-quality checks over hand-built histories: each finding with its count and its items."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from data.config.model import Config
from data.config.parse import parse_config
from data.quality.checks import assess
from data.quality.results import QualityReport
from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Exclusion,
    JobRun,
    PipelineRun,
    StatusChange,
    WorkItem,
)
from data.store.store import Store

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
AS_OF = T0 + timedelta(weeks=6, days=1)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def config() -> Config:
    return parse_config(
        {
            "sources": [
                {"name": "ci", "kind": "jenkins", "url": "https://ci.example.com"},
                {"name": "gitlab", "kind": "gitlab", "url": "https://gitlab.example.com"},
            ],
            "streams": [
                {
                    "name": "Mobile",
                    "production": "^prod$",
                    "done": ["Done"],
                    "stages": [
                        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
                        {"name": "Test", "wait": ["Ready for Test"], "active": ["Testing"]},
                    ],
                }
            ],
        },
        "test.toml",
    )


def sc(key: str, at: float, frm: str | None, to: str) -> StatusChange:
    return StatusChange("jira", key, h(at), frm, to)


def run(ident: str, at: datetime, **kw: object) -> PipelineRun:
    fields: dict[str, object] = {"status": "completed", "result": "success", "queued_at": at, "started_at": at}
    fields["finished_at"] = at + timedelta(minutes=5)
    fields.update(kw)
    return PipelineRun("ci", "mobile", ident, **fields)  # type: ignore[arg-type]


def history() -> list[object]:
    recs: list[object] = [
        # PAY-1: 6 h in the unmapped "Blocked"; linked by PR 17, which reached production.
        WorkItem("jira", "PAY-1", "Card limit", h(0)),
        sc("PAY-1", 2, "To Do", "In Progress"),
        sc("PAY-1", 4, "In Progress", "Blocked"),
        sc("PAY-1", 10, "Blocked", "In Progress"),
        sc("PAY-1", 12, "In Progress", "Done"),
        # PAY-2: 1 h in "Triage" (its first from-status, since creation), 2 h in "Blocked".
        WorkItem("jira", "PAY-2", "Statement PDF", h(0)),
        sc("PAY-2", 1, "Triage", "To Do"),
        sc("PAY-2", 3, "To Do", "Blocked"),
        sc("PAY-2", 5, "Blocked", "Done"),
        # PAY-3: the second change starts from "Testing", but the first went to "In Progress".
        WorkItem("jira", "PAY-3", "Login", h(0)),
        sc("PAY-3", 1, "To Do", "In Progress"),
        sc("PAY-3", 2, "Testing", "Done"),
        # The same key in two sources.
        WorkItem("jira", "CORE-9", "Rates", h(0)),
        WorkItem("jira-old", "core-9", "Rates (old Jira)", h(0)),
        Change(
            "gitlab",
            "bank/mobile",
            "17",
            "PAY-1 card limit",
            h(1),
            branch="feature/x",
            merged_at=h(13),
            merge_sha="m17",
            base="main",
        ),
        Change(
            "gitlab",
            "bank/mobile",
            "18",
            "Refactor logging",
            h(1),
            branch="chore/logs",
            merged_at=h(14),
            merge_sha="m18",
            base="main",
        ),
        Change("gitlab", "bank/mobile", "19", "PAY-2 draft", h(1), branch="feature/PAY-2"),  # never merged
        Commit("gitlab", "bank/mobile", "m18", "Merge branch chore/logs"),
        Deployment(
            "ci", "bank/mobile", "p1", "prod", "success", sha="m17", ref="main", started_at=h(19), finished_at=h(20)
        ),
        DeploymentCommit("ci", "p1", "m17"),
        Deployment(
            "ci", "bank/mobile", "p2", "prod", "success", sha="m18", ref="main", started_at=h(30), finished_at=h(31)
        ),
        # A staging deployment with a result but no finish.
        Deployment("ci", "bank/mobile", "s9", "staging", "success", sha="m18", started_at=h(25)),
        # A job that finished before it started, and one of zero length.
        JobRun(
            "ci", "mobile", "r1", "1", "build", queued_at=h(1), started_at=h(2), finished_at=h(1.5), result="success"
        ),
        JobRun("ci", "mobile", "r1", "2", "test", queued_at=h(2), started_at=h(3), finished_at=h(3), result="success"),
        # Runs: completed without finish; running for six weeks; running for an hour (fine).
        run("r1", h(1)),
        run("r2", h(1), finished_at=None),
        run("r3", h(0), status="running", result=None, finished_at=None),
        run("r4", AS_OF - timedelta(hours=1), status="running", result=None, finished_at=None),
    ]
    # Steady CI activity (5 runs a week) in weeks 0, 1, 4 and 5; nothing in weeks 2 and 3.
    for week in (0, 1, 4, 5):
        for day in range(5):
            recs.append(run(f"w{week}-{day}", T0 + timedelta(weeks=week, days=day, hours=9)))
    return recs


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store.open(store_url)
    with s.writer() as w:
        w.upsert(r for r in history() if not isinstance(r, Exclusion))  # type: ignore[misc]
        w.set_sync_state("ci", attempt_at=AS_OF - timedelta(days=1), success_at=AS_OF - timedelta(days=1))
    return s


def keys(items: object) -> list[tuple[str, str]]:
    return [(i.source, i.key) for i in items]  # type: ignore[attr-defined]


def test_unmapped_statuses_with_hours_and_items(store: Store) -> None:
    q = assess(store, config(), as_of=AS_OF)
    by = {u.status: u for u in q.unmapped}
    assert set(by) == {"Blocked", "Triage"}
    assert by["Blocked"].hours == pytest.approx(8.0)  # PAY-1 6 h + PAY-2 2 h
    assert by["Blocked"].item_count == 2
    assert [(i.key, i.detail) for i in by["Blocked"].items] == [("PAY-1", "6.0 h"), ("PAY-2", "2.0 h")]
    assert by["Triage"].hours == pytest.approx(1.0)
    assert keys(by["Triage"].items) == [("jira", "PAY-2")]
    assert [u.status for u in q.unmapped] == ["Blocked", "Triage"]  # most hours first


def test_coverage_counts_and_missing_items(store: Store) -> None:
    q = assess(store, config(), as_of=AS_OF)
    changes = q.coverage_of("changes_linked_to_tickets")
    assert (changes.covered, changes.total) == (1, 2)  # PR 19 is not merged: not in the population
    assert keys(changes.missing) == [("gitlab", "bank/mobile#18")]
    tickets = q.coverage_of("tickets_linked_to_deployments")
    # Completed: PAY-1, PAY-2, PAY-3 (CORE-9 never moved). Only PAY-1 reached production.
    assert (tickets.covered, tickets.total) == (1, 3)
    assert keys(tickets.missing) == [("jira", "PAY-2"), ("jira", "PAY-3")]
    ranges = q.coverage_of("deployments_with_commit_range")
    assert (ranges.covered, ranges.total, ranges.share) == (1, 2, 0.5)
    assert keys(ranges.missing) == [("ci", "bank/mobile#p2")]


def test_coverage_before_the_deployment_is_not_credited(store: Store) -> None:
    # As of 19:30 the production deployment that carried PR 17 has not finished yet.
    q = assess(store, config(), as_of=h(19.5))
    assert q.coverage_of("tickets_linked_to_deployments").covered == 0


def test_anomalies_each_with_the_right_items(store: Store) -> None:
    q = assess(store, config(), as_of=AS_OF)
    assert keys(q.anomaly("transition_out_of_order").items) == [("jira", "PAY-3")]
    assert "from 'Testing'" in q.anomaly("transition_out_of_order").items[0].detail
    assert keys(q.anomaly("negative_interval").items) == [("ci", "mobile#r1/build")]
    assert keys(q.anomaly("zero_length_interval").items) == [("ci", "mobile#r1/test")]
    unfinished = q.anomaly("run_without_finish")
    assert sorted(keys(unfinished.items)) == [("ci", "mobile#r2"), ("ci", "mobile#r3")]
    assert keys(q.anomaly("deployment_without_finish").items) == [("ci", "bank/mobile#s9")]
    dup = q.anomaly("duplicate_key_across_sources")
    assert keys(dup.items) == [("jira", "CORE-9"), ("jira-old", "core-9")]
    assert dup.items[0].detail.startswith("also in jira-old")


def test_a_clean_history_has_no_anomalies(store_url: str) -> None:
    s = Store.open(store_url)
    s.upsert(
        [WorkItem("jira", "A-1", "x", h(0)), sc("A-1", 1, "To Do", "In Progress"), sc("A-1", 2, "In Progress", "Done")]
    )
    q = assess(s, config(), as_of=AS_OF)
    assert all(f.count == 0 for f in q.anomalies)
    assert q.unmapped == ()


def test_source_gaps_and_sync_state(store: Store) -> None:
    q = assess(store, config(), as_of=AS_OF)
    by = {s.source: s for s in q.sources}
    ci = by["ci"]
    assert ci.weekly_median == 5.0
    assert [(g.week_from, g.weeks) for g in ci.gaps] == [(T0 + timedelta(weeks=2), 2)]
    assert ci.last_success_at == AS_OF - timedelta(days=1)
    assert ci.stale  # interval 30 s: a day-old success is stale
    assert by["gitlab"].configured and by["gitlab"].stale and by["gitlab"].last_success_at is None
    # Sources known only from the data are listed, never called stale; a quiet one has no gaps.
    assert not by["jira"].configured and not by["jira"].stale and by["jira"].gaps == ()


def test_a_stopped_sync_is_a_trailing_gap(store: Store) -> None:
    # The last record (run r4) is in week 6; weeks 7 and 8 are over and empty; week 9 is not over.
    q = assess(store, config(), as_of=AS_OF + timedelta(weeks=3))
    ci = next(s for s in q.sources if s.source == "ci")
    assert [(g.week_from, g.weeks) for g in ci.gaps] == [(T0 + timedelta(weeks=2), 2), (T0 + timedelta(weeks=7), 2)]


def test_exclusions_leave_coverage_and_are_listed(store: Store) -> None:
    with store.writer() as w:
        w.add_exclusion(Exclusion("change", "gitlab", "bank/mobile#18", "bulk refactor, not a requirement"))
    q = assess(store, config(), as_of=AS_OF)
    c = q.coverage_of("changes_linked_to_tickets")
    assert (c.covered, c.total, c.missing) == (1, 1, ())
    assert [(e.kind, e.key, e.reason) for e in q.exclusions] == [
        ("change", "bank/mobile#18", "bulk refactor, not a requirement")
    ]


def test_json_has_stable_keys(store: Store) -> None:
    doc = assess(store, config(), as_of=AS_OF).to_json()
    assert list(doc) == [
        "as_of",
        "stream",
        "measure_from",
        "sources",
        "coverage",
        "unmapped_statuses",
        "anomalies",
        "exclusions",
        "unlinked_completed",
    ]
    assert doc["as_of"] == "2026-04-14T00:00:00Z"
    assert [a["check"] for a in doc["anomalies"]] == [
        "negative_interval",
        "zero_length_interval",
        "transition_out_of_order",
        "run_without_finish",
        "deployment_without_finish",
        "duplicate_key_across_sources",
    ]
    assert doc["coverage"][0] == {
        "check": "changes_linked_to_tickets",
        "title": "Merged changes that name a ticket (title, branch or merge-commit message)",
        "covered": 1,
        "total": 2,
        "share": 0.5,
        "missing": [{"source": "gitlab", "key": "bank/mobile#18", "detail": "Refactor logging"}],
    }
    json.dumps(doc)  # serialisable as is


def test_cli_prints_tables_and_json(store: Store, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        '[[sources]]\nname = "ci"\nkind = "jenkins"\nurl = "https://ci.example.com"\n'
        '[[streams]]\nname = "Mobile"\nproduction = "^prod$"\ndone = ["Done"]\n'
        '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n',
        encoding="utf-8",
    )
    base = ["--db", store.url, "--config", str(cfg), "quality", "--as-of", AS_OF.isoformat()]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "Blocked" in out and "8.0 h" in out
    assert "bank/mobile#18" in out
    assert "Transitions whose 'from' is not the previous 'to'" in out
    assert main([*base, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stream"] == "Mobile"
    assert main([*base, "--stream", "nope"]) == 2
    assert "no value stream named 'nope'" in capsys.readouterr().err


def test_report_type_is_frozen(store: Store) -> None:
    q = assess(store, config(), as_of=AS_OF)
    assert isinstance(q, QualityReport)
    with pytest.raises(AttributeError):
        q.stream = "x"  # type: ignore[misc]
