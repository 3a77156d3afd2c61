"""The Future state page over a real store: typing or dragging a factor projects the headline exactly as
``data.metrics.whatif.project`` does (hand-checked on the two-item store of tests/metrics/test_report.py),
all factors 1 are today's figures exactly, a pipeline stage is said to be not modelled, and a scenario
saved by name round-trips through flowdeck.toml and into the PDF."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QWidget

from app.controllers.report import Controller
from app.documents import write_pdf
from app.main_window.future_pages import FuturePages, projected_stream
from data.config.model import SavedScenario
from data.config.parse import load_config
from data.materialise import cache
from data.metrics.whatif import parse_scenario, project
from data.report.results import WhatIfResult
from data.store.store import Store
from tests.helpers.metrics import T0
from tests.helpers.report import RECORDS, STREAM
from widgets.format import fmt_hours, fmt_pct
from widgets.scorecard import Scorecard
from widgets.time_range import Selection

WEEK = Selection(None, T0, T0 + timedelta(days=7), T0 + timedelta(days=7))
#: 0.3 days = 7.2 h: PAY-1 (9 h) is outside the target today, CORE-1 (4 h) within.
TARGET_DAYS = 0.3


def write_config(path: Path) -> Path:
    stages = "\n".join(
        "[[streams.stages]]\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in st.items()) for st in STREAM["stages"]
    )
    path.write_text(
        "# the team's config\n"
        f'[[streams]]\nname = "Mobile"\nproduction = "^prod$"\ndone = ["Done"]\n{stages}\n'
        f"\n[targets]\nrequirement_lead_time_days = {TARGET_DAYS}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def pages(qtbot: Any, sqlite_url: str, tmp_path: Path) -> Any:
    """The two pages in tabs after another page, the report of the week in, the Future state page not shown yet."""
    cache.clear_memory()
    with Store.open(sqlite_url) as s:
        s.upsert(RECORDS)
    config = load_config(write_config(tmp_path / "flowdeck.toml"))
    c = Controller(config, lambda: Store.open(sqlite_url))  # the real engine
    host = QWidget()
    qtbot.addWidget(host)
    tabs = QTabWidget(host)
    tabs.addTab(QWidget(), "Map")
    fp = FuturePages(c, tabs, Scorecard(), host)
    for _name, title, w in fp.pages():
        tabs.addTab(w, title)
    tabs.resize(1400, 800)
    host.resize(1400, 800)
    host.show()
    with qtbot.waitSignal(c.store_ready, timeout=10_000):
        c.start()
    with qtbot.waitSignal(c.report_ready, timeout=10_000):
        c.request(WEEK)
    yield c, fp, tabs
    c.shutdown()
    cache.clear_memory()


def show_future(qtbot: Any, fp: FuturePages, tabs: QTabWidget) -> None:
    with qtbot.waitSignal(fp.computed, timeout=10_000, check_params_cb=lambda n: n == "future"):
        tabs.setCurrentWidget(fp.view)


def type_into(qtbot: Any, fp: FuturePages, stage: str, part: str, text: str) -> None:
    spin = fp.view.editor.spin(stage, part)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClick(spin, Qt.Key.Key_Delete)
    qtbot.keyClicks(spin, text)


def expected(fp: FuturePages, *texts: str) -> WhatIfResult:
    assert fp.base is not None
    return WhatIfResult(**asdict(project(fp.base, parse_scenario(texts), TARGET_DAYS)))


def test_the_base_is_read_only_when_the_page_is_shown(qtbot: Any, pages: Any) -> None:
    c, fp, tabs = pages
    assert fp.base is None and fp.view.editor.stages() == ["Dev", "Test", "Approve", "Staging", "Prod"]
    show_future(qtbot, fp, tabs)
    assert fp.base is not None and fp.base.lead_h.tolist() == [9.0, 4.0]  # PAY-1 and CORE-1
    tabs.setCurrentIndex(0)
    tabs.setCurrentWidget(fp.view)
    qtbot.wait(50)
    assert c.tasks.busy == 0  # shown again for the same selection: nothing recomputed


def test_all_factors_one_are_today_exactly(qtbot: Any, pages: Any) -> None:
    c, fp, tabs = pages
    show_future(qtbot, fp, tabs)
    (stream,) = c.last_report.streams
    p = fp.projection
    assert p is not None and p.scenario == () and p.items == 2
    assert (p.lead_time_median_h, p.lead_time_p85_h, p.flow_efficiency) == (
        stream.lead_time_median_h,
        stream.lead_time_p85_h,
        stream.flow_efficiency,
    )
    assert p.within_target_share == p.within_target_share_now == 0.5
    assert fp.view.future_map.stream() == stream  # the future map is the map of today
    texts = fp.view.headline_texts()
    for row in ("median", "p85", "efficiency", "within"):
        assert texts[(row, "future")] == texts[(row, "now")], row
    assert texts[("median", "now")] == fmt_hours(6.5) and texts[("median", "change")] == "0 %"
    assert not fp.view.not_modelled.isVisibleTo(fp.view)


def test_typing_a_factor_projects_the_headline(qtbot: Any, pages: Any) -> None:
    _c, fp, tabs = pages
    show_future(qtbot, fp, tabs)
    type_into(qtbot, fp, "Test", "wait", "0.5")
    # By hand: PAY-1 waited 2 h for Test, half of it goes: leads 8 h and 4 h; median 6 h, p85 4 + 0.85 × 4;
    # flow efficiency 5 h active of 5 + (6 Dev + 1 Test) h.
    p = fp.projection
    assert p == expected(fp, "Test.wait=0.5")
    assert p is not None and (p.lead_time_median_h, p.lead_time_p85_h) == (6.0, pytest.approx(7.4))
    assert p.flow_efficiency == pytest.approx(5 / 12)
    texts = fp.view.headline_texts()
    assert (texts[("median", "now")], texts[("median", "future")], texts[("median", "change")]) == (
        "6.5 h",
        "6.0 h",
        "−8 %",
    )
    assert texts[("efficiency", "future")] == fmt_pct(5 / 12) == "42 %"
    assert fp.view.editor.slider("Test", "wait").value() == 50  # the slider follows the spin box
    # Removing the wait: 7 h and 4 h, both within 7.2 h.
    type_into(qtbot, fp, "Test", "wait", "0")
    assert fp.projection == expected(fp, "Test.wait=0")
    assert fp.projection.lead_time_median_h == 5.5
    texts = fp.view.headline_texts()
    assert (texts[("within", "now")], texts[("within", "future")], texts[("within", "change")]) == (
        "50.0 %",
        "100.0 %",
        "+50.0 pt",
    )
    # The future map: Test's wait scaled to 0, the header's lead time the projection's.
    future = fp.view.future_map.stream()
    assert future is not None and future.stages[1].wait_median_h == 0.0 and future.lead_time_median_h == 5.5
    assert fp.last_projection_ms is not None and fp.last_projection_ms < 100


def test_dragging_a_slider_projects_like_typing(qtbot: Any, pages: Any) -> None:
    _c, fp, tabs = pages
    show_future(qtbot, fp, tabs)
    fp.view.editor.slider("Dev", "wait").setValue(50)
    assert fp.view.editor.spin("Dev", "wait").value() == 0.5
    # PAY-1 waited 2 h in Dev, CORE-1 4 h: leads 8 and 2 h.
    assert fp.projection == expected(fp, "Dev.wait=0.5")
    assert fp.projection.lead_time_median_h == 5.0


def test_a_pipeline_stage_is_said_to_be_not_modelled(qtbot: Any, pages: Any) -> None:
    _c, fp, tabs = pages
    show_future(qtbot, fp, tabs)
    before = fp.projection
    type_into(qtbot, fp, "Approve", "wait", "0")
    p = fp.projection
    assert p is not None and p.not_modelled == ("Approve.wait",)
    assert (p.lead_time_median_h, p.flow_efficiency) == (before.lead_time_median_h, before.flow_efficiency)
    note = fp.view.not_modelled
    assert note.isVisibleTo(fp.view) and "Approve" in note.text() and "per run" in note.text()
    future = fp.view.future_map.stream()
    assert future is not None and future.stages[2].wait_median_h == 0.0  # the box shows it all the same
    fp.view.editor.reset()
    assert not note.isVisibleTo(fp.view) and fp.view.editor.factors() == {}


def test_a_saved_scenario_round_trips_through_the_config(qtbot: Any, pages: Any, tmp_path: Path) -> None:
    c, fp, tabs = pages
    path = tmp_path / "flowdeck.toml"
    show_future(qtbot, fp, tabs)
    type_into(qtbot, fp, "Test", "wait", "0.5")
    type_into(qtbot, fp, "Approve", "wait", "0")
    projected = fp.projection
    fp.view.name.setText("Faster tests")
    qtbot.mouseClick(fp.view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(c.config.scenarios), timeout=10_000)
    saved = SavedScenario("Faster tests", (("Test.wait", 0.5), ("Approve.wait", 0.0)), "Mobile")
    assert c.config.scenarios == (saved,)
    assert load_config(path).scenarios == (saved,)  # in the file, read back as the app reads it
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# the team's config\n") and '[[scenarios]]\nname = "Faster tests"' in text
    assert "Faster tests" in fp.view.status.text()
    assert [fp.view.scenarios.itemText(i) for i in range(fp.view.scenarios.count())][1:] == ["Faster tests"]
    # Back to today, then the saved scenario again from the list: the same factors, the same figures.
    fp.view.editor.reset()
    assert fp.projection.lead_time_median_h == 6.5
    fp.view.scenarios.activated.emit(1)
    assert fp.view.editor.factors() == {"Test.wait": 0.5, "Approve.wait": 0.0}
    assert fp.projection == projected
    # The PDF's future-state page lists it with its figures (names escaped).
    (section,) = fp.pdf_sections()
    assert "Faster tests" in section and "Test.wait × 0.5" in section and fmt_hours(6.0) in section
    assert "Approve.wait" in section  # said to be not modelled
    pdf = tmp_path / "report.pdf"
    assert write_pdf(pdf, c.last_report, fp.pdf_pages(), sections=fp.pdf_sections()) == 3  # summary, scenarios, map
    assert pdf.read_bytes().startswith(b"%PDF")
    # Deleting it removes its table and nothing else.
    fp.view.scenarios.setCurrentIndex(1)
    qtbot.mouseClick(fp.view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not c.config.scenarios, timeout=10_000)
    assert "[[scenarios]]" not in path.read_text(encoding="utf-8")
    assert load_config(path).scenarios == ()


def test_a_scenario_that_cannot_be_saved_changes_nothing(qtbot: Any, pages: Any, tmp_path: Path) -> None:
    c, fp, tabs = pages
    path = tmp_path / "flowdeck.toml"
    before = path.read_text(encoding="utf-8")
    show_future(qtbot, fp, tabs)
    fp.view.name.setText("")
    qtbot.mouseClick(fp.view.save_button, Qt.MouseButton.LeftButton)
    assert "name" in fp.view.status.text()  # asked for a name, nothing written
    path.write_text(before + "\nnot toml [\n", encoding="utf-8")
    fp.view.name.setText("x")
    qtbot.mouseClick(fp.view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was saved" in fp.view.status.text(), timeout=10_000)
    assert "not valid TOML" in fp.view.status.text() and c.config.scenarios == ()


def test_projected_stream_scales_the_boxes_and_moves_the_bottleneck(pages: Any) -> None:
    c, _fp, _tabs = pages
    (stream,) = c.last_report.streams
    assert stream.bottleneck == "Dev"
    result = WhatIfResult((), 2, 1.0, 2.0, 0.5, 1.0, 7.0)
    future = projected_stream(stream, {"Dev.wait": 0.0, "Test.active": 2.0}, result)
    dev, test = future.stages[:2]
    assert (dev.wait_median_h, dev.wait_total_h, dev.active_median_h) == (0.0, 0.0, stream.stages[0].active_median_h)
    assert test.active_median_h == 2 * stream.stages[1].active_median_h
    # Without Dev's waits the largest total wait is the prod deployment's 3.5 h (Test 2 h, Staging 1 h).
    assert future.bottleneck == "Prod"
    assert (future.lead_time_median_h, future.lead_time_p85_h, future.flow_efficiency) == (1.0, 2.0, 0.5)


def test_the_map_page_and_the_view_menu_open_the_new_pages(qtbot: Any, window: Any) -> None:
    from PySide6.QtGui import QKeySequence

    from app.main_window.pages import PAGES

    with qtbot.waitSignal(window.future.computed, timeout=10_000, check_params_cb=lambda n: n == "future"):
        qtbot.mouseClick(window.pages.future_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == PAGES.index("future")
    # The fake demo holds one unfinished item: nothing to project, said as dashes, not as an error.
    assert window.future.projection is not None and window.future.projection.items == 0
    assert window.future.view.headline_texts()[("median", "future")] == "—"
    shortcuts = {a.text(): a.shortcut() for a in window.findChildren(type(window.menuBar().actions()[0]))}
    # Home takes Ctrl+1, so the tenth page (Future state) has Ctrl+0 and the eleventh none (no key is used twice).
    assert shortcuts["Future state"] == QKeySequence("Ctrl+0") and shortcuts["Forecast"].isEmpty()


@pytest.mark.parametrize(
    ("what_if", "said"),
    [
        ("Relase.wait=0.5", "stream 'All teams' has no stage named 'Relase'; stages: Analysis, Development"),
        ("Release.wait=3", "the Future state page takes factors from 0 to 2"),
        ("Release.queue=0", "unknown part 'queue'"),
    ],
)
def test_gui_what_if_is_checked_before_any_window(tmp_path: Path, capsys: Any, what_if: str, said: str) -> None:
    from app.cli import main

    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text("", encoding="utf-8")  # the demo's stream
    args = ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg), "gui", "--what-if", what_if]
    assert main([*args, "--screenshot", str(tmp_path / "shot.png")]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "shot.png").exists() and not (tmp_path / "x.db").exists()
