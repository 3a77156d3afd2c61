"""A hand-computed history for the report tests: one stream, a week, every kind of record."""

from __future__ import annotations

from datetime import timedelta

from data.config.model import Config
from data.config.parse import parse_config
from data.records import Change, Deployment, Incident, JobRun, StatusChange, WorkItem
from tests.helpers.metrics import T0, h

STREAM = {
    "name": "Mobile",
    "production": "^prod$",
    "done": ["Done"],
    "stages": [
        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
        {"name": "Test", "wait": ["Ready for Test"], "active": ["Testing"]},
        {"name": "Approve", "jobs": "^approve"},
        {"name": "Staging", "deployments": "^staging$"},
        {"name": "Prod", "deployments": "^prod$"},
    ],
}


def config(**stream: object) -> Config:
    """The Mobile stream (five stages), with ``stream``'s keys changed."""
    return parse_config({"streams": [{**STREAM, **stream}]}, "test.toml")


def sc(key: str, at: float, frm: str | None, to: str) -> StatusChange:
    """A Jira status change ``at`` hours after T0."""
    return StatusChange("jira", key, h(at), frm, to)


RECORDS = [
    WorkItem("jira", "PAY-1", "Card limit", h(0), type="Story", team="payments"),
    sc("PAY-1", 2, "To Do", "In Progress"),
    sc("PAY-1", 6, "In Progress", "Ready for Test"),
    sc("PAY-1", 8, "Ready for Test", "Testing"),
    sc("PAY-1", 9, "Testing", "Done"),
    WorkItem("jira", "PAY-2", "Still going", h(1), type="Bug", team="payments"),
    sc("PAY-2", 3, "To Do", "In Progress"),
    WorkItem("jira", "CORE-1", "Other team", h(0), type="Story", team="core"),
    sc("CORE-1", 4, "To Do", "Done"),
    Change(
        "github",
        "bank/mobile",
        "17",
        "PAY-1 card limit",
        h(1),
        branch="feature/PAY-1",
        author="li",
        first_commit_at=h(0.5),
        first_review_at=h(4),
        merged_at=h(5),
        merge_sha="m17",
        base="main",
    ),
    Deployment(
        "jenkins", "bank/mobile", "s1", "staging", "success", sha="m17", ref="main", started_at=h(6), finished_at=h(6.5)
    ),
    Deployment(
        "jenkins", "bank/mobile", "p1", "prod", "success", sha="m17", ref="main", started_at=h(10), finished_at=h(11)
    ),
    Deployment(
        "jenkins", "bank/mobile", "p0", "prod", "failure", sha="m16", ref="main", started_at=h(3), finished_at=h(3.2)
    ),
    JobRun(
        "jenkins",
        "mobile",
        "7",
        "1",
        "approve-prod",
        queued_at=h(7),
        started_at=h(7.25),
        finished_at=h(9.5),
        result="success",
        paused_s=1800,
    ),
    Incident("jira", "INC-1", h(12), repo="bank/mobile", resolved_at=h(14)),
]
WEEK = dict(window_from=T0, window_to=T0 + timedelta(days=7))
