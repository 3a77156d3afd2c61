"""Trust widgets (quality, release report, maturity) show hand-built results as plain text."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget, QTreeWidgetItem

from data.maturity.results import CAVEAT, MaturityRow, MaturityView
from data.quality.results import (
    Coverage,
    ExclusionNote,
    Finding,
    FindingItem,
    QualityReport,
    SourceHealth,
    UnmappedStatus,
)
from data.records import Deployment
from data.release.results import (
    ReleaseChange,
    ReleaseIncident,
    ReleaseJob,
    ReleasePipeline,
    ReleaseReport,
    ReleaseTicket,
)
from data.report.results import DoraResult
from widgets.maturity_view import MaturityPanel
from widgets.quality_view import QualityView
from widgets.release_report import ReleaseReportView

T = datetime(2026, 3, 2, 12, tzinfo=UTC)
EVIL = "<b>x</b>"


def _texts(item: QTreeWidgetItem) -> list[str]:
    out = [item.text(0), item.text(2)]
    for i in range(item.childCount()):
        out += _texts(item.child(i))
    return out


def _cells(t: QTableWidget) -> list[list[str]]:
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_quality_view_lists_findings_literally(qtbot) -> None:  # type: ignore[no-untyped-def]
    report = QualityReport(
        as_of=T,
        stream=EVIL,
        sources=(SourceHealth("ci", True, "jenkins", records=12, stale=True, last_error="<i>boom</i>"),),
        coverage=(
            Coverage(
                "changes_linked_to_tickets",
                "Merged changes that name a ticket",
                1,
                2,
                (FindingItem("gh", "bank/a#2", EVIL),),
            ),
        ),
        unmapped=(
            UnmappedStatus(
                "Blocked", 8.0, (FindingItem("jira", "PAY-1", "6.0 h"), FindingItem("jira", "PAY-2", "2.0 h"))
            ),
        ),
        anomalies=(
            Finding(
                "transition_out_of_order", "Transitions out of order", (FindingItem("jira", "PAY-3", "from 'Testing'"),)
            ),
        ),
        exclusions=(ExclusionNote("change", "gh", "bank/a#9", "revert <script>", T),),
    )
    w = QualityView()
    qtbot.addWidget(w)
    w.set_report(report)
    assert w.summary.textFormat() == Qt.TextFormat.PlainText
    assert EVIL in w.summary.text()
    tops = [w.tree.topLevelItem(i) for i in range(w.tree.topLevelItemCount())]
    assert [t.text(0) for t in tops] == [
        "Sources",
        "Coverage",
        "Statuses no stage maps",
        "Anomalies",
        "Exclusions in force",
    ]
    assert tops[2].child(0).text(0) == "Blocked" and tops[2].child(0).text(1) == "2"
    assert [tops[2].child(0).child(i).text(0) for i in range(2)] == ["jira PAY-1", "jira PAY-2"]
    every = [t for top in tops for t in _texts(top)]
    assert EVIL in every and "revert <script>" in every and "<i>boom</i>" in every
    assert "STALE" in tops[0].child(0).text(2)
    w.set_report(None)
    assert w.tree.topLevelItemCount() == 0


def _release() -> ReleaseReport:
    dep = Deployment("ci", "bank/a", "p1", "prod", "success", sha="m1", started_at=T, finished_at=T)
    return ReleaseReport(
        deployment=dep,
        stream="S",
        method="exact",
        previous=None,
        changes=(ReleaseChange("gh", "bank/a", "1", EVIL, "li", None, T, T, "m1", None, ("PAY-1",), 10.5, True),),
        commits=(),
        tickets=(ReleaseTicket("jira", "PAY-1", EVIL, "Story", "Done", T, None, 11.0),),
        pipeline=ReleasePipeline(
            "ci",
            "rel",
            "7",
            1,
            "success",
            T,
            T,
            T,
            None,
            (ReleaseJob("approve-prod", "success", 900.0, 9000.0, 360.0),),
        ),
        incidents=(ReleaseIncident("jira", "INC-1", EVIL, T, None, None, None),),
    )


def test_release_report_view_shows_titles_literally(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = ReleaseReportView()
    qtbot.addWidget(w)
    w.set_report(_release())
    assert w.title.text() == "Release bank/a#p1 to prod: success"
    assert all(lbl.textFormat() == Qt.TextFormat.PlainText for lbl in w.findChildren(QLabel))
    assert _cells(w.changes)[0][:2] == ["bank/a#1", EVIL]
    assert _cells(w.tickets)[0][1] == EVIL
    assert _cells(w.jobs) == [["approve-prod", "success", "15 min", "2 h 30 min", "6 min"]]
    assert _cells(w.incidents)[0][1] == EVIL
    assert [w.tabs.tabText(i) for i in range(4)] == ["Changes (1)", "Tickets (1)", "Pipeline (1)", "Incidents (1)"]
    assert "exact" in w.facts.text()


def test_maturity_panel_caveat_first_and_levels(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = MaturityView(
        window_from=T,
        window_to=T,
        as_of=T,
        stream=EVIL,
        rows=(
            MaturityRow("deployment_strategy", "Deployment strategy", "部署策略与频率", 4, "29 deployments", "weekly"),
            MaturityRow("deployment_quality", "Deployment quality", "部署质量", None, "none", "no deployment"),
        ),
        dora=DoraResult(tiers={"deployment_frequency": "high", "lead_time_for_changes": None}),
    )
    w = MaturityPanel()
    qtbot.addWidget(w)
    w.set_view(view)
    assert w.caveat.text() == CAVEAT and w.caveat.textFormat() == Qt.TextFormat.PlainText
    assert EVIL in w.window_line.text()
    assert _cells(w.rows) == [
        ["Deployment strategy", "部署策略与频率", "4 / 5", "29 deployments", "weekly"],
        ["Deployment quality", "部署质量", "—", "none", "no deployment"],
    ]
    assert _cells(w.dora) == [["Deployment frequency", "high"], ["Lead time for changes", "—"]]
