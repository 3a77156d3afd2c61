"""Syncing from the main window: "Sync now" (F5), "Cancel sync" (Esc), the sync state in the status bar.

:class:`SyncActions` is owned by :class:`app.main_window.window.MainWindow`, which puts its two actions in
the Sources menu and the toolbar. It follows the controller's syncer (started, progress, finished,
refused) and says when new data was noticed ("updated HH:MM"). Texts keep the ``MainWindow`` context.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from widgets.format import fmt_local
from widgets.i18n import translate
from widgets.sync_status import SyncStatus

if TYPE_CHECKING:
    from app.controllers.report import Controller
    from app.controllers.sync import SyncOutcome

__all__ = ["SyncActions"]


class SyncActions:
    """Sync now / Cancel, the sync status in the status bar, "updated HH:MM".

    Args:
        controller: whose syncer runs the syncs, and whose config and store say whether one can run.
        status: the status bar's sync progress, Cancel button and per-source tooltip.
        updated: the status bar's "updated HH:MM" label.
        show_error: shows a failure above the pages.
        parent: the window the actions belong to (their shortcuts work while it is active).
    """

    def __init__(
        self,
        controller: Controller,
        status: SyncStatus,
        updated: QLabel,
        show_error: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        self.controller = controller
        self.status = status
        self.updated = updated
        self._show_error = show_error
        syncer = controller.syncer
        self.sync_action = QAction(translate("MainWindow", "Sync now"), parent)
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.triggered.connect(self.sync_now)
        self.cancel_action = QAction(translate("MainWindow", "Cancel sync"), parent)
        self.cancel_action.setShortcut(QKeySequence("Esc"))
        self.cancel_action.triggered.connect(syncer.cancel)
        self.cancel_action.setEnabled(False)
        syncer.started.connect(self._started)
        syncer.progress.connect(status.progress)
        syncer.finished.connect(self._finished)
        syncer.refused.connect(show_error)
        status.cancel_requested.connect(syncer.cancel)
        controller.data_updated.connect(self._data_updated)
        self.update()

    def update(self) -> None:
        """Enable "Sync now" when there is something to sync (not the demo, not while syncing); say why not."""
        info = self.controller.info
        if info is not None and info.demo:
            tip = translate(
                "MainWindow",
                "This store holds the demo data: choose Use my own data (File menu or the demo banner), then add a "
                "source and sync.",
            )
        elif not self.controller.config.sources:
            tip = translate(
                "MainWindow", "Nothing to sync: add a source first (Sources → Sources…). The demo data is not synced."
            )
        else:
            names = ", ".join(s.name for s in self.controller.config.sources)
            tip = translate("MainWindow", "Sync {names} now (F5)").format(names=names)
        enabled = bool(self.controller.config.sources) and not (info is not None and info.demo)
        self.sync_action.setEnabled(enabled and not self.controller.syncer.running)
        self.sync_action.setToolTip(tip)
        self.sync_action.setStatusTip(tip)

    def sync_now(self) -> None:
        """Sync every configured source on a worker (F5)."""
        self.controller.syncer.sync()

    def _started(self, total: int) -> None:
        self.status.started(total)
        self.sync_action.setEnabled(False)
        self.cancel_action.setEnabled(True)

    def _finished(self, outcome: SyncOutcome) -> None:
        self.status.finished(outcome.text(), outcome.ok)
        self.cancel_action.setEnabled(False)
        self.update()
        errors = [f"{s.source}: {s.error}" for s in outcome.summaries if s.error]
        if errors:
            self._show_error(translate("MainWindow", "Sync: {errors}").format(errors=" · ".join(errors)))
        self.load_states()

    def load_states(self) -> None:
        """Per-source last sync and last error for the status bar tooltip (read on a worker)."""
        store = self.controller.store
        if store is not None:
            self.controller.submit(store.sync_states, self.status.set_sources)

    def _data_updated(self, when: object) -> None:
        if isinstance(when, datetime):
            self.updated.setText(translate("MainWindow", "updated {time}").format(time=f"{when.astimezone():%H:%M}"))
            self.updated.setToolTip(
                translate("MainWindow", "New data was noticed in the store at {when}; recomputed.").format(
                    when=fmt_local(when)
                )
            )
