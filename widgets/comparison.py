"""Before/after comparison of two periods: each metric's value in both and its change, in words.

The bank's story ("two months to two weeks") is read here: pick the first and the last weeks of
the data (the default preset) and every metric shows how far it moved and whether that is better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.report import vocabulary
from data.report.results import Report
from data.report.targets import headline_targets, is_met
from widgets.figure_text import MET_COLOURS, fmt_figure, fmt_target, met_mark
from widgets.format import DASH
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.time_range import local_midnight

__all__ = ["METRICS", "ComparisonView", "Metric", "change_text"]


@dataclass(frozen=True)
class Metric:
    """One compared figure: its vocabulary key, how to read it from a report, its unit, which way is better.

    ``tier`` names the DORA tier it is judged by (``DoraResult.tiers``); ``p85`` marks the 85th
    percentile of a figure whose plain name is its median.
    """

    key: str
    get: Callable[[Report], float | None]
    unit: str
    lower_is_better: bool | None  # None: neither (WIP, throughput depend on context)
    tier: str | None = None
    p85: bool = False

    def key_for(self, report: Report) -> str:
        """The figure's key under the report's definitions (DORA 2021 restores rather than recovers)."""
        if self.key == "recovery_time" and _dora_2021(report):
            return "time_to_restore"
        return self.key

    def unit_for(self, report: Report) -> str:
        """The unit under the report's definitions (DORA 2021 judges frequency on deployments per week)."""
        if self.key == "deployment_frequency" and _dora_2021(report):
            return "per_week"
        return self.unit

    def label(self, report: Report) -> str:
        """The figure's name from the vocabulary (``Ticket lead time (85th percentile)``)."""
        name = vocabulary.name(self.key_for(report))
        return translate("Comparison", "{name} (85th percentile)").format(name=name) if self.p85 else name


def _dora_2021(r: Report) -> bool:
    return r.definitions.get("dora") == "2021"


def _stream(r: Report, attr: str) -> float | None:
    return getattr(r.streams[0], attr) if r.streams else None


# The bank's figures and the DORA keys in the home page's order, then the flow figures. Releases per
# week and DORA's deployments per week are one count: it is shown once, as releases per week.
METRICS: tuple[Metric, ...] = (
    Metric("requirement_lead_time", lambda r: r.delivery.requirement_lead_time_median_h, "hours", True),
    Metric("delivery_time", lambda r: r.delivery.delivery_time_median_h, "hours", True),
    Metric("release_gap", lambda r: r.delivery.release_gap_median_days, "days", True),
    Metric("releases_per_week", lambda r: r.delivery.releases_per_week, "per_week", False),
    Metric(
        "production_deployment_success_rate", lambda r: r.delivery.production_deployment_success_rate, "share", False
    ),
    Metric(
        "deployment_frequency",
        lambda r: r.dora.deployments_per_week if _dora_2021(r) else r.dora.deploy_days_per_week_median,
        "days_per_week",
        False,
        tier="deployment_frequency",
    ),
    Metric(
        "lead_time_for_changes",
        lambda r: r.dora.lead_time_for_changes_median_h,
        "hours",
        True,
        tier="lead_time_for_changes",
    ),
    Metric("change_failure_rate", lambda r: r.dora.change_failure_rate, "share", True, tier="change_failure_rate"),
    Metric(
        "recovery_time",
        lambda r: r.dora.time_to_restore_median_h if _dora_2021(r) else r.dora.recovery_time_median_h,
        "hours",
        True,
        tier="recovery_time",
    ),
    Metric("ticket_lead_time", lambda r: _stream(r, "lead_time_median_h"), "hours", True),
    Metric("ticket_lead_time", lambda r: _stream(r, "lead_time_p85_h"), "hours", True, p85=True),
    Metric("flow_efficiency", lambda r: _stream(r, "flow_efficiency"), "share", False),
    Metric("throughput", lambda r: _stream(r, "throughput_per_week"), "per_week", None),
    Metric("wip", lambda r: float(r.streams[0].wip) if r.streams else None, "count", None),
)


def _show(unit: str, value: float | None) -> str:
    if unit == "count":
        return DASH if value is None else f"{value:.0f}"
    return fmt_figure(unit, value)


