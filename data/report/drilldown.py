"""Drill-down rows (:class:`~data.report.results.StageItem`) behind one stage's numbers.

The rows come from the materialised arrays (per-item stage times as of the report's ``as_of``);
only titles and URLs are read from the store, and only for the rows returned. Used by
:func:`data.report.build.stage_details` (one stage, on demand: the GUI's click) and by
``build_report(details=True)`` (every stage: exports).

Order: without a limit, the completed items (store order) then the items in the stage at
``as_of``; with ``limit``, the ``limit`` rows with the most time in the stage (wait + active),
longest first, so a capped list still shows the outliers a drill-down is for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from data.materialise.build import StreamArrays
from data.metrics.flow_data import ItemFlow
from data.report.results import StageItem
from data.store import schema

__all__ = ["Titles", "fetch_titles", "pipeline_rows", "status_rows"]

I64 = npt.NDArray[np.int64]
#: item index -> (title, url)
Titles = dict[int, tuple[str, str | None]]
_IN_CHUNK = 500
_SCAN_ABOVE = 5000


def _instant(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _pick(order_first: I64, order_second: I64, totals: npt.NDArray[np.float64], limit: int | None) -> I64:
    """Positions into ``concat(order_first, order_second)``: all in order, or the ``limit`` longest."""
    n = order_first.size + order_second.size
    if limit is None or limit >= n:
        return np.arange(n, dtype=np.int64)
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    # Longest first; ties keep store order (a stable sort on the negated totals).
    return np.argsort(-totals, kind="stable")[:limit].astype(np.int64)


def status_rows(  # noqa: PLR0917 - the stage's item sets, then the switches
    arrays: StreamArrays,
    flow: ItemFlow,
    k: int,
    item_indices: I64,
    wip_indices: I64,
    titles: Titles | None,
    limit: int | None = None,
) -> tuple[StageItem, ...]:
    """Rows of status stage ``k`` (the ``k``-th status stage): completed items, then WIP.

    ``titles`` maps item indices to (title, url); None means "fetch nothing" (empty titles).
    """
    idx = np.concatenate([item_indices, wip_indices]).astype(np.int64)
    wait = flow.wait_s[idx, k] / 3600.0
    active = flow.active_s[idx, k] / 3600.0
    chosen = _pick(item_indices, wip_indices, wait + active, limit)
    n_done = item_indices.size
    titles = titles or {}
    rows: list[StageItem] = []
    for pos, i, w, a in zip(
        chosen.tolist(), idx[chosen].tolist(), wait[chosen].tolist(), active[chosen].tolist(), strict=True
    ):
        title, url = titles.get(i, ("", None))
        completed = _instant(int(flow.completed_ms[i])) if pos < n_done else None
        rows.append(
            StageItem(
                source=str(arrays.item_source[i]),
                key=str(arrays.item_key[i]),
                title=title,
                url=url,
                wait_h=w,
                active_h=a,
                visits=int(flow.visits[i, k]),
                completed_at=completed,
            )
        )
    return tuple(rows)


def status_row_items(item_indices: I64, wip_indices: I64, flow: ItemFlow, k: int, limit: int | None) -> I64:
    """The item indices :func:`status_rows` will return (to fetch just their titles)."""
    idx = np.concatenate([item_indices, wip_indices]).astype(np.int64)
    if limit is None or limit >= idx.size:
        return idx
    totals = (flow.wait_s[idx, k] + flow.active_s[idx, k]) / 3600.0
    return idx[_pick(item_indices, wip_indices, totals, limit)]


def pipeline_rows(arrays: StreamArrays, i: int, item_indices: I64, limit: int | None = None) -> tuple[StageItem, ...]:
    """Rows of pipeline stage ``i`` (stream stage index): its job runs or deployments in the window.

    A deployment with no known previous end has no wait: shown as 0 h (it is left out of the
    stage's wait median, as docs/metrics.md says).
    """
    arr = arrays.pipeline_stages[i]
    labels = arrays.pipeline_labels[i]
    w = arr.wait_s[item_indices] / 3600.0
    a = arr.active_s[item_indices] / 3600.0
    w = np.where(np.isnan(w), 0.0, w)
    chosen = _pick(item_indices, np.zeros(0, dtype=np.int64), w + a, limit)
    rows: list[StageItem] = []
    for j, wh, ah in zip(item_indices[chosen].tolist(), w[chosen].tolist(), a[chosen].tolist(), strict=True):
        source, key, title = labels[j]
        rows.append(StageItem(source, key, title or "", None, wh, ah, 1, _instant(int(arr.finished[j]))))
    return tuple(rows)


def fetch_titles(conn: Connection, arrays: StreamArrays, indices: Iterable[int]) -> Titles:
    """Title and URL of the given item indices (by work-item id; a missing row gives ``""``)."""
    wanted = np.unique(np.fromiter(indices, dtype=np.int64))
    out: Titles = {}
    if wanted.size == 0:
        return out
    ids = arrays.item_id[wanted]
    w = schema.work_items
    by_id: dict[int, tuple[str, str | None]] = {}
    if ids.size > _SCAN_ABOVE:
        # Thousands of IN lists cost more than one pass over the table's three columns.
        idset = set(ids.tolist())
        for rid, title, url in conn.execute(select(w.c.id, w.c.title, w.c.url)):
            if rid in idset:
                by_id[int(rid)] = (title, url)
    else:
        id_list = ids.tolist()
        for n in range(0, len(id_list), _IN_CHUNK):
            stmt = select(w.c.id, w.c.title, w.c.url).where(w.c.id.in_(id_list[n : n + _IN_CHUNK]))
            by_id.update({int(r[0]): (r[1], r[2]) for r in conn.execute(stmt)})
    for i, rid in zip(wanted.tolist(), ids.tolist(), strict=True):
        out[i] = by_id.get(rid, ("", None))
    return out
