"""The Future state and Forecast pages in the main window, in English and Chinese, at 1600×1000 and
1280×720: nothing clipped, every text translated (and no Chinese in English), the scorecard's target
forecast too; screenshots under tests/gui/artifacts/ (look at them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.controllers.report import Controller
from app.main_window.pages import PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data import i18n
from data.config.parse import load_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine
from tests.helpers.i18n_checks import CJK, data_words, english_words, visible_texts
from tests.helpers.wall import clipped, settle
from widgets.i18n import install_translators

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from data.demo import generate

    path = tmp_path_factory.mktemp("future") / "demo.db"
    with Store.open(f"sqlite:///{path}") as store:
        generate(store)
    return path


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(qapp, request.param)
    i18n.set_language(request.param)
    yield request.param
    install_translators(qapp, "en")
    i18n.set_language("en")


def check(w: MainWindow, lang: str, allowed: set[str], where: str) -> None:
    assert clipped(w) == [], where
    texts = visible_texts(w)
    if lang == "en":
        assert [t for _w, t in texts if CJK.search(t) and t != "领域"] == [], where
    else:
        assert [f"{p}: {t!r}" for p, t in texts if english_words(t, allowed)] == [], where


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
def test_future_and_forecast_pages_fit_and_are_translated(
    qtbot: Any, demo_db: Path, lang: str, size: tuple[int, int], tmp_path: Path
) -> None:
    # The report is the fake engine's (the demo's stream and stage names); the base and forecasts the demo's.
    ARTIFACTS.mkdir(exist_ok=True)
    c = Controller(load_config(None), lambda: Store.open(f"sqlite:///{demo_db}"), engine=FakeEngine())
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    try:
        with qtbot.waitSignal(c.report_ready, timeout=20_000):
            c.start()
        with Store.open(f"sqlite:///{demo_db}") as store:
            allowed = data_words(store)
        w.future.set_factors({"Release.wait": 0.5, "Approval.wait": 0.0})
        with qtbot.waitSignal(w.future.computed, timeout=30_000, check_params_cb=lambda n: n == "future"):
            w.tabs.setCurrentIndex(PAGES.index("future"))
        settle(qtbot)
        view = w.future.view
        assert view.editor.factors() == {"Release.wait": 0.5, "Approval.wait": 0.0}
        assert view.not_modelled.isVisibleTo(view)  # Approval is a pipeline stage
        check(w, lang, allowed, "future")
        assert w.grab().save(str(ARTIFACTS / f"future-{lang}-{size[0]}x{size[1]}.png"))
        if size == (1600, 1000):
            # The PDF: summary, the future-state scenarios, the four dashboard pages, the future map.
            # The summary (with Home's story: one page, or two in the longer Chinese wording), the scenario
            # section and the pages shown.
            assert w.exports.pdf(tmp_path / "report.pdf") in (8, 9)
        with qtbot.waitSignal(w.future.computed, timeout=30_000, check_params_cb=lambda n: n == "forecast"):
            w.tabs.setCurrentIndex(PAGES.index("forecast"))
        settle(qtbot)
        assert w.future.forecast.answer_texts()["items"][0] != "—"
        check(w, lang, allowed, "forecast")
        assert w.grab().save(str(ARTIFACTS / f"forecast-{lang}-{size[0]}x{size[1]}.png"))
        w.tabs.setCurrentIndex(PAGES.index("scorecard"))
        qtbot.waitUntil(lambda: w.pages.scorecard.target_forecast.text() != "", timeout=20_000)
        settle(qtbot)
        check(w, lang, allowed, "scorecard")
        if lang == "zh_CN":
            assert w.tabs.tabText(PAGES.index("future")) == "未来状态"
            assert w.tabs.tabText(PAGES.index("forecast")) == "预测"
    finally:
        c.shutdown()
