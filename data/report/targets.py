"""The target of each headline figure and whether a value meets it (pure; no store).

Two targets are the bank's own and come from ``[targets]`` in flowdeck.toml (a report carries them
in ``notes["targets"]``): requirement lead time (default ≤ 7 days) and production deployment
success rate (default 100 %). The others are Flowdeck's defaults, said as such wherever they are
shown: delivery time is held to the requirement lead-time target (it is the part of it after work
started), the release cadence to weekly releases (gap ≤ 7 days, ≥ 1 release per week), and the
four DORA keys to the "High" tier or better.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data.report.results import Target

__all__ = [
    "DEFAULT_REQUIREMENT_LEAD_TIME_DAYS",
    "DEFAULT_SUCCESS_RATE",
    "TIER_GOAL",
    "TIER_ORDER",
    "WEEKLY_GAP_DAYS",
    "WEEKLY_RELEASES",
    "headline_targets",
    "is_met",
]

DEFAULT_REQUIREMENT_LEAD_TIME_DAYS = 7.0
DEFAULT_SUCCESS_RATE = 1.0
#: Weekly releases: the cadence the bank moves to.
WEEKLY_GAP_DAYS = 7.0
WEEKLY_RELEASES = 1.0
#: The DORA tier the keys are held to, and the tiers from worst to best.
TIER_GOAL = "high"
TIER_ORDER = ("low", "medium", "high", "elite")
# A value this close to the target meets it (floating-point sums of hours and shares).
_EPS = 1e-9


def _number(raw: Any, key: str, default: float) -> tuple[float, str]:
    """(value, source) of one configured target; ``default`` when the notes do not carry it."""
    value = raw.get(key) if isinstance(raw, Mapping) else getattr(raw, key, None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), "config"
    return default, "default"


def headline_targets(configured: Any = None) -> dict[str, Target]:
    """The target of every headline figure; ``configured`` is ``report.notes["targets"]`` (a mapping)
    or a ``data.config.model.Targets``; missing entries take the defaults."""
    lead_days, lead_source = _number(configured, "requirement_lead_time_days", DEFAULT_REQUIREMENT_LEAD_TIME_DAYS)
    rate, rate_source = _number(configured, "production_deployment_success_rate", DEFAULT_SUCCESS_RATE)
    tier = Target("tier", tier=TIER_GOAL)
    return {
        "requirement_lead_time": Target("max", lead_days * 24.0, source=lead_source),
        "delivery_time": Target("max", lead_days * 24.0, source=lead_source),
        "release_gap": Target("max", WEEKLY_GAP_DAYS),
        "releases_per_week": Target("min", WEEKLY_RELEASES),
        "production_deployment_success_rate": Target("min", rate, source=rate_source),
        "deployment_frequency": tier,
        "lead_time_for_changes": tier,
        "change_failure_rate": tier,
        "recovery_time": tier,
        "time_to_restore": tier,
    }


def is_met(target: Target | None, value: float | None, tier: str | None = None) -> bool | None:
    """Whether ``value`` (or, for a tier target, ``tier``) meets ``target``; None without data or target."""
    if target is None:
        return None
    if target.kind == "tier":
        if tier not in TIER_ORDER or target.tier not in TIER_ORDER:
            return None
        return TIER_ORDER.index(tier) >= TIER_ORDER.index(target.tier)
    if value is None or target.value is None:
        return None
    if target.kind == "max":
        return value <= target.value + _EPS
    return value >= target.value - _EPS
