"""The wall's pages, sized from the screen: pipelines, value-stream map, scorecard, and "waiting".

Every page takes ``font_px``, the wall's base text size (the window derives it from the screen
height: 30 px at 1080p, 60 px at 2160p), so key numbers are ≥ 40 px at 1080p. Pages are fed
plain result objects, like every widget.

* :class:`WallPipelinesPage` — a :class:`~widgets.pipeline_board.PipelineBoard` without scroll
  bars: only the tiles that fit entirely are shown; a line says how many more there are.
* :class:`WallMapPage` — headline numbers and the :class:`~widgets.value_stream_map.ValueStreamMap`
  drawn scaled up (its own fonts are sized for a desk; the painter scales the vector drawing).
* :class:`WallScorePage` — the DORA keys and the delivery figures as big cards.
* :class:`WaitingPage` — what the wall says before any data: never a blank screen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette, QRegion, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from data.report.results import Report, StreamResult
from widgets.format import DASH, TIER_COLOURS, fmt_day_month, fmt_hours, fmt_pct
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.pipeline_board import PipelineBoard
from widgets.pipeline_filters import BoardFilter
from widgets.scorecard import ScoreRow, delivery_rows, dora_rows, met_text, tier_text
from widgets.value_stream_map import ValueStreamMap

__all__ = ["WaitingPage", "WallMapPage", "WallPipelinesPage", "WallScorePage", "label"]


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


class _ScaledMap(QWidget):
    """Draws a :class:`ValueStreamMap` scaled by ``factor`` (vector text stays sharp)."""

    def __init__(self, parent: QWidget | None = None, *, factor: float = 2.0) -> None:
        super().__init__(parent)
        self.factor = factor
        self.map = ValueStreamMap()  # never shown: rendered into this widget
        self.map.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_stream(self, stream: StreamResult | None, placeholder: str | None = None) -> None:
        self.map.set_stream(stream, placeholder)
        self._relayout()
        self.update()

    def setPalette(self, palette: QPalette) -> None:  # type: ignore[override]  # only palettes are passed
        """Also give the hidden map the wall's colours."""
        super().setPalette(palette)
        self.map.setPalette(palette)

    def _relayout(self) -> None:
        w = max(400, round(self.width() / self.factor))
        h = max(self.map.heightForWidth(w), round(self.height() / self.factor))
        self.map.resize(w, h)

    def fitted_factor(self) -> float:
        """The scale actually used: ``factor``, shrunk when the map would be taller than the page."""
        w = max(400, round(self.width() / self.factor))
        need = self.map.heightForWidth(w) * self.factor
        return self.factor if need <= self.height() or need <= 0 else self.factor * self.height() / need

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The hidden map follows the logical size."""
        super().resizeEvent(event)
        self._relayout()

    def sizeHint(self) -> QSize:
        """Whatever the page gives."""
        return QSize(800, 400)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Render the map through a scaling painter."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        k = self.fitted_factor()
        p.scale(k, k)
        self.map.render(p, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
        p.end()


class WallMapPage(QWidget):
    """Headline numbers (lead time, flow efficiency, bottleneck, WIP) over the scaled map."""

    title = QT_TRANSLATE_NOOP("WallPages", "Value stream")

    def __init__(self, parent: QWidget | None = None, *, font_px: int = 30) -> None:
        super().__init__(parent)
        self.font_px = font_px
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
            self.figures[key] = (value, cap)
        self.name = label("", px=font_px, bold=True, name="wallStreamName")
        self.map = _ScaledMap(self, factor=max(1.0, font_px / 15))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addLayout(self.headline)
        layout.addWidget(self.map, 1)

    def set_report(self, report: Report | None) -> None:
        """Show the first stream of ``report`` (placeholder when None)."""
        stream = report.streams[0] if report is not None and report.streams else None
        if stream is None:
            self.map.set_stream(None, translate("WallPages", "Waiting for the first report…"))
            self.name.setText("")
            for value, _cap in self.figures.values():
                value.setText(DASH)
            return
        window = f"{fmt_day_month(report.window_from)} – {fmt_day_month(report.window_to)}" if report else ""
        self.name.setText(
            translate("WallPages", "{name} · %n item(s) completed · {window}", "", stream.completed).format(
                name=stream.name, window=window
            )
        )
        self.figures["lead"][0].setText(fmt_hours(stream.lead_time_median_h))
        self.figures["eff"][0].setText(fmt_pct(stream.flow_efficiency))
        self.figures["wip"][0].setText(str(stream.wip))
        self.figures["bottleneck"][0].setText(stream.bottleneck or DASH)
        self.map.set_stream(stream)

    def setPalette(self, palette: QPalette) -> None:  # type: ignore[override]  # only palettes are passed
        """The scaled map needs the palette too."""
        super().setPalette(palette)
        self.map.setPalette(palette)


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
