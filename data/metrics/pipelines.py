"""Live pipeline status (METRICS.md §4), as of any instant (so a past day can be reviewed).

A pipeline is (source, pipeline, branch). Its runs are reduced to the latest *attempt* known at
``as_of`` of each run id (a re-run supersedes the attempt it repeats), ordered by when that
attempt was queued (else started, else finished). Skipped runs are ignored: they say nothing about
the pipeline's health. The state of a run at ``as_of``: its result when it had finished by then
(``success``, ``failure`` -> ``failed``, ``cancelled``, anything else ``unknown``), ``running``
when it had started, else ``queued``.

:func:`load_pipelines` reads them from a store, fast: only the pipelines active within a horizon
(default :data:`DEFAULT_HORIZON_DAYS` days before ``as_of``) are computed, from the runs inside the
horizon plus, only for the pipelines that need it, the older history behind a failing streak or an
ETA. They come back in wall order (:func:`pipeline_order`): failing first, default branches before
feature branches, then the most recent first. How many idle pipelines were hidden is counted too.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import translate
from functools import lru_cache
from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import BigInteger, and_, bindparam, func, or_, select, type_coerce

from data import schema
from data.results import PipelineStatus
from data.schema import to_ms
from data.timeutil import utc_now

if TYPE_CHECKING:
    from data.store import Store

__all__ = [
    "DEFAULT_BRANCHES",
    "DEFAULT_HORIZON_DAYS",
    "STATE_RANK",
    "BranchRule",
    "PipelineView",
    "RunRow",
    "is_default_branch",
    "load_pipelines",
    "pipeline_order",
    "sort_pipelines",
    "statuses",
]

#: Pipelines whose latest run is older than this (before ``as_of``) are idle and hidden by default.
DEFAULT_HORIZON_DAYS = 14.0
#: Branches that matter most on a wall (``fnmatch`` patterns); a pipeline without a branch (a
#: Jenkins job, a CCTray project) counts as a default branch. A source's ``default_branches``
#: option replaces them for its pipelines.
DEFAULT_BRANCHES: tuple[str, ...] = ("main", "master", "trunk", "release/*", "release-*")
#: Failing first, then what is moving, then the rest (same order as the widgets' vocabulary).
STATE_RANK: dict[str, int] = {"failed": 0, "running": 1, "queued": 2, "unknown": 3, "cancelled": 4, "success": 5}

#: Default-branch patterns: one tuple for every source, or per source name (missing: the defaults).
BranchRule = Sequence[str] | Mapping[str, Sequence[str]] | None


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


# --- ordering --------------------------------------------------------------------------------------


def _patterns(rule: BranchRule, source: str) -> Sequence[str]:
    if rule is None:
        return DEFAULT_BRANCHES
    if isinstance(rule, Mapping):
        return rule.get(source, DEFAULT_BRANCHES)
    return rule


@lru_cache(maxsize=64)
def _branch_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns) or r"(?!)")


def is_default_branch(branch: str | None, patterns: Sequence[str] = DEFAULT_BRANCHES) -> bool:
    """Whether ``branch`` matches one of ``patterns`` (``fnmatch``, case-sensitive as git is).

    A pipeline without a branch (a Jenkins job, a CCTray project) is its own mainline: True.
    """
    if not branch:
        return True
    return _branch_regex(tuple(patterns)).match(branch) is not None


def _recency(s: PipelineStatus) -> float:
    when = s.started_at or s.finished_at
    # Queued runs have no start yet: they are the newest thing a pipeline has.
    return when.timestamp() if when is not None else float("inf")


def pipeline_order(s: PipelineStatus, default_branches: BranchRule = None) -> tuple[int, int, float, str, str, str]:
    """Sort key: state (failing first), default branch before feature branch, most recent first, name."""
    default = is_default_branch(s.branch, _patterns(default_branches, s.source))
    return (
        STATE_RANK.get(s.state, 3),
        0 if default else 1,
        -_recency(s),
        s.pipeline.lower(),
        (s.branch or "").lower(),
        s.source,
    )


def sort_pipelines(items: Iterable[PipelineStatus], default_branches: BranchRule = None) -> list[PipelineStatus]:
    """``items`` in :func:`pipeline_order` (branch patterns matched once per distinct branch)."""
    seen: dict[tuple[str, str | None], bool] = {}

    def key(s: PipelineStatus) -> tuple[int, int, float, str, str, str]:
        k = (s.source, s.branch)
        if k not in seen:
            seen[k] = is_default_branch(s.branch, _patterns(default_branches, s.source))
        return (
            STATE_RANK.get(s.state, 3),
            0 if seen[k] else 1,
            -_recency(s),
            s.pipeline.lower(),
            (s.branch or "").lower(),
            s.source,
        )

    return sorted(items, key=key)


# --- loading from a store --------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineView:
    """The pipelines a board shows, as of an instant, and how many idle ones it leaves out."""

    statuses: tuple[PipelineStatus, ...]
    as_of: datetime
    #: None: every pipeline ever seen is included.
    horizon_days: float | None
    #: Pipelines whose latest run is older than the horizon (not in ``statuses``).
    hidden: int = 0
    #: Active pipelines by state, including any left out by ``limit``.
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Active pipelines (within the horizon), including any left out by ``limit``."""
        return sum(self.counts.values())

    @property
    def failing(self) -> int:
        """Active pipelines whose latest run failed."""
        return self.counts.get("failed", 0)


