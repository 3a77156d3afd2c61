"""Each page on a store without the records it is computed from says which kind of source feeds it.

Real engine (``data.report``) over tiny hand-made stores: empty, only tickets, only pipelines,
only deployments. The texts are the ones the user reads (English: the tests run without a locale).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.controllers.report import Controller
from app.main_window.pages import PAGES
from app.main_window.window import MainWindow
from app.settings import UiSettings
from data.config.parse import load_config
from data.records import Deployment, PipelineRun, StatusChange, WorkItem
from data.store.store import Store

NO_TICKETS = "No tickets synced yet: add a Jira, GitHub or GitLab issues source"
NO_DEPLOYMENTS = "No deployments synced yet: add a CI or deployment source"
NO_PIPELINES = "No pipelines yet: add a CI source (GitHub Actions, GitLab CI, Jenkins, CCTray)"

NOW = datetime.now(UTC).replace(microsecond=0)


def _tickets() -> list[Any]:
    start = NOW - timedelta(days=20)
    out: list[Any] = []
    for i in range(6):
        key, t0 = f"PAY-{i}", start + timedelta(days=i)
        out += [
            WorkItem("jira", key, f"Ticket {i}", t0),
            StatusChange("jira", key, t0 + timedelta(hours=1), "Backlog", "In Progress"),
            StatusChange("jira", key, t0 + timedelta(days=2), "In Progress", "Done"),
        ]
    return out


def _pipelines() -> list[Any]:
    return [
        PipelineRun(
            "ci",
            "build",
            str(i),
            branch="main",
            result="success",
            started_at=NOW - timedelta(days=i, minutes=10),
            finished_at=NOW - timedelta(days=i),
        )
        for i in range(1, 4)
    ]


def _deployments() -> list[Any]:
    return [
        Deployment(
            "ci",
            "bank/app",
            str(i),
            "production",
            "success",
            sha=f"{i:040x}",
            started_at=NOW - timedelta(days=i, minutes=5),
            finished_at=NOW - timedelta(days=i),
        )
        for i in range(1, 4)
    ]


KINDS = {"empty": [], "tickets": _tickets(), "pipelines": _pipelines(), "deployments": _deployments()}


@pytest.fixture(params=list(KINDS))
def shown(request: Any, qtbot: Any, tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'own.db'}"
    with Store.open(url) as store:
        store.upsert(KINDS[request.param])
    controller = Controller(load_config(None), lambda: Store.open(url), allow_demo=False)
    window = MainWindow(controller, UiSettings())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    with qtbot.waitSignal(controller.report_ready, timeout=30_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.workers.active() == 0, timeout=30_000)
    yield request.param, window, controller
    controller.shutdown()


def test_each_page_names_the_source_it_lacks(qtbot: Any, shown: Any) -> None:
    kind, window, controller = shown
    pages = window.pages
    assert not (controller.info.demo or controller.info.generated_demo)

    # Map and trends: tickets.
    map_text = pages.map._placeholder if pages.map.stream() is None else ""
    assert (map_text == NO_TICKETS) is (kind != "tickets")
    assert pages.map_view.scatter.isHidden() is (kind != "tickets")
    lead = pages.trends.empty_text["lead"]
    assert (lead.isVisible() and lead.toPlainText() == NO_TICKETS) is (kind != "tickets")

    # DORA and delivery figures: deployments (the scorecard stands aside for the message).
    scorecard = pages.scorecard_page
    assert scorecard.showing_message() is (kind != "deployments")
    if kind != "deployments":
        assert scorecard.message.text() == NO_DEPLOYMENTS and scorecard.message.isVisible() is False  # not shown yet
    deployments = pages.trends.empty_text["deployments"]
    assert (deployments.toPlainText() == NO_DEPLOYMENTS) is (kind != "deployments")

    # Pipelines: a CI source.
    board = pages.pipelines
    assert (not board.empty.isHidden() and board.empty.text() == NO_PIPELINES) is (kind != "pipelines")

    # Compare: nothing to compare without tickets or deployments.
    assert pages.comparison_page.showing_message() is (kind in ("empty", "pipelines"))

    # Releases (a trust page, computed when shown): deployments.
    with qtbot.waitSignal(window.trust.computed, timeout=30_000, check_params_cb=lambda n: n == "releases"):
        window.tabs.setCurrentIndex(PAGES.index("releases"))
    assert (window.trust.releases_status.text() == NO_DEPLOYMENTS) is (kind != "deployments")

    # The scorecard's message is what the user sees on that page.
    window.tabs.setCurrentIndex(PAGES.index("scorecard"))
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == PAGES.index("scorecard"))
    if kind != "deployments":
        assert scorecard.message.isVisible()
