"""The wall's clock and data-age line: "14:05" and "data as of 14:04, 40 s ago", amber then red as it ages.

Before any data the line says "Waiting for first data…" in the neutral colour: nothing is old yet,
so nothing is flagged (level ``waiting``).

:func:`age_text` and :func:`age_level` are pure (tested without a window). Thresholds come from the
shortest polling interval: amber at 3 intervals, red at 10 (``data.sync.poll.freshness`` rules, repeated
here as numbers because widgets do not import the polling layer).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from widgets.format import fmt_local
from widgets.i18n import translate

__all__ = ["AGE_COLOURS", "WallClock", "age_level", "age_text"]

#: ok / amber / red; Okabe-Ito orange and vermillion, and the level is also written in words.
AGE_COLOURS = {"ok": "#E6E6E6", "amber": "#E69F00", "red": "#FF7A3D", "waiting": "#E6E6E6"}
AMBER_INTERVALS = 3
RED_INTERVALS = 10


def _ago(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 90:
        return translate("WallClock", "{n} s ago").format(n=s)
    if s < 90 * 60:
        return translate("WallClock", "{n} min ago").format(n=round(s / 60))
    if s < 48 * 3600:
        return translate("WallClock", "{n} h ago").format(n=f"{s / 3600:.1f}")
    return translate("WallClock", "{n} days ago").format(n=f"{s / 86400:.1f}")


def age_level(age_s: float | None, interval_s: float) -> str:
    """``ok``, ``amber`` (≥ 3 intervals), ``red`` (≥ 10 intervals, or no data)."""
    # Callers with no data at all show "waiting" instead (WallClock); red stays the safe answer here.
    if age_s is None or age_s >= RED_INTERVALS * interval_s:
        return "red"
    return "amber" if age_s >= AMBER_INTERVALS * interval_s else "ok"


def age_text(data_time: datetime | None, now: datetime, *, demo: bool = False) -> str:
    """``data as of 14:04, 40 s ago`` in local time; the demo says it is demo data instead."""
    if demo:
        stamp = fmt_local(data_time) if data_time else "—"
        return translate("WallClock", "demo data (as of {stamp})").format(stamp=stamp)
    if data_time is None:
        return translate("WallClock", "Waiting for first data…")
    local = data_time.astimezone()
    same_day = local.date() == now.astimezone().date()
    stamp = local.strftime("%H:%M") if same_day else fmt_local(data_time)
    return translate("WallClock", "data as of {stamp}, {ago}").format(
        stamp=stamp, ago=_ago((now - data_time).total_seconds())
    )


class WallClock(QWidget):
    """The time (large) over the data age (coloured by :func:`age_level`, and worded when old)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        font_px: int = 30,
        interval_s: float = 30.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.interval_s = interval_s
        self.clock = clock or (lambda: datetime.now(UTC))
        self.data_time: datetime | None = None
        self.demo = False
        self.time = QLabel()
        self.age = QLabel()
        for label in (self.time, self.age):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tf = QFont(self.time.font())
        tf.setPixelSize(round(font_px * 1.8))
        tf.setBold(True)
        self.time.setFont(tf)
        af = QFont(self.age.font())
        af.setPixelSize(font_px)
        self.age.setFont(af)
        self.time.setObjectName("wallTime")
        self.age.setObjectName("wallAge")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.time)
        layout.addWidget(self.age)
        self.level = "red"
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.update_now)
        self.timer.start()
        self.update_now()

    def set_data_time(self, when: datetime | None, *, demo: bool = False) -> None:
        """The instant the data on screen is true for (None: nothing yet)."""
        self.data_time = when
        self.demo = demo
        self.update_now()

    def update_now(self) -> None:
        """Redraw for the current time."""
        now = self.clock()
        self.time.setText(now.astimezone().strftime("%H:%M"))
        text = age_text(self.data_time, now, demo=self.demo)
        if self.demo:
            self.level = "ok"
        elif self.data_time is None:
            self.level = "waiting"  # a fresh wall: nothing is old yet
        else:
            age = None if self.data_time is None else (now - self.data_time).total_seconds()
            self.level = age_level(age, self.interval_s)
        if self.level == "red" and not self.demo:
            text = translate("WallClock", "⚠ {age} — data is old").format(age=text)
        elif self.level == "amber":
            text = "⚠ " + text
        self.age.setText(text)
        self.age.setStyleSheet(f"color: {AGE_COLOURS[self.level]};")
        self.age.setAccessibleName(f"{text} ({self.level})")
