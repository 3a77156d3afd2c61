"""Trend weeks with too few completions: None with their count, never a real-looking value or 0 %.

Hand-computed. Stream Dev (wait "To Do", active "In Progress"), done "Done". Every item is created
at the start of its week, moves To Do -> In Progress 2 h later and In Progress -> Done ``k`` h
after that, so its lead time is 2 + k hours, its wait 2 h and its active time k hours.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.config.model import Config, ConfigError, Definitions
from data.config.parse import parse_config
from data.materialise import cache
from data.records import StatusChange, WorkItem
from data.report.trends import weekly_trends
from data.store.store import Store
from tests.helpers.metrics import T0, h

WEEK_H = 7 * 24


def config(**definitions: object) -> Config:
    stream = {
        "name": "Mobile",
        "done": ["Done"],
        "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
    }
    return parse_config({"definitions": definitions, "streams": [stream]}, "test.toml")


def item(key: str, week: int, k: float) -> list[WorkItem | StatusChange]:
    t = week * WEEK_H
    return [
        WorkItem("jira", key, key, h(t)),
        StatusChange("jira", key, h(t + 2), "To Do", "In Progress"),
        StatusChange("jira", key, h(t + 2 + k), "In Progress", "Done"),
    ]


@pytest.fixture
def store(store_url: str) -> Store:
    cache.clear_memory()
    s = Store.open(store_url)
    records: list[WorkItem | StatusChange] = []
    # Week 0: five items, active 1..5 h -> lead times 3, 4, 5, 6, 7 h.
    for k in range(1, 6):
        records += item(f"PAY-{k}", 0, k)
    # Week 1: two items (active 1 h and 3 h): below the default threshold of 5.
    records += item("PAY-11", 1, 1) + item("PAY-12", 1, 3)
    # Week 2: nothing completes.
    s.upsert(records)  # type: ignore[arg-type]
    return s


def test_a_week_below_the_threshold_is_none_with_its_count(store: Store) -> None:
    pts = weekly_trends(store, config(), window_from=T0, window_to=T0 + timedelta(weeks=3))
    assert [p.completed for p in pts] == [5, 2, 0]
    full, thin, empty = pts
    assert full.min_completions == 5 and not full.too_few
    assert full.lead_time_median_h == pytest.approx(5.0)
    assert full.lead_time_p85_h == pytest.approx(6.4)  # 6 + 0.4 * (7 - 6)
    assert full.flow_efficiency == pytest.approx(15 / 25)  # active 1+2+3+4+5, wait 5 x 2
    # Two completions: a median of two is not drawn; the count says why.
    assert thin.too_few and thin.completed == 2
    assert thin.lead_time_median_h is None and thin.lead_time_p85_h is None and thin.flow_efficiency is None
    # Nothing completed: no flow efficiency at all (None, never 0 %), and not "too few" either.
    assert not empty.too_few
    assert empty.lead_time_median_h is None and empty.flow_efficiency is None
    # The counts are unaffected by the threshold.
    assert [p.wip for p in pts] == [0, 0, 0]


def test_the_threshold_is_configurable(store: Store) -> None:
    pts = weekly_trends(store, config(trend_min_completions=2), window_from=T0, window_to=T0 + timedelta(weeks=2))
    thin = pts[1]
    assert thin.min_completions == 2 and not thin.too_few
    assert thin.lead_time_median_h == pytest.approx(4.0)  # lead times 3 h and 5 h
    assert thin.flow_efficiency == pytest.approx(4 / 8)  # active 1 + 3, wait 2 + 2
    # The window's definitions win over the config's (the GUI passes its own).
    six = weekly_trends(
        store,
        config(),
        window_from=T0,
        window_to=T0 + timedelta(weeks=1),
        definitions=Definitions(trend_min_completions=6),
    )
    assert six[0].completed == 5 and six[0].lead_time_median_h is None


def test_config_default_and_validation() -> None:
    assert config().definitions.trend_min_completions == 5
    assert config(trend_min_completions=1).definitions.trend_min_completions == 1
    for bad, shown in ((0, "0"), (1001, "1001"), (2.5, "2.5"), ("5", "'5'"), (True, "true")):
        with pytest.raises(ConfigError) as err:
            config(trend_min_completions=bad)
        msg = str(err.value)
        assert "test.toml" in msg and "definitions.trend_min_completions" in msg, msg
        assert f"expected a whole number from 1 to 1000, got {shown}" in msg, msg
