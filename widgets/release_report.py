"""A release report: what one production deployment carried, its pipeline and its incidents.

Fed a :class:`data.release.build.ReleaseReport`. Header lines are plain-text labels and the sections are
tables of plain-text cells, so remote titles (``<b>x</b>``) are shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTabWidget, QVBoxLayout, QWidget

from widgets.format import DASH, fmt_duration_s, fmt_hours, fmt_local
from widgets.i18n import translate
from widgets.quality_view import fill_table, plain_label, table

if TYPE_CHECKING:
    from data.release.results import ReleaseReport, ReleaseRow

__all__ = ["RELEASE_COLUMNS", "ReleaseReportView", "fill_release_table", "release_table"]

# The release list's columns; ``source`` is shown only when the rows come from more than one source.
RELEASE_COLUMNS = (
    "finished",
    "repo",
    "deployment",
    "status",
    "changes",
    "tickets",
    "lead_time",
    "incidents",
    "environment",
    "source",
)
_NUMBERS = ("changes", "tickets", "lead_time", "incidents")


def _one(text: str | None) -> str:
    return DASH if not text else " ".join(text.split())


def _status(value: str) -> str:
    """A deployment, run or job result in words of the installed language (unknown values as they are)."""
    words = {
        "success": translate("ReleaseReport", "success"),
        "failure": translate("ReleaseReport", "failure"),
        "failed": translate("ReleaseReport", "failed"),
        "cancelled": translate("ReleaseReport", "cancelled"),
        "running": translate("ReleaseReport", "running"),
        "queued": translate("ReleaseReport", "queued"),
        "skipped": translate("ReleaseReport", "skipped"),
    }
    return words.get(value, value)


def release_table(parent: QWidget | None = None) -> QTableWidget:
    """The release list: one production deployment a row, with its release report's counts."""
    t = table(
        [
            translate("ReleaseReport", "Finished"),
            translate("ReleaseReport", "Repository"),
            translate("ReleaseReport", "Deployment"),
            translate("ReleaseReport", "Status"),
            translate("ReleaseReport", "Changes"),
            translate("ReleaseReport", "Tickets"),
            translate("ReleaseReport", "Lead time"),
            translate("ReleaseReport", "Incidents"),
            translate("ReleaseReport", "Environment"),
            translate("ReleaseReport", "Source"),
        ],
        parent,
    )
    tips = {
        "changes": translate("ReleaseReport", "Changes (pull or merge requests) the deployment carried"),
        "tickets": translate("ReleaseReport", "Known tickets those changes name"),
        "lead_time": translate(
            "ReleaseReport",
            "Median lead time (first commit to this deployment) of the changes it was the first to ship",
        ),
        "incidents": translate("ReleaseReport", "Incidents linked to the deployment (change failure rate)"),
    }
    for key, tip in tips.items():
        item = t.horizontalHeaderItem(RELEASE_COLUMNS.index(key))
        if item is not None:
            item.setToolTip(tip)
    # Every column as wide as its content; none stretches to fill the table (the source used to).
    t.horizontalHeader().setStretchLastSection(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.setColumnHidden(RELEASE_COLUMNS.index("source"), True)
    return t


def fill_release_table(t: QTableWidget, rows: Sequence[ReleaseRow]) -> None:
    """Show ``rows`` in a :func:`release_table`, in their order (row i is ``rows[i]``)."""
    fill_table(
        t,
        [
            [
                fmt_local(r.deployment.finished_at),
                r.deployment.repo,
                r.deployment.id,
                _status(r.deployment.status),
                str(r.changes),
                str(r.tickets),
                fmt_hours(r.lead_time_median_h),
                str(r.incidents),
                r.deployment.environment,
                r.deployment.source,
            ]
            for r in rows
        ],
    )
    t.setSortingEnabled(False)  # row i is release i (newest first)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for i in range(len(rows)):
        for key in _NUMBERS:
            item = t.item(i, RELEASE_COLUMNS.index(key))
            if item is not None:
                item.setTextAlignment(right)
    several = len({r.deployment.source for r in rows}) > 1
    t.setColumnHidden(RELEASE_COLUMNS.index("source"), not several)
    t.resizeColumnsToContents()


class ReleaseReportView(QWidget):
    """Title, method line and four tabs: changes, tickets, pipeline jobs, incidents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_label(translate("ReleaseReport", "No release selected."))
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        self.facts = plain_label("")
        self.changes = table(
            [
                translate("ReleaseReport", "Change"),
                translate("ReleaseReport", "Title"),
                translate("ReleaseReport", "Author"),
                translate("ReleaseReport", "Merged"),
                translate("ReleaseReport", "Tickets"),
                translate("ReleaseReport", "Lead time"),
            ]
        )
        self.tickets = table(
            [
                translate("ReleaseReport", "Ticket"),
                translate("ReleaseReport", "Title"),
                translate("ReleaseReport", "Type"),
                translate("ReleaseReport", "Created"),
                translate("ReleaseReport", "Requirement lead time"),
            ]
        )
        self.jobs = table(
            [
                translate("ReleaseReport", "Job"),
                translate("ReleaseReport", "Result"),
                translate("ReleaseReport", "Queued"),
                translate("ReleaseReport", "Approval wait"),
                translate("ReleaseReport", "Running"),
            ]
        )
        self.incidents = table(
            [
                translate("ReleaseReport", "Incident"),
                translate("ReleaseReport", "Title"),
                translate("ReleaseReport", "Created"),
                translate("ReleaseReport", "Resolved"),
                translate("ReleaseReport", "Recovery"),
            ]
        )
        self.tabs = QTabWidget()
        for w, name in (
            (self.changes, translate("ReleaseReport", "Changes")),
            (self.tickets, translate("ReleaseReport", "Tickets")),
            (self.jobs, translate("ReleaseReport", "Pipeline")),
            (self.incidents, translate("ReleaseReport", "Incidents")),
        ):
            self.tabs.addTab(w, name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)
        self.report: ReleaseReport | None = None

    def set_report(self, report: ReleaseReport | None) -> None:
        """Show ``report`` (None clears the view)."""
        self.report = report
        if report is None:
            self.title.setText(translate("ReleaseReport", "No release selected."))
            self.facts.setText("")
            for t in (self.changes, self.tickets, self.jobs, self.incidents):
                fill_table(t, [])
            return
        d = report.deployment
        self.title.setText(
            translate("ReleaseReport", "Release {repo}#{id} to {environment}: {status}").format(
                repo=d.repo, id=d.id, environment=d.environment, status=_status(d.status)
            )
        )
        p = report.pipeline
        pipeline = (
            DASH
            if p is None
            else translate("ReleaseReport", "{pipeline} #{id} (attempt {attempt}, {result})").format(
                pipeline=p.pipeline, id=p.id, attempt=p.attempt, result=_status(p.result) if p.result else DASH
            )
        )
        self.facts.setText(
            translate(
                "ReleaseReport",
                "Started {started}, finished {finished}; sha {sha}\nChanges linked {method}\nShipped by {pipeline}",
            ).format(
                started=fmt_local(d.started_at),
                finished=fmt_local(d.finished_at),
                sha=d.sha or DASH,
                method=report.method_text,
                pipeline=pipeline,
            )
        )
        fill_table(
            self.changes,
            [
                [
                    f"{c.repo}#{c.id}",
                    _one(c.title),
                    _one(c.author),
                    fmt_local(c.merged_at),
                    ", ".join(c.tickets) or DASH,
                    (
                        fmt_hours(c.lead_time_h)
                        if c.first_deployed_here
                        else translate("ReleaseReport", "{lead_time} (earlier)").format(
                            lead_time=fmt_hours(c.lead_time_h)
                        )
                    ),
                ]
                for c in report.changes
            ],
        )
        fill_table(
            self.tickets,
            [
                [t.key, _one(t.title), _one(t.type), fmt_local(t.created_at), fmt_hours(t.requirement_lead_time_h)]
                for t in report.tickets
            ],
        )
        fill_table(
            self.jobs,
            []
            if p is None
            else [
                [
                    _one(j.name),
                    _status(j.result) if j.result else DASH,
                    fmt_duration_s(j.queue_s),
                    fmt_duration_s(j.approval_wait_s),
                    fmt_duration_s(j.active_s),
                ]
                for j in p.jobs
            ],
        )
        fill_table(
            self.incidents,
            [
                [n.key, _one(n.title), fmt_local(n.created_at), fmt_local(n.resolved_at), fmt_hours(n.recovery_h)]
                for n in report.incidents
            ],
        )
        for i, (t, name) in enumerate(
            (
                (self.changes, translate("ReleaseReport", "Changes")),
                (self.tickets, translate("ReleaseReport", "Tickets")),
                (self.jobs, translate("ReleaseReport", "Pipeline")),
                (self.incidents, translate("ReleaseReport", "Incidents")),
            )
        ):
            self.tabs.setTabText(i, translate("ReleaseReport", "{tab} ({rows})").format(tab=name, rows=t.rowCount()))
