"""Weekly trends: lead time (median and p85), deployments, success rate, flow efficiency, WIP.

One ``GraphicsLayoutWidget`` holds five plots with linked week axes. Every curve is created once
in ``__init__`` and refreshed with ``setData``/``setOpts`` (pyqtgraph #2348). What the charts
refuse to draw, and why:

- a week with no value (nothing completed, no deployment) is NaN and the curve breaks there
  (``connect="finite"``) instead of dropping to 0; a week with fewer completions than the
  threshold (``TrendPoint.too_few``) has no lead time or flow efficiency either, and the note
  above the plots and the hover read-out say how many items it had;
- week labels come from :class:`WeekAxis`: one tick per week and a date on every k-th week, k
  chosen from the label width so two labels never touch (pyqtgraph's date axis draws two levels
  of labels over each other: "30Sep 04");
- the legend is part of the plot's title row, never on top of the data;
- y axes start at 0, counts have whole-number ticks, and no axis gets an SI prefix ("x0.001");
- a plot with nothing to show says so ("No data in this range") instead of drawing an empty grid.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from data.report.results import TrendPoint
from widgets.format import fmt_hours, fmt_pct
from widgets.i18n import translate
from widgets.plot_theme import colours, style_plot

__all__ = ["CountAxis", "TrendCharts", "ValueAxis", "WeekAxis", "trend_arrays"]

WEEK_S = 7 * 86400
# Label every k-th week, k from these (a quarter is 13 weeks): the smallest that leaves room.
LABEL_STEPS = (1, 2, 3, 4, 6, 8, 13, 26, 52, 104, 260, 520)
MEDIAN_COLOUR = "#0072B2"
P85_COLOUR = "#E69F00"


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
        "completed": np.array([p.completed for p in points], dtype=float),
    }


def _utc_date(x: float) -> datetime:
    # Weeks are ISO weeks in UTC: the label is the Monday's UTC date, not the local one.
    return datetime.fromtimestamp(x, tz=UTC)


class EdgeLabelAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis with room for the labels at its ends.

    With a grid, pyqtgraph clips an axis's labels to its own box plus the plot's: "0" on a count
    axis and the first and last week labels stick out by half their size and would be dropped.
    The areas they stick into (the plot's corners) are empty.
    """

    EDGE_PX = 40

    def boundingRect(self) -> QRectF:
        rect: QRectF = super().boundingRect()
        m = self.EDGE_PX
        if self.orientation == "bottom":
            return rect.adjusted(-m, 0, m, 0)
        return rect.adjusted(0, -m / 2, 0, m / 2)


