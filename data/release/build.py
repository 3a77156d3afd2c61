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
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, Select, func, select, type_coerce

from data.config.model import Config, Definitions, Stream
from data.materialise.cache import stream_columns
from data.metrics.linking import ticket_keys
from data.metrics.stats import median
from data.quality.scope import Scope
from data.records import Change, Commit, Deployment, PipelineRun, WorkItem
from data.store import schema
from data.store.rows import (
    change_from_row,
    commit_from_row,
    deployment_from_row,
    incident_from_row,
    job_run_from_row,
    pipeline_run_from_row,
    work_item_from_row,
)
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
from data.timeutil import HOUR_MS

#: Rows per ``IN (...)`` list: well under every back end's bound-parameter limit.
BATCH = 500


def latest_production_deployment(store: Store, config: Config, *, stream: str | None = None) -> Deployment:
    """The stream's most recently finished successful production deployment (LookupError if none).

    Read newest first by finish (indexed) until one passes the stream's filters.
    """
    scope = Scope(config.stream(stream), store.exclusions())
    d = schema.deployments
    stmt = (
        select(d)
        .where(d.c.status == "success", d.c.finished_at.is_not(None))
        .order_by(d.c.finished_at.desc(), d.c.external_id.desc())
    )
    with store.engine.connect() as conn:
        for row in _rows(conn, stmt):
            dep = deployment_from_row(row)
            if scope.production([dep]):
                return dep
    raise LookupError("the store holds no successful production deployment")


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

    Reads only what this release touches, by indexed query: the deployment, its commit range (or
    the previous deployment and the merges since), the carried changes, their commits and the
    tickets they name, the shipping run and the next deployment (incident linking). When each
    change and ticket first reached production comes from the metrics' cached arrays
    (:func:`data.materialise.cache.stream_columns`): the same linking the metrics use.

    Raises ``LookupError`` when the store has no such deployment and ``ValueError`` when it is not
    a finished production deployment of the stream (its environment must match ``production``).
    """
    s = config.stream(stream)
    source, repo, ident = deployment
    d = schema.deployments
    scope = Scope(s, store.exclusions())
    with store.engine.connect() as conn:
        stmt = select(d).where(d.c.source == source, d.c.repo == repo, d.c.external_id == ident)
        row = next(_rows(conn, stmt), None)
        if row is None:
            raise LookupError(f"no deployment {repo}#{ident} from source {source!r} in the store")
        dep = deployment_from_row(row)
        if not scope.is_production(dep.environment):
            raise ValueError(
                f"deployment {repo}#{ident} went to {dep.environment!r}, which is not production "
                f"(stream {s.name!r} production pattern {s.production!r})"
            )
        if dep.finished_at is None or dep.status not in ("success", "failure"):
            raise ValueError(f"deployment {repo}#{ident} has not finished (status {dep.status!r})")
        dc = schema.deployment_commits
        shas = {
            sha
            for (sha,) in conn.execute(select(dc.c.sha).where(dc.c.source == dep.source, dc.c.deployment_id == dep.id))
        }
        previous = None
        if shas:
            method = EXACT
            if dep.sha:
                shas.add(dep.sha)
            carried = _carried_exact(conn, scope, dep, shas)
        else:
            method = SINCE_PREVIOUS
            previous = _previous_by_query(conn, scope, dep)
            lo = -1 if previous is None else _start(previous)
            carried = _carried_since(conn, scope, dep, lo, _start(dep))
            shas = {c.merge_sha for _rid, c in carried if c.merge_sha} | ({dep.sha} if dep.sha else set())
        carried.sort(key=lambda p: (p[1].merged_at, p[1].id))
        commits = _commits(conn, dep.repo, shas | {c.merge_sha for _rid, c in carried if c.merge_sha})
        messages = {(c.repo, c.sha): c.message for c in commits}
        named = [
            ticket_keys((c.title, messages.get((c.repo, c.merge_sha or ""))), None, repo=c.repo, branch=c.branch)
            for _r, c in carried
        ]
        known = _known_items(conn, scope, {k for ks in named for k in ks})
        keys = [ks & set(known) for ks in named]
        tickets_rows = [
            (k, known[k], _last_status(conn, known[k].source, known[k].key)) for k in sorted(set().union(*keys))
        ]
        pipeline = _pipeline_by_query(conn, dep)
        incidents = _incidents_by_query(conn, scope, dep)
    firsts = _first_deployed(store, s, {(dep.source, dep.repo, dep.id): carried})
    item_firsts = _items_deployed(store, s, [w for _k, w, _st in tickets_rows])
    fin = _fin(dep)
    out_changes: list[ReleaseChange] = []
    for (rid, c), ks in zip(carried, keys, strict=True):
        first = firsts[rid][0] if rid in firsts else None
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
                None if first is None else (first - start_ms) / HOUR_MS,
                dep.status == "success" and first == fin,
            )
        )
    tickets = []
    for _k, w, status in tickets_rows:
        first = item_firsts.get((w.source, w.key))
        tickets.append(
            ReleaseTicket(
                w.source,
                w.key,
                w.title,
                w.type,
                w.status if status is None else status,
                w.created_at,
                w.url,
                None if first is None else (first - to_ms(w.created_at)) / HOUR_MS,
            )
        )
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
        tickets=tuple(tickets),
        pipeline=pipeline,
        incidents=incidents,
    )


def _ok(scope: Scope, dep: Deployment) -> bool:
    """A successful, finished production deployment of the stream, not excluded."""
    return dep.status == "success" and bool(scope.production([dep]))


def _carried_exact(conn: Connection, scope: Scope, dep: Deployment, shas: set[str]) -> list[tuple[int, Change]]:
    """The stream's merged changes of ``dep``'s repository whose merge commit is in ``shas``."""
    if not scope.repo_in(dep.repo):
        return []
    c = schema.changes
    out: list[tuple[int, Change]] = []
    for batch in _batches(shas):
        stmt = select(c).where(c.c.merged_at.is_not(None), c.c.repo == dep.repo, c.c.merge_sha.in_(batch))
        out.extend((int(r["id"]), change_from_row(r)) for r in _rows(conn, stmt))
    return [(rid, ch) for rid, ch in out if not scope.change_excluded(ch)]


def _carried_since(conn: Connection, scope: Scope, dep: Deployment, lo: int, hi: int) -> list[tuple[int, Change]]:
    """The stream's changes of ``dep``'s repository and branch merged in ``(lo, hi]`` (ms)."""
    if not scope.repo_in(dep.repo):
        return []
    c = schema.changes
    merged = type_coerce(c.c.merged_at, BigInteger)
    stmt = select(c).where(c.c.repo == dep.repo, merged > lo, merged <= hi)
    branch = _branch(dep.ref)
    return [
        (int(r["id"]), ch)
        for r in _rows(conn, stmt)
        if not scope.change_excluded(ch := change_from_row(r))
        and (_branch(ch.base) is None or branch is None or _branch(ch.base) == branch)
    ]


def _previous_by_query(conn: Connection, scope: Scope, dep: Deployment) -> Deployment | None:
    """The previous successful production deployment of ``dep``'s repository and branch, by start
    (a deployment without a start counts by its finish); ties go to the first in the store's order.

    Read newest start first (indexed), stopping below the first match's start.
    """
    if not scope.repo_in(dep.repo):
        return None
    d = schema.deployments
    start = _start(dep)
    started = type_coerce(d.c.started_at, BigInteger)
    finished = type_coerce(d.c.finished_at, BigInteger)
    common = (d.c.repo == dep.repo, d.c.status == "success", d.c.finished_at.is_not(None))
    queries = (
        select(d).where(*common, started < start).order_by(d.c.started_at.desc()),
        select(d).where(*common, d.c.started_at.is_(None), finished < start).order_by(d.c.finished_at.desc()),
    )
    branch = _branch(dep.ref)
    found: list[tuple[int, int, Deployment]] = []  # (start, row id, deployment)
    for stmt in queries:
        best: int | None = None
        for r in _rows(conn, stmt):
            x = deployment_from_row(r)
            if best is not None and _start(x) < best:
                break
            if (x.source, x.id) == (dep.source, dep.id) or not _ok(scope, x):
                continue
            if _branch(x.ref) is None or branch is None or _branch(x.ref) == branch:
                best = _start(x)
                found.append((best, int(r["id"]), x))
    if not found:
        return None
    top = max(f[0] for f in found)
    # ``max`` over the store's order (source, repo, row id) keeps the first of equal starts.
    return min((f for f in found if f[0] == top), key=lambda f: (f[2].source, f[2].repo, f[1]))[2]


def _commits(conn: Connection, repo: str, shas: set[str]) -> list[Commit]:
    """The repository's known commits among ``shas``, in the store's order (source, repo, sha)."""
    cm = schema.commits
    out: list[Commit] = []
    for batch in _batches(shas):
        stmt = select(cm).where(cm.c.repo == repo, cm.c.sha.in_(batch))
        out.extend(commit_from_row(r) for r in _rows(conn, stmt))
    return sorted(out, key=lambda c: (c.source, c.repo, c.sha))


def _known_items(conn: Connection, scope: Scope, keys: set[str]) -> dict[str, WorkItem]:
    """Upper-cased key -> the stream's work item (not excluded) of that key; of two sources, the
    later in the store's order (source, key), as a dict built over every item would keep."""
    wi = schema.work_items
    found: list[WorkItem] = []
    for batch in _batches(keys):
        found.extend(work_item_from_row(r) for r in _rows(conn, select(wi).where(func.upper(wi.c.key).in_(batch))))
    found.sort(key=lambda w: (w.source, w.key))
    return {w.key.upper(): w for w in scope.items(found)}


