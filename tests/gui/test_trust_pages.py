"""The Data quality, Maturity and Releases pages on the real demo store; the release report dialog."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.controllers.report import Controller
from app.main_window.pages import PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.parse import load_config
from data.store.store import Store
from tests.helpers.engine import FakeEngine


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real small demo organisation, generated once for this module."""
    from data.demo import generate

    path = tmp_path_factory.mktemp("trust") / "demo.db"
    with Store.open(f"sqlite:///{path}") as store:
        generate(store)
    return path


@pytest.fixture
def demo_window(qtbot: Any, demo_db: Path) -> Iterator[MainWindow]:
    # The dashboard's own report comes from the fake engine (fast); the trust pages use the real code.
    c = Controller(load_config(None), lambda: Store.open(f"sqlite:///{demo_db}"), engine=FakeEngine())
    w = MainWindow(c, UiSettings())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    with qtbot.waitSignal(c.report_ready, timeout=20_000):
        c.start()
    qtbot.waitUntil(lambda: c.workers.active() == 0, timeout=20_000)
    yield w
    c.shutdown()


def _show(qtbot: Any, w: MainWindow, page: str) -> None:
    with qtbot.waitSignal(w.trust.computed, timeout=30_000, check_params_cb=lambda name: name == page):
        w.tabs.setCurrentIndex(PAGES.index(page))


def test_pages_are_computed_only_when_shown_and_fill_from_the_demo(qtbot, demo_window) -> None:
    w = demo_window
    assert w.trust.quality.report is None and w.trust.maturity.view is None  # nothing computed off-screen
    _show(qtbot, w, "quality")
    q = w.trust.quality.report
    assert q is not None and q.stream == w.controller.config.streams[0].name
    sections = [w.trust.quality.tree.topLevelItem(i).text(0) for i in range(w.trust.quality.tree.topLevelItemCount())]
    assert sections == [
        "Sources",
        "Coverage",
        "Completed, never in production",
        "Statuses no stage maps",
        "Anomalies",
        "Exclusions in force",
    ]
    assert w.trust.quality_status.text().startswith("Computed ")

    _show(qtbot, w, "maturity")
    view = w.trust.maturity.view
    sel = w.controller.last_selection
    assert view is not None and sel is not None
    assert (view.window_from, view.window_to) == (sel.window_from, sel.window_to)  # the selected window
    assert w.trust.maturity.rows.rowCount() == 6
    assert w.trust.maturity.caveat.text().startswith("Self-assessment aid, not an official")
    assert w.trust.maturity.dora.rowCount() == 4

    # Showing the page again with the same inputs does not recompute.
    calls = []
    w.controller.submit = lambda *a, **k: calls.append(a)  # type: ignore[method-assign]
    w.tabs.setCurrentIndex(PAGES.index("quality"))
    w.tabs.setCurrentIndex(PAGES.index("maturity"))
    assert calls == []


def test_releases_newest_first_open_report_and_export(qtbot, demo_window, tmp_path) -> None:
    w = demo_window
    _show(qtbot, w, "releases")
    deps = w.trust.deployments
    sel = w.controller.last_selection
    assert sel is not None and len(deps) >= 5
    finished = [d.finished_at for d in deps]
    assert finished == sorted(finished, reverse=True)
    assert all(sel.window_from <= t < sel.window_to for t in finished)
    assert {d.environment for d in deps} == {"production"}
    assert w.trust.releases.rowCount() == len(deps)
    assert w.trust.releases.item(0, 2).text() == deps[0].id

    with qtbot.waitSignal(w.trust.release_opened, timeout=30_000) as opened:
        w.trust.releases.itemActivated.emit(w.trust.releases.item(1, 0))  # "clicking" the second row
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    report = dialog.report
    assert (report.deployment.repo, report.deployment.id) == (deps[1].repo, deps[1].id)
    assert dialog.view.title.text().startswith(f"Release {deps[1].repo}#{deps[1].id} to production")
    assert dialog.view.changes.rowCount() == len(report.changes) > 0

    # A remote title that a spreadsheet would run is neutralised in the CSV, and shown literally.
    evil = "=cmd|' /C calc'!A0 <b>x</b>"
    changes = (dataclasses.replace(report.changes[0], title=evil), *report.changes[1:])
    dialog.report = dataclasses.replace(report, changes=changes)
    dialog.view.set_report(dialog.report)
    assert dialog.view.changes.item(0, 1).text() == evil
    out = tmp_path / "release.csv"
    rows = dialog.export_csv(out)
    with out.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert len(table) == rows + 1
    titles = [r[3] for r in table if r[0] == "change"]
    assert "'" + evil in titles and evil not in titles
    pdf = tmp_path / "release.pdf"
    dialog.export_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
