"""Exporting from the main window: a page as PNG, the dashboard as a PDF report, a stage's items as CSV.

:class:`ExportActions` is a mixin of :class:`app.main_window.window.MainWindow` holding the File menu's
export actions (Ctrl+E, Ctrl+P, Ctrl+Shift+E) and the methods tests and the CLI call directly
(``export_png``, ``export_pdf``, ``export_stage_csv``, ``page_widget``). It relies on the window's
``controller``, ``tabs``, ``trust``, ``report``, page widgets and ``show_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.documents import ExportError, save_png, write_pdf, write_stage_csv
from app.main_window.pages import PAGE_TITLES, PAGES
from data.report.results import Report, StageResult
from widgets.i18n import translate

__all__ = ["ExportActions"]


class ExportActions:
    """PNG, PDF and CSV exports (a mixin of MainWindow)."""

    controller: Any
    tabs: Any
    trust: Any
    map: Any
    scorecard: Any
    trends: Any
    pipelines: Any
    comparison: Any
    report: Report | None

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
        found: QWidget = trust[page] if page in trust else widgets[PAGES.index(page)]
        return found

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
        w: Any = self
        name, _ = QFileDialog.getSaveFileName(w, title, str(Path.home() / suggestion), pattern)
        return Path(name) if name else None

    def _report_export(self, action: Callable[[], object], path: Path) -> None:
        w: Any = self  # a MainWindow (this class is its mixin)
        try:
            action()
        except ExportError as exc:
            w.show_error(str(exc))
            return
        w.statusBar().showMessage(translate("MainWindow", "Saved {path}").format(path=path), 5000)

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
