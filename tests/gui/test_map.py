"""The value-stream map: numbers in the boxes, ladder totals, bottleneck mark, legibility, keyboard."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF

from tests.helpers import samples
from widgets.map_layout import ladder_totals
from widgets.value_stream_map import ValueStreamMap


def texts(layout, role=None):
    out = [line.text for line in layout.header + layout.ladder_labels + layout.summary]
    for box in layout.boxes:
        out += [line.text for line in box.lines if role is None or line.role == role]
    return out


@pytest.fixture
def vsm(qtbot):
    m = ValueStreamMap()
    qtbot.addWidget(m)
    return m


def test_boxes_show_stage_names_and_medians(vsm):
    vsm.set_stream(samples.stream(3))
    layout = vsm.compute_layout(1600)
    assert [box.lines[0].text for box in layout.boxes] == ["Analysis", "Development", "Review"]
    # Stage 2 (Review): wait 10+2 = 12 h, process 2+2 = 4 h, items 38, WIP 5, %C&A 90 %.
    review = [line.text for line in layout.boxes[2].lines]
    # Wait before process (as on the ladder); the count says what it counts.
    assert review[1:] == ["wait", "12.0 h", "process", "4.0 h", "38 tickets", "WIP 5", "%C&A", "90 %"]


def test_ladder_totals_and_flow_efficiency(vsm):
    s = samples.stream(3)
    # Waits 10+11+12 = 33 h, process 2+3+4 = 9 h.
    assert ladder_totals(s) == (33.0, 9.0)
    vsm.set_stream(s)
    layout = vsm.compute_layout(1600)
    notes = " ".join(line.text for line in layout.summary)
    assert "Ticket stages add up to 42.0 h (wait 33.0 h + process 9.0 h, sums of medians)" in notes
    assert "the median lead time is 102 h" in notes  # 101.5 h: the map's one unit is hours here
    head = layout.header[0].text
    assert "flow efficiency 31 %" in head
    assert "rolled %C&A 81 %" in head
    ladder = sorted(line.text for line in layout.ladder_labels)
    # Every step's median, then the ladder's total (42 h) and the lead time's (102 h).
    assert ladder == sorted(["10.0 h", "2.0 h", "11.0 h", "3.0 h", "12.0 h", "4.0 h", "42.0 h", "102 h"])


def test_ladder_totals_skip_stages_without_data():
    s = samples.stream(3)
    stages = (dataclasses.replace(s.stages[0], wait_median_h=None, active_median_h=None), *s.stages[1:])
    assert ladder_totals(dataclasses.replace(s, stages=stages)) == (23.0, 7.0)
    empty = tuple(dataclasses.replace(st, wait_median_h=None, active_median_h=None) for st in s.stages)
    assert ladder_totals(dataclasses.replace(s, stages=empty)) == (None, None)


def test_bottleneck_is_marked_in_words_on_its_box_only(vsm):
    vsm.set_stream(samples.stream(7, bottleneck=3))
    layout = vsm.compute_layout(1600)
    marked = [box.index for box in layout.boxes if any(line.role == "badge" for line in box.lines)]
    assert marked == [3]
    badge = next(line for line in layout.boxes[3].lines if line.role == "badge")
    assert "Bottleneck" in badge.text


def test_none_shows_as_dash(vsm):
    s = samples.stream(3)
    st = dataclasses.replace(s.stages[0], wait_median_h=None, active_median_h=None, complete_accurate=None)
    vsm.set_stream(dataclasses.replace(s, stages=(st, *s.stages[1:]), flow_efficiency=None))
    layout = vsm.compute_layout(1600)
    first = [line.text for line in layout.boxes[0].lines]
    assert first.count("—") == 3
    assert "flow efficiency —" in layout.header[0].text
    assert "0.0 h" not in first


@pytest.mark.parametrize("n", [3, 7, 12])
@pytest.mark.parametrize("width", [1000, 1600, 2400])
def test_boxes_do_not_overlap_and_text_fits(vsm, n, width):
    vsm.set_stream(samples.stream(n))
    layout = vsm.compute_layout(width)
    boxes = [b.rect for b in layout.boxes]
    assert len(boxes) == n
    for a, b in itertools.pairwise(boxes):
        assert a.right() < b.left(), "boxes overlap"
    assert boxes[0].left() >= 0 and boxes[-1].right() <= width
    for box in layout.boxes:
        for line in box.lines:
            fm = QFontMetricsF(line.font)
            assert fm.horizontalAdvance(line.text) <= line.rect.width() + 0.5, (line.text, line.rect.width())
            assert line.font.pointSizeF() >= 6.0
            if line.role != "badge":
                assert box.rect.contains(line.rect), (line.text, "outside its box")
        # lines inside a box never overlap each other (a label and its value may share a row, at its two ends)
        inks = [line.ink() for line in box.lines if line.role != "badge"]
        for a, b in itertools.combinations(inks, 2):
            assert not a.adjusted(0.01, 0.01, -0.01, -0.01).intersects(b), (a, b)
    # The long stage name is wrapped/elided, never drawn past its box.
    for line in layout.summary + layout.header:
        assert line.rect.right() <= width and line.rect.left() >= 0


def test_value_text_is_not_elided_at_twelve_stages_1000px(vsm):
    vsm.set_stream(samples.stream(12))
    layout = vsm.compute_layout(1000)
    values = [line.text for box in layout.boxes for line in box.lines if line.role in ("value", "badge")]
    assert not [v for v in values if "…" in v]


def test_click_and_keyboard_activate_the_right_stage(vsm, qtbot):
    vsm.set_stream(samples.stream(5))
    vsm.resize(1200, 500)
    vsm.show()
    layout = vsm.compute_layout()
    with qtbot.waitSignal(vsm.stage_activated) as sig:
        qtbot.mouseClick(vsm, Qt.MouseButton.LeftButton, pos=layout.boxes[3].rect.center().toPoint())
    assert sig.args == [3]
    vsm.setFocus()
    qtbot.keyClick(vsm, Qt.Key.Key_Home)
    qtbot.keyClick(vsm, Qt.Key.Key_Right)
    with qtbot.waitSignal(vsm.stage_activated) as sig:
        qtbot.keyClick(vsm, Qt.Key.Key_Return)
    assert sig.args == [1]
    assert vsm.stage_at(QPointF(1, 1)) is None


def test_remote_stage_name_is_drawn_literally(vsm, qtbot):
    s = samples.stream(3)
    st = dataclasses.replace(s.stages[0], name=samples.NASTY)
    vsm.set_stream(dataclasses.replace(s, stages=(st, *s.stages[1:])))
    layout = vsm.compute_layout(2400)
    drawn = "".join(line.text for line in layout.boxes[0].lines if line.role == "name")
    assert drawn.replace(" ", "") == samples.NASTY.replace(" ", "")
    tip = vsm.tooltip_text(0)
    assert samples.NASTY in tip
    from widgets.format import plain_tooltip

    assert "<img" not in plain_tooltip(tip) and "&lt;img" in plain_tooltip(tip)


def test_placeholder_when_no_stream(vsm):
    vsm.set_stream(None, "Loading…")
    assert vsm.compute_layout(1000).boxes == []
    vsm.resize(800, 300)
    image = vsm.grab().toImage()
    assert not image.isNull()
