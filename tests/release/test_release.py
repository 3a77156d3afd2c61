"""Release reports for known deployments: exactly their PRs, tickets, jobs (approval wait) and incidents."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from data.config.model import Config
from data.config.parse import parse_config
from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    StatusChange,
    WorkItem,
)
from data.release.build import latest_production_deployment, release_report
from data.release.results import EXACT, SINCE_PREVIOUS
from data.store.store import Store

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def config() -> Config:
    return parse_config(
        {
            "streams": [
                {
                    "name": "Mobile",
                    "production": "^prod$",
                    "done": ["Done"],
                    "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
                }
            ]
        },
        "test.toml",
    )


URL = "https://ci.example.com/job/mobile-release/7/"
RECORDS = [
    WorkItem("jira", "PAY-1", "Card limit", h(0), type="Story"),
    StatusChange("jira", "PAY-1", h(30), "In Progress", "Done"),
    WorkItem("jira", "PAY-2", "<b>x</b>", h(-10), type="Bug"),
    # Shipped by p1 (exact range m1, m2): #1 names PAY-1 in its title, #2 names PAY-2 in its merge commit.
    Change("gh", "bank/mobile", "1", "PAY-1 card limit", h(1), first_commit_at=h(0.5), merged_at=h(5), merge_sha="m1"),
    Change("gh", "bank/mobile", "2", '=HYPERLINK("http://evil")', h(2), merged_at=h(6), merge_sha="m2"),
    Commit("gh", "bank/mobile", "m2", "Merge: fixes pay-2", "li", h(6)),
    # Merged before p0: not carried by p1 even though it is older.
    Change("gh", "bank/mobile", "0", "PAY-1 groundwork", h(-5), merged_at=h(-4), merge_sha="m0"),
    # Another repository: never in bank/mobile's release.
    Change("gh", "bank/core", "9", "PAY-1 core side", h(1), merged_at=h(5), merge_sha="c9"),
    Deployment(
        "ci", "bank/mobile", "p0", "prod", "success", sha="m0", ref="main", started_at=h(-3), finished_at=h(-2.5)
    ),
    DeploymentCommit("ci", "p0", "m0"),
    Deployment(
        "ci", "bank/mobile", "p1", "prod", "success", sha="m2", ref="main", started_at=h(10), finished_at=h(11), url=URL
    ),
    DeploymentCommit("ci", "p1", "m1"),
    DeploymentCommit("ci", "p1", "m2"),
    Deployment("ci", "bank/mobile", "s1", "staging", "success", sha="m2", started_at=h(7), finished_at=h(7.5)),
    PipelineRun(
        "ci",
        "mobile-release",
        "7",
        sha="m2",
        status="completed",
        result="success",
        queued_at=h(6.5),
        started_at=h(6.6),
        finished_at=h(11),
        url=URL,
    ),
    JobRun(
        "ci",
        "mobile-release",
        "7",
        "1",
        "build",
        queued_at=h(6.5),
        started_at=h(6.6),
        finished_at=h(7),
        result="success",
    ),
    # Approval: queued 15 min, paused 2.5 h for the manual approval, 0.1 h of work.
    JobRun(
        "ci",
        "mobile-release",
        "7",
        "2",
        "approve-prod",
        queued_at=h(7),
        started_at=h(7.25),
        finished_at=h(9.85),
        result="success",
        paused_s=9000,
    ),
    JobRun(
        "ci",
        "mobile-release",
        "7",
        "3",
        "deploy-prod",
        queued_at=h(9.85),
        started_at=h(10),
        finished_at=h(11),
        result="success",
    ),
    # An older run of the same pipeline: not the shipping one.
    PipelineRun(
        "ci",
        "mobile-release",
        "6",
        sha="m0",
        status="completed",
        result="success",
        queued_at=h(-4),
        started_at=h(-4),
        finished_at=h(-2.5),
    ),
    # Incidents: INC-1 after p1 (linked), INC-0 before p1 (links to p0), INC-9 in another repo.
    Incident("jira", "INC-1", h(12), repo="bank/mobile", resolved_at=h(14), title="Card limits wrong"),
    Incident("jira", "INC-0", h(8), repo="bank/mobile", resolved_at=h(9)),
    Incident("jira", "INC-9", h(12), repo="bank/core", resolved_at=h(13)),
    # p2: no commit range -> changes merged since p1 started (h10) up to p2's start (h40).
    Change("gh", "bank/mobile", "3", "PAY-2 follow-up", h(20), merged_at=h(25), merge_sha="m3"),
    Change("gh", "bank/mobile", "4", "feature branch only", h(20), merged_at=h(26), merge_sha="m4", base="release/1"),
    Deployment("ci", "bank/mobile", "p2", "prod", "success", sha="m3", ref="main", started_at=h(40), finished_at=h(41)),
]


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store.open(store_url)
    s.upsert(RECORDS)  # type: ignore[arg-type]
    return s


def test_exact_release_lists_its_prs_tickets_jobs_and_incidents(store: Store) -> None:
    r = release_report(store, config(), ("ci", "bank/mobile", "p1"))
    assert r.method == EXACT and r.previous is None
    assert [(c.id, c.tickets) for c in r.changes] == [("1", ("PAY-1",)), ("2", ("PAY-2",))]
    # Lead time: first commit 0.5 h -> p1 finished 11 h = 10.5 h; #2 created 2 h -> 9 h.
    assert [c.lead_time_h for c in r.changes] == [pytest.approx(10.5), pytest.approx(9.0)]
    assert all(c.first_deployed_here for c in r.changes)
    # PAY-1: created 0 h; the first production deployment carrying a linked change is p1 (PR 0's
    # p0 finished before PAY-1 existed) -> 11 h. PAY-2: created -10 h -> p1 at 11 h = 21 h.
    assert [(t.key, t.requirement_lead_time_h) for t in r.tickets] == [
        ("PAY-1", pytest.approx(11.0)),
        ("PAY-2", pytest.approx(21.0)),
    ]
    assert [c.sha for c in r.commits] == ["m2"]
    p = r.pipeline
    assert p is not None and (p.pipeline, p.id) == ("mobile-release", "7")
    approve = next(j for j in p.jobs if j.name == "approve-prod")
    assert approve.queue_s == pytest.approx(900)
    assert approve.approval_wait_s == pytest.approx(9000)
    assert approve.active_s == pytest.approx(2.6 * 3600 - 9000)
    assert [j.name for j in p.jobs] == ["build", "approve-prod", "deploy-prod"]
    assert [(n.key, n.recovery_h) for n in r.incidents] == [("INC-1", pytest.approx(3.0))]


def test_release_without_range_uses_changes_since_previous_deployment(store: Store) -> None:
    r = release_report(store, config(), ("ci", "bank/mobile", "p2"))
    assert r.method == SINCE_PREVIOUS
    assert r.previous is not None and r.previous.id == "p1"
    # PR 4 targets release/1, not main: a different branch is not carried.
    assert [c.id for c in r.changes] == ["3"]
    assert r.changes[0].lead_time_h == pytest.approx(21.0)  # created 20 h -> p2 finished 41 h
    assert r.pipeline is None  # no run for sha m3
    assert r.incidents == ()
    assert "previous successful production deployment" in r.method_text


def test_latest_and_bad_requests(store: Store) -> None:
    assert latest_production_deployment(store, config()).id == "p2"
    with pytest.raises(LookupError, match="no deployment bank/mobile#nope"):
        release_report(store, config(), ("ci", "bank/mobile", "nope"))
    with pytest.raises(ValueError, match="not production"):
        release_report(store, config(), ("ci", "bank/mobile", "s1"))


def test_csv_is_neutralised_and_pdf_is_valid(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    # qapp: the command would create a bare QGuiApplication, which a later widget test in the same
    # process could not use; a QApplication serves both.
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    code = main(["--db", store.url, "release", "ci:bank/mobile:p1", "--csv", str(out_csv), "--pdf", str(out_pdf)])
    assert code == 0
    text = capsys.readouterr().out
    assert "exact: the deployment's commit range is known" in text
    assert "approve-prod" in text and "2.5 h" in text  # the approval wait
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert rows[0][0] == "section"
    by_key = {r[2]: r for r in rows[1:]}
    assert by_key["bank/mobile#2"][3] == '\'=HYPERLINK("http://evil")'  # neutralised formula
    assert by_key["PAY-2"][3] == "<b>x</b>"
    assert [r[0] for r in rows[1:]].count("job") == 3
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_pdf_html_escapes_remote_text(store: Store) -> None:
    from app.commands.release import report_html

    doc = report_html(release_report(store, config(), ("ci", "bank/mobile", "p1")))
    assert "&lt;b&gt;x&lt;/b&gt;" in doc and "<b>x</b>" not in doc


@pytest.mark.parametrize(
    ("arg", "code", "message"),
    [
        ("bank/mobile:p1", 2, "SOURCE:REPO:ID"),
        ("ci:bank/mobile:s1", 2, "not production"),
        ("ci:bank/x:p1", 1, "no deployment"),
    ],
)
def test_cli_bad_deployment(
    store: Store, capsys: pytest.CaptureFixture[str], arg: str, code: int, message: str
) -> None:
    assert main(["--db", store.url, "release", arg]) == code
    assert message in capsys.readouterr().err


def test_cli_latest_json(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["--db", store.url, "release", "latest", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["deployment"]["id"] == "p2" and doc["method"] == "since_previous_deployment"
    assert [c["key"] for c in doc["changes"]] == ["bank/mobile#3"]
