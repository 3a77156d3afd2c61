"""The main window: layout and wiring only. Numbers come from the controller's signals.

Pages: Map (value-stream map), Scorecard, Trends, Pipelines, Compare. The window appears at once
with placeholders; the store is opened (and the demo generated) on a worker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controller import Controller, StoreInfo
from app.export import ExportError, save_png, write_pdf, write_stage_csv
from app.settings import UiSettings
from app.sources_controller import SourcesController
from app.trust_pages import TrustPages
from app.window_parts import SyncActions, apply_theme, report_notes
from data.config import default_config_path
from data.results import PipelineStatus, Report, StageResult, TrendPoint
from widgets.comparison import ComparisonView
from widgets.format import fmt_local
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.icons import icon
from widgets.pipeline_board import PipelineBoard
from widgets.scorecard import Scorecard
from widgets.stage_detail import StageDetailDialog
from widgets.sync_status import SyncStatus
from widgets.time_range import Selection, TimeRangeBar
from widgets.trend_chart import TrendCharts
from widgets.value_stream_map import ValueStreamMap

__all__ = ["PAGES", "SHORTCUTS", "TRUST_PAGES", "MainWindow", "apply_theme", "report_notes"]

PAGES = ("map", "scorecard", "trends", "pipelines", "compare", "quality", "maturity", "releases")
PAGE_TITLES = (
    QT_TRANSLATE_NOOP("MainWindow", "Map"),
    QT_TRANSLATE_NOOP("MainWindow", "Scorecard"),
    QT_TRANSLATE_NOOP("MainWindow", "Trends"),
    QT_TRANSLATE_NOOP("MainWindow", "Pipelines"),
    QT_TRANSLATE_NOOP("MainWindow", "Compare"),
    QT_TRANSLATE_NOOP("MainWindow", "Data quality"),
    QT_TRANSLATE_NOOP("MainWindow", "Maturity"),
    QT_TRANSLATE_NOOP("MainWindow", "Releases"),
)
#: Pages computed only while shown (app.trust_pages).
TRUST_PAGES = ("quality", "maturity", "releases")

#: (keys, what) — also the Help → Keyboard shortcuts table.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    (
        "Ctrl+1 … Ctrl+8",
        QT_TRANSLATE_NOOP("MainWindow", "Map, Scorecard, Trends, Pipelines, Compare, Data quality, Maturity, Releases"),
    ),
    ("Alt+1 … Alt+6", QT_TRANSLATE_NOOP("MainWindow", "Range: 2, 4, 13, 26 weeks, quarter to date, custom")),
    (
        QT_TRANSLATE_NOOP("MainWindow", "Left / Right, Home / End"),
        QT_TRANSLATE_NOOP("MainWindow", "Move between stages on the map"),
    ),
    (
        QT_TRANSLATE_NOOP("MainWindow", "Enter or Space"),
        QT_TRANSLATE_NOOP("MainWindow", "Open the items behind the selected stage"),
    ),
    ("F5", QT_TRANSLATE_NOOP("MainWindow", "Sync every source now (Esc or the status bar's Cancel stops it)")),
    ("Ctrl+R", QT_TRANSLATE_NOOP("MainWindow", "Recompute now")),
    ("Ctrl+E", QT_TRANSLATE_NOOP("MainWindow", "Export the current page as PNG")),
    ("Ctrl+P", QT_TRANSLATE_NOOP("MainWindow", "Export the dashboard as a PDF report")),
    ("Ctrl+Shift+E", QT_TRANSLATE_NOOP("MainWindow", "Export the selected stage's items as CSV")),
    ("Ctrl+D", QT_TRANSLATE_NOOP("MainWindow", "Switch between light and dark theme")),
    ("F1", QT_TRANSLATE_NOOP("MainWindow", "This list")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("MainWindow", "Quit")),
)


class MainWindow(SyncActions, QMainWindow):
    """The dashboard window."""

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
        self.live: Any = None  # an app.live.LivePoller once attach_live() is called
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

        self.map = ValueStreamMap()
        self.map.set_stream(None, "Loading…")
        map_scroll = QScrollArea()
        map_scroll.setWidgetResizable(True)
        map_scroll.setWidget(self.map)
        self.map_hint = QLabel(
            translate(
                "MainWindow", "Click a stage (or select it with the arrow keys and press Enter) to see its items."
            )
        )
        self.map_hint.setTextFormat(Qt.TextFormat.PlainText)
        map_page = QWidget()
        map_layout = QVBoxLayout(map_page)
        map_layout.addWidget(map_scroll, 1)
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

    # -- controller results --

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
        if info.first_day and info.last_day:
            self.comparison.set_data_span(info.first_day, info.last_day)
        self.status_text.setText(
            (
                translate("MainWindow", "Demo data: {url}") if info.demo else translate("MainWindow", "Store: {url}")
            ).format(url=info.url)
        )
        self._update_sync_action()
        self._load_sync_states()
        self.recompute()
        self._maybe_compare()

    def show_report(self, report: Report) -> None:
        """Fill the map and scorecard."""
        self.report = report
        self.error_banner.setVisible(False)
        stream = report.streams[0] if report.streams else None
        self.map.set_stream(stream, translate("MainWindow", "No completed items in this window"))
        self.scorecard.set_report(report)
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

    def show_trends(self, points: list[TrendPoint]) -> None:
        """Fill the trend charts."""
        self.trends.set_points(points)

    def show_pipelines(self, statuses: list[PipelineStatus]) -> None:
        """Fill the pipelines page (from the cache, for the selection's "as of")."""
        if self.live is not None and self.controls.as_of_now.isChecked():
            return  # live polling owns the page while it shows "now"
        self.pipelines.set_statuses(statuses, presorted=True)

    def attach_live(self, poller: Any, notifier: Any = None) -> None:
        """Live pipeline polling (configured sources): the pipelines page follows each poll while the
        window shows "as of now"; failing sources get an error tile; notices go to ``notifier``."""
        self.live = poller

        def view(v: Any) -> None:
            if self.controls.as_of_now.isChecked():
                self.pipelines.set_view(v)
                self.pipelines.set_source_errors({n: err for n, (_stale, err) in poller.source_health().items()})
            if notifier is not None:
                notifier.set_statuses(v.statuses)

        poller.pipelines_changed.connect(view)
        poller.source_failed.connect(lambda src, msg: self.statusBar().showMessage(f"{src}: {msg}", 10_000))
        poller.source_recovered.connect(
            lambda src: self.statusBar().showMessage(
                translate("MainWindow", "{source}: answering again").format(source=src), 5000
            )
        )
        if notifier is not None:
            poller.notices.connect(notifier.show)

    def show_error(self, message: str) -> None:
        """Show a failure above the pages (plain text) without losing what is shown."""
        self.error_banner.setText(message)
        self.error_banner.setVisible(True)
        if self.report is None:
            self.map.set_stream(None, translate("MainWindow", "Could not compute: see the message above"))

    def _maybe_compare(self, *_: object) -> None:
        """Compute the default comparison the first time the Compare page is shown (not before:
        two more reports at start-up would compete with the first one)."""
        if (
            self.tabs.currentWidget() is self.comparison
            and not getattr(self, "_compared", False)
            and self.controller.store is not None
        ):
            self._compared = True
            self.comparison.request()

    def _calendar_rejected(self, reason: str) -> None:
        self.controls.set_calendar_supported(
            False, translate("MainWindow", "Working-time calendar not available: {reason}").format(reason=reason)
        )
        self.recompute()

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

    def show_shortcuts(self) -> QDialog:
        """Help → Keyboard shortcuts."""
        dialog = QDialog(self)
        dialog.setWindowTitle(translate("MainWindow", "Keyboard shortcuts"))
        table = QTableWidget(len(SHORTCUTS), 2, dialog)
        table.setHorizontalHeaderLabels([translate("MainWindow", "Keys"), translate("MainWindow", "Does")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(translate("MainWindow", keys)))
            table.setItem(row, 1, QTableWidgetItem(translate("MainWindow", what)))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(560, 420)
        dialog.show()
        return dialog

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(translate("MainWindow", "About Flowdeck"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            translate(
                "MainWindow",
                "Flowdeck — where delivery time goes.\nA value-stream dashboard over your CI and ticket systems.",
            )
        )
        box.exec()

    # -- export --

    def current_page_widget(self) -> QWidget:
        """The widget worth exporting on the current page (the map itself, not its scroll area)."""
        i = self.tabs.currentIndex()
        return self.page_widget(PAGES[i])

    def export_png(self, path: Path, page: str | None = None) -> None:
        """Save one page (default: the current one) as PNG."""
        widget = self.current_page_widget() if page is None else self.page_widget(page)
        save_png(widget, path)

    def page_widget(self, page: str) -> QWidget:
        """The exportable widget of a page by name (``map``, ``trends``, …)."""
        trust = {name: w for name, _t, w in self.trust.pages()}
        widgets = [self.map, self.scorecard, self.trends, self.pipelines, self.comparison]
        return trust[page] if page in trust else widgets[PAGES.index(page)]

    def export_pdf(self, path: Path) -> int:
        """The dashboard as a PDF report; returns the page count."""
        demo = self.controller.info is not None and self.controller.info.demo
        pages = [
            (translate("MainWindow", title), self.page_widget(name))
            for name, title in zip(PAGES[:4], PAGE_TITLES[:4], strict=True)
        ]
        return write_pdf(
            path, self.report, pages, note=translate("MainWindow", "Demo data: synthetic, not real.") if demo else ""
        )

    def export_stage_csv(self, stage: StageResult, path: Path) -> int:
        """The items behind ``stage`` as CSV; returns the rows written."""
        return write_stage_csv(stage, path)

    def _save_name(self, title: str, suggestion: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggestion), pattern)
        return Path(name) if name else None

    def _report_export(self, action: Callable[[], object], path: Path) -> None:
        try:
            action()
        except ExportError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(translate("MainWindow", "Saved {path}").format(path=path), 5000)

    def _ask_png(self) -> None:
        path = self._save_name(
            translate("MainWindow", "Export page as PNG"),
            f"flowdeck-{PAGES[self.tabs.currentIndex()]}.png",
            "PNG (*.png)",
        )
        if path:
            self._report_export(lambda: self.export_png(path), path)

    def _ask_pdf(self) -> None:
        path = self._save_name(translate("MainWindow", "Export report as PDF"), "flowdeck-report.pdf", "PDF (*.pdf)")
        if path:
            self._report_export(lambda: self.export_pdf(path), path)

    def _ask_stage_csv(self) -> None:
        stream = self.map.stream()
        if stream is None or not stream.stages:
            return
        self._ask_stage_csv_for(stream.stages[self.map.current_stage()])

    def _ask_stage_csv_for(self, stage: StageResult) -> None:
        safe = "".join(ch if ch.isalnum() else "-" for ch in stage.name).strip("-") or "stage"
        path = self._save_name(
            translate("MainWindow", "Export stage items as CSV"), f"flowdeck-{safe}.csv", "CSV (*.csv)"
        )
        if path:
            self._report_export(lambda: self.export_stage_csv(stage, path), path)

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
