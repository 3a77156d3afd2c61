"""Working calendars (data/calendar.py): hand-computed working time, both paths, holidays, zones, DST.

Every case goes through ``both()``, which asks the scalar and the vectorised path and insists they
agree exactly, so each hand-computed figure checks both implementations.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
import pytest

from data.calendar import WorkingCalendar
from data.config.model import CalendarConfig
from data.config.parse import load_config

H = 3600.0
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
ROOT = Path(__file__).resolve().parent.parent


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local wall-clock time as the UTC instant it is."""
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


def ms(value: datetime) -> int:
    return (value - utc(1970, 1, 1)) // timedelta(milliseconds=1)


def both(cal: WorkingCalendar, start: datetime, end: datetime) -> float:
    """The working seconds by the scalar path, after checking the vectorised path gives the same."""
    scalar = cal.working_seconds(start, end)
    vector = cal.working_seconds_many(np.array([ms(start)], dtype=np.int64), np.array([ms(end)], dtype=np.int64))
    assert vector.dtype == np.float64 and vector.shape == (1,)
    assert vector[0] == scalar, f"vectorised {vector[0]} != scalar {scalar} for {start}..{end}"
    return scalar


def office() -> WorkingCalendar:
    """UTC, Mon–Fri 09:00–18:00 (9 h a day): the defaults."""
    return WorkingCalendar.from_config(CalendarConfig())


def shanghai(
    holidays: str | None = "CN", extra_holidays: tuple[date, ...] = (), extra_workdays: tuple[date, ...] = ()
) -> WorkingCalendar:
    """Asia/Shanghai, 09:00–12:00 + 13:30–18:00 (7.5 h a day), Mon–Fri."""
    return WorkingCalendar.from_config(
        CalendarConfig(
            timezone="Asia/Shanghai",
            hours=("09:00-12:00", "13:30-18:00"),
            holidays=holidays,
            extra_holidays=extra_holidays,
            extra_workdays=extra_workdays,
        )
    )


# -- plain weeks ----------------------------------------------------------------------------------


def test_a_span_over_a_weekend_counts_friday_and_monday_only() -> None:
    assert date(2026, 3, 6).isoweekday() == 5
    # Fri 16:00–18:00 = 2 h, Sat and Sun nothing, Mon 09:00–10:00 = 1 h.
    assert both(office(), utc(2026, 3, 6, 16), utc(2026, 3, 9, 10)) == 3 * H


def test_multi_week_spans() -> None:
    # Mon 2 March .. Mon 30 March 2026: four whole weeks of 5 × 9 h.
    assert both(office(), utc(2026, 3, 2), utc(2026, 3, 30)) == 4 * 5 * 9 * H
    # Wed 4 March 12:30 .. Tue 24 March 10:15: Wed 5.5 h + Thu, Fri 18 h + two whole weeks 90 h
    # (9..13, 16..20) + Mon 23rd 9 h + Tue 24th 1.25 h = 123.75 h.
    assert both(office(), utc(2026, 3, 4, 12, 30), utc(2026, 3, 24, 10, 15)) == 123.75 * H


def test_start_and_end_in_non_working_time() -> None:
    cal = office()
    assert both(cal, utc(2026, 3, 9, 20), utc(2026, 3, 10, 8)) == 0.0  # Mon evening .. Tue early
    assert both(cal, utc(2026, 3, 9, 20), utc(2026, 3, 11, 8)) == 9 * H  # the whole Tuesday between
    assert both(cal, utc(2026, 3, 7, 10), utc(2026, 3, 8, 17)) == 0.0  # a whole weekend
    assert both(cal, utc(2026, 3, 9, 18), utc(2026, 3, 10, 9)) == 0.0  # exactly closing to opening


def test_start_equal_end_and_end_before_start_give_zero() -> None:
    cal = office()
    noon = utc(2026, 3, 9, 12)
    assert both(cal, noon, noon) == 0.0
    assert both(cal, noon, noon - timedelta(hours=30)) == 0.0
    got = cal.working_seconds_many(
        np.array([ms(noon), ms(noon), ms(noon)]),
        np.array([ms(noon) - 1, ms(noon), np.iinfo(np.int64).min]),
    )
    assert got.tolist() == [0.0, 0.0, 0.0]  # a sentinel for "no end" does no harm either


