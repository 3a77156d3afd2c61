"""Working calendars: durations counted in working time (METRICS.md ``calendar = "working"``).

The metrics engine calls this module; the API is::

    cal = WorkingCalendar.from_config(stream.calendar)      # data.config.model.CalendarConfig
    cal.working_seconds(start, end) -> float                # two aware datetimes; end <= start -> 0.0
    cal.working_seconds_many(starts_ms, ends_ms) -> ndarray  # int64 epoch-ms arrays -> float64 seconds
    cal.is_working_day(local_date) -> bool
    cal.uncovered_years -> tuple[int, ...]                  # years the holiday library did not know
    cal.warnings() -> tuple[str, ...]                       # one sentence per such fact, for the report
    cal.describe() -> str                                   # "working time: Mon–Fri 09:00–12:00, …"

What counts: only the configured working periods (wall-clock local times in the calendar's zone)
of working days. A local date is a working day when, in this order: it is listed in
``extra_workdays`` (yes); it is listed in ``extra_holidays`` (no); with ``holidays = "CN"`` and a
year the ``chinese-calendar`` library knows, the State Council's schedule decides: an adjusted
working day (调休, e.g. Saturday 2026-10-10) is a working day, a public holiday (2026-10-01..07) is
not; every other date — and every date when no holiday calendar is set or the year is unknown to
the library — is a working day when its ISO weekday is in ``weekdays``. With the default Mon–Fri
weekdays this is exactly ``chinese_calendar.is_workday``.

Years the library does not know are not an error: their dates fall back to the weekday rule, the
year is listed in ``uncovered_years`` and a sentence in ``warnings()``, so a report can say so.

Both paths measure real elapsed time inside the working periods, so a period that spans a DST
switch lasts what the clock on the wall says it lasted (09:00–17:00 is 8 h on the switch day; a
period 01:00–04:00 on the spring-forward night is 2 h). The vectorised path precomputes, per local
year touched, the working periods as sorted UTC epoch-ms intervals with cumulative working
milliseconds, so working time is ``F(end) - F(start)`` with ``F`` found by one ``searchsorted``;
no Python loop per interval. Both paths agree exactly for millisecond instants (tested).

Instants outside the years 1900..2200 are refused with ``ValueError`` (they are bad data, and
building a calendar table for them would be slow); pairs with ``end <= start`` are never inspected,
so a sentinel such as ``INT64_MIN`` for a missing end is harmless and yields 0.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from data.config.model import CalendarConfig

__all__ = ["MAX_YEAR", "MIN_YEAR", "WorkingCalendar"]

MIN_YEAR = 1900
MAX_YEAR = 2200

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Period:
    """A working period of a day as minutes after local midnight; ``end`` may be 1440 (24:00)."""

    start: int
    end: int

    def label(self) -> str:
        """``09:00–12:00``."""
        return f"{self.start // 60:02d}:{self.start % 60:02d}–{self.end // 60:02d}:{self.end % 60:02d}"


def _parse_hours(hours: Iterable[str]) -> tuple[_Period, ...]:
    """Parse ``HH:MM-HH:MM`` texts and merge overlapping or touching periods, so nothing counts twice."""
    periods: list[_Period] = []
    for text in hours:
        try:
            left, right = text.split("-")
            h1, m1 = (int(x) for x in left.strip().split(":"))
            h2, m2 = (int(x) for x in right.strip().split(":"))
        except ValueError:
            raise ValueError(f"working hours: expected HH:MM-HH:MM, got {text!r}") from None
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
            raise ValueError(f"working hours: expected HH:MM-HH:MM with start before end, got {text!r}")
        periods.append(_Period(start, end))
    periods.sort(key=lambda p: p.start)
    merged: list[_Period] = []
    for p in periods:
        if merged and p.start <= merged[-1].end:
            merged[-1] = _Period(merged[-1].start, max(merged[-1].end, p.end))
        else:
            merged.append(p)
    return tuple(merged)


def _weekday_label(weekdays: Iterable[int]) -> str:
    """``Mon–Fri`` for a run, ``Mon, Wed, Fri`` otherwise; ``no days`` for none."""
    days = sorted(set(weekdays))
    if not days:
        return "no days"
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0] - 1]}–{_DAY_NAMES[run[-1] - 1]}")
        else:
            parts.extend(_DAY_NAMES[d - 1] for d in run)
    return ", ".join(parts)


def _ms(value: datetime) -> int:
    """Exact epoch milliseconds of an aware instant (integer arithmetic; no float rounding)."""
    return (value - _EPOCH) // timedelta(milliseconds=1)


class WorkingCalendar:
    """Working time between instants under one working calendar (see the module docstring).

    Thread-safe: the per-year tables are built lazily under a lock and never change once built.
    """

    def __init__(
        self,
        *,
        timezone: str = "UTC",
        hours: Iterable[str] = ("09:00-18:00",),
        weekdays: Iterable[int] = (1, 2, 3, 4, 5),
        holidays: str | None = None,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
    ) -> None:
        self.timezone = timezone
        self._tz = ZoneInfo(timezone)
        self._periods = _parse_hours(hours)
        self._weekdays = frozenset(weekdays)
        bad = sorted(d for d in self._weekdays if not 1 <= d <= 7)
        if bad:
            raise ValueError(f"working weekdays are ISO numbers 1 (Mon) .. 7 (Sun), got {bad}")
        self._holidays = holidays.upper() if holidays else None
        if self._holidays not in (None, "CN"):
            raise ValueError(f"supported public-holiday calendars: CN; got {holidays!r}")
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        self._lock = threading.Lock()
        self._year_known: dict[int, bool] = {}  # CN library coverage, asked once per year
        self._uncovered: set[int] = set()  # years touched by a query that the library did not know
        # The vectorised table: sorted working intervals (UTC ms) of the years in _table_years.
        # One tuple (interval starts, durations, cumulative working ms before each), replaced whole
        # so a reader never sees arrays of two different builds.
        self._table_years: tuple[int, int] | None = None
        self._years: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        empty = np.empty(0, dtype=np.int64)
        self._table: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]] = (empty, empty, empty)

    @classmethod
    def from_config(cls, cfg: CalendarConfig) -> WorkingCalendar:
        """The calendar a stream's ``calendar = {…}`` table describes."""
        return cls(
            timezone=cfg.timezone,
            hours=cfg.hours,
            weekdays=cfg.weekdays,
            holidays=cfg.holidays,
            extra_holidays=cfg.extra_holidays,
            extra_workdays=cfg.extra_workdays,
        )

    # -- which days work --------------------------------------------------------------------------

    def _cn_known(self, year: int) -> bool:
        """Whether chinese-calendar has the State Council's schedule for ``year``."""
        known = self._year_known.get(year)
        if known is None:
            import chinese_calendar

            try:
                chinese_calendar.get_holiday_detail(date(year, 6, 1))
                known = True
            except NotImplementedError:  # the library's way of saying "no data for that year"
                known = False
            self._year_known[year] = known
        return known

    def is_working_day(self, day: date) -> bool:
        """Whether the local date ``day`` is a working day (rules in the module docstring).

        A date in a year the holiday library does not know is recorded in ``uncovered_years``.
        """
        return self._is_working_day(day, record=True)

    def _is_working_day(self, day: date, *, record: bool) -> bool:
        if day in self._extra_workdays:
            return True
        if day in self._extra_holidays:
            return False
        if self._holidays == "CN":
            if self._cn_known(day.year):
                import chinese_calendar

                is_off, name = chinese_calendar.get_holiday_detail(day)
                # A name marks a date the State Council scheduled: an adjusted working day
                # (not off) or a public holiday (off). Unnamed dates follow the weekday rule,
                # which keeps a team's own weekdays (e.g. Mon–Sat) outside the holidays.
                if name is not None:
                    return not is_off
            elif record:
                self._uncovered.add(day.year)
        return day.isoweekday() in self._weekdays

    @property
    def uncovered_years(self) -> tuple[int, ...]:
        """Years a query touched whose public holidays the library did not know (weekdays used)."""
        return tuple(sorted(self._uncovered))

    def warnings(self) -> tuple[str, ...]:
        """Plain sentences for the report: which years fell back to weekdays only."""
        years = self.uncovered_years
        if not years:
            return ()
        try:
            from importlib.metadata import version

            lib = f"chinese-calendar {version('chinese_calendar')}"
        except Exception:  # metadata missing in a frozen build: the name alone still informs
            lib = "chinese-calendar"
        listed = ", ".join(str(y) for y in years)
        return (
            f"{lib} does not know the Chinese public holidays of {listed}; working time in "
            f"{'that year' if len(years) == 1 else 'those years'} counts {_weekday_label(self._weekdays)} "
            "without public holidays or adjusted working days (extra_holidays and extra_workdays still apply)",
        )

    def describe(self) -> str:
        """A short description for reports, e.g. ``working time: Mon–Fri 09:00–12:00, 13:30–18:00 UTC``."""
        hours = ", ".join(p.label() for p in self._periods) or "no hours"
        text = f"working time: {_weekday_label(self._weekdays)} {hours} {self.timezone}"
        if self._holidays == "CN":
            text += ", Chinese public holidays"
        extras = []
        if self._extra_holidays:
            n = len(self._extra_holidays)
            extras.append(f"{n} extra day{'s' if n != 1 else ''} off")
        if self._extra_workdays:
            n = len(self._extra_workdays)
            extras.append(f"{n} extra working day{'s' if n != 1 else ''}")
        if extras:
            text += ", " + ", ".join(extras)
        return text

    # -- the periods of one day, as instants -------------------------------------------------------

    def _day_periods_utc(self, day: date) -> list[tuple[datetime, datetime]]:
        """The configured periods of a local date as aware UTC instants, working day or not.

        Wall times go through zoneinfo with fold=0, so across a DST switch a period lasts the real
        elapsed time between its wall-clock ends; 24:00 is the next day's midnight.
        """
        # Naive on purpose: wall-clock arithmetic first, the zone attached to each result after.
        midnight = datetime(day.year, day.month, day.day)  # noqa: DTZ001
        out = []
        for p in self._periods:
            start = (midnight + timedelta(minutes=p.start)).replace(tzinfo=self._tz).astimezone(UTC)
            end = (midnight + timedelta(minutes=p.end)).replace(tzinfo=self._tz).astimezone(UTC)
            if end > start:  # a period wholly inside a spring-forward gap has no length
                out.append((start, end))
        return out

    def _check_year(self, value: datetime) -> None:
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(
                f"working calendar: instant {value.isoformat()} is outside the years {MIN_YEAR}..{MAX_YEAR}"
            )

    # -- scalar path ------------------------------------------------------------------------------

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds between two aware instants; 0.0 when ``end <= start``.

        Walks the local dates the interval touches, one day at a time; meant for single values
        and as the reference the vectorised path is tested against.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("working calendar: instants must be timezone-aware (UTC inside Flowdeck)")
        if end <= start:
            return 0.0
        self._check_year(start)
        self._check_year(end)
        # One day of margin either side: a local date's periods can reach into the neighbouring
        # UTC dates, and the local date of an instant differs from its UTC date by up to a day.
        day = start.astimezone(self._tz).date() - timedelta(days=1)
        last = end.astimezone(self._tz).date() + timedelta(days=1)
        total = timedelta(0)
        while day <= last:
            overlaps = [min(end, p_end) - max(start, p_start) for p_start, p_end in self._day_periods_utc(day)]
            overlap = sum((o for o in overlaps if o > timedelta(0)), timedelta(0))
            # Ask about the day only when it matters, so a margin day in an unknown year raises no warning.
            if overlap and self.is_working_day(day):
                total += overlap
            day += timedelta(days=1)
        return total.total_seconds()

    # -- vectorised path --------------------------------------------------------------------------

    def _year_intervals(self, year: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The working periods of one local year as (start, end) epoch-ms arrays, built once."""
        cached = self._years.get(year)
        if cached is None:
            starts: list[int] = []
            ends: list[int] = []
            day, stop = date(year, 1, 1), date(year, 12, 31)
            while day <= stop:
                if self._is_working_day(day, record=False):
                    for p_start, p_end in self._day_periods_utc(day):
                        starts.append(_ms(p_start))
                        ends.append(_ms(p_end))
                day += timedelta(days=1)
            cached = (np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64))
            self._years[year] = cached
        return cached

    def _ensure_years(self, first: int, last: int) -> None:
        """Make the interval table cover the local years ``first..last`` (each year built once)."""
        with self._lock:
            if self._table_years is not None:
                have_first, have_last = self._table_years
                if have_first <= first and last <= have_last:
                    return
                first, last = min(first, have_first), max(last, have_last)
            # The table must be contiguous: F(t) is a running total from its first interval.
            parts = [self._year_intervals(y) for y in range(first, last + 1)]
            s = np.concatenate([p[0] for p in parts])
            durations = np.concatenate([p[1] for p in parts]) - s
            cumulative = np.zeros(len(s), dtype=np.int64)
            if len(s) > 1:
                np.cumsum(durations[:-1], out=cumulative[1:])
            self._table = (s, durations, cumulative)
            self._table_years = (first, last)

    def _local_year(self, ms: int) -> int:
        try:
            instant = _EPOCH + timedelta(milliseconds=ms)
        except OverflowError:  # beyond datetime's years 1..9999: bad data, said the same way
            raise ValueError(
                f"working calendar: epoch milliseconds {ms} are outside the years {MIN_YEAR}..{MAX_YEAR}"
            ) from None
        self._check_year(instant)
        return instant.astimezone(self._tz).year

    @staticmethod
    def _elapsed_ms(
        table: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
        t: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        """F(t): working milliseconds from the start of the table up to each instant."""
        starts, durations, cumulative = table
        k = np.searchsorted(starts, t, side="right") - 1
        # Before the first interval k is -1; clamping it to 0 makes clip(t - start0) zero there.
        np.maximum(k, 0, out=k)
        within = np.clip(t - starts[k], 0, durations[k])
        result: npt.NDArray[np.int64] = cumulative[k] + within
        return result

    def working_seconds_many(self, starts_ms: npt.ArrayLike, ends_ms: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Working seconds for each pair of epoch-millisecond instants; 0.0 where ``end <= start``.

        ``starts_ms`` and ``ends_ms`` are integer arrays of one shape (int64 epoch ms, as the store
        keeps instants). Cost: two ``searchsorted`` over a table of ~500 intervals per year.
        """
        starts = np.asarray(starts_ms)
        ends = np.asarray(ends_ms)
        if starts.shape != ends.shape:
            raise ValueError(f"working calendar: starts {starts.shape} and ends {ends.shape} differ in shape")
        if starts.size and not (np.issubdtype(starts.dtype, np.integer) and np.issubdtype(ends.dtype, np.integer)):
            raise TypeError(
                f"working calendar: expected integer epoch milliseconds, got {starts.dtype} and {ends.dtype}"
            )
        starts = starts.astype(np.int64, copy=False)
        ends = ends.astype(np.int64, copy=False)
        out = np.zeros(starts.shape, dtype=np.float64)
        valid = ends > starts
        if not valid.any():
            return out
        s, e = starts[valid], ends[valid]
        lo, hi = int(s.min()), int(e.max())
        first, last = self._local_year(lo), self._local_year(hi)
        self._ensure_years(first, last)
        if self._holidays == "CN":
            # The scalar path records uncovered years day by day; here the table's years are known.
            for year in range(first, last + 1):
                if not self._cn_known(year):
                    self._uncovered.add(year)
        with self._lock:
            table = self._table
        if len(table[0]) == 0:  # no working periods at all (empty hours or weekdays)
            return out
        elapsed = self._elapsed_ms(table, e) - self._elapsed_ms(table, s)
        out[valid] = elapsed / 1000.0
        return out
