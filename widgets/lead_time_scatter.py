"""The lead-time scatter under the map (ActionableAgile's cycle-time scatter plot): one dot per
completed ticket, its completion date across and its lead time in days up, with horizontal lines
at the 50th, 85th and 95th percentiles ("85 % of tickets were done within 40 days").

Fed a :class:`data.report.results.LeadTimeScatter` (computed on a worker, at most a few thousand
points: a big pyqtgraph scatter is slow to draw). The plot items are created once and refreshed
with ``setData`` (pyqtgraph #2348). Texts are plain: the caption is a plain-text label, the line
labels are pyqtgraph text items (plain text).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from data.report.results import LeadTimeScatter
from widgets.format import fmt_day_month, fmt_in_unit
from widgets.i18n import translate
from widgets.plot_theme import colours, style_plot

__all__ = ["PERCENTILES", "LeadTimeScatterChart", "LocalDateAxis"]

# The percentile lines, as ActionableAgile draws them.
PERCENTILES = (50, 85, 95)
_LINE_COLOURS = {50: "#009E73", 85: "#E69F00", 95: "#D55E00"}  # Okabe-Ito; the lines are labelled too
_LINE_STYLES = {50: Qt.PenStyle.SolidLine, 85: Qt.PenStyle.DashLine, 95: Qt.PenStyle.DotLine}


class LocalDateAxis(pg.DateAxisItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """A date axis with one level of ticks on local midnights (Mondays from a week up), labelled in
    the installed language (``23 Nov`` / ``11月23日``): pyqtgraph's own mixes month and day ticks
    that can collide, and writes English month names."""

    STEPS_DAYS = (1, 2, 7, 14, 28, 91, 182, 364)
    LABEL_PX = 80

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """Day ticks at a step that leaves each label room; pyqtgraph's below two days."""
        days = (maxVal - minVal) / 86400
        if days < 2:
            out: list[tuple[float, list[float]]] = super().tickValues(minVal, maxVal, size)
            return out
        room = max(2, int(size / self.LABEL_PX))
        step = next((s for s in self.STEPS_DAYS if days / s <= room), self.STEPS_DAYS[-1])
        first = datetime.fromtimestamp(minVal, UTC).astimezone().date()  # the local day
        if step >= 7:
            first += timedelta(days=(7 - first.weekday()) % 7)  # Mondays
        values: list[float] = []
        day = first
        while True:
            ts = datetime(day.year, day.month, day.day).astimezone().timestamp()  # local midnight
            if ts > maxVal:
                break
            if ts >= minVal:
                values.append(ts)
            day += timedelta(days=step)
        return [(step * 86400.0, values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Day ticks as day and month in the installed language; finer ones as pyqtgraph writes them."""
        if spacing >= 86400:
            return [fmt_day_month(datetime.fromtimestamp(v, UTC)) for v in values]
        out: list[str] = super().tickStrings(values, scale, spacing)
        return out


class LeadTimeScatterChart(QWidget):
    """A caption over the scatter plot with its percentile lines. Feed it with :meth:`set_scatter`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scatter: LeadTimeScatter | None = None
        self.caption = QLabel(translate("LeadTimeScatter", "Lead time of each completed ticket: loading…"), self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plot = pg.PlotWidget(self, axisItems={"bottom": LocalDateAxis(orientation="bottom")})
        self.plot.setMinimumHeight(170)
        item = self.plot.getPlotItem()
        item.setLabel("left", translate("LeadTimeScatter", "lead time (days)"))
        # Days stay days: never "kdays" or "mdays" (pyqtgraph's SI prefixes).
        for name in ("left", "bottom"):
            item.getAxis(name).enableAutoSIPrefix(False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setMenuEnabled(False)
        self.points = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(0, 114, 178, 120))
        item.addItem(self.points)
        self.lines: dict[int, pg.InfiniteLine] = {}
        for q in PERCENTILES:
            line = pg.InfiniteLine(
                angle=0,
                movable=False,
                pen=pg.mkPen(_LINE_COLOURS[q], width=2, style=_LINE_STYLES[q]),
                label="",
                labelOpts={
                    "position": 0.995,
                    "anchors": [(1, 1), (1, 1)],
                    "color": _LINE_COLOURS[q],
                    "fill": (255, 255, 255, 190),
                },
            )
            line.setVisible(False)
            item.addItem(line)
            self.lines[q] = line
        self.set_dark(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)

    def set_dark(self, dark: bool) -> None:
        """Follow the window's theme."""
        self.plot.setBackground(colours(dark)[0])
        style_plot(self.plot.getPlotItem(), dark)

    def scatter(self) -> LeadTimeScatter | None:
        """What is shown."""
        return self._scatter

    def line_label(self, q: int) -> str:
        """The text on percentile line ``q`` (empty when hidden)."""
        line = self.lines[q]
        return line.label.toPlainText() if line.isVisible() and line.label is not None else ""

    def set_scatter(self, scatter: LeadTimeScatter | None, placeholder: str | None = None) -> None:
        """Show ``scatter`` (or ``placeholder`` in the caption when None)."""
        self._scatter = scatter
        if scatter is None or scatter.total == 0:
            self.points.setData([], [])
            for line in self.lines.values():
                line.setVisible(False)
            self.caption.setText(
                placeholder
                if placeholder is not None
                else translate("LeadTimeScatter", "Lead time of each completed ticket: none completed in this window.")
            )
            return
        x = np.asarray(scatter.completed_s, dtype=float)
        y = np.asarray(scatter.lead_days, dtype=float)
        self.points.setData(x, y)
        values = {50: scatter.p50_days, 85: scatter.p85_days, 95: scatter.p95_days}
        for q, line in self.lines.items():
            v = values[q]
            line.setVisible(v is not None)
            if v is not None:
                line.setValue(v)
                line.label.setFormat(
                    translate("LeadTimeScatter", "{pct} %: {days}").format(pct=q, days=fmt_in_unit(v * 24, "d"))
                )
        caption = translate(
            "LeadTimeScatter",
            "Lead time of each ticket completed in the window (%n ticket(s)), by completion date: "
            "50 % took at most {p50}, 85 % at most {p85}, 95 % at most {p95}.",
            "",
            scatter.total,
        ).format(**{f"p{q}": fmt_in_unit(None if v is None else v * 24, "d") for q, v in values.items()})
        if scatter.shown < scatter.total:
            caption += " " + translate(
                "LeadTimeScatter", "{shown} dots drawn: tickets that would share a dot are drawn once."
            ).format(shown=scatter.shown)
        self.caption.setText(caption)
        item = self.plot.getPlotItem()
        item.setXRange(scatter.window_from.timestamp(), scatter.window_to.timestamp(), padding=0.01)
        top = max([float(y.max()) if y.size else 0.0] + [v for v in values.values() if v is not None])
        item.setYRange(0.0, max(1.0, top) * 1.05, padding=0)

    def plot_data(self) -> tuple[Any, Any]:
        """The drawn points (x epoch seconds, y days), for checks."""
        x, y = self.points.getData()
        return x, y
