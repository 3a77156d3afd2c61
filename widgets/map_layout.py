"""The value-stream map's geometry: where every box, bar, label and ladder step goes, and in which font.

:func:`compute_map_layout` is a pure function of the stream, the widget's font and the width; the
map paints what it returns and the tests check it (boxes never overlap, every string fits its
rectangle from 3 to 12 stages and from 1000 to 2400 px, bars are proportional to time). The
painting is in :mod:`widgets.value_stream_map`. Texts keep the ``ValueStreamMap`` context.

The map is drawn to scale in one time unit (:func:`widgets.format.time_unit`, hours or days,
chosen from the largest time it shows):

* **Boxes**, one per stage in flow order, grouped under a caption: *ticket stages* (statuses,
  measured per ticket) and *pipeline stages* (CI jobs and deployments, measured per job run or per
  deployment, from the merge). Each box has its wait and process medians with a bar each, all bars
  on one scale; its count in its own words (tickets, runs, deployments); WIP and %C&A. The
  bottleneck's box and wait bar are vermillion, the box dashed, with a badge.
* **The timeline** (the lean ladder) underneath, on its own scale: the ticket stages one after
  the other, wait on the upper step and process on the lower, each step as long as its median;
  the median lead time as a bar on the same scale; the pipeline stages as a separate band ending
  where the ticket stages end (they run after the merge and overlap the tickets' time, so they are
  not added); an axis in the map's unit.
* **The reconciliation**: what the ticket stages add up to beside the median lead time, why they
  differ (medians do not add up; means do, and their difference is time outside every stage),
  and that pipeline stages overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from data.report.results import StageResult, StreamResult
from widgets.format import fmt_in_unit, fmt_pct, time_unit
from widgets.i18n import translate

__all__ = [
    "BarLayout",
    "BoxLayout",
    "MapLayout",
    "SegmentLayout",
    "TextLine",
    "bottleneck_text",
    "compute_map_layout",
    "count_text",
    "is_pipeline",
    "ladder_totals",
    "map_unit",
    "pipeline_totals",
]


def bottleneck_text() -> str:
    """The badge on the bottleneck stage, in the installed language."""
    return translate("ValueStreamMap", "⚠ Bottleneck")


MARGIN = 12.0
PAD = 6.0
MAX_BOX_W = 300.0
BAR_H = 6.0
STEP_H = 16.0
PIPE_STEP_H = 10.0
LEAD_BAR_H = 8.0


@dataclass
class TextLine:
    """One string drawn inside the map, with the rectangle and font it is drawn in."""

    text: str
    rect: QRectF
    font: QFont
    # name | label | value | count | badge | header | caption | ladder | stage | axis | summary | note
    role: str
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft

    def ink(self) -> QRectF:
        """The part of :attr:`rect` the text covers, given its alignment (for overlap checks)."""
        advance = QFontMetricsF(self.font).horizontalAdvance(self.text)
        r = self.rect
        if self.align & Qt.AlignmentFlag.AlignRight:
            left = r.right() - advance
        elif self.align & Qt.AlignmentFlag.AlignHCenter:
            left = r.center().x() - advance / 2
        else:
            left = r.left()
        return QRectF(left, r.top(), advance, r.height())


@dataclass
class BarLayout:
    """A bar drawn to scale: ``kind`` is ``wait`` or ``active``; ``hours`` the median it shows."""

    rect: QRectF
    kind: str
    hours: float | None


@dataclass
class BoxLayout:
    """Where one stage's box goes and what it says."""

    index: int
    rect: QRectF
    lines: list[TextLine] = field(default_factory=list)
    bars: list[BarLayout] = field(default_factory=list)
    bottleneck: bool = False
    pipeline: bool = False


