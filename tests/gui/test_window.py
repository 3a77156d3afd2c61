"""The whole window with a fake engine: start-up on the demo, controls, drill-down, export, stale results."""

from __future__ import annotations

import csv
import dataclasses
import socket
import threading
from datetime import timedelta

from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from app.documents import csv_safe, write_stage_csv
from app.main_window.pages import PAGES
from data.report.results import StageItem
from tests.helpers import samples
from tests.helpers.engine import DEMO_END


def test_opens_on_demo_with_banner_and_add_source(window, controller):
    assert controller.info.demo and controller.info.generated_demo
    assert window.banner_box.isVisible()
    assert "Demo data" in window.banner.text()
    assert window.add_source_button.isVisible()
    assert window.pages.map.stream() is not None and len(window.pages.map.stream().stages) == 7
    # For the demo, "now" is the end of the demo data.
    assert controller.last_selection.as_of == DEMO_END
    assert next(t.state.text() for t in window.pages.pipelines.tiles) == "Failed"
    assert len(window.pages.trends.points()) == 8


def test_add_source_hook_is_replaceable(window):
    called = []
    window.add_source_hook = called.append
    window.add_source_button.click()
    assert called == [window]


def test_range_change_recomputes(window, controller, qtbot):
    with qtbot.waitSignal(controller.report_ready, timeout=5000) as sig:
        window.controls.select_range(0)  # last 2 weeks
    report = sig.args[0]
    assert report.window_to - report.window_from == timedelta(weeks=2)
    # The fake engine encodes the window length (days) as the lead time: 14 days -> 14.0 h on the map header.
    assert window.pages.map.stream().lead_time_median_h == 14.0
    # The fake's largest stage takes 16 + 8 = 24 h, so the whole map is in days: 14 h = 0.58 d.
    assert "lead time 0.58 d" in window.pages.map.compute_layout(1400).header[0].text


def test_switches_reach_the_engine(window, controller, engine, qtbot):
    with qtbot.waitSignal(controller.report_ready, timeout=5000):
        window.controls.dora.setCurrentIndex(1)
    assert engine.calls[-1]["definitions"].dora == "2021"
    assert "Time to restore" in window.pages.scorecard.texts()


def test_rejected_working_calendar_disables_the_switch(window, controller, engine, qtbot):
    engine.fail_working = True
    with qtbot.waitSignal(controller.calendar_rejected, timeout=5000):
        window.controls.calendar.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.controls.calendar.currentIndex() == 0, timeout=5000)
    assert not window.controls.calendar.model().item(1).isEnabled()
    assert "not implemented" in window.controls.calendar.toolTip()


def test_clicking_a_stage_opens_its_items(window, qtbot):
    window.tabs.setCurrentIndex(PAGES.index("map"))
    layout = window.pages.map.compute_layout()
    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.pages.map, Qt.MouseButton.LeftButton, pos=layout.boxes[2].rect.center().toPoint())
    dialog = window.detail_dialog
    assert dialog is not None and dialog.stage.name == "Review"
    assert [i.key for i in dialog.detail.model.rows()] == ["PAY-1", "PAY-2", "PAY-3", "PAY-4"]
    assert dialog.detail.model.rows()[0].title == "Review item 1"


def test_stale_result_is_discarded(window, controller, engine, qtbot):
    engine.delays = [0.8, 0.0]  # the first request is slow, the second fast
    first = dataclasses.replace(window.controls.selection(), window_from=DEMO_END - timedelta(weeks=26))
    second = dataclasses.replace(window.controls.selection(), window_from=DEMO_END - timedelta(weeks=4))
    received = []
    controller.report_ready.connect(received.append)
    started = len(engine.calls)
    controller.request(first)
    qtbot.waitUntil(lambda: len(engine.calls) > started, timeout=5000)  # the slow one is running
    controller.request(second)
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    qtbot.wait(50)
    assert [r.window_from for r in received] == [second.window_from]
    assert window.pages.report.window_from == second.window_from
    assert controller.stale_dropped >= 1


