"""The main window: layout and wiring only. Numbers come from the controller's signals.

Pages: Map (value-stream map), Scorecard, Trends, Pipelines, Compare. The window appears at once
with placeholders; the store is opened (and the demo generated) on a worker.

The page names, the shortcut table and the result slots live in :mod:`app.main_window.pages`, the
exports in :mod:`app.main_window.exports`, the Help dialogs in :mod:`app.main_window.dialogs`, the sync actions and
theme in :mod:`app.main_window.parts`; the names other code imports from here are re-exported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
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
from app.main_window.exports import ExportActions
from app.main_window.pages import PAGE_TITLES, PAGES, ReportViews
from app.main_window.parts import SyncActions, apply_theme
from app.main_window.trust_pages import TrustPages
from app.settings import UiSettings
from data.config.parse import default_config_path
from data.report.results import Report
from widgets.comparison import ComparisonView
from widgets.i18n import translate
from widgets.icons import icon
from widgets.map_page import MapPage
from widgets.pipeline_board import PipelineBoard
from widgets.scorecard import Scorecard
from widgets.stage_detail import StageDetailDialog
from widgets.sync_status import SyncStatus
from widgets.time_range import Selection, TimeRangeBar
from widgets.trend_chart import TrendCharts

__all__ = [
    "MainWindow",
    "center_on_screen",
]


class MainWindow(ReportViews, ExportActions, SyncActions, QMainWindow):
    """The dashboard window (results: :class:`ReportViews`; exports: :class:`ExportActions`;
    sync: :class:`SyncActions`)."""

    def __init__(self, controller: Controller, settings: UiSettings | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings or UiSettings()
        self.theme = self.settings.theme
        self.sources = SourcesController(controller, controller.config.path or default_config_path())
        #: Opens the Sources dialog (called with the window).
        self.add_source_hook: Callable[[QWidget], object] = self.sources.open
        self.report: Report | None = None
        self.detail_dialog: StageDetailDialog | None = None
        self.live: Any = None  # an app.controllers.live.LivePoller once attach_live() is called
        self.setWindowTitle(translate("MainWindow", "Flowdeck"))
        self.setWindowIcon(icon("flowdeck"))
        self.resize(1400, 900)

        self.banner = QLabel(self)
        self.banner.setObjectName("demoBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)  # or its text alone would make the window wider than 1000 px
        self.add_source_button = QPushButton(translate("MainWindow", "Add a source…"), self)
        self.add_source_button.clicked.connect(lambda: self.add_source_hook(self))
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
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

        self.map_view = MapPage()  # the map drawn to scale over the lead-time scatter
        self.map = self.map_view.map
        self.map.set_stream(None, "Loading…")
        self.map_hint = QLabel(
            translate(
                "MainWindow", "Click a stage (or select it with the arrow keys and press Enter) to see its items."
            )
        )
        self.map_hint.setTextFormat(Qt.TextFormat.PlainText)
        map_page = QWidget()
        map_layout = QVBoxLayout(map_page)
        map_layout.addWidget(self.map_view, 1)
        map_layout.addWidget(self.map_hint)
        self.scorecard = Scorecard()
        self.trends = TrendCharts()
        self.pipelines = PipelineBoard()
        self.comparison = ComparisonView()
        self.tabs = QTabWidget(self)
        self.trust = TrustPages(controller, self.tabs, self)
        trust_pages = [w for _n, _t, w in self.trust.pages()]
        for page, title in zip((map_page, self.scorecard, self.trends, self.pipelines, self.comparison, *trust_pages),
                               PAGE_TITLES, strict=True):  # fmt: skip
            self.tabs.addTab(page, translate("MainWindow", title))

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

        self._build_menus()
        self._wire()
        self.settings.restore_window(self)
        self.tabs.setCurrentIndex(max(0, min(self.settings.page, len(PAGES) - 1)))
        self._set_plot_theme()

    # -- construction --

    def _action(self, menu_title: str, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
        menus = getattr(self, "_menus", {})
        self._menus = menus
        if menu_title not in menus:
            menus[menu_title] = self.menuBar().addMenu(menu_title)
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menus[menu_title].addAction(action)
        return action

    def _build_menus(self) -> None:
        self._action(
            translate("MainWindow", "&File"),
            translate("MainWindow", "Export current page as PNG…"),
            self._ask_png,
            "Ctrl+E",
        )
        self._action(
            translate("MainWindow", "&File"), translate("MainWindow", "Export report as PDF…"), self._ask_pdf, "Ctrl+P"
        )
        self._action(
            translate("MainWindow", "&File"),
            translate("MainWindow", "Export selected stage's items as CSV…"),
            self._ask_stage_csv,
            "Ctrl+Shift+E",
        )
        self._action(translate("MainWindow", "&File"), translate("MainWindow", "Quit"), self.close, "Ctrl+Q")
        for i, title in enumerate(PAGE_TITLES):
            self._action(
                translate("MainWindow", "&View"), translate("MainWindow", title), self._page_slot(i), f"Ctrl+{i + 1}"
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
        self._build_sync_actions()
        self._action(
            translate("MainWindow", "&Help"), translate("MainWindow", "Keyboard shortcuts"), self.show_shortcuts, "F1"
        )
        self._action(translate("MainWindow", "&Help"), translate("MainWindow", "About Flowdeck"), self._about)

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
        c = self.controller
        c.store_ready.connect(self._store_ready)
        c.report_ready.connect(self.show_report)
        c.trends_ready.connect(self.show_trends)
        c.pipelines_ready.connect(self.show_pipelines)
        c.scatter_ready.connect(self.map_view.scatter.set_scatter)
        c.comparison_ready.connect(self.comparison.set_reports)
        c.busy_changed.connect(self.busy.setVisible)
        c.progress.connect(self.status_text.setText)
        c.error.connect(self.show_error)
        c.calendar_rejected.connect(self._calendar_rejected)
        self.controls.changed.connect(self._selection_changed)
        self.comparison.compare_requested.connect(c.compare)
        self.map.stage_activated.connect(self.open_stage)
        c.comparison_ready.connect(lambda *_: setattr(self, "_compared", True))
        self.tabs.currentChanged.connect(self._maybe_compare)
        s = c.syncer
        s.started.connect(self._sync_started)
        s.progress.connect(self.sync_status.progress)
        s.finished.connect(self._sync_finished)
        s.refused.connect(self.show_error)
        self.sync_status.cancel_requested.connect(s.cancel)
        c.config_changed.connect(self._config_changed)
        c.data_updated.connect(self._data_updated)
        self.sources.sources_changed.connect(lambda _c: self._load_sync_states())

    # -- user actions --

    def _selection_changed(self, sel: Selection) -> None:
        self.controller.request(sel)

    def recompute(self) -> None:
        """Ask the controller for the current selection."""
        self.controller.request(self.controls.selection())

    def open_stage(self, index: int) -> StageDetailDialog | None:
        """Open the items behind stage ``index`` of the shown stream."""
        stream = self.map.stream()
        if stream is None or not 0 <= index < len(stream.stages):
            return None
        if self.detail_dialog is not None:
            self.detail_dialog.close()
        stage = stream.stages[index]
        dialog = StageDetailDialog(stage, self, export_csv=self._ask_stage_csv_for)
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
        self.map.update()

    def _set_plot_theme(self) -> None:
        self.trends.set_dark(self.theme == "dark")
        self.map_view.set_dark(self.theme == "dark")

    def show_shortcuts(self) -> QDialog:
        """Help → Keyboard shortcuts."""
        return show_shortcuts(self)

    def _about(self) -> None:
        show_about(self)

    # -- lifecycle --

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember geometry and page."""
        self.settings.save_window(self)
        self.settings.page = self.tabs.currentIndex()
        self.settings.sync()
        self.controller.syncer.cancel()  # stops after the page in hand; shutdown waits for it
        super().closeEvent(event)


def center_on_screen(window: QMainWindow) -> None:
    """Place a first-run window in the middle of the primary screen."""
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        window.move(screen.availableGeometry().center() - window.rect().center())
