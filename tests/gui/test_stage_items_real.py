"""Opening a stage on the real engine: the report comes without drill-down rows, the items follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.controllers.report import Controller
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.parse import load_config
from data.store.store import Store


def test_a_stage_opened_fetches_exactly_its_items(qtbot: Any, tmp_path: Path) -> None:
    from data.demo import generate
    from data.report.build import stage_details

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with Store.open(url) as store:
        generate(store)
    c = Controller(load_config(None), lambda: Store.open(url))
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    with qtbot.waitSignal(c.report_ready, timeout=60_000):
        c.start()
    qtbot.waitUntil(lambda: w.pages.map.stream() is not None, timeout=60_000)
    stream = w.pages.map.stream()
    assert stream is not None
    # The dashboard's report is the fast one: no rows behind the numbers yet.
    assert all(not s.details for s in stream.stages)
    index = max(range(len(stream.stages)), key=lambda i: stream.stages[i].items)
    dialog = w.open_stage(index)
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(dialog.stage.details), timeout=60_000)
    sel = c.last_selection
    assert sel is not None
    with Store.open(url) as store:
        expected = stage_details(
            store,
            c.config,
            window_from=sel.window_from,
            window_to=sel.window_to,
            as_of=sel.as_of,
            stream=sel.stream,
            stage=stream.stages[index].name,
            definitions=c.definitions_for(sel),
        )
    assert dialog.stage.details == expected
    assert dialog.detail.model.rowCount() == len(expected)
    # Completed items behind the numbers match the stage's own count.
    assert sum(1 for i in expected if i.completed_at is not None) == stream.stages[index].items
    c.shutdown()
