"""Dashboards notice data written by another process: the store generation is polled on a worker."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.controllers.report import Controller
from data.config.parse import load_config
from data.records import WorkItem
from data.store.store import Store
from tests.helpers.engine import FakeEngine, fake_demo
from tests.helpers.paths import ROOT
from widgets.time_range import Selection


def _started(qtbot: Any, url: str, poll_s: float) -> tuple[Controller, FakeEngine]:
    engine = FakeEngine()
    c = Controller(load_config(None), lambda: Store.open(url), engine=engine, generate_demo=fake_demo, poll_s=poll_s)
    with qtbot.waitSignal(c.store_ready, timeout=10_000):
        c.start()
    with qtbot.waitSignal(c.report_ready, timeout=10_000):
        c.request(Selection(None, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC),
                            datetime(2026, 3, 30, tzinfo=UTC)))  # fmt: skip
    qtbot.waitUntil(lambda: c.workers.active() == 0 and c.watcher.detector is not None, timeout=10_000)
    return c, engine


def test_second_writer_triggers_one_rerequest_within_the_poll_interval(qtbot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    c, engine = _started(qtbot, url, poll_s=0.2)
    try:
        calls = len(engine.calls)
        polls = c.watcher.polls
        qtbot.waitUntil(lambda: c.watcher.polls >= polls + 3, timeout=5000)
        assert len(engine.calls) == calls  # polling alone recomputes nothing
        other = Store.open(url)  # another process's store on the same file
        try:
            with qtbot.waitSignal(c.data_updated, timeout=3000), other.writer() as w:
                w.upsert([WorkItem("jira", "PAY-2", "New", datetime(2026, 3, 1, tzinfo=UTC))])
        finally:
            other.close()
        qtbot.waitUntil(lambda: len(engine.calls) == calls + 1, timeout=5000)
        assert engine.calls[-1]["window_from"] == datetime(2026, 1, 1, tzinfo=UTC)  # the same selection
        polls = c.watcher.polls
        qtbot.waitUntil(lambda: c.watcher.polls >= polls + 3, timeout=5000)
        assert len(engine.calls) == calls + 1  # once per write, not once per poll
    finally:
        c.shutdown()


def test_flowdeck_import_in_a_subprocess_is_noticed(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    c, engine = _started(qtbot, f"sqlite:///{db}", poll_s=0.3)
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"kind":"work_item","source":"jira","key":"PAY-9","title":"Import","type":"Story",'
        '"created_at":"2026-03-02T09:00:00Z"}\n',
        encoding="utf-8",
    )
    try:
        calls = len(engine.calls)
        with qtbot.waitSignal(c.data_updated, timeout=30_000):
            proc = subprocess.run(
                [sys.executable, "-m", "app.cli", "--db", str(db), "import", str(events)],
                cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
        qtbot.waitUntil(lambda: len(engine.calls) > calls, timeout=5000)
    finally:
        c.shutdown()
