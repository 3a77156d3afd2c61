"""Stage and stream figures (hours) aggregated from per-item flow over a completion window.

:func:`completed_mask` selects the items completed in a window; :func:`stage_figures` gives one
stage's wait/active times, WIP and %C&A (:class:`StageFigures`); :func:`stream_figures` gives lead
and cycle time, flow efficiency, throughput and WIP (:class:`StreamFigures`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from data.metrics.clock import CALENDAR, Clock
from data.metrics.flow_data import BOOL, FlowData, ItemFlow
from data.metrics.stats import median, percentile, share

__all__ = ["StageFigures", "StreamFigures", "completed_mask", "stage_figures", "stream_figures"]


@dataclass(frozen=True)
class StageFigures:
    """One status stage's numbers over the selected items (hours)."""

    items: int
    wait_median_h: float | None
    wait_p85_h: float | None
    active_median_h: float | None
    active_p85_h: float | None
    wait_total_h: float | None
    active_total_h: float | None
    wip: int
    wip_age_median_h: float | None
    complete_accurate: float | None
    #: Indices of the items behind the numbers (visited the stage), and those in it at as_of.
    item_indices: npt.NDArray[np.int64]
    wip_indices: npt.NDArray[np.int64]


def completed_mask(flow: ItemFlow, from_ms: int, to_ms: int, include: BOOL | None = None) -> BOOL:
    """Items completed in ``[from, to)`` (and known as completed at as_of)."""
    c = flow.completed_ms
    mask = (c >= 0) & (c >= from_ms) & (c < to_ms)
    return mask if include is None else mask & include


def stage_figures(  # noqa: PLR0917 - the mask, the stage and the switches, always in this order
    flow: ItemFlow, done: BOOL, k: int, method: str, include: BOOL | None = None, clock: Clock = CALENDAR
) -> StageFigures:
    """Stage ``k``'s figures over the items in ``done`` (a completed-in-window mask).

    ``clock`` measures the WIP ages (the per-item times in ``flow`` were measured when it was built).
    """
    visited = done & (flow.visits[:, k] > 0)
    idx = np.nonzero(visited)[0]
    w = flow.wait_s[idx, k] / 3600.0
    a = flow.active_s[idx, k] / 3600.0
    in_stage = (flow.state >= 0) & (flow.state // 2 == k)
    if include is not None:
        in_stage &= include
    wip_idx = np.nonzero(in_stage)[0]
    ages = clock.hours(flow.state_since_ms[wip_idx], np.full(wip_idx.size, flow.as_of_ms, dtype=np.int64))
    left = done & flow.left_forward[:, k]
    n_left = int(left.sum())
    ok = n_left - int((left & flow.rework[:, k]).sum())
    empty = idx.size == 0
    return StageFigures(
        items=int(idx.size),
        wait_median_h=median(w, method),
        wait_p85_h=percentile(w, 85),
        active_median_h=median(a, method),
        active_p85_h=percentile(a, 85),
        wait_total_h=None if empty else float(w.sum()),
        active_total_h=None if empty else float(a.sum()),
        wip=int(wip_idx.size),
        wip_age_median_h=median(ages, method),
        complete_accurate=share(ok, n_left),
        item_indices=idx,
        wip_indices=wip_idx,
    )


@dataclass(frozen=True)
class StreamFigures:
    """The stream-level numbers (status stages only; hours)."""

    completed: int
    lead_time_median_h: float | None
    lead_time_p85_h: float | None
    cycle_time_median_h: float | None
    flow_efficiency: float | None
    throughput_per_week: float | None
    wip: int
    #: Means over the lead-time items: lead time, and the time each spent in the status stages.
    #: Unlike medians, means add up: the difference is time outside every stage.
    lead_time_mean_h: float | None = None
    stage_time_mean_h: float | None = None


def stream_figures(  # noqa: PLR0917 - parallel arrays, always passed in this order
    fd: FlowData,
    flow: ItemFlow,
    done: BOOL,
    window_days: float,
    method: str,
    lead_ok: BOOL | None = None,
    include: BOOL | None = None,
    clock: Clock = CALENDAR,
) -> StreamFigures:
    """Completed count, lead/cycle time, flow efficiency, throughput and WIP.

    ``lead_ok`` masks items allowed into lead and cycle times (``measure_from``); ``clock``
    measures lead and cycle times. Throughput stays per calendar week (a rate, not a duration).
    """
    lt_mask = done if lead_ok is None else done & lead_ok
    lead_h = clock.hours(fd.created_ms[lt_mask], flow.completed_ms[lt_mask])
    in_stages_h = (flow.wait_s[lt_mask].sum(axis=1) + flow.active_s[lt_mask].sum(axis=1)) / 3600.0
    cyc_mask = lt_mask & (flow.first_active_ms >= 0)
    cycle_h = clock.hours(flow.first_active_ms[cyc_mask], flow.completed_ms[cyc_mask])
    act = float(flow.active_s[done].sum())
    tot = act + float(flow.wait_s[done].sum())
    in_stream = flow.state >= 0
    if include is not None:
        in_stream &= include
    count = int(done.sum())
    return StreamFigures(
        completed=count,
        lead_time_median_h=median(lead_h, method),
        lead_time_p85_h=percentile(lead_h, 85),
        cycle_time_median_h=median(cycle_h, method),
        flow_efficiency=share(act, tot),
        throughput_per_week=(count / (window_days / 7.0)) if window_days > 0 else None,
        wip=int(in_stream.sum()),
        lead_time_mean_h=float(lead_h.mean()) if lead_h.size else None,
        stage_time_mean_h=float(in_stages_h.mean()) if in_stages_h.size else None,
    )
