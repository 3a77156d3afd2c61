"""Weekly trends: lead time (median and p85), deployments, success rate, flow efficiency, WIP.

One ``GraphicsLayoutWidget`` holds five plots with linked date axes. Every curve is created once
in ``__init__`` and refreshed with ``setData``/``setOpts`` (pyqtgraph #2348). Missing weeks are NaN
and the curves break there (``connect="finite"``) rather than dropping to 0. A hover read-out
names the week under the pointer and every value of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from data.report.results import TrendPoint
from widgets.format import fmt_hours, fmt_pct
from widgets.i18n import translate
from widgets.plot_theme import colours, style_plot

__all__ = ["TrendCharts", "trend_arrays"]

WEEK_S = 7 * 86400


def trend_arrays(points: Sequence[TrendPoint]) -> dict[str, np.ndarray]:
    """Column arrays (x in epoch seconds; None -> NaN; lead times in days; shares in %)."""

    def col(values: list[float | None], scale: float = 1.0) -> np.ndarray:
        return np.array([np.nan if v is None else v * scale for v in values], dtype=float)

    return {
        "x": np.array([p.week_start.timestamp() for p in points], dtype=float),
        "lead_median_d": col([p.lead_time_median_h for p in points], 1 / 24),
        "lead_p85_d": col([p.lead_time_p85_h for p in points], 1 / 24),
        "deployments": np.array([p.deployments for p in points], dtype=float),
        "success_pct": col([p.deployment_success_rate for p in points], 100.0),
        "flow_pct": col([p.flow_efficiency for p in points], 100.0),
        "wip": np.array([p.wip for p in points], dtype=float),
    }


class TrendCharts(QWidget):
    """The trend page: five small plots sharing one time axis, and a read-out line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[TrendPoint] = []
        self.readout = QLabel(translate("TrendChart", "Point at a week to read its values."), self)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_widget = pg.GraphicsLayoutWidget(self)
        lw = self.layout_widget
        self.plots: dict[str, pg.PlotItem] = {}

        def plot(key: str, title: str, units: str, row: int, col: int) -> pg.PlotItem:
            p = lw.addPlot(row=row, col=col, title=title, axisItems={"bottom": pg.DateAxisItem()})
            p.setLabel("left", units)
            p.showGrid(x=True, y=True, alpha=0.25)
            p.setMouseEnabled(x=False, y=False)
            p.hideButtons()
            p.setMenuEnabled(False)
            self.plots[key] = p
            return p

        lead = plot("lead", translate("TrendChart", "Lead time per week (days)"), translate("TrendChart", "days"), 0, 0)
        lead.addLegend(offset=(10, 10))
        self.lead_median = lead.plot(
            name=translate("TrendChart", "median"),
            pen=pg.mkPen("#0072B2", width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush="#0072B2",
            connect="finite",
        )
        self.lead_p85 = lead.plot(
            name="p85", pen=pg.mkPen("#E69F00", width=2, style=Qt.PenStyle.DashLine), connect="finite"
        )
        dep = plot(
            "deployments",
            translate("TrendChart", "Production deployments per week"),
            translate("TrendChart", "count"),
            0,
            1,
        )
        self.deploy_bars = pg.BarGraphItem(x=[], height=[], width=WEEK_S * 0.7, brush="#009E73")
        dep.addItem(self.deploy_bars)
        ok = plot("success", translate("TrendChart", "Deployment success rate (%)"), "%", 1, 0)
        ok.setYRange(0, 105)
        self.success = ok.plot(
            pen=pg.mkPen("#009E73", width=2), symbol="s", symbolSize=5, symbolBrush="#009E73", connect="finite"
        )
        flow = plot("flow", translate("TrendChart", "Flow efficiency (%)"), "%", 1, 1)
        self.flow = flow.plot(
            pen=pg.mkPen("#CC79A7", width=2), symbol="t", symbolSize=6, symbolBrush="#CC79A7", connect="finite"
        )
        wip = plot("wip", translate("TrendChart", "Work in progress (items)"), translate("TrendChart", "items"), 2, 0)
        self.wip = wip.plot(pen=pg.mkPen("#56B4E9", width=2), connect="finite")
        for key in ("deployments", "success", "flow", "wip"):
            self.plots[key].setXLink(lead)
        # One hover line per plot, created once, moved on hover.
        self.cursors = {
            k: pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((128, 128, 128), width=1)) for k in self.plots
        }
        for k, line in self.cursors.items():
            line.setVisible(False)
            self.plots[k].addItem(line, ignoreBounds=True)
        self._proxy = pg.SignalProxy(lw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)
        self.set_dark(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.readout)
        layout.addWidget(lw, 1)

    def set_dark(self, dark: bool) -> None:
        """Follow the window's theme."""
        self.layout_widget.setBackground(colours(dark)[0])
        for p in self.plots.values():
            style_plot(p, dark)

    def set_points(self, points: Sequence[TrendPoint]) -> None:
        """Show these weeks (oldest first)."""
        self._points = sorted(points, key=lambda p: p.week_start)
        a = trend_arrays(self._points)
        self.lead_median.setData(a["x"], a["lead_median_d"])
        self.lead_p85.setData(a["x"], a["lead_p85_d"])
        self.deploy_bars.setOpts(x=a["x"], height=a["deployments"], width=WEEK_S * 0.7)
        self.success.setData(a["x"], a["success_pct"])
        self.flow.setData(a["x"], a["flow_pct"])
        self.wip.setData(a["x"], a["wip"])
        for key, p in self.plots.items():
            if key != "success":
                p.enableAutoRange(axis="y")
        if len(a["x"]):
            self.plots["lead"].setXRange(a["x"][0] - WEEK_S / 2, a["x"][-1] + WEEK_S / 2, padding=0)
        for line in self.cursors.values():
            line.setVisible(False)
        self.readout.setText(
            translate("TrendChart", "Point at a week to read its values.")
            if self._points
            else translate("TrendChart", "No weeks in this range.")
        )

    def points(self) -> list[TrendPoint]:
        """The weeks shown."""
        return list(self._points)

    def readout_for(self, index: int) -> str:
        """The read-out text for week ``index``."""
        p = self._points[index]
        return translate(
            "TrendChart",
            "Week of {week}: lead time median {median}, p85 {p85} · deployments {deployments} · "
            "success {success} · flow efficiency {flow} · WIP {wip}",
        ).format(
            week=f"{p.week_start:%Y-%m-%d}",
            median=fmt_hours(p.lead_time_median_h),
            p85=fmt_hours(p.lead_time_p85_h),
            deployments=p.deployments,
            success=fmt_pct(p.deployment_success_rate),
            flow=fmt_pct(p.flow_efficiency),
            wip=p.wip,
        )

    def nearest_week(self, x: float) -> int | None:
        """The index of the week nearest to epoch seconds ``x`` (within half a week)."""
        if not self._points:
            return None
        xs = np.array([p.week_start.timestamp() for p in self._points])
        i = int(np.argmin(np.abs(xs - x)))
        return i if abs(xs[i] - x) <= WEEK_S * 0.75 else None

    def show_week(self, index: int | None) -> None:
        """Move the hover line to week ``index`` and fill the read-out."""
        if index is None:
            for line in self.cursors.values():
                line.setVisible(False)
            return
        x = self._points[index].week_start.timestamp()
        for line in self.cursors.values():
            line.setPos(x)
            line.setVisible(True)
        self.readout.setText(self.readout_for(index))

    def _mouse_moved(self, args: tuple[QPointF]) -> None:
        pos = args[0]
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(pos):
                x = plot.vb.mapSceneToView(pos).x()
                self.show_week(self.nearest_week(x))
                return
