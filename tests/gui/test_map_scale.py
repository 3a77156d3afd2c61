"""The Map page drawn to scale (#15): one time unit per map, bars and ladder steps proportional to
time, ticket and pipeline stages told apart, the ladder reconciled with the lead time, and the
lead-time scatter under the map. Checked in the real window at 1600×1000 and 1280×720, in English
and Chinese: no painted text clipped or overlapping, no label cut. Screenshots are saved under
tests/gui/artifacts/ (look at them)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from app.controllers.report import Controller
from app.main_window.pages import PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data import i18n
from data.config.model import Config
from data.config.parse import load_config
from data.report.results import Report, StageItem, StageResult
from data.store.store import Store
from tests.helpers import samples
from tests.helpers.engine import FakeEngine, fake_demo
from tests.helpers.i18n_checks import CJK, english_words, untranslated
from tests.helpers.wall import clipped, settle
from widgets.format import fmt_in_unit, time_unit
from widgets.i18n import install_translators
from widgets.lead_time_scatter import LeadTimeScatterChart
from widgets.map_layout import MapLayout, ladder_totals, map_unit, pipeline_totals
from widgets.stage_detail import StageDetailWidget
from widgets.value_stream_map import ValueStreamMap

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: A duration as the map writes it: a number (or "<0.01") and its unit, in either language.
DURATION = re.compile(r"(?:<)?\d+(?:\.\d+)?\s?(min|h|d|分钟|小时|天)(?![A-Za-z])")
UNIT_WORDS = {"h": ("h", "小时"), "d": ("d", "天")}


class BankEngine(FakeEngine):
    """The fake engine, answering with the demo bank's stream (pipeline stages, days, a bottleneck)."""

    def build_report(self, store: Store, config: Config, **kw: Any) -> Report:
        r = super().build_report(store, config, **kw)
        return dataclasses.replace(r, streams=(samples.bank_stream(),))


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(qapp, request.param)
    i18n.set_language(request.param)
    yield request.param
    install_translators(qapp, "en")
    i18n.set_language("en")


