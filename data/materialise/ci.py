"""Materialising a stream's pipeline stages (jobs and deployments); see :mod:`data.metrics.cistages`."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, select, type_coerce

from data.config.model import Stream
from data.metrics.cistages import PipelineStageArrays
from data.metrics.clock import CALENDAR, Clock
from data.store import schema

__all__ = ["deployment_stage_arrays", "job_stage_arrays", "named_for", "pipelines_of"]

Label = tuple[str, str, str | None]


def _ms(value: Any) -> int:
    return -1 if value is None else int(value)


def named_for(pipeline: str, repos: Collection[str]) -> bool:
    """Whether a pipeline's name says it builds one of ``repos``: GitLab names a pipeline by its
    project path (``bank/mobile``), GitHub by repository and workflow (``bank/mobile/ci.yml``)."""
    return any(pipeline == r or pipeline.startswith(r + "/") for r in repos)


def pipelines_of(conn: Connection, repos: Collection[str]) -> set[tuple[str, str]]:
    """The (source, pipeline) pairs that build one of ``repos``.

    Job runs carry no repository. A pipeline belongs to a repository when its name says so
    (:func:`named_for`), or when one of its runs built a commit of the repository: the run's sha
    is a commit, a merge commit or a deployed commit of it (Jenkins jobs are named freely, but
    their builds record the sha, and their change sets are stored as the repository's commits).
    """
    wanted = list(repos)
    shas: set[str] = set()
    for table, col in ((schema.commits, "sha"), (schema.changes, "merge_sha"), (schema.deployments, "sha")):
        c = table.c[col]
        shas.update(s.lower() for (s,) in conn.execute(select(c).where(table.c.repo.in_(wanted), c.is_not(None))))
    r = schema.pipeline_runs
    out: set[tuple[str, str]] = set()
    for source, pipeline, sha in conn.execute(select(r.c.source, r.c.pipeline, r.c.sha).distinct()):
        if named_for(pipeline, wanted) or (sha and sha.lower() in shas):
            out.add((source, pipeline))
    return out


def _job_stage(
    conn: Connection, pattern: str, clock: Clock = CALENDAR, repos: Collection[str] = ()
) -> tuple[PipelineStageArrays, list[Label]]:
    """Final attempts of the jobs whose name matches ``pattern`` (re.search), of the pipelines
    that build one of ``repos`` (every pipeline when empty; :func:`pipelines_of`)."""
    j = schema.job_runs
    rx = re.compile(pattern)
    names = [n for (n,) in conn.execute(select(j.c.name).distinct()) if rx.search(n)]
    latest: dict[tuple[str, str, str, str], tuple[Any, ...]] = {}
    if names:
        stmt = select(
            j.c.source,
            j.c.pipeline,
            j.c.run_id,
            j.c.name,
            j.c.attempt,
            type_coerce(j.c.queued_at, BigInteger),
            type_coerce(j.c.started_at, BigInteger),
            type_coerce(j.c.finished_at, BigInteger),
            j.c.paused_s,
            j.c.result,
        ).where(j.c.name.in_(names))
        allowed = pipelines_of(conn, repos) if repos else None
        for row in conn.execute(stmt):
            if allowed is not None and (row[0], row[1]) not in allowed and not named_for(row[1], repos):
                continue  # another repository's pipeline (or one no record ties to the stream's)
            # Re-runs count by their final attempt: one job per (run, name), the highest attempt.
            key = (row[0], row[1], row[2], row[3])
            if key not in latest or row[4] >= latest[key][4]:
                latest[key] = tuple(row)
    rows = list(latest.values())
    queued = np.array([_ms(r[5]) for r in rows], dtype=np.int64)
    started = np.array([_ms(r[6]) for r in rows], dtype=np.int64)
    finished = np.array([_ms(r[7]) for r in rows], dtype=np.int64)
    paused = np.array([float(r[8] or 0.0) for r in rows], dtype=np.float64)
    has_start = started >= 0
    queue_s = _span(clock, queued, started, has_start & (queued >= 0))
    ran = has_start & (finished >= 0)
    run_s = _span(clock, started, finished, ran)
    if clock.mode != "calendar":
        # The pause is calendar seconds from the source; count the working share of the run.
        elapsed = np.where(ran, (finished - started) / 1000.0, 0.0)
        paused = np.where(elapsed > 0, paused * np.clip(run_s / np.where(elapsed > 0, elapsed, 1.0), 0.0, 1.0), paused)
    wait = np.where(has_start, np.maximum(queue_s, 0.0) + paused, np.nan)
    active = np.where(ran, np.maximum(run_s - paused, 0.0), 0.0)
    entered = np.where(queued >= 0, queued, started)
    arrays = PipelineStageArrays(
        entered=entered,
        finished=np.where(has_start, finished, -1),
        wait_s=wait,
        active_s=active,
        counts=has_start,
    )
    labels = [(r[0], f"{r[1]}#{r[2]}", r[3]) for r in rows]
    return arrays, labels


def _span(clock: Clock, start: np.ndarray, end: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Seconds from start to end where ``valid`` (0.0 elsewhere, and no calendar lookups there)."""
    out = np.zeros(start.shape, dtype=np.float64)
    if valid.any():
        out[valid] = clock.seconds(start[valid], end[valid])
    return out


def _deployment_stage(
    pattern: str,
    previous: str | None,
    deps: Sequence[tuple[Any, ...]],
    merged_of: dict[tuple[str, str], int],
    clock: Clock = CALENDAR,
) -> tuple[PipelineStageArrays, list[Label]]:
    """Deployments to environments matching ``pattern``; wait from the previous stage's end.

    ``deps`` rows: source, repo, id, environment, status, sha, ref, started, finished.
    """
    rx = re.compile(pattern)
    # Running ones are WIP; finished ones were WIP until they finished (a cancelled one too: as of
    # an instant before its cancellation it was running). A result without a finish is left out
    # of every figure (data quality lists it).
    rows = [
        r
        for r in deps
        if rx.search(r[3]) and (r[4] == "running" or (r[4] in ("success", "failure", "cancelled") and r[8] is not None))
    ]
    prev_done: dict[tuple[str, str], list[int]] = {}
    if previous is not None:
        prx = re.compile(previous)
        for r in deps:
            if prx.search(r[3]) and r[4] == "success" and r[8] is not None and r[5]:
                prev_done.setdefault((r[1], r[5]), []).append(int(r[8]))
    entered, finished, bases, counts = [], [], [], []
    for r in rows:
        start = _ms(r[7])
        fin = _ms(r[8]) if r[4] != "running" else -1
        base: int | None = None
        if r[5]:
            if previous is None:
                base = merged_of.get((r[1], r[5]))
            else:
                ends = [e for e in prev_done.get((r[1], r[5]), []) if start < 0 or e <= start]
                base = max(ends) if ends else None
        entered.append(start)
        finished.append(fin)
        bases.append(-1 if base is None else base)
        counts.append(r[4] == "success")
    st = np.array(entered, dtype=np.int64)
    fi = np.array(finished, dtype=np.int64)
    ba = np.array(bases, dtype=np.int64)
    has_wait = (ba >= 0) & (st >= 0) & (st >= ba)
    wait = np.full(st.size, np.nan)
    wait[has_wait] = _span(clock, ba, st, has_wait)[has_wait]
    arrays = PipelineStageArrays(
        entered=st,
        finished=fi,
        wait_s=wait,
        active_s=_span(clock, st, fi, (fi >= 0) & (st >= 0)),
        counts=np.array(counts, dtype=bool),
    )
    return arrays, [(r[0], f"{r[1]}#{r[2]}", r[3]) for r in rows]


def job_stage_arrays(
    conn: Connection, stream: Stream, clock: Clock = CALENDAR
) -> tuple[dict[int, PipelineStageArrays], dict[int, list[Label]]]:
    """Arrays and drill-down labels of every job stage, by stage index in the stream."""
    stages: dict[int, PipelineStageArrays] = {}
    labels: dict[int, list[Label]] = {}
    for i, stage in enumerate(stream.stages):
        if stage.jobs is not None:
            stages[i], labels[i] = _job_stage(conn, stage.jobs, clock, stream.repos)
    return stages, labels


def deployment_stage_arrays(
    stream: Stream,
    deps: Sequence[tuple[Any, ...]],
    merged_of: dict[tuple[str, str], int],
    clock: Clock = CALENDAR,
) -> tuple[dict[int, PipelineStageArrays], dict[int, list[Label]]]:
    """Arrays and drill-down labels of every deployment stage, by stage index in the stream.

    ``merged_of[(repo, merge sha)]`` is the merge instant of the change merged as that commit.
    """
    stages: dict[int, PipelineStageArrays] = {}
    labels: dict[int, list[Label]] = {}
    previous: str | None = None
    for i, stage in enumerate(stream.stages):
        if stage.deployments is not None:
            stages[i], labels[i] = _deployment_stage(stage.deployments, previous, deps, merged_of, clock)
            previous = stage.deployments
    return stages, labels
