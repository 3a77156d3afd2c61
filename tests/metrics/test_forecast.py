"""Forecasts (METRICS.md §5): exact answers from constant histories, hand-computed likelihoods, the
history read from a store (calendar and working days), and the stage-level target forecast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from data.calendar import WorkingCalendar
from data.config.model import Definitions
from data.materialise import cache
from data.metrics.forecast import (
    MIN_HISTORY_DAYS,
    ThroughputHistory,
    count_likely,
    days_likely,
    days_to_finish,
    forecast_count,
    forecast_items,
    items_done,
    target_probability,
)
from data.report.forecast import forecast, target_forecast, throughput_history
from data.store.schema import to_ms
from data.store.store import Store
from tests.helpers.metrics import AS_OF, D0, day_records, forecast_config


def hist(daily: list[int]) -> ThroughputHistory:
    first = date(2026, 1, 1)
    last = first + timedelta(days=len(daily) - 1) if daily else None
    return ThroughputHistory(np.array(daily, dtype=np.int64), first if daily else None, last)


# --- the Monte Carlo itself -------------------------------------------------------------------------


@pytest.mark.parametrize(("items", "days"), [(20, 10), (21, 11), (1, 1), (2, 1), (200, 100)])
def test_constant_throughput_gives_the_exact_day_count_at_every_likelihood(items: int, days: int) -> None:
    f = forecast_items(hist([2] * 30), items, runs=10_000, seed=7, weeks=12)
    assert (f.p50, f.p85, f.p95) == (days, days, days)
    assert f.reason is None and f.history_days == 30


@pytest.mark.parametrize("days", [0, 1, 10, 365])
def test_constant_throughput_gives_the_exact_count_at_every_likelihood(days: int) -> None:
    c = forecast_count(hist([2] * 30), days, runs=10_000, seed=7, weeks=12)
    assert (c.p50, c.p85, c.p95) == (2 * days, 2 * days, 2 * days)


def test_likelihoods_are_order_statistics() -> None:
    outcomes = np.arange(1, 101)  # 1..100, shuffled order must not matter
    np.random.default_rng(0).shuffle(outcomes)
    # Days: the smallest d with at least p of the runs done within d.
    assert [days_likely(outcomes, p) for p in (0.5, 0.85, 0.95)] == [50, 85, 95]
    # Counts: the largest c that at least p of the runs reached (85 runs reach 16, only 84 reach 17).
    assert [count_likely(outcomes, p) for p in (0.5, 0.85, 0.95)] == [51, 16, 6]
    assert days_likely(np.array([4]), 0.95) == 4 and count_likely(np.array([4]), 0.95) == 4


def test_a_two_valued_history_gives_the_geometric_answer() -> None:
    # Days complete 0 or 2 items, equally often; 2 items need the first day that completes any:
    # P(done within d days) = 1 - 0.5^d = 0.5, 0.75, 0.875, 0.9375, 0.96875 for d = 1..5.
    f = forecast_items(hist([0, 2] * 10), 2, runs=10_000, seed=3, weeks=12)
    assert (f.p85, f.p95) == (3, 5)
    # The same history for 4 days: the items done are 2 × Binomial(4, 0.5); P(X >= 2) = 15/16 =
    # 0.9375, P(X >= 4) = 11/16, P(X >= 6) = 5/16: 50 % -> 4, 85 % -> 2, and 95 % -> 0 (only
    # "nothing" is reached in 95 % of the runs).
    c = forecast_count(hist([0, 2] * 10), 4, runs=10_000, seed=3, weeks=12)
    assert (c.p50, c.p85, c.p95) == (4, 2, 0)


def test_a_long_horizon_counted_per_value_gives_the_binomial_answer() -> None:
    # 40 days of a 0-or-2 history: 2 × Binomial(40, 0.5) items, drawn as a multinomial (40 > 4 × 2
    # distinct values). P(B >= 20) = 0.563, P(B >= 21) = 0.437 -> 50 %: 40 items;
    # P(B >= 17) = 0.866, P(B >= 18) = 0.785 -> 85 %: 34; P(B >= 15) = 0.960, P(B >= 16) = 0.923 -> 95 %: 30.
    c = forecast_count(hist([0, 2] * 10), 40, runs=20_000, seed=4, weeks=12)
    assert (c.p50, c.p85, c.p95) == (40, 34, 30)


def test_seeded_runs_repeat_and_other_seeds_differ() -> None:
    h = hist([0, 1, 3, 0, 5, 2, 0, 0, 4, 1, 2, 7])
    a = forecast_items(h, 50, runs=2_000, seed=11, weeks=12)
    assert a == forecast_items(h, 50, runs=2_000, seed=11, weeks=12)
    outcomes = [days_to_finish(h.daily, 50, 2_000, np.random.default_rng(s)) for s in (1, 2)]
    assert not np.array_equal(*outcomes)
    assert np.array_equal(
        items_done(h.daily, 30, 500, np.random.default_rng(5)), items_done(h.daily, 30, 500, np.random.default_rng(5))
    )


def test_too_little_history_is_said_not_forecast() -> None:
    f = forecast_items(hist([2] * (MIN_HISTORY_DAYS - 1)), 20, runs=100, seed=1, weeks=12)
    assert (f.p50, f.p85, f.p95) == (None, None, None)
    assert f.reason is not None and "9 days with data in the last 12 weeks" in f.reason and "10" in f.reason
    c = forecast_count(hist([]), 5, runs=100, seed=1, weeks=4)
    assert c.p50 is None and c.reason is not None and "0 days" in c.reason
    assert forecast_items(hist([2] * MIN_HISTORY_DAYS), 20, runs=100, seed=1, weeks=12).p50 == 10


def test_a_history_with_nothing_done_forecasts_no_date_but_counts_zero() -> None:
    f = forecast_items(hist([0] * 20), 5, runs=100, seed=1, weeks=12)
    assert f.p50 is None and f.reason is not None and "no item was completed" in f.reason
    c = forecast_count(hist([0] * 20), 5, runs=100, seed=1, weeks=12)
    assert (c.p50, c.p85, c.p95, c.reason) == (0, 0, 0, None)


def test_runs_that_never_finish_are_said() -> None:
    # One item in 20 days: 10 million items would take far longer than the cap.
    f = forecast_items(hist([1] + [0] * 19), 10_000_000, runs=10, seed=1, weeks=12)
    assert f.p50 is None and f.reason is not None and "more than" in f.reason


def test_bad_knobs_are_refused() -> None:
    with pytest.raises(ValueError, match="items"):
        forecast_items(hist([1] * 20), 0, runs=10, seed=1, weeks=12)
    with pytest.raises(ValueError, match="runs"):
        forecast_count(hist([1] * 20), 3, runs=0, seed=1, weeks=12)


# --- the target forecast ------------------------------------------------------------------------------


def test_constant_stage_times_give_a_certain_answer() -> None:
    parts = np.tile([24.0, 48.0, 0.0], (12, 1))  # every item: 1 d + 2 d in stages, nothing outside
    assert target_probability(parts, 3.0, runs=1_000, seed=1, weeks=12).probability == 1.0
    assert target_probability(parts, 2.99, runs=1_000, seed=1, weeks=12).probability == 0.0


def test_stages_are_resampled_independently() -> None:
    # Items either spent 2 d in A and nothing in B, or the reverse: perfectly anti-correlated, so
    # every real item took exactly 2 d. Drawn independently, A + B is 0, 2 or 4 d with 1/4, 1/2,
    # 1/4: within 2 d in 3/4 of the runs. (The assumption the docs name, in numbers.)
    parts = np.array([[48.0, 0.0, 0.0], [0.0, 48.0, 0.0]] * 10)
    t = target_probability(parts, 2.0, runs=20_000, seed=5, weeks=12)
    assert t.probability == pytest.approx(0.75, abs=0.015)
    assert t.items == 20 and t.runs == 20_000 and t.seed == 5 and t.reason is None


def test_too_few_items_for_the_target_forecast_are_said() -> None:
    t = target_probability(np.ones((9, 3)), 7.0, runs=100, seed=1, weeks=12)
    assert t.probability is None and t.reason is not None and "9 items" in t.reason


# --- the history from a store -------------------------------------------------------------------------


@pytest.fixture
def daily_store(store_url: str) -> Iterator[Store]:
    cache.clear_memory()
    store = Store.open(store_url)
    store.upsert(day_records([D0 + timedelta(days=i) for i in range(28)]))
    yield store
    store.close()


def test_two_items_every_day_take_exactly_ten_days_for_twenty(daily_store: Store) -> None:
    f = forecast(daily_store, forecast_config(), items=20, as_of=AS_OF, weeks=4, runs=10_000, seed=1)
    assert (f.history_days, f.history_from, f.history_to) == (28, date(2026, 2, 2), date(2026, 3, 1))
    assert f.start == date(2026, 3, 2)
    # Day 1 is 2 March: the 20th item is done on the 10th day, 11 March, in every run.
    assert (f.p50, f.p85, f.p95) == (date(2026, 3, 11),) * 3
    js = f.to_json()
    assert list(js)[:8] == ["stream", "history_days", "runs", "seed", "items", "p50", "p85", "p95"]
    assert (js["p50"], js["items"], js["runs"], js["seed"], js["reason"]) == ("2026-03-11", 20, 10_000, 1, None)


def test_items_by_a_date_count_that_day_in(daily_store: Store) -> None:
    f = forecast(daily_store, forecast_config(), by=date(2026, 3, 11), as_of=AS_OF, weeks=4, runs=1_000, seed=1)
    assert (f.p50, f.p85, f.p95) == (20, 20, 20)
    js = f.to_json()
    assert js["by"] == "2026-03-11" and "items" not in js
    today = forecast(daily_store, forecast_config(), by=date(2026, 3, 2), as_of=AS_OF, weeks=4, runs=100, seed=1)
    assert today.p50 == 2
    with pytest.raises(ValueError, match="before the forecast's first day, 2026-03-02"):
        forecast(daily_store, forecast_config(), by=date(2026, 3, 1), as_of=AS_OF, weeks=4)
    with pytest.raises(ValueError, match="exactly one"):
        forecast(daily_store, forecast_config(), as_of=AS_OF)


def test_the_history_starts_with_the_data_and_says_when_it_is_too_short(daily_store: Store) -> None:
    # Twelve weeks asked, but the store's first item is from 2 February: 28 days, not 84 zeros.
    f = forecast(daily_store, forecast_config(), items=20, as_of=AS_OF, weeks=12, runs=1_000, seed=1)
    assert f.history_days == 28 and f.p95 == date(2026, 3, 11)
    # As of 11 February only 9 days had data.
    early = forecast(daily_store, forecast_config(), items=20, as_of=datetime(2026, 2, 11, tzinfo=UTC), runs=100)
    assert early.history_days == 9
    assert (early.p50, early.p85, early.p95) == (None, None, None)
    assert early.reason is not None and "9 days with data" in early.reason
    js = early.to_json()
    assert js["p50"] is None and js["reason"] == early.reason


def test_the_history_ends_with_the_data(daily_store: Store) -> None:
    # Looked at three weeks after the last record: the quiet weeks are no data, not zero throughput.
    f = forecast(daily_store, forecast_config(), items=20, as_of=AS_OF + timedelta(days=21), weeks=4, runs=1_000)
    assert (f.history_from, f.history_to, f.history_days) == (date(2026, 2, 23), date(2026, 3, 1), 7)
    assert f.reason is not None


def test_working_days_skip_weekends_and_holidays(store_url: str) -> None:
    cache.clear_memory()
    weekdays = [D0 + timedelta(days=i) for i in range(35) if (D0 + timedelta(days=i)).weekday() < 5]
    with Store.open(store_url) as store:
        store.upsert(day_records(weekdays))
        cfg = forecast_config(calendar="working")
        # As of Friday 6 March: history 2 Feb .. 5 Mar has 24 working days with 2 items each.
        f = forecast(store, cfg, items=20, as_of=datetime(2026, 3, 6, tzinfo=UTC), weeks=5, runs=1_000)
        assert f.working_days and f.history_days == 24
        # Fri 6, Mon 9 .. Fri 13, Mon 16 .. Thu 19: the 10th working day.
        assert (f.p50, f.p85, f.p95) == (date(2026, 3, 19),) * 3
        by = forecast(store, cfg, by=date(2026, 3, 16), as_of=datetime(2026, 3, 6, tzinfo=UTC), weeks=5, runs=100)
        assert by.p50 == 14  # 7 working days: 6, 9..13, 16
        # In calendar days the same history has weekends with nothing done: slower, and uncertain.
        cal = forecast(store, forecast_config(), items=20, as_of=datetime(2026, 3, 6, tzinfo=UTC), weeks=5, runs=1_000)
        assert cal.history_days == 32 and cal.p95 is not None and cal.p95 > date(2026, 3, 19)


def test_a_completion_on_a_day_off_counts_on_the_working_day_before() -> None:
    cal = WorkingCalendar()  # Mon–Fri, UTC
    fri, sat, sun, mon = (to_ms(datetime(2026, 2, d, 12, tzinfo=UTC)) for d in (6, 7, 8, 9))
    completed = np.array([fri, sat, sat, sun, mon, -1], dtype=np.int64)
    h, today = throughput_history(
        completed, to_ms(datetime(2026, 2, 2, tzinfo=UTC)), mon, datetime(2026, 2, 10, 8, tzinfo=UTC), 1, cal
    )
    assert today == date(2026, 2, 10)
    # The week before Tuesday 10 Feb: Tue 3 .. Mon 9; working days Tue 3 .. Fri 6 and Mon 9.
    assert (h.first_day, h.last_day, h.working) == (date(2026, 2, 3), date(2026, 2, 9), True)
    assert h.daily.tolist() == [0, 0, 0, 4, 1]  # Friday keeps the weekend's three


def test_target_forecast_resamples_the_stage_times_of_the_history(daily_store: Store) -> None:
    # Every item: created 01:00, 4 h waiting in Dev, 7 h active, done at 12:00: 11 h exactly.
    sure = target_forecast(daily_store, forecast_config(), as_of=AS_OF, weeks=4, target_days=0.5, runs=1_000)
    assert (sure.probability, sure.items, sure.target_days) == (1.0, 56, 0.5)
    never = target_forecast(daily_store, forecast_config(), as_of=AS_OF, weeks=4, target_days=0.45, runs=1_000)
    assert never.probability == 0.0
    f = forecast(daily_store, forecast_config(), items=5, as_of=AS_OF, weeks=4, runs=1_000)
    js = f.to_json()
    assert (js["target_probability"], js["target_days"], js["target_reason"]) == (1.0, 7.0, None)


def test_definitions_argument_switches_to_working_days(daily_store: Store) -> None:
    f = forecast(
        daily_store,
        forecast_config(),
        items=20,
        as_of=AS_OF,
        weeks=4,
        runs=100,
        definitions=Definitions(calendar="working"),
    )
    assert f.working_days and f.history_days == 20  # the 20 weekdays of 2 Feb .. 1 Mar


def test_a_calendar_without_working_days_is_refused_not_looped_on() -> None:
    from data.report.forecast import _nth_day

    never = WorkingCalendar(weekdays=())
    with pytest.raises(ValueError, match="no working day after 2026-03-02"):
        _nth_day(date(2026, 3, 2), 3, never)
    assert _nth_day(date(2026, 3, 7), 1, WorkingCalendar()) == date(2026, 3, 9)  # Saturday -> Monday