#: Older runs are read per pipeline in pages of this many, newest first, until enough is known.
_HISTORY_PAGE = 200
#: The idle-pipeline count needs a scan of every branch ever seen; it is reused for this long while
#: the store keeps changing (a live wall writes every poll), and always while it does not.
HIDDEN_COUNT_TTL_S = 600.0
_hidden_memo: dict[tuple[str, int], tuple[float, int, int]] = {}
_hidden_lock = threading.Lock()


def _columns() -> list[Any]:
    p = schema.pipeline_runs
    return [
        p.c.source,
        p.c.pipeline,
        p.c.external_id,
        p.c.attempt,
        p.c.sha,
        p.c.branch,
        p.c.status,
        p.c.result,
        *(type_coerce(p.c[n], BigInteger) for n in ("queued_at", "started_at", "finished_at")),
        p.c.url,
        p.c.author,
    ]


def _ms(name: str) -> Any:
    return type_coerce(schema.pipeline_runs.c[name], BigInteger)


#: A run queued before ``as_of`` but started later is still "queued" then; runs starting more than
#: this long after ``as_of`` are not read for a past ``as_of`` (it bounds the index range).
_QUEUED_SLACK_MS = 86_400_000


def _recent_rows(conn: object, lo: int, hi: int) -> list[RunRow]:
    """Runs with any instant in ``(lo, hi]`` (or none at all), through the (source, pipeline, started) index.

    The caller drops what is after ``as_of``; ``hi`` only keeps a past ``as_of`` from reading
    everything that happened since.
    """
    p = schema.pipeline_runs
    keys = select(p.c.source, p.c.pipeline).distinct().subquery()
    joined = keys.join(p, and_(p.c.source == keys.c.source, p.c.pipeline == keys.c.pipeline))
    q, s, f = _ms("queued_at"), _ms("started_at"), _ms("finished_at")
    started = select(*_columns()).select_from(joined).where(s > lo, s <= hi + _QUEUED_SLACK_MS)
    unstarted = (
        select(*_columns())
        .select_from(joined)
        .where(p.c.started_at.is_(None), or_(func.coalesce(q, f) > lo, func.coalesce(q, f).is_(None)))
    )
    rows: list[RunRow] = []
    for stmt in (started, unstarted):
        rows.extend(_fetch(conn, stmt))
    return rows


def _fetch(conn: object, stmt: object, values: Mapping[str, object] | None = None) -> list[RunRow]:
    """Rows through the driver, without SQLAlchemy's per-row processing (half the time for 15k rows).

    Every column is text or an integer (epoch ms) already, so nothing needs converting; the bound
    values (integers, names) are passed as parameters in the driver's own style.
    """
    return _run(conn, stmt.compile(dialect=conn.dialect), values)  # type: ignore[attr-defined]


