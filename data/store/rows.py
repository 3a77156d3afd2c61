"""Converting records to table rows (instants as epoch ms) and result rows back to records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table

from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Exclusion,
    Incident,
    JobRun,
    PipelineRun,
    Record,
    StatusChange,
    WorkItem,
)
from data.store import schema
from data.store.schema import to_ms

#: What a NUL character, or a lone UTF-16 surrogate, becomes in the store: U+FFFD, the Unicode
#: replacement character. PostgreSQL text cannot hold NUL and no UTF-8 text can hold a lone
#: surrogate; one remote string with either would otherwise fail its sync stream on every sync,
#: and SQLite and PostgreSQL would hold different data (docs/events.md).
REPLACEMENT = "\ufffd"


def clean_text(value: str) -> str:
    """``value`` as text every store can hold: NUL and lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = "".join(REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every text value passed through :func:`clean_text` (the same dict when all were clean)."""
    dirty = {k: clean_text(v) for k, v in row.items() if type(v) is str and clean_text(v) is not v}
    return {**row, **dirty} if dirty else row


def ms_or_none(value: datetime | None) -> int | None:
    """Epoch ms of an instant, or None."""
    return None if value is None else to_ms(value)


def to_row(record: Record) -> tuple[Table, dict[str, Any]]:  # noqa: PLR0911 - one branch per kind
    """The table and the row dict (instants as epoch ms) for one record."""
    if isinstance(record, StatusChange):
        return schema.status_changes, {
            "source": record.source,
            "item_key": record.key,
            "at": to_ms(record.at),
            "from_status": record.from_status or "",
            "to_status": record.to_status,
            "from_id": record.from_id,
            "to_id": record.to_id,
            "to_category": record.to_category,
        }
    if isinstance(record, WorkItem):
        return schema.work_items, {
            "source": record.source,
            "key": record.key,
            "title": record.title,
            "type": record.type,
            "team": record.team,
            # Cleaned before encoding: in JSON text a NUL is the escape \u0000, which the writer's
            # cleaning of text values would not see.
            "labels": json.dumps([clean_text(label) for label in record.labels], ensure_ascii=False),
            "url": record.url,
            "status": record.status,
            "created_at": to_ms(record.created_at),
        }
    if isinstance(record, Change):
        return schema.changes, {
            "source": record.source,
            "repo": record.repo,
            "external_id": record.id,
            "title": record.title,
            "branch": record.branch,
            "author": record.author,
            "created_at": to_ms(record.created_at),
            "first_commit_at": ms_or_none(record.first_commit_at),
            "first_review_at": ms_or_none(record.first_review_at),
            "merged_at": ms_or_none(record.merged_at),
            "merge_sha": record.merge_sha,
            "base": record.base,
            "url": record.url,
        }
    if isinstance(record, Commit):
        return schema.commits, {
            "source": record.source,
            "repo": record.repo,
            "sha": record.sha,
            "message": record.message,
            "author": record.author,
            "authored_at": ms_or_none(record.authored_at),
        }
    if isinstance(record, PipelineRun):
        return schema.pipeline_runs, {
            "source": record.source,
            "pipeline": record.pipeline,
            "external_id": record.id,
            "attempt": record.attempt,
            "sha": record.sha,
            "branch": record.branch,
            "status": record.status,
            "result": record.result,
            "queued_at": ms_or_none(record.queued_at),
            "started_at": ms_or_none(record.started_at),
            "finished_at": ms_or_none(record.finished_at),
            "url": record.url,
            "author": record.author,
        }
    if isinstance(record, JobRun):
        return schema.job_runs, {
            "source": record.source,
            "pipeline": record.pipeline,
            "run_id": record.run,
            "external_id": record.id,
            "attempt": record.attempt,
            "name": record.name,
            "queued_at": ms_or_none(record.queued_at),
            "started_at": ms_or_none(record.started_at),
            "finished_at": ms_or_none(record.finished_at),
            "result": record.result,
            "paused_s": float(record.paused_s),
        }
    if isinstance(record, Deployment):
        return schema.deployments, {
            "source": record.source,
            "repo": record.repo,
            "external_id": record.id,
            "environment": record.environment,
            "status": record.status,
            "sha": record.sha,
            "ref": record.ref,
            "started_at": ms_or_none(record.started_at),
            "finished_at": ms_or_none(record.finished_at),
            "url": record.url,
        }
    if isinstance(record, DeploymentCommit):
        return schema.deployment_commits, {
            "source": record.source,
            "deployment_id": record.deployment_id,
            "sha": record.sha,
        }
    if isinstance(record, Incident):
        return schema.incidents, {
            "source": record.source,
            "key": record.key,
            "repo": record.repo,
            "title": record.title,
            "url": record.url,
            "created_at": to_ms(record.created_at),
            "resolved_at": ms_or_none(record.resolved_at),
        }
    raise TypeError(f"not a record: {type(record).__name__}")


def work_item_from_row(r: Mapping[str, Any]) -> WorkItem:
    """A WorkItem from a result row."""
    return WorkItem(
        source=r["source"],
        key=r["key"],
        title=r["title"],
        created_at=r["created_at"],
        type=r["type"],
        team=r["team"],
        labels=tuple(json.loads(r["labels"] or "[]")),
        url=r["url"],
        status=r["status"],
    )


def status_change_from_row(r: Mapping[str, Any]) -> StatusChange:
    """A StatusChange from a result row."""
    return StatusChange(
        source=r["source"],
        key=r["item_key"],
        at=r["at"],
        from_status=r["from_status"] or None,
        to_status=r["to_status"],
        from_id=r["from_id"],
        to_id=r["to_id"],
        to_category=r["to_category"],
    )


def change_from_row(r: Mapping[str, Any]) -> Change:
    """A Change from a result row."""
    return Change(
        source=r["source"],
        repo=r["repo"],
        id=r["external_id"],
        title=r["title"],
        created_at=r["created_at"],
        branch=r["branch"],
        author=r["author"],
        first_commit_at=r["first_commit_at"],
        first_review_at=r["first_review_at"],
        merged_at=r["merged_at"],
        merge_sha=r["merge_sha"],
        base=r["base"],
        url=r["url"],
    )


def commit_from_row(r: Mapping[str, Any]) -> Commit:
    """A Commit from a result row."""
    return Commit(
        source=r["source"],
        repo=r["repo"],
        sha=r["sha"],
        message=r["message"],
        author=r["author"],
        authored_at=r["authored_at"],
    )


def pipeline_run_from_row(r: Mapping[str, Any]) -> PipelineRun:
    """A PipelineRun from a result row."""
    return PipelineRun(
        source=r["source"],
        pipeline=r["pipeline"],
        id=r["external_id"],
        attempt=r["attempt"],
        sha=r["sha"],
        branch=r["branch"],
        status=r["status"],
        result=r["result"],
        queued_at=r["queued_at"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        url=r["url"],
        author=r["author"],
    )


def job_run_from_row(r: Mapping[str, Any]) -> JobRun:
    """A JobRun from a result row."""
    return JobRun(
        source=r["source"],
        pipeline=r["pipeline"],
        run=r["run_id"],
        id=r["external_id"],
        name=r["name"],
        attempt=r["attempt"],
        queued_at=r["queued_at"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        result=r["result"],
        paused_s=r["paused_s"],
    )


def deployment_from_row(r: Mapping[str, Any]) -> Deployment:
    """A Deployment from a result row."""
    return Deployment(
        source=r["source"],
        repo=r["repo"],
        id=r["external_id"],
        environment=r["environment"],
        status=r["status"],
        sha=r["sha"],
        ref=r["ref"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        url=r["url"],
    )


def deployment_commit_from_row(r: Mapping[str, Any]) -> DeploymentCommit:
    """A DeploymentCommit from a result row."""
    return DeploymentCommit(source=r["source"], deployment_id=r["deployment_id"], sha=r["sha"])


def incident_from_row(r: Mapping[str, Any]) -> Incident:
    """A Incident from a result row."""
    return Incident(
        source=r["source"],
        key=r["key"],
        repo=r["repo"],
        title=r["title"],
        url=r["url"],
        created_at=r["created_at"],
        resolved_at=r["resolved_at"],
    )


def exclusion_from_row(r: Mapping[str, Any]) -> Exclusion:
    """A Exclusion from a result row."""
    return Exclusion(kind=r["kind"], source=r["source"], key=r["key"], reason=r["reason"], created_at=r["created_at"])
