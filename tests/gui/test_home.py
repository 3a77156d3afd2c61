"""The home page (issue #15), the scorecard and the comparison: the bank's story on the first screen.

Widget tests use hand-built results (tests/gui/samples.py); the geometry tests open the real window on
the real demo with the real engine, at 1600×1000 and 1280×720, in English and Chinese, and check that no
text is clipped and nothing overlaps on Home, Scorecard and Compare (screenshots in tests/gui/artifacts/).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QWidget

from app.controllers.report import Controller
from app.main_window.pages import PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data import i18n
from data.config.parse import load_config
from data.report import vocabulary
from data.report.results import DeliveryResult, DoraResult
from data.store.store import Store
from tests.helpers import samples
from tests.helpers.i18n_checks import CJK, data_words, english_words, visible_texts
from tests.helpers.wall import clipped, settle
from widgets.comparison import METRICS, ComparisonView, change_text
from widgets.home import HomePage, Sparkline, baseline_dates
from widgets.i18n import install_translators
from widgets.scorecard import Scorecard, delivery_rows, dora_rows

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# -- the home page with a hand-built headline --


def _home(qtbot: Any) -> HomePage:
    page = HomePage()
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    return page


def test_home_tells_the_story_in_cards_and_rows(qtbot: Any) -> None:
    page = _home(qtbot)
    page.set_headline(samples.headline())
    settle(qtbot)
    lead, cadence, success = page.cards
    story = [w.text() for w in lead.findChildren(QLabel)]
    assert "60.0 d → 15.0 d" in story and "target ≤ 7.0 d" in story and "✗ not met" in story
    cadence_text = [w.text() for w in cadence.findChildren(QLabel)]
    assert "Release gap: — → 7.0 d" in cadence_text and "Releases per week: 0.8 /week → 3.0 /week" in cadence_text
    # The missing baseline says why, on the card (not only in a tooltip).
    assert any(t.startswith("Baseline: no gap between two releases") for t in cadence_text)
    assert "100.0 % → 100.0 %" in [w.text() for w in success.findChildren(QLabel)]
    texts = page.texts()
    for expected in ("Requirement lead time", "60.0 d", "15.0 d", "−75 % (better)", "≤ 7.0 d", "High or better",
                     "Low → Medium", "✓ met", "– no data", "no change", "1.0 days/week", "3.0 days/week"):  # fmt: skip
        assert expected in texts, expected
    assert page.compare.isEnabled()


def test_question_mark_shows_the_definition_and_names_carry_it_as_tooltip(qtbot: Any) -> None:
    page = _home(qtbot)
    page.set_headline(samples.headline())
    settle(qtbot)
    button = page.help["requirement_lead_time"]
    definition = vocabulary.definition("requirement_lead_time")
    assert not button.definition.isVisible() and button.toolTip() == definition
    button.click()
    assert button.definition.isVisible() and button.definition.text() == definition
    button.click()
    assert not button.definition.isVisible()
    names = [w for w in page.findChildren(QLabel) if w.text() == vocabulary.name("lead_time_for_changes")]
    assert names and all(w.toolTip() == vocabulary.definition("lead_time_for_changes") for w in names)
    # Every figure row has its "?".
    assert set(page.help) == {f.key for f in samples.headline().figures}


def test_sparkline_skips_weeks_without_data_and_scales_to_the_target(qtbot: Any) -> None:
    spark = Sparkline()
    qtbot.addWidget(spark)
    spark.resize(207, 40)  # drawing width 200 px (3 px left, 4 px right), height 32 px (4 px each side)
    spark.set_values([10.0, None, 30.0], target=0.0)
    a, gap, c = spark.points()
    assert gap is None
    assert (a.x(), c.x()) == (3.0, 203.0)
    # Range 0 (target) … 30: 10 is a third up from the bottom (36 px), 30 at the top (4 px).
    assert a.y() == pytest.approx(36 - 32 / 3) and c.y() == pytest.approx(4.0)
    spark.set_values([None, None])
    assert spark.points() == [None, None]
    spark.grab()  # paints without data too


def test_baseline_choices_are_local_days_and_remembered(qtbot: Any) -> None:
    page = _home(qtbot)
    first = date(2026, 6, 1)
    assert baseline_dates("first4", first) == (first, date(2026, 6, 28))
    assert baseline_dates("first8", first) == (first, date(2026, 7, 26))
    assert baseline_dates("custom:2026-07-01:2026-07-14", first) == (date(2026, 7, 1), date(2026, 7, 14))
    assert baseline_dates("custom:2026-07-14:2026-07-01", first) is None
    assert baseline_dates("first4", None) is None and baseline_dates("nonsense", first) is None
    with qtbot.waitSignal(page.baseline_changed) as sig:
        page.set_data_span(first)
    start, end = sig.args
    assert start.astimezone().date() == first and end - start == timedelta(weeks=4)
    with qtbot.waitSignal(page.baseline_changed) as sig:
        page.preset.setCurrentIndex(1)
    assert page.baseline_choice() == "first8" and sig.args[1] - sig.args[0] == timedelta(weeks=8)
    page.preset.setCurrentIndex(2)  # custom: the dates become editable, nothing is sent until applied
    assert page.edits[0].isEnabled() and page.apply.isEnabled()
    page.edits[0].setDate(date(2026, 7, 1))
    page.edits[1].setDate(date(2026, 7, 14))
    with qtbot.waitSignal(page.baseline_changed) as sig:
        page.apply.click()
    assert page.baseline_choice() == "custom:2026-07-01:2026-07-14"
    assert sig.args[0].astimezone().date() == date(2026, 7, 1) and sig.args[1].astimezone().date() == date(2026, 7, 15)
    page.edits[1].setDate(date(2026, 6, 1))
    with qtbot.assertNotEmitted(page.baseline_changed):
        page.apply.click()
    assert "must end on or after" in page.periods.text()
    other = _home(qtbot)
    other.set_baseline_choice("custom:2026-07-01:2026-07-14")
    assert other.preset.currentIndex() == 2 and other.edits[1].date().toPython() == date(2026, 7, 14)
    other.set_baseline_choice("garbage")
    assert other.baseline_choice() == "first4"


def test_compare_in_detail_asks_for_the_same_periods(qtbot: Any) -> None:
    page = _home(qtbot)
    head = samples.headline()
    page.set_headline(head)
    with qtbot.waitSignal(page.compare_requested) as sig:
        page.compare.click()
    assert sig.args == [(head.baseline_from, head.baseline_to), (head.now_from, head.now_to)]
    page.set_headline(None)
    assert not page.compare.isEnabled() and "No data" in page.periods.text()


# -- the scorecard: names, definitions, and the two pairs that looked contradictory --


def test_scorecard_names_from_the_vocabulary_with_definitions_and_pair_notes(qtbot: Any) -> None:
    report = samples.report()
    rows = {r.key: r for r in dora_rows(report) + delivery_rows(report)}
    assert rows["requirement_lead_time"].label == vocabulary.name("requirement_lead_time")
    assert rows["lead_time_for_changes"].definition == vocabulary.definition("lead_time_for_changes")
    assert rows["deployment_frequency"].explain == (
        "Deployments per week counts every successful production deployment; "
        "deploy days per week counts days with at least one."
    )
    assert rows["deployment_frequency"].note == "2.0 deploy days/week (median): the tier is judged on these"
    success = (
        "The success rate counts failed deployments; "
        "the change failure rate counts successful deployments later linked to an incident."
    )
    assert rows["production_deployment_success_rate"].explain == success == rows["change_failure_rate"].explain
    card = Scorecard()
    qtbot.addWidget(card)
    card.set_report(report)
    shown = card.texts()
    assert success in shown and vocabulary.definition("delivery_time") in shown
    name = next(w for w in card.findChildren(QLabel) if w.text() == vocabulary.name("change_failure_rate"))
    assert name.toolTip() == vocabulary.definition("change_failure_rate")


# -- the comparison --


def test_change_text_never_says_minus_zero() -> None:
    assert change_text(100.0, 100.2, True) == "no change"  # −0.2 % would round to "+0 %"
    assert change_text(15.4, 15.41, True, ("15.4 d", "15.4 d")) == "no change"  # the same on screen
    assert change_text(100.0, 99.0, True) == "−1 % (better)"
    assert change_text(0.0, 0.0, True) == "no change"


def test_comparison_rows_once_each_with_targets(qtbot: Any) -> None:
    view = ComparisonView()
    qtbot.addWidget(view)
    before = samples.report(lead_h=60 * 24)
    worse = dataclasses.replace(
        before.delivery, requirement_lead_time_median_h=300.0, production_deployment_success_rate=0.9
    )
    after = dataclasses.replace(samples.report(lead_h=14 * 24), delivery=worse)
    view.set_reports(before, after)
    rows = {r[0]: r for r in view.rows()}
    # Releases per week and DORA's deployments per week are one count: one row.
    assert "Deployments per week" not in rows and sum(1 for r in view.rows() if r[1] == "1.0 /week") == 1
    assert len(rows) == len(METRICS) == 14
    assert rows["Requirement lead time"][1:] == ("6.2 d", "12.5 d", "+100 % (worse)", "≤ 7.0 d: ✗ not met")
    assert rows["Production deployment success rate"][4] == "≥ 100 %: ✗ not met"
    assert rows["Release gap"][3:] == ("no change", "≤ 7.0 d: ✓ met")
    assert rows["Lead time for changes"][4] == "High or better: ✓ met"  # elite
    assert rows["Ticket lead time"][4] == "—"
    view.table.setCurrentCell(0, 0)
    assert view.definition.text() == f"Requirement lead time: {vocabulary.definition('requirement_lead_time')}"
    r2021 = dataclasses.replace(after, definitions={**after.definitions, "dora": "2021"})
    view.set_reports(before, r2021)
    names = [r[0] for r in view.rows()]
    assert "Time to restore" in names and "Failed deployment recovery time" not in names


def test_comparison_set_periods_compares_those(qtbot: Any) -> None:
    view = ComparisonView()
    qtbot.addWidget(view)
    head = samples.headline()
    with qtbot.waitSignal(view.compare_requested) as sig:
        view.set_periods((head.baseline_from, head.baseline_to), (head.now_from, head.now_to))
    assert view.preset.currentIndex() == 2
    assert sig.args == [(head.baseline_from, head.baseline_to), (head.now_from, head.now_to)]


# -- the window: Home first, the controller computes off the GUI thread --


def test_window_opens_on_home_with_the_headline(window: MainWindow, controller: Any, engine: Any, qtbot: Any) -> None:
    assert window.tabs.currentIndex() == PAGES.index("home") == 0
    assert window.tabs.tabText(0) == "Home"
    qtbot.waitUntil(lambda: window.pages.home.headline is not None, timeout=5000)
    call = engine.headline_calls[-1]
    # Default baseline: the first 4 weeks of the data (the fake demo's span ends at DEMO_END).
    first = controller.info.first_day
    assert call["baseline_from"].astimezone().date() == first
    assert call["baseline_to"] - call["baseline_from"] == timedelta(weeks=4)
    assert call["now_to"] == controller.last_selection.window_to and call["as_of"] == controller.last_selection.as_of
    assert window.pages.home.cards[0].findChildren(QLabel)


def test_baseline_change_recomputes_and_is_remembered(controller: Any, engine: Any, qtbot: Any, tmp_path: Path) -> None:
    settings = UiSettings(str(tmp_path / "settings.ini"))
    w = MainWindow(controller, settings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(controller.headline_ready, timeout=10_000):
        controller.start()
    with qtbot.waitSignal(controller.headline_ready, timeout=5000) as sig:
        w.pages.home.preset.setCurrentIndex(1)
    assert sig.args[0].baseline_to - sig.args[0].baseline_from == timedelta(weeks=8)
    assert settings.baseline == "first8"
    again = MainWindow(controller, UiSettings(str(tmp_path / "settings.ini")))
    qtbot.addWidget(again)
    assert again.pages.home.baseline_choice() == "first8" and again.pages.home.preset.currentIndex() == 1


def test_compare_in_detail_opens_compare_on_the_two_periods(window: MainWindow, controller: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: window.pages.home.headline is not None, timeout=5000)
    head = window.pages.home.headline
    with qtbot.waitSignal(controller.comparison_ready, timeout=5000) as sig:
        window.pages.home.compare.click()
    assert window.tabs.currentWidget() is window.pages.comparison_page
    before, after = sig.args
    assert before.window_from == head.baseline_from and after.window_to == head.now_to


def test_headline_off_the_gui_thread_and_stale_ones_dropped(controller: Any, engine: Any, qtbot: Any) -> None:
    import threading

    threads: list[str] = []
    real = engine.headline

    def spy(*a: Any, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*a, **kw)

    engine.headline = spy
    with qtbot.waitSignal(controller.headline_ready, timeout=10_000):
        controller.start()
        controller.request(controller.last_selection or _selection())
    assert threads and threading.main_thread().name not in threads
    t0 = datetime(2026, 1, 5, tzinfo=UTC)
    first = controller.set_baseline(t0, t0 + timedelta(weeks=2))
    with qtbot.waitSignal(controller.headline_ready, timeout=5000) as sig:
        last = controller.set_baseline(t0, t0 + timedelta(weeks=3))
    assert last == first + 1
    assert sig.args[0].baseline_to == t0 + timedelta(weeks=3)
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=5000)
    assert controller.last_headline.baseline_to == t0 + timedelta(weeks=3)


def _selection() -> Any:
    from widgets.time_range import Selection

    return Selection(None, samples.WINDOW_TO - timedelta(weeks=13), samples.WINDOW_TO, samples.WINDOW_TO)


# -- geometry on the real demo: 1600×1000 and 1280×720, English and Chinese --


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from data.demo import generate

    path = tmp_path_factory.mktemp("home") / "demo.db"
    with Store.open(f"sqlite:///{path}") as store:
        generate(store)
    return path


@pytest.fixture
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")
    i18n.set_language("en")


def _real_window(qtbot: Any, demo_db: Path, size: tuple[int, int], tmp_path: Path) -> tuple[MainWindow, Controller]:
    c = Controller(load_config(None), lambda: Store.open(f"sqlite:///{demo_db}"))
    w = MainWindow(c, UiSettings(str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    c.start()
    qtbot.waitUntil(lambda: c.last_report is not None and c.last_headline is not None, timeout=60_000)
    qtbot.waitUntil(lambda: c.workers.active() == 0, timeout=60_000)
    settle(qtbot)
    return w, c


def overlaps(widgets: list[QWidget], root: QWidget) -> list[str]:
    """Pairs of visible widgets whose rectangles intersect (a widget and its ancestor excepted)."""
    rects = [(w, QRect(w.mapTo(root, w.rect().topLeft()), w.size())) for w in widgets if w.isVisibleTo(root)]
    bad = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1 :]:
            if ra.intersects(rb) and not (a.isAncestorOf(b) or b.isAncestorOf(a)):
                bad.append(f"{type(a).__name__} {getattr(a, 'text', lambda: '')()!r} {ra} x "
                           f"{type(b).__name__} {getattr(b, 'text', lambda: '')()!r} {rb}")  # fmt: skip
    return bad


def cells_cut(table: QTableWidget) -> list[str]:
    """Cells whose text needs more width than its column has (Qt would elide it with "…")."""
    bad = []
    metrics = table.fontMetrics()
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            if item is not None and metrics.horizontalAdvance(item.text()) + 8 > table.columnWidth(c):
                bad.append(f"{item.text()!r} in a {table.columnWidth(c)} px column")
    return bad


def _home_widgets(w: MainWindow) -> list[QWidget]:
    home = w.pages.home
    return [*home.table.findChildren(QWidget), *home.cards, home.compare, home.preset, *home.edits, home.apply]


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)], ids=["1600x1000", "1280x720"])
@pytest.mark.parametrize("lang", ["en", "zh_CN"], indirect=True)
def test_home_scorecard_compare_fit(
    qtbot: Any, demo_db: Path, tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    w, c = _real_window(qtbot, demo_db, size, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    tag = f"{lang}-{size[0]}x{size[1]}"
    try:
        allowed = data_words()
        assert w.tabs.currentWidget() is w.pages.home  # no click: the story is what one sees first
        home = w.pages.home
        assert clipped(w) == [], "home"
        assert overlaps(_home_widgets(w), home) == []
        assert w.grab().save(str(ARTIFACTS / f"home-{tag}.png"))
        # With every definition open, still nothing clipped or overlapping.
        for button in home.help.values():
            button.setChecked(True)
        settle(qtbot)
        assert clipped(w) == [], "home, definitions open"
        assert overlaps(_home_widgets(w), home) == []
        assert w.grab().save(str(ARTIFACTS / f"home-{tag}-definitions.png"))
        for button in home.help.values():
            button.setChecked(False)

        w.tabs.setCurrentIndex(PAGES.index("scorecard"))
        settle(qtbot)
        assert clipped(w) == [], "scorecard"
        card = w.pages.scorecard
        assert overlaps(card.findChildren(QLabel), card) == []
        assert w.grab().save(str(ARTIFACTS / f"scorecard-{tag}.png"))

        with qtbot.waitSignal(c.comparison_ready, timeout=30_000):
            w.tabs.setCurrentIndex(PAGES.index("compare"))
        settle(qtbot)
        assert clipped(w) == [], "compare"
        assert cells_cut(w.pages.comparison.table) == []
        table = w.pages.comparison.table
        # Numbers sit next to their names, not pushed against the right edge.
        assert table.columnViewportPosition(1) < table.viewport().width() / 2
        assert w.grab().save(str(ARTIFACTS / f"compare-{tag}.png"))

        for name in ("home", "scorecard", "compare"):
            w.tabs.setCurrentIndex(PAGES.index(name))
            settle(qtbot)
            texts = visible_texts(w)
            if lang == "zh_CN":
                assert [t for _w, t in texts if english_words(t, allowed)] == [], name
            else:
                assert [t for _w, t in texts if CJK.search(t)] == [], name
    finally:
        c.shutdown()


def test_demo_home_shows_the_banks_story(qtbot: Any, demo_db: Path, tmp_path: Path) -> None:
    """Without a click: lead time ≈ 2 months → ≈ 2 weeks, weekly releases, 100 % success, with targets."""
    w, c = _real_window(qtbot, demo_db, (1600, 1000), tmp_path)
    try:
        assert w.tabs.currentWidget() is w.pages.home
        h = c.last_headline
        lead = h.figure("requirement_lead_time")
        assert 45 * 24 <= lead.baseline <= 75 * 24 and 10 * 24 <= lead.now <= 18 * 24
        assert lead.target.value == 7 * 24 and lead.met is False
        assert h.figure("release_gap").now == pytest.approx(7.0, abs=0.1) and h.figure("release_gap").met
        assert h.figure("releases_per_week").baseline < 1 <= h.figure("releases_per_week").now
        assert h.figure("production_deployment_success_rate").now == 1.0
        assert h.figure("production_deployment_success_rate").met is True
        shown = w.pages.home.texts()
        story = next(t for t in shown if t.startswith(f"{lead.baseline / 24:.1f} d → "))
        assert story == f"{lead.baseline / 24:.1f} d → {lead.now / 24:.1f} d"
        assert "Release gap: — → 7.0 d" in shown and "100.0 % → 100.0 %" in shown
        # Home's figures are the Compare page's for the same periods (the detail behind it).
        with qtbot.waitSignal(c.comparison_ready, timeout=30_000) as sig:
            w.pages.home.compare.click()
        before, after = sig.args
        assert before.delivery.requirement_lead_time_median_h == lead.baseline
        assert after.delivery.requirement_lead_time_median_h == lead.now
    finally:
        c.shutdown()


def test_pdf_rounds_numbers_and_uses_words(tmp_path: Path) -> None:
    from app.documents import report_html

    r = dataclasses.replace(
        samples.report(),
        dora=DoraResult(
            deployments=29,
            deployments_per_week=2.230769230769231,
            deploy_days_per_week_median=3.0,
            lead_time_for_changes_median_h=367.2,
            change_failure_rate=0.069,
            recovery_time_median_h=6.8,
            tiers=dict.fromkeys(("deployment_frequency", "change_failure_rate", "recovery_time"), "high")
            | {"lead_time_for_changes": "medium"},
        ),
        delivery=DeliveryResult(production_deployment_success_rate=1.0, release_gap_median_days=6.99964),
    )
    page = report_html(r, headline=samples.headline())
    assert "2.230769" not in page and "2.2 /week" in page and "6.99964" not in page
    assert "lead_time_for_changes" not in page and "median: interpolated" not in page
    assert "Lead time for changes" in page and "Medium" in page and "Median: interpolated" in page
    assert "Since the baseline" in page and "60.0 d" in page and "15.0 d" in page
    assert vocabulary.definition("requirement_lead_time") in page


def test_pdf_summary_runs_over_pages_instead_of_being_cut(qtbot: Any, tmp_path: Path) -> None:
    from app.documents import write_pdf

    many = dataclasses.replace(
        samples.report(12), streams=tuple(samples.stream(12, name=f"Team {i}") for i in range(8))
    )
    label = QLabel("page")
    qtbot.addWidget(label)
    pages = write_pdf(tmp_path / "long.pdf", many, [("Map", label)], headline=samples.headline())
    assert pages > 2  # the summary needs more than one page, then the one page image
    assert write_pdf(tmp_path / "short.pdf", samples.report(), [("Map", label)]) == 2


def test_home_says_so_when_there_is_no_data(qtbot: Any, tmp_path: Path, engine: Any) -> None:
    c = Controller(
        load_config(None), lambda: Store.open(f"sqlite:///{tmp_path / 'empty.db'}"), engine=engine,
        generate_demo=lambda _store: None,
    )  # fmt: skip
    w = MainWindow(c, UiSettings(str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    try:
        with qtbot.waitSignal(c.store_ready, timeout=10_000):
            c.start()
        assert c.info.first_day is None
        assert w.pages.home.periods.text() == "No data to tell a story from yet."
        assert not w.pages.home.compare.isEnabled() and engine.headline_calls == []
    finally:
        c.shutdown()


def test_headline_waits_for_the_report_so_a_stream_is_never_built_twice_at_once(
    controller: Any, engine: Any, qtbot: Any
) -> None:
    events: list[str] = []
    real_report, real_headline = engine.build_report, engine.headline

    def report(*a: Any, **kw: Any) -> Any:
        out = real_report(*a, **kw)
        events.append("report done")
        return out

    def headline(*a: Any, **kw: Any) -> Any:
        events.append("headline started")
        return real_headline(*a, **kw)

    engine.build_report, engine.headline = report, headline
    engine.delays = [0.4]  # a slow first report (a cold store)
    with qtbot.waitSignal(controller.headline_ready, timeout=10_000):
        controller.start()
        controller.request(_selection())
    assert events.index("report done") < events.index("headline started")
