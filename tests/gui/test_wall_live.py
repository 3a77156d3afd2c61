"""Live polling end to end: fake CCTray servers on 127.0.0.1 drive the LivePoller and the wall.

A feed moves a pipeline through running -> failed -> running -> failed -> running -> passed:
tiles, broken since, failing for N and notifications follow. One source down and one up: the up
one keeps updating, the down one gets an error tile, and it recovers when a new server starts on
the same port. A restarted wall paints the last known state from the store before any poll.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.controllers.live import LivePoller
from app.controllers.notify import Notifier
from app.wall import WallWindow
from data.config.model import Config
from data.connectors.http.limits import FakeClock
from data.store.store import Store
from tests.helpers.live import START, Feed, poller_for, source
from tests.helpers.server import FakeServer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=START.timestamp())


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'live.db'}"


def state_of(poller: LivePoller, source_name: str) -> Any:
    if poller.view is None:
        return None
    return next((s for s in poller.view.statuses if s.source == source_name), None)


def test_a_pipeline_breaks_and_is_fixed_with_notifications(qtbot: Any, db: str, clock: FakeClock) -> None:
    feed = Feed("bank-app")
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", feed.reply)
        poller = poller_for(Config(sources=(source("gocd", srv.url),)), db, clock)
        notifier = Notifier(desktop=False)
        wall = WallWindow(poller, height=720, notifier=notifier, clock=lambda: datetime.fromtimestamp(clock.now, UTC))
        qtbot.addWidget(wall)
        wall.resize(1280, 720)
        wall.show()
        poller.start()
        try:
            qtbot.waitUntil(lambda: (s := state_of(poller, "gocd")) is not None and s.state == "success", timeout=5000)
            assert wall.current_page == "pipelines" and not wall.demo

            def step(expect: str, **feed_change: str) -> Any:
                clock.now += 300
                feed.set(**feed_change)
                qtbot.waitUntil(lambda: state_of(poller, "gocd").state == expect, timeout=5000)
                return state_of(poller, "gocd")

            assert step("running", activity="Building").failing_runs == 0
            failed = step(
                "failed",
                activity="Sleeping",
                lastBuildLabel="42",
                lastBuildStatus="Failure",
                lastBuildTime="2026-03-02T09:39:00Z",
            )
            broken_at = datetime(2026, 3, 2, 9, 39, tzinfo=UTC)
            assert (failed.failing_runs, failed.broken_since) == (1, broken_at)
            qtbot.waitUntil(lambda: [n.kind for n in notifier.history] == ["broken"], timeout=3000)
            tile = wall.pipelines_page.board.tiles[0]
            assert tile.state.text() == "Failed" and "failing for 1 run" in tile.details.text()
            rerun = step("running", activity="Building")
            assert (rerun.failing_runs, rerun.broken_since) == (1, broken_at)  # streak stays while re-building
            again = step(
                "failed",
                activity="Sleeping",
                lastBuildLabel="43",
                lastBuildStatus="Failure",
                lastBuildTime="2026-03-02T09:49:00Z",
            )
            assert (again.failing_runs, again.broken_since) == (2, broken_at)
            qtbot.waitUntil(lambda: [n.kind for n in notifier.history] == ["broken", "still broken"], timeout=3000)
            step("running", activity="Building")
            fixed = step(
                "success",
                activity="Sleeping",
                lastBuildLabel="44",
                lastBuildStatus="Success",
                lastBuildTime="2026-03-02T09:59:00Z",
            )
            assert (fixed.failing_runs, fixed.broken_since) == (0, None)
            qtbot.waitUntil(lambda: [n.kind for n in notifier.history][-1] == "fixed", timeout=3000)
            assert notifier.state == "success"
            # Idle polls (304) write nothing: the store generation stays put over several intervals.
            store = poller.store
            assert store is not None
            gen = store.generation()
            polls: list[str] = []
            poller.polled.connect(lambda name, _s: polls.append(name))
            qtbot.waitUntil(lambda: len(polls) >= 3, timeout=5000)
            assert store.generation() == gen
        finally:
            poller.stop()


def test_one_source_down_one_up_then_both_recover(qtbot: Any, db: str, clock: FakeClock) -> None:
    up_feed, down_feed = Feed("payments"), Feed("ledger")
    up = FakeServer().start()
    up.route("GET", "/cctray.xml", up_feed.reply)
    down = FakeServer().start()
    port = down.port
    down_url = down.url
    down.stop()  # nothing listens on this port now
    config = Config(sources=(source("up", up.url), source("down", down_url)))
    poller = poller_for(config, db, clock)
    wall = WallWindow(poller, height=720, clock=lambda: datetime.fromtimestamp(clock.now, UTC))
    qtbot.addWidget(wall)
    wall.resize(1280, 720)
    wall.show()
    failures: list[tuple[str, str]] = []
    recoveries: list[str] = []
    poller.source_failed.connect(lambda s, m: failures.append((s, m)))
    poller.source_recovered.connect(recoveries.append)
    restarted: FakeServer | None = None
    try:
        poller.start()
        qtbot.waitUntil(lambda: bool(failures) and state_of(poller, "up") is not None, timeout=5000)
        assert failures[0][0] == "down" and "could not connect" in failures[0][1]
        board = wall.pipelines_page.board
        qtbot.waitUntil(lambda: [t.source for t in board.error_tiles] == ["down"], timeout=3000)
        assert "not answering" in board.error_tiles[0].title.text()
        # The up source keeps updating meanwhile.
        up_feed.set(activity="Building")
        clock.now += 60
        qtbot.waitUntil(lambda: state_of(poller, "up").state == "running", timeout=5000)
        assert state_of(poller, "down") is None
        # The network returns: a new server on the same port.
        restarted = FakeServer().start(port=port)
        restarted.route("GET", "/cctray.xml", down_feed.reply)
        qtbot.waitUntil(lambda: recoveries == ["down"], timeout=8000)
        qtbot.waitUntil(lambda: state_of(poller, "down") is not None, timeout=5000)
        assert state_of(poller, "down").state == "success" and state_of(poller, "down").error is None
        qtbot.waitUntil(lambda: board.error_tiles == [], timeout=3000)
        assert state_of(poller, "up").state == "running"
    finally:
        poller.stop()
        up.stop()
        if restarted is not None:
            restarted.stop()


def test_a_restarted_wall_paints_the_last_known_state_before_any_poll(qtbot: Any, db: str, clock: FakeClock) -> None:
    feed = Feed("bank-app")
    feed.set(lastBuildStatus="Failure")
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", feed.reply)
        first = poller_for(Config(sources=(source("gocd", srv.url),)), db, clock)
        first.start()
        try:
            qtbot.waitUntil(lambda: state_of(first, "gocd") is not None, timeout=5000)
        finally:
            first.stop()
        url = srv.url
    # "After a reboot": the server is gone, the wall comes back and shows the cached state at once.
    second = poller_for(Config(sources=(source("gocd", url),)), db, clock)
    views: list[Any] = []
    second.pipelines_changed.connect(views.append)
    polls: list[str] = []
    second.polled.connect(lambda n, _s: polls.append(n))
    failures: list[str] = []
    second.source_failed.connect(lambda s, _m: failures.append(s))
    second.start()
    try:
        qtbot.waitUntil(lambda: bool(views), timeout=5000)
        assert views[0].statuses[0].state == "failed" and views[0].statuses[0].pipeline == "bank-app"
        qtbot.waitUntil(lambda: failures == ["gocd"], timeout=5000)
        assert second.view is not None and second.view.statuses[0].error is not None  # marked, still shown
    finally:
        second.stop()


def test_demo_store_without_sources_shows_cached_demo_state(qtbot: Any, tmp_path: Path) -> None:
    from data import demo

    db = f"sqlite:///{tmp_path / 'demo.db'}"
    s = Store.open(db)
    demo.generate(s, scale="small")
    s.close()
    poller = LivePoller(Config(), lambda: Store.open(db), tick_ms=50)
    wall = WallWindow(poller, height=720)
    qtbot.addWidget(wall)
    wall.show()
    poller.start()
    try:
        qtbot.waitUntil(lambda: poller.view is not None, timeout=10_000)
        assert poller.demo and wall.demo_badge.isVisibleTo(wall)
        assert wall.clock.age.text().startswith("demo data (as of ")
        assert poller.view.failing >= 1 and poller.view.hidden > 1000  # abandoned branches hidden
        assert not poller.timer.isActive()  # nothing to poll
    finally:
        poller.stop()


def test_nothing_is_delivered_after_stop(qtbot: Any, db: str, clock: FakeClock) -> None:
    """A poll in flight when the wall closes: its answer is dropped, never shown on a closed screen."""
    feed = Feed("bank-app")
    feed.set(lastBuildStatus="Success")
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", feed.reply)
        poller = poller_for(Config(sources=(source("gocd", srv.url),)), db, clock)
        poller.start()
        try:
            qtbot.waitUntil(lambda: state_of(poller, "gocd") is not None, timeout=5000)
            qtbot.waitUntil(lambda: poller.workers.active() == 0, timeout=5000)
            after: list[object] = []
            poller.polled.connect(lambda n, _s: after.append(n))
            poller.pipelines_changed.connect(after.append)
            poller._poll(poller.config.sources[0], poller.schedules["gocd"])  # a poll now, not when due
            assert poller.workers.wait(5000)  # the poll's answer is posted, not delivered yet
        finally:
            poller.stop()
        qtbot.wait(200)
    assert after == []
