"""What an empty page says: which kind of source feeds it, in words (never a blank page or a wall of dashes).

A page shows its message when the store holds none of the records it is computed from *and* the
result has nothing to show; a store that has them, with nothing in the selected window, keeps the
page's own "nothing in this window" text. (The Pipelines page says it itself:
``widgets.pipeline_board``, whose board the wall shows too.) Texts keep the ``MainWindow`` context.
"""

from __future__ import annotations

from data.report.results import Report
from data.store.queries import Holdings
from widgets.i18n import QT_TRANSLATE_NOOP, translate

__all__ = [
    "NO_DEPLOYMENTS",
    "NO_TICKETS",
    "compare_message",
    "map_message",
    "scorecard_message",
    "trend_reasons",
]

NO_TICKETS = QT_TRANSLATE_NOOP("MainWindow", "No tickets synced yet: add a Jira, GitHub or GitLab issues source")
NO_DEPLOYMENTS = QT_TRANSLATE_NOOP("MainWindow", "No deployments synced yet: add a CI or deployment source")


def _report_has_tickets(report: Report) -> bool:
    return any(
        s.completed or s.wip or any(st.items or st.wip for st in s.stages if st.kind == "status")
        for s in report.streams
    )


def map_message(holdings: Holdings, report: Report) -> str | None:
    """The map's empty state: no ticket in the store and none on the map.

    Pipeline stages alone are not a value stream: a store with only deployments would show the
    configured ticket stages empty around them, so the map names the ticket source to add instead.
    """
    if holdings.tickets or _report_has_tickets(report):
        return None
    return translate("MainWindow", NO_TICKETS)


def scorecard_message(holdings: Holdings, report: Report) -> str | None:
    """The scorecard's: its DORA and delivery figures are all about deployments."""
    if holdings.deployments or report.dora.deployments or report.delivery.production_deployments_succeeded:
        return None
    return translate("MainWindow", NO_DEPLOYMENTS)


def compare_message(holdings: Holdings) -> str | None:
    """The comparison's: it compares tickets' and deployments' figures; with neither there is nothing."""
    if holdings.tickets or holdings.deployments:
        return None
    return "\n".join((translate("MainWindow", NO_TICKETS), translate("MainWindow", NO_DEPLOYMENTS)))


def trend_reasons(holdings: Holdings) -> dict[str, str]:
    """Per trend plot (``widgets.trend_chart`` keys), why it is empty when the store lacks its records."""
    reasons: dict[str, str] = {}
    if not holdings.tickets:
        reasons |= dict.fromkeys(("lead", "flow", "wip"), translate("MainWindow", NO_TICKETS))
    if not holdings.deployments:
        reasons |= dict.fromkeys(("deployments", "success"), translate("MainWindow", NO_DEPLOYMENTS))
    return reasons
