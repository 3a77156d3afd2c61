"""What-if on the value-stream map (METRICS.md §5): lead times projected with stage times scaled.

A :class:`Scenario` gives, per stage, a factor ≥ 0 for its wait and/or its active time (1 keeps
it, 0 removes it, 2 doubles it). For each item completed in the window::

    projected lead time = lead time − Σ_stages [(1 − wait factor) × its cumulative wait there
                                               + (1 − active factor) × its cumulative active time there]

(never below 0 for an item whose lead time is not negative). Over those items: the median (the
stream's method) and p85 of the projections, the flow efficiency Σ projected active /
Σ projected (active + wait), and the share of projections within the target.

The per-item per-stage times are those of the flow computation (:class:`~data.metrics.flow_data.ItemFlow`):
:func:`whatif_base` takes them once per report into a :class:`WhatIfBase`, and :func:`project`
applies one scenario to it with a matrix-vector product over the changed stages only: about a
millisecond on the whole history of the large demo, so a panel can recompute while the user types.
Factors of 1 are skipped, so all factors 1 reproduce the report's figures bit for bit.

Pipeline stages (job runs, deployments) are measured per run, not per item (docs/metrics.md
choice 7): a factor on one is accepted and listed in ``not_modelled``, and changes no item's lead
time. Pure numpy; no store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from data.metrics.flow_data import BOOL, F64, FlowData, ItemFlow
from data.metrics.stats import median, percentile, share

if TYPE_CHECKING:
    from data.metrics.clock import Clock

__all__ = [
    "PARTS",
    "Factor",
    "Projection",
    "Scenario",
    "ScenarioError",
    "WhatIfBase",
    "check_stages",
    "parse_factor",
    "parse_scenario",
    "project",
    "projected_lead_h",
    "whatif_base",
]

#: The parts of a stage a factor can scale: its queue time and its process (active) time.
PARTS = ("wait", "active")


class ScenarioError(ValueError):
    """A scenario that cannot be read or applied; the message names the piece that is wrong."""


@dataclass(frozen=True, slots=True)
class Factor:
    """One scaled part: ``stage.part = value``."""

    stage: str
    part: str  # wait | active
    value: float

    @property
    def key(self) -> str:
        """``Stage.part``, as the scenario is written."""
        return f"{self.stage}.{self.part}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """Factors in the order given; stage names as written until resolved against a stream."""

    factors: tuple[Factor, ...] = ()

    def as_dict(self) -> dict[str, float]:
        """``{"Release.wait": 0.5, ...}``."""
        return {f.key: f.value for f in self.factors}


def parse_factor(text: str, where: str) -> float:
    """A factor: a finite number ≥ 0; ScenarioError naming ``where`` otherwise."""
    t = text.strip()
    try:
        value = float(t)
    except ValueError:
        raise ScenarioError(f"what-if {where!r}: factor {t!r} is not a number") from None
    if not math.isfinite(value):
        raise ScenarioError(f"what-if {where!r}: factor {t!r} is not a finite number")
    if value < 0:
        raise ScenarioError(f"what-if {where!r}: factor {t} is negative; a factor is ≥ 0 (0 removes, 1 keeps)")
    return value


def parse_scenario(texts: Iterable[str]) -> Scenario:
    """Read ``STAGE.wait=F`` / ``STAGE.active=F`` assignments (one per text; spaces allowed around).

    The stage name is everything before the last dot (it may contain dots and spaces). Raises
    :class:`ScenarioError` naming the text for a missing ``=`` or stage, an unknown part, a factor
    that is not a finite number ≥ 0, or a part given twice. Stage names are checked later, against
    a stream (:func:`project`).
    """
    factors: list[Factor] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        lhs, eq, rhs = text.partition("=")
        stage, dot, part = lhs.strip().rpartition(".")
        stage, part = stage.strip(), part.strip()
        if not eq or not dot or not stage:
            raise ScenarioError(f"what-if {text!r}: expected STAGE.wait=FACTOR or STAGE.active=FACTOR")
        if part.lower() not in PARTS:
            raise ScenarioError(f"what-if {text!r}: unknown part {part!r}; expected wait or active")
        part = part.lower()
        key = (stage.lower(), part)
        if key in seen:
            raise ScenarioError(f"what-if {text!r}: {stage}.{part} is given twice")
        seen.add(key)
        factors.append(Factor(stage, part, parse_factor(rhs, text)))
    return Scenario(tuple(factors))


@dataclass(frozen=True, slots=True)
class Projection:
    """The projected figures of one stream under one scenario (hours; shares 0..1; None: no data).

    :class:`data.report.results.WhatIfResult` is the same, as the report carries it.
    """

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


@dataclass(frozen=True)
class WhatIfBase:
    """One stream's completed items with their per-stage times: what every scenario is applied to.

    Rows of ``lead_h``/``wait_h``/``active_h`` are the items whose lead time the report measures;
    the ``*_s`` sums are over every item completed in the window, the report's flow-efficiency
    population (they differ only under ``measure_from``).
    """

    stream: str
    stages: tuple[str, ...]  # status stages: the columns
    pipeline_stages: tuple[str, ...]
    method: str
    lead_h: F64  # (m,)
    wait_h: F64  # (m, stages)
    active_h: F64
    stage_wait_s: F64  # (stages,)
    stage_active_s: F64
    wait_total_s: float  # the report's own sums, so that factors of 1 reproduce it exactly
    active_total_s: float


def whatif_base(  # noqa: PLR0917 - the arrays, the masks, then the names, always in this order
    stream: str,
    fd: FlowData,
    flow: ItemFlow,
    done: BOOL,
    lead_ok: BOOL | None,
    clock: Clock,
    method: str,
    stages: Sequence[str],
    pipeline_stages: Sequence[str] = (),
) -> WhatIfBase:
    """The base of ``done`` (a completed-in-window mask) as :func:`~data.metrics.flow_figures.stream_figures`
    sees it: lead times of ``done & lead_ok``, flow-efficiency sums over ``done``."""
    if len(stages) != flow.wait_s.shape[1]:
        raise ValueError(f"{len(stages)} stage names for {flow.wait_s.shape[1]} status stages")
    lt_mask = done if lead_ok is None else done & lead_ok
    # The same expressions as stream_figures: the unchanged projection must be the report, exactly.
    lead_h = clock.hours(fd.created_ms[lt_mask], flow.completed_ms[lt_mask])
    wait_done = flow.wait_s[done]
    active_done = flow.active_s[done]
    active_total = float(active_done.sum())
    return WhatIfBase(
        stream=stream,
        stages=tuple(stages),
        pipeline_stages=tuple(pipeline_stages),
        method=method,
        lead_h=lead_h,
        wait_h=flow.wait_s[lt_mask] / 3600.0,
        active_h=flow.active_s[lt_mask] / 3600.0,
        stage_wait_s=wait_done.sum(axis=0),
        stage_active_s=active_done.sum(axis=0),
        wait_total_s=float(wait_done.sum()),
        active_total_s=active_total,
    )


def check_stages(scenario: Scenario, stream: str, stages: Sequence[str]) -> None:
    """ScenarioError naming the first factor whose stage ``stream`` does not have (case-insensitive)."""
    known = {n.lower() for n in stages}
    for f in scenario.factors:
        if f.stage.lower() not in known:
            listed = ", ".join(stages) or "none"
            raise ScenarioError(f"what-if {f.key}: stream {stream!r} has no stage named {f.stage!r}; stages: {listed}")


def _resolve(base: WhatIfBase, scenario: Scenario) -> tuple[F64, F64, list[tuple[str, float]], list[str]]:
    """Per-column wait and active factors, the canonical scenario, and the pipeline-stage parts."""
    check_stages(scenario, base.stream, [*base.stages, *base.pipeline_stages])
    s = len(base.stages)
    wait_f = np.ones(s)
    active_f = np.ones(s)
    status = {n.lower(): i for i, n in enumerate(base.stages)}
    pipeline = {n.lower(): n for n in base.pipeline_stages}
    canonical: list[tuple[str, float]] = []
    not_modelled: list[str] = []
    for f in scenario.factors:
        name = f.stage.lower()
        if name in status:
            i = status[name]
            (wait_f if f.part == "wait" else active_f)[i] = f.value
            canonical.append((f"{base.stages[i]}.{f.part}", f.value))
        else:
            key = f"{pipeline[name]}.{f.part}"
            canonical.append((key, f.value))
            not_modelled.append(key)
    return wait_f, active_f, canonical, not_modelled


def _within(lead_h: F64, target_h: float) -> float | None:
    return share(float(np.count_nonzero(lead_h <= target_h)), float(lead_h.size))


def _projected(base: WhatIfBase, wait_f: F64, active_f: F64) -> F64:
    """Per-item projected lead times (hours) for per-column factors."""
    cw = np.nonzero(wait_f != 1.0)[0]
    ca = np.nonzero(active_f != 1.0)[0]
    lead = base.lead_h
    if not (cw.size or ca.size):
        return lead
    # Only the changed stages take part: a factor of 1 must change nothing, not even a bit.
    cut = base.wait_h[:, cw] @ (1.0 - wait_f[cw]) + base.active_h[:, ca] @ (1.0 - active_f[ca])
    projected = lead - cut
    # Stage time beyond the lead time comes only from source clocks that disagree; a projection
    # still never goes below zero (nor above the lead time when every factor is ≤ 1).
    out: F64 = np.where((projected < 0) & (lead >= 0), 0.0, projected)
    return out


def projected_lead_h(base: WhatIfBase, scenario: Scenario) -> F64:
    """Each item's projected lead time in hours (rows of ``base``), e.g. for a histogram."""
    wait_f, active_f, _canonical, _pipeline = _resolve(base, scenario)
    return _projected(base, wait_f, active_f)


