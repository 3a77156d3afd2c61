"""Trends that don't lie, the release list's counts and the quality headline, on hand-built results.

The window-level geometry (both languages, two sizes, the demo) is in test_page_geometry.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from data.quality.results import FindingItem, QualityReport, UnlinkedCompleted
from data.records import Deployment
from data.release.results import EXACT, SINCE_PREVIOUS, ReleaseRow
from data.report.results import TrendPoint
from tests.helpers.charts import overlaps, tick_labels
from widgets.quality_view import QualityView
from widgets.release_report import RELEASE_COLUMNS, fill_release_table, release_table
from widgets.trend_chart import TrendCharts, WeekAxis

START = datetime(2026, 8, 31, tzinfo=UTC)  # a Monday


def week(i: int, completed: int, **kw: Any) -> TrendPoint:
    return TrendPoint(week_start=START + timedelta(weeks=i), completed=completed, min_completions=5, **kw)


def show(qtbot: Any, charts: TrendCharts, size: tuple[int, int] = (1200, 700)) -> None:
    qtbot.addWidget(charts)
    charts.resize(*size)
    charts.show()
    qtbot.waitExposed(charts)


def test_a_thin_week_is_a_gap_with_its_count_and_an_empty_week_is_not_zero(qtbot: Any) -> None:
    charts = TrendCharts()
    show(qtbot, charts)
    full = {"lead_time_median_h": 48.0, "lead_time_p85_h": 96.0, "flow_efficiency": 0.3, "wip": 10}
    charts.set_points(
        [
            week(0, 12, **full),
            week(1, 2, wip=9),  # too few: the data layer left its figures None
            week(2, 0, wip=9),  # nothing completed
            week(3, 8, **full),
        ]
    )
    _x, median = charts.lead_median.getData()
    _x, flow = charts.flow.getData()
    assert len(median) == len(flow) == 4
    assert median[0] == pytest.approx(2.0) and np.isnan(median[1]) and np.isnan(median[2])
    assert flow[0] == pytest.approx(30.0) and np.isnan(flow[1]) and np.isnan(flow[2])  # never a 0 % dip
    assert charts.note.isVisible()
    assert charts.note.text().startswith("Lead time and flow efficiency leave out 1 week with fewer than 5 completed")
    charts.show_week(1)
    assert "(2 items completed, fewer than 5: not drawn)" in charts.readout.text()
    assert "lead time median —, p85 —" in charts.readout.text() and "flow efficiency —" in charts.readout.text()
    charts.show_week(2)
    assert "(0 items completed)" in charts.readout.text()
    charts.show_week(0)
    expected = "Week of 2026-08-31: lead time median 2.0 d, p85 4.0 d (12 items completed) · deployments 0"
    assert charts.readout.text().startswith(expected)


def test_no_data_says_so_with_sane_axes(qtbot: Any) -> None:
    charts = TrendCharts()
    show(qtbot, charts)
    for points in ([], [week(0, 0), week(1, 0)]):
        charts.set_points(points)
        qtbot.wait(10)
        for key, plot in charts.plots.items():
            lo, hi = plot.vb.viewRange()[1]
            assert lo == 0 and hi >= 1, key  # counts and shares never below 0
            left = plot.getAxis("left")
            assert "(x" not in left.labelString(), key  # no SI prefix such as "count (x0.001)"
            assert all(float(t.replace("−", "-")) >= 0 for _r, t in tick_labels(left)), key
        empty = {k for k, t in charts.empty_text.items() if t.isVisible()}
        if points:
            # Zero deployments and a WIP of 0 are data; lead time, success and flow have none.
            assert empty == {"lead", "success", "flow"}
        else:
            assert empty == set(charts.plots)
            assert charts.readout.text() == "No data in this range: no weeks to show."
        assert charts.empty_text["lead"].toPlainText() == "No data in this range"
        assert not charts.note.isVisible()
    # Counts get whole-number ticks only, even on a small range.
    charts.set_points([week(0, 6, deployments=1, wip=1), week(1, 6, deployments=0, wip=0)])
    qtbot.wait(10)
    for key in ("deployments", "wip"):
        ticks = [t for _r, t in tick_labels(charts.plots[key].getAxis("left"))]
        assert ticks[:2] == ["0", "1"] and all(t.isdigit() for t in ticks), (key, ticks)


@pytest.mark.parametrize("weeks", [4, 13, 26, 52, 104])
@pytest.mark.parametrize("width", [420, 700, 1000, 1600])
def test_week_labels_never_collide(qtbot: Any, weeks: int, width: int) -> None:
    charts = TrendCharts()
    show(qtbot, charts, (width, 600))
    charts.set_points([week(i, 9, lead_time_median_h=30.0, wip=3) for i in range(weeks)])
    qtbot.wait(10)
    for key, plot in charts.plots.items():
        axis = plot.getAxis("bottom")
        assert isinstance(axis, WeekAxis)
        labels = tick_labels(axis)
        assert overlaps(labels) == [], (key, weeks, width)
        assert len(labels) >= 2, (key, weeks, width, labels)
        # The latest week always carries its date; a range over New Year names the year.
        assert labels[-1][1].startswith(axis.week_label(START.timestamp() + (weeks - 1) * 7 * 86400)), labels
    if weeks == 104:
        assert any("2027" in t for _r, t in tick_labels(charts.plots["lead"].getAxis("bottom")))


def row(ident: str, source: str = "jenkins", **kw: Any) -> ReleaseRow:
    d = Deployment(source, "bank/mobile", ident, "production", "success", finished_at=START)
    fields: dict[str, Any] = {
        "method": EXACT,
        "changes": 12,
        "tickets": 9,
        "lead_time_median_h": 50.0,
        "first_deployed": 11,
        "incidents": 1,
    }
    fields.update(kw)
    return ReleaseRow(deployment=d, **fields)


def test_release_table_columns_and_narrow_source(qtbot: Any) -> None:
    t = release_table()
    qtbot.addWidget(t)
    t.resize(1200, 400)
    t.show()
    col = RELEASE_COLUMNS.index
    fill_release_table(t, [row("p2"), row("p1", method=SINCE_PREVIOUS, lead_time_median_h=None, incidents=0)])
    assert [t.item(0, col(k)).text() for k in ("changes", "tickets", "lead_time", "incidents")] == [
        "12",
        "9",
        "2.1 d",
        "1",
    ]
    assert t.item(1, col("lead_time")).text() == "—"
    assert t.isColumnHidden(col("source"))  # one source: no column for it
    assert not t.horizontalHeader().stretchLastSection()
    fill_release_table(t, [row("p2"), row("7", source="github")])
    assert not t.isColumnHidden(col("source"))
    source_w = t.columnWidth(col("source"))
    assert source_w < 120 and source_w < t.viewport().width() / 5  # narrow, not the rest of the width
    assert t.item(1, col("source")).text() == "github"


def test_quality_headline_counts_the_unlinked_items(qtbot: Any) -> None:
    view = QualityView()
    qtbot.addWidget(view)
    items = tuple(FindingItem("jira", f"PAY-{i}", "no change names it") for i in range(202))
    report = QualityReport(
        as_of=START,
        stream="All teams",
        unlinked=UnlinkedCompleted(START - timedelta(weeks=13), START, 976, items),
    )
    view.set_report(report)
    first, second = view.summary.text().split("\n")
    assert first.startswith("Stream All teams as of ") and "202 problems" in first
    assert second == "202 of 976 completed items (21 %) never reached production: no linked deployment."
    node = view.unlinked_node
    assert node is not None and not node.isExpanded() and node.childCount() == 202
    assert (node.text(0), node.text(1)) == ("Completed, never in production", "202 of 976")
    view.set_report(QualityReport(as_of=START, stream="x", unlinked=UnlinkedCompleted(START, START, 0, ())))
    assert view.summary.text().endswith("\nNo item completed in the window.")
    assert "0 problems" in view.summary.text()
