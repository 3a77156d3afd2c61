"""The Forecast page: when will the work in progress (or N items) be done, and how many by a date?

Three questions, each answered at 50, 85 and 95 % likelihood from a Monte Carlo run over the stream's
recent daily throughput: the items in progress now, a number the user types, and the items done by a
date the user picks; under them the histograms of the runs' outcomes for the last two (pyqtgraph
``BarGraphItem``, created once and updated with ``setOpts``). "Too little history" is said in words
and nothing is drawn. The panel is fed plain result objects (anything with the fields of
``data.metrics.forecast.ForecastResult``) and :class:`Outcomes`; the app computes them on a worker.
Texts keep the ``ForecastPanel`` context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.format import DASH
from widgets.i18n import translate
from widgets.plot_theme import colours, style_plot

__all__ = ["MAX_ITEMS", "Forecast", "ForecastPanel", "Outcomes", "fmt_date"]

#: The largest number of items the panel asks about (the CLI allows more; a screen needs no more).
MAX_ITEMS = 100_000
#: How long typing may pause before the forecast is asked for (ms): one computation per pause.
DEBOUNCE_MS = 250
LIKELY = ("50 %", "85 %", "95 %")
#: Bars in a histogram at most (a count spread over hundreds of values is binned).
MAX_BARS = 50
BAR_COLOUR = "#0072B2"
MARK_COLOURS = ("#009E73", "#E69F00", "#D55E00")


#: A forecast as the panel reads it: ``stream``, ``weeks``, ``history_days``, ``history_from``, ``history_to``,
#: ``working_days``, ``runs``, ``start``, ``items``, ``by``, ``p50``, ``p85``, ``p95`` and ``reason`` — the fields
#: of ``data.metrics.forecast.ForecastResult``, which widgets do not import (the layer rule).
Forecast = Any


@dataclass(frozen=True)
class Outcomes:
    """A histogram's input: one outcome per run (days taken, or items done) and the 50/85/95 % answers."""

    values: npt.NDArray[np.int64]
    marks: tuple[int, int, int]


def fmt_date(d: date) -> str:
    """A day in the installed language (``Mon 14 Dec 2026``; zh_CN: ``2026年12月14日 周一``)."""
    return QLocale().toString(QDate(d.year, d.month, d.day), translate("ForecastPanel", "ddd d MMM yyyy"))