@dataclass
class SegmentLayout:
    """One step of the timeline: stage ``index``'s wait or process, from ``x0`` to ``x1`` at ``y``."""

    index: int
    kind: str  # wait | active
    x0: float
    x1: float
    y: float
    hours: float | None
    band: str  # tickets | pipeline
    bottleneck: bool = False

    @property
    def length(self) -> float:
        """The drawn length in pixels."""
        return self.x1 - self.x0

    @property
    def thickness(self) -> float:
        """The stroke's width: the bottleneck's wait is drawn thickest, the pipeline band thinnest."""
        if self.bottleneck and self.kind == "wait":
            return 8.0
        return 4.0 if self.band == "tickets" else 3.0

    def stroke(self) -> QRectF:
        """The area the step's stroke covers."""
        return QRectF(self.x0, self.y - self.thickness / 2, self.length, self.thickness)


@dataclass
class MapLayout:
    """The whole map's geometry for one width."""

    width: float
    height: float
    header: list[TextLine]
    boxes: list[BoxLayout]
    ladder_rect: QRectF
    # The durations written on the timeline (steps, totals): each ends with the map's unit.
    ladder_labels: list[TextLine]
    summary: list[TextLine]
    # ``h`` or ``d``: every duration on the map is in this unit.
    unit: str = "h"
    captions: list[TextLine] = field(default_factory=list)
    # The timeline's other texts: row captions and stage names.
    ladder_texts: list[TextLine] = field(default_factory=list)
    # (x0, x1, y) of the bracket under each caption.
    brackets: list[tuple[float, float, float]] = field(default_factory=list)
    segments: list[SegmentLayout] = field(default_factory=list)
    # The median lead time drawn on the ladder's scale (None: no lead time).
    lead_bar: QRectF | None = None
    # Ticks of the time axis: (x, top, bottom), and their labels.
    ticks: list[tuple[float, float, float]] = field(default_factory=list)
    axis: list[TextLine] = field(default_factory=list)
    # Pixels per hour on the timeline, and on the box bars.
    ladder_scale: float = 0.0
    bar_scale: float = 0.0

    def texts(self) -> list[TextLine]:
        """Every string drawn, for checks."""
        out = self.header + self.captions + self.ladder_labels + self.ladder_texts + self.axis + self.summary
        for box in self.boxes:
            out += box.lines
        return out


def is_pipeline(stage: StageResult) -> bool:
    """A job or deployment stage: measured per run or deployment, not per ticket."""
    return stage.kind in ("job", "deployment")


def ladder_totals(stream: StreamResult) -> tuple[float | None, float | None]:
    """The ticket ladder's totals: sums of the ticket (status) stages' wait and process medians.

    Pipeline stages are left out (they overlap the ticket stages: see :func:`pipeline_totals`), as
    are stages with no data; with no data at all a total is None (shown "—").
    """
    tickets = [s for s in stream.stages if not is_pipeline(s)]
    return _sums(tickets)


def pipeline_totals(stream: StreamResult) -> tuple[float | None, float | None]:
    """Sums of the pipeline stages' wait and process medians (their band on the timeline)."""
    return _sums([s for s in stream.stages if is_pipeline(s)])


def _sums(stages: list[StageResult]) -> tuple[float | None, float | None]:
    waits = [s.wait_median_h for s in stages if s.wait_median_h is not None]
    actives = [s.active_median_h for s in stages if s.active_median_h is not None]
    return (sum(waits) if waits else None, sum(actives) if actives else None)


def _total(pair: tuple[float | None, float | None]) -> float | None:
    if pair[0] is None and pair[1] is None:
        return None
    return (pair[0] or 0.0) + (pair[1] or 0.0)


def map_unit(stream: StreamResult) -> str:
    """The map's one time unit: days when its largest stage (wait + process medians) takes a day or more."""
    return time_unit([_total((s.wait_median_h, s.active_median_h)) for s in stream.stages])


def count_text(stage: StageResult) -> str:
    """A stage's count in its own words: tickets, job runs or deployments."""
    if stage.kind == "job":
        return translate("ValueStreamMap", "%n run(s)", "", stage.items)
    if stage.kind == "deployment":
        return translate("ValueStreamMap", "%n deployment(s)", "", stage.items)
    return translate("ValueStreamMap", "%n ticket(s)", "", stage.items)


