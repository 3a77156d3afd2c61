"""The data-quality view: sources, link coverage, unmapped statuses, anomalies and exclusions.

Fed a :class:`data.quality.results.QualityReport`; every finding expands to the records behind it.
Tree items render plain text, so remote keys and titles show literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.i18n import gettext_
from widgets.format import DASH, fmt_hours, fmt_local, fmt_pct, plain_tooltip
from widgets.i18n import translate

if TYPE_CHECKING:
    from data.quality.results import FindingItem, QualityReport

# ``plain_label``, ``table`` and ``fill_table`` are shared with the release and maturity views.
__all__ = ["QualityView", "fill_table", "plain_label", "table", "unlinked_text"]


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """A label that never interprets its text as rich text (remote titles are shown literally)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    return label


def table(headers: Sequence[str], parent: QWidget | None = None) -> QTableWidget:
    """A read-only, sortable table with the given column headers."""
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


def fill_table(t: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Replace the rows; every cell is plain text, with the full text as a literal tooltip."""
    t.setSortingEnabled(False)
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)  # item text is always rendered as plain text
            if len(text) > 40:
                item.setToolTip(plain_tooltip(text))
            t.setItem(r, c, item)
    t.resizeColumnsToContents()
    # Keep the given order until the user clicks a header (no sort column yet).
    t.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    t.setSortingEnabled(True)


def unlinked_text(report: QualityReport) -> str:
    """The completed-but-never-in-production finding as one sentence (the summary's second line)."""
    u = report.unlinked
    if u is None or u.completed == 0:
        return translate("QualityView", "No item completed in the window.")
    if u.count == 0:
        return translate("QualityView", "All %n completed item(s) reached production.", "", u.completed)
    return translate(
        "QualityView",
        "{count} of %n completed item(s) ({share}) never reached production: no linked deployment.",
        "",
        u.completed,
    ).format(count=u.count, share=fmt_pct(u.share))


class QualityView(QWidget):
    """A summary line and a tree: section -> finding -> items (source, key, detail)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = plain_label(translate("QualityView", "No data-quality report yet."))
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(
            [translate("QualityView", "Check"), translate("QualityView", "Count"), translate("QualityView", "Detail")]
        )
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.report: QualityReport | None = None
        self.unlinked_node: QTreeWidgetItem | None = None

    def set_report(self, report: QualityReport | None) -> None:
        """Show ``report`` (None clears the view)."""
        self.report = report
        self.tree.clear()
        self.unlinked_node = None
        if report is None:
            self.summary.setText(translate("QualityView", "No data-quality report yet."))
            return
        baseline = (
            fmt_local(report.measure_from)
            if report.measure_from
            else translate("QualityView", "all history (no baseline)")
        )
        self.summary.setText(
            translate("QualityView", "Stream {stream} as of {as_of} — %n problem(s);", "", report.problem_count).format(
                stream=report.stream, as_of=fmt_local(report.as_of)
            )
            + " "
            + translate(
                "QualityView", "measured from {baseline}; %n exclusion(s) in force.", "", len(report.exclusions)
            ).format(baseline=baseline)
            + ("\n" + unlinked_text(report) if report.unlinked is not None else "")
        )
        src = self._section(translate("QualityView", "Sources"), len(report.sources))
        for s in report.sources:
            gaps = translate("QualityView", ", ").join(
                translate("QualityView", "{start} +%n wk", "", g.weeks).format(start=fmt_local(g.week_from))
                for g in s.gaps
            ) or translate("QualityView", "no gaps")
            state = translate("QualityView", "STALE — ") if s.stale else ""
            node = QTreeWidgetItem(
                src,
                [
                    s.source,
                    str(s.records),
                    translate("QualityView", "{state}last success {when}; {gaps}").format(
                        state=state, when=fmt_local(s.last_success_at), gaps=gaps
                    ),
                ],
            )
            if s.last_error:
                QTreeWidgetItem(node, [translate("QualityView", "last error"), "", " ".join(s.last_error.split())])
        cov = self._section(translate("QualityView", "Coverage"), len(report.coverage))
        for c in report.coverage:
            node = QTreeWidgetItem(
                cov,
                [
                    gettext_(c.title),
                    translate("QualityView", "{covered} of {total}").format(covered=c.covered, total=c.total),
                    fmt_pct(c.share, 1),
                ],
            )
            self._items(node, c.missing)
        unlinked = report.unlinked
        if unlinked is not None:
            node = QTreeWidgetItem(
                self.tree,
                [
                    translate("QualityView", "Completed, never in production"),
                    translate("QualityView", "{covered} of {total}").format(
                        covered=unlinked.count, total=unlinked.completed
                    ),
                    translate("QualityView", "{share} of the items completed {start} – {end}").format(
                        share=fmt_pct(unlinked.share),
                        start=fmt_local(unlinked.window_from),
                        end=fmt_local(unlinked.window_to),
                    ),
                ],
            )
            self._items(node, unlinked.items)
            self.unlinked_node = node
        unm = self._section(translate("QualityView", "Statuses no stage maps"), len(report.unmapped))
        for u in report.unmapped:
            node = QTreeWidgetItem(unm, [u.status, str(u.item_count), fmt_hours(u.hours)])
            self._items(node, u.items)
        an = self._section(translate("QualityView", "Anomalies"), sum(f.count for f in report.anomalies))
        for f in report.anomalies:
            node = QTreeWidgetItem(an, [gettext_(f.title), str(f.count), ""])
            self._items(node, f.items)
        ex = self._section(translate("QualityView", "Exclusions in force"), len(report.exclusions))
        for e in report.exclusions:
            QTreeWidgetItem(ex, [f"{e.kind} {e.source} {e.key}", "", e.reason])
        self.tree.expandToDepth(0)
        if self.unlinked_node is not None:
            self.unlinked_node.setExpanded(False)  # hundreds of items: one click away, not in the way
        for i in range(3):
            self.tree.resizeColumnToContents(i)

    def _section(self, title: str, count: int) -> QTreeWidgetItem:
        return QTreeWidgetItem(self.tree, [title, str(count), ""])

    @staticmethod
    def _items(parent: QTreeWidgetItem, items: tuple[FindingItem, ...]) -> None:
        for i in items:
            child = QTreeWidgetItem(parent, [f"{i.source} {i.key}", "", i.detail or DASH])
            if len(i.detail) > 40:
                child.setToolTip(2, plain_tooltip(i.detail))
