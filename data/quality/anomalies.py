"""Anomaly checks over the whole store: each yields the records that fail it (docs/trust.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Protocol

from data.quality.results import FindingItem
from data.quality.scope import change_key, deployment_key
from data.records import Change, Deployment, JobRun, PipelineRun, StatusChange, WorkItem
from data.store.schema import to_ms
from data.timeutil import DAY_MS

__all__ = [
    "deployments_unfinished",
    "duplicates",
    "negative",
    "out_of_order",
    "runs_unfinished",
    "zero",
]


def _run_key(pipeline: str, run_id: str, attempt: int) -> str:
    return f"{pipeline}#{run_id}" + (f"/{attempt}" if attempt > 1 else "")


def fmt(t: datetime | None) -> str:
    """An instant as the findings show it (UTC, to the second)."""
    return "—" if t is None else t.strftime("%Y-%m-%d %H:%M:%S UTC")


_fmt = fmt


def negative(  # noqa: PLR0917 - one parameter per record kind
    items: list[WorkItem],
    by_item: dict[tuple[str, str], list[StatusChange]],
    prs: list[Change],
    runs: list[PipelineRun],
    jobs: list[JobRun],
    deployments: list[Deployment],
    incidents: Iterable[object],
) -> Iterator[FindingItem]:
    """Intervals that end before they start (status change before creation, merge before open, ...)."""
    for w in items:
        timeline = by_item.get((w.source, w.key), [])
        if timeline and min(sc.at for sc in timeline) < w.created_at:
            first = min(sc.at for sc in timeline)
            yield FindingItem(
                w.source, w.key, f"status change at {_fmt(first)} before creation at {_fmt(w.created_at)}"
            )
    for c in prs:
        if c.merged_at is not None and c.merged_at < c.created_at:
            yield FindingItem(c.source, change_key(c), f"merged {_fmt(c.merged_at)} before opened {_fmt(c.created_at)}")
    for r in runs:
        for a, b, what in (
            (r.queued_at, r.started_at, "started before queued"),
            (r.started_at, r.finished_at, "finished before started"),
        ):
            if a is not None and b is not None and b < a:
                yield FindingItem(r.source, _run_key(r.pipeline, r.id, r.attempt), f"{what} ({_fmt(a)} → {_fmt(b)})")
    for j in jobs:
        for a, b, what in (
            (j.queued_at, j.started_at, "started before queued"),
            (j.started_at, j.finished_at, "finished before started"),
        ):
            if a is not None and b is not None and b < a:
                yield FindingItem(
                    j.source, f"{_run_key(j.pipeline, j.run, j.attempt)}/{j.name}", f"{what} ({_fmt(a)} → {_fmt(b)})"
                )
    for d in deployments:
        if d.started_at is not None and d.finished_at is not None and d.finished_at < d.started_at:
            yield FindingItem(
                d.source, deployment_key(d), f"finished {_fmt(d.finished_at)} before started {_fmt(d.started_at)}"
            )
    for n in incidents:
        created, resolved = getattr(n, "created_at", None), getattr(n, "resolved_at", None)
        if created is not None and resolved is not None and resolved < created:
            yield FindingItem(
                getattr(n, "source", ""),
                getattr(n, "key", ""),
                f"resolved {_fmt(resolved)} before created {_fmt(created)}",
            )


def zero(runs: list[PipelineRun], jobs: list[JobRun], deployments: list[Deployment]) -> Iterator[FindingItem]:
    """Finished runs, jobs and deployments that took no time at all (skipped ones aside)."""
    for r in runs:
        if r.started_at is not None and r.finished_at == r.started_at and r.result != "skipped":
            yield FindingItem(
                r.source, _run_key(r.pipeline, r.id, r.attempt), f"started and finished at {_fmt(r.started_at)}"
            )
    for j in jobs:
        if j.started_at is not None and j.finished_at == j.started_at and j.result != "skipped":
            yield FindingItem(
                j.source,
                f"{_run_key(j.pipeline, j.run, j.attempt)}/{j.name}",
                f"started and finished at {_fmt(j.started_at)}",
            )
    for d in deployments:
        if d.started_at is not None and d.finished_at == d.started_at:
            yield FindingItem(d.source, deployment_key(d), f"started and finished at {_fmt(d.started_at)}")


def out_of_order(by_item: dict[tuple[str, str], list[StatusChange]]) -> Iterator[FindingItem]:
    """Transitions whose ``from`` is not the previous transition's ``to``."""
    for (source, key), timeline in sorted(by_item.items()):
        ordered = sorted(timeline, key=lambda sc: sc.at)  # stable: the store's order breaks ties
        for prev, sc in pairwise(ordered):
            if sc.from_status and sc.from_status.strip().lower() != prev.to_status.strip().lower():
                yield FindingItem(
                    source,
                    key,
                    f"at {_fmt(sc.at)}: from {sc.from_status!r}, but the previous change went to {prev.to_status!r}",
                )


def runs_unfinished(runs: list[PipelineRun], a_ms: int, days: float) -> Iterator[FindingItem]:
    """Runs ``completed`` without a finish, or queued/running longer than ``days``."""
    limit = days * DAY_MS
    for r in runs:
        key = _run_key(r.pipeline, r.id, r.attempt)
        if r.status == "completed" and r.finished_at is None:
            yield FindingItem(r.source, key, f"completed ({r.result or 'no result'}) without a finish time")
            continue
        since = r.started_at or r.queued_at
        if r.status in ("running", "queued") and since is not None and a_ms - to_ms(since) > limit:
            age = (a_ms - to_ms(since)) / DAY_MS
            yield FindingItem(r.source, key, f"{r.status} since {_fmt(since)} ({age:.1f} days)")


def deployments_unfinished(deployments: list[Deployment], a_ms: int, days: float) -> Iterator[FindingItem]:
    """Deployments with a result but no finish, or running longer than ``days``."""
    limit = days * DAY_MS
    for d in deployments:
        if d.status in ("success", "failure") and d.finished_at is None:
            yield FindingItem(
                d.source, deployment_key(d), f"{d.status} without a finish time: left out of every figure"
            )
        elif d.status == "running" and d.started_at is not None and a_ms - to_ms(d.started_at) > limit:
            age = (a_ms - to_ms(d.started_at)) / DAY_MS
            yield FindingItem(d.source, deployment_key(d), f"running since {_fmt(d.started_at)} ({age:.1f} days)")


class Keyed(Protocol):
    """What the duplicate-key check reads of a work item."""

    @property
    def source(self) -> str: ...

    @property
    def key(self) -> str: ...


def duplicates(items: Sequence[Keyed]) -> Iterator[FindingItem]:
    """Ticket keys (case-insensitive) held by two or more sources."""
    by_key: dict[str, list[Keyed]] = defaultdict(list)
    for w in items:
        by_key[w.key.upper()].append(w)
    for key in sorted(by_key):
        group = by_key[key]
        srcs = sorted({w.source for w in group})
        if len(srcs) < 2:
            continue
        for w in sorted(group, key=lambda w: w.source):
            others = ", ".join(s for s in srcs if s != w.source)
            yield FindingItem(w.source, w.key, f"also in {others}: linking by key cannot tell them apart")