def _rows(stage: StageResult, unit: str) -> list[tuple[str, str, str]]:
    """(left, right, kind) rows of a box. ``wait``/``active``: a label, its median and a bar under
    them; ``count``: the count in its own words (bold) and the WIP; ``pct``: %C&A."""
    return [
        (translate("ValueStreamMap", "wait"), fmt_in_unit(stage.wait_median_h, unit), "wait"),
        (translate("ValueStreamMap", "process"), fmt_in_unit(stage.active_median_h, unit), "active"),
        (count_text(stage), translate("ValueStreamMap", "WIP {wip}").format(wip=stage.wip), "count"),
        ("%C&A", fmt_pct(stage.complete_accurate), "pct"),
    ]


def _wrap(text: str, fm: QFontMetricsF, width: float, max_lines: int = 2) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines of ``width``; the last line is elided.

    Text without spaces (Chinese) is broken between characters.
    """
    words = text.split() if " " in text.strip() else list(text)
    joiner = " " if " " in text.strip() else ""
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current}{joiner}{word}" if current else word
        if fm.horizontalAdvance(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = joiner.join(words[i:])
            break
    lines.append(current)
    out = [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines[:max_lines]]
    return out or [""]


def _font(base: QFont, size: float, bold: bool = False) -> QFont:
    f = QFont(base)
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


@dataclass
class _Fonts:
    """The box fonts and whether a row's label and value share a line (``side``) or stack."""

    name: QFont
    label: QFont
    value: QFont
    side: bool


def _box_fonts(base: QFont, rows: list[list[tuple[str, str, str]]], inner: float, box_w: float) -> _Fonts:
    """The largest fonts that let every row fit: label and value side by side when they can at a
    readable size, stacked otherwise (narrow boxes)."""
    top = max(7.0, min(13.0, box_w / 9))

    def fits(size: float, side: bool) -> bool:
        lfm = QFontMetricsF(_font(base, max(6.5, size - 1)))
        vfm = QFontMetricsF(_font(base, size, True))
        for box in rows:
            for left, right, kind in box:
                if kind == "count":  # the count is the bold part of its row
                    lw, vw = vfm.horizontalAdvance(left), lfm.horizontalAdvance(right)
                else:
                    lw, vw = lfm.horizontalAdvance(left), vfm.horizontalAdvance(right)
                if (side and lw + 6 + vw > inner) or (not side and max(lw, vw) > inner):
                    return False
        return True

    chosen: tuple[float, bool] | None = None
    size = top
    while size >= 8.5 and chosen is None:
        if fits(size, True):
            chosen = (size, True)
        size -= 0.5
    size = top
    while chosen is None and size > 7.0:
        if fits(size, False):
            chosen = (size, False)
        size -= 0.5
    size, side = chosen or (7.0, False)
    return _Fonts(_font(base, size, True), _font(base, max(6.5, size - 1)), _font(base, size, True), side)


def _tick_text(value: float, unit: str) -> str:
    """An axis label: the tick's value in the map's unit, without decimals a 1-2-5 step does not need."""
    pattern = translate("Format", "{0} d") if unit == "d" else translate("Format", "{0} h")
    return pattern.format(f"{value:g}")


def _nice_step(span: float, max_ticks: int) -> float:
    """A 1-2-5 step giving at most ``max_ticks`` intervals over ``span``."""
    if span <= 0 or max_ticks < 1:
        return 0.0
    raw = span / max_ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return float(m * mag)
    return float(10 * mag)


