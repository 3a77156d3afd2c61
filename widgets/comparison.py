"""Before/after comparison of two periods: each metric's value in both and its change, in words.

The bank's story ("two months to two weeks") is read here: pick the first and the last weeks of
the data (the default preset) and every metric shows how far it moved and whether that is better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.report.results import Report
from widgets.format import DASH, fmt_days, fmt_hours, fmt_pct, fmt_rate
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.time_range import local_midnight

__all__ = ["METRICS", "ComparisonView", "Metric", "change_text"]


@dataclass(frozen=True)
class Metric:
    """One compared figure: how to read it from a report, show it, and which way is better."""

    label: str
    get: Callable[[Report], float | None]
    show: Callable[[float | None], str]
    lower_is_better: bool | None  # None: neither (WIP, throughput depend on context)


def _stream(r: Report, attr: str) -> float | None:
    return getattr(r.streams[0], attr) if r.streams else None


METRICS: tuple[Metric, ...] = (
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Delivery time (median)"),
        lambda r: r.delivery.delivery_time_median_h,
        fmt_hours,
        True,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Requirement lead time (median)"),
        lambda r: r.delivery.requirement_lead_time_median_h,
        fmt_hours,
        True,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Lead time, created → done (median)"),
        lambda r: _stream(r, "lead_time_median_h"),
        fmt_hours,
        True,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Lead time (p85)"), lambda r: _stream(r, "lead_time_p85_h"), fmt_hours, True
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Release gap (median)"),
        lambda r: r.delivery.release_gap_median_days,
        fmt_days,
        True,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Releases per week"), lambda r: r.delivery.releases_per_week, fmt_rate, False
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Deployments per week"), lambda r: r.dora.deployments_per_week, fmt_rate, False
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Production deployment success rate"),
        lambda r: r.delivery.production_deployment_success_rate,
        lambda v: fmt_pct(v, 1),
        False,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Lead time for changes (median)"),
        lambda r: r.dora.lead_time_for_changes_median_h,
        fmt_hours,
        True,
    ),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "Change failure rate"),
        lambda r: r.dora.change_failure_rate,
        lambda v: fmt_pct(v, 1),
        True,
    ),
    Metric(QT_TRANSLATE_NOOP("Comparison", "Flow efficiency"), lambda r: _stream(r, "flow_efficiency"), fmt_pct, False),
    Metric(QT_TRANSLATE_NOOP("Comparison", "Throughput"), lambda r: _stream(r, "throughput_per_week"), fmt_rate, None),
    Metric(
        QT_TRANSLATE_NOOP("Comparison", "WIP at the end"),
        lambda r: float(r.streams[0].wip) if r.streams else None,
        lambda v: DASH if v is None else f"{v:.0f}",
        None,
    ),
)


def change_text(before: float | None, after: float | None, lower_is_better: bool | None) -> str:
    """``−78 % (better)``, ``+12 % (worse)``, ``no change``, or "—" when either side is missing."""
    if before is None or after is None:
        return DASH
    if before == after:
        return translate("Comparison", "no change")
    if before == 0:
        rel = translate("Comparison", "{delta} (from 0)").format(delta=f"{after - before:+.2f}")
    else:
        pct = (after - before) / abs(before) * 100
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
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Comparison", "Metric"),
                translate("Comparison", "Before"),
                translate("Comparison", "After"),
                translate("Comparison", "Change"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
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
        for i, m in enumerate(METRICS):
            b, a = m.get(before), m.get(after)
            for c, text in enumerate(
                (translate("Comparison", m.label), m.show(b), m.show(a), change_text(b, a, m.lower_is_better))
            ):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table's text (tests, export)."""
        out = []
        for i in range(self.table.rowCount()):
            cells = [self.table.item(i, c) for c in range(4)]
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