def _run(conn: object, compiled: Any, values: Mapping[str, object] | None = None) -> list[RunRow]:
    named = {**compiled.params, **(values or {})}
    params: Any = tuple(named[k] for k in compiled.positiontup) if compiled.positional else named
    return [RunRow._make(r) for r in conn.exec_driver_sql(str(compiled), params).fetchall()]  # type: ignore[attr-defined]


def _older_rows(conn: object, keys: Sequence[tuple[str, str, str | None]], lo: int) -> list[RunRow]:
    """The newest :data:`_HISTORY_PAGE` runs before ``lo`` of each pipeline in ``keys``.

    One small query per pipeline, each a range of the (source, pipeline, branch, started) index
    read newest first. The SQL text is the same for every pipeline (only the parameters change),
    so the driver prepares it once; a ``UNION ALL`` of many such selects costs more to prepare
    than to run.
    """
    p = schema.pipeline_runs
    q, s, f = _ms("queued_at"), _ms("started_at"), _ms("finished_at")
    before = or_(s <= lo, and_(p.c.started_at.is_(None), func.coalesce(q, f) <= lo))
    out: list[RunRow] = []
    stmts: dict[bool, object] = {}
    for source, pipeline, branch in keys:
        named = branch is not None
        if named not in stmts:
            stmts[named] = (
                select(*_columns())
                .where(
                    p.c.source == bindparam("src"),
                    p.c.pipeline == bindparam("pipe"),
                    p.c.branch == bindparam("br") if named else p.c.branch.is_(None),
                    before,
                )
                .order_by(p.c.started_at.desc().nulls_last())
                .limit(_HISTORY_PAGE)
                .compile(dialect=conn.dialect)  # type: ignore[attr-defined]
            )
        out.extend(_run(conn, stmts[named], {"src": source, "pipe": pipeline, "br": branch}))
    return out


def _needs_history(rs: list[RunRow], as_of_ms: int) -> bool:
    """Whether a pipeline's loaded runs miss the start of its failing streak, or the runs for an ETA."""
    states = [_state(r, as_of_ms) for r in rs]
    ok = [i for i, st in enumerate(states) if st == "success"]
    if not ok and "failed" in states:
        return True
    return bool(states) and states[-1] == "running" and sum(1 for i in ok if rs[i].started is not None) < 10


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


def _light_order(
    key: tuple[str, str, str | None], rs: list[RunRow], as_of_ms: int, default: Callable[[str, str | None], bool]
) -> tuple[int, int, float, str, str, str]:
    """:func:`pipeline_order` of the status ``rs`` will give, without building it."""
    source, pipeline, branch = key
    last = rs[-1]
    state = _state(last, as_of_ms)
    when = last.started if last.started is not None and last.started <= as_of_ms else None
    if when is None and last.finished is not None and last.finished <= as_of_ms:
        when = last.finished
    recency = when / 1000.0 if when is not None else float("inf")
    return (
        STATE_RANK.get(state, 3),
        0 if default(source, branch) else 1,
        -recency,
        pipeline.lower(),
        (branch or "").lower(),
        source,
    )


def _pipeline_keys(conn: object, as_of_ms: int) -> int:
    """How many (source, pipeline, branch) had a run by ``as_of`` (an index-only scan)."""
    p = schema.pipeline_runs
    t = func.coalesce(_ms("queued_at"), _ms("started_at"), _ms("finished_at"))
    inner = (
        select(p.c.source, p.c.pipeline, p.c.branch)
        .where(or_(t <= as_of_ms, t.is_(None)), or_(p.c.result.is_(None), p.c.result != "skipped"))
        .distinct()
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(inner)).scalar() or 0)  # type: ignore[attr-defined]


