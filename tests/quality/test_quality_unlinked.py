"""The "completed, never in production" finding: hand-computed count, share and items; counted as problems.

Stream Mobile (done "Done", production ``^prod$``). bank/mobile's production deployments carry
commit ranges, so a change is deployed exactly when a range (or the deployment's sha) holds its
merge commit.
"""

from __future__ import annotations

import json

import pytest

from app.cli import main
from data.config.model import Config
from data.config.parse import parse_config
from data.materialise import cache
from data.quality.checks import assess
from data.records import Change, Deployment, DeploymentCommit, Exclusion, StatusChange, WorkItem
from data.store.store import Store
from tests.helpers.metrics import h

STREAM = {
    "name": "Mobile",
    "production": "^prod$",
    "done": ["Done"],
    "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
}


def config() -> Config:
    return parse_config({"streams": [STREAM]}, "test.toml")


def done(key: str, title: str, at: float) -> list[WorkItem | StatusChange]:
    return [
        WorkItem("jira", key, title, h(0)),
        StatusChange("jira", key, h(1), "To Do", "In Progress"),
        StatusChange("jira", key, h(at), "In Progress", "Done"),
    ]


RECORDS = [
    *done("PAY-1", "Card limit", 10),  # named by #1, which p1 shipped at 20 h: reached production
    *done("PAY-2", "Statement PDF", 12),  # named by #2, merged but in no deployment
    *done("PAY-3", "Login", 14),  # no change names it
    *done("PAY-6", "Fees", 15),  # named by #6, shipped by p2 only at 200 h
    *done("PAY-7", "Duplicate", 16),  # excluded by decision: not counted at all
    *done("PAY-4", "Old", 0.5)[:2],  # still in progress: not completed
    WorkItem("jira", "PAY-9", "Done long ago", h(-24 * 200)),
    StatusChange("jira", "PAY-9", h(-24 * 100), "To Do", "Done"),  # completed before any window here
    Change("gh", "bank/mobile", "1", "PAY-1 card limit", h(2), merged_at=h(11), merge_sha="m1"),
    Change("gh", "bank/mobile", "2", "PAY-2 statement", h(2), merged_at=h(13), merge_sha="m2"),
    Change("gh", "bank/mobile", "6", "Fees (PAY-6)", h(2), merged_at=h(16), merge_sha="m6"),
    Deployment("ci", "bank/mobile", "p1", "prod", "success", sha="m1", started_at=h(19), finished_at=h(20)),
    DeploymentCommit("ci", "p1", "m1"),
    Deployment("ci", "bank/mobile", "p2", "prod", "success", sha="m6", started_at=h(199), finished_at=h(200)),
    DeploymentCommit("ci", "p2", "m6"),
]


@pytest.fixture
def store(store_url: str) -> Store:
    cache.clear_memory()
    s = Store.open(store_url)
    with s.writer() as w:
        w.upsert(RECORDS)  # type: ignore[arg-type]
        w.add_exclusion(Exclusion("work_item", "jira", "PAY-7", "raised twice"))
    return s


def test_count_share_and_items(store: Store) -> None:
    q = assess(store, config(), as_of=h(100), window_from=h(0), window_to=h(100))
    u = q.unlinked
    assert u is not None
    # Completed in [0 h, 100 h): PAY-1, PAY-2, PAY-3, PAY-6 (PAY-4 is in progress, PAY-9 done before,
    # PAY-7 excluded). As of 100 h only PAY-1's change is in production.
    assert (u.count, u.completed, u.share) == (3, 4, 0.75)
    assert [(i.key, i.detail) for i in u.items] == [
        ("PAY-2", "named by a change that has not reached production: Statement PDF"),
        ("PAY-3", "no change names it: Login"),
        ("PAY-6", "named by a change that has not reached production: Fees"),
    ]
    # Every one of them is a problem in the headline (nothing else is wrong with this store).
    assert all(f.count == 0 for f in q.anomalies) and q.unmapped == ()
    assert q.problem_count == 3
    doc = q.to_json()["unlinked_completed"]
    assert (doc["check"], doc["completed"], doc["count"], doc["share"]) == (
        "completed_without_production_deployment",
        4,
        3,
        0.75,
    )
    assert doc["window_from"] == "2026-03-02T00:00:00Z" and len(doc["items"]) == 3


def test_a_later_deployment_links_it_and_the_window_bounds_it(store: Store) -> None:
    # As of 300 h, p2 (200 h) has shipped PAY-6's change.
    u = assess(store, config(), as_of=h(300), window_from=h(0), window_to=h(300)).unlinked
    assert u is not None and (u.count, u.completed) == (2, 4)
    # A window holding only PAY-3's completion (14 h).
    u = assess(store, config(), as_of=h(300), window_from=h(13), window_to=h(14.5)).unlinked
    assert u is not None and [i.key for i in u.items] == ["PAY-3"] and u.completed == 1
    # Nothing completed: no share, no problem.
    q = assess(store, config(), as_of=h(300), window_from=h(250), window_to=h(300))
    assert q.unlinked is not None and (q.unlinked.count, q.unlinked.completed, q.unlinked.share) == (0, 0, None)
    # The default window is the 13 weeks up to as_of.
    u = assess(store, config(), as_of=h(100)).unlinked
    assert u is not None and (u.count, u.completed) == (3, 4)
    with pytest.raises(ValueError, match="must be before"):
        assess(store, config(), as_of=h(100), window_from=h(50), window_to=h(50))


def test_cli_prints_the_finding(store: Store, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        '[[streams]]\nname = "Mobile"\nproduction = "^prod$"\ndone = ["Done"]\n'
        '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n',
        encoding="utf-8",
    )
    base = ["--db", store.url, "--config", str(cfg), "quality", "--as-of", h(100).isoformat()]
    assert main([*base, "--from", h(0).isoformat()]) == 0
    out = capsys.readouterr().out
    assert "3 of 4 completed items (75 %) never reached production: no linked deployment" in out
    assert "no change names it: Login" in out
    assert main([*base, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unlinked_completed"]["count"] == 3
    assert main([*base, "--from", h(200).isoformat(), "--to", h(100).isoformat()]) == 2
    assert "must be before --to" in capsys.readouterr().err
