"""The release report: what one production deployment carried, how long it took, what it broke.

:func:`release_report` answers, for any production deployment ``(source, repo, id)``:

- the **changes** it carried — *exact* when the source gave its commit range (``DeploymentCommit``
  rows: changes whose merge commit is in the range or is the deployment's own sha), otherwise
  the changes of the same repository and branch merged after the previous successful production
  deployment started and up to this one's start (*since previous deployment*) — the report says
  which method was used; and the **commits** among those shas that the store knows;
- each change's **lead time** (first commit or creation → finish of its first successful
  production deployment, METRICS.md §2) and the **tickets** it names, each with its requirement
  lead time (created → first production deployment carrying a linked change, METRICS.md §3);
- the **pipeline run** that shipped it (the run whose URL is the deployment's, else the run of the
  same sha that was under way when the deployment started) with its jobs: queue time, approval
  wait (``paused_s``) and running time;
- the **incidents** linked to it by the change-failure-rate rule: the latest successful production
  deployment of the incident's repository finished before the incident was created.

Linking uses the same functions as the metrics (:mod:`data.quality.scope`). The result types
live in :mod:`data.release.results` and are re-exported here.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Any

from data.config.model import Config
from data.quality.scope import Scope, change_tickets, commits_of, deployed_ms
from data.records import Deployment, PipelineRun
from data.store.schema import to_ms
from data.store.store import Store

__all__ = [
    "latest_production_deployment",
    "release_report",
]

from data.release.results import (
    EXACT,
    SINCE_PREVIOUS,
    ReleaseChange,
    ReleaseCommit,
    ReleaseIncident,
    ReleaseJob,
    ReleasePipeline,
    ReleaseReport,
    ReleaseTicket,
)

H = 3_600_000.0


def latest_production_deployment(store: Store, config: Config, *, stream: str | None = None) -> Deployment:
    """The stream's most recently finished successful production deployment (LookupError if none)."""
    scope = Scope(config.stream(stream), store.exclusions())
    done = [d for d in scope.production(store.deployments()) if d.status == "success"]
    if not done:
        raise LookupError("the store holds no successful production deployment")
    return max(done, key=lambda d: (d.finished_at, d.id))


def _fin(d: Deployment) -> int:
    """Finish (ms) of a finished deployment (the production filters keep only those)."""
    assert d.finished_at is not None
    return to_ms(d.finished_at)


def _start(d: Deployment) -> int:
    """Start (ms), or the finish when the source gave no start."""
    return to_ms(d.started_at) if d.started_at is not None else _fin(d)


def _branch(ref: str | None) -> str | None:
    return None if ref is None else ref.removeprefix("refs/heads/")


def release_report(
    store: Store, config: Config, deployment: tuple[str, str, str], *, stream: str | None = None
) -> ReleaseReport:
    """The release report of production deployment ``(source, repo, id)``.

    Raises ``LookupError`` when the store has no such deployment and ``ValueError`` when it is not
    a finished production deployment of the stream (its environment must match ``production``).
    """
    s = config.stream(stream)
    source, repo, ident = deployment
    deployments = store.deployments()
    dep = next((d for d in deployments if (d.source, d.repo, d.id) == (source, repo, ident)), None)
    if dep is None:
        raise LookupError(f"no deployment {repo}#{ident} from source {source!r} in the store")
    scope = Scope(s, store.exclusions())
    if not scope.is_production(dep.environment):
        raise ValueError(
            f"deployment {repo}#{ident} went to {dep.environment!r}, which is not production "
            f"(stream {s.name!r} production pattern {s.production!r})"
        )
    if dep.finished_at is None or dep.status not in ("success", "failure"):
        raise ValueError(f"deployment {repo}#{ident} has not finished (status {dep.status!r})")
    prod = [d for d in scope.production(deployments) if d.repo == dep.repo]
    ranges = commits_of(store.deployment_commits())
    items = scope.items(store.work_items())
    known = {w.key.upper(): w for w in items}
    all_changes = [c for c in scope.merged_changes(store.changes()) if c.repo == dep.repo]
    commits = [c for c in store.commits() if c.repo == dep.repo]
    deployed = dict(zip((id(c) for c in all_changes), deployed_ms(all_changes, prod, ranges), strict=True))

    shas = set(ranges.get((dep.source, dep.id), ()))
    previous = None
    if shas:
        method = EXACT
        if dep.sha:
            shas.add(dep.sha)
        carried = [c for c in all_changes if c.merge_sha in shas]
    else:
        method = SINCE_PREVIOUS
        start = _start(dep)
        earlier = [
            d
            for d in prod
            if d.status == "success"
            and (d.source, d.id) != (dep.source, dep.id)
            and _start(d) < start
            and (_branch(d.ref) is None or _branch(dep.ref) is None or _branch(d.ref) == _branch(dep.ref))
        ]
        previous = max(earlier, key=_start, default=None)
        lo = -1 if previous is None else _start(previous)
        carried = [
            c
            for c in all_changes
            if c.merged_at is not None
            and lo < to_ms(c.merged_at) <= start
            and (_branch(c.base) is None or _branch(dep.ref) is None or _branch(c.base) == _branch(dep.ref))
        ]
        shas = {c.merge_sha for c in carried if c.merge_sha} | ({dep.sha} if dep.sha else set())
    carried.sort(key=lambda c: (c.merged_at, c.id))
    keys = change_tickets(carried, commits, set(known))
    fin = _fin(dep)
    out_changes: list[ReleaseChange] = []
    for c, ks in zip(carried, keys, strict=True):
        first = deployed[id(c)]
        start_ms = to_ms(min(c.created_at, c.first_commit_at) if c.first_commit_at else c.created_at)
        out_changes.append(
            ReleaseChange(
                c.source,
                c.repo,
                c.id,
                c.title,
                c.author,
                c.branch,
                c.created_at,
                c.merged_at,
                c.merge_sha,
                c.url,
                tuple(sorted(ks)),
                None if first is None else (first - start_ms) / H,
                dep.status == "success" and first == fin,
            )
        )
    tickets = _tickets(store, scope, known, sorted({k for ks in keys for k in ks}))
    by_sha = {c.sha: c for c in commits}
    out_commits = tuple(
        ReleaseCommit(sha, by_sha[sha].message, by_sha[sha].author, by_sha[sha].authored_at)
        for sha in sorted(shas)
        if sha in by_sha
    )
    return ReleaseReport(
        deployment=dep,
        stream=s.name,
        method=method,
        previous=previous,
        changes=tuple(out_changes),
        commits=out_commits,
        tickets=tickets,
        pipeline=_pipeline(store, dep),
        incidents=_incidents(store, scope, dep),
    )


