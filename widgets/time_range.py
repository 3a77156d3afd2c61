"""The controls bar: stream, time range, "as of" day, and the metric-definition switches.

It only describes what the user asked for (a :class:`Selection`); the controller computes.
Dates are picked as local calendar days and turned into UTC instants at local midnight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from widgets.i18n import QT_TRANSLATE_NOOP, translate

__all__ = ["RANGES", "Selection", "TimeRangeBar", "local_midnight", "window_for"]

#: (label, weeks); weeks 0 = the calendar quarter up to the anchor; -1 = custom.
RANGES: tuple[tuple[str, int], ...] = (
    (QT_TRANSLATE_NOOP("TimeRange", "Last 2 weeks"), 2),
    (QT_TRANSLATE_NOOP("TimeRange", "Last 4 weeks"), 4),
    (QT_TRANSLATE_NOOP("TimeRange", "Last 13 weeks"), 13),
    (QT_TRANSLATE_NOOP("TimeRange", "Last 26 weeks"), 26),
    (QT_TRANSLATE_NOOP("TimeRange", "Quarter to date"), 0),
    (QT_TRANSLATE_NOOP("TimeRange", "Custom…"), -1),
)


@dataclass(frozen=True)
class Selection:
    """What to compute: a stream, a window ``[window_from, window_to)``, an ``as_of`` and definitions."""

    stream: str | None
    window_from: datetime
    window_to: datetime
    as_of: datetime
    median: str = "interpolated"
    dora: str = "2023"
    calendar: str = "calendar"


def local_midnight(d: date) -> datetime:
    """The UTC instant of local midnight at the start of ``d``."""
    return datetime.combine(d, time()).astimezone().astimezone(UTC)


def window_for(weeks: int, anchor: datetime) -> tuple[datetime, datetime]:
    """The window ending at ``anchor``: the last ``weeks`` weeks, or the quarter to date (weeks 0)."""
    if weeks > 0:
        return anchor - timedelta(weeks=weeks), anchor
    local = anchor.astimezone()
    quarter_month = 3 * ((local.month - 1) // 3) + 1
    return local_midnight(date(local.year, quarter_month, 1)), anchor


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _combo(items: Sequence[tuple[str, str]], tip: str) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    box.setToolTip(tip)
    return box


class TimeRangeBar(QWidget):
    """Stream, range, as-of and definition pickers in one row.

    Signals:
        changed(Selection): any control changed (the controller discards stale results itself).
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = datetime.now(UTC)
        self._blocked = False
        self.stream = QComboBox(self)
        self.stream.setToolTip(translate("TimeRange", "Value stream"))
        self.stream.setMinimumContentsLength(12)
        self.range = QComboBox(self)
        for label, weeks in RANGES:
            self.range.addItem(translate("TimeRange", label), weeks)
        self.range.setCurrentIndex(2)  # 13 weeks: a quarter's worth, what the bank reports on
        self.range.setToolTip(translate("TimeRange", "Time range (Alt+1…Alt+6)"))
        self.custom_from = QDateEdit(self)
        self.custom_to = QDateEdit(self)
        for edit in (self.custom_from, self.custom_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
        self.as_of_now = QCheckBox(translate("TimeRange", "as of now"), self)
        self.as_of_now.setChecked(True)
        self.as_of_now.setToolTip(
            translate("TimeRange", "Untick to review the map, WIP and pipelines as they stood on a past day")
        )
        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setEnabled(False)
        self.as_of.setToolTip(translate("TimeRange", "As of the end of this day (local time)"))
        self.median = _combo(
            [
                (translate("TimeRange", "median: interpolated"), "interpolated"),
                (translate("TimeRange", "median: lower (DevLake)"), "lower"),
            ],
            translate("TimeRange", "How medians are computed (METRICS.md)"),
        )
        self.dora = _combo(
            [("DORA 2023", "2023"), ("DORA 2021", "2021")], translate("TimeRange", "Which DORA report's definitions")
        )
        self.calendar = _combo(
            [
                (translate("TimeRange", "calendar time"), "calendar"),
                (translate("TimeRange", "working time"), "working"),
            ],
            translate("TimeRange", "Calendar or working hours"),
        )
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        # Two rows, so the window stays usable at 1000 px: what to look at, then how to count it.
        self.note.setWordWrap(True)
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        first, second = QHBoxLayout(), QHBoxLayout()
        stream_label, range_label = QLabel(translate("TimeRange", "Stream")), QLabel(translate("TimeRange", "Range"))
        for w in (stream_label, self.stream, range_label, self.range, self.custom_from, self.custom_to,
                  self.as_of_now, self.as_of):  # fmt: skip
            first.addWidget(w)
        first.addStretch(1)
        for w in (QLabel(translate("TimeRange", "Definitions")), self.median, self.dora, self.calendar):
            second.addWidget(w)
        second.addWidget(self.note, 1)
        layout.addLayout(first)
        layout.addLayout(second)
        self.stream.currentIndexChanged.connect(self._emit)
        self.range.currentIndexChanged.connect(self._range_changed)
        self.custom_from.dateChanged.connect(self._emit)
        self.custom_to.dateChanged.connect(self._emit)
        self.as_of_now.toggled.connect(self._as_of_toggled)
        self.as_of.dateChanged.connect(self._emit)
        for box in (self.median, self.dora, self.calendar):
            box.currentIndexChanged.connect(self._emit)
        self.set_now(self._now)

    # -- feeding --

    def set_streams(self, names: Sequence[str]) -> None:
        """The configured streams (first selected)."""
        self._blocked = True
        current = self.stream.currentText()
        self.stream.clear()
        self.stream.addItems(list(names))
        if current in names:
            self.stream.setCurrentText(current)
        self._blocked = False

    def set_now(self, now: datetime, note: str = "") -> None:
        """What "now" means: the clock, or the end of the demo data (then ``note`` says so)."""
        self._blocked = True
        self._now = now
        today = now.astimezone().date()
        self.as_of.setMaximumDate(_qdate(today))
        self.as_of.setDate(_qdate(today))
        self.custom_to.setDate(_qdate(today))
        self.custom_from.setDate(_qdate(today - timedelta(weeks=4)))
        self.note.setText(note)
        self._blocked = False

    def set_calendar_supported(self, supported: bool, reason: str = "") -> None:
        """Disable the working-calendar switch (with the reason as tooltip) when the engine lacks it."""
        item = self.calendar.model().item(1)  # type: ignore[attr-defined]
        if item is not None:
            item.setEnabled(supported)
        self.calendar.setToolTip(translate("TimeRange", "Calendar or working hours") if supported else reason)
        if not supported and self.calendar.currentIndex() == 1:
            self.calendar.setCurrentIndex(0)

    def select_range(self, index: int) -> None:
        """Pick one of :data:`RANGES` by position (keyboard shortcuts)."""
        if 0 <= index < self.range.count():
            self.range.setCurrentIndex(index)

    # -- reading --

    def selection(self) -> Selection:
        """The current choice."""
        if self.as_of_now.isChecked():
            as_of = self._now
        else:
            as_of = min(self._now, local_midnight(_pydate(self.as_of.date()) + timedelta(days=1)))
        weeks = int(self.range.currentData())
        if weeks < 0:
            start = local_midnight(_pydate(self.custom_from.date()))
            end = local_midnight(_pydate(self.custom_to.date()) + timedelta(days=1))
            if end <= start:
                end = start + timedelta(days=1)
            window = (start, min(end, as_of) if end > as_of > start else end)
        else:
            window = window_for(weeks, as_of)
        return Selection(
            stream=self.stream.currentText() or None,
            window_from=window[0],
            window_to=window[1],
            as_of=as_of,
            median=str(self.median.currentData()),
            dora=str(self.dora.currentData()),
            calendar=str(self.calendar.currentData()),
        )

    # -- internals --

    def _range_changed(self) -> None:
        custom = int(self.range.currentData()) < 0
        self.custom_from.setVisible(custom)
        self.custom_to.setVisible(custom)
        self._emit()

    def _as_of_toggled(self, now: bool) -> None:
        self.as_of.setEnabled(not now)
        self._emit()

    def _emit(self) -> None:
        if not self._blocked:
            self.changed.emit(self.selection())
