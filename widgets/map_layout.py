"""The value-stream map's geometry: where every box, label and ladder step goes, and in which font.

:func:`compute_map_layout` is a pure function of the stream, the widget's font and the width; the
map paints what it returns and the tests check it (boxes never overlap, every string fits its box
from 3 to 12 stages and from 1000 to 2400 px). Also here: the layout types (:class:`TextLine`,
:class:`BoxLayout`, :class:`MapLayout`), :func:`ladder_totals` and the badge text; the painting is in
:mod:`widgets.value_stream_map`. Texts keep the ``ValueStreamMap`` context.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from data.report.results import StageResult, StreamResult
from widgets.format import fmt_hours, fmt_pct
from widgets.i18n import translate

__all__ = [
    "BoxLayout",
    "MapLayout",
    "TextLine",
    "bottleneck_text",
    "compute_map_layout",
    "ladder_totals",
]


def bottleneck_text() -> str:
    """The badge on the bottleneck stage, in the installed language."""
    return translate("ValueStreamMap", "⚠ Bottleneck")


MARGIN = 12.0
PAD = 6.0
MAX_BOX_W = 300.0


@dataclass
class TextLine:
    """One string drawn inside the map, with the rectangle and font it is drawn in."""

    text: str
    rect: QRectF
    font: QFont
    role: str  # name | label | value | badge | header | ladder | summary


@dataclass
class BoxLayout:
    """Where one stage's box goes and what it says."""

    index: int
    rect: QRectF
    lines: list[TextLine] = field(default_factory=list)
    bottleneck: bool = False


@dataclass
class MapLayout:
    """The whole map's geometry for one width."""

    width: float
    height: float
    header: list[TextLine]
    boxes: list[BoxLayout]
    ladder_rect: QRectF
    ladder_labels: list[TextLine]
    summary: list[TextLine]


def ladder_totals(stream: StreamResult) -> tuple[float | None, float | None]:
    """The ladder's totals: the sums of the per-stage wait and process medians shown on the steps.

    Stages with no data are left out; with no data at all a total is None (shown "—").
    """
    waits = [s.wait_median_h for s in stream.stages if s.wait_median_h is not None]
    actives = [s.active_median_h for s in stream.stages if s.active_median_h is not None]
    return (sum(waits) if waits else None, sum(actives) if actives else None)


def _box_lines(stage: StageResult) -> list[tuple[str, str]]:
    """(role, text) pairs shown in a box below its name: short labels over bold values, so narrow boxes fit."""
    return [
        ("label", translate("ValueStreamMap", "process")),
        ("value", fmt_hours(stage.active_median_h)),
        ("label", translate("ValueStreamMap", "wait")),
        ("value", fmt_hours(stage.wait_median_h)),
        ("label", translate("ValueStreamMap", "items · WIP")),
        ("value", f"{stage.items} · {stage.wip}"),
        ("label", "%C&A"),
        ("value", fmt_pct(stage.complete_accurate)),
    ]


def _wrap(text: str, fm: QFontMetricsF, width: float, max_lines: int = 2) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines of ``width``; the last line is elided."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if fm.horizontalAdvance(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[i:])
            break
    lines.append(current)
    out = [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines[:max_lines]]
    return out or [""]


