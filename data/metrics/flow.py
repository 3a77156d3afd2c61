"""The value-stream map of METRICS.md §1, computed with numpy over compact arrays.

Input (:class:`FlowData`): one row per work item of the stream (creation instant) and one row per
status transition, coded by :class:`~data.metrics.stagemap.StageMap`, sorted by item then time.
:func:`item_flow` turns that into per-item figures as of one instant (:class:`ItemFlow`):
completion, first activity, per-stage wait/active seconds (every visit counts), visits, %C&A flags
and the state at ``as_of`` (for WIP). :func:`stage_figures` and :func:`stream_figures` aggregate
those over the items completed in a window.

All instants are epoch milliseconds (int64); durations are seconds until the final hours.

The pieces: :mod:`data.metrics.flow_data` holds the input and output types
(:class:`FlowData`, :class:`ItemFlow`, :func:`build_flow_data`), :mod:`data.metrics.flow_figures`
the aggregates; this module computes the per-item figures and re-exports every name it offered
before the split.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

from data.metrics.clock import CALENDAR, Clock
from data.metrics.flow_data import BOOL, I64, FlowData, ItemFlow
from data.metrics.stagemap import DONE, NO_STATUS, OUTSIDE

__all__ = [
    "flow_from_final",
    "item_flow",
    "shift_open",
]


def flow_from_final(fd: FlowData, final: ItemFlow, as_of_ms: int, clock: Clock = CALENDAR) -> ItemFlow:
    """Per-item figures as of ``as_of_ms`` from those computed as of the horizon (``final``).

    At or after the horizon the stored figures hold (only the open items' current status keeps
    counting). Before it, only the items with a transition after ``as_of`` (or created after it)
    are recomputed from their transitions; every other item's figures are the stored ones. Equal
    to ``item_flow(fd, as_of_ms, clock)`` (tested), at a fraction of the cost for recent instants.
    ``clock`` must be the one ``final`` was computed with.
    """
    f = final
    horizon = final.as_of_ms
    if as_of_ms >= horizon:
        return _shift_open(f, as_of_ms, horizon, np.ones(fd.n_items, dtype=bool), clock)
    changed = np.zeros(fd.n_items, dtype=bool)
    changed[fd.t_item[fd.t_at > as_of_ms]] = True
    changed |= fd.created_ms > as_of_ms
    idx = np.nonzero(changed)[0]
    t_mask = changed[fd.t_item]
    sub = FlowData(
        n_stages=fd.n_stages,
        created_ms=fd.created_ms[idx],
        t_item=np.searchsorted(idx, fd.t_item[t_mask]).astype(np.int32),
        t_at=fd.t_at[t_mask],
        t_code=fd.t_code[t_mask],
    )
    part = item_flow(sub, as_of_ms, clock)
    merged: dict[str, npt.NDArray[Any]] = {}
    for name in ItemFlow.__dataclass_fields__:
        if name == "as_of_ms":
            continue
        arr = getattr(f, name).copy()
        arr[idx] = getattr(part, name)
        merged[name] = arr
    out = ItemFlow(as_of_ms=as_of_ms, **merged)
    return _shift_open(out, as_of_ms, horizon, ~changed, clock)


def _shift_open(f: ItemFlow, as_of_ms: int, horizon_ms: int, which: BOOL, clock: Clock = CALENDAR) -> ItemFlow:
    """Items in ``which`` that are in a stage had their current status counted to the horizon;
    move that end to ``as_of`` (it matters for the in-progress drill-down times).

    Durations are additive in both clocks (working time from ``a`` to ``c`` is working time from
    ``a`` to ``b`` plus ``b`` to ``c``), so one delta serves every open item."""
    open_idx = np.nonzero(which & (f.state >= 0))[0]
    wait_s, active_s = f.wait_s, f.active_s
    if open_idx.size and as_of_ms != horizon_ms:
        wait_s, active_s = wait_s.copy(), active_s.copy()
        stage = (f.state[open_idx] // 2).astype(np.int64)
        delta = float(clock.seconds([horizon_ms], [as_of_ms])[0])
        is_active = f.state[open_idx] % 2 == 1
        np.add.at(active_s, (open_idx[is_active], stage[is_active]), delta)
        np.add.at(wait_s, (open_idx[~is_active], stage[~is_active]), delta)
    return ItemFlow(
        as_of_ms=as_of_ms,
        completed_ms=f.completed_ms,
        first_active_ms=f.first_active_ms,
        wait_s=wait_s,
        active_s=active_s,
        visits=f.visits,
        left_forward=f.left_forward,
        rework=f.rework,
        state=f.state,
        state_since_ms=f.state_since_ms,
    )


def shift_open(f: ItemFlow, as_of_ms: int, which: BOOL, clock: Clock = CALENDAR) -> ItemFlow:
    """``f`` (computed as of ``f.as_of_ms``) as of ``as_of_ms`` for the items in ``which`` that had
    no transition in between: only their open status keeps counting (the refresh uses this)."""
    return _shift_open(f, as_of_ms, f.as_of_ms, which, clock)


def _stage_key(code: npt.NDArray[np.int16]) -> npt.NDArray[np.int64]:
    """Stage ordinal for stage codes, the (negative) code itself otherwise."""
    c = code.astype(np.int64)
    return np.where(c >= 0, c // 2, c)


_CHUNK = 200_000


def item_flow(fd: FlowData, as_of_ms: int, clock: Clock = CALENDAR) -> ItemFlow:
    """Every per-item figure as of ``as_of_ms`` (transitions after it are unknown yet).

    Items are independent, so large inputs run in slices of whole items (about 200k transitions
    each) to keep the temporaries small; the result is the same. Time in a status is measured
    with ``clock`` (calendar or working time).
    """
    m = fd.t_item.size
    if m <= _CHUNK:
        return _item_flow(fd, as_of_ms, clock)
    n, s = fd.n_items, fd.n_stages
    out: dict[str, npt.NDArray[Any]] = {}
    bounds = np.searchsorted(fd.t_item, np.arange(n + 1), side="left")
    cuts = [0]
    while cuts[-1] < n:
        i0 = cuts[-1]
        i1 = int(np.searchsorted(bounds, bounds[i0] + _CHUNK, side="right")) - 1
        cuts.append(min(n, max(i1, i0 + 1)))
    for i0, i1 in itertools.pairwise(cuts):
        j0, j1 = int(bounds[i0]), int(bounds[i1])
        sub = FlowData(s, fd.created_ms[i0:i1], fd.t_item[j0:j1] - i0, fd.t_at[j0:j1], fd.t_code[j0:j1])
        part = _item_flow(sub, as_of_ms, clock)
        for name in ItemFlow.__dataclass_fields__:
            if name == "as_of_ms":
                continue
            arr = getattr(part, name)
            if name not in out:
                out[name] = np.empty((n, *arr.shape[1:]), dtype=arr.dtype)
            out[name][i0:i1] = arr
    return ItemFlow(as_of_ms=as_of_ms, **out)


def _item_flow(fd: FlowData, as_of_ms: int, clock: Clock) -> ItemFlow:
    """:func:`item_flow` for one slice."""
    n, s = fd.n_items, fd.n_stages
    known = fd.t_at <= as_of_ms
    it = fd.t_item[known].astype(np.int64)
    at = fd.t_at[known]
    code = fd.t_code[known]
    m = it.size
    same_next = np.zeros(m, dtype=bool)
    if m:
        same_next[:-1] = it[1:] == it[:-1]
    first = np.ones(m, dtype=bool)
    if m:
        first[1:] = ~same_next[:-1]
    last = ~same_next
    next_at = np.full(m, as_of_ms, dtype=np.int64)
    next_at[:-1] = np.where(same_next[:-1], at[1:], as_of_ms)
    dur_s = clock.seconds(at, np.minimum(next_at, as_of_ms))

    key = _stage_key(code)
    entry = first.copy()
    if m:
        entry[1:] |= key[1:] != key[:-1]
    run_start_idx = np.maximum.accumulate(np.where(entry, np.arange(m), 0)) if m else np.zeros(0, np.int64)
    run_start = at[run_start_idx]

    state = np.full(n, NO_STATUS, dtype=np.int16)
    since = np.full(n, -1, dtype=np.int64)
    state[it[last]] = code[last]
    since[it[last]] = run_start[last]
    completed = np.where(state == DONE, since, -1)

    is_stage = code >= 0
    stage = np.where(is_stage, code // 2, 0).astype(np.int64)
    active = (code % 2 == 1) & is_stage
    flat = it * s + stage
    size = n * s
    wait_s = np.bincount(flat[is_stage & ~active], weights=dur_s[is_stage & ~active], minlength=size)
    active_s = np.bincount(flat[active], weights=dur_s[active], minlength=size)
    visits = np.bincount(flat[is_stage & entry], minlength=size).astype(np.int32)

    first_active = np.full(n, -1, dtype=np.int64)
    if active.any():
        u, idx = np.unique(it[active], return_index=True)
        first_active[u] = at[active][idx]

    left, rework = _rework(it, code, first, same_next, n, s)
    return ItemFlow(
        as_of_ms=as_of_ms,
        completed_ms=completed,
        first_active_ms=first_active,
        wait_s=wait_s.reshape(n, s),
        active_s=active_s.reshape(n, s),
        visits=visits.reshape(n, s),
        left_forward=left,
        rework=rework,
        state=state,
        state_since_ms=since,
    )


def _rework(it: I64, code: npt.NDArray[np.int16], first: BOOL, same_next: BOOL, n: int, s: int) -> tuple[BOOL, BOOL]:  # noqa: PLR0917 - parallel arrays, always passed in this order
    """%C&A flags: did the item leave stage k forward, and did it come back to k or earlier after?

    Position: stage ordinal, ``s`` for done; a status outside the stream keeps the previous
    position (stepping outside is not a move along the stream).
    """
    m = it.size
    left = np.zeros((n, s), dtype=bool)
    rework = np.zeros((n, s), dtype=bool)
    if m == 0 or s == 0:
        return left, rework
    c = code.astype(np.int64)
    p_raw = np.where(c >= 0, c // 2, np.where(c == DONE, s, -1))
    valid = (p_raw != -1) | first
    p = p_raw[np.maximum.accumulate(np.where(valid, np.arange(m), 0))]
    p_prev = np.full(m, -1, dtype=np.int64)
    p_prev[1:] = np.where(first[1:], -1, p[:-1])
    big = s + 3
    val = (p + 1) + it * big
    suffix = np.minimum.accumulate(val[::-1])[::-1] - it * big - 1
    after = np.full(m, s + 10, dtype=np.int64)
    after[:-1] = np.where(same_next[:-1], suffix[1:], s + 10)
    # A position of -1 after a forward exit cannot happen (positions carry forward).
    for k in range(s):
        fe = np.nonzero((p_prev == k) & (p > k))[0]
        if fe.size == 0:
            continue
        u, idx = np.unique(it[fe], return_index=True)
        left[u, k] = True
        rework[u, k] = after[fe[idx]] <= k
    _ = OUTSIDE  # documented above: outside statuses are carried, never positions
    return left, rework
