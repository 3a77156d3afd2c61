"""First contact with real data (#12): from the demo to the user's own store, and empty pages that
say which source to add.

The demo store is made by the window's controller on first start (``fake_demo``); "Use my own data"
must open another, empty store, never write the demo file, and be remembered for the next start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app import paths
from app.controllers.report import Controller
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.parse import load_config, parse_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine, fake_demo


def _snapshot(path: Path) -> tuple[object, ...]:
    with Store.open(f"sqlite:///{path}") as store:
        return store.counts(), store.generation(), store.get_meta("demo"), store.sync_states()


def _demo_window(qtbot: Any, demo: Path) -> tuple[MainWindow, Controller]:
    controller = Controller(
        load_config(None), lambda: Store.open(f"sqlite:///{demo}"), engine=FakeEngine(), generate_demo=fake_demo
    )
    window = MainWindow(controller, UiSettings())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(controller.report_ready, timeout=10_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    assert controller.info is not None and controller.info.demo
    return window, controller


def _switched(qtbot: Any, controller: Controller, act: Any) -> Any:
    with qtbot.waitSignal(controller.store_ready, timeout=10_000) as ready:
        act()
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    return ready.args[0]


def test_use_my_own_data_opens_an_empty_store_of_its_own_and_sync_follows_a_source(qtbot: Any, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    window, controller = _demo_window(qtbot, demo)
    try:
        before = _snapshot(demo)
        assert window.own_data.button.isVisible() and window.add_source_button.isVisible()
        assert not window.sync_actions.sync_action.isEnabled()
        assert "Use my own data" in window.sync_actions.sync_action.toolTip()

        info = _switched(qtbot, controller, lambda: qtbot.mouseClick(window.own_data.button, Qt.MouseButton.LeftButton))

        own = Path(str(controller.store.sqlite_path))  # type: ignore[union-attr]
        # The default store (nothing else was asked for) in the user's data directory, not the demo file.
        assert own == paths.data_dir() / "flowdeck.db" and own.resolve() != demo.resolve()
        assert not info.demo and not info.generated_demo and controller.store.is_empty()  # type: ignore[union-attr]
        assert UiSettings().own_store == f"sqlite:///{own.resolve()}"
        # Nothing to sync yet, and the banner says which sources to add instead of "Demo data".
        assert not window.sync_actions.sync_action.isEnabled()
        assert window.banner_box.isVisible() and "Jira, GitHub or GitLab issues source" in window.banner.text()
        assert not window.own_data.button.isVisible() and window.add_source_button.isVisible()

        config = parse_config({"sources": [{"name": "ci", "kind": "jenkins", "url": "http://127.0.0.1:9/"}]})
        controller.set_config(config)
        assert window.sync_actions.sync_action.isEnabled()
        assert not window.banner_box.isVisible()
    finally:
        controller.shutdown()
    assert _snapshot(demo) == before


def test_the_demo_at_the_default_place_sends_the_own_store_elsewhere(qtbot: Any, tmp_path: Path) -> None:
    demo = paths.data_dir() / "flowdeck.db"
    demo.parent.mkdir(parents=True)
    window, controller = _demo_window(qtbot, demo)
    try:
        before = _snapshot(demo)
        assert window.own_data.default_path() == paths.own_store_file()
        _switched(qtbot, controller, window.own_data.use)
        assert controller.store.sqlite_path == paths.own_store_file().resolve()  # type: ignore[union-attr]
    finally:
        controller.shutdown()
    assert _snapshot(demo) == before


def test_picking_the_demo_file_is_refused_and_changes_nothing(qtbot: Any, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    window, controller = _demo_window(qtbot, demo)
    try:
        before = _snapshot(demo)
        window.own_data.ask_file = lambda _parent, _proposed: demo
        with qtbot.waitSignal(controller.error, timeout=10_000) as failed:
            window.own_data.action.trigger()
        assert "is the demo store" in failed.args[0]
        assert window.error_banner.isVisible()
        assert controller.info is not None and controller.info.demo
        assert window.own_data.button.isEnabled() and UiSettings().own_store is None
        # Another store that holds a demo is refused too.
        other = tmp_path / "other-demo.db"
        with Store.open(f"sqlite:///{other}") as store:
            fake_demo(store)
        window.own_data.ask_file = lambda _parent, _proposed: other
        with qtbot.waitSignal(controller.error, timeout=10_000) as failed:
            window.own_data.action.trigger()
        assert "holds the demo organisation" in failed.args[0]
        # A file of the user's choice is used.
        mine = tmp_path / "mine" / "flowdeck.db"
        window.own_data.ask_file = lambda _parent, _proposed: mine
        _switched(qtbot, controller, window.own_data.action.trigger)
        assert controller.store.sqlite_path == mine.resolve()  # type: ignore[union-attr]
        assert not window.own_data.action.isEnabled()  # only from the demo
    finally:
        controller.shutdown()
    assert _snapshot(demo) == before


def test_the_own_store_never_gets_the_demo_even_empty_and_without_sources(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'own.db'}"
    controller = Controller(load_config(None), lambda: Store.open(url), engine=FakeEngine(), allow_demo=False)
    try:
        with qtbot.waitSignal(controller.store_ready, timeout=10_000) as ready:
            controller.start()
        qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)
    finally:
        controller.shutdown()
    assert not ready.args[0].demo
    with Store.open(url) as store:
        assert store.is_empty()


@pytest.mark.parametrize("with_db", [False, True])
def test_gui_opens_the_remembered_store_unless_told_otherwise(tmp_path: Path, monkeypatch: Any, with_db: bool) -> None:
    """``flowdeck gui`` picks the remembered store, without a demo, unless --db names another."""
    import argparse

    from app.commands import gui

    seen: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def fake_controller(config: Any, open_store: Any, **kw: Any) -> Any:
        seen["allow_demo"] = kw["allow_demo"]
        seen["store"] = open_store()
        seen["store"].close()
        raise Stop

    monkeypatch.setattr("app.controllers.report.Controller", fake_controller)
    own = tmp_path / "own.db"
    UiSettings().own_store = f"sqlite:///{own}"
    other = tmp_path / "other.db"
    args = argparse.Namespace(
        db=str(other) if with_db else None,
        config=None,
        page="map",
        screenshot=None,
        theme="light",
        poll=5.0,
        demo_scale="small",
        command="gui",
        lang=None,
    )
    with pytest.raises(Stop):
        gui.run(args)
    assert seen["store"].sqlite_path == (other if with_db else own).resolve()
    assert seen["allow_demo"] is with_db
