"""Sync now from the window: progress per page, Cancel between pages, resume, refresh after a sync."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.controllers.report import Controller
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.parse import parse_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine
from tests.helpers.onprem_fakes import FakeJenkins, synthetic_builds
from tests.helpers.server import FakeServer, Reply, Req

JOBS = ("a", "b", "c", "d")


@pytest.fixture
def jenkins() -> Iterator[tuple[FakeServer, threading.Event, threading.Event]]:
    """Four jobs of 3 builds; job c's build list answers only once ``release`` is set."""
    fake = FakeJenkins(jobs={name: synthetic_builds(3) for name in JOBS})
    in_slow, release = threading.Event(), threading.Event()

    def slow(req: Req) -> Reply:
        if (req.arg("tree") or "").startswith("allBuilds"):
            in_slow.set()
            release.wait(10)
        return fake._api(req)

    with FakeServer() as srv:
        fake.install(srv)
        srv.route("GET", "/job/c/api/json", slow)
        yield srv, in_slow, release
        release.set()


def _window(qtbot: Any, tmp_path: Path, url: str) -> tuple[MainWindow, Controller, FakeEngine]:
    config = parse_config({"sources": [{"name": "ci", "kind": "jenkins", "url": url, "page_size": 2}]})
    engine = FakeEngine()
    store_url = f"sqlite:///{tmp_path / 'sync.db'}"
    controller = Controller(config, lambda: Store.open(store_url), engine=engine, poll_s=0.2)
    w = MainWindow(controller, UiSettings())
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(controller.report_ready, timeout=10_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    return w, controller, engine


def _cursor_jobs(store: Store) -> set[str]:
    raw = store.get_cursor("ci", "builds")
    return set(json.loads(raw)["jobs"]) if raw else set()


def test_sync_progress_cancel_between_pages_and_resume(qtbot, tmp_path, jenkins, monkeypatch) -> None:
    srv, in_slow, release = jenkins
    monkeypatch.delenv("FLOWDECK_TOKEN_CI", raising=False)
    w, controller, engine = _window(qtbot, tmp_path, srv.url)
    try:
        assert w.sync_actions.sync_action.isEnabled() and "ci" in w.sync_actions.sync_action.toolTip()
        texts: list[str] = []
        controller.syncer.progress.connect(lambda text, _d, _t: texts.append(text))
        w.sync_actions.sync_action.trigger()
        assert not w.sync_actions.sync_action.isEnabled()
        assert w.sync_status.cancel_button.isVisible() and w.sync_status.bar.isVisible()
        qtbot.waitUntil(in_slow.is_set, timeout=10_000)  # jobs a and b are stored; c's page is in flight
        qtbot.waitUntil(lambda: any("page" in t for t in texts), timeout=5000)
        assert any(t.startswith("ci builds: page ") for t in texts), texts
        w.sync_status.cancel_button.click()
        assert w.sync_status.label.text() == "Cancelling after the current page…"
        release.set()
        with qtbot.waitSignal(controller.syncer.finished, timeout=10_000) as finished:
            pass
        outcome = finished.args[0]
        assert outcome.cancelled and not outcome.ok
        assert "cancelled" in w.sync_status.label.text() and not w.sync_status.cancel_button.isVisible()
        store = controller.store
        assert store is not None
        # Stopped after the page in hand: c's builds were written, its cursor page and job d never read.
        assert _cursor_jobs(store) == {"a", "b"}
        assert {r.pipeline for r in store.pipeline_runs()} == {"a", "b", "c"}
        assert not any("/job/d/" in r.path for r in srv.requests)
        assert store.sync_states()["ci"]["last_error"] == "cancelled before the end; the next sync resumes"
        # The next sync carries on from the stored cursor and finishes; then the dashboard refreshes.
        calls = len(engine.calls)
        with qtbot.waitSignal(controller.data_updated, timeout=10_000):
            assert controller.syncer.sync()
        assert controller.syncer.last_outcome is not None and controller.syncer.last_outcome.ok
        assert _cursor_jobs(store) == set(JOBS)
        assert len(store.pipeline_runs()) == 12  # nothing doubled
        qtbot.waitUntil(lambda: len(engine.calls) > calls, timeout=5000)
        assert w.updated_label.text().startswith("updated ")

        def synced() -> bool:
            tip = w.sync_status.toolTip()
            return "ci: last sync " in tip and "never" not in tip and "last error" not in tip

        qtbot.waitUntil(synced, timeout=5000)
    finally:
        release.set()
        controller.shutdown()


def test_failing_source_shows_its_error_and_sync_is_disabled_without_sources(qtbot, tmp_path, window) -> None:
    # The demo window (no source): Sync is disabled and says why.
    assert not window.sync_actions.sync_action.isEnabled()
    assert "add a source" in window.sync_actions.sync_action.toolTip()
    # A source answering 401: the error is shown (redacted), the sync ends, nothing hangs.
    with FakeServer() as srv:
        srv.route("GET", r".*", Reply.json({"message": "Bad credentials"}, status=401))
        w, controller, _engine = _window(qtbot, tmp_path, srv.url)
        try:
            with qtbot.waitSignal(controller.syncer.finished, timeout=10_000) as finished:
                w.sync_actions.sync_now()
            assert not finished.args[0].ok
            assert w.error_banner.isVisible() and "ci" in w.error_banner.text() and "401" in w.error_banner.text()
            assert w.sync_status.label.text().startswith("⚠ Sync finished with errors (ci)")
            assert w.sync_actions.sync_action.isEnabled()
        finally:
            controller.shutdown()


def test_demo_store_refuses_a_sync(qtbot, window) -> None:
    c = window.controller
    c.set_config(dataclasses.replace(c.config, sources=parse_config(
        {"sources": [{"name": "ci", "kind": "jenkins", "url": "http://127.0.0.1:9"}]}).sources))  # fmt: skip
    assert not window.sync_actions.sync_action.isEnabled() and "demo" in window.sync_actions.sync_action.toolTip()
    with qtbot.waitSignal(c.syncer.refused, timeout=2000) as refused:
        assert not c.syncer.sync()
    assert "demo organisation" in refused.args[0]
