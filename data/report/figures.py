"""Helpers shared by the report builders of :mod:`data.report.build` and :mod:`data.report.trends`.

Window and definition checks, the ``measure_from`` lead-time filter, and the DORA and delivery
figures of one stream (METRICS.md §2, §3).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from data.config.model import Definitions, Stream
from data.i18n import N_
from data.materialise.build import StreamArrays
from data.metrics.clock import Clock
from data.metrics.delivery import release_gap_median_days, requirement_lead_times, success_rate
from data.metrics.dora import change_failure, frequency, incidents_from_failed, lead_time_parts, tier
from data.metrics.flow_data import ItemFlow
from data.metrics.flow_figures import completed_mask
from data.metrics.stats import MEDIAN_METHODS
from data.report.results import DeliveryResult, DoraResult
from data.store.schema import to_ms

__all__ = ["MISSING", "check_window", "dora_delivery", "lead_time_filter", "missing_kinds"]

#: Why a whole group of figures is empty: the kind of record behind it is not in the store (yet).
#: English msgids (``notes["missing"]`` of a report); translated where shown.
MISSING: dict[str, str] = {
    "work_items": N_("no tickets synced yet: add a Jira, GitHub or GitLab issue source"),
    "deployments": N_("no deployments synced yet: add a CI or deployment source"),
    "changes": N_("no merged pull or merge requests synced yet: add a GitHub or GitLab source"),
}


def check_window(window_from: datetime, window_to: datetime, definitions: Definitions) -> None:
    """Refuse naive or empty windows and unknown definition variants (ValueError)."""
    if window_from.tzinfo is None or window_to.tzinfo is None:
        raise ValueError("window instants must be timezone-aware (UTC inside Flowdeck)")
    if window_to <= window_from:
        raise ValueError(f"empty window: from {window_from.isoformat()} is not before to {window_to.isoformat()}")
    if definitions.median not in MEDIAN_METHODS:
        raise ValueError(f"unknown median method {definitions.median!r}")
    if definitions.dora not in ("2023", "2021"):
        raise ValueError(f"unknown DORA definition {definitions.dora!r}; expected 2023 or 2021")
    if definitions.calendar not in ("calendar", "working"):
        raise ValueError(f"unknown calendar definition {definitions.calendar!r}; expected calendar or working")


def lead_time_filter(stream: Stream, arrays: StreamArrays) -> np.ndarray | None:
    """Items created at or after the stream's ``measure_from`` (None: no cut-off, every item)."""
    if stream.measure_from is None:
        return None
    return arrays.flow_data.created_ms >= to_ms(stream.measure_from)


def missing_kinds(arrays: StreamArrays, a_ms: int) -> list[str]:
    """The keys of :data:`MISSING` whose records the stream has none of, as known at ``a_ms``.

    Known at ``a_ms``: a production deployment finished by then, a change merged by then, an item
    created by then (so a report as of a past instant says what it said then).
    """
    out = []
    if not bool((arrays.flow_data.created_ms <= a_ms).any()):
        out.append("work_items")
    if not bool((arrays.deployments.finish <= a_ms).any()):
        out.append("deployments")
    if not bool(((arrays.change_merged >= 0) & (arrays.change_merged <= a_ms)).any()):
        out.append("changes")
    return out


def dora_delivery(  # noqa: PLR0917 - parallel arrays, always passed in this order
    stream: Stream,
    arrays: StreamArrays,
    flow: ItemFlow,
    f_ms: int,
    t_ms: int,
    a_ms: int,
    days: float,
    defs: Definitions,
    clock: Clock,
) -> tuple[DoraResult, DeliveryResult]:
    """The DORA and delivery figures of one stream for the window ``[f_ms, t_ms)`` as of ``a_ms``."""
    method = defs.median
    deps = arrays.deployments
    count, per_week, days_week, days_month = frequency(deps, f_ms, t_ms, a_ms, method)
    if not bool((deps.finish <= a_ms).any()):
        # No production deployment synced (a Jira-only team): the cadence is unknown, not "0 a
        # week, tier low". With deployments elsewhere in time, an empty window is a true 0.
        per_week = days_week = days_month = None
    end = min(t_ms, a_ms + 1)
    dep = arrays.change_deployed
    sel = (dep >= f_ms) & (dep < end)
    if stream.measure_from is not None:
        sel &= arrays.change_merged >= to_ms(stream.measure_from)
    lt, parts = lead_time_parts(
        arrays.change_start,
        arrays.change_created,
        arrays.change_first_commit,
        arrays.change_first_review,
        arrays.change_merged,
        dep,
        sel,
        method,
        clock,
    )
    incidents = arrays.incidents
    if defs.incidents_from_failed_deployments:
        extra = incidents_from_failed(deps)
        incidents = type(incidents)(
            created=np.concatenate([incidents.created, extra.created]),
            resolved=np.concatenate([incidents.resolved, extra.resolved]),
            repo=np.concatenate([incidents.repo, extra.repo]),
        )
    cfr, recovery, restore = change_failure(deps, incidents, f_ms, t_ms, a_ms, method, clock)
    restore_metric = restore if defs.dora == "2021" else recovery
    dora = DoraResult(
        deployments=count,
        deployments_per_week=per_week,
        deploy_days_per_week_median=days_week,
        lead_time_for_changes_median_h=lt,
        change_failure_rate=cfr,
        recovery_time_median_h=recovery,
        time_to_restore_median_h=restore,
        tiers={
            "deployment_frequency": tier(
                "deployment_frequency",
                days_week,
                defs.dora,
                deployments_per_week=per_week,
                deploy_days_per_month=days_month,
            )
            if count or days_week is not None
            else None,
            "lead_time_for_changes": tier("lead_time_for_changes", lt, defs.dora),
            "change_failure_rate": tier("change_failure_rate", cfr, defs.dora),
            "recovery_time": tier("recovery_time", restore_metric, defs.dora),
        },
        lead_time_parts_median_h=parts,
        changes_deployed=int(sel.sum()),
    )
    rate, ok, failed = success_rate(deps, f_ms, t_ms, a_ms)
    done = completed_mask(flow, f_ms, end) & arrays.item_is_requirement
    lead_ok = lead_time_filter(stream, arrays)
    if lead_ok is not None:
        done &= lead_ok
    req, unlinked, delivery_t, n_req = requirement_lead_times(
        arrays.flow_data.created_ms,
        flow.completed_ms,
        flow.first_active_ms,
        arrays.item_deployed,
        done,
        a_ms,
        method,
        clock,
    )
    delivery = DeliveryResult(
        production_deployment_success_rate=rate,
        release_gap_median_days=release_gap_median_days(deps, f_ms, t_ms, a_ms, method),
        requirement_lead_time_median_h=req,
        requirement_lead_time_unlinked=unlinked,
        delivery_time_median_h=delivery_t,
        releases_per_week=per_week,
        production_deployments_succeeded=ok,
        production_deployments_failed=failed,
        requirements_completed=n_req,
    )
    return dora, delivery
