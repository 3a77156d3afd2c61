"""Parts of the main window kept out of ``app/main_window/window.py``: the theme, report notes, and the sync actions.

:class:`SyncActions` is a mixin of :class:`app.main_window.window.MainWindow`: the "Sync now" action (F5)
and toolbar, the status-bar :class:`widgets.sync_status.SyncStatus`, and the reactions to the
controller's sync and data signals. It relies on the window's ``controller``, ``sync_status``,
``updated_label``, ``controls``, ``_action`` and ``show_error``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QApplication

from app import paths
from data.report.results import Report
from widgets.format import fmt_local
from widgets.i18n import translate

if TYPE_CHECKING:
    from app.controllers.sync import SyncOutcome

__all__ = ["SyncActions", "apply_theme", "report_notes"]


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style, a light or dark palette, and the matching QSS."""
    app.setStyle("Fusion")
    dark = theme == "dark"
    pal = QPalette()
    if dark:
        for role, colour in (
            (QPalette.ColorRole.Window, "#252526"),
            (QPalette.ColorRole.WindowText, "#E6E6E6"),
            (QPalette.ColorRole.Base, "#1E1E1E"),
            (QPalette.ColorRole.AlternateBase, "#2A2A2A"),
            (QPalette.ColorRole.Text, "#E6E6E6"),
            (QPalette.ColorRole.Button, "#333333"),
            (QPalette.ColorRole.ButtonText, "#E6E6E6"),
            (QPalette.ColorRole.Highlight, "#56B4E9"),
            (QPalette.ColorRole.HighlightedText, "#000000"),
            (QPalette.ColorRole.ToolTipBase, "#333333"),
            (QPalette.ColorRole.ToolTipText, "#E6E6E6"),
            (QPalette.ColorRole.Mid, "#6A6A6A"),
            (QPalette.ColorRole.Link, "#56B4E9"),
            (QPalette.ColorRole.PlaceholderText, "#9A9A9A"),
        ):
            pal.setColor(role, QColor(colour))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7A7A7A"))
    else:
        pal = app.style().standardPalette()
    app.setPalette(pal)
    qss = paths.themes_dir() / f"{'dark' if dark else 'light'}.qss"
    app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.exists() else "")


def _excluded_text(kind: str, n: int) -> str:
    """``3 work items`` for an exclusion kind, in the installed language (unknown kinds by their key)."""
    if kind == "work_item":
        return translate("MainWindow", "%n work item(s)", "", n)
    if kind == "change":
        return translate("MainWindow", "%n change(s)", "", n)
    if kind == "deployment":
        return translate("MainWindow", "%n deployment(s)", "", n)
    return f"{n} {kind.replace('_', ' ')}"


def report_notes(report: Report) -> str:
    """The report's caveats in one line: calendar not applied, excluded records."""
    parts: list[str] = []
    calendar = report.notes.get("calendar") if report.notes else None
    if calendar:
        parts.append(translate("MainWindow", "Note: {calendar}.").format(calendar=calendar))
    excluded = report.notes.get("excluded") if report.notes else None
    if isinstance(excluded, dict) and any(excluded.values()):
        listed = translate("MainWindow", ", ").join(
            _excluded_text(str(k), int(v)) for k, v in sorted(excluded.items()) if v
        )
        parts.append(translate("MainWindow", "Excluded by decision: {listed}.").format(listed=listed))
    return " ".join(parts)


class SyncActions:
    """Sync now / Cancel, the sync status in the status bar, "updated HH:MM" (a mixin of MainWindow)."""

    controller: Any
    sync_status: Any
    updated_label: Any
    controls: Any
    sync_action: QAction
    cancel_action: QAction

    def _build_sync_actions(self) -> None:
        w: Any = self  # a MainWindow (this class is its mixin)
        self.sync_action = w._action(
            translate("MainWindow", "&Sources"), translate("MainWindow", "Sync now"), self.sync_now, "F5"
        )
        self.cancel_action = w._action(
            translate("MainWindow", "&Sources"),
            translate("MainWindow", "Cancel sync"),
            self.controller.syncer.cancel,
            "Esc",
        )
        self.cancel_action.setEnabled(False)
        toolbar = w.addToolBar(translate("MainWindow", "Sync"))
        toolbar.setObjectName("syncToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.sync_action)
        sources_action = QAction(translate("MainWindow", "Sources…"), w)
        sources_action.triggered.connect(lambda: w.add_source_hook(w))
        toolbar.addAction(sources_action)
        self._update_sync_action()

    def _update_sync_action(self) -> None:
        info = self.controller.info
        if not self.controller.config.sources:
            tip = translate(
                "MainWindow", "Nothing to sync: add a source first (Sources → Sources…). The demo data is not synced."
            )
        elif info is not None and info.demo:
            tip = translate(
                "MainWindow", "This store holds the demo data; start Flowdeck with --db PATH for your own sources."
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

    def _sync_started(self, total: int) -> None:
        self.sync_status.started(total)
        self.sync_action.setEnabled(False)
        self.cancel_action.setEnabled(True)

    def _sync_finished(self, outcome: SyncOutcome) -> None:
        self.sync_status.finished(outcome.text(), outcome.ok)
        self.cancel_action.setEnabled(False)
        self._update_sync_action()
        errors = [f"{s.source}: {s.error}" for s in outcome.summaries if s.error]
        if errors:
            w: Any = self
            w.show_error(translate("MainWindow", "Sync: {errors}").format(errors=" · ".join(errors)))
        self._load_sync_states()

    def _load_sync_states(self) -> None:
        """Per-source last sync and last error for the status bar tooltip (read on a worker)."""
        store = self.controller.store
        if store is not None:
            self.controller.submit(store.sync_states, self.sync_status.set_sources)

    def _config_changed(self, config: object) -> None:
        self.controls.set_streams([s.name for s in self.controller.config.streams])
        self._update_sync_action()

    def _data_updated(self, when: object) -> None:
        if isinstance(when, datetime):
            self.updated_label.setText(
                translate("MainWindow", "updated {time}").format(time=f"{when.astimezone():%H:%M}")
            )
            self.updated_label.setToolTip(
                translate("MainWindow", "New data was noticed in the store at {when}; recomputed.").format(
                    when=fmt_local(when)
                )
            )
