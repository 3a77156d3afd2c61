"""A release report: what one production deployment carried, its pipeline and its incidents.

Fed a :class:`data.release.ReleaseReport`. Header lines are plain-text labels and the sections are
tables of plain-text cells, so remote titles (``<b>x</b>``) are shown literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from widgets.format import DASH, fmt_duration_s, fmt_hours, fmt_local
from widgets.quality_view import fill_table, plain_label, table

if TYPE_CHECKING:
    from data.release import ReleaseReport

__all__ = ["ReleaseReportView"]


def _one(text: str | None) -> str:
    return DASH if not text else " ".join(text.split())


class ReleaseReportView(QWidget):
    """Title, method line and four tabs: changes, tickets, pipeline jobs, incidents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_label("No release selected.")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        self.facts = plain_label("")
        self.changes = table(["Change", "Title", "Author", "Merged", "Tickets", "Lead time"])
        self.tickets = table(["Ticket", "Title", "Type", "Created", "Requirement lead time"])
        self.jobs = table(["Job", "Result", "Queued", "Approval wait", "Running"])
        self.incidents = table(["Incident", "Title", "Created", "Resolved", "Recovery"])
        self.tabs = QTabWidget()
        for w, name in (
            (self.changes, "Changes"),
            (self.tickets, "Tickets"),
            (self.jobs, "Pipeline"),
            (self.incidents, "Incidents"),
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
            self.title.setText("No release selected.")
            self.facts.setText("")
            for t in (self.changes, self.tickets, self.jobs, self.incidents):
                fill_table(t, [])
            return
        d = report.deployment
        self.title.setText(f"Release {d.repo}#{d.id} to {d.environment}: {d.status}")
        p = report.pipeline
        pipeline = DASH if p is None else f"{p.pipeline} #{p.id} (attempt {p.attempt}, {p.result or DASH})"
        self.facts.setText(
            f"Started {fmt_local(d.started_at)}, finished {fmt_local(d.finished_at)}; sha {d.sha or DASH}\n"
            f"Changes linked {report.method_text}\nShipped by {pipeline}"
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
                    fmt_hours(c.lead_time_h) + ("" if c.first_deployed_here else " (earlier)"),
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
                    j.result or DASH,
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
                (self.changes, "Changes"),
                (self.tickets, "Tickets"),
                (self.jobs, "Pipeline"),
                (self.incidents, "Incidents"),
            )
        ):
            self.tabs.setTabText(i, f"{name} ({t.rowCount()})")