def test_lunch_break_is_excluded() -> None:
    cal = shanghai(holidays=None)
    # Mon 9 March 11:00–14:00 local: 11:00–12:00 (1 h) + 13:30–14:00 (0.5 h).
    assert both(cal, local(SHANGHAI, 2026, 3, 9, 11), local(SHANGHAI, 2026, 3, 9, 14)) == 1.5 * H
    assert both(cal, local(SHANGHAI, 2026, 3, 9, 12, 15), local(SHANGHAI, 2026, 3, 9, 13, 15)) == 0.0
    # A whole day is 3 h + 4.5 h.
    assert both(cal, local(SHANGHAI, 2026, 3, 9), local(SHANGHAI, 2026, 3, 10)) == 7.5 * H


def test_overlapping_periods_count_once() -> None:
    cal = WorkingCalendar(hours=("09:00-12:00", "11:00-13:00", "13:00-14:00"))
    assert both(cal, utc(2026, 3, 9), utc(2026, 3, 10)) == 5 * H  # 09:00–14:00, not 3 + 2 + 1 = 6 h


def test_a_period_ending_at_midnight() -> None:
    cal = WorkingCalendar(hours=("20:00-24:00",), weekdays=(1,))
    # Mon 9 March 20:00 .. Tue 02:00: the four Monday hours; Tuesday is no working day.
    assert both(cal, utc(2026, 3, 9, 19), utc(2026, 3, 10, 2)) == 4 * H
    assert both(cal, utc(2026, 3, 9, 23, 30), utc(2026, 3, 10, 0, 30)) == 0.5 * H


# -- Chinese public holidays ----------------------------------------------------------------------


def test_the_library_agrees_with_what_these_tests_assume() -> None:
    # Read off chinese-calendar 1.11.0 (State Council notice for 2026):
    assert all(not chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))  # National Day Thu..Wed
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, adjusted working day
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday, adjusted working day
    assert not chinese_calendar.is_workday(date(2026, 9, 25))  # Friday, Mid-autumn Festival
    assert not chinese_calendar.is_workday(date(2026, 10, 11))  # an ordinary Sunday


def test_a_span_over_the_national_day_week_2026() -> None:
    start, end = local(SHANGHAI, 2026, 9, 19), local(SHANGHAI, 2026, 10, 12)  # Sat 19 Sep .. Mon 12 Oct
    # Working days, 7.5 h each:
    #   Sun 20 Sep (adjusted)                    1
    #   Mon 21 .. Thu 24 Sep                     4   (Fri 25 Sep Mid-autumn, 26-27 weekend: off)
    #   Mon 28 .. Wed 30 Sep                     3
    #   Thu 1 .. Wed 7 Oct  National Day         0
    #   Thu 8, Fri 9 Oct                         2
    #   Sat 10 Oct (adjusted)                    1   (Sun 11 Oct off)
    # = 11 days = 82.5 h.
    assert both(shanghai(), start, end) == 11 * 7.5 * H
    # Without the holiday calendar the same span is plain Mon–Fri: 21-25, 28 Sep-2 Oct, 5-9 Oct = 15 days.
    assert both(shanghai(holidays=None), start, end) == 15 * 7.5 * H
    # Inside the holiday week nothing counts, even on its weekdays.
    assert both(shanghai(), local(SHANGHAI, 2026, 10, 1), local(SHANGHAI, 2026, 10, 8)) == 0.0


def test_an_adjusted_working_saturday_counts() -> None:
    sat = local(SHANGHAI, 2026, 10, 10)
    assert both(shanghai(), sat, sat + timedelta(days=1)) == 7.5 * H
    assert both(shanghai(holidays=None), sat, sat + timedelta(days=1)) == 0.0


def test_cn_with_default_weekdays_is_exactly_the_library_for_every_known_day() -> None:
    cal = shanghai()
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert cal.uncovered_years == ()


