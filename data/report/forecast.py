"""Forecasts from the store (METRICS.md §5): the history read from the materialised arrays, then
the pure Monte Carlo of :mod:`data.metrics.forecast`.

* :func:`throughput_history` — items completed per day over the last K weeks before ``as_of``'s
  day, from the per-item completion instants the flow computation keeps.
* :func:`forecast` — ``flowdeck forecast``: dates for N items, or items by a date, at 50/85/95 %,
  with the stage-level target forecast.
* :func:`forecast_outcomes` — the runs behind a :func:`forecast`'s percentiles (for a histogram).
* :func:`target_forecast` — only the chance that an item starting now is done within the target
  (a frozen :class:`~data.metrics.forecast.TargetProbability`, for the scorecard).

Days: calendar days in UTC; with ``calendar = "working"`` the working days of the stream's calendar
(local dates of its zone), an item completed on a day off counting on the working day before.
History runs over the days with data only — from the day of the stream's first work item to the
day of its latest record — so a store synced last week, or not synced since, does not read as weeks
of nothing done. The forecast's first day is ``as_of``'s day (the whole day).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from data.calendar import WorkingCalendar
from data.config.model import Config, Definitions, Stream
from data.materialise.build import StreamArrays
from data.materialise.cache import stream_arrays
from data.metrics.clock import Clock, WorkingClock, clock_for, store_now
from data.metrics.flow_data import ItemFlow
from data.metrics.forecast import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    DEFAULT_WEEKS,
    ForecastResult,
    TargetProbability,
    ThroughputHistory,
    days_to_finish,
    forecast_count,
    forecast_items,
    items_done,
    target_probability,
)
from data.report.figures import lead_time_filter
from data.store.schema import to_ms
from data.store.store import Store

__all__ = ["forecast", "forecast_outcomes", "target_forecast", "throughput_history"]

I64 = npt.NDArray[np.int64]
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Days:
    """The history's days: local dates, their start instants (plus the end), which ones work."""

    dates: list[date]
    bounds_ms: I64  # len(dates) + 1: start of each day, then the start of as_of's day
    working: npt.NDArray[np.bool_]


def _days(as_of: datetime, weeks: int, calendar: WorkingCalendar | None) -> tuple[_Days, date]:
    """The ``7 × weeks`` days before ``as_of``'s local day, and that day."""
    tz = ZoneInfo(calendar.timezone) if calendar is not None else UTC
    today = as_of.astimezone(tz).date()
    dates = [today - timedelta(days=7 * weeks - i) for i in range(7 * weeks)]
    bounds = np.array([_day_start_ms(d, calendar) for d in [*dates, today]], dtype=np.int64)
    working = np.array([calendar is None or calendar.is_working_day(d) for d in dates], dtype=bool)
    return _Days(dates, bounds, working), today


def throughput_history(  # noqa: PLR0917 - the instants, then the span and the calendar
    completed_ms: I64,
    first_data_ms: int | None,
    last_data_ms: int | None,
    as_of: datetime,
    weeks: int,
    calendar: WorkingCalendar | None = None,
) -> tuple[ThroughputHistory, date]:
    """Items completed per day (``completed_ms``: completion instants, -1 = not completed) over the
    last ``weeks`` weeks before ``as_of``'s day, limited to the days from ``first_data_ms``'s to
    ``last_data_ms``'s (the span the store has data for; None: no data). With a working
    ``calendar``: its working days only, a completion on a day off counting on the working day
    before it (one before the history's first working day falls out, like any before the history).
    Returns the history and ``as_of``'s day (the forecast's first day, before working-day rules).
    """
    if weeks < 1:
        raise ValueError(f"weeks must be 1 or more, got {weeks}")
    days, today = _days(as_of, weeks, calendar)
    n = len(days.dates)
    c = completed_ms[(completed_ms >= days.bounds_ms[0]) & (completed_ms < days.bounds_ms[-1])]
    counts = np.bincount(np.searchsorted(days.bounds_ms, c, side="right") - 1, minlength=n).astype(np.int64)
    if first_data_ms is None or last_data_ms is None:
        keep = np.zeros(n, dtype=bool)
    else:
        first = int(np.searchsorted(days.bounds_ms, first_data_ms, side="right")) - 1
        last = int(np.searchsorted(days.bounds_ms, last_data_ms, side="right")) - 1
        idx = np.arange(n)
        keep = (idx >= max(first, 0)) & (idx <= min(last, n - 1))
    if calendar is not None:
        # Each day's count goes to the latest working day at or before it (-1: none in the history).
        owner = np.maximum.accumulate(np.where(days.working, np.arange(n), -1))
        moved = owner >= 0
        counts = np.bincount(owner[moved], weights=counts[moved], minlength=n).astype(np.int64)
        keep &= days.working
    sel = np.nonzero(keep)[0]
    history = ThroughputHistory(
        daily=counts[sel],
        first_day=days.dates[int(sel[0])] if sel.size else None,
        last_day=days.dates[int(sel[-1])] if sel.size else None,
        working=calendar is not None,
    )
    return history, today


