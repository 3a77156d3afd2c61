"""The wall window at 1080p and 4K offscreen: nothing clipped or overlapping, big type, rotation,
keyboard control, and a screenshot of every page under tests/gui/artifacts/ (look at them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.wall import WALL_PAGES, WallWindow, font_px_for
from data.pipelines.status import PipelineView
from tests.helpers.wall import NOW, clipped, make_wall, overlapping, settle, view
from widgets.wall_clock import age_level, age_text

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_every_page_fits_without_clipping_and_is_saved(qtbot: Any, size: tuple[int, int]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    wall = make_wall(qtbot, size)
    px = font_px_for(size[1])
    assert px == round(size[1] / 36)
    for name in WALL_PAGES:
        wall.set_page(WALL_PAGES.index(name))
        settle(qtbot)
        assert wall.current_page == name
        page = wall.pages[name]
        assert clipped(wall) == [], name
        if name == "pipelines":
            tiles = [*page.board.error_tiles, *page.board.tiles]
            shown = [t for t in tiles if t.isVisibleTo(wall)]
            assert len(shown) >= 4  # the failing and running ones at least
            assert overlapping(shown, wall) == []
            bottom = page.board.viewport().mapTo(wall, page.board.viewport().rect().bottomLeft()).y()
            assert all(t.mapTo(wall, t.rect().bottomLeft()).y() <= bottom for t in shown)  # none cut
            first = shown[0]
            # Key text readable from 3-4 m: ≥ 40 px at 1080p (and twice that at 4K).
            assert first.title.font().pixelSize() >= 40 * size[1] / 1080
            # Both failing on default branches: the more recent failure first.
            assert [t.title.text() for t in shown[:2]] == [
                "core-banking",
                "customer-onboarding-service-with-a-very-long-name",
            ]
            stale = next(t for t in shown if t.status.pipeline == "ledger")
            assert stale.stale.isVisibleTo(wall) and "STALE" in stale.stale.text()
            assert stale.progress.isVisibleTo(wall) and stale.progress.value() == 400  # 4 of 10 min
        if name == "dora":
            assert len(page.cards) == 8 and overlapping(page.cards, wall) == []
            assert page.cards[0].value.font().pixelSize() >= 40 * size[1] / 1080
        if name == "map":
            figure = page.figures["lead"][0]
            assert figure.font().pixelSize() >= 40 * size[1] / 1080 and figure.text() != "—"
        assert wall.clock.time.font().pixelSize() >= 40 * size[1] / 1080
        pixmap = wall.grab()
        assert pixmap.width() == size[0] and pixmap.save(str(ARTIFACTS / f"wall-{name}-{size[0]}x{size[1]}.png"))


def test_rotation_and_keyboard(qtbot: Any) -> None:
    wall = make_wall(qtbot, (1280, 720), rotate_s=0.05)
    seen: list[str] = []
    wall.page_changed.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=3000)
    assert seen[:3] == ["map", "dora", "pipelines"]  # it started on pipelines, then rotates
    qtbot.keyClick(wall, Qt.Key.Key_Space)  # pause
    assert wall.paused and wall.paused_badge.isVisibleTo(wall) and not wall.rotation.isActive()
    current = wall.current_page
    qtbot.wait(200)
    assert wall.current_page == current  # paused: no change
    i = WALL_PAGES.index(current)
    qtbot.keyClick(wall, Qt.Key.Key_Right)
    assert wall.current_page == WALL_PAGES[(i + 1) % 3]
    qtbot.keyClick(wall, Qt.Key.Key_Left)
    qtbot.keyClick(wall, Qt.Key.Key_Left)
    assert wall.current_page == WALL_PAGES[(i - 1) % 3]
    qtbot.keyClick(wall, Qt.Key.Key_Space)  # resume
    assert not wall.paused and wall.rotation.isActive() and not wall.paused_badge.isVisibleTo(wall)
    assert wall.cursor().shape() == Qt.CursorShape.BlankCursor
    qtbot.keyClick(wall, Qt.Key.Key_Escape)
    assert not wall.isVisible()


def test_pinned_page_never_rotates_and_waiting_page_before_data(qtbot: Any) -> None:
    wall = WallWindow(None, height=720, pin="dora", rotate_s=0.01, clock=lambda: NOW)
    qtbot.addWidget(wall)
    wall.resize(1280, 720)
    wall.show()
    # Before any data: the waiting page, with the clock, never a blank screen.
    assert wall.current_page == "waiting" and wall.waiting.message.text() == "Waiting for first data…"
    assert wall.clock.time.text() == NOW.astimezone().strftime("%H:%M")
    wall.show_pipelines(view())
    qtbot.wait(100)
    assert wall.current_page == "dora" and not wall.rotation.isActive()
    qtbot.keyClick(wall, Qt.Key.Key_Right)
    assert wall.current_page == "dora"
    with pytest.raises(ValueError, match="unknown wall page"):
        WallWindow(None, pages=("pipelines", "weather"))


def test_only_failing_and_running_says_all_green(qtbot: Any) -> None:
    wall = make_wall(qtbot, (1280, 720), only_active=True)
    green = tuple(replace(s, state="success", broken_since=None, failing_runs=0) for s in view().statuses)
    wall.show_pipelines(PipelineView(green, NOW, 14.0, counts={"success": len(green)}))
    board = wall.pipelines_page.board
    assert board.tiles == [] and board.empty.isVisibleTo(wall)
    assert board.empty.text() == f"✓ All green: {len(green)} pipelines, none failing or running."


def test_data_age_text_and_levels() -> None:
    now = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert age_text(now - timedelta(seconds=40), now).endswith(", 40 s ago")
    assert age_text(now - timedelta(minutes=30), now).endswith(", 30 min ago")
    assert age_text(None, now) == "Waiting for first data…"
    assert age_text(now, now, demo=True).startswith("demo data (as of ")
    assert [age_level(a, 30) for a in (0, 89, 90, 299, 300, None)] == ["ok", "ok", "amber", "amber", "red", "red"]


def test_clock_colours_by_age(qtbot: Any) -> None:
    wall = make_wall(qtbot, (1280, 720), interval_s=30)
    for age, level in ((40, "ok"), (100, "amber"), (400, "red")):
        wall.clock.set_data_time(NOW - timedelta(seconds=age))
        assert wall.clock.level == level
    assert wall.clock.age.text().startswith("⚠ ") and "data is old" in wall.clock.age.text()


def test_the_clipping_check_sees_clipping(qtbot: Any) -> None:
    # Guard against a checker that passes because it measures nothing: 4K type in a small window.
    wall = make_wall(qtbot, (900, 500))
    wall.deleteLater()
    big = WallWindow(None, height=2160, clock=lambda: NOW)
    qtbot.addWidget(big)
    big.setFixedSize(900, 500)  # a window cannot grow past what its layout needs: pin it
    big.show()
    big.show_pipelines(view())
    settle(qtbot)
    assert clipped(big) != []