def _last_status(conn: Connection, source: str, key: str) -> str | None:
    """The latest status change's ``to`` (by time, then row id) of one item, or None."""
    sc = schema.status_changes
    stmt = (
        select(sc.c.to_status)
        .where(sc.c.source == source, sc.c.item_key == key)
        .order_by(sc.c.at.desc(), sc.c.id.desc())
        .limit(1)
    )
    v: str | None = conn.execute(stmt).scalar_one_or_none()
    return v


def _items_deployed(store: Store, stream: Stream, items: Sequence[WorkItem]) -> dict[tuple[str, str], int]:
    """Per item: the finish (ms) of the first production deployment carrying a change naming it,
    at or after its creation, from the metrics' cached arrays (as the requirement lead time)."""
    if not items:
        return {}
    a = stream_columns(store, stream, ("item_source", "item_key", "item_deployed"))
    wanted = {(w.source, w.key) for w in items}
    idx = np.nonzero(np.isin(a["item_key"], [w.key for w in items]))[0]
    out: dict[tuple[str, str], int] = {}
    for i in idx.tolist():
        k = (str(a["item_source"][i]), str(a["item_key"][i]))
        if k in wanted and a["item_deployed"][i] >= 0:
            out[k] = int(a["item_deployed"][i])
    return out