def compute_map_layout(stream: StreamResult | None, font: QFont, w: float) -> MapLayout:
    """The geometry of everything the map draws for ``stream`` at width ``w`` in ``font``."""
    base = QFont(font)
    header: list[TextLine] = []
    y = MARGIN
    if stream is None:
        return MapLayout(w, 200.0, header, [], QRectF(), [], [])
    n = max(1, len(stream.stages))
    gap = max(8.0, min(28.0, w * 0.018))
    # Boxes share the width, but a few stages on a wide screen stay compact and centred.
    box_w = min(MAX_BOX_W, (w - 2 * MARGIN - (n - 1) * gap) / n)
    row_w = n * box_w + (n - 1) * gap
    x0 = (w - row_w) / 2
    inner = box_w - 2 * PAD
    # Header: stream name and its headline numbers.
    hfont = QFont(base)
    hfont.setPointSizeF(max(9.0, min(14.0, w / 110)))
    hfont.setBold(True)
    hfm = QFontMetricsF(hfont)
    head = translate("ValueStreamMap", "{name} · {completed} completed · WIP {wip} · lead time {lead} (median)").format(
        name=stream.name, completed=stream.completed, wip=stream.wip, lead=fmt_hours(stream.lead_time_median_h)
    )
    for line in _wrap(head, hfm, w - 2 * MARGIN, 2):
        header.append(TextLine(line, QRectF(MARGIN, y, w - 2 * MARGIN, hfm.height()), hfont, "header"))
        y += hfm.height()
    y += 8
    # One font size for all boxes: the largest that lets every value and label fit.
    badge_word = bottleneck_text()
    texts = [badge_word] + [t for s in stream.stages for _, t in _box_lines(s)]
    size = max(7.0, min(13.0, box_w / 9))
    while size > 7.0:
        f = QFont(base)
        f.setPointSizeF(size)
        f.setBold(True)
        if max(QFontMetricsF(f).horizontalAdvance(t) for t in texts) <= inner:
            break
        size -= 0.5
    name_font, label_font, value_font = QFont(base), QFont(base), QFont(base)
    name_font.setPointSizeF(size)
    name_font.setBold(True)
    label_font.setPointSizeF(max(6.5, size - 1))
    value_font.setPointSizeF(size + 1 if inner > 90 else size)
    value_font.setBold(True)
    # The bottleneck badge gets its own fitted font: the word must stay readable, never elided.
    badge_font = QFont(label_font)
    badge_font.setBold(True)
    badge_text = badge_word
    while QFontMetricsF(badge_font).horizontalAdvance(badge_text) > box_w - 4:
        if badge_font.pointSizeF() > 6.0:
            badge_font.setPointSizeF(badge_font.pointSizeF() - 0.5)
        elif badge_text == badge_word:
            badge_text = badge_word.removeprefix("⚠ ").removeprefix("⚠")
        else:
            break
    nfm, lfm, vfm, bfm = (QFontMetricsF(f) for f in (name_font, label_font, value_font, badge_font))
    badge_h = bfm.height() + 4
    box_top = y + badge_h + 2
    boxes: list[BoxLayout] = []
    box_h = 0.0
    for i, stage in enumerate(stream.stages):
        x = x0 + i * (box_w + gap)
        box = BoxLayout(i, QRectF(), bottleneck=stream.bottleneck is not None and stage.name == stream.bottleneck)
        ly = box_top + PAD
        for line in _wrap(stage.name, nfm, inner, 2):
            box.lines.append(TextLine(line, QRectF(x + PAD, ly, inner, nfm.height()), name_font, "name"))
            ly += nfm.height()
        ly += 4
        for role, text in _box_lines(stage):
            fm, font = (vfm, value_font) if role == "value" else (lfm, label_font)
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, inner)
            box.lines.append(TextLine(shown, QRectF(x + PAD, ly, inner, fm.height()), font, role))
            ly += fm.height() + (3 if role == "value" else 0)
        if box.bottleneck:
            text = bfm.elidedText(badge_text, Qt.TextElideMode.ElideRight, box_w)
            box.lines.append(TextLine(text, QRectF(x, y, box_w, badge_h), badge_font, "badge"))
        box_h = max(box_h, ly + PAD - box_top)
        boxes.append(box)
    for i, box in enumerate(boxes):
        box.rect = QRectF(x0 + i * (box_w + gap), box_top, box_w, box_h)
    y = box_top + box_h + 18
    # The ladder: wait on the upper step, process on the lower, one column per stage.
    ladder_h = 2 * lfm.height() + 2 * vfm.height() + 24
    ladder_rect = QRectF(x0, y, row_w, ladder_h)
    ladder_labels: list[TextLine] = []
    # The step labels get a font that fits the narrower (process) step: units are longer in some
    # languages (23.1 小时), and an elided "23.1 …" would hide the unit. Eliding stays the last resort.
    ladder_font = QFont(value_font)
    ladder_texts = [fmt_hours(v) for st in stream.stages for v in (st.wait_median_h, st.active_median_h)]
    step_w = box_w / 2
    while (
        ladder_font.pointSizeF() > 6.5
        and max((QFontMetricsF(ladder_font).horizontalAdvance(t) for t in ladder_texts), default=0.0) > step_w
    ):
        ladder_font.setPointSizeF(ladder_font.pointSizeF() - 0.5)
    lvfm = QFontMetricsF(ladder_font)
    for box, stage in zip(boxes, stream.stages, strict=True):
        r = box.rect
        half = r.width() / 2
        up = QRectF(r.left(), y, half + gap / 2, vfm.height())
        down = QRectF(r.left() + half, y + ladder_h - vfm.height(), half, vfm.height())
        ladder_labels.append(
            TextLine(
                lvfm.elidedText(fmt_hours(stage.wait_median_h), Qt.TextElideMode.ElideRight, up.width()),
                up,
                ladder_font,
                "ladder",
            )
        )
        ladder_labels.append(
            TextLine(
                lvfm.elidedText(fmt_hours(stage.active_median_h), Qt.TextElideMode.ElideRight, down.width()),
                down,
                ladder_font,
                "ladder",
            )
        )
    y += ladder_h + 10
    wait_total, active_total = ladder_totals(stream)
    summary_text = translate(
        "ValueStreamMap", "Wait {wait}  ·  Process {process}  ·  Flow efficiency {eff}  ·  Rolled %C&A {rca}"
    ).format(
        wait=fmt_hours(wait_total),
        process=fmt_hours(active_total),
        eff=fmt_pct(stream.flow_efficiency),
        rca=fmt_pct(stream.rolled_complete_accurate),
    )
    sfont = QFont(value_font)
    sfont.setPointSizeF(max(9.0, min(13.0, w / 120)))
    sfm = QFontMetricsF(sfont)
    summary: list[TextLine] = []
    parts = summary_text.split("  ·  ")
    if sfm.horizontalAdvance(summary_text) <= w - 2 * MARGIN:
        parts = [summary_text]
    for part in parts:
        tw = sfm.horizontalAdvance(part) + 2
        summary.append(TextLine(part, QRectF(max(MARGIN, x0 + row_w - tw), y, tw, sfm.height()), sfont, "summary"))
        y += sfm.height()
    return MapLayout(w, y + MARGIN, header, boxes, ladder_rect, ladder_labels, summary)
