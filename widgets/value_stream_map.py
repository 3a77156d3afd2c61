"""The value-stream map drawn to scale: one box per stage in flow order (ticket stages and pipeline
stages under their own captions, wait and process bars on one scale), the lean timeline ladder
underneath with every step as long as its time, the median lead time on the same scale, and the
sentences that reconcile the two (:mod:`widgets.map_layout` says what goes where).

Painted with QPainter (so every string is drawn as plain text, whatever a remote system calls a
stage). The geometry lives in :meth:`ValueStreamMap.compute_layout`, a pure function of the data,
the width and the font, which the paint code and the tests share: tests check that boxes never
overlap and that every string fits its box from 3 to 12 stages and from 1000 to 2400 px. That
computation and the layout types are in :mod:`widgets.map_layout` (re-exported here); this module
paints and handles input.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from data.report.results import StreamResult
from widgets.format import fmt_in_unit, fmt_pct, plain_tooltip
from widgets.i18n import translate
from widgets.map_layout import MapLayout, TextLine, compute_map_layout, count_text, is_pipeline, map_unit

__all__ = [
    "ValueStreamMap",
]

BOTTLENECK_COLOUR = QColor("#D55E00")  # Okabe-Ito vermillion; the mark is also text and a dashed border
WAIT_COLOUR = QColor("#E69F00")
ACTIVE_COLOUR = QColor("#0072B2")


class ValueStreamMap(QWidget):
    """The map of one value stream. Feed it with :meth:`set_stream`.

    Signals:
        stage_activated(int): a stage was clicked, or chosen with the keyboard (Enter).
    """

    stage_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stream: StreamResult | None = None
        self._placeholder = translate("ValueStreamMap", "Loading…")
        self._current = 0
        self._layout_cache: tuple[int, MapLayout] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(translate("ValueStreamMap", "Value-stream map"))

    # -- data --

    def set_stream(self, stream: StreamResult | None, placeholder: str | None = None) -> None:
        """Show ``stream`` (or the placeholder text when None)."""
        self._stream = stream
        self._placeholder = (
            translate("ValueStreamMap", "No data for this period") if placeholder is None else placeholder
        )
        self._current = min(self._current, max(0, len(stream.stages) - 1)) if stream else 0
        self._layout_cache = None
        self.updateGeometry()
        self.update()

    def stream(self) -> StreamResult | None:
        """The stream shown."""
        return self._stream

    def current_stage(self) -> int:
        """The stage with keyboard focus."""
        return self._current

    # -- geometry --

    def compute_layout(self, width: float | None = None) -> MapLayout:
        """The geometry of everything drawn, for ``width`` (default: the widget's)."""
        w = float(width if width is not None else max(self.width(), 200))
        if width is None and self._layout_cache and self._layout_cache[0] == int(w):
            return self._layout_cache[1]
        layout = self._compute(w)
        if width is None:
            self._layout_cache = (int(w), layout)
        return layout

    def _compute(self, w: float) -> MapLayout:
        return compute_map_layout(self._stream, self.font(), w)

    def sizeHint(self) -> QSize:
        """Wide enough for a readable map, tall enough for the boxes and ladder at this width."""
        return QSize(1000, int(self.compute_layout(max(self.width(), 1000)).height))

    def minimumSizeHint(self) -> QSize:
        """The map stays usable down to 600 px."""
        return QSize(600, 240)

    def hasHeightForWidth(self) -> bool:
        """Height follows width (narrow boxes need smaller, taller text)."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the map needs at ``width``."""
        return int(self.compute_layout(width).height)

    def resizeEvent(self, event: object) -> None:
        """Geometry depends on the width: recompute it lazily."""
        self._layout_cache = None
        super().resizeEvent(event)  # type: ignore[arg-type]

    def stage_at(self, pos: QPointF) -> int | None:
        """The stage whose box, or step of the timeline, is under ``pos``; or None."""
        layout = self.compute_layout()
        for box in layout.boxes:
            if box.rect.contains(pos):
                return box.index
        for seg in layout.segments:
            # Steps can be a pixel long: the hit area is at least a few pixels wide and tall.
            hit = QRectF(seg.x0 - 2, seg.y - 7, max(4.0, seg.length + 4), 14)
            if hit.contains(pos):
                return seg.index
        return None

    # -- painting --

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the header, boxes, timeline and reconciliation from :meth:`compute_layout`."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_colour = pal.color(self.foregroundRole())
        p.fillRect(self.rect(), pal.color(self.backgroundRole()))
        if self._stream is None or not self._stream.stages:
            p.setPen(text_colour)
            f = QFont(self.font())
            f.setPointSizeF(14)
            p.setFont(f)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            return
        layout = self.compute_layout()
        dark = text_colour.lightness() >= 128
        # On a dark background the deep blue is too faint: use the light blue of the same palette.
        active_colour = QColor("#56B4E9") if dark else ACTIVE_COLOUR
        muted = QColor(text_colour)
        muted.setAlpha(110)
        for line in layout.header + layout.captions:
            self._text(p, line, text_colour)
        p.setPen(QPen(muted, 1))
        for bx0, bx1, by in layout.brackets:
            p.drawLine(QPointF(bx0, by - 3), QPointF(bx0, by))
            p.drawLine(QPointF(bx0, by), QPointF(bx1, by))
            p.drawLine(QPointF(bx1, by), QPointF(bx1, by - 3))
        for box in layout.boxes:
            edge = BOTTLENECK_COLOUR if box.bottleneck else pal.color(pal.ColorRole.Mid)
            pen = QPen(edge, 3 if box.bottleneck else 1)
            if box.bottleneck:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            # Pipeline stages are another population (runs, deployments): another fill says so.
            p.setBrush(pal.color(pal.ColorRole.AlternateBase if box.pipeline else pal.ColorRole.Base))
            p.drawRoundedRect(box.rect, 6, 6)
            if self.hasFocus() and box.index == self._current:
                focus = QPen(pal.color(pal.ColorRole.Highlight), 2)
                p.setPen(focus)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(box.rect.adjusted(-4, -4, 4, 4), 8, 8)
            for bar in box.bars:
                colour = active_colour
                if bar.kind == "wait":
                    colour = BOTTLENECK_COLOUR if box.bottleneck else WAIT_COLOUR
                p.fillRect(bar.rect, colour)
            for line in box.lines:
                if line.role == "badge":
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(BOTTLENECK_COLOUR)
                    p.drawRoundedRect(line.rect, 4, 4)
                    self._text(p, line, QColor("white"), Qt.AlignmentFlag.AlignCenter)
                else:
                    self._text(p, line, text_colour)
        self._paint_arrows(p, layout, pal.color(pal.ColorRole.Mid))
        self._paint_ladder(p, layout, text_colour, active_colour, muted)
        for line in layout.summary:
            self._text(p, line, text_colour)

    @staticmethod
    def _text(p: QPainter, line: TextLine, colour: QColor, align: Qt.AlignmentFlag | None = None) -> None:
        p.setPen(colour)
        p.setFont(line.font)
        # drawText with a QString is always plain text: markup in remote names shows literally.
        p.drawText(line.rect, int((align or line.align) | Qt.AlignmentFlag.AlignVCenter), line.text)

    @staticmethod
    def _paint_arrows(p: QPainter, layout: MapLayout, colour: QColor) -> None:
        p.setPen(QPen(colour, 2))
        for a, b in zip(layout.boxes, layout.boxes[1:], strict=False):
            y = a.rect.center().y()
            x1, x2 = a.rect.right() + 2, b.rect.left() - 2
            p.drawLine(QPointF(x1, y), QPointF(x2, y))
            p.drawLine(QPointF(x2, y), QPointF(x2 - 5, y - 4))
            p.drawLine(QPointF(x2, y), QPointF(x2 - 5, y + 4))

    @staticmethod
    def _paint_ladder(p: QPainter, layout: MapLayout, text_colour: QColor, active: QColor, muted: QColor) -> None:
        """The timeline: axis grid, the ticket steps, the lead-time bar, the pipeline band, labels."""
        if not layout.boxes:
            return
        grid = QPen(muted, 1, Qt.PenStyle.DotLine)
        for tx, top, bottom in layout.ticks:
            p.setPen(grid)
            p.drawLine(QPointF(tx, top), QPointF(tx, bottom - 4))
            p.setPen(QPen(muted, 1))
            p.drawLine(QPointF(tx, bottom - 4), QPointF(tx, bottom))
        if layout.ticks:
            p.setPen(QPen(muted, 1))
            p.drawLine(
                QPointF(layout.ticks[0][0], layout.ticks[0][2] - 4),
                QPointF(layout.ticks[-1][0], layout.ticks[-1][2] - 4),
            )
        if layout.lead_bar is not None:
            p.fillRect(layout.lead_bar, muted)
        for band in ("tickets", "pipeline"):
            segs = [s for s in layout.segments if s.band == band]
            if not segs:
                continue
            # The risers between steps, thin, so the coloured steps carry the time.
            p.setPen(QPen(text_colour, 1, Qt.PenStyle.SolidLine if band == "tickets" else Qt.PenStyle.DashLine))
            for a, b in itertools.pairwise(segs):
                p.drawLine(QPointF(a.x1, a.y), QPointF(b.x0, b.y))
            for seg in segs:
                colour = active if seg.kind == "active" else (BOTTLENECK_COLOUR if seg.bottleneck else WAIT_COLOUR)
                pen = QPen(colour, seg.thickness)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                if band == "pipeline":
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QPointF(seg.x0, seg.y), QPointF(seg.x1, seg.y))
        for line in layout.ladder_labels + layout.ladder_texts + layout.axis:
            ValueStreamMap._text(p, line, text_colour)

    # -- interaction --

    def tooltip_text(self, index: int) -> str:
        """The plain text of a stage's tooltip (medians and p85s, totals, WIP age), in the map's unit."""
        assert self._stream is not None
        s = self._stream.stages[index]
        unit = map_unit(self._stream)

        def t(hours: float | None) -> str:
            return fmt_in_unit(hours, unit)

        lines = [
            s.name,
            (
                translate("ValueStreamMap", "Pipeline stage: measured per job run or deployment, from the merge")
                if is_pipeline(s)
                else translate("ValueStreamMap", "Ticket stage: measured per ticket")
            ),
            translate("ValueStreamMap", "Process: median {median}, p85 {p85}, total {total}").format(
                median=t(s.active_median_h), p85=t(s.active_p85_h), total=t(s.active_total_h)
            ),
            translate("ValueStreamMap", "Wait: median {median}, p85 {p85}, total {total}").format(
                median=t(s.wait_median_h), p85=t(s.wait_p85_h), total=t(s.wait_total_h)
            ),
            translate("ValueStreamMap", "{count}   WIP: {wip} (median age {age})").format(
                count=count_text(s), wip=s.wip, age=t(s.wip_age_median_h)
            ),
            translate("ValueStreamMap", "Complete and accurate: {pct}").format(pct=fmt_pct(s.complete_accurate)),
        ]
        if self._stream.bottleneck == s.name:
            lines.append(translate("ValueStreamMap", "Bottleneck: the largest total wait of the stream"))
        lines.append(translate("ValueStreamMap", "Click or press Enter for the items behind these numbers."))
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        """Show a stage's tooltip (escaped: stage names are shown literally)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.stage_at(QPointF(event.pos()))
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), plain_tooltip(self.tooltip_text(index)), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Open the stage under the pointer."""
        index = self.stage_at(event.position())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self._current = index
            self.update()
            self.stage_activated.emit(index)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """A pointing hand over a stage says it can be clicked."""
        over = self.stage_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right/Home/End move between stages; Enter, Return or Space opens one."""
        n = len(self._stream.stages) if self._stream else 0
        key = event.key()
        if n and key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_End):
            moves = {
                Qt.Key.Key_Right: min(n - 1, self._current + 1),
                Qt.Key.Key_Left: max(0, self._current - 1),
                Qt.Key.Key_Home: 0,
                Qt.Key.Key_End: n - 1,
            }
            self._current = moves[Qt.Key(key)]
            self.update()
            return
        if n and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.stage_activated.emit(self._current)
            return
        super().keyPressEvent(event)
