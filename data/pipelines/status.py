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
ETA. A feature branch is also left out once idle for :data:`~data.pipelines.order.FEATURE_HORIZON_DAYS`
(3 days). They come back in wall order (:func:`pipeline_order`): default branches before feature
branches, failing first within each, then the most recent first. How many idle pipelines were hidden
(by either horizon) is counted too.

The pieces: :mod:`data.pipelines.state` computes statuses from run rows (no SQL),
:mod:`data.pipelines.order` holds the wall order; this module reads the rows from a store
and re-exports every name it offered before the split.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, and_, bindparam, func, or_, select, type_coerce

from data.metrics.clock import store_now
from data.pipelines.order import (
    FEATURE_HORIZON_DAYS,
    BranchRule,
    _light_order,
    _patterns,
    is_default_branch,
    recent_groups,
    sort_pipelines,
)
from data.pipelines.results import PipelineStatus
from data.pipelines.state import RunRow, _from_groups, _reduce, _state
from data.store import schema
from data.store.schema import to_ms
from data.timeutil import DAY_MS

if TYPE_CHECKING:
    from data.store.store import Store

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "PipelineView",
    "load_pipelines",
]

#: Pipelines whose latest run is older than this (before ``as_of``) are idle and hidden by default.
DEFAULT_HORIZON_DAYS = 14.0


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
    #: The shorter horizon of feature branches (None: the same as ``horizon_days``).
    feature_horizon_days: float | None = None

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
_QUEUED_SLACK_MS = DAY_MS


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
    feature_horizon_days: float | None = FEATURE_HORIZON_DAYS,
) -> PipelineView:
    """The pipelines active within ``horizon_days`` before ``as_of`` (default now), in wall order.

    Feature branches must also have run within ``feature_horizon_days`` (capped at ``horizon_days``;
    None: no extra horizon). ``horizon_days=None`` reads every pipeline ever seen, feature branches
    included (slow on a big cache). ``count_hidden``
    False skips counting the idle ones (``hidden`` is then 0). ``limit``: only the first ``limit``
    pipelines in wall order are computed in full (history, authors, ETA); ``counts`` still covers
    all. Commit authors are looked up only for failing pipelines.
    """
    as_of = as_of or store_now(store)
    as_of_ms = to_ms(as_of)
    c = schema.commits
    if horizon_days is None:
        feature_horizon_days = None
    elif feature_horizon_days is not None:
        feature_horizon_days = min(feature_horizon_days, horizon_days)
    is_default = _default_rule(default_branches)
    with store.engine.connect() as conn:
        if horizon_days is None:
            t = func.coalesce(_ms("queued_at"), _ms("started_at"), _ms("finished_at"))
            stmt = select(*_columns()).where(or_(t <= as_of_ms, t.is_(None)))
            groups = _reduce((RunRow(*r) for r in conn.execute(stmt)), as_of_ms)
            counts, groups = _top(groups, as_of_ms, is_default, limit)
        else:
            lo = as_of_ms - int(timedelta(days=horizon_days).total_seconds() * 1000)
            runs = _recent_rows(conn, lo, as_of_ms)
            groups = recent_groups(_reduce(runs, as_of_ms), as_of_ms, feature_horizon_days, is_default)
            counts, groups = _top(groups, as_of_ms, is_default, limit)
            needy = [key for key, rs in groups.items() if _needs_history(rs, as_of_ms)]
            if needy:
                older = _older_rows(conn, needy, lo)
                groups.update(_reduce(older + [r for k in needy for r in groups[k]], as_of_ms))
        shown = _from_groups(groups, lambda shas: _authors(conn, c, shas), as_of_ms)
        hidden = 0
        if count_hidden and horizon_days is not None:
            hidden = max(0, _known_keys(store, conn, as_of_ms) - sum(counts.values()))
    statuses = tuple(sort_pipelines(shown, default_branches))
    return PipelineView(statuses, as_of, horizon_days, hidden, counts, feature_horizon_days)


def _default_rule(rule: BranchRule) -> Callable[[str, str | None], bool]:
    """``(source, branch) -> is a default branch``, each distinct branch matched once."""
    seen: dict[tuple[str, str | None], bool] = {}

    def default(source: str, branch: str | None) -> bool:
        k = (source, branch)
        if k not in seen:
            seen[k] = is_default_branch(branch, _patterns(rule, source))
        return seen[k]

    return default


def _top(
    groups: dict[tuple[str, str, str | None], list[RunRow]],
    as_of_ms: int,
    default: Callable[[str, str | None], bool],
    limit: int | None,
) -> tuple[dict[str, int], dict[tuple[str, str, str | None], list[RunRow]]]:
    """Counts by state of every group, and the first ``limit`` groups in wall order (all when None)."""
    counts: dict[str, int] = defaultdict(int)
    for rs in groups.values():
        counts[_state(rs[-1], as_of_ms)] += 1
    if limit is None or len(groups) <= limit:
        return dict(counts), groups
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