def change_text(
    before: float | None, after: float | None, lower_is_better: bool | None, shown: tuple[str, str] | None = None
) -> str:
    """``−78 % (better)``, ``+12 % (worse)``, ``no change``, or "—" when either side is missing.

    A change that rounds to 0 %, or whose two values look the same on screen (``shown``), is "no
    change": never "−0 % (better)".
    """
    if before is None or after is None:
        return DASH
    if before == after or (shown is not None and shown[0] == shown[1]):
        return translate("Comparison", "no change")
    if before == 0:
        rel = translate("Comparison", "{delta} (from 0)").format(delta=f"{after - before:+.2f}")
    else:
        pct = (after - before) / abs(before) * 100
        if round(pct) == 0:
            return translate("Comparison", "no change")
        rel = f"{pct:+.0f} %".replace("-", "−")
    if lower_is_better is None:
        return rel
    better = (after < before) if lower_is_better else (after > before)
    if better:
        return translate("Comparison", "{change} (better)").format(change=rel)
    return translate("Comparison", "{change} (worse)").format(change=rel)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ComparisonView(QWidget):
    """Two periods side by side.

    Signals:
        compare_requested(object, object): ``(from, to)`` UTC instants of the before and after periods.
    """

    compare_requested = Signal(object, object)

    PRESETS = (
        QT_TRANSLATE_NOOP("Comparison", "First 8 weeks vs last 8 weeks of the data"),
        QT_TRANSLATE_NOOP("Comparison", "Previous 4 weeks vs last 4 weeks"),
        QT_TRANSLATE_NOOP("Comparison", "Custom"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = datetime.now(UTC).astimezone().date()
        self._span: tuple[date, date] = (today - timedelta(weeks=26), today)
        self.preset = QComboBox(self)
        self.preset.addItems([translate("Comparison", p) for p in self.PRESETS])
        self.edits = [QDateEdit(self) for _ in range(4)]
        for e in self.edits:
            e.setCalendarPopup(True)
            e.setDisplayFormat("yyyy-MM-dd")
        self.button = QPushButton(translate("Comparison", "Compare"), self)
        self.caption = QLabel(translate("Comparison", "Pick two periods and press Compare."), self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Comparison", "Metric"),
                translate("Comparison", "Before"),
                translate("Comparison", "After"),
                translate("Comparison", "Change"),
                translate("Comparison", "Target (judged on After)"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        # Names and numbers side by side (not numbers pushed to the right edge): every column takes
        # what its longest text needs plus air (_fit_columns) and the target, last, takes the rest.
        self.table.horizontalHeader().setStretchLastSection(True)
        self.definition = QLabel(translate("Comparison", "Select a row to read how its figure is defined."), self)
        self.definition.setTextFormat(Qt.TextFormat.PlainText)
        self.definition.setWordWrap(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._define(row))
        self._definitions: list[str] = []
        row = QHBoxLayout()
        row.addWidget(QLabel(translate("Comparison", "Periods")))
        row.addWidget(self.preset)
        row.addStretch(1)
        dates = QHBoxLayout()
        for text, edit_a, edit_b in (
            (translate("Comparison", "Before"), self.edits[0], self.edits[1]),
            (translate("Comparison", "After"), self.edits[2], self.edits[3]),
        ):
            dates.addWidget(QLabel(text))
            dates.addWidget(edit_a)
            dates.addWidget(QLabel("–"))
            dates.addWidget(edit_b)
        dates.addWidget(self.button)
        dates.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(dates)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.definition)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.button.clicked.connect(self.request)
        self._apply_preset()

    def set_data_span(self, first: date, last: date) -> None:
        """The days the data covers (the presets are taken from it)."""
        self._span = (first, last)
        self._apply_preset()

    def periods(self) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
        """The two periods as UTC ``[from, to)`` (each to-date is inclusive on screen)."""
        d = [_pydate(e.date()) for e in self.edits]
        return (
            (local_midnight(d[0]), local_midnight(d[1] + timedelta(days=1))),
            (local_midnight(d[2]), local_midnight(d[3] + timedelta(days=1))),
        )

    def set_periods(self, before: tuple[datetime, datetime], after: tuple[datetime, datetime]) -> None:
        """Show the custom periods ``before`` and ``after`` (UTC ``[from, to)``) and compare them."""
        self.preset.setCurrentIndex(2)
        for edit, instant in zip(
            self.edits, (before[0], before[1] - timedelta(days=1), after[0], after[1] - timedelta(days=1)), strict=True
        ):
            edit.setDate(_qdate(instant.astimezone().date()))
        self.request()

    def request(self) -> None:
        """Ask for both reports."""
        before, after = self.periods()
        if before[1] <= before[0] or after[1] <= after[0]:
            self.caption.setText(translate("Comparison", "Each period must end after it starts."))
            return
        self.caption.setText(translate("Comparison", "Computing…"))
        self.compare_requested.emit(before, after)

    def set_reports(self, before: Report, after: Report) -> None:
        """Fill the table from the two reports."""
        self.caption.setText(
            translate("Comparison", "Before: {b0} – {b1}   After: {a0} – {a1}   (upper bounds exclusive)").format(
                b0=f"{before.window_from.astimezone():%Y-%m-%d}",
                b1=f"{before.window_to.astimezone():%Y-%m-%d}",
                a0=f"{after.window_from.astimezone():%Y-%m-%d}",
                a1=f"{after.window_to.astimezone():%Y-%m-%d}",
            )
        )
        self.table.setRowCount(len(METRICS))
        targets = headline_targets(after.notes.get("targets") if after.notes else None)
        self._definitions = []
        for i, m in enumerate(METRICS):
            key, unit = m.key_for(after), m.unit_for(after)
            b, a = m.get(before), m.get(after)
            shown = (_show(unit, b), _show(unit, a))
            target = targets.get(key)
            met = is_met(target, a, after.dora.tiers.get(m.tier) if m.tier else None)
            goal = DASH
            if target is not None:
                goal = translate("Comparison", "{target}: {mark}").format(
                    target=fmt_target(target, unit), mark=met_mark(met)
                )
            definition = vocabulary.definition(key)
            self._definitions.append(f"{m.label(after)}: {definition}")
            for c, text in enumerate((m.label(after), *shown, change_text(b, a, m.lower_is_better, shown), goal)):
                item = QTableWidgetItem(text)
                if c in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 0:
                    item.setToolTip(definition)
                if c == 4 and met is not None:
                    item.setForeground(QColor(MET_COLOURS[met]))
                self.table.setItem(i, c, item)
        self._define(self.table.currentRow())
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column but the last as wide as its widest text (or heading) plus 28 px of air."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for c in range(self.table.columnCount() - 1):
            heading = self.table.horizontalHeaderItem(c)
            texts = [heading.text() if heading else ""]
            texts += [item.text() for r in range(self.table.rowCount()) if (item := self.table.item(r, c))]
            bold = header.fontMetrics()
            need = max(metrics.horizontalAdvance(t) for t in texts)
            need = max(need, bold.horizontalAdvance(texts[0]) + 12)
            self.table.setColumnWidth(c, need + 28)

    def _define(self, row: int) -> None:
        """Show the definition of the figure in ``row`` under the table."""
        if 0 <= row < len(self._definitions):
            self.definition.setText(self._definitions[row])

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The table's text (tests, export)."""
        out = []
        for i in range(self.table.rowCount()):
            cells = [self.table.item(i, c) for c in range(5)]
            out.append(tuple(c.text() if c else "" for c in cells))
        return out  # type: ignore[return-value]

    def _apply_preset(self) -> None:
        first, last = self._span
        choice = self.preset.currentIndex()
        for e in self.edits:
            e.setEnabled(choice == 2)
        if choice == 0:
            dates = (first, first + timedelta(weeks=8, days=-1), last - timedelta(weeks=8, days=-1), last)
        elif choice == 1:
            dates = (
                last - timedelta(weeks=8, days=-1),
                last - timedelta(weeks=4),
                last - timedelta(weeks=4, days=-1),
                last,
            )
        else:
            return
        for e, d in zip(self.edits, dates, strict=True):
            e.setDate(_qdate(d))
