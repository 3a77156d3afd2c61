"""``data.report.forecast.forecast_outcomes``: the runs behind a forecast, for the app's histograms. Their order
statistics are the forecast's answers (same seed, same draws); too little history gives None."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from data.materialise import cache
from data.metrics.forecast import count_likely, days_likely
from data.report.forecast import forecast, forecast_outcomes
from data.store.store import Store
from tests.helpers.metrics import AS_OF, D0, day_records, forecast_config


@pytest.fixture
def uneven(store_url: str) -> Store:  # type: ignore[misc]
    """28 days from D0 completing 1, 3, 0, 1, 3, 0, … items."""
    cache.clear_memory()
    store = Store.open(store_url)
    days = [D0 + timedelta(days=i) for i in range(28)]
    store.upsert(day_records([d for i, d in enumerate(days) if i % 3 == 0], per_day=1))
    store.upsert(day_records([d for i, d in enumerate(days) if i % 3 == 1], per_day=3))
    yield store
    store.close()


def test_the_runs_give_the_forecast_s_answers(uneven: Store) -> None:
    kw = {"as_of": AS_OF, "weeks": 4, "runs": 2_000, "seed": 5}
    f = forecast(uneven, forecast_config(), items=30, **kw)
    days = forecast_outcomes(uneven, forecast_config(), items=30, **kw)
    assert days is not None and days.shape == (2_000,)
    # Day n is the n-th day from 2 March (day 1): the answers are those days of the runs' order statistics.
    assert [f.p50, f.p85, f.p95] == [AS_OF.date() + timedelta(days=days_likely(days, p) - 1) for p in (0.5, 0.85, 0.95)]
    assert days.min() >= 10  # at most 3 a day: 30 items take at least 10 days
    by = date(2026, 3, 15)
    c = forecast(uneven, forecast_config(), by=by, **kw)
    counts = forecast_outcomes(uneven, forecast_config(), by=by, **kw)
    assert counts is not None
    assert [c.p50, c.p85, c.p95] == [count_likely(counts, p) for p in (0.5, 0.85, 0.95)]
    assert set(np.unique(counts)) <= set(range(0, 3 * 14 + 1))


def test_too_little_history_gives_no_runs(uneven: Store) -> None:
    early = D0 + timedelta(days=6)
    assert forecast_outcomes(uneven, forecast_config(), items=5, as_of=early) is None
    assert forecast_outcomes(uneven, forecast_config(), by=early.date() + timedelta(days=3), as_of=early) is None
    assert forecast(uneven, forecast_config(), items=5, as_of=early).reason is not None


def test_bad_questions_are_refused_like_the_forecast(uneven: Store) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        forecast_outcomes(uneven, forecast_config(), as_of=AS_OF)
    with pytest.raises(ValueError, match="1 or more"):
        forecast_outcomes(uneven, forecast_config(), items=0, as_of=AS_OF)
    with pytest.raises(ValueError, match="before the forecast's first day"):
        forecast_outcomes(uneven, forecast_config(), by=date(2026, 3, 1), as_of=AS_OF)