def _calendar(clock: Clock) -> WorkingCalendar | None:
    return clock.calendar if isinstance(clock, WorkingClock) else None


def _day_start_ms(day: date, calendar: WorkingCalendar | None) -> int:
    """The instant the local ``day`` starts (UTC days without a working calendar)."""
    tz = ZoneInfo(calendar.timezone) if calendar is not None else UTC
    return to_ms(datetime(day.year, day.month, day.day, tzinfo=tz))


def _nth_day(start: date, n: int, calendar: WorkingCalendar | None) -> date:
    """The ``n``-th day (1-based) counting ``start`` as the first, working days only with a calendar
    (``start`` itself counts only if it works)."""
    if calendar is None:
        return start + (n - 1) * _DAY
    d, seen = start, 0
    # A year without a working day means a calendar with none at all: say so, never loop forever.
    for _ in range(n * 366 + 366):
        if calendar.is_working_day(d):
            seen += 1
            if seen == n:
                return d
        d += _DAY
    raise ValueError(f"the stream's working calendar has no working day after {start.isoformat()}")


def _days_between(start: date, end: date, calendar: WorkingCalendar | None) -> int:
    """Days (working days with a calendar) from ``start`` to ``end``, both included."""
    if end < start:
        return 0
    if calendar is None:
        return (end - start).days + 1
    return sum(1 for i in range((end - start).days + 1) if calendar.is_working_day(start + i * _DAY))


@dataclass(frozen=True)
class _Context:
    stream: Stream
    clock: Clock
    arrays: StreamArrays
    flow: ItemFlow
    as_of: datetime
    history: ThroughputHistory
    today: date


def _context(  # noqa: PLR0917 - the store, the config, then the question
    store: Store, config: Config, stream: str | None, as_of: datetime | None, weeks: int, defs: Definitions
) -> _Context:
    s = config.stream(stream)
    clock = clock_for(s, defs.calendar)
    at = (as_of or store_now(store)).astimezone(UTC)
    a_ms = to_ms(at)
    arrays = stream_arrays(store, s, clock)
    flow = arrays.flow_as_of(a_ms, clock)
    fd = arrays.flow_data
    known = fd.created_ms[fd.created_ms <= a_ms]
    first = int(np.min(known)) if known.size else None
    last = min(arrays.horizon_ms, a_ms) if known.size else None
    history, today = throughput_history(flow.completed_ms, first, last, at, weeks, _calendar(clock))
    return _Context(s, clock, arrays, flow, at, history, today)


def _target(ctx: _Context, target_days: float, runs: int, seed: int, weeks: int) -> TargetProbability:
    """The stage-level target forecast from the items completed in the history's days."""
    h = ctx.history
    fd, flow = ctx.arrays.flow_data, ctx.flow
    done = np.zeros(fd.n_items, dtype=bool)
    if h.first_day is not None:
        cal = _calendar(ctx.clock)
        start_ms, end_ms = _day_start_ms(h.first_day, cal), _day_start_ms(ctx.today, cal)
        done = (flow.completed_ms >= start_ms) & (flow.completed_ms < end_ms)
    lead_ok = lead_time_filter(ctx.stream, ctx.arrays)
    if lead_ok is not None:
        done &= lead_ok
    lead_h = ctx.clock.hours(fd.created_ms[done], flow.completed_ms[done])
    stage_h = (flow.wait_s[done] + flow.active_s[done]) / 3600.0
    # The time in no stage (statuses outside the stream, before the first) is one more "stage".
    parts = np.column_stack([stage_h, lead_h - stage_h.sum(axis=1)])
    reason = h.reason(weeks)
    if reason is not None:  # the throughput forecast's rule holds here too: too short says nothing
        # Still validated and sized like a forecast: the same arguments fail the same way.
        return replace(
            target_probability(parts[:0], target_days, runs=runs, seed=seed, weeks=weeks),
            items=int(parts.shape[0]),
            reason=reason,
        )
    return target_probability(parts, target_days, runs=runs, seed=seed, weeks=weeks)