class WeekAxis(EdgeLabelAxis):
    """A bottom axis over ISO weeks: a tick per week, a date on every k-th week (the latest always).

    ``k`` is the smallest of :data:`LABEL_STEPS` that leaves the widest label (plus two "M"s of
    space) between two labels at the axis's current width, so labels never overlap.
    """

    def __init__(self) -> None:
        super().__init__("bottom")
        self.weeks: list[float] = []
        self.enableAutoSIPrefix(False)
        self.setStyle(maxTextLevel=0)  # only the labelled weeks carry text; the others are ticks

    def set_weeks(self, xs: Sequence[float]) -> None:
        """The week starts (epoch seconds, ascending) the axis labels."""
        self.weeks = [float(x) for x in xs]
        self.picture = None
        self.update()

    def _font(self) -> QFont:
        font = self.style["tickFont"]
        return font if isinstance(font, QFont) else QFont()

    def _years(self) -> bool:
        return len({_utc_date(x).year for x in self.weeks}) > 1

    def week_label(self, x: float, *, year: bool = False) -> str:
        """The label of the week starting at ``x`` in the installed language (``14 Sep``; zh_CN ``9月14日``)."""
        d = _utc_date(x)
        pattern = translate("TrendChart", "d MMM yyyy") if year else translate("Format", "d MMM")
        return QLocale().toString(QDate(d.year, d.month, d.day), pattern)

    def step(self, px_per_week: float) -> int:
        """How many weeks apart two labels must be at ``px_per_week``."""
        if not self.weeks:
            return 1
        fm = QFontMetricsF(self._font())
        years = self._years()
        widest = max(fm.horizontalAdvance(self.week_label(x, year=years)) for x in self.weeks)
        need = widest + fm.horizontalAdvance("MM")
        return next((k for k in LABEL_STEPS if k * px_per_week >= need), LABEL_STEPS[-1])

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """Labelled weeks (level 0) and the other weeks (level 1) within ``[minVal, maxVal]``."""
        lo, hi = sorted((minVal, maxVal))
        shown = [x for x in self.weeks if lo <= x <= hi]
        if not shown or size <= 0 or hi <= lo:
            return []
        k = self.step(size / ((hi - lo) / WEEK_S))
        last = len(self.weeks) - 1
        major = [x for i, x in enumerate(self.weeks) if (last - i) % k == 0 and lo <= x <= hi]
        minor = [x for x in shown if x not in major]
        return [(k * WEEK_S, major), (WEEK_S, minor)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Dates; with weeks in two years, the first label and the first of each new year carry it."""
        years = self._years()
        out: list[str] = []
        previous: int | None = None
        for v in values:
            y = _utc_date(v).year
            out.append(self.week_label(v, year=years and y != previous))
            previous = y
        return out


class ValueAxis(EdgeLabelAxis):
    """A left axis without SI prefixes ("x0.001") and with room for its end labels."""

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)


class CountAxis(ValueAxis):
    """A left axis for counts: whole-number ticks only."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """pyqtgraph's ticks, with levels finer than 1 replaced by the whole numbers in range."""
        out: list[tuple[float, list[float]]] = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing < 1:
                if not out:
                    lo, hi = sorted((minVal, maxVal))
                    out.append((1.0, [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)]))
                break
            out.append((spacing, [float(v) for v in values]))
        return out


def _finite_max(*columns: np.ndarray) -> float:
    """The largest finite value of the columns; 0 when there is none."""
    values = np.concatenate([c[np.isfinite(c)] for c in columns]) if columns else np.array([])
    return float(values.max()) if values.size else 0.0


def _nice_top(value: float, minimum: float) -> float:
    """A round upper bound above ``value`` (1, 2, 2.5 or 5 times a power of ten), at least ``minimum``."""
    if not math.isfinite(value) or value <= 0:
        return minimum
    value *= 1.1  # room above the highest point
    power = 10.0 ** math.floor(math.log10(value))
    top = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value)
    return max(top, minimum)