def _plain(text: str = "", *, wrap: bool = False, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if bold:
        f = label.font()
        f.setBold(True)
        label.setFont(f)
    return label


def _answer(value: date | int | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, date):
        return fmt_date(value)
    return translate("ForecastPanel", "at least {n}").format(n=value)


class ForecastPanel(QWidget):
    """The forecast page: inputs, the three answers, two histograms, the target forecast.

    Signals:
        asked(int, object): the items typed and the date picked (a ``datetime.date``), once typing pauses.
    """

    asked = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = _plain(translate("ForecastPanel", "Computed when this page is shown."), wrap=True)
        self.items_spin = QSpinBox()
        self.items_spin.setRange(1, MAX_ITEMS)
        self.items_spin.setValue(20)
        self.items_spin.setKeyboardTracking(True)
        self.items_spin.setAccessibleName(translate("ForecastPanel", "Number of items to forecast"))
        self.by_edit = QDateEdit()
        self.by_edit.setCalendarPopup(True)
        self.by_edit.setDisplayFormat("yyyy-MM-dd")
        self.by_edit.setAccessibleName(translate("ForecastPanel", "Date to count the items done by"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.ask_now)
        self.items_spin.valueChanged.connect(lambda _v: self._timer.start())
        self.by_edit.dateChanged.connect(lambda _d: self._timer.start())
        inputs = QHBoxLayout()
        inputs.addWidget(_plain(translate("ForecastPanel", "Items:")))
        inputs.addWidget(self.items_spin)
        inputs.addSpacing(20)
        inputs.addWidget(_plain(translate("ForecastPanel", "Done by:")))
        inputs.addWidget(self.by_edit)
        inputs.addStretch(1)

        self.caption = _plain(wrap=True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.addWidget(_plain(translate("ForecastPanel", "Question"), bold=True), 0, 0)
        for col, p in enumerate(LIKELY, start=1):
            grid.addWidget(_plain(translate("ForecastPanel", "{p} likely").format(p=p), bold=True), 0, col)
        self.questions: dict[str, QLabel] = {}
        self.answers: dict[str, list[QLabel]] = {}
        for row, key in enumerate(("wip", "items", "by"), start=1):
            self.questions[key] = _plain(wrap=True)
            grid.addWidget(self.questions[key], row, 0)
            self.answers[key] = []
            for col in range(1, 4):
                cell = _plain(DASH, bold=True)
                self.answers[key].append(cell)
                grid.addWidget(cell, row, col)
        grid.setColumnStretch(4, 1)  # answers next to their questions, the spare width after them
        self.reason = _plain(wrap=True)
        self.reason.setObjectName("forecastReason")
        self.reason.setVisible(False)
        self.target = _plain(wrap=True)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(220)
        self.days_plot = self._plot(0, translate("ForecastPanel", "days from today (day 1 is today)"))
        self.count_plot = self._plot(1, translate("ForecastPanel", "items done"))
        # Created once; every later result only moves them (setOpts / setValue).
        self.days_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=BAR_COLOUR, pen=None)
        self.count_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=BAR_COLOUR, pen=None)
        self.days_plot.addItem(self.days_bars)
        self.count_plot.addItem(self.count_bars)
        self.days_marks = [self._mark(self.days_plot, c) for c in MARK_COLOURS]
        self.count_marks = [self._mark(self.count_plot, c) for c in MARK_COLOURS]
        self.legend = _plain(
            translate(
                "ForecastPanel",
                "Bars: the share of the runs ending there. Lines: 50 % (green), 85 % (orange) and 95 % (red) likely.",
            ),
            wrap=True,
        )

        # Scrolls rather than forcing a taller window (the plots need some height to be read).
        body = QWidget()
        layout = QVBoxLayout(body)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout.addWidget(self.status)
        layout.addLayout(inputs)
        layout.addWidget(self.caption)
        layout.addLayout(grid)
        layout.addWidget(self.reason)
        layout.addWidget(self.target)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.legend)
        self._start: date | None = None
        self._wip = 0
        self._fg = colours(False)[1]
        self.set_dark(False)
        self.clear()

    def _plot(self, col: int, bottom: str) -> pg.PlotItem:
        p = self.plots.addPlot(row=0, col=col)
        p.setLabel("left", translate("ForecastPanel", "% of runs"))
        p.getAxis("left").enableAutoSIPrefix(False)  # "% of runs (x0.001)" reads as a different unit
        p.setLabel("bottom", bottom)
        p.showGrid(x=False, y=True, alpha=0.25)
        p.setMouseEnabled(x=False, y=False)
        p.hideButtons()
        p.setMenuEnabled(False)
        return p

    @staticmethod
    def _mark(plot: pg.PlotItem, colour: str) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(colour, width=2))
        line.setVisible(False)
        plot.addItem(line)
        return line

    def set_dark(self, dark: bool) -> None:
        """Plot colours for the theme."""
        bg, fg = colours(dark)
        self._fg = fg
        self.plots.setBackground(bg)
        for p in (self.days_plot, self.count_plot):
            style_plot(p, dark)

    # -- inputs --

    def set_context(self, start: date, wip: int) -> None:
        """The forecast's first day and the stream's WIP now; the date defaults to four weeks on."""
        first = self._start is None
        self._start = start
        self.by_edit.blockSignals(True)
        self.by_edit.setMinimumDate(QDate(start.year, start.month, start.day))
        if first or self.by() < start:
            d = start + timedelta(days=27)
            self.by_edit.setDate(QDate(d.year, d.month, d.day))
        self.by_edit.blockSignals(False)
        self._wip = wip

    def items(self) -> int:
        """The number of items typed."""
        return int(self.items_spin.value())

    def by(self) -> date:
        """The date picked."""
        q = self.by_edit.date()
        return date(q.year(), q.month(), q.day())

    def ask_now(self) -> None:
        """Emit ``asked`` now (the debounce timer calls this once typing pauses)."""
        self._timer.stop()
        self.asked.emit(self.items(), self.by())

    # -- results --

    def set_status(self, text: str) -> None:
        """The line at the top (what is computed, or what went wrong)."""
        self.status.setText(text)

    def set_target(self, text: str) -> None:
        """The stage-level target forecast, in words."""
        self.target.setText(text)

    def clear(self) -> None:
        """No answers, no bars."""
        for cells in self.answers.values():
            for c in cells:
                c.setText(DASH)
        self._bars(self.days_bars, self.days_marks, None)
        self._bars(self.count_bars, self.count_marks, None)

    def set_results(
        self,
        wip: Forecast | None,
        items: Forecast,
        by: Forecast,
        items_outcomes: Outcomes | None,
        by_outcomes: Outcomes | None,
    ) -> None:
        """Show the answers (``wip`` None: nothing in progress) and the histograms of the runs."""
        unit = translate("ForecastPanel", "working days") if items.working_days else translate("ForecastPanel", "days")
        first = fmt_date(items.history_from) if items.history_from else DASH
        last = fmt_date(items.history_to) if items.history_to else DASH
        self.caption.setText(
            translate(
                "ForecastPanel",
                "{stream}: from the daily throughput of the last {weeks} weeks ({days} {unit} with data, {first} to "
                "{last}), {runs} runs. Day 1 is {start}.",
            ).format(
                stream=items.stream,
                weeks=items.weeks,
                days=items.history_days,
                unit=unit,
                first=first,
                last=last,
                runs=f"{items.runs:,}",
                start=fmt_date(items.start),
            )
        )
        n_wip = self._wip
        self.questions["wip"].setText(
            translate("ForecastPanel", "The %n item(s) in progress now are done by", "", n_wip)
            if n_wip
            else translate("ForecastPanel", "No item is in progress now")
        )
        self.questions["items"].setText(translate("ForecastPanel", "%n item(s) more are done by", "", items.items or 0))
        self.questions["by"].setText(
            translate("ForecastPanel", "Items done from {start} to {by}").format(
                start=fmt_date(by.start), by=fmt_date(by.by) if by.by else DASH
            )
        )
        for key, f in (("wip", wip), ("items", items), ("by", by)):
            values = (None, None, None) if f is None else (f.p50, f.p85, f.p95)
            for cell, v in zip(self.answers[key], values, strict=True):
                cell.setText(_answer(v))
        reason = items.reason or by.reason
        self.reason.setVisible(bool(reason))
        if reason:
            self.reason.setText(translate("ForecastPanel", "Not forecast: {reason}").format(reason=reason))
        self.days_plot.setTitle(
            translate("ForecastPanel", "Days to finish %n item(s)", "", items.items or 0), color=self._fg
        )
        self.count_plot.setTitle(
            translate("ForecastPanel", "Items done by {by}").format(by=fmt_date(by.by) if by.by else DASH),
            color=self._fg,
        )
        self._bars(self.days_bars, self.days_marks, None if items.reason else items_outcomes)
        self._bars(self.count_bars, self.count_marks, None if by.reason else by_outcomes)
        self.plots.setVisible(not reason)
        self.legend.setVisible(not reason)

    @staticmethod
    def _bars(bars: pg.BarGraphItem, marks: list[pg.InfiniteLine], outcomes: Outcomes | None) -> None:
        if outcomes is None or outcomes.values.size == 0:
            bars.setOpts(x=np.zeros(0), height=np.zeros(0), width=0.8)
            for line in marks:
                line.setVisible(False)
            return
        values = outcomes.values.astype(np.int64)
        lo = int(np.min(values))
        # At most about MAX_BARS bars: a wide spread of counts is grouped into bins of equal width.
        step = max(1, -(-(int(np.max(values)) - lo + 1) // MAX_BARS))
        counts = np.bincount((values - lo) // step)
        x = lo + step * np.arange(counts.size, dtype=float) + (step - 1) / 2
        keep = counts > 0
        bars.setOpts(x=x[keep], height=counts[keep] * 100.0 / values.size, width=0.8 * step)
        for line, mark in zip(marks, outcomes.marks, strict=True):
            line.setValue(float(mark))
            line.setVisible(True)

    def answer_texts(self) -> dict[str, list[str]]:
        """``wip``/``items``/``by`` -> the 50/85/95 % answers shown (for tests)."""
        return {k: [c.text() for c in cells] for k, cells in self.answers.items()}
