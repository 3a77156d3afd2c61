"""The main window's pipelines page follows live polling while it shows "as of now"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.controllers.notify import Notifier
from app.controllers.report import Controller
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.model import Config
from data.config.parse import load_config
from data.connectors.http.limits import FakeClock
from data.store.store import Store
from tests.helpers.engine import FakeEngine
from tests.helpers.live import START, Feed, poller_for, source
from tests.helpers.server import FakeServer


def test_live_polls_reach_the_pipelines_page_and_failures_are_said(qtbot: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'live.db'}"
    Store.open(db).close()
    feed = Feed("payments-deploy")
    clock = FakeClock(start=START.timestamp())
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", feed.reply)
        config = Config(sources=(source("gocd", srv.url),), streams=load_config(None).streams)
        controller = Controller(config, lambda: Store.open(db), engine=FakeEngine())
        window = MainWindow(controller, UiSettings())
        qtbot.addWidget(window)
        poller = poller_for(config, db, clock)
        notifier = Notifier(window, desktop=False)
        window.attach_live(poller, notifier)
        window.show()
        controller.start()
        poller.start()
        try:
            qtbot.waitUntil(
                lambda: poller.view is not None and any(s.source == "gocd" for s in poller.view.statuses),
                timeout=20_000,
            )
            # The page shows what the poll found, not the controller's cached list.
            shown = {s.pipeline for s in window.pages.pipelines.statuses}
            assert "payments-deploy" in shown
            # A failure on the next poll reaches the page and the tray state.
            feed.set(lastBuildStatus="Failure", lastBuildLabel="42", lastBuildTime="2026-03-02T09:30:30Z")
            clock.sleep(60)
            poller.poll_now()
            qtbot.waitUntil(
                lambda: any(
                    s.pipeline == "payments-deploy" and s.state == "failed" for s in window.pages.pipelines.statuses
                ),
                timeout=20_000,
            )
            assert notifier.state == "failed"
        finally:
            poller.stop()
            controller.shutdown()
