"""Weekly trend points and the live pipeline statuses, for :mod:`data.report.build` (which re-exports them).

* :func:`weekly_trends` — one :class:`~data.report.results.TrendPoint` per ISO week.
* :func:`pipeline_statuses` — the live state of every pipeline (METRICS.md §4).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from data.config.model import Config, Definitions
from data.materialise.build import StreamArrays
from data.materialise.cache import stream_arrays
from data.metrics.clock import clock_for, store_now
from data.metrics.delivery import success_rate
from data.metrics.flow_figures import completed_mask
from data.metrics.stats import median, percentile, share
from data.pipelines.order import BranchRule
from data.pipelines.results import PipelineStatus
from data.pipelines.status import DEFAULT_HORIZON_DAYS, load_pipelines
from data.report.figures import check_window, lead_time_filter
from data.report.results import TrendPoint
from data.store.schema import to_ms
from data.store.store import Store
from data.timeutil import week_start

__all__ = ["pipeline_statuses", "weekly_trends"]


def weekly_trends(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    stream: str | None = None,
    definitions: Definitions | None = None,
) -> list[TrendPoint]:
    """One point per ISO week overlapping ``[from, to)`` (each clipped to the window).

    Completion is as known now (a reopened item counts at its last closing); WIP is counted at
    each week's end (or now, for the current week). A week with fewer completed items than
    ``definitions.trend_min_completions`` has no lead time and no flow efficiency (None, with its
    ``completed`` count): a median of one or two items would be drawn as a real value. ``stream``
    None: the first stream. Lead times and flow efficiency follow ``definitions.calendar`` as in
    :func:`build_report`.
    """
    defs = definitions or config.definitions
    check_window(window_from, window_to, defs)
    s = config.stream(stream)
    clock = clock_for(s, defs.calendar)
    arrays = stream_arrays(store, s, clock)
    now_ms = to_ms(store_now(store))
    flow = arrays.final
    fd = arrays.flow_data
    lead_ok = lead_time_filter(s, arrays)
    points: list[TrendPoint] = []
    week = week_start(window_from)
    while week < window_to:
        f_ms = max(to_ms(week), to_ms(window_from))
        t_ms = min(to_ms(week + timedelta(days=7)), to_ms(window_to))
        done = completed_mask(flow, f_ms, t_ms)
        n = int(done.sum())
        enough = n >= defs.trend_min_completions
        lt_sel = done if lead_ok is None else done & lead_ok
        # Items created before measure_from have no lead time: the threshold applies to those left.
        lead_enough = int(lt_sel.sum()) >= defs.trend_min_completions
        lead = clock.hours(fd.created_ms[lt_sel], flow.completed_ms[lt_sel])
        act = float(flow.active_s[done].sum())
        tot = act + float(flow.wait_s[done].sum())
        rate, ok, _failed = success_rate(arrays.deployments, f_ms, t_ms, now_ms)
        points.append(
            TrendPoint(
                week_start=week,
                lead_time_median_h=median(lead, defs.median) if lead_enough else None,
                lead_time_p85_h=percentile(lead, 85) if lead_enough else None,
                deployments=ok,
                deployment_success_rate=rate,
                flow_efficiency=share(act, tot) if enough else None,
                wip=_wip_at(arrays, min(t_ms - 1, now_ms)),
                completed=n,
                min_completions=defs.trend_min_completions,
            )
        )
        week += timedelta(days=7)
    return points


def _wip_at(arrays: StreamArrays, at_ms: int) -> int:
    """Items in a stage status at ``at_ms`` (the last transition known then is a stage code)."""
    fd = arrays.flow_data
    known = fd.t_at <= at_ms
    it = fd.t_item
    last = known.copy()
    if it.size:
        last[:-1] &= (it[1:] != it[:-1]) | ~known[1:]
    return int((fd.t_code[last] >= 0).sum())


def pipeline_statuses(
    store: Store,
    *,
    as_of: datetime | None = None,
    horizon_days: float | None = DEFAULT_HORIZON_DAYS,
    default_branches: BranchRule = None,
) -> list[PipelineStatus]:
    """The pipelines active within ``horizon_days`` before ``as_of`` (default now), in wall order.

    Failing first, default branches before feature branches, then the most recent; see
    :func:`data.pipelines.status.load_pipelines` (which also counts the idle pipelines left out).
    """
    view = load_pipelines(
        store, as_of=as_of, horizon_days=horizon_days, default_branches=default_branches, count_hidden=False
    )
    return list(view.statuses)
