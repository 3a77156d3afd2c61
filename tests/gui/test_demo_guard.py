"""The app's first start: with no source, the demo goes into an empty store and into no other.

Driven through the controller the window uses, with the real demo generator (``data.demo``): a
store holding only imported incidents used to get the whole demo bank written into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.controllers.report import Controller
from data.config.parse import load_config
from data.events.importer import import_files
from data.store.store import Store
from tests.helpers.engine import FakeEngine


def _start(qtbot: Any, url: str) -> Any:
    controller = Controller(load_config(None), lambda: Store.open(url), engine=FakeEngine())
    try:
        with qtbot.waitSignal(controller.store_ready, timeout=30_000) as ready:
            controller.start()
        qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    finally:
        controller.shutdown()
    return ready.args[0]


def test_a_store_holding_only_imported_incidents_gets_no_demo(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'incidents.db'}"
    events = tmp_path / "incidents.jsonl"
    events.write_text(
        '{"kind":"incident","source":"pagerduty","key":"INC-1","created_at":"2026-03-01T00:00:00Z"}\n'
        '{"kind":"incident","source":"pagerduty","key":"INC-2","created_at":"2026-03-02T00:00:00Z",'
        '"resolved_at":"2026-03-02T04:00:00Z"}\n',
        encoding="utf-8",
    )
    with Store.open(url) as store:
        import_files(store, [events])
        before = store.counts(), store.incidents(), store.generation()
    info = _start(qtbot, url)
    assert not info.generated_demo and not info.demo
    with Store.open(url) as store:
        assert (store.counts(), store.incidents(), store.generation()) == before
        assert store.get_meta("demo") is None


def test_an_empty_store_still_gets_the_demo_on_first_start(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    info = _start(qtbot, url)
    assert info.generated_demo and info.demo
    with Store.open(url) as store:
        assert store.get_meta("demo") == "1" and store.counts()["work_items"] > 0
