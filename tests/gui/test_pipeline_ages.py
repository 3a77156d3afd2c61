"""Pipeline tiles say ages, not timestamps ("broken 3 d", "running 5 min", "failed 2 h ago"), hand-computed
at every unit boundary; ages are differences of UTC instants (the local time zone changes nothing), and
a tile shows only the fields its source has (a CCTray project: no rows of dashes)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from data.pipelines.results import PipelineStatus
from widgets.i18n import install_translators
from widgets.pipeline_board import PipelineBoard
from widgets.pipeline_tiles import age_seconds, fmt_age, tile_lines

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def local_zone() -> Iterator[Any]:
    """Switch the process's local time zone (restored afterwards)."""
    old = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield switch
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0 s"),  # a clock a little behind the source: never a negative age
        (0, "0 s"),
        (59.9, "59 s"),  # rounded down: an age never claims more than has passed
        (60, "1 min"),
        (119, "1 min"),
        (3599, "59 min"),
        (3600, "1 h"),
        (2 * 3600 + 59 * 60, "2 h"),
        (86399, "23 h"),
        (86400, "1 d"),
        (3 * 86400 - 1, "2 d"),
        (3 * 86400, "3 d"),
        (400 * 86400, "400 d"),
    ],
)
def test_age_units_and_boundaries(seconds: float, text: str) -> None:
    assert fmt_age(seconds) == text


def failing(**kw: Any) -> PipelineStatus:
    base: dict[str, Any] = dict(
        source="jenkins",
        pipeline="mobile",
        branch="main",
        state="failed",
        run_id="9",
        sha="3e2c583e0123",
        started_at=NOW - timedelta(hours=2, minutes=20),
        finished_at=NOW - timedelta(hours=2, minutes=9),
        duration_s=664,
        broken_since=NOW - timedelta(days=3, hours=7),
        failing_runs=7,
        authors=("zhou.bo", "xu.ling"),
    )
    base.update(kw)
    return PipelineStatus(**base)


def test_failing_tile_lines_by_hand() -> None:
    assert tile_lines(failing(), NOW) == [
        "branch main",
        "broken 3 d · failing for 7 runs",  # 3 days 7 hours
        "failed 2 h ago · took 11 min 4 s",  # finished 2 h 9 min ago; 664 s
        "jenkins · commit 3e2c583e",
        "commits by zhou.bo, xu.ling",
    ]


def test_every_state_says_its_age() -> None:
    running = PipelineStatus(
        "gh", "ci", "main", "running", started_at=NOW - timedelta(minutes=5, seconds=59), eta_s=900
    )
    assert tile_lines(running, NOW)[1] == "running 5 min"
    queued = PipelineStatus("gh", "ci", "main", "queued", queued_at=NOW - timedelta(seconds=42))
    assert tile_lines(queued, NOW)[1] == "queued 42 s"
    passed = PipelineStatus("gh", "ci", "main", "success", finished_at=NOW - timedelta(hours=23, minutes=59))
    assert tile_lines(passed, NOW)[1] == "passed 23 h ago"
    cancelled = PipelineStatus("gh", "ci", "main", "cancelled", started_at=NOW - timedelta(days=1))
    assert tile_lines(cancelled, NOW)[1] == "cancelled 1 d ago"
    unknown = PipelineStatus("gh", "ci", "main", "unknown", finished_at=NOW - timedelta(minutes=1))
    assert tile_lines(unknown, NOW)[1] == "last run 1 min ago"
    # A running re-build after failures keeps its streak.
    rebuild = failing(state="running", finished_at=None, duration_s=None, started_at=NOW - timedelta(minutes=3))
    assert tile_lines(rebuild, NOW)[1:3] == ["broken 3 d · failing for 7 runs", "running 3 min"]


def test_only_what_the_source_has() -> None:
    # A CCTray project: a name, a state and the time of its last build; no branch, commit or duration.
    cctray = PipelineStatus("gocd", "bank-app", None, "success", finished_at=NOW - timedelta(hours=5))
    assert tile_lines(cctray, NOW) == ["passed 5 h ago", "gocd"]
    bare = PipelineStatus("gocd", "batch", None, "unknown")
    assert tile_lines(bare, NOW) == ["gocd"]
    assert not [line for s in (cctray, bare) for line in tile_lines(s, NOW) if "—" in line]
    # Running without a start or queued without a time: the state word on the tile says it; no empty age.
    assert tile_lines(PipelineStatus("gocd", "x", None, "running"), NOW) == ["gocd"]
    assert tile_lines(PipelineStatus("gocd", "x", None, "queued"), NOW) == ["gocd"]


def test_ages_are_instants_not_local_times(local_zone: Any) -> None:
    lines = {}
    for zone in ("UTC", "Asia/Shanghai", "America/Los_Angeles"):
        local_zone(zone)
        lines[zone] = tile_lines(failing(), NOW)
    assert lines["UTC"] == lines["Asia/Shanghai"] == lines["America/Los_Angeles"]
    # The same instant written in another zone is no time at all; a naive instant is taken as UTC.
    shanghai = NOW.astimezone(timezone(timedelta(hours=8)))
    assert age_seconds(shanghai, NOW) == 0.0
    assert age_seconds(NOW.replace(tzinfo=None) - timedelta(hours=1), NOW) == 3600.0


def test_without_a_clock_ages_are_measured_to_the_status_as_of(qtbot: Any) -> None:
    # The desktop page (a past "as of", the demo's end) gives no clock: the status's own instant counts.
    as_of = datetime(2026, 3, 1, 12, tzinfo=UTC)
    s = failing(as_of=as_of, finished_at=as_of - timedelta(minutes=30), broken_since=as_of - timedelta(days=2))
    board = PipelineBoard()
    qtbot.addWidget(board)
    board.set_statuses([s])
    text = board.tiles[0].details.text()
    assert "broken 2 d · failing for 7 runs" in text and "failed 30 min ago" in text
    # The wall ticks every second: the ages move with its clock, without a query.
    board.tick(as_of + timedelta(hours=3))
    assert "failed 3 h ago" in board.tiles[0].details.text()


def test_ages_in_chinese(qapp: QApplication) -> None:
    install_translators(qapp, "zh_CN")
    try:
        assert tile_lines(failing(), NOW)[1:3] == ["已失败 3 天 · 已连续失败 7 次", "2 小时前失败 · 耗时 11 分 4 秒"]
        running = PipelineStatus("gh", "ci", "main", "running", started_at=NOW - timedelta(minutes=5))
        assert tile_lines(running, NOW)[1] == "已运行 5 分钟"
    finally:
        install_translators(qapp, "en")