def test_cn_keeps_a_six_day_team_working_on_ordinary_saturdays_but_not_on_holidays() -> None:
    cal = WorkingCalendar(weekdays=(1, 2, 3, 4, 5, 6), holidays="CN")
    assert cal.is_working_day(date(2026, 3, 7))  # an ordinary Saturday
    assert not cal.is_working_day(date(2026, 10, 3))  # a Saturday inside National Day
    assert cal.is_working_day(date(2026, 9, 20))  # the adjusted Sunday


# -- the user's own days --------------------------------------------------------------------------


def test_user_listed_holiday_and_working_day() -> None:
    week = (utc(2026, 3, 9), utc(2026, 3, 16))  # Mon .. next Mon, normally 5 × 9 = 45 h
    assert both(office(), *week) == 45 * H
    off = WorkingCalendar.from_config(CalendarConfig(extra_holidays=(date(2026, 3, 10),)))
    assert both(off, *week) == 36 * H  # Tuesday off
    on = WorkingCalendar.from_config(CalendarConfig(extra_workdays=(date(2026, 3, 14),)))
    assert both(on, *week) == 54 * H  # Saturday worked
    # The user's list beats the State Council's: work on 2 Oct, rest on the adjusted 10 Oct.
    cal = shanghai(extra_workdays=(date(2026, 10, 2),), extra_holidays=(date(2026, 10, 10),))
    assert both(cal, local(SHANGHAI, 2026, 10, 1), local(SHANGHAI, 2026, 10, 12)) == 3 * 7.5 * H  # 2, 8, 9 Oct


# -- zones and DST --------------------------------------------------------------------------------


def test_a_zone_other_than_utc() -> None:
    cal = shanghai(holidays=None)
    # 01:00 UTC is 09:00 in Shanghai: the first working hour of Monday 9 March.
    assert both(cal, utc(2026, 3, 9, 1), utc(2026, 3, 9, 2)) == 1 * H
    assert both(cal, utc(2026, 3, 9, 0), utc(2026, 3, 9, 1)) == 0.0  # 08:00–09:00 local
    # Sunday 23:00 UTC is already Monday 07:00 local: Sun 23:00 .. Mon 02:00 UTC holds 09:00–10:00.
    assert both(cal, utc(2026, 3, 8, 23), utc(2026, 3, 9, 2)) == 1 * H
    # Friday 10:00 UTC (18:00 local) .. Saturday 01:00 UTC (Sat 09:00 local): nothing.
    assert both(cal, utc(2026, 3, 13, 10), utc(2026, 3, 14, 1)) == 0.0


def berlin(extra_holidays: tuple[date, ...] = (), extra_workdays: tuple[date, ...] = ()) -> WorkingCalendar:
    """Europe/Berlin, Mon–Fri 09:00–17:00 (8 h a day)."""
    return WorkingCalendar(
        timezone="Europe/Berlin", hours=("09:00-17:00",), extra_holidays=extra_holidays, extra_workdays=extra_workdays
    )


def test_dst_switch_days_in_berlin_keep_an_eight_hour_day() -> None:
    # Clocks go forward on Sun 29 March 2026 and back on Sun 25 October 2026; make both working days.
    cal = berlin(extra_workdays=(date(2026, 3, 29), date(2026, 10, 25)))
    assert both(cal, utc(2026, 3, 29), utc(2026, 3, 30)) == 8 * H  # 09:00 CEST = 07:00 UTC .. 15:00 UTC
    assert both(cal, utc(2026, 10, 25), utc(2026, 10, 26)) == 8 * H  # 09:00 CET = 08:00 UTC .. 16:00 UTC
    # The UTC offset moves with the date: Fri 27 March 09:00 is 08:00 UTC, Mon 30 March 09:00 is 07:00 UTC.
    assert both(cal, utc(2026, 3, 27, 7), utc(2026, 3, 27, 8)) == 0.0
    assert both(cal, utc(2026, 3, 30, 7), utc(2026, 3, 30, 8)) == 1 * H
    # Fri 27 March 08:00 UTC .. Mon 30 March 07:00 UTC: all of Friday, nothing of Monday, Sunday 8 h.
    assert both(cal, utc(2026, 3, 27, 8), utc(2026, 3, 30, 7)) == 16 * H


