"""The data-quality checks' reads, done by the database: aggregates and filtered scans, never every
record as an object (a large store has over a million status changes; docs/metrics.md, "Speed").

Each function returns only what a check reports (a few rows) or a compact aggregate, in the order
the record-by-record checks produced it (the store's order of each record kind).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, and_, case, func, literal, or_, select, type_coerce

from data.materialise.queries import int_chunks
from data.metrics.stagemap import DONE, OUTSIDE, StageMap
from data.store import schema
from data.timeutil import DAY_MS, WEEK_MS

__all__ = ["WEEK_MS", "status_rows", "week_counts", "week_of"]

#: Monday-based week numbers: the epoch was a Thursday. The offset (a whole number of weeks, some
#: 190 years) keeps the dividend positive, so integer division is the floor on every back end.
_SHIFT = 3 * DAY_MS + 10_000 * WEEK_MS
_WEEK0 = 10_000


def week_of(ms: int) -> int:
    """The Monday-based week number of an instant (as :func:`week_counts` numbers them)."""
    return (ms + _SHIFT) // WEEK_MS - _WEEK0


def _ms(col: Any) -> Any:
    return type_coerce(col, BigInteger)


def _activity_columns() -> Iterator[Any]:
    """Per record kind, the instant(s) that date its activity (as :func:`data.quality.checks.assess` counts)."""
    t = schema
    yield t.work_items, _ms(t.work_items.c.created_at)
    yield t.status_changes, _ms(t.status_changes.c.at)
    yield t.changes, _ms(t.changes.c.created_at)
    yield t.changes, _ms(t.changes.c.merged_at)
    yield t.commits, _ms(t.commits.c.authored_at)
    p = t.pipeline_runs.c
    yield t.pipeline_runs, func.coalesce(_ms(p.queued_at), _ms(p.started_at), _ms(p.finished_at))
    d = t.deployments.c
    yield t.deployments, func.coalesce(_ms(d.started_at), _ms(d.finished_at))
    yield t.incidents, _ms(t.incidents.c.created_at)


def week_counts(conn: Connection, a_ms: int) -> dict[str, dict[int, list[int]]]:
    """``source -> week -> [records, first ms, last ms]`` of the records dated at or before ``a_ms``;
    every source with a dated record appears (with no weeks when none is that old).

    One source at a time (the tables are indexed by source first), instants read as integers
    straight into numpy: grouping in SQL by a computed week costs several times more.
    """
    out: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for table, ts in _activity_columns():
        for (source,) in conn.execute(select(table.c.source).distinct()):
            parts = [
                chunk[:, 0]
                for chunk in int_chunks(conn, select(ts).where(table.c.source == source, ts.is_not(None)), 1)
            ]
            if not parts:
                continue
            weeks = out[source]
            instants = np.concatenate(parts)
            instants = instants[instants <= a_ms]
            if instants.size == 0:
                continue
            wk = (instants + _SHIFT) // WEEK_MS - _WEEK0
            order = np.argsort(wk, kind="stable")
            wk, instants = wk[order], instants[order]
            bounds = np.flatnonzero(np.diff(wk)) + 1
            starts = np.concatenate(([0], bounds))
            counts = np.diff(np.concatenate((starts, [wk.size])))
            lows = np.minimum.reduceat(instants, starts)
            highs = np.maximum.reduceat(instants, starts)
            for w, n, lo, hi in zip(wk[starts].tolist(), counts.tolist(), lows.tolist(), highs.tolist(), strict=True):
                cell = weeks.setdefault(int(w), [0, int(lo), int(hi)])
                cell[0] += int(n)
                cell[1] = min(cell[1], int(lo))
                cell[2] = max(cell[2], int(hi))
    return out


def status_rows(conn: Connection, sm: StageMap, a_ms: int) -> Iterator[tuple[Any, ...]]:
    """The status changes some check reports, each with its neighbours in its item's timeline
    (by time, then row id: the store's order):

    ``(source, key, at, to_status, to_id, from_status, from_id, previous to, next at, first?,
    created, kind flags...)`` for transitions whose ``from`` differs from the previous ``to``
    (exactly: the caller compares them as the check does), stays in an unmapped status known by
    ``a_ms``, each item's last known transition when it is done, and each item's first transition
    (for the item's creation check and its first stay).
    """
    s = schema.status_changes
    w = schema.work_items
    part, order = (s.c.source, s.c.item_key), (s.c.at, s.c.id)
    inner = select(
        s.c.source,
        s.c.item_key,
        _ms(s.c.at).label("at"),
        s.c.to_status,
        s.c.to_id,
        s.c.from_status,
        s.c.from_id,
        func.lag(s.c.to_status).over(partition_by=part, order_by=order).label("prev_to"),
        func.lead(_ms(s.c.at)).over(partition_by=part, order_by=order).label("next_at"),
        func.row_number().over(partition_by=part, order_by=order).label("rn"),
        _code(sm, s.c.to_status, s.c.to_id, None).label("to_code"),
        _code(sm, s.c.to_status, s.c.to_id, s.c.to_category).label("done_code"),
        case(
            (s.c.from_status == "", literal(-1)),
            else_=_code(sm, s.c.from_status, s.c.from_id, None),
        ).label("from_code"),
    ).subquery()
    i = inner.c
    known = i.at <= a_ms
    last = and_(known, or_(i.next_at.is_(None), i.next_at > a_ms))
    created = select(_ms(w.c.created_at)).where(w.c.source == i.source, w.c.key == i.item_key).scalar_subquery()
    stmt = select(
        i.source,
        i.item_key,
        i.at,
        i.to_status,
        i.to_id,
        i.from_status,
        i.from_id,
        i.prev_to,
        i.next_at,
        i.rn,
        case((i.rn == 1, created), else_=None),
        and_(last, i.done_code == DONE),
        and_(known, i.to_code == OUTSIDE),
        and_(known, i.rn == 1, i.from_code == OUTSIDE),
    ).where(
        or_(
            and_(i.from_status != "", i.prev_to.is_not(None), i.from_status != i.prev_to),
            and_(known, i.to_code == OUTSIDE),
            and_(last, i.done_code == DONE),
            and_(i.rn == 1, or_(i.at < created, and_(known, i.from_code == OUTSIDE))),
        )
    )
    result = conn.execute(stmt)
    try:
        while rows := result.cursor.fetchmany(10_000):
            yield from rows
    finally:
        result.close()


def _code(sm: StageMap, name: Any, ident: Any, category: Any) -> Any:
    from data.materialise.queries import code_expr  # the metrics' own coding, shared

    return code_expr(sm, name, ident, category)
