"""The main window: layout and wiring only. Numbers come from the controller's signals.

Pages: Home (the story since a baseline; the page the window opens on), Map (value-stream map),
Scorecard, Trends, Pipelines, Compare, the trust pages, Future state and Forecast. The window appears
at once with placeholders; the store is opened (and the demo generated) on a worker.

The window owns its parts and passes each what it needs: the report pages and the page table
(:mod:`app.main_window.pages`), the trust pages (:mod:`app.main_window.trust_pages`), the exports
(:mod:`app.main_window.exports`) and the sync actions (:mod:`app.main_window.sync_actions`); the Help
dialogs are in :mod:`app.main_window.dialogs` and the theme in :mod:`app.theme`. What it keeps is the
layout, the menus, the wiring, and the reactions that touch the whole window (the banners above the
pages, the status bar, the time-range controls).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controllers.report import Controller
from app.controllers.sources import SourcesController
from app.main_window.dialogs import show_about, show_shortcuts
from app.main_window.exports import WindowExports
from app.main_window.future_pages import FuturePages
from app.main_window.own_data import OwnData
from app.main_window.pages import PAGE_TITLES, PAGES, ReportPages, report_notes
from app.main_window.sync_actions import SyncActions
from app.main_window.trust_pages import TrustPages
from app.settings import UiSettings
from app.theme import apply_theme
from data.config.parse import default_config_path
from data.report.results import Report
from widgets.format import fmt_local
from widgets.i18n import translate
from widgets.icons import icon
from widgets.stage_detail import StageDetailDialog
from widgets.sync_status import SyncStatus
from widgets.time_range import Selection, TimeRangeBar

if TYPE_CHECKING:
    from app.controllers.engine import StoreInfo
    from app.controllers.live import LivePoller
    from app.controllers.notify import Notifier

__all__ = [
    "MainWindow",
    "center_on_screen",
]


class MainWindow(QMainWindow):
    """The dashboard window.

    Attributes:
        pages: the report pages (:class:`~app.main_window.pages.ReportPages`: home, map, scorecard,
            trends, pipelines, compare) and the report they show.
        trust: the trust pages (:class:`~app.main_window.trust_pages.TrustPages`).
        future: the Future state and Forecast pages (:class:`~app.main_window.future_pages.FuturePages`).
        exports: PNG, PDF and CSV (:class:`~app.main_window.exports.WindowExports`).
        sync_actions: Sync now / Cancel (:class:`~app.main_window.sync_actions.SyncActions`).
    """

    def __init__(self, controller: Controller, settings: UiSettings | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings or UiSettings()
        self.theme = self.settings.theme
        self.sources = SourcesController(controller, controller.config.path or default_config_path())
        #: Opens the Sources dialog (called with the window).
        self.add_source_hook: Callable[[QWidget], object] = self.sources.open
        self.detail_dialog: StageDetailDialog | None = None
        self.setWindowTitle(translate("MainWindow", "Flowdeck"))
        self.setWindowIcon(icon("flowdeck"))
        self.resize(1400, 900)

        self.banner = QLabel(self)
        self.banner.setObjectName("demoBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)  # or its text alone would make the window wider than 1000 px
        self.add_source_button = QPushButton(translate("MainWindow", "Add a source…"), self)
        self.add_source_button.clicked.connect(lambda: self.add_source_hook(self))
        self.own_data = OwnData(controller, self.settings, self)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.own_data.button)
        banner_row.addWidget(self.add_source_button)
        self.banner_box = QWidget(self)
        self.banner_box.setLayout(banner_row)
        self.banner_box.setVisible(False)
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.error_banner.setWordWrap(True)
        self.error_banner.setVisible(False)
        self.controls = TimeRangeBar(self)
        self.controls.setEnabled(False)
        #: Facts from the report a reader needs to trust the numbers (calendar caveat, exclusions).
        self.notes_label = QLabel(self)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(False)

        self.tabs = QTabWidget(self)
        self.pages = ReportPages(controller, self.tabs, self.controls.as_of_now)
        self.trust = TrustPages(controller, self.tabs, self)
        self.future = FuturePages(controller, self.tabs, self.pages.scorecard, self)
        trust_pages = [w for _n, _t, w in (*self.trust.pages(), *self.future.pages())]
        for page, title in zip((*self.pages.tab_pages(), *trust_pages), PAGE_TITLES, strict=True):
            self.tabs.addTab(page, translate("MainWindow", title))
        self.exports = WindowExports(
            self,
            self.tabs,
            self.pages,
            self.trust,
            self.future,
            demo=lambda: controller.info is not None and controller.info.demo,
            show_error=self.show_error,
        )

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner_box)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.controls)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status_text = QLabel(translate("MainWindow", "Starting…"))
        self.status_text.setTextFormat(Qt.TextFormat.PlainText)
        self.status_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: we cannot know how long a computation takes
        self.busy.setMaximumWidth(160)
        self.busy.setVisible(False)
        self.updated_label = QLabel("")
        self.updated_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sync_status = SyncStatus()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.statusBar().addPermanentWidget(self.updated_label)
        self.statusBar().addPermanentWidget(self.busy)
        self.sync_actions = SyncActions(controller, self.sync_status, self.updated_label, self.show_error, self)

        self._menus: dict[str, QMenu] = {}
        self._build_menus()
        self._wire()
        self.settings.restore_window(self)
        # Home first, always: the story is what a reader should see before anything else.
        self.tabs.setCurrentIndex(PAGES.index("home"))
        self.pages.home.set_baseline_choice(self.settings.baseline)
        self._set_plot_theme()

    # -- construction --

    def _menu(self, title: str) -> QMenu:
        if title not in self._menus:
            self._menus[title] = self.menuBar().addMenu(title)
        return self._menus[title]

    def _action(self, menu_title: str, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self._menu(menu_title).addAction(action)
        return action

    def _build_menus(self) -> None:
        self._menu(translate("MainWindow", "&File")).addAction(self.own_data.action)
        self._action(
            translate("MainWindow", "&File"),
            translate("MainWindow", "Export current page as PNG…"),
            self.exports.ask_png,
            "Ctrl+E",
        )
        self._action(
            translate("MainWindow", "&File"),
            translate("MainWindow", "Export report as PDF…"),
            self.exports.ask_pdf,
            "Ctrl+P",
        )
        self._action(
            translate("MainWindow", "&File"),
            translate("MainWindow", "Export selected stage's items as CSV…"),
            self.exports.ask_selected_stage_csv,
            "Ctrl+Shift+E",
        )
        self._action(translate("MainWindow", "&File"), translate("MainWindow", "Quit"), self.close, "Ctrl+Q")
        for i, title in enumerate(PAGE_TITLES):
            self._action(
                translate("MainWindow", "&View"),
                translate("MainWindow", title),
                self._page_slot(i),
                # Ctrl+1 … Ctrl+9, Ctrl+0 for the first ten pages; the eleventh (Forecast) is in the menu.
                f"Ctrl+{(i + 1) % 10}" if i < 10 else None,
            )
        self._action(translate("MainWindow", "&View"), translate("MainWindow", "Recompute"), self.recompute, "Ctrl+R")
        self._action(
            translate("MainWindow", "&View"), translate("MainWindow", "Dark theme"), self.toggle_theme, "Ctrl+D"
        )
        for i in range(6):
            self._action(
                translate("MainWindow", "&Range"), self.controls.range.itemText(i), self._range_slot(i), f"Alt+{i + 1}"
            )
        self._action(
            translate("MainWindow", "&Sources"), translate("MainWindow", "Sources…"), lambda: self.add_source_hook(self)
        )
        sources_menu = self._menu(translate("MainWindow", "&Sources"))
        sources_menu.addAction(self.sync_actions.sync_action)
        sources_menu.addAction(self.sync_actions.cancel_action)
        self._build_toolbar()
        self._action(
            translate("MainWindow", "&Help"), translate("MainWindow", "Keyboard shortcuts"), self.show_shortcuts, "F1"
        )
        self._action(translate("MainWindow", "&Help"), translate("MainWindow", "About Flowdeck"), self._about)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar(translate("MainWindow", "Sync"))
        toolbar.setObjectName("syncToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.sync_actions.sync_action)
        sources_action = QAction(translate("MainWindow", "Sources…"), self)
        sources_action.triggered.connect(lambda: self.add_source_hook(self))
        toolbar.addAction(sources_action)

    # Slots without parameters: QAction.triggered passes ``checked``, which a ``lambda i=i`` would take as i.
    def _page_slot(self, index: int) -> Callable[[], None]:
        def go() -> None:
            self.tabs.setCurrentIndex(index)

        return go

    def _range_slot(self, index: int) -> Callable[[], None]:
        def pick() -> None:
            self.controls.select_range(index)

        return pick

    def _wire(self) -> None:
        # The pages, the trust pages and the sync actions connect their own signals.
        c = self.controller
        c.store_ready.connect(self._store_ready)
        c.report_ready.connect(self.show_report)
        c.busy_changed.connect(self.busy.setVisible)
        c.progress.connect(self.status_text.setText)
        c.error.connect(self.show_error)
        c.error.connect(lambda _m: self.own_data.failed() if self.own_data.pending else None)
        c.calendar_rejected.connect(self._calendar_rejected)
        self.controls.changed.connect(self._selection_changed)
        self.pages.map.stage_activated.connect(self.open_stage)
        c.config_changed.connect(self._config_changed)
        self.sources.sources_changed.connect(lambda _c: self.sync_actions.load_states())
        self.pages.home.baseline_changed.connect(self._baseline_changed)

    # -- results --

    def _store_ready(self, info: StoreInfo) -> None:
        self.controls.set_streams([s.name for s in self.controller.config.streams])
        note = ""
        if info.demo and info.demo_end is not None:
            note = translate("MainWindow", "demo data ends {end}: 'now' is that moment").format(
                end=fmt_local(info.demo_end)
            )
        self.controls.set_now(self.controller.now(), note)
        self.controls.setEnabled(True)
        if info.demo:
            self.banner.setText(
                translate(
                    "MainWindow",
                    "Demo data — a synthetic bank with three teams over 26 weeks. Nothing here is real. "
                    "Add a source to see your own delivery.",
                )
            )
            self.banner_box.setVisible(True)
        else:
            self._own_store_banner()
        self.own_data.store_ready(info)
        self.own_data.action.setEnabled(info.demo)
        self.pages.compared = False  # a comparison of another store is not this one's
        if info.first_day and info.last_day:
            self.pages.comparison.set_data_span(info.first_day, info.last_day)
            self.pages.home.set_data_span(info.first_day, info.last_day)
        else:
            self.pages.home.set_headline(None)  # no data, no baseline: say so rather than "computing"
        self.status_text.setText(
            (
                translate("MainWindow", "Demo data: {url}") if info.demo else translate("MainWindow", "Store: {url}")
            ).format(url=info.url)
        )
        self.sync_actions.update()
        self.sync_actions.load_states()
        self.recompute()
        self.pages.maybe_compare()

    def show_report(self, report: Report) -> None:
        """Fill the map and scorecard, the report's caveats and the status line."""
        self.error_banner.setVisible(False)
        self.pages.show_report(report)
        notes = report_notes(report)
        self.notes_label.setText(notes)
        self.notes_label.setVisible(bool(notes))
        self.status_text.setText(
            (
                translate("MainWindow", "{start} – {end} · as of {as_of} · demo data")
                if self.controller.info and self.controller.info.demo
                else translate("MainWindow", "{start} – {end} · as of {as_of}")
            ).format(
                start=fmt_local(report.window_from), end=fmt_local(report.window_to), as_of=fmt_local(report.as_of)
            )
        )

    def attach_live(self, poller: LivePoller, notifier: Notifier | None = None) -> None:
        """Live pipeline polling (configured sources): the pipelines page follows each poll while the
        window shows "as of now"; failing sources get an error tile and a status-bar message; notices
        go to ``notifier``."""
        self.pages.follow_live(poller, notifier)
        poller.source_failed.connect(lambda src, msg: self.statusBar().showMessage(f"{src}: {msg}", 10_000))
        poller.source_recovered.connect(
            lambda src: self.statusBar().showMessage(
                translate("MainWindow", "{source}: answering again").format(source=src), 5000
            )
        )

    def show_error(self, message: str) -> None:
        """Show a failure above the pages (plain text) without losing what is shown."""
        self.error_banner.setText(message)
        self.error_banner.setVisible(True)
        self.pages.show_failure()

    def _calendar_rejected(self, reason: str) -> None:
        self.controls.set_calendar_supported(
            False, translate("MainWindow", "Working-time calendar not available: {reason}").format(reason=reason)
        )
        self.recompute()

    def _baseline_changed(self, *_period: object) -> None:
        self.settings.baseline = self.pages.home.baseline_choice()

    def _config_changed(self, _config: object) -> None:
        self.controls.set_streams([s.name for s in self.controller.config.streams])
        self.sync_actions.update()
        info = self.controller.info
        if info is not None and not info.demo:
            self._own_store_banner()

    def _own_store_banner(self) -> None:
        """On the user's own store: until a source is configured, say which to add (no banner after)."""
        if self.controller.config.sources:
            self.banner_box.setVisible(False)
            return
        self.banner.setText(
            translate(
                "MainWindow",
                "Your own store, empty until you sync: add a Jira, GitHub or GitLab issues source for the map and "
                "trends, and a CI or deployment source for pipelines, DORA and delivery figures.",
            )
        )
        self.banner_box.setVisible(True)

    # -- user actions --

    def _selection_changed(self, sel: Selection) -> None:
        self.controller.request(sel)

    def recompute(self) -> None:
        """Ask the controller for the current selection."""
        self.controller.request(self.controls.selection())

    def open_stage(self, index: int) -> StageDetailDialog | None:
        """Open the items behind stage ``index`` of the shown stream."""
        stream = self.pages.map.stream()
        if stream is None or not 0 <= index < len(stream.stages):
            return None
        if self.detail_dialog is not None:
            self.detail_dialog.close()
        stage = stream.stages[index]
        dialog = StageDetailDialog(stage, self, export_csv=self.exports.ask_stage_csv)
        self.detail_dialog = dialog
        dialog.detail.set_dark(self.theme == "dark")
        dialog.show()
        if not stage.details and stage.items + stage.wip > 0:
            # Reports come without drill-down rows (fast range changes); fetch this stage's now.
            def loaded(items: object) -> None:
                if self.detail_dialog is dialog and isinstance(items, tuple):
                    dialog.stage = dataclasses.replace(stage, details=items)
                    dialog.detail.set_stage(dialog.stage)

            if self.controller.load_stage_items(stage.name, loaded, self.show_error) is not None:
                dialog.detail.summary.setText(f"{stage.name}: loading the items behind the numbers…")
        return dialog

    def toggle_theme(self) -> None:
        """Light ↔ dark."""
        self.set_theme("light" if self.theme == "dark" else "dark")

    def set_theme(self, theme: str) -> None:
        """Apply and remember a theme."""
        self.theme = theme
        self.settings.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self._set_plot_theme()
        self.pages.map.update()

    def _set_plot_theme(self) -> None:
        self.pages.trends.set_dark(self.theme == "dark")
        self.pages.map_view.set_dark(self.theme == "dark")
        self.future.forecast.set_dark(self.theme == "dark")

    def show_shortcuts(self) -> QDialog:
        """Help → Keyboard shortcuts."""
        return show_shortcuts(self)

    def _about(self) -> None:
        show_about(self)

    # -- lifecycle --

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember geometry (the window opens on Home again)."""
        self.settings.save_window(self)
        self.settings.sync()
        self.controller.syncer.cancel()  # stops after the page in hand; shutdown waits for it
        self.sources.shutdown()  # a connection test ends within its timeout; its answer has no dialog now
        super().closeEvent(event)


def center_on_screen(window: QMainWindow) -> None:
    """Place a first-run window in the middle of the primary screen."""
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        window.move(screen.availableGeometry().center() - window.rect().center())