def project(base: WhatIfBase, scenario: Scenario, target_days: float) -> Projection:
    """The projected figures of ``base`` under ``scenario``, with the share within ``target_days``.

    The target compares hours with ``target_days × 24`` (the scorecard's rule; in working time
    the lead times are working hours). Raises :class:`ScenarioError` for a stage the stream does
    not have, ``ValueError`` for a target that is not a finite number > 0.
    """
    if not (math.isfinite(target_days) and target_days > 0):
        raise ValueError(f"target days must be a finite number > 0, got {target_days!r}")
    wait_f, active_f, canonical, not_modelled = _resolve(base, scenario)
    target_h = target_days * 24.0
    lead = _projected(base, wait_f, active_f)
    act, tot_wait = base.active_total_s, base.wait_total_s
    if np.any(wait_f != 1.0) or np.any(active_f != 1.0):
        # Sums of scaled stage totals: removing every wait gives exactly 0 wait.
        tot_wait = float(base.stage_wait_s @ wait_f)
        act = float(base.stage_active_s @ active_f)
    return Projection(
        scenario=tuple(canonical),
        items=int(base.lead_h.size),
        lead_time_median_h=median(lead, base.method),
        lead_time_p85_h=percentile(lead, 85),
        flow_efficiency=share(act, act + tot_wait),
        within_target_share=_within(lead, target_h),
        target_days=target_days,
        within_target_share_now=_within(base.lead_h, target_h),
        not_modelled=tuple(not_modelled),
    )
