"""How the engine measures a duration: calendar time, or working time of a stream's calendar.

METRICS.md: calendar time by default; ``calendar = "working"`` counts only the working hours of the
stream's working calendar (:mod:`data.calendar`). Every duration the engine reports goes through a
:class:`Clock`, so the switch applies to all of them at once (docs/metrics.md lists which figures
are durations and which stay calendar facts: rates per week and release gaps in days).

Both clocks take int64 epoch-millisecond arrays and return float64 seconds. A pair with its end
before its start gives a *negative* duration in calendar time (bad data stays visible, as before);
the working clock keeps that sign too (``-working(end, start)``). Callers pass only pairs with both
ends known: a ``-1`` sentinel would otherwise ask the working calendar about 1969.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from data.calendar import WorkingCalendar
from data.config.model import CalendarConfig, Stream
from data.timeutil import HOUR_MS, parse_instant, utc_now

__all__ = ["CALENDAR", "CalendarClock", "Clock", "WorkingClock", "clock_for", "clock_key", "now_of", "store_now"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class Clock(Protocol):
    """Durations between instants (epoch ms) in seconds or hours."""

    #: "calendar" or "working": part of the materialised-array cache key.
    mode: str

    def seconds(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """Seconds from each start to its end (negative when the end is earlier)."""
        ...

    def hours(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """Hours from each start to its end (negative when the end is earlier)."""
        ...

    def describe(self) -> str | None:
        """A sentence for the report (None for plain calendar time)."""
        ...

    def warnings(self) -> tuple[str, ...]:
        """Facts the reader must know (years without holiday data)."""
        ...


class CalendarClock:
    """Plain elapsed time: every hour counts."""

    mode = "calendar"

    def seconds(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """``(end - start) / 1000``."""
        return (np.asarray(ends_ms, dtype=np.int64) - np.asarray(starts_ms, dtype=np.int64)) / 1000.0

    def hours(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """``(end - start) / 3 600 000`` (the exact expression the engine always used)."""
        return (np.asarray(ends_ms, dtype=np.int64) - np.asarray(starts_ms, dtype=np.int64)) / HOUR_MS

    def describe(self) -> str | None:
        """None: calendar time needs no explanation."""
        return None

    def warnings(self) -> tuple[str, ...]:
        """None."""
        return ()


class WorkingClock:
    """Working time of one :class:`~data.calendar.WorkingCalendar` (sign-preserving)."""

    mode = "working"

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar

    def seconds(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """Working seconds; ``-working(end, start)`` where the end is before the start."""
        s = np.asarray(starts_ms, dtype=np.int64)
        e = np.asarray(ends_ms, dtype=np.int64)
        if s.size == 0:
            return np.zeros(s.shape, dtype=np.float64)
        forward = self.calendar.working_seconds_many(s, e)
        backward = e < s
        if backward.any():
            forward[backward] = -self.calendar.working_seconds_many(e[backward], s[backward])
        return forward

    def hours(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> F64:
        """Working hours."""
        return self.seconds(starts_ms, ends_ms) / 3600.0

    def describe(self) -> str | None:
        """The calendar's own description (``working time: Mon–Fri 09:00–18:00 UTC, …``)."""
        return self.calendar.describe()

    def warnings(self) -> tuple[str, ...]:
        """Years the holiday library did not know, among those the figures touched."""
        return self.calendar.warnings()


CALENDAR = CalendarClock()

_lock = threading.Lock()
# One calendar object per configuration: its per-year tables are built once and reused.
_calendars: dict[CalendarConfig, WorkingCalendar] = {}


def clock_for(stream: Stream, mode: str) -> Clock:
    """The clock of ``stream`` under ``definitions.calendar == mode`` ("calendar" or "working").

    Raises ``ValueError`` for an unknown mode or a calendar the config cannot describe.
    """
    if mode == "calendar":
        return CALENDAR
    if mode != "working":
        raise ValueError(f"unknown calendar definition {mode!r}; expected calendar or working")
    with _lock:
        cal = _calendars.get(stream.calendar)
        if cal is None:
            cal = WorkingCalendar.from_config(stream.calendar)
            _calendars[stream.calendar] = cal
    return WorkingClock(cal)


def clock_key(stream: Stream, mode: str) -> str:
    """What of the clock changes materialised durations: the mode, and the calendar when working."""
    return "calendar" if mode == "calendar" else f"working:{stream.calendar!r}"


# --- what "now" means ------------------------------------------------------------------------------


class _Meta(Protocol):
    def get_meta(self, key: str) -> str | None: ...


def now_of(demo: bool, demo_end: datetime | None, clock: Callable[[], datetime] = utc_now) -> datetime:
    """What "now" means for a store: the end of the demo data for a demo store, else ``clock()``.

    The demo's story ends at ``demo_end`` whenever it was generated: looking from the real clock
    would count the weeks after it as weeks without deployments and its last running builds as
    running for days. The app, the wall, the CLI and the engine's defaults all use this function.
    """
    if demo and demo_end is not None:
        return demo_end.astimezone(UTC)
    return clock()


def store_now(store: _Meta, clock: Callable[[], datetime] = utc_now) -> datetime:
    """:func:`now_of` for a store, from its ``demo`` and ``demo_end`` meta (docs/events.md)."""
    end = store.get_meta("demo_end")
    return now_of(store.get_meta("demo") == "1", parse_instant(end) if end else None, clock)