class TrendCharts(QWidget):
    """The trend page: a note, a read-out line and five small plots sharing one week axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[TrendPoint] = []
        self._dark = False
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self.readout = QLabel(translate("TrendChart", "Point at a week to read its values."), self)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setWordWrap(True)
        self.layout_widget = pg.GraphicsLayoutWidget(self)
        lw = self.layout_widget
        self.plots: dict[str, pg.PlotItem] = {}
        self.titles: dict[str, str] = {}
        self.week_axes: dict[str, WeekAxis] = {}
        self.empty_text: dict[str, pg.TextItem] = {}
        #: Per plot, why it is empty when it is (the source to add); default "No data in this range".
        self.empty_reasons: dict[str, str] = {}

        def plot(key: str, title: str, units: str, row: int, col: int, *, counts: bool = False) -> pg.PlotItem:
            axis = WeekAxis()
            left = CountAxis() if counts else ValueAxis()
            p = lw.addPlot(row=row, col=col, axisItems={"bottom": axis, "left": left})
            p.setLabel("left", units)
            p.showGrid(x=True, y=True, alpha=0.25)
            p.setMouseEnabled(x=False, y=False)
            p.disableAutoRange()
            p.hideButtons()
            p.setMenuEnabled(False)
            font = QFont(self.font())
            axis.setTickFont(font)
            left.setTickFont(font)
            # pyqtgraph reserves 80 % of a label's height (its boundingRect "is usually a bit too
            # large"): descenders were cut off. Tick, offset and the whole line height, then.
            axis.setHeight(math.ceil(QFontMetricsF(font).height()) + 12)
            text = pg.TextItem("", anchor=(0.5, 0.5))
            text.setVisible(False)
            p.addItem(text, ignoreBounds=True)
            self.plots[key] = p
            self.titles[key] = title
            self.week_axes[key] = axis
            self.empty_text[key] = text
            return p

        lead = plot("lead", translate("TrendChart", "Lead time per week (days)"), translate("TrendChart", "days"), 0, 0)
        self.lead_median = lead.plot(
            pen=pg.mkPen(MEDIAN_COLOUR, width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush=MEDIAN_COLOUR,
            symbolPen=MEDIAN_COLOUR,
            connect="finite",
        )
        self.lead_p85 = lead.plot(
            pen=pg.mkPen(P85_COLOUR, width=2, style=Qt.PenStyle.DashLine),
            symbol="d",
            symbolSize=5,
            symbolBrush=P85_COLOUR,
            symbolPen=P85_COLOUR,
            connect="finite",
        )
        self.legend_names = (translate("TrendChart", "median"), "p85")
        dep = plot(
            "deployments",
            translate("TrendChart", "Production deployments per week"),
            translate("TrendChart", "count"),
            0,
            1,
            counts=True,
        )
        self.deploy_bars = pg.BarGraphItem(x=[], height=[], width=WEEK_S * 0.7, brush="#009E73")
        dep.addItem(self.deploy_bars)
        ok = plot("success", translate("TrendChart", "Deployment success rate (%)"), "%", 1, 0)
        self.success = ok.plot(
            pen=pg.mkPen("#009E73", width=2), symbol="s", symbolSize=5, symbolBrush="#009E73", connect="finite"
        )
        flow = plot("flow", translate("TrendChart", "Flow efficiency (%)"), "%", 1, 1)
        self.flow = flow.plot(
            pen=pg.mkPen("#CC79A7", width=2), symbol="t", symbolSize=6, symbolBrush="#CC79A7", connect="finite"
        )
        wip = plot(
            "wip",
            translate("TrendChart", "Work in progress (items)"),
            translate("TrendChart", "items"),
            2,
            0,
            counts=True,
        )
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
        layout.addWidget(self.note)
        layout.addWidget(self.readout)
        layout.addWidget(lw, 1)
        self.set_points([])

    # -- theme and titles --

    def title_html(self, key: str) -> str:
        """The title row of a plot; the lead-time plot's carries its legend (never on the data)."""
        title = html.escape(self.titles[key])
        if key != "lead":
            return title
        median, p85 = (html.escape(n) for n in self.legend_names)
        gap = "&nbsp;" * 4
        return (
            f"{title}{gap}<span style='color:{MEDIAN_COLOUR}'>━●━</span>&nbsp;{median}"
            f"{gap}<span style='color:{P85_COLOUR}'>╍◆╍</span>&nbsp;{p85}"
        )

    def set_dark(self, dark: bool) -> None:
        """Follow the window's theme."""
        self._dark = dark
        bg, fg = colours(dark)
        self.layout_widget.setBackground(bg)
        for key, p in self.plots.items():
            p.setTitle(self.title_html(key))
            style_plot(p, dark)
            self.empty_text[key].setColor(fg)

    # -- data --

    def set_points(self, points: Sequence[TrendPoint]) -> None:
        """Show these weeks (oldest first)."""
        self._points = sorted(points, key=lambda p: p.week_start)
        a = trend_arrays(self._points)
        x = a["x"]
        for curve, y in (
            (self.lead_median, a["lead_median_d"]),
            (self.lead_p85, a["lead_p85_d"]),
            (self.success, a["success_pct"]),
            (self.flow, a["flow_pct"]),
            (self.wip, a["wip"]),
        ):
            # A curve with no finite value at all is emptied (pyqtgraph warns on an all-NaN bound).
            curve.setData(x, y) if np.isfinite(y).any() else curve.setData([], [])
        self.deploy_bars.setOpts(x=x, height=a["deployments"], width=WEEK_S * 0.7)
        for axis in self.week_axes.values():
            axis.set_weeks(x.tolist())
        x_lo, x_hi = (x[0] - WEEK_S / 2, x[-1] + WEEK_S / 2) if len(x) else (0.0, 1.0)
        self.plots["lead"].setXRange(x_lo, x_hi, padding=0)
        lead_top = _finite_max(a["lead_median_d"], a["lead_p85_d"])
        flow_top = _finite_max(a["flow_pct"])
        tops = {
            "lead": _nice_top(lead_top, 1.0),
            "deployments": _nice_top(float(np.max(a["deployments"], initial=0)), 1.0),
            "success": 105.0,
            "flow": min(100.0, _nice_top(flow_top, 10.0)),
            "wip": _nice_top(float(np.max(a["wip"], initial=0)), 1.0),
        }
        has = {
            "lead": bool(np.isfinite(a["lead_median_d"]).any() or np.isfinite(a["lead_p85_d"]).any()),
            "deployments": bool(len(x)),
            "success": bool(np.isfinite(a["success_pct"]).any()),
            "flow": bool(np.isfinite(a["flow_pct"]).any()),
            "wip": bool(len(x)),
        }
        # One width for every left axis, so the weeks line up from plot to plot.
        fm = QFontMetricsF(self.font())
        widest = max(fm.horizontalAdvance(f"{top:g}") for top in tops.values())
        axis_w = math.ceil(widest + fm.height() + 24)
        for key, p in self.plots.items():
            p.getAxis("left").setWidth(axis_w)
            p.setYRange(0, tops[key], padding=0)
            text = self.empty_text[key]
            text.setText(self.empty_reasons.get(key) or translate("TrendChart", "No data in this range"))
            text.setPos((x_lo + x_hi) / 2, tops[key] / 2)
            text.setVisible(not has[key])
        for line in self.cursors.values():
            line.setVisible(False)
        self.note.setText(self.note_text())
        self.note.setVisible(bool(self.note.text()))
        self.readout.setText(
            translate("TrendChart", "Point at a week to read its values.")
            if self._points
            else translate("TrendChart", "No data in this range: no weeks to show.")
        )

    def set_empty_reasons(self, reasons: dict[str, str]) -> None:
        """Say why a plot is empty (``{"lead": "No tickets synced yet: …"}``) and redraw."""
        if reasons != self.empty_reasons:
            self.empty_reasons = dict(reasons)
            self.set_points(self._points)

    def note_text(self) -> str:
        """What the reader must know before trusting the lines: weeks left out for too few items."""
        thin = [p for p in self._points if p.too_few]
        if not thin:
            return ""
        return translate(
            "TrendChart",
            "Lead time and flow efficiency leave out %n week(s) with fewer than {min} completed items "
            "(too few to be a trend); point at a week to see how many it had.",
            "",
            len(thin),
        ).format(min=thin[0].min_completions)

    def points(self) -> list[TrendPoint]:
        """The weeks shown."""
        return list(self._points)

    def readout_for(self, index: int) -> str:
        """The read-out text for week ``index``."""
        p = self._points[index]
        if p.too_few:
            completed = translate(
                "TrendChart", "%n item(s) completed, fewer than {min}: not drawn", "", p.completed
            ).format(min=p.min_completions)
        else:
            completed = translate("TrendChart", "%n item(s) completed", "", p.completed)
        return translate(
            "TrendChart",
            "Week of {week}: lead time median {median}, p85 {p85} ({completed}) · deployments {deployments} · "
            "success {success} · flow efficiency {flow} · WIP {wip}",
        ).format(
            week=f"{p.week_start:%Y-%m-%d}",
            median=fmt_hours(p.lead_time_median_h),
            p85=fmt_hours(p.lead_time_p85_h),
            completed=completed,
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