def _pipeline_by_query(conn: Connection, dep: Deployment) -> ReleasePipeline | None:
    """The run whose URL is the deployment's; else the same sha's run under way at its start."""
    p = schema.pipeline_runs
    order = (p.c.source, p.c.pipeline, p.c.id)
    chosen: PipelineRun | None = None
    if dep.url:
        same = [pipeline_run_from_row(r) for r in _rows(conn, select(p).where(p.c.url == dep.url).order_by(*order))]
        chosen = max(same, key=lambda r: r.attempt, default=None)
    if chosen is None and dep.sha:
        start = _start(dep)
        cands: list[tuple[int, int, PipelineRun]] = []
        for row in _rows(conn, select(p).where(p.c.sha == dep.sha).order_by(*order)):
            r = pipeline_run_from_row(row)
            began = r.started_at or r.queued_at
            if began is None or to_ms(began) > start:
                continue
            if r.finished_at is None or to_ms(r.finished_at) >= start:
                cands.append((to_ms(began), r.attempt, r))
        chosen = max(cands, key=lambda x: (x[0], x[1]))[2] if cands else None
    if chosen is None:
        return None
    j = schema.job_runs
    stmt = (
        select(j)
        .where(
            j.c.source == chosen.source,
            j.c.pipeline == chosen.pipeline,
            j.c.run_id == chosen.id,
            j.c.attempt == chosen.attempt,
        )
        .order_by(j.c.id)
    )
    jobs = sorted(
        (job_run_from_row(r) for r in _rows(conn, stmt)),
        key=lambda x: (x.queued_at or x.started_at or dep.finished_at, x.id),
    )
    out_jobs = []
    for x in jobs:
        queue = (x.started_at - x.queued_at).total_seconds() if x.started_at and x.queued_at else None
        active = (x.finished_at - x.started_at).total_seconds() - x.paused_s if x.finished_at and x.started_at else None
        out_jobs.append(ReleaseJob(x.name, x.result, queue, x.paused_s, active))
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


