"""Frozen records: what connectors and event files produce and what the store accepts.

Every instant is a timezone-aware ``datetime`` in UTC (``ensure_utc`` converts anything else);
durations are seconds. Each record has a natural key (``natural_key``) so that writing the same
record twice is an idempotent upsert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "Change",
    "Commit",
    "Deployment",
    "DeploymentCommit",
    "Exclusion",
    "Incident",
    "JobRun",
    "PipelineRun",
    "Record",
    "StatusChange",
    "WorkItem",
    "ensure_utc",
]


def ensure_utc(value: datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime; naive input is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A ticket: a Jira issue, a GitHub or GitLab issue, or an event-file ``work_item``."""

    source: str
    key: str
    title: str
    created_at: datetime
    type: str | None = None
    team: str | None = None
    labels: tuple[str, ...] = ()
    url: str | None = None
    #: The ticket's current status name as the source reports it (informational).
    status: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One transition of a work item from one status to another.

    ``from_status`` is None for the first status. ``to_id``/``from_id`` carry the source's status
    ids (Jira) so renamed or localised statuses can be mapped with ``id:`` entries in a stage.
    ``to_category`` is the source's status category (Jira ``new``/``indeterminate``/``done``).
    """

    source: str
    key: str
    at: datetime
    from_status: str | None
    to_status: str
    from_id: str | None = None
    to_id: str | None = None
    to_category: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A pull or merge request (or a directly pushed change)."""

    source: str
    repo: str
    id: str
    title: str
    created_at: datetime
    branch: str | None = None
    author: str | None = None
    first_commit_at: datetime | None = None
    first_review_at: datetime | None = None
    merged_at: datetime | None = None
    merge_sha: str | None = None
    base: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit, kept for linking tickets (keys in messages) and for "who broke it"."""

    source: str
    repo: str
    sha: str
    message: str = ""
    author: str | None = None
    authored_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PipelineRun:
    """One attempt of one CI pipeline run (a GitHub workflow run attempt, a Jenkins build...).

    ``status`` is ``queued``, ``running`` or ``completed``; ``result`` is ``success``,
    ``failure``, ``cancelled``, ``skipped`` or None while not completed (``unknown`` for a
    value the source gave that Flowdeck does not know).
    """

    source: str
    pipeline: str
    id: str
    attempt: int = 1
    sha: str | None = None
    branch: str | None = None
    status: str = "completed"
    result: str | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    url: str | None = None
    #: Who triggered or authored the run, where the source says (for "broken by").
    author: str | None = None


@dataclass(frozen=True, slots=True)
class JobRun:
    """A job (GitHub/GitLab job, Jenkins pipeline stage) inside a pipeline run."""

    source: str
    pipeline: str
    run: str
    id: str
    name: str
    attempt: int = 1
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: str | None = None
    #: Time the job spent paused (Jenkins input steps: manual approvals), in seconds.
    paused_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Deployment:
    """A deployment of a commit to an environment. ``status``: success, failure, running, cancelled."""

    source: str
    repo: str
    id: str
    environment: str
    status: str
    sha: str | None = None
    ref: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DeploymentCommit:
    """A commit a deployment carried (exact range from compare APIs or Jenkins changeSets)."""

    source: str
    deployment_id: str
    sha: str


@dataclass(frozen=True, slots=True)
class Incident:
    """A production incident (from an issue type or label, or an event file)."""

    source: str
    key: str
    created_at: datetime
    repo: str | None = None
    resolved_at: datetime | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A user's decision to leave one item out of the metrics, with the reason (auditable)."""

    kind: str  # "work_item" | "change" | "deployment"
    source: str
    key: str
    reason: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


Record = WorkItem | StatusChange | Change | Commit | PipelineRun | JobRun | Deployment | DeploymentCommit | Incident
