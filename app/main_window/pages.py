"""The main window's pages and what fills them: page names and titles, the shortcut table, and the
reactions to the controller's results.

:class:`ReportViews` is a mixin of :class:`app.main_window.window.MainWindow`: it fills the map, scorecard,
trends and pipelines pages from the controller's signals, shows failures above the pages and
computes the Compare page the first time it is shown. It relies on the window's ``controller``,
``controls``, ``banner``, ``banner_box``, ``error_banner``, ``notes_label``, ``status_text``, the page
widgets, ``tabs``, ``recompute`` and the :class:`app.main_window.parts.SyncActions` methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.main_window.parts import report_notes
from data.pipelines.results import PipelineStatus
from data.report.results import Report, TrendPoint
from widgets.format import fmt_local
from widgets.i18n import QT_TRANSLATE_NOOP, translate

if TYPE_CHECKING:
    from app.controllers.engine import StoreInfo

__all__ = ["PAGES", "PAGE_TITLES", "SHORTCUTS", "TRUST_PAGES", "ReportViews"]

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
#: Pages computed only while shown (app.main_window.trust_pages).
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


class ReportViews:
    """The pages filled from the controller's results (a mixin of MainWindow)."""

    controller: Any
    controls: Any
    banner: Any
    banner_box: Any
    error_banner: Any
    notes_label: Any
    status_text: Any
    map: Any
    scorecard: Any
    trends: Any
    pipelines: Any
    comparison: Any
    tabs: Any
    live: Any
    report: Report | None

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
        w: Any = self  # a MainWindow (this class is its mixin)
        w._update_sync_action()
        w._load_sync_states()
        w.recompute()
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
        w: Any = self
        poller.source_failed.connect(lambda src, msg: w.statusBar().showMessage(f"{src}: {msg}", 10_000))
        poller.source_recovered.connect(
            lambda src: w.statusBar().showMessage(
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
        w: Any = self  # a MainWindow (this class is its mixin)
        w.recompute()
