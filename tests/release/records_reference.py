"""The release report as it was before #14.

A verbatim copy of data/release/build.py at 85655be (every record loaded), kept only as the reference the query-based
code is compared with on random stores.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, select

from data.config.model import Config, Definitions, Stream
from data.materialise.cache import stream_arrays
from data.metrics.linking import ticket_keys
from data.metrics.stats import median
from data.quality.scope import Scope, change_tickets, commits_of, deployed_ms
from data.records import Change, Deployment, PipelineRun
from data.store import schema
from data.store.rows import change_from_row, deployment_from_row, incident_from_row, work_item_from_row
from data.store.schema import to_ms
from data.store.store import Store

__all__ = [
    "latest_production_deployment",
    "release_report",
    "release_rows",
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
    ReleaseRow,
    ReleaseTicket,
)

H = 3_600_000.0
#: Rows per ``IN (...)`` list: well under every back end's bound-parameter limit.
BATCH = 500


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


# --- the release list: the report's counts for every release in a window, without loading the store ---


def release_rows(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    stream: str | None = None,
    definitions: Definitions | None = None,
) -> list[ReleaseRow]:
    """The stream's production deployments finished in ``[from, to)``, newest first, each with the
    counts its :func:`release_report` shows (tested equal): the changes it carried, the known
    tickets they name, the median lead time of the changes it was the first to ship, and the
    incidents linked to it.

    Reads only what these rows need, by query: the deployments in the window, the stream's
    successful production deployments (for the previous deployment and for incident linking),
    the carried changes and their merge commits, the work items they name, and the incidents
    created after the window's first release. When each change first reached production comes
    from the metrics' cached arrays (:func:`data.materialise.cache.stream_arrays`), the same
    linking the report uses.
    """
    s = config.stream(stream)
    method = (definitions or config.definitions).median
    scope = Scope(s, store.exclusions())
    d = schema.deployments
    with store.engine.connect() as conn:
        envs = [e for (e,) in conn.execute(select(d.c.environment).distinct()) if scope.is_production(e)]
        if not envs:
            return []
        finished_prod = (d.c.environment.in_(envs), d.c.finished_at.is_not(None))
        in_window = _rows(
            conn, select(d).where(*finished_prod, d.c.finished_at >= window_from, d.c.finished_at < window_to)
        )
        releases = sorted(
            scope.production(deployment_from_row(r) for r in in_window), key=lambda x: (_fin(x), x.id), reverse=True
        )
        if not releases:
            return []
        ok = scope.production(
            deployment_from_row(r) for r in _rows(conn, select(d).where(*finished_prod, d.c.status == "success"))
        )
        ranges = _ranges(conn, releases)
        carried = _carried(conn, scope, releases, ranges, ok)
        tickets = _ticket_counts(conn, scope, releases, carried)
        incidents = _incident_counts(conn, scope, releases, ok)
    firsts = _first_deployed(store, s, carried)
    out: list[ReleaseRow] = []
    for r in releases:
        key = (r.source, r.repo, r.id)
        fin = _fin(r)
        leads = [
            (fin - start) / H
            for rid, _c in carried[key]
            if r.status == "success" and (first := firsts.get(rid)) is not None and (start := first[1]) >= 0
            and first[0] == fin
        ]  # fmt: skip
        out.append(
            ReleaseRow(
                deployment=r,
                method=EXACT if ranges.get((r.source, r.id)) else SINCE_PREVIOUS,
                changes=len(carried[key]),
                tickets=tickets[key],
                lead_time_median_h=median(leads, method),
                first_deployed=len(leads),
                incidents=incidents.get(key, 0),
            )
        )
    return out


def _rows(conn: Connection, stmt: Select[Any]) -> Iterator[Any]:
    """Result rows as mappings (what the ``*_from_row`` builders read)."""
    yield from conn.execute(stmt).mappings()


def _batches(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for k in range(0, len(items), BATCH):
        yield items[k : k + BATCH]


def _ranges(conn: Connection, releases: Sequence[Deployment]) -> dict[tuple[str, str], list[str]]:
    """``(source, deployment id) -> shas`` of the releases' commit ranges (indexed look-ups)."""
    dc = schema.deployment_commits
    ids: dict[str, set[str]] = defaultdict(set)
    for r in releases:
        ids[r.source].add(r.id)
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source, dep_ids in ids.items():
        for batch in _batches(dep_ids):
            stmt = select(dc.c.deployment_id, dc.c.sha).where(dc.c.source == source, dc.c.deployment_id.in_(batch))
            for dep_id, sha in conn.execute(stmt):
                out[(source, dep_id)].append(sha)
    return out


Carried = dict[tuple[str, str, str], list[tuple[int, Change]]]


