"""The wall read from 4 m, at 1920×1080 and 3840×2160, in English and Chinese: nothing clipped or
overlapping, stage text ≥ 40 px at 1080p (twice at 4K), the period printed on every page, the map's
headline said once, running and queued counted apart, and a fresh wall that waits rather than
calling its (absent) data old. Screenshots go to tests/gui/artifacts/ (look at them)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.wall import WALL_PAGES, WallWindow
from data.pipelines.order import sort_pipelines
from data.pipelines.results import PipelineStatus
from data.pipelines.status import PipelineView
from tests.helpers import samples
from tests.helpers.wall import clipped, overlapping, settle
from widgets.i18n import install_translators
from widgets.value_stream_map import ValueStreamMap

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NOW = datetime(2026, 3, 29, 10, 10, tzinfo=UTC)
SIZES = [(1920, 1080), (3840, 2160)]
LANGS = ["en", "zh_CN"]
#: What each page's header says it covers (samples.report(weeks=13) ends 30 Mar 00:00 UTC; the
#: pipeline view is as of 29 Mar 10:10 UTC with the 14-day horizon and the 3-day feature horizon).
WINDOWS = {
    "en": {
        "pipelines": "last 14 days to 29 Mar · feature branches: 3 days",
        "map": "last 13 weeks to 30 Mar",
        "dora": "last 13 weeks to 30 Mar",
    },
    "zh_CN": {
        "pipelines": "截至 3月29日 的最近 14 天 · 功能分支：3 天",
        "map": "截至 3月30日 的最近 13 周",
        "dora": "截至 3月30日 的最近 13 周",
    },
}


@pytest.fixture(autouse=True)
def utc_zone() -> Iterator[None]:
    """Dates on screen are local: pin the zone so the hand-written days hold on any machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")


def busy_view() -> PipelineView:
    """A failing main, two running, one queued (on a feature branch), one passing."""
    t = NOW - timedelta(hours=2)
    statuses = [
        PipelineStatus(
            "jenkins",
            "core-banking",
            "main",
            "failed",
            run_id="7",
            sha="ffee0011aa",
            started_at=t,
            finished_at=t + timedelta(minutes=11),
            duration_s=660,
            broken_since=t - timedelta(days=3),
            failing_runs=7,
            authors=("zhou.bo", "xu.ling", "wu.lei"),
            as_of=NOW,
        ),
        PipelineStatus("gh", "mobile", "main", "running", run_id="8", started_at=NOW - timedelta(minutes=5), eta_s=800),
        PipelineStatus("gh", "payments", "release/2.1", "running", run_id="9", started_at=NOW - timedelta(minutes=9)),
        PipelineStatus(
            "gh", "payments", "feature/PAY-570-qr", "queued", run_id="10", queued_at=NOW - timedelta(minutes=2)
        ),
        PipelineStatus("cctray", "batch-jobs", None, "success", finished_at=NOW - timedelta(hours=5)),
    ]
    counts = {"failed": 1, "running": 2, "queued": 1, "success": 1}
    return PipelineView(tuple(sort_pipelines(statuses)), NOW, 14.0, hidden=42, counts=counts, feature_horizon_days=3.0)


def make(qtbot: Any, size: tuple[int, int], *, stages: int = 7) -> WallWindow:
    wall = WallWindow(None, height=size[1], clock=lambda: NOW)
    qtbot.addWidget(wall)
    wall.resize(*size)
    wall.show()
    wall.show_pipelines(busy_view())
    wall.show_report(samples.report(stages, weeks=13))
    wall.clock.set_data_time(NOW - timedelta(seconds=40))
    return wall


def visible_labels(root: QWidget) -> list[QLabel]:
    return [lab for lab in root.findChildren(QLabel) if lab.isVisibleTo(root) and lab.text()]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS, indirect=True)
