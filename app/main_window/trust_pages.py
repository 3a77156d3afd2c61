"""The trust pages of the main window: Data quality, Maturity, Releases (with the release report dialog).

Each page is computed on a compute worker (``Controller.submit``) only while it is shown, once per
(selection, data version): ``data.quality.assess``, ``data.maturity.build.assess_maturity`` and the list
of the stream's production deployments in the window with their release reports' counts
(``data.release.build.release_rows``). Opening a release computes
``data.release.build.release_report`` on a worker and shows it in :class:`ReleaseDialog`, with CSV
(formula cells neutralised) and PDF (every text escaped) export. All remote text is plain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.main_window.empty_states import NO_DEPLOYMENTS
from widgets.format import fmt_local
from widgets.i18n import translate
from widgets.maturity_view import MaturityPanel
from widgets.quality_view import QualityView, plain_label
from widgets.release_report import ReleaseReportView, fill_release_table, release_table

if TYPE_CHECKING:
    from app.controllers.report import Controller
    from data.records import Deployment
    from data.release.results import ReleaseReport, ReleaseRow

__all__ = ["ReleaseDialog", "TrustPages"]


class ReleaseDialog(QDialog):
    """A release report with CSV and PDF export buttons."""

    def __init__(self, report: ReleaseReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        d = report.deployment
        self.setWindowTitle(translate("TrustPages", "Release {repo}#{id}").format(repo=d.repo, id=d.id))
        self.resize(1000, 640)
        self.report = report
        self.view = ReleaseReportView(self)
        self.view.set_report(report)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.csv_button = buttons.addButton(
            translate("TrustPages", "Export CSV…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.pdf_button = buttons.addButton(
            translate("TrustPages", "Export PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.csv_button.clicked.connect(lambda: self._ask("CSV", "csv", self.export_csv))
        self.pdf_button.clicked.connect(lambda: self._ask("PDF", "pdf", self.export_pdf))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def export_csv(self, path: Path) -> int:
        """Write the report as CSV (cells a spreadsheet would run get a leading apostrophe)."""
        from app.commands.release import write_csv

        return write_csv(self.report, path)

    def export_pdf(self, path: Path) -> None:
        """Write the report as PDF (Qt's writer; remote text escaped, never interpreted)."""
        from app.commands.release import write_pdf

        write_pdf(self.report, path)

    def _ask(self, what: str, ext: str, action: Callable[[Path], object]) -> None:
        d = self.report.deployment
        safe = "".join(ch if ch.isalnum() else "-" for ch in f"{d.repo}-{d.id}").strip("-")
        name, _ = QFileDialog.getSaveFileName(
            self,
            translate("TrustPages", "Export release report as {what}").format(what=what),
            str(Path.home() / f"release-{safe}.{ext}"),
            f"{what} (*.{ext})",
        )
        if not name:
            return
        try:
            action(Path(name))
        except OSError as exc:
            self.status.setText(
                translate("TrustPages", "Cannot write {name}: {error}").format(name=name, error=exc.strerror or exc)
            )
            return
        self.status.setText(translate("TrustPages", "Saved {name}").format(name=name))


@dataclass
class _Page:
    widget: QWidget
    key: object = None  # the inputs of what is shown (or being computed)


class TrustPages(QObject):
    """Builds the three pages and fills the one on screen when its inputs changed.

    Signals:
        release_opened(ReleaseDialog): a release report dialog was opened.
        computed(str): ``quality``, ``maturity`` or ``releases`` arrived (tests and screenshots wait for it).
    """

    release_opened = Signal(object)
    computed = Signal(str)

    def __init__(self, controller: Controller, tabs: QTabWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tabs = tabs
        self.parent_widget = parent
        self.data_version = 0
        self.dialog: ReleaseDialog | None = None

        self.quality = QualityView()
        self.quality_status = plain_label(translate("TrustPages", "Computed when this page is shown."))
        self.quality_page = self._page(self.quality_status, self.quality)
        self.maturity = MaturityPanel()
        self.maturity_status = plain_label(translate("TrustPages", "Computed when this page is shown."))
        self.maturity_page = self._page(self.maturity_status, self.maturity)
        self.releases = release_table()
        self.releases.itemActivated.connect(lambda item: self.open_release(item.row()))
        self.releases_status = plain_label(translate("TrustPages", "Computed when this page is shown."))
        self.open_button = QPushButton(translate("TrustPages", "Open release report"))
        self.open_button.clicked.connect(self._open_selected)
        hint = plain_label(
            translate(
                "TrustPages",
                "Double-click a production deployment (or select it and press Enter) for its release report.",
            )
        )
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.open_button)
        self.releases_page = self._page(self.releases_status, self.releases, row)
        self.deployments: list[Deployment] = []
        self.release_rows: list[ReleaseRow] = []
        self._pages = {
            "quality": _Page(self.quality_page),
            "maturity": _Page(self.maturity_page),
            "releases": _Page(self.releases_page),
        }
        tabs.currentChanged.connect(lambda _i: self.update())
        controller.report_ready.connect(lambda _r: self.update())
        controller.data_updated.connect(lambda _t: self._bump())
        controller.config_changed.connect(lambda _c: self._bump())

    @staticmethod
    def _page(status: QLabel, body: QWidget, extra: QHBoxLayout | None = None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(status)
        layout.addWidget(body, 1)
        if extra is not None:
            layout.addLayout(extra)
        return page

    def pages(self) -> list[tuple[str, str, QWidget]]:
        """(name, tab title, widget) of each page, in tab order."""
        return [
            ("quality", translate("TrustPages", "Data quality"), self.quality_page),
            ("maturity", translate("TrustPages", "Maturity"), self.maturity_page),
            ("releases", translate("TrustPages", "Releases"), self.releases_page),
        ]

    def _bump(self) -> None:
        self.data_version += 1
        self.update()

    def _key(self, name: str) -> object:
        sel = self.controller.last_selection
        if sel is None:
            return None
        if name in ("quality", "maturity"):
            return (sel.stream, sel.window_from, sel.window_to, sel.as_of, self.data_version)
        return (sel.stream, sel.window_from, sel.window_to, self.data_version)

    def update(self) -> None:
        """Compute the page on screen if what it shows is out of date."""
        current = self.tabs.currentWidget()
        for name, page in self._pages.items():
            if page.widget is current:
                self.refresh(name)

    def refresh(self, name: str, *, force: bool = False) -> None:
        """Compute page ``name`` on a worker (unless it shows, or is computing, the same inputs)."""
        c = self.controller
        page, key = self._pages[name], self._key(name)
        sel = c.last_selection
        if key is None or c.store is None or sel is None or (key == page.key and not force):
            return
        page.key = key
        store, config = c.store, c.config
        status = {"quality": self.quality_status, "maturity": self.maturity_status}.get(name, self.releases_status)
        status.setText(translate("TrustPages", "Computing…"))

        def fn() -> object:
            if name == "quality":
                from data.quality.checks import assess

                return assess(
                    store, config, stream=sel.stream, as_of=sel.as_of, window_from=sel.window_from,
                    window_to=sel.window_to,
                )  # fmt: skip
            if name == "maturity":
                from data.maturity.build import assess_maturity

                return assess_maturity(
                    store, config, window_from=sel.window_from, window_to=sel.window_to, stream=sel.stream,
                    as_of=sel.as_of,
                )  # fmt: skip
            from data.release.build import release_rows

            return release_rows(
                store, config, window_from=sel.window_from, window_to=sel.window_to, stream=sel.stream,
                definitions=c.definitions_for(sel),
            )  # fmt: skip

        def done(value: object) -> None:
            if page.key != key:
                return  # a newer request for this page is on its way
            status.setText(
                translate("TrustPages", "Computed {when}.").format(when=fmt_local(datetime.now().astimezone()))
            )
            if name == "quality":
                self.quality.set_report(cast("Any", value))
            elif name == "maturity":
                self.maturity.set_view(cast("Any", value))
            else:
                self._show_releases(cast("list[ReleaseRow]", value))
            self.computed.emit(name)

        def failed(message: str) -> None:
            if page.key == key:
                page.key = None  # try again next time the page is shown
                status.setText(translate("TrustPages", "Could not compute: {message}").format(message=message))

        c.submit(fn, done, failed)

    def _show_releases(self, rows: list[ReleaseRow]) -> None:
        self.release_rows = rows
        self.deployments = [r.deployment for r in rows]
        deployments = self.deployments
        fill_release_table(self.releases, rows)
        self.releases_status.setText(
            translate(
                "TrustPages",
                "%n production deployment(s) finished in the selected window, newest first.",
                "",
                len(deployments),
            )
            if deployments
            else translate("TrustPages", "No production deployment finished in the selected window.")
            if self.controller.holdings.deployments
            else translate("MainWindow", NO_DEPLOYMENTS)
        )
        self.open_button.setEnabled(bool(deployments))

    def _open_selected(self) -> None:
        rows = self.releases.selectionModel().selectedRows()
        self.open_release(rows[0].row() if rows else 0)

    def open_release(self, row: int) -> None:
        """Compute the release report of the deployment in ``row`` on a worker and open it."""
        if not 0 <= row < len(self.deployments):
            return
        d = self.deployments[row]
        c = self.controller
        store, config = c.store, c.config
        assert store is not None  # the releases were listed from it
        stream = c.last_selection.stream if c.last_selection else None
        self.releases_status.setText(
            translate("TrustPages", "Building the release report of {repo}#{id}…").format(repo=d.repo, id=d.id)
        )

        def fn() -> object:
            from data.release.build import release_report

            return release_report(store, config, (d.source, d.repo, d.id), stream=stream)

        def done(value: object) -> None:
            self.releases_status.setText(
                translate("TrustPages", "Release report of {repo}#{id}.").format(repo=d.repo, id=d.id)
            )
            if self.dialog is not None:
                self.dialog.close()
            self.dialog = ReleaseDialog(cast("ReleaseReport", value), self.parent_widget)
            self.dialog.show()
            self.release_opened.emit(self.dialog)

        def failed(message: str) -> None:
            self.releases_status.setText(
                translate("TrustPages", "Could not build the release report of {repo}#{id}: {message}").format(
                    repo=d.repo, id=d.id, message=message
                )
            )

        c.submit(fn, done, failed)
