"""Frozen result objects: what the metrics engine produces and widgets, CLI and exports consume.

Field names carry their unit (``_h`` hours, ``_s`` seconds, ``_days``, ``_per_week``); a metric
with no data is ``None`` (shown as "—", serialised as ``null``), never 0. ``Report.to_json()``
is the ``flowdeck report --json`` document of INTERFACES.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "DeliveryResult",
    "DoraResult",
    "Headline",
    "HeadlineFigure",
    "LeadTimeScatter",
    "Report",
    "StageItem",
    "StageResult",
    "StreamResult",
    "Target",
    "TrendPoint",
    "WhatIfResult",
    "iso",
    "rounded",
]


def rounded(value: float | None, digits: int = 3) -> float | None:
    """Round for the report (3 decimals), keeping None."""
    return None if value is None else round(float(value), digits)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, for JSON."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class StageItem:
    """One completed (or in-progress) item behind a stage's numbers: the drill-down row."""

    source: str
    key: str
    title: str
    url: str | None
    wait_h: float
    active_h: float
    visits: int
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage of a value-stream map (METRICS.md §1)."""

    name: str
    kind: str = "status"  # status | job | deployment
    items: int = 0
    wait_median_h: float | None = None
    wait_p85_h: float | None = None
    active_median_h: float | None = None
    active_p85_h: float | None = None
    wait_total_h: float | None = None
    active_total_h: float | None = None
    wip: int = 0
    wip_age_median_h: float | None = None
    complete_accurate: float | None = None
    #: The items behind the numbers (not in the JSON report; for drill-down and CSV export).
    details: tuple[StageItem, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The stage's entry in the report JSON."""
        return {
            "name": self.name,
            "items": self.items,
            "wait_median_h": rounded(self.wait_median_h),
            "wait_p85_h": rounded(self.wait_p85_h),
            "active_median_h": rounded(self.active_median_h),
            "active_p85_h": rounded(self.active_p85_h),
            "wait_total_h": rounded(self.wait_total_h),
            "active_total_h": rounded(self.active_total_h),
            "wip": self.wip,
            "wip_age_median_h": rounded(self.wip_age_median_h),
            "complete_accurate": rounded(self.complete_accurate),
        }


@dataclass(frozen=True, slots=True)
class StreamResult:
    """A whole value stream over a window."""

    name: str
    completed: int = 0
    lead_time_median_h: float | None = None
    lead_time_p85_h: float | None = None
    cycle_time_median_h: float | None = None
    flow_efficiency: float | None = None
    throughput_per_week: float | None = None
    wip: int = 0
    bottleneck: str | None = None
    rolled_complete_accurate: float | None = None
    stages: tuple[StageResult, ...] = ()
    #: The future-state projection (``report --what-if``, METRICS.md §5); None when not asked.
    what_if: WhatIfResult | None = None
    #: Means over the items behind the lead time (not in the JSON report; the map reconciles its
    #: ladder with them): lead time, and time spent in the status stages. Means add up where
    #: medians do not; the difference is time outside every stage.
    lead_time_mean_h: float | None = None
    stage_time_mean_h: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The stream's entry in the report JSON (``what_if`` only when a scenario was given)."""
        out: dict[str, Any] = {
            "name": self.name,
            "completed": self.completed,
            "lead_time_median_h": rounded(self.lead_time_median_h),
            "lead_time_p85_h": rounded(self.lead_time_p85_h),
            "cycle_time_median_h": rounded(self.cycle_time_median_h),
            "flow_efficiency": rounded(self.flow_efficiency),
            "throughput_per_week": rounded(self.throughput_per_week),
            "wip": self.wip,
            "bottleneck": self.bottleneck,
            "rolled_complete_accurate": rounded(self.rolled_complete_accurate),
            "stages": [s.to_json() for s in self.stages],
        }
        if self.what_if is not None:
            out["what_if"] = self.what_if.to_json()
        return out


