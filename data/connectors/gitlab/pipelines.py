"""GitLab pipelines and jobs: the ``pipelines`` stream of :class:`~data.connectors.gitlab.connector.GitLabConnector`.

A pipeline's start/finish come from its jobs (read with ``include_retried=true``); retried jobs
become attempts 1, 2, ... of a job name. :func:`pipeline_status` and :func:`pipeline_result` map
GitLab's statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.connectors.context import instant
from data.connectors.gitlab.context import GitLabContext, project_path
from data.connectors.payload import item_errors, need_id, obj, text
from data.records import JobRun, PipelineRun, Record

__all__ = ["GitLabPipelines", "pipeline_result", "pipeline_status"]

_QUEUED = {"created", "waiting_for_resource", "preparing", "pending", "scheduled", "manual"}
_RESULT = {"success": "success", "failed": "failure", "canceled": "cancelled", "skipped": "skipped"}


def pipeline_status(status: Any) -> str:
    """GitLab pipeline/job status → queued/running/completed."""
    s = str(status or "").lower()
    if s in _RESULT:
        return "completed"
    return "queued" if s in _QUEUED else "running"


def pipeline_result(status: Any) -> str | None:
    """GitLab pipeline/job status → success/failure/cancelled/skipped, None while not finished."""
    s = str(status or "").lower()
    return _RESULT.get(s)


@dataclass(frozen=True, slots=True)
class GitLabPipelines:
    """The ``pipelines`` stream's mapper."""

    ctx: GitLabContext

    def pipeline(self, project: str, p: Mapping[str, Any]) -> list[Record]:
        """A pipeline and its jobs (every attempt), read from its job listing."""
        where = f"{self.ctx.source}: GitLab {project}: pipeline {p.get('id')!r}"
        pid = need_id(p, "id", where)
        jobs: list[Mapping[str, Any]] = []
        for resp in self.ctx.client.iter_gitlab_pages(
            f"{project_path(project)}/pipelines/{pid}/jobs", {"include_retried": "true", "per_page": 100}
        ):
            jobs += self.ctx.items(resp)
        with item_errors(where):
            return self._pipeline_records(project, pid, p, jobs)

    def _pipeline_records(
        self, project: str, pid: str, p: Mapping[str, Any], jobs: list[Mapping[str, Any]]
    ) -> list[Record]:
        status = pipeline_status(p.get("status"))
        starts = [t for t in (instant(j.get("started_at")) for j in jobs) if t]
        ends = [t for t in (instant(j.get("finished_at")) for j in jobs) if t]
        finished = None
        if status == "completed":
            finished = instant(p.get("finished_at")) or (max(ends) if ends else instant(p.get("updated_at")))
        run = PipelineRun(
            source=self.ctx.source,
            pipeline=project,
            id=pid,
            sha=text(p.get("sha")),
            branch=text(p.get("ref")),
            status=status,
            result=pipeline_result(p.get("status")),
            queued_at=instant(p.get("created_at")),
            started_at=instant(p.get("started_at")) or (min(starts) if starts else None),
            finished_at=finished,
            url=text(p.get("web_url")),
            author=text(obj(p.get("user")).get("username")),
        )
        out: list[Record] = [run]
        attempts: dict[str, int] = {}
        where = f"{self.ctx.source}: GitLab {project}: pipeline {pid}: jobs"
        ids = {id(j): need_id(j, "id", where) for j in jobs}
        # Retries get higher ids; numeric ids sort as numbers (a text id, never seen, sorts last).
        for j in sorted(jobs, key=lambda j: (0, j["id"]) if isinstance(j["id"], int) else (1, ids[id(j)])):
            job_id = ids[id(j)]
            name = text(j.get("name")) or job_id
            attempts[name] = attempts.get(name, 0) + 1
            out.append(
                JobRun(
                    source=self.ctx.source,
                    pipeline=project,
                    run=pid,
                    id=job_id,
                    name=name,
                    attempt=attempts[name],
                    queued_at=instant(j.get("created_at")),
                    started_at=instant(j.get("started_at")),
                    finished_at=instant(j.get("finished_at")),
                    result=pipeline_result(j.get("status")),
                )
            )
        return out