def _carried(
    conn: Connection,
    scope: Scope,
    releases: Sequence[Deployment],
    ranges: dict[tuple[str, str], list[str]],
    ok: Sequence[Deployment],
) -> Carried:
    """Per release ``(source, repo, id)``: the (row id, change) pairs its release report lists."""
    c = schema.changes
    ok_by_repo: dict[str, list[Deployment]] = defaultdict(list)
    for x in ok:
        ok_by_repo[x.repo].append(x)
    out: Carried = {(r.source, r.repo, r.id): [] for r in releases}
    exact: list[tuple[Deployment, set[str]]] = []
    by_time: dict[str, list[tuple[Deployment, int, int]]] = defaultdict(list)  # repo -> (release, lo, hi)
    for r in releases:
        shas = set(ranges.get((r.source, r.id), ()))
        if shas:
            exact.append((r, shas | ({r.sha} if r.sha else set())))
        else:
            previous = _previous(r, ok_by_repo.get(r.repo, []))
            by_time[r.repo].append((r, -1 if previous is None else _start(previous), _start(r)))
    merged = c.c.merged_at.is_not(None)
    if exact:
        by_sha: dict[tuple[str, str], list[tuple[int, Change]]] = defaultdict(list)
        for batch in _batches(sha for _r, shas in exact for sha in shas):
            for row in _rows(conn, select(c).where(merged, c.c.merge_sha.in_(batch))):
                ch = change_from_row(row)
                if not scope.change_excluded(ch):
                    by_sha[(ch.repo, ch.merge_sha or "")].append((int(row["id"]), ch))
        for r, shas in exact:
            out[(r.source, r.repo, r.id)] = [pair for sha in shas for pair in by_sha.get((r.repo, sha), ())]
    for repo, wanted in by_time.items():
        lo, hi = min(w[1] for w in wanted), max(w[2] for w in wanted)
        stmt = select(c).where(merged, c.c.repo == repo, c.c.merged_at <= hi)
        if lo >= 0:
            stmt = stmt.where(c.c.merged_at > lo)
        pairs = [(int(row["id"]), change_from_row(row)) for row in _rows(conn, stmt)]
        pairs = [(rid, ch) for rid, ch in pairs if not scope.change_excluded(ch)]
        for r, r_lo, r_hi in wanted:
            branch = _branch(r.ref)
            out[(r.source, r.repo, r.id)] = [
                (rid, ch)
                for rid, ch in pairs
                if ch.merged_at is not None
                and r_lo < to_ms(ch.merged_at) <= r_hi
                and (_branch(ch.base) is None or branch is None or _branch(ch.base) == branch)
            ]
    for pairs in out.values():
        pairs.sort(key=lambda p: (p[1].merged_at, p[1].id))
    return out


def _previous(dep: Deployment, ok: Sequence[Deployment]) -> Deployment | None:
    """The previous successful production deployment of the same repository and branch (by start)."""
    start = _start(dep)
    earlier = [
        d
        for d in ok
        if (d.source, d.id) != (dep.source, dep.id)
        and _start(d) < start
        and (_branch(d.ref) is None or _branch(dep.ref) is None or _branch(d.ref) == _branch(dep.ref))
    ]
    return max(earlier, key=_start, default=None)


def _ticket_counts(
    conn: Connection, scope: Scope, releases: Sequence[Deployment], carried: Carried
) -> dict[tuple[str, str, str], int]:
    """Per release, the known work items of the stream its carried changes name."""
    cm, wi = schema.commits, schema.work_items
    changes = {rid: ch for pairs in carried.values() for rid, ch in pairs}
    messages: dict[tuple[str, str], str] = {}
    for batch in _batches(ch.merge_sha for ch in changes.values() if ch.merge_sha):
        for repo, sha, message in conn.execute(select(cm.c.repo, cm.c.sha, cm.c.message).where(cm.c.sha.in_(batch))):
            messages[(repo, sha)] = message
    named = {
        rid: ticket_keys((ch.title, ch.branch, messages.get((ch.repo, ch.merge_sha or ""))))
        for rid, ch in changes.items()
    }
    known: set[str] = set()
    for batch in _batches(k for keys in named.values() for k in keys):
        rows = _rows(conn, select(wi).where(func.upper(wi.c.key).in_(batch)))
        known.update(w.key.upper() for w in scope.items(work_item_from_row(r) for r in rows))
    return {
        (r.source, r.repo, r.id): len({k for rid, _c in carried[(r.source, r.repo, r.id)] for k in named[rid] & known})
        for r in releases
    }


def _incident_counts(
    conn: Connection, scope: Scope, releases: Sequence[Deployment], ok: Sequence[Deployment]
) -> dict[tuple[str, str, str], int]:
    """Per release, the incidents linked to it as :func:`_incidents` links them (only releases count)."""
    shipped = [_fin(r) for r in releases if r.status == "success"]
    if not shipped:
        return {}
    ordered = sorted(ok, key=lambda x: (_fin(x), x.id))
    by_repo: dict[str | None, list[Deployment]] = defaultdict(list)
    for x in ordered:
        by_repo[x.repo].append(x)
        by_repo[None].append(x)
    finishes = {repo: [_fin(x) for x in xs] for repo, xs in by_repo.items()}
    wanted = {(r.source, r.repo, r.id) for r in releases}
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    i = schema.incidents
    for row in _rows(conn, select(i).where(i.c.created_at > min(shipped))):
        n = incident_from_row(row)
        if n.repo is not None and not scope.repo_in(n.repo):
            continue
        k = bisect.bisect_left(finishes.get(n.repo, []), to_ms(n.created_at)) - 1  # finished strictly before
        if k < 0:
            continue
        d = by_repo[n.repo][k]
        if (d.source, d.repo, d.id) in wanted:
            out[(d.source, d.repo, d.id)] += 1
    return out


def _first_deployed(store: Store, stream: Stream, carried: Carried) -> dict[int, tuple[int, int]]:
    """Per carried change (row id): (finish of its first successful production deployment, its start), ms.

    From the metrics' cached arrays: the same :func:`data.metrics.linking.deployed_at` the release
    report and the DORA lead time use, computed once per store generation.
    """
    ids = np.array(sorted({rid for pairs in carried.values() for rid, _c in pairs}), dtype=np.int64)
    if ids.size == 0:
        return {}
    arrays = stream_arrays(store, stream)
    idx = np.nonzero(np.isin(arrays.change_row_id, ids))[0]
    return {
        int(arrays.change_row_id[i]): (int(arrays.change_deployed[i]), int(arrays.change_start[i]))
        for i in idx
        if arrays.change_deployed[i] >= 0
    }