@dataclass(frozen=True, slots=True)
class DoraResult:
    """The four DORA keys and their tiers (METRICS.md §2)."""

    deployments: int = 0
    deployments_per_week: float | None = None
    deploy_days_per_week_median: float | None = None
    lead_time_for_changes_median_h: float | None = None
    change_failure_rate: float | None = None
    recovery_time_median_h: float | None = None
    time_to_restore_median_h: float | None = None
    #: ``deployment_frequency``, ``lead_time_for_changes``, ``change_failure_rate``,
    #: ``recovery_time`` -> ``elite|high|medium|low`` or None.
    tiers: dict[str, str | None] = field(default_factory=dict)
    #: Medians of the lead-time parts: ``coding``, ``pickup``, ``review``, ``deploy`` (hours).
    lead_time_parts_median_h: dict[str, float | None] = field(default_factory=dict)
    #: Changes whose lead time was counted (the population behind the median).
    changes_deployed: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``dora`` object of the report JSON."""
        return {
            "deployments": self.deployments,
            "deployments_per_week": rounded(self.deployments_per_week),
            "deploy_days_per_week_median": rounded(self.deploy_days_per_week_median),
            "lead_time_for_changes_median_h": rounded(self.lead_time_for_changes_median_h),
            "change_failure_rate": rounded(self.change_failure_rate),
            "recovery_time_median_h": rounded(self.recovery_time_median_h),
            "time_to_restore_median_h": rounded(self.time_to_restore_median_h),
            "tiers": {
                k: self.tiers.get(k)
                for k in ("deployment_frequency", "lead_time_for_changes", "change_failure_rate", "recovery_time")
            },
        }


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The continuous-delivery figures the bank reports (METRICS.md §3)."""

    production_deployment_success_rate: float | None = None
    release_gap_median_days: float | None = None
    requirement_lead_time_median_h: float | None = None
    requirement_lead_time_unlinked: int = 0
    delivery_time_median_h: float | None = None
    #: Successful production deployments per week (release cadence).
    releases_per_week: float | None = None
    production_deployments_succeeded: int = 0
    production_deployments_failed: int = 0
    requirements_completed: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``delivery`` object of the report JSON."""
        return {
            "production_deployment_success_rate": rounded(self.production_deployment_success_rate),
            "release_gap_median_days": rounded(self.release_gap_median_days),
            "requirement_lead_time_median_h": rounded(self.requirement_lead_time_median_h),
            "requirement_lead_time_unlinked": self.requirement_lead_time_unlinked,
            "delivery_time_median_h": rounded(self.delivery_time_median_h),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Everything computed for one window (``[from, to)``) and ``as_of`` instant."""

    window_from: datetime
    window_to: datetime
    as_of: datetime
    definitions: dict[str, str]
    streams: tuple[StreamResult, ...] = ()
    dora: DoraResult = DoraResult()
    delivery: DeliveryResult = DeliveryResult()
    #: Facts a reader needs to trust the numbers (targets, baseline, exclusions, demo flag).
    notes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``flowdeck report --json`` document (INTERFACES.md)."""
        return {
            "window": {"from": iso(self.window_from), "to": iso(self.window_to), "as_of": iso(self.as_of)},
            "definitions": dict(self.definitions),
            "streams": [s.to_json() for s in self.streams],
            "dora": self.dora.to_json(),
            "delivery": self.delivery.to_json(),
        }


@dataclass(frozen=True, slots=True)
class LeadTimeScatter:
    """The completed items of one stream over a window: when each was completed and its lead time.

    ActionableAgile's cycle-time scatter plot. ``completed_s`` and ``lead_days`` are parallel (epoch
    seconds UTC, days of 24 hours measured with the stream's clock) and hold at most the requested
    number of points: items that would land on the same spot of the chart are drawn once
    (``total`` says how many there are). The percentiles are of every item, not of the points.
    """

    stream: str
    window_from: datetime
    window_to: datetime
    #: Items completed in the window with a lead time (``measure_from`` applies).
    total: int = 0
    completed_s: tuple[float, ...] = ()
    lead_days: tuple[float, ...] = ()
    #: Lead time percentiles over all ``total`` items, days: the median by the report's method
    #: (equal to the map's lead time), p85 and p95 linearly interpolated.
    p50_days: float | None = None
    p85_days: float | None = None
    p95_days: float | None = None

    @property
    def shown(self) -> int:
        """How many points are drawn."""
        return len(self.lead_days)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of the trend charts (week starts Monday 00:00 UTC)."""

    week_start: datetime
    lead_time_median_h: float | None = None
    lead_time_p85_h: float | None = None
    deployments: int = 0
    deployment_success_rate: float | None = None
    flow_efficiency: float | None = None
    wip: int = 0
    #: Items completed in the week. Below ``min_completions`` the lead times and flow efficiency
    #: are None: a median of two items is noise, drawn as a gap rather than a real value.
    completed: int = 0
    min_completions: int = 1

    @property
    def too_few(self) -> bool:
        """Some items completed, but fewer than the threshold (the week's completion figures are None)."""
        return 0 < self.completed < self.min_completions


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """The projected figures of one stream under one scenario (hours; shares 0..1; None: no data) (METRICS.md §5)."""

    #: ``(Stage.part, factor)`` in the order given, stage names as configured.
    scenario: tuple[tuple[str, float], ...]
    #: Items whose lead time is projected (completed in the window and measured).
    items: int
    lead_time_median_h: float | None
    lead_time_p85_h: float | None
    flow_efficiency: float | None
    within_target_share: float | None
    target_days: float
    #: The same share today (all factors 1), for a before/after view.
    within_target_share_now: float | None = None
    #: Scenario parts on pipeline stages: measured per run, not per item, so they move no item.
    not_modelled: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``what_if`` object of a stream in the report JSON (INTERFACES.md)."""
        r = rounded
        return {
            "scenario": dict(self.scenario),
            "items": self.items,
            "lead_time_median_h": r(self.lead_time_median_h),
            "lead_time_p85_h": r(self.lead_time_p85_h),
            "flow_efficiency": r(self.flow_efficiency),
            "within_target_share": r(self.within_target_share),
            "target_days": self.target_days,
            "within_target_share_now": r(self.within_target_share_now),
            "not_modelled": list(self.not_modelled),
        }


@dataclass(frozen=True, slots=True)
class Target:
    """What a headline figure should reach (``data.report.targets``).

    ``kind`` is ``max`` (at most ``value``), ``min`` (at least ``value``) or ``tier`` (DORA tier
    ``tier`` or better); ``value`` is in the figure's unit. ``source`` says where it comes from:
    ``config`` (``[targets]`` in flowdeck.toml) or ``default`` (Flowdeck's, named in docs/app.md).
    """

    kind: str
    value: float | None = None
    tier: str | None = None
    source: str = "default"

    def to_json(self) -> dict[str, Any]:
        """The target in the headline JSON."""
        return {"kind": self.kind, "value": rounded(self.value), "tier": self.tier, "source": self.source}


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    """One figure of the home page: its value in the baseline and now, the target, the weekly points.

    ``unit`` is ``hours``, ``days``, ``per_week``, ``share`` or ``days_per_week``. ``met`` judges
    ``now`` against ``target`` (None: no target or no data); a DORA key also has its tiers. An
    empty value comes with a reason (``baseline_reason``, ``now_reason``) in the chosen language.
    """

    key: str
    unit: str
    lower_is_better: bool
    baseline: float | None = None
    now: float | None = None
    target: Target | None = None
    met: bool | None = None
    baseline_met: bool | None = None
    baseline_tier: str | None = None
    now_tier: str | None = None
    #: One value per week of :attr:`Headline.week_starts` (None: no data that week).
    weekly: tuple[float | None, ...] = ()
    baseline_reason: str = ""
    now_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The figure in the headline JSON."""
        return {
            "key": self.key,
            "unit": self.unit,
            "baseline": rounded(self.baseline),
            "now": rounded(self.now),
            "target": self.target.to_json() if self.target else None,
            "met": self.met,
            "baseline_tier": self.baseline_tier,
            "now_tier": self.now_tier,
            "weekly": [rounded(v) for v in self.weekly],
        }


@dataclass(frozen=True, slots=True)
class Headline:
    """The story on the home page: each headline figure in a baseline period and now, with targets.

    "Now" is the period as long as the baseline that ends at ``now_to``; the weekly points run
    from the week of ``baseline_from`` (or of ``now_from`` if earlier) to ``now_to``, one per ISO
    week (Monday 00:00 UTC), each clipped to that span.
    """

    baseline_from: datetime
    baseline_to: datetime
    now_from: datetime
    now_to: datetime
    as_of: datetime
    stream: str
    definitions: dict[str, str]
    figures: tuple[HeadlineFigure, ...] = ()
    week_starts: tuple[datetime, ...] = ()
    demo: bool = False

    def figure(self, key: str) -> HeadlineFigure | None:
        """The figure called ``key`` (``requirement_lead_time``, …), or None."""
        return next((f for f in self.figures if f.key == key), None)

    def to_json(self) -> dict[str, Any]:
        """The headline as JSON (UTC instants, figures in their units)."""
        return {
            "baseline": {"from": iso(self.baseline_from), "to": iso(self.baseline_to)},
            "now": {"from": iso(self.now_from), "to": iso(self.now_to), "as_of": iso(self.as_of)},
            "stream": self.stream,
            "definitions": dict(self.definitions),
            "week_starts": [iso(w) for w in self.week_starts],
            "figures": [f.to_json() for f in self.figures],
        }
