"""The main window's pages and what fills them: page names and titles, the shortcut table, the
report's caveats line, and :class:`ReportPages`, the six report pages (Home first).

:class:`ReportPages` is owned by :class:`app.main_window.window.MainWindow` (which lays the pages out
in its tabs, next to :class:`app.main_window.trust_pages.TrustPages`). Like the trust pages it is
given the controller whose results fill it and the tabs that say which page is shown; it also gets
the "as of now" switch, which decides whether live polling or the cache fills the Pipelines page.
Texts keep the ``MainWindow`` context.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.main_window.empty_states import compare_message, map_message, scorecard_message, trend_reasons
from data.pipelines.results import PipelineStatus
from data.report.results import Headline, Report
from widgets.comparison import ComparisonView
from widgets.empty_state import EmptyState
from widgets.home import HomePage
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.map_page import MapPage
from widgets.pipeline_board import PipelineBoard
from widgets.scorecard import Scorecard
from widgets.trend_chart import TrendCharts

if TYPE_CHECKING:
    from app.controllers.live import LivePoller
    from app.controllers.notify import Notifier
    from app.controllers.report import Controller
    from data.pipelines.status import PipelineView

__all__ = ["FUTURE_PAGES", "PAGES", "PAGE_TITLES", "SHORTCUTS", "TRUST_PAGES", "ReportPages", "report_notes"]

PAGES = (
    "home",
    "map",
    "scorecard",
    "trends",
    "pipelines",
    "compare",
    "quality",
    "maturity",
    "releases",
    "future",
    "forecast",
)
PAGE_TITLES = (
    QT_TRANSLATE_NOOP("MainWindow", "Home"),
    QT_TRANSLATE_NOOP("MainWindow", "Map"),
    QT_TRANSLATE_NOOP("MainWindow", "Scorecard"),
    QT_TRANSLATE_NOOP("MainWindow", "Trends"),
    QT_TRANSLATE_NOOP("MainWindow", "Pipelines"),
    QT_TRANSLATE_NOOP("MainWindow", "Compare"),
    QT_TRANSLATE_NOOP("MainWindow", "Data quality"),
    QT_TRANSLATE_NOOP("MainWindow", "Maturity"),
    QT_TRANSLATE_NOOP("MainWindow", "Releases"),
    QT_TRANSLATE_NOOP("MainWindow", "Future state"),
    QT_TRANSLATE_NOOP("MainWindow", "Forecast"),
)
#: Pages computed only while shown (app.main_window.trust_pages).
TRUST_PAGES = ("quality", "maturity", "releases")
#: The future-state map and the forecasts, also computed while shown (app.main_window.future_pages).
FUTURE_PAGES = ("future", "forecast")

#: (keys, what) — also the Help → Keyboard shortcuts table.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    (
        "Ctrl+1 … Ctrl+9, Ctrl+0",
        QT_TRANSLATE_NOOP(
            "MainWindow",
            "Home, Map, Scorecard, Trends, Pipelines, Compare, Data quality, Maturity, Releases, Future state",
        ),
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


class ReportPages:
    """Home, Map, Scorecard, Trends, Pipelines and Compare: built here, filled from the controller's results.

    Home tells the story since a baseline (the controller's headline); its "Compare in detail…"
    opens Compare on the same two periods, and its baseline goes to the controller.

    The Pipelines page shows the states cached for the selection's "as of"; once live polling is
    attached (:meth:`follow_live`) it follows every poll while the window shows "as of now". The
    Compare page is computed the first time it is shown.
    """

    def __init__(self, controller: Controller, tabs: QTabWidget, as_of_now: QCheckBox) -> None:
        self.controller = controller
        self.tabs = tabs
        self.as_of_now = as_of_now
        # The report on the map and the scorecard (None until the first one arrives).
        self.report: Report | None = None
        self.live: LivePoller | None = None
        self.compared = False
        # The home page's figures (None until the first arrive).
        self.headline: Headline | None = None

        self.home = HomePage()

        self.map_view = MapPage()  # the map drawn to scale over the lead-time scatter
        self.map = self.map_view.map
        self.map.set_stream(None, "Loading…")
        self.map_hint = QLabel(
            translate(
                "MainWindow", "Click a stage (or select it with the arrow keys and press Enter) to see its items."
            )
        )
        self.map_hint.setTextFormat(Qt.TextFormat.PlainText)
        # The map's future-state mode is a page of its own (app.main_window.future_pages): one click away.
        self.future_button = QPushButton(translate("MainWindow", "Future state…"))
        self.future_button.clicked.connect(lambda: tabs.setCurrentIndex(PAGES.index("future")))
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.map_hint, 1)
        hint_row.addWidget(self.future_button)
        self.map_page = QWidget()
        map_layout = QVBoxLayout(self.map_page)
        map_layout.addWidget(self.map_view, 1)
        map_layout.addLayout(hint_row)
        self.scorecard = Scorecard()
        self.trends = TrendCharts()
        self.pipelines = PipelineBoard()
        self.comparison = ComparisonView()
        # Standing in for a page with nothing to show: which source to add (app.main_window.empty_states).
        self.scorecard_page, self.comparison_page = EmptyState(self.scorecard), EmptyState(self.comparison)

        controller.trends_ready.connect(self.trends.set_points)
        controller.pipelines_ready.connect(self.show_pipelines)
        controller.scatter_ready.connect(self.map_view.scatter.set_scatter)
        controller.comparison_ready.connect(self._show_comparison)
        controller.headline_ready.connect(self.show_headline)
        self.comparison.compare_requested.connect(controller.compare)
        self.home.baseline_changed.connect(controller.set_baseline)
        self.home.compare_requested.connect(self.compare_periods)
        tabs.currentChanged.connect(self.maybe_compare)

    def tab_pages(self) -> list[QWidget]:
        """The six pages in tab order (the map in its scroll area, with its hint)."""
        return [self.home, self.map_page, self.scorecard_page, self.trends, self.pipelines, self.comparison_page]

    def exportable(self) -> dict[str, QWidget]:
        """Page name -> the widget worth exporting (the map, home and scorecard contents, not their scroll areas)."""
        home = self.home.scroll_area.widget() or self.home
        widgets = (home, self.map, self.scorecard.content, self.trends, self.pipelines, self.comparison)
        return dict(zip(PAGES[: len(widgets)], widgets, strict=True))

    def show_report(self, report: Report) -> None:
        """Fill the map and the scorecard."""
        self.report = report
        stream = report.streams[0] if report.streams else None
        holdings = self.controller.holdings
        no_tickets = map_message(holdings, report)
        self.map.set_stream(
            None if no_tickets else stream, no_tickets or translate("MainWindow", "No completed items in this window")
        )
        self.map_view.scatter.setVisible(not no_tickets)
        self.map_hint.setVisible(not no_tickets)
        self.scorecard.set_report(report)
        self.scorecard_page.show_message(scorecard_message(holdings, report))
        self.comparison_page.show_message(compare_message(holdings))
        self.trends.set_empty_reasons(trend_reasons(holdings))

    def show_headline(self, headline: Headline | None) -> None:
        """Fill the home page."""
        self.headline = headline
        self.home.set_headline(headline)

    def compare_periods(self, before: tuple[datetime, datetime], after: tuple[datetime, datetime]) -> None:
        """Show the Compare page on two periods (Home's "Compare in detail…")."""
        self.compared = True  # no default comparison on the way: these periods are the ones asked for
        self.tabs.setCurrentWidget(self.comparison_page)
        self.comparison.set_periods(before, after)

    def show_failure(self) -> None:
        """Before the first report: say on the map that it could not be computed (a report shown stays)."""
        if self.report is None:
            self.map.set_stream(None, translate("MainWindow", "Could not compute: see the message above"))

    def show_pipelines(self, statuses: list[PipelineStatus]) -> None:
        """Fill the pipelines page (from the cache, for the selection's "as of")."""
        if self.live is not None and self.as_of_now.isChecked():
            return  # live polling owns the page while it shows "now"
        self.pipelines.set_statuses(statuses, presorted=True)

    def follow_live(self, poller: LivePoller, notifier: Notifier | None = None) -> None:
        """The pipelines page follows each poll while "as of now" is on; failing sources get an error
        tile; the pipeline states also go to ``notifier`` (tray), and its notices."""
        self.live = poller

        def view(v: PipelineView) -> None:
            if self.as_of_now.isChecked():
                self.pipelines.set_view(v)
                self.pipelines.set_source_errors({n: err for n, (_stale, err) in poller.source_health().items()})
            if notifier is not None:
                notifier.set_statuses(v.statuses)

        poller.pipelines_changed.connect(view)
        if notifier is not None:
            poller.notices.connect(notifier.show)

    def maybe_compare(self, *_: object) -> None:
        """Compute the default comparison the first time the Compare page is shown (not before:
        two more reports at start-up would compete with the first one)."""
        if (
            self.tabs.currentWidget() is self.comparison_page
            and not self.compared
            and self.controller.store is not None
        ):
            self.compared = True
            self.comparison.request()

    def _show_comparison(self, before: Report, after: Report) -> None:
        self.comparison.set_reports(before, after)
        self.compared = True