def bank_window(qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> tuple[MainWindow, Controller]:
    url = f"sqlite:///{tmp_path / 'gui.db'}"
    c = Controller(load_config(None), lambda: Store.open(url), engine=BankEngine(), generate_demo=fake_demo)
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(*size)
    w.tabs.setCurrentIndex(PAGES.index("map"))
    w.show()
    with qtbot.waitSignal(c.scatter_ready, timeout=10_000):
        c.start()
    qtbot.waitUntil(lambda: c.workers.active() == 0, timeout=10_000)
    settle(qtbot)
    return w, c


def drawn_texts(layout: MapLayout) -> list[Any]:
    return layout.texts()


def overlaps(layout: MapLayout) -> list[str]:
    """Painted strings whose ink overlaps another's, or a bar, a step or the lead-time bar."""
    bad = []
    inks = [(t.text, t.ink()) for t in drawn_texts(layout)]
    for (ta, a), (tb, b) in itertools.combinations(inks, 2):
        if a.adjusted(0.01, 0.01, -0.01, -0.01).intersects(b):
            bad.append(f"{ta!r} x {tb!r}")
    strokes = [s.stroke() for s in layout.segments if s.length > 0]
    strokes += [bar.rect for box in layout.boxes for bar in box.bars]
    strokes += [layout.lead_bar] if layout.lead_bar is not None else []
    for text, ink in inks:
        for r in strokes:
            if ink.intersects(r):
                bad.append(f"{text!r} over a bar or step {r}")
    return bad


def cut(layout: MapLayout, width: float) -> list[str]:
    """Painted strings that do not fit their rectangle or the map."""
    bad = []
    for t in drawn_texts(layout):
        fm = QFontMetricsF(t.font)
        if fm.horizontalAdvance(t.text) > t.rect.width() + 0.5 or fm.height() > t.rect.height() + 0.5:
            bad.append(f"{t.text!r} needs {fm.horizontalAdvance(t.text):.0f}x{fm.height():.0f}, has {t.rect}")
        if t.ink().left() < -0.5 or t.ink().right() > width + 0.5:
            bad.append(f"{t.text!r} outside the map")
    for box in layout.boxes:
        for t in box.lines:
            if t.role != "badge" and not box.rect.contains(t.rect):
                bad.append(f"{t.text!r} outside its box")
    # Durations are never elided: "6.4 …" would hide the unit.
    bad += [f"{t.text!r} elided" for t in layout.ladder_labels + layout.axis if "…" in t.text]
    return bad


def units(layout: MapLayout) -> set[str]:
    """Every unit written on the map."""
    found: set[str] = set()
    for t in drawn_texts(layout):
        found.update(DURATION.findall(t.text))
    return found


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
def test_map_page_fits_in_both_languages(qtbot: Any, tmp_path: Path, lang: str, size: tuple[int, int]) -> None:
    w, c = bank_window(qtbot, tmp_path, size)
    try:
        layout = w.pages.map.compute_layout()
        width = w.pages.map.width()
        # The map is as tall as it needs, never squeezed, and as wide as the page (no sideways scrolling).
        assert w.pages.map.height() >= layout.height - 1
        assert width <= w.pages.map_view.viewport().width() and not w.pages.map_view.horizontalScrollBar().isVisible()
        assert cut(layout, width) == []
        assert overlaps(layout) == []
        for a, b in itertools.pairwise(layout.boxes):
            assert a.rect.right() < b.rect.left()
        # One unit on every label: the bank's largest stage (Release, 6.5 d) puts the map in days.
        assert layout.unit == "d"
        assert units(layout) == {UNIT_WORDS["d"][lang == "zh_CN"]}
        assert {t.text for t in layout.ladder_labels} >= {fmt_in_unit(513.6, "d"), fmt_in_unit(451.2, "d")}
        # The scatter sits under the map with room to be read; nothing on the page is clipped.
        scatter = w.pages.map_view.scatter
        assert scatter.isVisibleTo(w) and scatter.plot.height() >= scatter.plot.minimumHeight()
        assert scatter.mapTo(w.pages.map_view.content, scatter.rect().topLeft()).y() >= w.pages.map.geometry().bottom()
        assert clipped(w) == []
        if size == (1600, 1000):  # the whole page at once: no scrolling
            assert not w.pages.map_view.verticalScrollBar().isVisible()
        stage_words = {word.lower() for s in samples.bank_stream().stages for word in s.name.split()}
        allowed = stage_words | {"all", "teams"}
        texts = [t.text for t in drawn_texts(layout)]
        if lang == "zh_CN":
            assert [t for t in texts if english_words(t, allowed)] == []
            assert untranslated(w.pages.map_view, allowed) == []
            assert "949 个工单" in texts and "29 次运行" in texts and "29 次部署" in texts
        else:
            assert [t for t in texts if CJK.search(t)] == []
            assert "949 tickets" in texts and "29 runs" in texts and "29 deployments" in texts
        ARTIFACTS.mkdir(exist_ok=True)
        assert w.grab().save(str(ARTIFACTS / f"map-{lang}-{size[0]}x{size[1]}.png"))
    finally:
        c.shutdown()


@pytest.fixture
def bank_map(qtbot: Any) -> ValueStreamMap:
    m = ValueStreamMap()
    qtbot.addWidget(m)
    m.set_stream(samples.bank_stream())
    return m


@pytest.mark.parametrize("width", [1000, 1280, 1600, 2400])
def test_bars_and_steps_are_proportional_to_time(bank_map: ValueStreamMap, width: int) -> None:
    layout = bank_map.compute_layout(width)
    stages = samples.bank_stream().stages
    analysis, test = 0, 3
    assert stages[analysis].wait_median_h == 2 * stages[test].wait_median_h  # 72 h and 36 h

    def bar(i: int, kind: str) -> float:
        return next(b.rect.width() for b in layout.boxes[i].bars if b.kind == kind)

    def step(i: int, kind: str) -> float:
        return next(s.length for s in layout.segments if s.index == i and s.kind == kind)

    # Twice the wait, twice the length: in the boxes and on the ladder, within a pixel.
    assert abs(bar(analysis, "wait") - 2 * bar(test, "wait")) <= 1.0
    assert abs(step(analysis, "wait") - 2 * step(test, "wait")) <= 1.0
    # Every bar and step is its median times the one scale (a sliver is drawn a pixel long).
    for i, s in enumerate(stages):
        for kind, hours in (("wait", s.wait_median_h), ("active", s.active_median_h)):
            assert abs(bar(i, kind) - hours * layout.bar_scale) <= 1.0, (s.name, kind)
            assert abs(step(i, kind) - hours * layout.ladder_scale) <= 1.0, (s.name, kind)
    # The longest median fills a box; the ladder, the lead-time bar and the pipeline band share a scale.
    release = next(b for b in layout.boxes if b.bottleneck)
    assert bar(4, "wait") == pytest.approx(release.rect.width() - 12)
    tickets = [s for s in layout.segments if s.band == "tickets"]
    assert tickets[-1].x1 - tickets[0].x0 == pytest.approx(451.2 * layout.ladder_scale)
    assert layout.lead_bar is not None and layout.lead_bar.width() == pytest.approx(513.6 * layout.ladder_scale)
    assert layout.lead_bar.left() == pytest.approx(tickets[0].x0)


def test_ticket_and_pipeline_stages_are_told_apart(bank_map: ValueStreamMap) -> None:
    s = samples.bank_stream()
    layout = bank_map.compute_layout(1600)
    # Counts in their own words.
    counts = [next(t.text for t in box.lines if t.role == "count") for box in layout.boxes]
    assert counts == ["976 tickets", "949 tickets", "949 tickets", "949 tickets", "949 tickets", "29 runs",
                      "29 deployments"]  # fmt: skip
    # A caption over each group, spanning its boxes.
    captions = {t.text: t.rect for t in layout.captions}
    ticket_cap = captions["Ticket stages · medians per ticket"]
    pipe_cap = captions["Pipeline stages · per run or deployment"]
    assert ticket_cap.left() == pytest.approx(layout.boxes[0].rect.left())
    assert pipe_cap.left() == pytest.approx(layout.boxes[5].rect.left())
    assert pipe_cap.right() == pytest.approx(layout.boxes[6].rect.right())
    assert [b.pipeline for b in layout.boxes] == [False] * 5 + [True] * 2
    # The ladder adds the ticket stages only; the pipeline band is drawn apart, ending where they end.
    assert ladder_totals(s) == (pytest.approx(304.8), pytest.approx(146.4))
    assert pipeline_totals(s) == (pytest.approx(35.33), pytest.approx(0.5))
    band = [seg for seg in layout.segments if seg.band == "pipeline"]
    tickets = [seg for seg in layout.segments if seg.band == "tickets"]
    assert {seg.index for seg in band} == {5, 6} and {seg.index for seg in tickets} == {0, 1, 2, 3, 4}
    assert band[-1].x1 == pytest.approx(tickets[-1].x1)
    assert min(seg.y for seg in band) > max(seg.y for seg in tickets)
    # The reconciliation: sums of medians beside the median lead time, what the means say, the overlap.
    notes = " ".join(t.text for t in layout.summary)
    assert "Ticket stages add up to 18.8 d (wait 12.7 d + process 6.1 d, sums of medians)" in notes
    assert "the median lead time is 21.4 d" in notes
    assert "a ticket took 31.5 d on average, 31.4 d of it in these stages and 0.10 d outside them" in notes
    assert "they overlap the ticket stages' time and are not added to it" in notes


def test_the_bottleneck_stands_out_without_reading(bank_map: ValueStreamMap) -> None:
    layout = bank_map.compute_layout(1600)
    release = layout.boxes[4]
    assert release.bottleneck and [b.index for b in layout.boxes if b.bottleneck] == [4]
    # Its wait is the longest bar, and the longest and the only thick step of the ladder.
    waits = [seg for seg in layout.segments if seg.kind == "wait"]
    longest = max(waits, key=lambda seg: seg.length)
    assert longest.index == 4 and longest.bottleneck
    assert [seg.index for seg in layout.segments if seg.thickness > 4] == [4]
    assert max(release.bars, key=lambda b: b.rect.width()).kind == "wait"
    assert release.bars[0].rect.width() == max(b.rect.width() for box in layout.boxes for b in box.bars)


def test_unit_follows_the_largest_stage() -> None:
    s = samples.stream(3)  # the largest stage: 12 + 4 = 16 h
    assert map_unit(s) == "h"
    big = dataclasses.replace(s.stages[2], wait_median_h=20.0, active_median_h=4.0)  # 24 h: a day
    assert map_unit(dataclasses.replace(s, stages=(*s.stages[:2], big))) == "d"
    # The lead time does not decide it: the stages are what the map compares.
    assert map_unit(dataclasses.replace(s, lead_time_median_h=1000.0)) == "h"
    assert time_unit([None, 3.0]) == "h" and time_unit([]) == "h" and time_unit([None, 30.0]) == "d"


@pytest.mark.parametrize(
    ("hours", "unit", "text"),
    [
        (72.0, "d", "3.0 d"),
        (24.7, "d", "1.0 d"),  # was "24.7 h" beside "3.0 d"
        (23.0, "d", "0.96 d"),
        (23.95, "d", "1.0 d"),  # 0.998 d: rounded, never "1.00 d"
        (0.18, "d", "0.01 d"),  # 11 min
        (0.1, "d", "<0.01 d"),
        (0.0, "d", "0 d"),
        (2400.0, "d", "100 d"),
        (0.5, "h", "0.50 h"),
        (101.5, "h", "102 h"),
        (None, "d", "—"),
    ],
)
def test_fmt_in_unit(hours: float | None, unit: str, text: str) -> None:
    assert fmt_in_unit(hours, unit) == text


def test_scatter_shows_points_percentile_lines_and_days(qtbot: Any) -> None:
    chart = LeadTimeScatterChart()
    qtbot.addWidget(chart)
    sc = samples.scatter(21)  # lead times 1 … 21 days: p50 11, p85 18, p95 20
    chart.set_scatter(sc)
    x, y = chart.plot_data()
    assert list(x) == list(sc.completed_s) and list(y) == list(sc.lead_days)
    assert [chart.line_label(q) for q in (50, 85, 95)] == ["50 %: 11.0 d", "85 %: 18.0 d", "95 %: 20.0 d"]
    assert [chart.lines[q].value() for q in (50, 85, 95)] == pytest.approx([11.0, 18.0, 20.0])
    text = chart.caption.text()
    assert "(21 tickets)" in text and "50 % took at most 11.0 d, 85 % at most 18.0 d, 95 % at most 20.0 d" in text
    assert "dots drawn" not in text
    # Days stay days: pyqtgraph's SI prefixes (which wrote "kh") are off.
    plot = chart.plot.getPlotItem()
    assert not plot.getAxis("left").autoSIPrefix and not plot.getAxis("bottom").autoSIPrefix
    thinned = dataclasses.replace(sc, total=5000)
    chart.set_scatter(thinned)
    assert "21 dots drawn" in chart.caption.text()
    chart.set_scatter(None, "Loading…")
    assert chart.caption.text() == "Loading…" and len(chart.plot_data()[0]) == 0
    assert all(not line.isVisible() for line in chart.lines.values())


def test_window_gets_the_scatter_after_each_report(window: Any, controller: Any, engine: Any, qtbot: Any) -> None:
    assert window.pages.map_view.scatter.scatter() == samples.scatter()
    calls = engine.scatter_calls
    with qtbot.waitSignal(controller.scatter_ready, timeout=5000) as sig:
        window.controls.select_range(0)
    assert sig.args[0] == samples.scatter() and engine.scatter_calls == calls + 1
    assert window.pages.map_view.scatter.scatter() is sig.args[0]


def _items(hours: list[float]) -> tuple[StageItem, ...]:
    return tuple(StageItem("jira", f"K-{i}", "", None, h, 0.0, 1) for i, h in enumerate(hours))


def test_stage_histogram_is_in_hours_or_days_never_kilohours(qtbot: Any) -> None:
    d = StageDetailWidget()
    qtbot.addWidget(d)
    d.resize(900, 500)
    d.show()
    long = StageResult("Release", items=3, wait_median_h=1200.0, details=_items([240.0, 1200.0, 2400.0]))
    d.set_stage(long)
    qtbot.wait(50)
    axis = d.plot.getAxis("bottom")
    assert d.unit == "d" and "days" in axis.labelString() and "kh" not in axis.labelString()
    x, _y = d.bars.getData()
    assert (min(x), max(x)) == (pytest.approx(10.0), pytest.approx(100.0))  # 240 h .. 2400 h in days
    assert "wait median 50.0 d" in d.summary.text()
    short = StageResult("Review", items=2, wait_median_h=3.0, details=_items([2.0, 6.0]))
    d.set_stage(short)
    qtbot.wait(50)
    assert d.unit == "h" and "hours" in axis.labelString()
    assert max(d.bars.getData()[0]) == pytest.approx(6.0)


def _variants() -> dict[str, Any]:
    bank = samples.bank_stream()
    st = bank.stages
    empty = tuple(
        dataclasses.replace(s, items=0, wait_median_h=None, active_median_h=None, complete_accurate=None) for s in st
    )
    return {
        # A job stage between ticket stages: two ticket groups, a pipeline group between them.
        "interleaved": dataclasses.replace(bank, stages=(st[0], st[1], st[5], st[2], st[3], st[4], st[6])),
        "tickets only": dataclasses.replace(bank, stages=st[:5]),
        "pipelines only": dataclasses.replace(bank, stages=st[5:], bottleneck="Production", lead_time_median_h=None),
        "no data": dataclasses.replace(
            bank, stages=empty, lead_time_median_h=None, lead_time_mean_h=None, stage_time_mean_h=None, bottleneck=None
        ),
        "long names": dataclasses.replace(bank, stages=tuple(dataclasses.replace(s, name=samples.NASTY) for s in st)),
    }


@pytest.mark.parametrize("variant", list(_variants()))
@pytest.mark.parametrize("width", [800, 1280, 1600, 2400])
def test_unusual_streams_still_fit(qtbot: Any, variant: str, width: int) -> None:
    m = ValueStreamMap()
    qtbot.addWidget(m)
    m.set_stream(_variants()[variant])
    layout = m.compute_layout(width)
    assert cut(layout, width) == []
    assert overlaps(layout) == []
    assert len(units(layout)) <= 1
    m.resize(width, int(layout.height))
    assert not m.grab().isNull()  # and painting copes


def test_captions_follow_runs_of_one_kind(qtbot: Any) -> None:
    m = ValueStreamMap()
    qtbot.addWidget(m)
    m.set_stream(_variants()["interleaved"])
    layout = m.compute_layout(1600)
    assert [b.pipeline for b in layout.boxes] == [False, False, True, False, False, False, True]
    # One caption per run (a one-box run wraps its caption onto two lines).
    texts = [t.text for t in layout.captions]
    assert texts.count("Ticket stages · medians per ticket") == 2
    assert [t for t in texts if t.startswith("Pipeline stages")] == ["Pipeline stages · per run"] * 2
    # The ladder still has the five ticket stages in flow order, the band the two pipeline stages.
    assert [s.index for s in layout.segments if s.band == "tickets" and s.kind == "wait"] == [0, 1, 3, 4, 5]
    assert [s.index for s in layout.segments if s.band == "pipeline" and s.kind == "wait"] == [2, 6]