def test_a_period_across_the_switch_lasts_the_real_elapsed_time() -> None:
    # 00:00–06:00 wall clock on the spring-forward night is 5 real hours (02:00 jumps to 03:00),
    # on the fall-back night 7 (02:00–03:00 happens twice).
    cal = WorkingCalendar(timezone="Europe/Berlin", hours=("00:00-06:00",), weekdays=(7,))
    assert both(cal, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == 5 * H
    assert both(cal, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == 7 * H


# -- the vectorised path --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cal",
    [
        shanghai(),
        berlin(extra_workdays=(date(2026, 3, 29),), extra_holidays=(date(2026, 12, 24),)),
        WorkingCalendar(timezone="America/New_York", hours=("00:00-03:30", "22:00-24:00"), weekdays=(2, 4, 6, 7)),
    ],
    ids=["shanghai-cn", "berlin-extras", "new-york-night"],
)
def test_vectorised_equals_scalar_on_random_intervals(cal: WorkingCalendar) -> None:
    rng = np.random.default_rng(20261001)
    lo, hi = ms(utc(2025, 12, 1)), ms(utc(2026, 12, 31))
    n = 2000
    starts = rng.integers(lo, hi, n, dtype=np.int64)
    # Mostly hours to weeks, some exactly 0 or negative, some snapped to whole minutes (period edges).
    kinds = np.stack(
        [rng.integers(-3_600_000, 0, n), rng.integers(0, 6 * 3_600_000, n), rng.integers(0, 40 * 86_400_000, n)]
    )
    lengths = kinds[rng.integers(0, 3, n), np.arange(n)]
    lengths[::50] = 0
    starts[::7] -= starts[::7] % 60_000
    ends = starts + lengths
    got = cal.working_seconds_many(starts, ends)
    as_dt = [utc(1970, 1, 1) + timedelta(milliseconds=int(x)) for x in (*starts, *ends)]
    want = np.array([cal.working_seconds(as_dt[i], as_dt[n + i]) for i in range(n)])
    assert np.array_equal(got, want)
    assert (got > 0).sum() > n // 3  # the sample really exercises working time, not only zeros


def test_vectorised_keeps_shape_and_handles_empty_input() -> None:
    cal = office()
    assert cal.working_seconds_many(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).shape == (0,)
    s = np.full((2, 2), ms(utc(2026, 3, 9, 9)), dtype=np.int64)
    got = cal.working_seconds_many(s, s + np.array([[0, 3_600_000], [7_200_000, -1]]))
    assert got.tolist() == [[0.0, 3600.0], [7200.0, 0.0]]


def test_vectorised_extends_its_table_to_later_queries() -> None:
    cal = office()
    assert both(cal, utc(2026, 3, 9), utc(2026, 3, 10)) == 9 * H
    # A later query in other years must not be answered from the 2026 table.
    assert both(cal, utc(2019, 3, 4), utc(2019, 3, 5)) == 9 * H
    # Across a year end: Mon 30 Dec 2030 17:00–18:00 (1 h) + Tue 31 Dec (9 h) + Wed 1 Jan 2031 09:00–10:00 (1 h).
    assert both(cal, utc(2030, 12, 30, 17), utc(2031, 1, 1, 10)) == 11 * H
    # And one array spanning all of them at once.
    got = cal.working_seconds_many(
        np.array([ms(utc(2019, 3, 4)), ms(utc(2026, 3, 9)), ms(utc(2030, 12, 30, 17))]),
        np.array([ms(utc(2019, 3, 5)), ms(utc(2026, 3, 10)), ms(utc(2031, 1, 1, 10))]),
    )
    assert got.tolist() == [9 * H, 9 * H, 11 * H]


def test_bad_input_is_refused_with_a_clear_message() -> None:
    cal = office()
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.working_seconds(datetime(2026, 3, 9), utc(2026, 3, 10))
    with pytest.raises(ValueError, match="differ in shape"):
        cal.working_seconds_many(np.zeros(2, dtype=np.int64), np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="integer epoch milliseconds"):
        cal.working_seconds_many(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match=r"outside the years 1900\.\.2200"):
        cal.working_seconds_many(np.array([-(10**13)]), np.array([0]))
    with pytest.raises(ValueError, match=r"outside the years 1900\.\.2200"):
        cal.working_seconds_many(np.array([0]), np.array([np.iinfo(np.int64).max]))
    with pytest.raises(ValueError, match="got '9-5'"):
        WorkingCalendar(hours=("9-5",))
    with pytest.raises(ValueError, match="ISO numbers"):
        WorkingCalendar(weekdays=(0,))


# -- years the library does not know --------------------------------------------------------------


def test_a_year_the_library_does_not_know_falls_back_to_weekdays_and_says_so() -> None:
    cal = shanghai()
    both(cal, local(SHANGHAI, 2026, 12, 30), local(SHANGHAI, 2026, 12, 31, 18))
    assert not cal.uncovered_years and not cal.warnings()
    # Fri 1 October 2027 is surely a holiday, but chinese-calendar 1.11.0 stops at 2026: weekday rule.
    assert both(cal, local(SHANGHAI, 2027, 10, 1), local(SHANGHAI, 2027, 10, 2)) == 7.5 * H
    assert cal.uncovered_years == (2027,)
    (warning,) = cal.warnings()
    assert "2027" in warning and "Mon–Fri" in warning and "chinese-calendar" in warning
    # Before the library's first year too.
    assert both(cal, local(SHANGHAI, 2003, 10, 1), local(SHANGHAI, 2003, 10, 2)) == 7.5 * H
    assert list(cal.uncovered_years) == [2003, 2027]
    assert "2003, 2027" in cal.warnings()[0]


def test_without_holidays_no_year_is_uncovered() -> None:
    cal = office()
    both(cal, utc(2040, 1, 1), utc(2040, 2, 1))
    assert cal.uncovered_years == () and cal.warnings() == ()


# -- description and configuration ----------------------------------------------------------------


def test_describe() -> None:
    assert office().describe() == "working time: Mon–Fri 09:00–18:00 UTC"
    assert shanghai().describe() == (
        "working time: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai, Chinese public holidays"
    )
    cal = WorkingCalendar(
        weekdays=(1, 3, 5, 6, 7),
        hours=("08:00-24:00",),
        extra_holidays=(date(2026, 1, 2),),
        extra_workdays=(date(2026, 1, 3), date(2026, 1, 4)),
    )
    assert cal.describe() == "working time: Mon, Wed, Fri–Sun 08:00–24:00 UTC, 1 extra day off, 2 extra working days"


def test_the_example_in_the_docs_loads_and_computes(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "calendar.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert example, "docs/calendar.md lost its TOML example"
    path = tmp_path / "flowdeck.toml"
    path.write_text(example.group(1), encoding="utf-8")
    config = load_config(path)
    assert config.definitions.calendar == "working"
    cal = WorkingCalendar.from_config(config.streams[0].calendar)
    assert cal.describe().startswith("working time: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai")
    # The example's extra day off (30 Sep 2026) joins the National Day week: Mon 28 Sep .. Mon 12 Oct
    # leaves Mon 28, Tue 29 Sep, Thu 8, Fri 9 and Sat 10 Oct = 5 days.
    assert both(cal, local(SHANGHAI, 2026, 9, 28), local(SHANGHAI, 2026, 10, 12)) == 5 * 7.5 * H


def test_only_the_years_a_query_touches_are_reported() -> None:
    cal = shanghai()
    one_day = 86_400_000
    t2030, t2019 = ms(local(SHANGHAI, 2030, 3, 4)), ms(local(SHANGHAI, 2019, 3, 4))
    # Mon 4 March 2030 and Mon 4 March 2019: 7.5 h each, asked one after the other.
    assert cal.working_seconds_many(np.array([t2030]), np.array([t2030 + one_day])).tolist() == [7.5 * H]
    assert cal.working_seconds_many(np.array([t2019]), np.array([t2019 + one_day])).tolist() == [7.5 * H]
    # The table now spans 2019..2030, but only 2030 was asked about.
    assert cal.uncovered_years == (2030,)