def test_export_png_pdf_csv(window, tmp_path):
    png = tmp_path / "map.png"
    window.exports.png(png, "map")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 500
    colours = {image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 17)}
    assert len(colours) > 3, "blank image"
    trends = tmp_path / "trends.png"
    window.exports.png(trends, "trends")
    assert not QImage(str(trends)).isNull()
    pdf = tmp_path / "report.pdf"
    pages = window.exports.pdf(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert pages == 6 and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 1
    stage = window.pages.map.stream().stages[0]
    evil = StageItem("jira", "=cmd|' /C calc'!A0", "+SUM(1)", None, 1.0, 2.0, 1)
    out = tmp_path / "items.csv"
    assert window.exports.stage_csv(dataclasses.replace(stage, details=(*stage.details, evil)), out) == 5
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["source", "key", "title"]
    assert rows[-1][1] == "'=cmd|' /C calc'!A0" and rows[-1][2] == "'+SUM(1)"
    assert rows[1][1] == "PAY-1" and float(rows[1][4]) == 10.0


def test_csv_safe():
    assert csv_safe("-1") == "'-1"
    assert csv_safe("@x") == "'@x"
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("\rx") == "'\rx"
    assert csv_safe("PAY-1") == "PAY-1"
    assert csv_safe(None) == ""


def test_csv_to_missing_directory_is_a_clear_error(tmp_path):
    import pytest

    from app.documents import ExportError

    with pytest.raises(ExportError, match="cannot write"):
        write_stage_csv(samples.stage("A", 0), tmp_path / "nope" / "x.csv")


def test_remote_text_loads_nothing(window, qtbot):
    """A title with markup and an <img> shows literally everywhere and fetches nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    nasty = f"<b>x</b><img src=http://127.0.0.1:{port}/>"
    hits: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            hits.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        s = window.pages.map.stream()
        item = StageItem("jira", "PAY-9", nasty, f"http://127.0.0.1:{port}/PAY-9", 1.0, 1.0, 1)
        st = dataclasses.replace(s.stages[0], name=nasty, details=(item,))
        window.pages.map.set_stream(dataclasses.replace(s, stages=(st, *s.stages[1:])))
        window.pages.map.grab()
        dialog = window.open_stage(0)
        assert dialog.detail.model.rows()[0].title == nasty
        from widgets.stage_detail import StageItemsModel

        index = dialog.detail.proxy.index(0, StageItemsModel.COL_TITLE)
        assert index.data() == nasty
        assert dialog.windowTitle() == f"Stage: {nasty}"
        dialog.grab()
        pipelines = [dataclasses.replace(samples.pipelines()[0], branch=nasty, pipeline=nasty)]
        window.pages.show_pipelines(pipelines)
        assert window.pages.pipelines.tiles[0].title.text() == nasty
        window.pages.pipelines.grab()
        tip = window.pages.map.tooltip_text(0)
        assert nasty in tip
        qtbot.wait(300)
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert hits == [], "something fetched the <img> URL"


def test_geometry_is_remembered(window, tmp_path):
    from app.main_window.window import MainWindow
    from app.settings import UiSettings

    path = str(tmp_path / "settings.ini")
    settings = UiSettings(path)
    window.settings = settings
    # The offscreen screen is 800x600 and restoreGeometry clamps to the screen: stay inside it.
    window.resize(700, 500)
    size = window.size()
    window.tabs.setCurrentIndex(PAGES.index("trends"))
    window.close()
    raw = QSettings(path, QSettings.Format.IniFormat)
    assert raw.value("window/geometry") is not None
    again = MainWindow(window.controller, UiSettings(path))
    assert again.tabs.currentIndex() == PAGES.index("home") == 0  # the story first, whatever was shown last
    # Without a saved geometry the window opens at 1400x900; the width is clamped to the 800 px screen.
    assert again.size().height() == size.height() == 500
    again.deleteLater()


def test_settings_default_path_is_redirected(tmp_path):
    from app import paths
    from app.settings import UiSettings

    s = UiSettings()
    assert s.file_name() == str(paths.settings_file())
    import os

    assert s.file_name().startswith(os.environ["XDG_CONFIG_HOME"])


def test_shortcuts_dialog_lists_them(window):
    dialog = window.show_shortcuts()
    from PySide6.QtWidgets import QTableWidget

    table = dialog.findChild(QTableWidget)
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "F1" in keys and "Ctrl+P" in keys
    dialog.close()


def test_theme_switch(window):
    window.set_theme("dark")
    assert window.theme == "dark"
    assert window.pages.map.palette().color(window.pages.map.backgroundRole()).lightness() < 100
    window.set_theme("light")


def test_comparison_through_the_controller(window, controller, qtbot):
    window.tabs.setCurrentIndex(PAGES.index("compare"))
    with qtbot.waitSignal(controller.comparison_ready, timeout=5000):
        window.pages.comparison.button.click()
    rows = {r[0]: r for r in window.pages.comparison.rows()}
    # 8-week periods on both sides with the fake engine: same lead time, "no change".
    assert rows["Ticket lead time"][3] == "no change"


def test_report_notes_are_shown(window, controller, qtbot):
    from app.main_window.pages import report_notes

    r = dataclasses.replace(
        samples.report(), notes={"calendar": "working time is not applied yet", "excluded": {"work_item": 2, "x": 0}}
    )
    assert report_notes(r) == "Note: working time is not applied yet. Excluded by decision: 2 work items."
    assert report_notes(samples.report()) == ""
    window.show_report(r)
    assert window.notes_label.isVisible() and "not applied" in window.notes_label.text()


def test_window_fits_1000_px_with_data(window):
    assert window.minimumSizeHint().width() <= 1000


def test_short_range_change_reuses_trends_and_pipelines(window, controller, engine, qtbot):
    trends, pipes = engine.trend_calls, engine.pipeline_calls
    with qtbot.waitSignal(controller.trends_ready, timeout=5000):
        window.controls.select_range(1)  # 4 weeks: trends still cover the same 13 weeks, as_of unchanged
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=5000)
    assert (engine.trend_calls, engine.pipeline_calls) == (trends, pipes)
    with qtbot.waitSignal(controller.trends_ready, timeout=5000):
        window.controls.select_range(3)  # 26 weeks: a longer trend window
    assert engine.trend_calls == trends + 1 and engine.pipeline_calls == pipes
    with qtbot.waitSignal(controller.trends_ready, timeout=5000):
        controller.store.upsert([])  # any write bumps the store generation: caches are invalid
        window.recompute()
    # Pipelines run in their own task: wait for it rather than for the trends.
    qtbot.waitUntil(lambda: engine.pipeline_calls == pipes + 1, timeout=5000)
    assert engine.trend_calls == trends + 2


def test_menu_actions_switch_pages_and_ranges(window, controller, qtbot):
    actions = {a.text(): a for menu in window._menus.values() for a in menu.actions()}
    actions["Trends"].trigger()
    assert window.tabs.currentIndex() == 3
    with qtbot.waitSignal(controller.report_ready, timeout=5000) as sig:
        actions["Last 4 weeks"].trigger()
    assert sig.args[0].window_to - sig.args[0].window_from == timedelta(weeks=4)
    assert actions["Trends"].shortcut().toString() == "Ctrl+4"


def test_compare_page_computes_on_first_show(window, controller, qtbot):
    with qtbot.waitSignal(controller.comparison_ready, timeout=5000):
        window.tabs.setCurrentIndex(PAGES.index("compare"))
    assert len(window.pages.comparison.rows()) > 10


def test_results_queued_at_shutdown_never_reach_a_deleted_window(controller, qtbot):
    """Results a worker posted just before shutdown are dropped, not delivered to deleted widgets.

    This is the order a test run (and an app quitting mid-computation) produces: the workers finish
    and post their results, the controller shuts down, the window is deleted, and only then does the
    event loop run. pytest-qt fails the test on any exception raised in the event loop.
    """
    import shiboken6

    from app.main_window.window import MainWindow
    from app.settings import UiSettings

    w = MainWindow(controller, UiSettings())  # not given to qtbot: this test deletes it itself
    w.show()
    with qtbot.waitSignal(controller.report_ready, timeout=10_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    delivered = []
    sel = dataclasses.replace(w.controls.selection(), window_from=DEMO_END - timedelta(weeks=8))
    controller.request(sel)  # report, trends and pipelines tasks
    controller.submit(lambda: 42, delivered.append)
    assert controller.workers.wait(10_000)  # every result is now posted, none delivered yet
    controller.shutdown()
    shiboken6.delete(w)
    qtbot.wait(100)  # deliver whatever was posted
    assert delivered == []