def test_every_page_readable_from_four_metres(qtbot: Any, size: tuple[int, int], lang: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    wall = make(qtbot, size)
    k = size[1] / 1080
    header = [wall.title, wall.period, wall.summary, wall.demo_badge, wall.paused_badge, wall.clock]
    for name in WALL_PAGES:
        wall.set_page(WALL_PAGES.index(name))
        settle(qtbot)
        assert wall.grab().width() == size[0], "the window grew past the screen"
        assert clipped(wall) == [], (lang, name)
        assert overlapping(header, wall) == [], (lang, name)
        # The period this page covers, on every page.
        assert wall.period.isVisibleTo(wall) and wall.period.text() == WINDOWS[lang][name], name
        one_line = wall.period.fontMetrics().lineSpacing()
        assert wall.period.heightForWidth(wall.period.width()) < 2 * one_line, "the period wraps"
        # Running and queued apart: 2 running and 1 queued is not "3 running".
        summary = wall.summary.text()
        if lang == "en":
            assert summary == "1 failing · 2 running · 1 queued · 1 passing · 42 idle hidden"
        else:
            assert summary == "1 个失败 · 2 个运行中 · 1 个排队中 · 1 个通过 · 42 个空闲已隐藏"
        page = wall.pages[name]
        if name == "pipelines":
            tiles = [t for t in page.board.tiles if t.isVisibleTo(wall)]
            assert len(tiles) == 5 and overlapping(tiles, wall) == []
            # Default branches first; the queued feature branch after them.
            assert [t.status.branch for t in tiles][-1] == "feature/PAY-570-qr"
        if name == "map":
            rows = [page.heading, *page.rows]
            assert (
                len(page.rows) == 7 and all(r.isVisibleTo(wall) for r in rows) and not page.overflow.isVisibleTo(wall)
            )
            assert overlapping(rows, wall) == []
            for r in rows:
                for lab in r.labels():
                    # Stage names, figures and the column headings: ≥ 40 px at 1080p (80 px at 4K).
                    assert lab.font().pixelSize() >= 40 * k and lab.height() >= 40 * k, (lab.text(), lab.height())
            # The headline once: no second, painted map headline; the stream named by one label only.
            assert wall.findChildren(ValueStreamMap) == []
            # (The column headings may repeat a caption: "WIP" is 在制品, as is "Work in progress".)
            texts = [lab.text() for lab in visible_labels(page) if lab not in page.heading.labels()]
            assert len(texts) == len(set(texts)), texts
            assert sum("All teams" in t for t in texts) == 1
            bottleneck = next(r for r in page.rows if r.bottleneck)
            assert bottleneck.name.text() == ("⚠ Development (bottleneck)" if lang == "en" else "⚠ Development（瓶颈）")
        if name == "dora":
            assert len(page.cards) == 8 and overlapping(page.cards, wall) == []
        assert wall.grab().save(str(ARTIFACTS / f"wall-readable-{lang}-{name}-{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_a_long_stream_keeps_its_size_and_says_what_is_left_out(qtbot: Any, size: tuple[int, int]) -> None:
    # 12 stages, one of them named "Security sign-off by the risk committee" (it wraps): the rows step
    # down to 40 px before any is left out; whole rows only, and a line counts the rest.
    wall = make(qtbot, size, stages=12)
    wall.set_page(WALL_PAGES.index("map"))
    settle(qtbot)
    page = wall.map_page
    assert clipped(wall) == [] and wall.grab().height() == size[1]
    shown = [r for r in page.rows if r.isVisibleTo(wall)]
    assert page.stage_px == round(40 * size[1] / 1080)
    assert all(r.name.font().pixelSize() >= 40 * size[1] / 1080 for r in shown)
    bottom = page.table.viewport().mapTo(wall, page.table.viewport().rect().bottomLeft()).y()
    assert all(r.mapTo(wall, r.rect().bottomLeft()).y() <= bottom for r in shown)
    left_out = len(page.rows) - len(shown)
    assert left_out > 0 and page.overflow.isVisibleTo(wall)
    assert page.overflow.text() == f"+ {left_out} more stages (see the desktop app for the whole map)"
    # Seven stages fit at the larger size (45 px at 1080p).
    wall.show_report(samples.report(7, weeks=13))
    settle(qtbot)
    assert page.stage_px == round(45 * size[1] / 1080) and not page.overflow.isVisibleTo(wall)


@pytest.mark.parametrize("lang", LANGS, indirect=True)
def test_a_fresh_wall_waits_and_does_not_call_its_data_old(qtbot: Any, lang: str) -> None:
    later = {"now": NOW}
    wall = WallWindow(None, height=1080, clock=lambda: later["now"])
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    waiting = "Waiting for first data…" if lang == "en" else "正在等待首批数据…"
    later["now"] = NOW + timedelta(hours=2)  # long past the "old" threshold: still nothing to call old
    wall.clock.update_now()
    settle(qtbot)
    texts = [lab.text() for lab in visible_labels(wall)]
    assert wall.current_page == "waiting" and wall.waiting.message.text() == waiting
    assert texts.count(waiting) == 1  # said once, large; the header's age line is not repeated
    assert not [t for t in texts if "old" in t or "⚠" in t or "过时" in t], texts
    assert wall.clock.level == "waiting" and wall.clock.age.text() == waiting
    assert clipped(wall) == []
    # Tiles from the cache before any poll: the header says it is waiting, not that the data is old.
    wall.show_pipelines(busy_view())
    settle(qtbot)
    assert wall.current_page == "pipelines" and wall.clock.age.isVisibleTo(wall)
    assert wall.clock.age.text() == waiting and wall.clock.level == "waiting"
    # The first data arrives: from now on its age is what the line says.
    wall.clock.set_data_time(later["now"] - timedelta(seconds=40))
    settle(qtbot)
    assert wall.clock.level == "ok" and wall.clock.age.text() != waiting and clipped(wall) == []
    assert wall.grab().save(str(ARTIFACTS / f"wall-readable-fresh-{lang}.png"))
