"""Pipeline board pieces the wall and the main window share: progress against the ETA, filters,
"only failing and running" with "All green", error tiles, stale tiles, ticking elapsed time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from data.pipelines.results import PipelineStatus
from tests.helpers import samples
from widgets.pipeline_board import PipelineBoard
from widgets.pipeline_filters import BoardFilter, filter_statuses
from widgets.pipeline_tiles import progress_of

T = datetime(2026, 3, 29, 10, tzinfo=UTC)


def running(started_min_ago: float, eta_min: float | None) -> PipelineStatus:
    return PipelineStatus(
        "gh",
        "app",
        "main",
        "running",
        started_at=T - timedelta(minutes=started_min_ago),
        eta_s=None if eta_min is None else eta_min * 60,
    )


def test_progress_against_the_eta() -> None:
    assert progress_of(running(4, 10), T) == (0.4, "4 min of ~10 min · 6 min left")
    assert progress_of(running(15, 10), T) == (1.0, "15 min · over by 5 min")
    assert progress_of(running(2, None), T) == (None, "running for 2 min · no ETA yet")
    assert progress_of(samples.pipelines()[0], T) == (None, "")  # not running


def test_filters_by_source_name_and_branch() -> None:
    items = samples.pipelines()
    assert [s.pipeline for s in filter_statuses(items, BoardFilter(sources=frozenset({"jenkins"})))] == ["core-banking"]
    assert [s.pipeline for s in filter_statuses(items, BoardFilter(name="BANK"))] == ["core-banking"]  # substring
    assert [s.pipeline for s in filter_statuses(items, BoardFilter(name="m*"))] == ["mobile-app"]  # glob
    assert [s.pipeline for s in filter_statuses(items, BoardFilter(branch="release/*"))] == ["core-banking"]
    active = filter_statuses(items, BoardFilter(only_active=True))
    assert sorted(s.state for s in active) == ["failed", "running"]


def test_board_error_tile_stale_tile_and_all_green(qtbot: Any) -> None:
    board = PipelineBoard(columns=2)
    qtbot.addWidget(board)
    items = [replace(s, stale=s.source == "gitlab") for s in samples.pipelines()]
    board.set_statuses(items, hidden=7)
    board.set_source_errors({"gitlab": "HTTP 503 from https://gitlab.example", "github": None})
    assert [t.source for t in board.error_tiles] == ["gitlab"]
    assert "HTTP 503" in board.error_tiles[0].details.text()
    stale = next(t for t in board.tiles if t.status.source == "gitlab")
    assert stale.stale.isVisibleTo(board) and "(stale)" in stale.accessibleName()
    assert board.more.text() == "4 pipelines, 1 failing. 7 idle pipelines hidden (no run recently)."
    board.set_source_errors({})
    assert board.error_tiles == []
    board.set_only_active(True)
    assert sorted(t.status.state for t in board.tiles) == ["failed", "running"]
    board.set_statuses([replace(s, state="success") for s in items])
    assert board.tiles == [] and board.empty.text() == "✓ All green: 4 pipelines, none failing or running."
    board.set_filter(BoardFilter(name="nothing-like-this"))
    assert board.empty.text() == "No pipeline matches the filter."


def test_running_tile_ticks_without_a_query(qtbot: Any) -> None:
    board = PipelineBoard()
    qtbot.addWidget(board)
    board.set_statuses([running(4, 10)], now=T)
    tile = board.tiles[0]
    assert tile.progress.value() == 400 and "running 4 min" in tile.details.text()
    board.tick(T + timedelta(minutes=2))
    assert tile.progress.value() == 600 and "running 6 min" in tile.details.text()