def _place(candidates: list[tuple[float, TextLine]], placed: list[QRectF], lo: float, hi: float) -> list[TextLine]:
    """Greedy labels: the longest segments first, each kept when it fits in ``[lo, hi]`` and overlaps none placed."""
    kept: list[TextLine] = []
    for _priority, line in sorted(candidates, key=lambda c: -c[0]):
        r = line.rect
        if r.left() < lo - 0.01 or r.right() > hi + 0.01:
            continue
        grown = r.adjusted(-4, 0, 4, 0)
        if any(grown.intersects(p) for p in placed):
            continue
        placed.append(r)
        kept.append(line)
    return sorted(kept, key=lambda line: line.rect.left())


def compute_map_layout(stream: StreamResult | None, font: QFont, w: float) -> MapLayout:
    """The geometry of everything the map draws for ``stream`` at width ``w`` in ``font``."""
    base = QFont(font)
    header: list[TextLine] = []
    y = MARGIN
    if stream is None:
        return MapLayout(w, 200.0, header, [], QRectF(), [], [])
    unit = map_unit(stream)
    n = max(1, len(stream.stages))
    gap = max(8.0, min(28.0, w * 0.018))
    pipeline = [is_pipeline(s) for s in stream.stages]
    # A wider gap where the stages change kind: the two groups read as two.
    gaps = [gap * (1.6 if pipeline[i] != pipeline[i + 1] else 1.0) for i in range(len(pipeline) - 1)]
    box_w = min(MAX_BOX_W, (w - 2 * MARGIN - sum(gaps)) / n)
    row_w = n * box_w + sum(gaps)
    x0 = (w - row_w) / 2
    lefts = [x0 + i * box_w + sum(gaps[:i]) for i in range(len(stream.stages))]
    inner = box_w - 2 * PAD

    # Header: the stream's name and its headline numbers.
    hfont = _font(base, max(9.0, min(14.0, w / 110)), True)
    hfm = QFontMetricsF(hfont)
    head = translate(
        "ValueStreamMap",
        "{name} · {completed} completed · WIP {wip} · lead time {lead} (median) · flow efficiency {eff}"
        " · rolled %C&A {rca}",
    ).format(
        name=stream.name,
        completed=stream.completed,
        wip=stream.wip,
        lead=fmt_in_unit(stream.lead_time_median_h, unit),
        eff=fmt_pct(stream.flow_efficiency),
        rca=fmt_pct(stream.rolled_complete_accurate),
    )
    for line in _wrap(head, hfm, w - 2 * MARGIN, 2):
        header.append(TextLine(line, QRectF(MARGIN, y, w - 2 * MARGIN, hfm.height()), hfont, "header"))
        y += hfm.height()
    y += 6

    rows = [_rows(s, unit) for s in stream.stages]
    fonts = _box_fonts(base, rows, inner, box_w)
    nfm, lfm, vfm = (QFontMetricsF(f) for f in (fonts.name, fonts.label, fonts.value))

    # Captions over each run of stages of one kind, with a bracket under them.
    captions: list[TextLine] = []
    brackets: list[tuple[float, float, float]] = []
    cfont = _font(base, max(7.0, fonts.label.pointSizeF()), True)
    cfm = QFontMetricsF(cfont)
    runs: list[tuple[int, int]] = []
    for i, p in enumerate(pipeline):
        if runs and pipeline[runs[-1][0]] == p:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    caption_h = 0.0
    for first, last in runs:
        cx0, cx1 = lefts[first], lefts[last] + box_w
        text = (
            translate("ValueStreamMap", "Pipeline stages · per run or deployment")
            if pipeline[first]
            else translate("ValueStreamMap", "Ticket stages · medians per ticket")
        )
        lines = _wrap(text, cfm, cx1 - cx0, 2)
        for k, line in enumerate(lines):
            captions.append(
                TextLine(line, QRectF(cx0, y + k * cfm.height(), cx1 - cx0, cfm.height()), cfont, "caption")
            )
        caption_h = max(caption_h, len(lines) * cfm.height())
    for first, last in runs:
        brackets.append((lefts[first], lefts[last] + box_w, y + caption_h + 3))
    y += caption_h + 8

    # The bottleneck badge sits over its box; the row is kept for every map so heights stay put.
    badge_word = bottleneck_text()
    badge_font = _font(base, fonts.label.pointSizeF(), True)
    badge_text = badge_word
    while QFontMetricsF(badge_font).horizontalAdvance(badge_text) > box_w - 4:
        if badge_font.pointSizeF() > 6.0:
            badge_font.setPointSizeF(badge_font.pointSizeF() - 0.5)
        elif badge_text == badge_word:
            badge_text = badge_word.removeprefix("⚠ ").removeprefix("⚠")
        else:
            break
    bfm = QFontMetricsF(badge_font)
    badge_h = bfm.height() + 4
    box_top = y + badge_h + 2

    # Boxes. All bars share one scale: the longest median fills a box's inner width.
    longest = max([v for s in stream.stages for v in (s.wait_median_h, s.active_median_h) if v is not None] or [0.0])
    bar_scale = inner / longest if longest > 0 else 0.0
    boxes: list[BoxLayout] = []
    box_h = 0.0
    for i, stage in enumerate(stream.stages):
        x = lefts[i]
        box = BoxLayout(
            i,
            QRectF(),
            bottleneck=stream.bottleneck is not None and stage.name == stream.bottleneck,
            pipeline=pipeline[i],
        )
        ly = box_top + PAD
        for line in _wrap(stage.name, nfm, inner, 2):
            box.lines.append(TextLine(line, QRectF(x + PAD, ly, inner, nfm.height()), fonts.name, "name"))
            ly += nfm.height()
        ly += 3
        for left, right, kind in rows[i]:
            left_role, value_role = ("count", "label") if kind == "count" else ("label", "value")
            left_font, right_font = (fonts.value, fonts.label) if kind == "count" else (fonts.label, fonts.value)
            lf, rf = QFontMetricsF(left_font), QFontMetricsF(right_font)
            left_text = lf.elidedText(left, Qt.TextElideMode.ElideRight, inner)
            right_text = rf.elidedText(right, Qt.TextElideMode.ElideRight, inner)
            if fonts.side:
                h = max(lfm.height(), vfm.height())
                box.lines.append(TextLine(left_text, QRectF(x + PAD, ly, inner, h), left_font, left_role))
                box.lines.append(
                    TextLine(
                        right_text, QRectF(x + PAD, ly, inner, h), right_font, value_role, Qt.AlignmentFlag.AlignRight
                    )
                )
                ly += h
            else:
                box.lines.append(TextLine(left_text, QRectF(x + PAD, ly, inner, lf.height()), left_font, left_role))
                ly += lf.height()
                box.lines.append(TextLine(right_text, QRectF(x + PAD, ly, inner, rf.height()), right_font, value_role))
                ly += rf.height()
            if kind in ("wait", "active"):
                hours = stage.wait_median_h if kind == "wait" else stage.active_median_h
                length = (hours or 0.0) * bar_scale
                if hours and length < 1.0:
                    length = 1.0  # a sliver says "there is some": under a pixel is within a pixel
                box.bars.append(BarLayout(QRectF(x + PAD, ly + 1, length, BAR_H), kind, hours))
                ly += BAR_H + 4
            else:
                ly += 2
        if box.bottleneck:
            text = bfm.elidedText(badge_text, Qt.TextElideMode.ElideRight, box_w)
            box.lines.append(
                TextLine(text, QRectF(x, y, box_w, badge_h), badge_font, "badge", Qt.AlignmentFlag.AlignHCenter)
            )
        box_h = max(box_h, ly + PAD - box_top)
        boxes.append(box)
    for i, box in enumerate(boxes):
        box.rect = QRectF(lefts[i], box_top, box_w, box_h)
    y = box_top + box_h + 12

    timeline = _timeline(stream, unit, base=base, fonts=fonts, x0=x0, row_w=row_w, top=y)
    y = timeline.bottom + 6

    # The reconciliation of the ladder with the lead time.
    summary: list[TextLine] = []
    nfont = _font(base, max(8.0, min(11.0, w / 140)))
    nfm2 = QFontMetricsF(nfont)
    for text in _notes(stream, unit):
        for line in _wrap(text, nfm2, row_w, 3):
            summary.append(TextLine(line, QRectF(x0, y, row_w, nfm2.height()), nfont, "note"))
            y += nfm2.height()
        y += 2
    return MapLayout(
        width=w,
        height=y + MARGIN,
        header=header,
        boxes=boxes,
        ladder_rect=timeline.rect,
        ladder_labels=timeline.labels,
        summary=summary,
        unit=unit,
        captions=captions,
        ladder_texts=timeline.texts,
        brackets=brackets,
        segments=timeline.segments,
        lead_bar=timeline.lead_bar,
        ticks=timeline.ticks,
        axis=timeline.axis,
        ladder_scale=timeline.scale,
        bar_scale=bar_scale,
    )