def target_forecast(
    store: Store,
    config: Config,
    *,
    as_of: datetime | None = None,
    stream: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    target_days: float | None = None,
    definitions: Definitions | None = None,
) -> TargetProbability:
    """The chance that an item starting at ``as_of`` (default now) is done within ``target_days``
    (default ``[targets] requirement_lead_time_days``), each stage's time drawn independently from
    the items of ``stream`` (None: the first) completed in the last ``weeks`` weeks.
    Raises ``ConfigError`` for an unknown stream, ``ValueError`` for a bad knob."""
    defs = definitions or config.definitions
    ctx = _context(store, config, stream, as_of, weeks, defs)
    target = config.targets.requirement_lead_time_days if target_days is None else target_days
    return _target(ctx, target, runs, seed, weeks)


def forecast(
    store: Store,
    config: Config,
    *,
    items: int | None = None,
    by: date | None = None,
    as_of: datetime | None = None,
    stream: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    target_days: float | None = None,
    definitions: Definitions | None = None,
) -> ForecastResult:
    """``flowdeck forecast``: exactly one of ``items`` (dates by which that many more items are done)
    or ``by`` (items done from ``as_of``'s day to that date, inclusive), at 50/85/95 % likelihood,
    from the daily throughput of the last ``weeks`` weeks; plus the target forecast.

    Too little history gives None percentiles and a ``reason`` (not an error). Raises
    ``ConfigError`` for an unknown stream, ``ValueError`` for both or neither of ``items``/``by``,
    ``by`` before ``as_of``'s day, or a bad knob.
    """
    if (items is None) == (by is None):
        raise ValueError("give exactly one of items or by")
    defs = definitions or config.definitions
    ctx = _context(store, config, stream, as_of, weeks, defs)
    cal = _calendar(ctx.clock)
    if by is not None and by < ctx.today:
        raise ValueError(f"the date {by.isoformat()} is before the forecast's first day, {ctx.today.isoformat()}")
    start = _nth_day(ctx.today, 1, cal)
    target = _target(
        ctx, config.targets.requirement_lead_time_days if target_days is None else target_days, runs, seed, weeks
    )
    h = ctx.history
    p50: date | int | None
    p85: date | int | None
    p95: date | int | None
    if items is not None:
        f = forecast_items(h, items, runs=runs, seed=seed, weeks=weeks)
        p50, p85, p95 = (None if d is None else _nth_day(ctx.today, d, cal) for d in (f.p50, f.p85, f.p95))
        reason = f.reason
    else:
        assert by is not None
        c = forecast_count(h, _days_between(ctx.today, by, cal), runs=runs, seed=seed, weeks=weeks)
        p50, p85, p95, reason = c.p50, c.p85, c.p95, c.reason
    return ForecastResult(
        stream=ctx.stream.name,
        as_of=ctx.as_of,
        weeks=weeks,
        history_days=h.days,
        history_from=h.first_day,
        history_to=h.last_day,
        working_days=cal is not None,
        runs=runs,
        seed=seed,
        start=start,
        items=items,
        by=by,
        p50=p50,
        p85=p85,
        p95=p95,
        reason=reason,
        target=target,
    )


def forecast_outcomes(
    store: Store,
    config: Config,
    *,
    items: int | None = None,
    by: date | None = None,
    as_of: datetime | None = None,
    stream: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    definitions: Definitions | None = None,
) -> I64 | None:
    """The runs behind :func:`forecast`'s percentiles with the same arguments, for a histogram: per run,
    the days taken for ``items`` (1 = the forecast's first day; working days with a working calendar),
    or the items done for ``by``. None when :func:`forecast` says why instead of forecasting. The same
    seed draws the same runs, so these outcomes' order statistics are the forecast's percentiles.
    Same errors as :func:`forecast`."""
    if (items is None) == (by is None):
        raise ValueError("give exactly one of items or by")
    if runs < 1 or (items is not None and items < 1):
        raise ValueError(f"items and runs must be 1 or more, got {items} and {runs}")
    defs = definitions or config.definitions
    ctx = _context(store, config, stream, as_of, weeks, defs)
    h = ctx.history
    if by is not None and by < ctx.today:
        raise ValueError(f"the date {by.isoformat()} is before the forecast's first day, {ctx.today.isoformat()}")
    if h.reason(weeks) is not None:
        return None  # the forecast says why in words
    rng = np.random.default_rng(seed)
    if items is not None:
        if not h.daily.any():
            return None
        out = days_to_finish(h.daily, items, runs, rng)
        return None if (out < 0).any() else out
    assert by is not None
    return items_done(h.daily, _days_between(ctx.today, by, _calendar(ctx.clock)), runs, rng)
