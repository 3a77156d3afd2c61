"""The Forecast page and the scorecard's target forecast over a real store: a constant throughput of two
items a day gives exact dates (20 items: the 10th day) and counts at every likelihood, the histograms
show the runs, and a short history is said in words rather than forecast."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QTabWidget, QWidget

from app.controllers.report import Controller
from app.main_window.future_pages import FuturePages
from data.config.parse import load_config
from data.materialise import cache
from data.store.store import Store
from tests.helpers.metrics import AS_OF, D0, day_records
from widgets.forecast_panel import fmt_date
from widgets.scorecard import Scorecard
from widgets.time_range import Selection

CONFIG = (
    '[[streams]]\nname = "Flow"\ndone = ["Done"]\n'
    '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n'
)


def _start(qtbot: Any, url: str, tmp_path: Path, days: int, as_of: Any) -> tuple[Controller, FuturePages, Any]:
    cache.clear_memory()
    with Store.open(url) as s:
        s.upsert(day_records([D0 + timedelta(days=i) for i in range(days)]))
    path = tmp_path / "flowdeck.toml"
    path.write_text(CONFIG, encoding="utf-8")
    c = Controller(load_config(path), lambda: Store.open(url))
    host = QWidget()
    qtbot.addWidget(host)
    tabs = QTabWidget(host)
    tabs.addTab(QWidget(), "Map")
    scorecard = Scorecard()
    fp = FuturePages(c, tabs, scorecard, host)
    for _name, title, w in fp.pages():
        tabs.addTab(w, title)
    with qtbot.waitSignal(c.store_ready, timeout=10_000):
        c.start()
    with qtbot.waitSignal(c.report_ready, timeout=10_000):
        c.request(Selection(None, as_of - timedelta(days=28), as_of, as_of))
    qtbot.waitUntil(lambda: scorecard.target_forecast.text() != "", timeout=10_000)
    with qtbot.waitSignal(fp.computed, timeout=20_000, check_params_cb=lambda n: n == "forecast"):
        tabs.setCurrentWidget(fp.forecast)
    fp.host = host  # type: ignore[attr-defined]  # kept alive with the pages (qtbot holds a weak reference)
    return c, fp, scorecard


@pytest.fixture
def constant(qtbot: Any, sqlite_url: str, tmp_path: Path) -> Any:
    """Two items completed every day of the four weeks before 2 March 2026, looked at on 2 March."""
    c, fp, scorecard = _start(qtbot, sqlite_url, tmp_path, 28, AS_OF)
    yield c, fp, scorecard
    c.shutdown()
    cache.clear_memory()


def ask(qtbot: Any, fp: FuturePages, items: int | None = None, by: date | None = None) -> None:
    with qtbot.waitSignal(fp.computed, timeout=20_000, check_params_cb=lambda n: n == "forecast"):
        if items is not None:
            fp.forecast.items_spin.setValue(items)
        if by is not None:
            fp.forecast.by_edit.setDate(QDate(by.year, by.month, by.day))


def test_two_items_a_day_give_the_exact_dates_and_counts(qtbot: Any, constant: Any) -> None:
    _c, fp, _s = constant
    panel = fp.forecast
    # 20 items (the default) at 2 a day: done on the 10th day counting 2 March as the first, in every run.
    assert panel.items() == 20
    assert panel.answer_texts()["items"] == [fmt_date(date(2026, 3, 11))] * 3
    assert panel.questions["items"].text() == "20 items more are done by"
    # Nothing is in progress (every item is done the day it starts).
    assert panel.questions["wip"].text() == "No item is in progress now"
    assert panel.answer_texts()["wip"] == ["—"] * 3
    assert "28 days with data" in panel.caption.text() and "10,000 runs" in panel.caption.text()
    assert not panel.reason.isVisibleTo(panel)
    # The histogram: every run took 10 days; the three likelihood lines sit on that bar.
    opts = panel.days_bars.opts
    assert list(opts["x"]) == [10.0] and list(opts["height"]) == [100.0]
    assert [m.value() for m in panel.days_marks] == [10.0, 10.0, 10.0]
    # A number typed: 41 items take 21 days (2 a day: 20 days give 40).
    ask(qtbot, fp, items=41)
    assert panel.answer_texts()["items"] == [fmt_date(date(2026, 3, 22))] * 3
    # By a date: 2 March to 11 March inclusive is 10 days, 20 items.
    ask(qtbot, fp, by=date(2026, 3, 11))
    assert panel.answer_texts()["by"] == ["at least 20"] * 3
    assert list(panel.count_bars.opts["x"]) == [20.0]


def test_the_scorecard_shows_the_chance_of_meeting_the_target(constant: Any) -> None:
    _c, _fp, scorecard = constant
    # Every item took 11 h: within 7 days in every run.
    text = scorecard.target_forecast.text()
    assert text.startswith("Chance that an item starting today is done within 7 days: 100.0 %")
    assert "56 items completed in the last 12 weeks" in text
    assert scorecard.target_forecast.isVisibleTo(scorecard)


def test_a_short_history_is_said_not_forecast(qtbot: Any, sqlite_url: str, tmp_path: Path) -> None:
    c, fp, scorecard = _start(qtbot, sqlite_url, tmp_path, 6, D0 + timedelta(days=6))
    try:
        panel = fp.forecast
        assert panel.reason.isVisibleTo(panel)
        assert panel.reason.text() == (
            "Not forecast: too little history to forecast: 6 days with data in the last 12 weeks; "
            "at least 10 are needed"
        )
        assert panel.answer_texts() == {"wip": ["—"] * 3, "items": ["—"] * 3, "by": ["—"] * 3}
        assert not panel.plots.isVisibleTo(panel)
        assert np.asarray(panel.days_bars.opts["x"]).size == 0
        assert "not forecast: too little history" in scorecard.target_forecast.text()
    finally:
        c.shutdown()
        cache.clear_memory()