def _notes(stream: StreamResult, unit: str) -> list[str]:
    """The sentences that reconcile the ladder with the lead time (plain, translated)."""
    wait, active = ladder_totals(stream)
    out = [
        translate(
            "ValueStreamMap",
            "Ticket stages add up to {total} (wait {wait} + process {process}, sums of medians); "
            "the median lead time is {lead}.",
        ).format(
            total=fmt_in_unit(_total((wait, active)), unit),
            wait=fmt_in_unit(wait, unit),
            process=fmt_in_unit(active, unit),
            lead=fmt_in_unit(stream.lead_time_median_h, unit),
        )
    ]
    mean, inside = stream.lead_time_mean_h, stream.stage_time_mean_h
    if mean is not None and inside is not None:
        outside = mean - inside
        if -1e-6 < outside < 0:
            outside = 0.0  # float noise of a sum that is exactly the lead time
        out.append(
            translate(
                "ValueStreamMap",
                "Medians do not add up: each is the middle of its own items. Means do: a ticket took {mean} "
                "on average, {inside} of it in these stages and {outside} outside them.",
            ).format(mean=fmt_in_unit(mean, unit), inside=fmt_in_unit(inside, unit), outside=fmt_in_unit(outside, unit))
        )
    else:
        out.append(translate("ValueStreamMap", "Medians do not add up: each is the middle of its own items."))
    if any(is_pipeline(s) for s in stream.stages):
        out.append(
            translate(
                "ValueStreamMap",
                "Pipeline stages count job runs and deployments, timed from the merge: they overlap the "
                "ticket stages' time and are not added to it.",
            )
        )
    return out


