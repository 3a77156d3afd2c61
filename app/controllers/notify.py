"""Tray icon with the overall pipeline state, desktop notifications, and an optional sound.

The *what to notify* logic is pure and lives in :class:`data.sync.poll.TransitionTracker` (broken,
fixed, still broken; per-pipeline mute; global pause). This module only shows it:

* a ``QSystemTrayIcon`` whose icon is the overall state (failed / running / passed / unknown) and
  whose tooltip counts them — when the platform has a tray. Offscreen and many kiosk sessions have
  none: then nothing is shown and nothing fails (``tray`` is None);
* ``showMessage`` notifications (title and body are plain text);
* a sound on ``broken``: PySide6-Essentials has no QtMultimedia, so ``QApplication.beep()``.

Every notice is also kept in ``history`` (tests and the wall's log read it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from data.pipelines.results import PipelineStatus
from data.sync.poll import Notice, overall_state
from widgets.i18n import translate
from widgets.icons import state_icon

__all__ = ["Notifier", "tray_text"]

log = logging.getLogger(__name__)

_WORDS = {"failed": "failing", "running": "building", "success": "all passing", "unknown": "no pipelines"}


def tray_text(statuses: Sequence[PipelineStatus]) -> str:
    """The tray tooltip: ``Flowdeck: 2 failing, 1 running, 40 passing``."""
    failing = sum(1 for s in statuses if s.state == "failed")
    running = sum(1 for s in statuses if s.state in ("running", "queued"))
    passing = sum(1 for s in statuses if s.state == "success")
    return translate("Notifier", "Flowdeck: {failing} failing, {running} running, {passing} passing").format(
        failing=failing, running=running, passing=passing
    )


class Notifier(QObject):
    """Shows notices on the desktop; degrades to logging when there is no tray."""

    def __init__(self, parent: QObject | None = None, *, sound: bool = False, desktop: bool = True) -> None:
        super().__init__(parent)
        self.sound = sound
        self.desktop = desktop
        self.history: list[Notice] = []
        self.beeps = 0
        self.state = "unknown"
        self.tray: QSystemTrayIcon | None = None
        if desktop and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(state_icon("unknown"), self)
            self.tray.setToolTip("Flowdeck")
            self.tray.show()

    def set_statuses(self, statuses: Iterable[PipelineStatus]) -> str:
        """Update the tray's icon and tooltip; returns the overall state."""
        items = list(statuses)
        self.state = overall_state(items)
        if self.tray is not None:
            self.tray.setIcon(state_icon(self.state))
            self.tray.setToolTip(tray_text(items))
        return self.state

    def show(self, notices: Sequence[Notice]) -> None:
        """One desktop notification per notice (several at once are summed up in one)."""
        if not notices:
            return
        self.history.extend(notices)
        for n in notices:
            log.info("%s: %s", n.title, n.body.replace("\n", "; "))
        if self.tray is not None and self.desktop:
            if len(notices) == 1:
                n = notices[0]
                mi = QSystemTrayIcon.MessageIcon
                icon = mi.Information if n.kind == "fixed" else mi.Critical
                self.tray.showMessage(n.title, n.body, icon, 10_000)
            else:
                body = "\n".join(n.title for n in notices[:6]) + ("\n…" if len(notices) > 6 else "")
                self.tray.showMessage(
                    translate("Notifier", "%n pipeline(s) changed", "", len(notices)),
                    body,
                    QSystemTrayIcon.MessageIcon.Warning,
                )
        if self.sound and any(n.kind == "broken" for n in notices):
            self.beeps += 1
            QApplication.beep()
