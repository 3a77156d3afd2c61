"""A small store with two production deployments, their changes, tickets and pipeline (the release tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