def _known_keys(store: Store, conn: object, as_of_ms: int) -> int:
    """:func:`_pipeline_keys`, remembered per store and 10-minute bucket of ``as_of``.

    Reused while the store generation holds, and for :data:`HIDDEN_COUNT_TTL_S` even when it moves
    (a live wall writes every poll; new branches appear far more rarely than runs).
    """
    generation = store.generation()
    memo_key = (store.url, as_of_ms // int(HIDDEN_COUNT_TTL_S * 1000))
    with _hidden_lock:
        hit = _hidden_memo.get(memo_key)
    now = time.monotonic()
    if hit is not None and (hit[1] == generation or now - hit[0] < HIDDEN_COUNT_TTL_S):
        return hit[2]
    count = _pipeline_keys(conn, as_of_ms)
    with _hidden_lock:
        if len(_hidden_memo) > 64:
            _hidden_memo.clear()
        _hidden_memo[memo_key] = (now, generation, count)
    return count


def load_pipelines(
    store: Store,
    *,
    as_of: datetime | None = None,
    horizon_days: float | None = DEFAULT_HORIZON_DAYS,
    default_branches: BranchRule = None,
    count_hidden: bool = True,
    limit: int | None = None,
) -> PipelineView:
    """The pipelines active within ``horizon_days`` before ``as_of`` (default now), in wall order.

    ``horizon_days=None`` reads every pipeline ever seen (slow on a big cache). ``count_hidden``
    False skips counting the idle ones (``hidden`` is then 0). ``limit``: only the first ``limit``
    pipelines in wall order are computed in full (history, authors, ETA); ``counts`` still covers
    all. Commit authors are looked up only for failing pipelines.
    """
    as_of = as_of or utc_now()
    as_of_ms = to_ms(as_of)
    c = schema.commits
    with store.engine.connect() as conn:
        if horizon_days is None:
            t = func.coalesce(_ms("queued_at"), _ms("started_at"), _ms("finished_at"))
            stmt = select(*_columns()).where(or_(t <= as_of_ms, t.is_(None)))
            groups = _reduce((RunRow(*r) for r in conn.execute(stmt)), as_of_ms)
            counts, groups = _top(groups, as_of_ms, default_branches, limit)
        else:
            lo = as_of_ms - int(timedelta(days=horizon_days).total_seconds() * 1000)
            runs = _recent_rows(conn, lo, as_of_ms)
            groups = _reduce(runs, as_of_ms)
            counts, groups = _top(groups, as_of_ms, default_branches, limit)
            needy = [key for key, rs in groups.items() if _needs_history(rs, as_of_ms)]
            if needy:
                older = _older_rows(conn, needy, lo)
                groups.update(_reduce(older + [r for k in needy for r in groups[k]], as_of_ms))
        shown = _from_groups(groups, lambda shas: _authors(conn, c, shas), as_of_ms)
        hidden = 0
        if count_hidden and horizon_days is not None:
            hidden = max(0, _known_keys(store, conn, as_of_ms) - sum(counts.values()))
    return PipelineView(tuple(sort_pipelines(shown, default_branches)), as_of, horizon_days, hidden, counts)


def _top(
    groups: dict[tuple[str, str, str | None], list[RunRow]], as_of_ms: int, rule: BranchRule, limit: int | None
) -> tuple[dict[str, int], dict[tuple[str, str, str | None], list[RunRow]]]:
    """Counts by state of every group, and the first ``limit`` groups in wall order (all when None)."""
    counts: dict[str, int] = defaultdict(int)
    for rs in groups.values():
        counts[_state(rs[-1], as_of_ms)] += 1
    if limit is None or len(groups) <= limit:
        return dict(counts), groups
    seen: dict[tuple[str, str | None], bool] = {}

    def default(source: str, branch: str | None) -> bool:
        k = (source, branch)
        if k not in seen:
            seen[k] = is_default_branch(branch, _patterns(rule, source))
        return seen[k]

    order = sorted(groups, key=lambda k: _light_order(k, groups[k], as_of_ms, default))
    return dict(counts), {k: groups[k] for k in order[: max(0, limit)]}


def _authors(conn: object, c: object, shas: set[str]) -> dict[str, str]:
    """Authors of the commits failing pipelines ran (looked up by sha, in batches)."""
    found: dict[str, str] = {}
    wanted = sorted(shas)
    for k in range(0, len(wanted), 500):
        rows = conn.execute(  # type: ignore[attr-defined]
            select(c.c.sha, c.c.author).where(c.c.sha.in_(wanted[k : k + 500]), c.c.author.is_not(None))  # type: ignore[attr-defined]
        )
        found.update({sha: author for sha, author in rows})
    return found
