"""Records of every kind with the awkward values an event file must carry, and store snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Exclusion,
    Incident,
    JobRun,
    PipelineRun,
    StatusChange,
    WorkItem,
)
from data.store.store import Store

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def sample_records() -> list:
    """One or more records of every kind, with the awkward values an export must carry."""
    return [
        WorkItem(
            "jira",
            "PAY-1",
            'Card limit 限额 "quoted"\nsecond line',
            T0,
            type="Story",
            team="payments",
            labels=("mobile", "支付"),
            url="https://jira/PAY-1",
            status="In Progress",
        ),
        WorkItem("jira", "PAY-2", "", T0 + H),  # empty title, no optional fields
        StatusChange("jira", "PAY-1", T0, None, "Backlog", to_category="new"),
        StatusChange("jira", "PAY-1", T0 + 2 * H, "Backlog", "In Progress", from_id="1", to_id="3"),
        # Two changes at the same millisecond: the order between them must survive the round trip.
        StatusChange("jira", "PAY-2", T0 + H, None, "Backlog"),
        StatusChange("jira", "PAY-2", T0 + H, "Backlog", "Ready for Analysis"),
        Change(
            "github",
            "bank/mobile",
            "17",
            "PAY-1 card",
            T0,
            branch="feature/PAY-1",
            author="li",
            first_commit_at=T0 - 5 * H,
            first_review_at=T0 + H,
            merged_at=T0 + 3 * H,
            merge_sha="a1",
            base="main",
        ),
        Change("github", "bank/mobile", "18", "open one", T0 + 4 * H),
        Commit("github", "bank/mobile", "a1", "PAY-1: card", "li", T0 - 5 * H),
        Commit("github", "bank/mobile", "b2"),
        PipelineRun(
            "jenkins",
            "mobile-app",
            "123",
            2,
            sha="a1",
            branch="main",
            status="completed",
            result="success",
            queued_at=T0,
            started_at=T0 + timedelta(milliseconds=1500),
            finished_at=T0 + H,
            url="https://ci/123",
            author="li",
        ),
        PipelineRun("jenkins", "mobile-app", "124", status="running", started_at=T0 + 2 * H),
        JobRun(
            "jenkins",
            "mobile-app",
            "123",
            "4",
            "approve-production",
            attempt=2,
            queued_at=T0,
            started_at=T0 + H / 2,
            finished_at=T0 + H,
            result="success",
            paused_s=1234.5,
        ),
        Deployment(
            "jenkins",
            "bank/mobile",
            "d-9",
            "production",
            "success",
            sha="a1",
            ref="main",
            started_at=T0 + H / 2,
            finished_at=T0 + H,
            url="https://ci/d-9",
        ),
        DeploymentCommit("jenkins", "d-9", "a1"),
        Incident("jira", "INC-3", T0 + 2 * H, repo="bank/mobile", resolved_at=T0 + 3 * H, title="Timeouts"),
        Incident("jira", "INC-4", T0 + 5 * H),
    ]


EXCLUSION = Exclusion("work_item", "jira", "PAY-2", "duplicate", T0 + 6 * H)


def fill_store(store: Store) -> None:
    """Every sample record and the exclusion, in one transaction."""
    with store.writer() as w:
        w.upsert(sample_records())
        w.add_exclusion(EXCLUSION)


def snapshot(store: Store) -> tuple:
    """Counts, records and exclusions: equal snapshots mean an unchanged store."""
    return store.counts(), list(store.all_records()), store.exclusions()


#: One good event line of every kind (the bad-input table breaks them one field at a time).
GOOD = [
    '{"kind":"work_item","source":"jira","key":"NEW-1","title":"new","created_at":"2026-02-01T00:00:00Z"}',
    '{"kind":"work_item","source":"jira","key":"PAY-2","title":"renamed","created_at":"2026-01-05T10:00:00Z"}',
    '{"kind":"status_change","source":"jira","key":"NEW-1","at":"2026-02-01T00:00:00Z","to":"Backlog"}',
]
