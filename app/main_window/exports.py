"""Exporting from the main window: a page as PNG, the dashboard as a PDF report, a stage's items as CSV.

:class:`WindowExports` is owned by :class:`app.main_window.window.MainWindow`, whose File menu calls its
``ask_*`` actions (Ctrl+E, Ctrl+P, Ctrl+Shift+E); tests and the CLI call :meth:`~WindowExports.png`,
:meth:`~WindowExports.pdf` and :meth:`~WindowExports.stage_csv` directly. It is given the pages it
exports, the tabs that say which one is current, whether the data is the demo's, and where failures go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow, QTabWidget, QWidget

from app.documents import ExportError, save_png, write_pdf, write_stage_csv
from app.main_window.future_pages import FuturePages
from app.main_window.pages import PAGE_TITLES, PAGES, ReportPages
from app.main_window.trust_pages import TrustPages
from data.report.results import StageResult
from widgets.i18n import translate

__all__ = ["WindowExports"]


class WindowExports:
    """PNG, PDF and CSV exports of the main window's pages.

    Args:
        window: the window the file dialogs belong to; its status bar says what was saved.
        tabs: the page tabs (the current one is what Ctrl+E exports).
        pages: the report pages: their widgets, the report shown, the map's selected stage.
        trust: the trust pages (their widgets).
        future: the Future state and Forecast pages (their widgets; the scenarios for the PDF).
        demo: True when the data shown is the demo's (the PDF says so).
        show_error: shows a failure above the pages.
    """

    def __init__(
        self,
        window: QMainWindow,
        tabs: QTabWidget,
        pages: ReportPages,
        trust: TrustPages,
        future: FuturePages | None = None,
        *,
        demo: Callable[[], bool],
        show_error: Callable[[str], None],
    ) -> None:
        self.window = window
        self.tabs = tabs
        self.pages = pages
        self.widgets = {**pages.exportable(), **{name: w for name, _t, w in trust.pages()}}
        self.future = future
        if future is not None:
            self.widgets.update({name: w for name, _t, w in future.pages()})
        self.demo = demo
        self.show_error = show_error

    def current_page_widget(self) -> QWidget:
        """The widget worth exporting on the current page (the map itself, not its scroll area)."""
        return self.page_widget(PAGES[self.tabs.currentIndex()])

    def page_widget(self, page: str) -> QWidget:
        """The exportable widget of a page by name (``map``, ``trends``, …)."""
        return self.widgets[page]

    def png(self, path: Path, page: str | None = None) -> None:
        """Save one page (default: the current one) as PNG."""
        widget = self.current_page_widget() if page is None else self.page_widget(page)
        save_png(widget, path)

    def pdf(self, path: Path) -> int:
        """The dashboard as a PDF report; returns the page count."""
        shown = ("home", "map", "scorecard", "trends", "pipelines")
        pages = [(translate("MainWindow", PAGE_TITLES[PAGES.index(name)]), self.page_widget(name)) for name in shown]
        if self.future is not None:
            pages += self.future.pdf_pages()
        return write_pdf(
            path,
            self.pages.report,
            pages,
            note=translate("MainWindow", "Demo data: synthetic, not real.") if self.demo() else "",
            headline=self.pages.headline,
            sections=self.future.pdf_sections() if self.future is not None else (),
        )

    def stage_csv(self, stage: StageResult, path: Path) -> int:
        """The items behind ``stage`` as CSV; returns the rows written."""
        return write_stage_csv(stage, path)

    def _save_name(self, title: str, suggestion: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.window, title, str(Path.home() / suggestion), pattern)
        return Path(name) if name else None

    def _report_export(self, action: Callable[[], object], path: Path) -> None:
        try:
            action()
        except ExportError as exc:
            self.show_error(str(exc))
            return
        self.window.statusBar().showMessage(translate("MainWindow", "Saved {path}").format(path=path), 5000)

    def ask_png(self) -> None:
        """File → Export current page as PNG… (Ctrl+E)."""
        path = self._save_name(
            translate("MainWindow", "Export page as PNG"),
            f"flowdeck-{PAGES[self.tabs.currentIndex()]}.png",
            "PNG (*.png)",
        )
        if path:
            self._report_export(lambda: self.png(path), path)

    def ask_pdf(self) -> None:
        """File → Export report as PDF… (Ctrl+P)."""
        path = self._save_name(translate("MainWindow", "Export report as PDF"), "flowdeck-report.pdf", "PDF (*.pdf)")
        if path:
            self._report_export(lambda: self.pdf(path), path)

    def ask_selected_stage_csv(self) -> None:
        """File → Export selected stage's items as CSV… (Ctrl+Shift+E): the stage selected on the map."""
        stream = self.pages.map.stream()
        if stream is None or not stream.stages:
            return
        self.ask_stage_csv(stream.stages[self.pages.map.current_stage()])

    def ask_stage_csv(self, stage: StageResult) -> None:
        """Ask where to save the items behind ``stage`` as CSV, and save them."""
        safe = "".join(ch if ch.isalnum() else "-" for ch in stage.name).strip("-") or "stage"
        path = self._save_name(
            translate("MainWindow", "Export stage items as CSV"), f"flowdeck-{safe}.csv", "CSV (*.csv)"
        )
        if path:
            self._report_export(lambda: self.stage_csv(stage, path), path)