def _tickets(store: Store, scope: Scope, known: dict[str, Any], keys: list[str]) -> tuple[ReleaseTicket, ...]:
    """The tickets, each with its requirement lead time over every repository's changes."""
    if not keys:
        return ()
    changes = scope.merged_changes(store.changes())
    prod = scope.production(store.deployments())
    deployed = deployed_ms(changes, prod, commits_of(store.deployment_commits()))
    names = change_tickets(changes, store.commits(), set(keys))
    first: dict[str, int] = {}
    for ks, dep in zip(names, deployed, strict=True):
        if dep is None:
            continue
        for k in ks:
            if dep >= to_ms(known[k].created_at) and dep < first.get(k, 1 << 62):
                first[k] = dep
    last_status: dict[tuple[str, str], str] = {}
    for sc in store.status_changes():
        last_status[(sc.source, sc.key)] = sc.to_status
    out = []
    for k in keys:
        w = known[k]
        lead = (first[k] - to_ms(w.created_at)) / H if k in first else None
        out.append(
            ReleaseTicket(
                w.source,
                w.key,
                w.title,
                w.type,
                last_status.get((w.source, w.key), w.status),
                w.created_at,
                w.url,
                lead,
            )
        )
    return tuple(out)


def _pipeline(store: Store, dep: Deployment) -> ReleasePipeline | None:
    """The run whose URL is the deployment's; else the same sha's run under way at its start."""
    runs = store.pipeline_runs()
    chosen: PipelineRun | None = None
    if dep.url:
        same = [r for r in runs if r.url == dep.url]
        chosen = max(same, key=lambda r: r.attempt, default=None)
    if chosen is None and dep.sha:
        start = _start(dep)
        cands: list[tuple[int, int, PipelineRun]] = []
        for r in runs:
            began = r.started_at or r.queued_at
            if r.sha != dep.sha or began is None or to_ms(began) > start:
                continue
            if r.finished_at is None or to_ms(r.finished_at) >= start:
                cands.append((to_ms(began), r.attempt, r))
        chosen = max(cands, key=lambda x: (x[0], x[1]))[2] if cands else None
    if chosen is None:
        return None
    jobs = sorted(
        (
            j
            for j in store.job_runs()
            if (j.source, j.pipeline, j.run, j.attempt) == (chosen.source, chosen.pipeline, chosen.id, chosen.attempt)
        ),
        key=lambda j: (j.queued_at or j.started_at or dep.finished_at, j.id),
    )
    out_jobs = []
    for j in jobs:
        queue = (j.started_at - j.queued_at).total_seconds() if j.started_at and j.queued_at else None
        active = (j.finished_at - j.started_at).total_seconds() - j.paused_s if j.finished_at and j.started_at else None
        out_jobs.append(ReleaseJob(j.name, j.result, queue, j.paused_s, active))
    return ReleasePipeline(
        chosen.source,
        chosen.pipeline,
        chosen.id,
        chosen.attempt,
        chosen.result,
        chosen.queued_at,
        chosen.started_at,
        chosen.finished_at,
        chosen.url,
        tuple(out_jobs),
    )


def _incidents(store: Store, scope: Scope, dep: Deployment) -> tuple[ReleaseIncident, ...]:
    """Incidents whose latest earlier successful production deployment (same repo, or stream-wide
    for an incident without repository) is ``dep``."""
    if dep.status != "success":
        return ()
    ok = sorted(
        (d for d in scope.production(store.deployments()) if d.status == "success"),
        key=lambda d: (_fin(d), d.id),
    )
    by_repo: dict[str | None, list[Deployment]] = defaultdict(list)
    for d in ok:
        by_repo[d.repo].append(d)
        by_repo[None].append(d)
    out = []
    for n in store.incidents():
        if n.repo is not None and not scope.repo_in(n.repo):
            continue
        cands = by_repo.get(n.repo, [])
        finishes = [_fin(d) for d in cands]
        i = bisect.bisect_left(finishes, to_ms(n.created_at)) - 1  # finished strictly before
        if i < 0 or (cands[i].source, cands[i].repo, cands[i].id) != (dep.source, dep.repo, dep.id):
            continue
        recovery = None if n.resolved_at is None else (to_ms(n.resolved_at) - _fin(dep)) / H
        out.append(ReleaseIncident(n.source, n.key, n.title, n.created_at, n.resolved_at, n.url, recovery))
    return tuple(out)