@dataclass
class _Timeline:
    rect: QRectF
    bottom: float
    labels: list[TextLine]
    texts: list[TextLine]
    segments: list[SegmentLayout]
    lead_bar: QRectF | None
    ticks: list[tuple[float, float, float]]
    axis: list[TextLine]
    scale: float


def _timeline(
    stream: StreamResult, unit: str, *, base: QFont, fonts: _Fonts, x0: float, row_w: float, top: float
) -> _Timeline:
    """The ladder to scale: ticket steps, the lead-time bar, the pipeline band and the axis."""
    cap_font = _font(base, fonts.label.pointSizeF(), True)
    cfm = QFontMetricsF(cap_font)
    val_font = _font(base, max(7.0, fonts.value.pointSizeF() - 1), True)
    vfm = QFontMetricsF(val_font)
    stage_font = _font(base, fonts.label.pointSizeF())
    sfm = QFontMetricsF(stage_font)
    tickets = [(i, s) for i, s in enumerate(stream.stages) if not is_pipeline(s)]
    pipes = [(i, s) for i, s in enumerate(stream.stages) if is_pipeline(s)]
    t_total = _total(ladder_totals(stream))
    p_total = _total(pipeline_totals(stream))
    lead = stream.lead_time_median_h
    cap_texts = [translate("ValueStreamMap", "Ticket stages"), translate("ValueStreamMap", "Median lead time")]
    if pipes:
        cap_texts.append(translate("ValueStreamMap", "Pipeline stages"))
    cap_w = min(max(cfm.horizontalAdvance(t) for t in cap_texts) + 4, row_w * 0.18)
    end_texts = [fmt_in_unit(v, unit) for v in (t_total, lead, p_total)]
    end_w = max([vfm.horizontalAdvance(t) for t in end_texts] or [0.0]) + 8
    sx0 = x0 + cap_w + 12
    scale_w = max(40.0, x0 + row_w - end_w - sx0)
    biggest = max([v for v in (t_total, lead, p_total) if v is not None] or [0.0])
    k = scale_w / biggest if biggest > 0 else 0.0

    labels: list[TextLine] = []
    segments: list[SegmentLayout] = []
    captions: list[TextLine] = []
    y = top

    def caption(text: str, y_mid: float) -> int:
        lines = _wrap(text, cfm, cap_w, 2)
        y_c = y_mid - len(lines) * cfm.height() / 2
        for j, line in enumerate(lines):
            captions.append(
                TextLine(line, QRectF(x0, y_c + j * cfm.height(), cap_w, cfm.height()), cap_font, "caption")
            )
        return len(lines)

    # Ticket stages: a row of stage names, wait values, the two steps, process values.
    names_y = y
    wait_y = names_y + sfm.height()
    # Labels keep clear of the steps' strokes (the bottleneck's is 8 px thick).
    up = wait_y + vfm.height() + 5
    low = up + STEP_H
    proc_y = low + 4
    x = sx0
    name_lines: list[TextLine] = []
    wait_cands: list[tuple[float, TextLine]] = []
    proc_cands: list[tuple[float, TextLine]] = []
    for i, s in tickets:
        w_len = (s.wait_median_h or 0.0) * k
        a_len = (s.active_median_h or 0.0) * k
        bott = stream.bottleneck == s.name
        segments.append(SegmentLayout(i, "wait", x, x + w_len, up, s.wait_median_h, "tickets", bott))
        segments.append(SegmentLayout(i, "active", x + w_len, x + w_len + a_len, low, s.active_median_h, "tickets"))
        span = w_len + a_len
        shown = sfm.elidedText(s.name, Qt.TextElideMode.ElideRight, max(0.0, span - 2))
        if span >= 24 and shown not in ("", "…"):
            r = QRectF(x, names_y, span, sfm.height())
            name_lines.append(TextLine(shown, r, stage_font, "stage", Qt.AlignmentFlag.AlignHCenter))
        for text, mid, row_y, cands, hours in (
            (fmt_in_unit(s.wait_median_h, unit), x + w_len / 2, wait_y, wait_cands, w_len),
            (fmt_in_unit(s.active_median_h, unit), x + w_len + a_len / 2, proc_y, proc_cands, a_len),
        ):
            tw = vfm.horizontalAdvance(text) + 2
            r = QRectF(mid - tw / 2, row_y, tw, vfm.height())
            cands.append((hours, TextLine(text, r, val_font, "ladder", Qt.AlignmentFlag.AlignHCenter)))
        x += span
    t_end = x
    lo, hi = x0 + cap_w + 4, x0 + row_w
    labels += _place(wait_cands, [], lo, hi)
    labels += _place(proc_cands, [], lo, hi)
    if tickets:
        caption(cap_texts[0], (up + low) / 2)
        labels.append(
            TextLine(
                fmt_in_unit(t_total, unit),
                QRectF(t_end + 6, (up + low) / 2 - vfm.height() / 2, end_w, vfm.height()),
                val_font,
                "ladder",
            )
        )
    y = proc_y + vfm.height() + 6 if tickets else top

    # The median lead time on the same scale.
    lead_bar: QRectF | None = None
    row_h = max(vfm.height(), LEAD_BAR_H, len(_wrap(cap_texts[1], cfm, cap_w, 2)) * cfm.height())
    if lead is not None:
        lead_bar = QRectF(sx0, y + (row_h - LEAD_BAR_H) / 2, lead * k, LEAD_BAR_H)
        labels.append(
            TextLine(
                fmt_in_unit(lead, unit),
                QRectF(sx0 + lead * k + 6, y + (row_h - vfm.height()) / 2, end_w, vfm.height()),
                val_font,
                "ladder",
            )
        )
    caption(cap_texts[1], y + row_h / 2)
    y += row_h + 4

    # Pipeline stages: a band ending where the ticket stages end (after the merge, overlapping them).
    if pipes:
        p_len = (p_total or 0.0) * k
        start = max(sx0, (t_end if tickets else sx0) - p_len)
        p_names_y = y
        p_up = y + vfm.height() + 5
        p_low = p_up + PIPE_STEP_H
        x = start
        pipe_cands: list[tuple[float, TextLine]] = []
        for i, s in pipes:
            w_len = (s.wait_median_h or 0.0) * k
            a_len = (s.active_median_h or 0.0) * k
            bott = stream.bottleneck == s.name
            segments.append(SegmentLayout(i, "wait", x, x + w_len, p_up, s.wait_median_h, "pipeline", bott))
            segments.append(
                SegmentLayout(i, "active", x + w_len, x + w_len + a_len, p_low, s.active_median_h, "pipeline")
            )
            total = _total((s.wait_median_h, s.active_median_h))
            text = translate("ValueStreamMap", "{stage} {time}").format(stage=s.name, time=fmt_in_unit(total, unit))
            tw = vfm.horizontalAdvance(text) + 2
            mid = x + (w_len + a_len) / 2
            r = QRectF(mid - tw / 2, p_names_y, tw, vfm.height())
            pipe_cands.append(
                (
                    w_len + a_len + 0.001 * (len(pipes) - i),
                    TextLine(text, r, stage_font, "stage", Qt.AlignmentFlag.AlignHCenter),
                )
            )
            x += w_len + a_len
        placed = [ln.rect for ln in labels]
        name_lines += _place(pipe_cands, placed, lo, hi)
        labels.append(
            TextLine(
                fmt_in_unit(p_total, unit),
                QRectF(x + 6, (p_up + p_low) / 2 - vfm.height() / 2, end_w, vfm.height()),
                val_font,
                "ladder",
            )
        )
        caption(cap_texts[2], (p_up + p_low) / 2)
        y = p_low + 8

    # The axis, in the map's unit.
    ticks: list[tuple[float, float, float]] = []
    axis: list[TextLine] = []
    afont = _font(base, max(7.0, fonts.label.pointSizeF() - 0.5))
    afm = QFontMetricsF(afont)
    span_units = biggest / (24.0 if unit == "d" else 1.0)
    sample = afm.horizontalAdvance(fmt_in_unit(biggest, unit)) + 16
    step = _nice_step(span_units, max(1, int(scale_w / max(sample, 1.0))))
    axis_y = y
    if step > 0 and k > 0:
        per = 24.0 if unit == "d" else 1.0
        m = 0
        while m * step <= span_units + 1e-9:
            hours = m * step * per
            tx = sx0 + hours * k
            ticks.append((tx, top, axis_y + 4))
            text = _tick_text(m * step, unit)
            tw = afm.horizontalAdvance(text) + 2
            r = QRectF(max(tx - tw / 2, x0 + cap_w + 4), axis_y + 5, tw, afm.height())
            if r.right() <= x0 + row_w:
                axis.append(TextLine(text, r, afont, "axis", Qt.AlignmentFlag.AlignHCenter))
            m += 1
    bottom = axis_y + 5 + afm.height()
    rect = QRectF(x0, top, row_w, bottom - top)
    return _Timeline(rect, bottom, labels, name_lines + captions, segments, lead_bar, ticks, axis, k)
