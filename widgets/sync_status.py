"""The status-bar sync indicator: a progress bar with per-source/stream text and a Cancel button.

A view only: the app calls :meth:`SyncStatus.started`, :meth:`~SyncStatus.progress` and
:meth:`~SyncStatus.finished`; the Cancel button emits :attr:`~SyncStatus.cancel_requested`.
Between syncs it shows when each source last synced and its last error (as a tooltip).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from widgets.format import fmt_local, plain_tooltip
from widgets.i18n import translate

__all__ = ["SyncStatus", "source_lines"]


def source_lines(states: Mapping[str, Mapping[str, object]]) -> str:
    """One line per source: last successful sync (local time) and the last error, if any."""
    lines: list[str] = []
    for name in sorted(states):
        s = states[name]
        success = s.get("last_success_at")
        when = fmt_local(success) if isinstance(success, datetime) else translate("SyncStatus", "never")
        error = " ".join(str(s.get("last_error") or "").split())
        if error:
            lines.append(
                translate("SyncStatus", "{name}: last sync {when} — last error: {error}").format(
                    name=name, when=when, error=error
                )
            )
        else:
            lines.append(translate("SyncStatus", "{name}: last sync {when}").format(name=name, when=when))
    return "\n".join(lines)


class SyncStatus(QWidget):
    """Progress bar + text + Cancel while a sync runs; a short summary line otherwise.

    Signals:
        cancel_requested(): the user pressed Cancel.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(260)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(140)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(translate("SyncStatus", "Cancel"), self)
        self.cancel_button.setToolTip(
            translate("SyncStatus", "Stop after the current page; the next sync resumes there")
        )
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.running = False
        self._idle()

    def _idle(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(translate("SyncStatus", "Cancelling after the current page…"))
        self.cancel_requested.emit()

    def started(self, total: int) -> None:
        """A sync of ``total`` sources began."""
        self.running = True
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.label.setText(translate("SyncStatus", "Syncing %n source(s)…", "", total))

    def progress(self, text: str, done: int, total: int) -> None:
        """Per-page progress: ``text`` names the source and stream; ``done`` of ``total`` sources finished."""
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        if self.cancel_button.isEnabled():  # keep saying "Cancelling…" once asked
            self.label.setText(text)

    def finished(self, text: str, ok: bool) -> None:
        """The sync ended; ``text`` is its one-line outcome."""
        self.running = False
        self._idle()
        self.label.setText(("" if ok else "⚠ ") + text)

    def set_sources(self, states: Mapping[str, Mapping[str, object]]) -> None:
        """Per-source last sync and last error, as the tooltip."""
        lines = source_lines(states)
        self.setToolTip(plain_tooltip(lines) if lines else "")
