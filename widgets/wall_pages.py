"""The wall's pages, sized from the screen: pipelines, value-stream map, scorecard, and "waiting".

Every page takes ``font_px``, the wall's base text size (the window derives it from the screen
height: 30 px at 1080p, 60 px at 2160p), so key numbers are ≥ 40 px at 1080p. Pages are fed
plain result objects, like every widget.

* :class:`WallPipelinesPage` — a :class:`~widgets.pipeline_board.PipelineBoard` without scroll
  bars: only the tiles that fit entirely are shown; a line says how many more there are.
* :class:`WallMapPage` — headline numbers over the stages as a table of its own, sized for the
  wall (stage names and figures ≥ 40 px at 1080p; the desktop map scaled down to fit was ≈ 22 px):
  one row per stage with its median wait and process time as a bar and in words, and its WIP.
* :class:`WallScorePage` — the DORA keys and the delivery figures as big cards.
* :class:`WaitingPage` — what the wall says before any data: never a blank screen.

:func:`window_text` and :func:`pipelines_window_text` say which period a page covers ("last 13 weeks
to 30 Nov"); the wall prints it on every page, so a figure can be compared with the desktop's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from data.report.results import Report, StageResult, StreamResult
from widgets.format import DASH, TIER_COLOURS, fmt_day_month, fmt_hours, fmt_pct
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.pipeline_board import PipelineBoard
from widgets.pipeline_filters import BoardFilter
from widgets.scorecard import ScoreRow, delivery_rows, dora_rows, met_text, tier_text

__all__ = [
    "WaitingPage",
    "WallMapPage",
    "WallPipelinesPage",
    "WallScorePage",
    "label",
    "pipelines_window_text",
    "stage_px_for",
    "window_text",
]

#: Okabe-Ito: wait orange, process sky blue, bottleneck vermillion (each also said in words).
WAIT_COLOUR = "#E69F00"
PROCESS_COLOUR = "#56B4E9"
BOTTLENECK_COLOUR = "#D55E00"


def stage_px_for(font_px: int) -> tuple[int, int]:
    """The stage table's text sizes, largest first: 1.5 × the wall's base size (45 px at 1080p) when
    the stages fit, else 4/3 × (40 px at 1080p, 80 px at 2160p) before any row is left out."""
    return round(font_px * 1.5), round(font_px * 4 / 3)


_UNITS = {"weeks": 7 * 86400, "days": 86400, "hours": 3600}


def _span(seconds: float, units: tuple[str, ...] = ("weeks", "days", "hours")) -> tuple[str, int] | None:
    """A span as whole ``units`` (the first that divides it), None when it is none of them."""
    for unit in units:
        size = _UNITS[unit]
        n = seconds / size
        if n >= 1 and abs(n - round(n)) < 1e-6:
            return unit, round(n)
    return None


def window_text(start: datetime, end: datetime, units: tuple[str, ...] = ("weeks", "days", "hours")) -> str:
    """The period a page covers: ``last 13 weeks to 30 Nov`` (local day; else ``2 Nov – 30 Nov``).

    ``units``: the units to say it in, the first that fits whole (a horizon reads better in days).
    """
    to = fmt_day_month(end)
    span = _span((end - start).total_seconds(), units)
    if span is None:
        return translate("WallPages", "{start} – {end}").format(start=fmt_day_month(start), end=to)
    unit, n = span
    if unit == "weeks":
        return translate("WallPages", "last %n week(s) to {end}", "", n).format(end=to)
    if unit == "days":
        return translate("WallPages", "last %n day(s) to {end}", "", n).format(end=to)
    return translate("WallPages", "last %n hour(s) to {end}", "", n).format(end=to)


def pipelines_window_text(view: Any) -> str:
    """What the pipelines page covers: its activity horizon, and the feature branches' shorter one."""
    if view.horizon_days is None:
        return translate("WallPages", "every pipeline ever run, to {end}").format(end=fmt_day_month(view.as_of))
    text = window_text(view.as_of - timedelta(days=view.horizon_days), view.as_of, ("days", "hours"))
    feature = getattr(view, "feature_horizon_days", None)
    if feature is not None and feature < view.horizon_days:
        span = _span(feature * 86400, ("days", "hours"))
        if span is not None and span[0] == "days":
            text += " · " + translate("WallPages", "feature branches: %n day(s)", "", span[1])
        elif span is not None:
            text += " · " + translate("WallPages", "feature branches: %n hour(s)", "", span[1])
    return text