def _next_ok(conn: Connection, scope: Scope, dep: Deployment, repo: str | None) -> int | None:
    """Finish (ms) of the successful production deployment after ``dep`` in (finish, id) order, of
    ``repo`` (None: stream-wide); None when there is none. Read by finish (indexed)."""
    d = schema.deployments
    fin = _fin(dep)
    stmt = select(d).where(d.c.status == "success", type_coerce(d.c.finished_at, BigInteger) >= fin)
    if repo is not None:
        stmt = stmt.where(d.c.repo == repo)
    for r in _rows(conn, stmt.order_by(d.c.finished_at, d.c.external_id)):
        x = deployment_from_row(r)
        if (_fin(x), x.id) > (fin, dep.id) and _ok(scope, x):
            return _fin(x)
    return None


def _incidents_by_query(conn: Connection, scope: Scope, dep: Deployment) -> tuple[ReleaseIncident, ...]:
    """Incidents whose latest earlier successful production deployment (same repo, or stream-wide
    for an incident without repository) is ``dep``: created after its finish and no later than the
    next one's (incidents are few; the next deployment is read by index)."""
    if not _ok(scope, dep):
        return ()
    fin = _fin(dep)
    n = schema.incidents
    created = type_coerce(n.c.created_at, BigInteger)
    rows = [incident_from_row(r) for r in _rows(conn, select(n).where(created > fin).order_by(n.c.source, n.c.key))]
    upper: dict[str | None, int | None] = {}
    out = []
    for x in rows:
        if x.repo is not None and x.repo != dep.repo:
            continue
        if x.repo not in upper:
            upper[x.repo] = _next_ok(conn, scope, dep, x.repo)
        nxt = upper[x.repo]
        if nxt is not None and to_ms(x.created_at) > nxt:
            continue
        if nxt is not None and nxt == fin:
            continue  # a deployment finished at the same instant with a later id is the one linked
        recovery = None if x.resolved_at is None else (to_ms(x.resolved_at) - fin) / HOUR_MS
        out.append(ReleaseIncident(x.source, x.key, x.title, x.created_at, x.resolved_at, x.url, recovery))
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
            (fin - start) / HOUR_MS
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
        rid: ticket_keys((ch.title, messages.get((ch.repo, ch.merge_sha or ""))), None, repo=ch.repo, branch=ch.branch)
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
    a = stream_columns(store, stream, ("c_row_id", "c_deployed", "c_start"))
    idx = np.nonzero(np.isin(a["c_row_id"], ids))[0]
    return {
        int(a["c_row_id"][i]): (int(a["c_deployed"][i]), int(a["c_start"][i])) for i in idx if a["c_deployed"][i] >= 0
    }
