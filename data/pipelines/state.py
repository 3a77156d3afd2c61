"""Pipeline status computed from run rows, as of an instant: no store, no SQL (METRICS.md §4).

:class:`RunRow` is one run attempt as read from the store. :func:`_reduce` keeps the latest attempt
of each run id known at ``as_of`` (skipped runs dropped) per (source, pipeline, branch), in queue
order; :func:`statuses` turns the groups into :class:`~data.pipelines.results.PipelineStatus` values (state,
failing streak, its authors, duration, ETA). :mod:`data.pipelines.status` loads the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from statistics import median
from typing import NamedTuple

from data.pipelines.results import PipelineStatus

__all__ = ["RunRow", "statuses"]


class RunRow(NamedTuple):
    """One pipeline run attempt (instants in epoch ms, None unknown)."""

    source: str
    pipeline: str
    id: str
    attempt: int
    sha: str | None
    branch: str | None
    status: str
    result: str | None
    queued: int | None
    started: int | None
    finished: int | None
    url: str | None
    author: str | None


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


def _first_known(r: RunRow) -> int | None:
    for t in (r.queued, r.started, r.finished):
        if t is not None:
            return t
    return None


def _state(r: RunRow, as_of: int) -> str:
    if r.finished is not None and r.finished <= as_of:
        return {"success": "success", "failure": "failed", "cancelled": "cancelled"}.get(r.result or "", "unknown")
    if r.started is not None and r.started <= as_of:
        return "running"
    if r.queued is not None and r.queued <= as_of:
        return "queued"
    # No instants at all (a CCTray-like source): trust the recorded status.
    return {"running": "running", "queued": "queued"}.get(r.status, "unknown")


def _status(  # noqa: PLR0917 - one pipeline's pieces, private
    key: tuple[str, str, str | None],
    rs: list[RunRow],
    states: list[str],
    last_ok: int,
    authors_of: Mapping[str, str],
    as_of_ms: int,
) -> PipelineStatus:
    source, pipeline, branch = key
    after = list(zip(rs[last_ok + 1 :], states[last_ok + 1 :], strict=True))
    failed = [r for r, s in after if s == "failed"]
    authors: list[str] = []
    if failed:
        for r, _s in after:
            for a in (r.author, authors_of.get(r.sha or "")):
                if a and a not in authors:
                    authors.append(a)
    cur, state = rs[-1], states[-1]
    finished = cur.finished if cur.finished is not None and cur.finished <= as_of_ms else None
    running = state == "running" and cur.started is not None
    eta: float | None = None
    if running:
        durations = [
            (r.finished or 0) - (r.started or 0)
            for r, s in zip(rs, states, strict=True)
            if s == "success" and r.started is not None
        ][-10:]
        eta = float(median(durations)) / 1000.0 if durations else None
    return PipelineStatus(
        source=source,
        pipeline=pipeline,
        branch=branch,
        state=state,
        run_id=cur.id,
        sha=cur.sha,
        url=cur.url,
        started_at=_dt(cur.started if cur.started is not None and cur.started <= as_of_ms else None),
        finished_at=_dt(finished),
        duration_s=(finished - cur.started) / 1000.0 if finished is not None and cur.started is not None else None,
        elapsed_s=(as_of_ms - cur.started) / 1000.0 if running and cur.started is not None else None,
        eta_s=eta,
        broken_since=_dt(failed[0].finished) if failed else None,
        failing_runs=len(failed),
        authors=tuple(authors),
        queued_at=_dt(cur.queued if cur.queued is not None and cur.queued <= as_of_ms else None),
        as_of=_dt(as_of_ms),
    )


def statuses(
    runs: Iterable[RunRow],
    commit_authors: Mapping[str, str] | Callable[[set[str]], Mapping[str, str]],
    as_of_ms: int,
) -> list[PipelineStatus]:
    """One :class:`PipelineStatus` per pipeline: failing first, then running/queued, then by name.

    ``commit_authors`` maps a commit sha to its author, or is a function that returns that map
    for the shas asked (so a store is asked only about the commits of failing pipelines).
    """
    return _from_groups(_reduce(runs, as_of_ms), commit_authors, as_of_ms)


def _from_groups(
    groups: Mapping[tuple[str, str, str | None], list[RunRow]],
    commit_authors: Mapping[str, str] | Callable[[set[str]], Mapping[str, str]],
    as_of_ms: int,
) -> list[PipelineStatus]:
    ordered: list[tuple[tuple[str, str, str | None], list[RunRow], list[str], int]] = []
    wanted: set[str] = set()
    for key, rs in groups.items():
        states = [_state(r, as_of_ms) for r in rs]
        last_ok = max((i for i, s in enumerate(states) if s == "success"), default=-1)
        if any(s == "failed" for s in states[last_ok + 1 :]):
            wanted.update(r.sha for r in rs[last_ok + 1 :] if r.sha)
        ordered.append((key, rs, states, last_ok))
    authors_of = commit_authors(wanted) if callable(commit_authors) else commit_authors
    out = [_status(key, rs, states, last_ok, authors_of, as_of_ms) for key, rs, states, last_ok in ordered]
    rank = {"failed": 0, "running": 1, "queued": 1}
    out.sort(key=lambda p: (rank.get(p.state, 2), p.source, p.pipeline, p.branch or ""))
    return out


def _reduce(runs: Iterable[RunRow], as_of_ms: int) -> dict[tuple[str, str, str | None], list[RunRow]]:
    """Latest attempt per run id, skipped runs and runs after ``as_of`` dropped, grouped and ordered."""
    latest: dict[tuple[str, str, str | None, str], RunRow] = {}
    for r in runs:
        if r.result == "skipped":
            continue
        t = _first_known(r)
        if t is not None and t > as_of_ms:
            continue
        k = (r.source, r.pipeline, r.branch, r.id)
        if k not in latest or r.attempt > latest[k].attempt:
            latest[k] = r
    groups: dict[tuple[str, str, str | None], list[RunRow]] = defaultdict(list)
    for (source, pipeline, branch, _), r in latest.items():
        groups[(source, pipeline, branch)].append(r)
    for rs in groups.values():
        rs.sort(key=lambda r: (_first_known(r) or 0, r.id, r.attempt))
    return groups
