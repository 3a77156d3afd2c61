"""One vocabulary for every figure Flowdeck shows: its name and a one-line definition.

The home page, the scorecard, the comparison, the PDF, ``flowdeck report`` and the wall all take
their names from here, so each lead time is named once and means one thing everywhere. Names and
definitions are marked with :func:`data.i18n.N_` and translated (gettext) when asked for, so the
language chosen at start-up applies; the definitions follow METRICS.md §2–3.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.i18n import N_, gettext_

__all__ = [
    "DEPLOYMENT_COUNTS",
    "KEYS",
    "SUCCESS_VS_FAILURE",
    "Term",
    "definition",
    "name",
    "note",
    "term",
]


@dataclass(frozen=True, slots=True)
class Term:
    """A figure's name and its one-line definition, in the chosen language."""

    key: str
    name: str
    definition: str


# (name, definition) in English, marked for extraction; translated in term().
_TERMS: dict[str, tuple[str, str]] = {
    "requirement_lead_time": (
        N_("Requirement lead time"),
        N_(
            "Median over the requirements completed in the period: created → the first successful production "
            "deployment that carries a linked change (created → done when no deployment is linked)."
        ),
    ),
    "delivery_time": (
        N_("Delivery time"),
        N_(
            "Like requirement lead time, but from the first active status instead of creation: "
            "work started → in production (median)."
        ),
    ),
    "lead_time_for_changes": (
        N_("Lead time for changes"),
        N_(
            "DORA key. Median over the changes (merged pull or merge requests) first deployed to production "
            "in the period: first commit → that deployment finished."
        ),
    ),
    "ticket_lead_time": (
        N_("Ticket lead time"),
        N_(
            "Median over the work items completed in the period: created → done in the ticket system, "
            "whether or not the work was deployed."
        ),
    ),
    "release_cadence": (
        N_("Release cadence"),
        N_("How often the stream releases to production: the release gap and the releases per week."),
    ),
    "release_gap": (
        N_("Release gap"),
        N_(
            "Median days between consecutive successful production deployments of the same repository, "
            "each gap counted when its later deployment finished in the period."
        ),
    ),
    "releases_per_week": (
        N_("Releases per week"),
        N_(
            "Successful production deployments finished in the period, per week: "
            "the same count as DORA's deployments per week."
        ),
    ),
    "production_deployment_success_rate": (
        N_("Production deployment success rate"),
        N_(
            "Successful ÷ all finished production deployments in the period. It counts failed deployments; "
            "incidents after a successful one count in the change failure rate."
        ),
    ),
    "deployment_frequency": (
        N_("Deployment frequency"),
        N_(
            "DORA key, judged on the deploy days per week: the median over the weeks of the days with at least "
            "one successful production deployment."
        ),
    ),
    "deployments_per_week": (
        N_("Deployments per week"),
        N_("Every successful production deployment finished in the period, per week."),
    ),
    "deploy_days_per_week": (
        N_("Deploy days per week"),
        N_("Days with at least one successful production deployment, median over the weeks of the period."),
    ),
    "change_failure_rate": (
        N_("Change failure rate"),
        N_(
            "DORA key. Successful production deployments later linked to an incident ÷ all successful "
            "production deployments in the period."
        ),
    ),
    "recovery_time": (
        N_("Failed deployment recovery time"),
        N_(
            "DORA key (2023). Median over the incidents linked to a deployment of the period: "
            "deployment finished → incident resolved."
        ),
    ),
    "time_to_restore": (
        N_("Time to restore"),
        N_("DORA key (2021). Median over the incidents resolved in the period: incident created → resolved."),
    ),
    "flow_efficiency": (
        N_("Flow efficiency"),
        N_("Time actively worked ÷ all time in the stream's stages, summed over the completed work items."),
    ),
    "throughput": (
        N_("Throughput"),
        N_("Work items completed per week."),
    ),
    "wip": (
        N_("Work in progress"),
        N_("Work items in one of the stream's stages at the end of the period."),
    ),
}

#: Every key with a name and a definition.
KEYS: tuple[str, ...] = tuple(_TERMS)

#: Why two deployment counts differ (shown beside them).
DEPLOYMENT_COUNTS = N_(
    "Deployments per week counts every successful production deployment; "
    "deploy days per week counts days with at least one."
)
#: Why a 100 % success rate and a change failure rate above 0 are no contradiction.
SUCCESS_VS_FAILURE = N_(
    "The success rate counts failed deployments; "
    "the change failure rate counts successful deployments later linked to an incident."
)


def term(key: str) -> Term:
    """The name and definition of ``key`` in the chosen language (KeyError for an unknown key)."""
    raw_name, raw_definition = _TERMS[key]
    return Term(key, gettext_(raw_name), gettext_(raw_definition))


def name(key: str) -> str:
    """The translated name of ``key``."""
    return gettext_(_TERMS[key][0])


def definition(key: str) -> str:
    """The translated one-line definition of ``key``."""
    return gettext_(_TERMS[key][1])


def note(text: str) -> str:
    """One of the explanatory notes above (:data:`DEPLOYMENT_COUNTS`, :data:`SUCCESS_VS_FAILURE`), translated."""
    return gettext_(text)
