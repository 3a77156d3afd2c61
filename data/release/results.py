"""The release report's result types: :class:`ReleaseReport` and the rows it holds.

One production deployment's changes (:class:`ReleaseChange`), commits, tickets, the pipeline run
that shipped it with its jobs, and the incidents linked to it; plus the linking-method constants
:data:`EXACT` and :data:`SINCE_PREVIOUS`. :func:`data.release.build.release_report` builds them;
:mod:`data.release.build` re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.i18n import gettext_ as _
from data.records import Deployment
from data.report.results import iso, rounded

__all__ = [
    "EXACT",
    "SINCE_PREVIOUS",
    "ReleaseChange",
    "ReleaseCommit",
    "ReleaseIncident",
    "ReleaseJob",
    "ReleasePipeline",
    "ReleaseReport",
    "ReleaseRow",
    "ReleaseTicket",
]

EXACT = "exact"
SINCE_PREVIOUS = "since_previous_deployment"


@dataclass(frozen=True, slots=True)
class ReleaseChange:
    """A change (PR/MR) the deployment carried."""

    source: str
    repo: str
    id: str
    title: str
    author: str | None
    branch: str | None
    created_at: Any
    merged_at: Any
    merge_sha: str | None
    url: str | None
    tickets: tuple[str, ...]
    #: First commit (or creation) -> its first successful production deployment; None if never.
    lead_time_h: float | None
    #: False when an earlier deployment already carried it (a re-deployment, or a failed attempt).
    first_deployed_here: bool


@dataclass(frozen=True, slots=True)
class ReleaseCommit:
    """A commit among the deployment's shas that the store knows."""

    sha: str
    message: str
    author: str | None
    authored_at: Any


@dataclass(frozen=True, slots=True)
class ReleaseTicket:
    """A ticket named by a carried change."""

    source: str
    key: str
    title: str
    type: str | None
    status: str | None
    created_at: Any
    url: str | None
    #: Created -> first successful production deployment carrying a linked change.
    requirement_lead_time_h: float | None


@dataclass(frozen=True, slots=True)
class ReleaseJob:
    """A job of the shipping pipeline run."""

    name: str
    result: str | None
    queue_s: float | None
    approval_wait_s: float
    active_s: float | None


@dataclass(frozen=True, slots=True)
class ReleasePipeline:
    """The pipeline run that shipped the deployment."""

    source: str
    pipeline: str
    id: str
    attempt: int
    result: str | None
    queued_at: Any
    started_at: Any
    finished_at: Any
    url: str | None
    jobs: tuple[ReleaseJob, ...]


@dataclass(frozen=True, slots=True)
class ReleaseIncident:
    """An incident linked to the deployment (change-failure linking)."""

    source: str
    key: str
    title: str | None
    created_at: Any
    resolved_at: Any
    url: str | None
    #: Deployment finished -> incident resolved (the 2023 recovery time).
    recovery_h: float | None


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """One production deployment in the release list, with the counts its release report would show."""

    deployment: Deployment
    method: str  # "exact" | "since_previous_deployment"
    #: Changes it carried, and the known tickets they name (the report's Changes and Tickets tabs).
    changes: int
    tickets: int
    #: Median lead time of the changes this deployment was the first to ship (None: it shipped none first).
    lead_time_median_h: float | None
    first_deployed: int
    #: Incidents linked to it by the change-failure rule (always 0 for a failed deployment).
    incidents: int


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    """Everything about one production deployment (see the module docstring)."""

    deployment: Deployment
    stream: str
    method: str  # "exact" | "since_previous_deployment"
    previous: Deployment | None
    changes: tuple[ReleaseChange, ...]
    commits: tuple[ReleaseCommit, ...]
    tickets: tuple[ReleaseTicket, ...]
    pipeline: ReleasePipeline | None
    incidents: tuple[ReleaseIncident, ...]

    @property
    def method_text(self) -> str:
        """The linking method in words."""
        if self.method == EXACT:
            return _("exact: the deployment's commit range is known")
        prev = self.previous
        if prev is None:
            return _(
                "by time: changes merged since the previous successful production deployment (none: all earlier merges)"
            )
        return _(
            "by time: changes merged since the previous successful production deployment "
            "({repo}#{id}, started {started})"
        ).format(repo=prev.repo, id=prev.id, started=iso(prev.started_at))

    def to_json(self) -> dict[str, Any]:
        """A JSON document of the whole report (instants ISO 8601 UTC, hours rounded)."""
        d = self.deployment
        return {
            "deployment": {
                "source": d.source,
                "repo": d.repo,
                "id": d.id,
                "environment": d.environment,
                "status": d.status,
                "sha": d.sha,
                "ref": d.ref,
                "started_at": iso(d.started_at),
                "finished_at": iso(d.finished_at),
                "url": d.url,
            },
            "stream": self.stream,
            "method": self.method,
            "previous_deployment": None if self.previous is None else f"{self.previous.repo}#{self.previous.id}",
            "changes": [
                {
                    "source": c.source,
                    "key": f"{c.repo}#{c.id}",
                    "title": c.title,
                    "author": c.author,
                    "merged_at": iso(c.merged_at),
                    "merge_sha": c.merge_sha,
                    "tickets": list(c.tickets),
                    "lead_time_h": rounded(c.lead_time_h),
                    "first_deployed_here": c.first_deployed_here,
                }
                for c in self.changes
            ],
            "commits": [{"sha": c.sha, "message": c.message, "author": c.author} for c in self.commits],
            "tickets": [
                {
                    "source": t.source,
                    "key": t.key,
                    "title": t.title,
                    "type": t.type,
                    "created_at": iso(t.created_at),
                    "requirement_lead_time_h": rounded(t.requirement_lead_time_h),
                }
                for t in self.tickets
            ],
            "pipeline": None
            if self.pipeline is None
            else {
                "source": self.pipeline.source,
                "pipeline": self.pipeline.pipeline,
                "id": self.pipeline.id,
                "attempt": self.pipeline.attempt,
                "result": self.pipeline.result,
                "url": self.pipeline.url,
                "jobs": [
                    {
                        "name": j.name,
                        "result": j.result,
                        "queue_s": rounded(j.queue_s),
                        "approval_wait_s": rounded(j.approval_wait_s),
                        "active_s": rounded(j.active_s),
                    }
                    for j in self.pipeline.jobs
                ],
            },
            "incidents": [
                {
                    "source": n.source,
                    "key": n.key,
                    "title": n.title,
                    "created_at": iso(n.created_at),
                    "resolved_at": iso(n.resolved_at),
                    "recovery_h": rounded(n.recovery_h),
                }
                for n in self.incidents
            ],
        }