def label(text: str = "", *, px: int, bold: bool = False, name: str = "", wrap: bool = True) -> QLabel:
    """A plain-text label with a pixel font size (remote text is never rich text)."""
    w = QLabel(text)
    w.setTextFormat(Qt.TextFormat.PlainText)
    w.setWordWrap(wrap)
    f = QFont(w.font())
    f.setPixelSize(max(8, px))
    f.setBold(bold)
    w.setFont(f)
    if name:
        w.setObjectName(name)
    return w


class WallPipelinesPage(QWidget):
    """Pipelines, failing first, as many whole tiles as the screen holds."""

    title = QT_TRANSLATE_NOOP("WallPages", "Pipelines")

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 30, columns: int = 2) -> None:
        super().__init__(parent)
        self.font_px = font_px
        self.board = PipelineBoard(self, columns=columns, max_tiles=24, font_px=font_px)
        self.board.setFrameShape(QFrame.Shape.NoFrame)
        self.board.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.board.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.board.show_summary = False  # the wall's header has the counts
        self.overflow = label(px=font_px, name="wallOverflow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.board, 1)
        layout.addWidget(self.overflow)
        self.overflow.hide()
        self._view: Any = None

    def set_view(self, view: Any, now: datetime | None = None) -> None:
        """Show a :class:`data.pipelines.status.PipelineView`."""
        self._view = view
        self.board.set_view(view, now)
        self.fit()

    def set_source_errors(self, errors: dict[str, str | None]) -> None:
        """Error tiles for the sources that fail."""
        self.board.set_source_errors(errors)
        self.fit()

    def set_only_active(self, on: bool) -> None:
        """Only failing and running pipelines ("All green" when none)."""
        self.board.set_filter(BoardFilter(only_active=on))
        self.fit()

    def tick(self, now: datetime) -> None:
        """Move the running tiles' progress."""
        self.board.tick(now)

    def fit(self) -> None:
        """Hide the tiles that would be cut at the bottom; say how many are not shown."""
        tiles = [*self.board.error_tiles, *self.board.tiles]
        for t in tiles:
            t.setVisible(True)
        inner = self.board.widget()
        layout = inner.layout() if inner is not None else None
        if inner is None or layout is None:
            return
        # A tile's wrapped lines need the height for the column's real width, which the grid does not ask
        # for: Chinese lines (taller CJK glyphs, longer dates) would otherwise be cut at the bottom.
        spacing = max(0, layout.spacing()) if isinstance(layout, QGridLayout) else 0
        margins = layout.contentsMargins()
        columns = max(1, self.board.columns)
        col_w = (self.board.viewport().width() - margins.left() - margins.right() - spacing * (columns - 1)) // columns
        for t in tiles:
            t.setMinimumHeight(t.heightForWidth(col_w) if t.hasHeightForWidth() else 0)
        inner.resize(self.board.viewport().width(), max(inner.sizeHint().height(), self.board.viewport().height()))
        layout.activate()
        bottom = self.board.viewport().height()
        cut = [t for t in tiles if t.geometry().bottom() > bottom]
        for t in cut:
            t.setVisible(False)
        layout.activate()
        hidden_tiles = [t for t in cut if t in self.board.tiles]
        if hidden_tiles:
            states = [t.status.state for t in hidden_tiles]
            failing = sum(1 for s in states if s == "failed")
            if failing:
                more = translate(
                    "WallPages",
                    "+ %n more on this wall's list, {failing} of them failing (see the desktop app for all)",
                    "",
                    len(hidden_tiles),
                ).format(failing=failing)
            else:
                more = translate(
                    "WallPages", "+ %n more on this wall's list (see the desktop app for all)", "", len(hidden_tiles)
                )
            self.overflow.setText(more)
            self.overflow.show()
        else:
            self.overflow.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-fit the tiles to the new size."""
        super().resizeEvent(event)
        self.fit()


class _StageBar(QWidget):
    """A stage's median wait (orange) then median process time (blue), to the stream's common scale."""

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 40) -> None:
        super().__init__(parent)
        self.font_px = font_px
        self.wait_h: float | None = None
        self.active_h: float | None = None
        self.scale_h = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_values(self, wait_h: float | None, active_h: float | None, scale_h: float) -> None:
        """Median wait and process hours; ``scale_h`` is the longest stage (the bar's full width)."""
        self.wait_h, self.active_h, self.scale_h = wait_h, active_h, max(scale_h, 1e-9)
        self.update()

    def sizeHint(self) -> QSize:
        """Room for a readable bar; the row gives it the rest of its width."""
        return QSize(self.font_px * 3, self.font_px)

    def minimumSizeHint(self) -> QSize:
        """A bar can be short; the figures beside it carry the numbers."""
        return QSize(self.font_px, self.font_px // 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Two segments on one line, wait first (the order time passes in a stage)."""
        p = QPainter(self)
        h = max(4.0, self.height() * 0.55)
        y = (self.height() - h) / 2
        x = 0.0
        for hours, colour in ((self.wait_h, WAIT_COLOUR), (self.active_h, PROCESS_COLOUR)):
            if hours is None or hours <= 0:
                continue
            w = self.width() * hours / self.scale_h
            p.fillRect(QRectF(x, y, w, h), QColor(colour))
            x += w
        p.end()


class _StageRow(QFrame):
    """One stage: name, the wait/process bar, median wait, median process, WIP (all ≥ 40 px at 1080p)."""

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 40, heading: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("wallStageHeading" if heading else "wallStage")
        self.heading = heading
        name = "wallCaption" if heading else ""
        self.name = label(px=font_px, bold=not heading, name=name)
        self.bar = _StageBar(self, font_px=font_px)
        self.wait = label(px=font_px, bold=not heading, name=name, wrap=False)
        self.process = label(px=font_px, bold=not heading, name=name, wrap=False)
        self.wip = label(px=font_px, bold=not heading, name=name, wrap=False)
        for w in (self.wait, self.process, self.wip):
            w.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if heading:
            self.wait.setStyleSheet(f"color: {WAIT_COLOUR};")
            self.process.setStyleSheet(f"color: {PROCESS_COLOUR};")
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(self.name)
        self._layout.addWidget(self.bar, 1)
        for w in (self.wait, self.process, self.wip):
            self._layout.addWidget(w)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.bottleneck = False
        self.font_px = 0
        self.set_px(font_px)

    def labels(self) -> tuple[QLabel, ...]:
        """The row's texts, left to right."""
        return (self.name, self.wait, self.process, self.wip)

    def set_px(self, font_px: int) -> None:
        """Text size of the row (and the padding that goes with it)."""
        if font_px == self.font_px:
            return
        self.font_px = font_px
        for w in self.labels():
            f = QFont(w.font())
            f.setPixelSize(font_px)
            w.setFont(f)
        self.bar.font_px = font_px
        pad = max(4, font_px // 6)
        self._layout.setContentsMargins(pad, pad // 2, pad, pad // 2)
        self._layout.setSpacing(font_px // 2)
        if self.bottleneck:
            self._style()

    def set_stage(self, stage: StageResult, scale_h: float, bottleneck: bool) -> None:
        """Show ``stage``; the bottleneck is marked in words and with a dashed vermillion frame."""
        self.bottleneck = bottleneck
        mark = translate("WallPages", "⚠ {name} (bottleneck)") if bottleneck else "{name}"
        self.name.setText(mark.format(name=stage.name))
        self.bar.set_values(stage.wait_median_h, stage.active_median_h, scale_h)
        self.wait.setText(fmt_hours(stage.wait_median_h))
        self.process.setText(fmt_hours(stage.active_median_h))
        self.wip.setText(str(stage.wip))
        self._style()
        self.setAccessibleName(self.name.text())

    def _style(self) -> None:
        width = max(3, self.font_px // 14)
        edge = f"{width}px dashed {BOTTLENECK_COLOUR}" if self.bottleneck else "2px solid #3A3A3A"
        self.setStyleSheet(f"#wallStage {{ background: #1A1A1A; border: {edge}; border-radius: 6px; }}")

    def set_widths(self, name_w: int, number_w: tuple[int, int, int]) -> None:
        """Align the columns across rows: the name column and each figure column get fixed widths."""
        self.name.setFixedWidth(name_w)
        for w, width in zip((self.wait, self.process, self.wip), number_w, strict=True):
            w.setFixedWidth(width)


class WallMapPage(QWidget):
    """Headline numbers (lead time, flow efficiency, WIP, bottleneck) over a large table of the stages.

    Only whole rows are shown: stages that do not fit are counted in a line under the table.
    """

    title = QT_TRANSLATE_NOOP("WallPages", "Value stream")

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 30) -> None:
        super().__init__(parent)
        self.font_px = font_px
        self.stage_sizes = stage_px_for(font_px)
        #: The stage table's text size now (the largest of :attr:`stage_sizes` that fits).
        self.stage_px = self.stage_sizes[0]
        self.headline = QGridLayout()
        self.figures: dict[str, tuple[QLabel, QLabel]] = {}
        for i, (key, caption) in enumerate(
            (
                ("lead", translate("WallPages", "Lead time (median)")),
                ("eff", translate("WallPages", "Flow efficiency")),
                ("wip", translate("WallPages", "Work in progress")),
                ("bottleneck", translate("WallPages", "Bottleneck")),
            )
        ):
            value = label(DASH, px=round(font_px * 1.9), bold=True, name="wallFigure")
            cap = label(caption, px=round(font_px * 0.85), name="wallCaption")
            self.headline.addWidget(value, 0, i)
            self.headline.addWidget(cap, 1, i)
            self.headline.setColumnStretch(i, 1)
            self.figures[key] = (value, cap)
        self.name = label("", px=font_px, bold=True, name="wallStreamName")
        self.placeholder = label(
            translate("WallPages", "Waiting for the first report…"), px=round(font_px * 1.4), bold=True
        )
        # The rows live in a scroll area without scroll bars, so a long stream cannot make the page
        # (and the kiosk window) taller than the screen; :meth:`fit` hides the rows that do not fit.
        self.table = QScrollArea(self)
        self.table.setWidgetResizable(True)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inner = QWidget()
        self._rows_layout = QVBoxLayout(self._inner)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(max(4, font_px // 4))
        self._rows_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.table.setWidget(self._inner)
        self.heading = _StageRow(self._inner, font_px=self.stage_px, heading=True)
        self.heading.name.setText(translate("WallPages", "Stage"))
        self.heading.wait.setText(translate("WallPages", "■ wait"))
        self.heading.process.setText(translate("WallPages", "■ process"))
        self.heading.wip.setText(translate("WallPages", "WIP"))
        self._rows_layout.addWidget(self.heading)
        self.rows: list[_StageRow] = []
        self.overflow = label(px=font_px, name="wallOverflow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addLayout(self.headline)
        layout.addSpacing(font_px // 3)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.overflow)
        self.overflow.hide()
        self.heading.hide()

    def set_report(self, report: Report | None) -> None:
        """Show the first stream of ``report`` (placeholder when None)."""
        stream = report.streams[0] if report is not None and report.streams else None
        self._set_rows(stream)
        if stream is None:
            self.name.setText("")
            self.placeholder.setText(
                translate("WallPages", "Waiting for the first report…")
                if report is None
                else translate("WallPages", "No completed items in this window")
            )
            self.placeholder.show()
            for value, _cap in self.figures.values():
                value.setText(DASH)
            return
        self.placeholder.hide()
        # The window is in the wall's header on every page; this line names the stream only.
        self.name.setText(
            translate("WallPages", "{name} · %n item(s) completed", "", stream.completed).format(name=stream.name)
        )
        self.figures["lead"][0].setText(fmt_hours(stream.lead_time_median_h))
        self.figures["eff"][0].setText(fmt_pct(stream.flow_efficiency))
        self.figures["wip"][0].setText(str(stream.wip))
        self.figures["bottleneck"][0].setText(stream.bottleneck or DASH)

    def _set_rows(self, stream: StreamResult | None) -> None:
        stages = stream.stages if stream is not None else ()
        while len(self.rows) > len(stages):
            row = self.rows.pop()
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        scale = max(((s.wait_median_h or 0.0) + (s.active_median_h or 0.0) for s in stages), default=1.0)
        for i, st in enumerate(stages):
            if i >= len(self.rows):
                row = _StageRow(self._inner, font_px=self.stage_px)
                self.rows.append(row)
                self._rows_layout.addWidget(row)
            self.rows[i].set_px(self.stage_px)
            self.rows[i].set_stage(st, scale, stream is not None and st.name == stream.bottleneck)
        self.heading.setVisible(bool(stages))
        self.table.setVisible(bool(stages))
        self._align()
        self.fit()

    def _align(self) -> None:
        """Column widths from the widest text in each column (the name column at most a third of the page)."""
        rows = [self.heading, *self.rows]
        bold = QFontMetrics(self.rows[0].name.font()) if self.rows else QFontMetrics(self.heading.name.font())
        pad = self.stage_px // 4

        def widest(texts: list[str]) -> int:
            return max((bold.horizontalAdvance(t) for t in texts), default=0) + pad

        names = widest([r.name.text() for r in rows])
        name_w = min(names, max(self.stage_px * 4, self.width() // 3))
        numbers = (
            widest([r.wait.text() for r in rows]),
            widest([r.process.text() for r in rows]),
            widest([r.wip.text() for r in rows]),
        )
        for r in rows:
            r.set_widths(name_w, numbers)

    def _needed(self, width: int) -> int:
        """Height the heading and every stage row need at ``width``."""
        rows = [self.heading, *self.rows]
        total = sum(r.heightForWidth(width) if r.hasHeightForWidth() else r.sizeHint().height() for r in rows)
        return total + self._rows_layout.spacing() * (len(rows) - 1)

    def fit(self) -> None:
        """Use the largest stage text that fits; hide the rows still cut at the bottom and say how many."""
        rows = [self.heading, *self.rows]
        for r in self.rows:
            r.setVisible(True)
        viewport = self.table.viewport()
        width = viewport.width()
        for px in self.stage_sizes:
            self.stage_px = px
            for r in rows:
                r.set_px(px)
            self._align()
            if self._needed(width) <= viewport.height():
                break
        for r in rows:
            r.setMinimumHeight(r.heightForWidth(width) if r.hasHeightForWidth() else r.sizeHint().height())
        self._inner.resize(width, max(self._inner.sizeHint().height(), viewport.height()))
        self._rows_layout.activate()
        cut = [r for r in self.rows if r.geometry().bottom() > viewport.height()]
        for r in cut:
            r.setVisible(False)
        self._rows_layout.activate()
        if cut:
            self.overflow.setText(
                translate("WallPages", "+ %n more stage(s) (see the desktop app for the whole map)", "", len(cut))
            )
            self.overflow.show()
        else:
            self.overflow.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-fit the rows to the new size."""
        super().resizeEvent(event)
        self.fit()


class _Card(QFrame):
    """One big number: caption, value, tier or target in words."""

    def __init__(self, row: ScoreRow, font_px: int, parent: QWidget | None = None, *, dora: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("wallCard")
        self.caption = label(row.label, px=round(font_px * 0.9), name="wallCaption")
        self.value = label(row.value, px=round(font_px * 1.9), bold=True, name="wallFigure")
        if dora:
            verdict, colour = tier_text(row.tier), TIER_COLOURS.get(row.tier or "", "#9A9A9A")
        else:
            verdict = translate("WallPages", "target {target}: {mark}").format(
                target=row.target, mark=met_text(row.met)
            )
            colour = "#9A9A9A" if row.met is None else ("#009E73" if row.met else "#D55E00")
        self.verdict = label(verdict, px=font_px, bold=True, name="wallVerdict")
        self.verdict.setStyleSheet(f"color: {colour};")
        self.note = label(row.note, px=round(font_px * 0.75), name="wallNote")
        layout = QVBoxLayout(self)
        for w in (self.caption, self.value, self.verdict, self.note):
            layout.addWidget(w)
        layout.addStretch(1)
        self.note.setVisible(bool(row.note))
        # A figure with neither tier nor target has no verdict to give (not "no data").
        self.verdict.setVisible(dora or row.target is not None)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)


class WallScorePage(QWidget):
    """The four DORA keys over the four delivery figures, as cards."""

    title = QT_TRANSLATE_NOOP("WallPages", "Scorecard")

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 30) -> None:
        super().__init__(parent)
        self.font_px = font_px
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for c in range(4):
            self.grid.setColumnStretch(c, 1)
        self.cards: list[_Card] = []
        self.placeholder = label(
            translate("WallPages", "Waiting for the first report…"), px=round(font_px * 1.4), bold=True
        )
        self.grid.addWidget(self.placeholder, 0, 0)

    def set_report(self, report: Report | None) -> None:
        """Show ``report``'s figures."""
        for card in self.cards:
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.placeholder.setVisible(report is None)
        if report is None:
            return
        rows = [(r, True) for r in dora_rows(report)] + [(r, False) for r in delivery_rows(report)]
        for i, (row, dora) in enumerate(rows):
            card = _Card(row, self.font_px, self, dora=dora)
            self.cards.append(card)
            self.grid.addWidget(card, i // 4, i % 4)
            card.show()


class WaitingPage(QWidget):
    """Before any data: a clear message (the clock stays in the header), never a blank screen."""

    title = QT_TRANSLATE_NOOP("WallPages", "Waiting")

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 30) -> None:
        super().__init__(parent)
        self.message = label(
            translate("WallPages", "Waiting for first data…"), px=round(font_px * 2), bold=True, name="wallWaiting"
        )
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = label("", px=font_px, name="wallCaption")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def set_detail(self, text: str) -> None:
        """What is happening (opening the store, polling N sources, a source's error)."""
        self.detail.setText(text)
