"""The other panels with hand-built results: scorecard, stage detail, pipelines, trends, comparison."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt

from data.report.results import DeliveryResult, StageItem
from tests.helpers import samples
from widgets.comparison import ComparisonView, change_text
from widgets.format import fmt_duration_s, fmt_hours, fmt_pct, plain_tooltip
from widgets.pipeline_board import PipelineBoard
from widgets.pipeline_filters import sort_statuses
from widgets.pipeline_tiles import tile_lines
from widgets.scorecard import Scorecard, delivery_rows, dora_rows
from widgets.stage_detail import StageDetailWidget, StageItemsModel, histogram_bins
from widgets.time_range import TimeRangeBar, window_for
from widgets.trend_chart import TrendCharts, trend_arrays


def test_formatting():
    assert fmt_hours(None) == "—"
    assert fmt_hours(0.5) == "30 min"
    assert fmt_hours(12) == "12.0 h"
    assert fmt_hours(72) == "3.0 d"
    assert fmt_pct(0.25) == "25 %"
    assert fmt_pct(0.0833, 1) == "8.3 %"
    assert fmt_pct(None) == "—"
    assert fmt_duration_s(200) == "3 min 20 s"
    assert fmt_duration_s(3 * 3600 + 300) == "3 h 5 min"
    assert plain_tooltip("<b>x</b>") == "<qt><p style='white-space:pre-wrap'>&lt;b&gt;x&lt;/b&gt;</p></qt>"


# -- scorecard --


def test_scorecard_tiers_in_words_and_none_as_dash(qtbot):
    card = Scorecard()
    qtbot.addWidget(card)
    card.set_report(samples.report())
    shown = card.texts()
    assert "High" in shown and "Elite" in shown and "no data" in shown  # recovery time has no tier
    rows = {r.label: r for r in dora_rows(samples.report())}
    assert rows["Failed deployment recovery time"].value == "—"
    assert rows["Change failure rate"].value == "8.3 %"


def test_scorecard_2021_shows_time_to_restore():
    r = dataclasses.replace(samples.report(), definitions={"dora": "2021"})
    labels = [row.label for row in dora_rows(r)]
    assert "Time to restore" in labels
    assert [row.value for row in dora_rows(r) if row.label.startswith("Time to restore")] == ["3.0 h"]


def test_delivery_targets_met_and_not_met():
    r = samples.report()
    rows = {row.label: row for row in delivery_rows(r)}
    # 150 h = 6.25 days ≤ 7 days: met; success rate 100 % ≥ 100 %: met.
    assert rows["Requirement lead time"].met is True
    assert rows["Production deployment success rate"].met is True
    assert "3 of 42 items not linked" in rows["Requirement lead time"].note
    worse = dataclasses.replace(
        r, delivery=DeliveryResult(production_deployment_success_rate=0.95, requirement_lead_time_median_h=169.0)
    )
    rows = {row.label: row for row in delivery_rows(worse)}
    assert rows["Requirement lead time"].met is False  # 169 h > 168 h
    assert rows["Production deployment success rate"].met is False
    none = dataclasses.replace(r, delivery=DeliveryResult())
    assert {row.met for row in delivery_rows(none) if row.target} == {None}


def test_scorecard_targets_from_notes():
    r = dataclasses.replace(samples.report(), notes={"targets": {"requirement_lead_time_days": 5}})
    rows = {row.label: row for row in delivery_rows(r)}
    assert rows["Requirement lead time"].target == "≤ 5 days"
    assert rows["Requirement lead time"].met is False  # 150 h > 120 h


def test_scorecard_marks_in_text(qtbot):
    card = Scorecard()
    qtbot.addWidget(card)
    card.set_report(samples.report())
    assert any(t.startswith("✓ met") for t in card.texts())


# -- stage detail --


def test_items_model_sorts_by_native_values(qtbot, qtmodeltester):
    w = StageDetailWidget()
    qtbot.addWidget(w)
    extra = StageItem("jira", "PAY-10", "ten", None, wait_h=9.0, active_h=0.5, visits=3)
    stage = dataclasses.replace(samples.stage("Test", 0), details=(*samples.items("Test", 4), extra))
    w.set_stage(stage)
    qtmodeltester.check(w.model)
    w.table.sortByColumn(StageItemsModel.COL_WAIT, Qt.SortOrder.AscendingOrder)
    keys = [w.proxy.index(r, 0).data() for r in range(w.proxy.rowCount())]
    # wait 9 h (PAY-10) sorts before 10 h (PAY-1): numbers, not the text "9.0 h" > "10.0 h".
    assert keys == ["PAY-10", "PAY-1", "PAY-2", "PAY-3", "PAY-4"]
    w.table.sortByColumn(StageItemsModel.COL_KEY, Qt.SortOrder.AscendingOrder)
    w.filter.setText("item 3")
    assert w.proxy.rowCount() == 1


def test_detail_link_opens_the_ticket(qtbot):
    w = StageDetailWidget()
    qtbot.addWidget(w)
    w.set_stage(samples.stage("Review", 2))
    opened = []
    w.open_url.connect(opened.append)
    w.table.sortByColumn(StageItemsModel.COL_KEY, Qt.SortOrder.AscendingOrder)
    w.table.activated.emit(w.proxy.index(1, 0))
    assert opened == ["https://jira.example.com/browse/PAY-2"]


def test_histogram_bins():
    counts, edges = histogram_bins([1.0, 1.0, 3.0, 5.0], bins=2)
    assert counts.tolist() == [2.0, 2.0]
    assert edges.tolist() == [1.0, 3.0, 5.0]
    counts, _ = histogram_bins([])
    assert counts.size == 0
    counts, edges = histogram_bins([4.0, 4.0])
    assert counts.sum() == 2


def test_remote_title_shown_literally_in_table(qtbot):
    w = StageDetailWidget()
    qtbot.addWidget(w)
    item = StageItem("jira", "PAY-1", samples.NASTY, "https://x.example/PAY-1", 1.0, 1.0, 1)
    w.set_stage(dataclasses.replace(samples.stage("Review", 2), details=(item,)))
    idx = w.model.index(0, StageItemsModel.COL_TITLE)
    assert w.model.data(idx) == samples.NASTY
    tip = w.model.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip
    assert w.model.rowCount(QModelIndex()) == 1


# -- pipelines --


def test_pipelines_failing_first_with_state_words(qtbot):
    board = PipelineBoard()
    qtbot.addWidget(board)
    board.set_statuses(samples.pipelines())
    states = [t.state.text() for t in board.tiles]
    # Default branches first (a branchless CCTray project counts as one), failing first within them;
    # the running pipeline is on a feature branch, so it comes last.
    assert states == ["Failed", "Unknown", "Passed", "Running"]
    failed = board.tiles[0]
    assert failed.title.text() == "core-banking"
    assert "failing for 3 runs" in failed.details.text()
    assert "commits by li, wang" in failed.details.text()
    # Fewer statuses later: tiles are removed, not left behind.
    board.set_statuses(samples.pipelines()[:1])
    assert len(board.tiles) == 1 and board.tiles[0].state.text() == "Passed"


def test_pipeline_branch_is_plain_text(qtbot):
    board = PipelineBoard()
    qtbot.addWidget(board)
    board.set_statuses(samples.pipelines())
    running = next(t for t in board.tiles if t.status.state == "running")
    assert samples.NASTY in running.details.text()
    assert running.details.textFormat() == Qt.TextFormat.PlainText
    assert running.title.textFormat() == Qt.TextFormat.PlainText


def test_sort_and_lines_without_data():
    s = sort_statuses(samples.pipelines())
    assert [x.state for x in s] == ["failed", "unknown", "success", "running"]
    # A CCTray project with nothing but its name and state: its source, and no line of dashes.
    assert tile_lines(s[1]) == ["cctray"]


# -- trends --


def test_trend_arrays_and_items_created_once(qtbot):
    charts = TrendCharts()
    qtbot.addWidget(charts)
    curve = charts.lead_median
    items_before = len(charts.plots["lead"].listDataItems())
    charts.set_points(samples.trends(8))
    charts.set_points(samples.trends(5))
    assert charts.lead_median is curve
    assert len(charts.plots["lead"].listDataItems()) == items_before
    x, y = curve.getData()
    assert len(x) == 5
    assert y[0] == pytest.approx(200 / 24)
    a = trend_arrays(samples.trends(2))
    assert np.isnan(a["success_pct"][0]) and a["success_pct"][1] == 100.0


def test_trend_hover_readout(qtbot):
    charts = TrendCharts()
    qtbot.addWidget(charts)
    pts = samples.trends(4)
    charts.set_points(pts)
    i = charts.nearest_week(pts[2].week_start.timestamp() + 86400)
    assert i == 2
    charts.show_week(i)
    assert charts.readout.text().startswith("Week of 2026-01-19: lead time median 6.7 d")
    assert charts.nearest_week(pts[-1].week_start.timestamp() + 30 * 86400) is None


# -- controls --


def test_window_for_ranges():
    anchor = datetime(2026, 3, 30, 12, tzinfo=UTC)
    assert window_for(2, anchor) == (anchor - timedelta(weeks=2), anchor)
    start, end = window_for(0, anchor)
    assert end == anchor and start.astimezone().date() == date(2026, 1, 1)


def test_range_bar_emits_selection(qtbot):
    bar = TimeRangeBar()
    qtbot.addWidget(bar)
    bar.set_streams(["A", "B"])
    now = datetime(2026, 3, 30, tzinfo=UTC)
    bar.set_now(now)
    with qtbot.waitSignal(bar.changed) as sig:
        bar.select_range(0)
    sel = sig.args[0]
    assert (sel.window_from, sel.window_to, sel.as_of) == (now - timedelta(weeks=2), now, now)
    with qtbot.waitSignal(bar.changed) as sig:
        bar.stream.setCurrentIndex(1)
    assert sig.args[0].stream == "B"
    bar.set_calendar_supported(False, "not implemented")
    assert bar.calendar.toolTip() == "not implemented"
    assert not bar.calendar.model().item(1).isEnabled()


# -- comparison --


def test_change_text():
    assert change_text(60 * 24, 14 * 24, True) == "−77 % (better)"
    assert change_text(1.0, 0.9, False) == "−10 % (worse)"
    assert change_text(None, 3.0, True) == "—"
    assert change_text(2.0, 2.0, True) == "no change"
    assert change_text(0.0, 2.0, None) == "+2.00 (from 0)"


def test_comparison_table(qtbot):
    view = ComparisonView()
    qtbot.addWidget(view)
    before = samples.report(lead_h=60 * 24)
    after = samples.report(lead_h=14 * 24)
    view.set_reports(before, after)
    rows = {r[0]: r for r in view.rows()}
    assert rows["Ticket lead time"][1:4] == ("60.0 d", "14.0 d", "−77 % (better)")
    view.set_data_span(date(2025, 10, 1), date(2026, 3, 30))
    (b0, b1), (a0, a1) = view.periods()
    assert (b1 - b0).days == 56 and (a1 - a0).days == 56
    assert a1.astimezone().date() == date(2026, 3, 31)
    with qtbot.waitSignal(view.compare_requested) as sig:
        view.button.click()
    assert sig.args[0] == (b0, b1)


def test_pipeline_board_caps_tiles_failing_first(qtbot):
    board = PipelineBoard(max_tiles=2)
    qtbot.addWidget(board)
    board.set_statuses(samples.pipelines())
    assert [t.state.text() for t in board.tiles] == ["Failed", "Unknown"]
    assert board.more.text() == "4 pipelines, 1 failing. Showing the first 2: default branches first, failing first."
    board.set_statuses([])
    assert board.tiles == [] and not board.more.isVisibleTo(board) and board.empty.isVisibleTo(board)
