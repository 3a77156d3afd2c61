"""GUI fixtures: a fake metrics engine fed with hand-built results, a controller and a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data.config.parse import load_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine, fake_demo


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def controller(qtbot: Any, tmp_path: Path, engine: FakeEngine) -> Iterator[Any]:
    from app.controllers.report import Controller

    url = f"sqlite:///{tmp_path / 'gui.db'}"
    c = Controller(load_config(None), lambda: Store.open(url), engine=engine, generate_demo=fake_demo)
    yield c
    c.shutdown()


@pytest.fixture
def window(qtbot: Any, controller: Any) -> Any:
    """A started main window whose first report has arrived."""
    from app.main_window.window import MainWindow
    from app.settings import UiSettings

    w = MainWindow(controller, UiSettings())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    with qtbot.waitSignal(controller.report_ready, timeout=10_000):
        controller.start()
    qtbot.waitUntil(lambda: bool(controller.last_pipelines) and bool(controller.last_trends), timeout=10_000)
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=10_000)  # start every test quiet
    return w
