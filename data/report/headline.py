"""The home page's story: each headline figure in a baseline period and now, against its target.

:func:`build_headline` computes, for the first (or the named) stream, the bank's delivery figures
(requirement lead time, delivery time, release gap, releases per week, production deployment
success rate) and the four DORA keys

* over the **baseline** ``[baseline_from, baseline_to)``, as known at its end;
* over **now**: the period as long as the baseline that ends at ``now_to``, as of ``as_of``;
* for every ISO week from the baseline (or now, if earlier) to ``now_to``, as known at ``as_of``
  (the sparklines; as on the Trends page);

each with its DORA tier where there is one, its target (:mod:`data.report.targets`) and whether it
is met. A period's figures are exactly :func:`data.report.build.build_report`'s for that window and
``as_of`` (tested): the Compare page, computed that way, is the detail behind the home page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from data.config.model import Config, Definitions
from data.i18n import N_, gettext_
from data.materialise.cache import stream_arrays
from data.metrics.clock import clock_for, store_now
from data.metrics.flow_data import ItemFlow
from data.report.figures import check_window, dora_delivery
from data.report.results import DeliveryResult, DoraResult, Headline, HeadlineFigure, Target
from data.report.targets import headline_targets, is_met
from data.store.schema import to_ms
from data.store.store import Store
from data.timeutil import DAY_MS, week_start

__all__ = ["BASELINE_WEEKS", "DELIVERY_KEYS", "DORA_KEYS", "MAX_WEEKS", "build_headline", "default_baseline"]

#: The default baseline: the first four weeks of the data.
BASELINE_WEEKS = 4
#: At most this many weekly points (the latest ones): two years.
MAX_WEEKS = 104
#: The bank's figures, then the DORA keys, in the order the home page shows them.
DELIVERY_KEYS = (
    "requirement_lead_time",
    "delivery_time",
    "release_gap",
    "releases_per_week",
    "production_deployment_success_rate",
)
DORA_KEYS = ("deployment_frequency", "lead_time_for_changes", "change_failure_rate", "recovery_time")

Figures = tuple[DoraResult, DeliveryResult]


@dataclass(frozen=True)
class _Spec:
    """How one headline figure is read from a period's DORA and delivery figures."""

    key: str
    unit: str
    lower_is_better: bool
    get: Callable[[DoraResult, DeliveryResult], float | None]
    tier: str | None  # the DoraResult.tiers key, for a DORA key
    empty: str  # why the value is missing (marked for translation)


def _specs(dora: str) -> tuple[_Spec, ...]:
    """The nine figures; under DORA 2021 the frequency is deployments per week and recovery is time to restore."""
    if dora == "2021":
        frequency = _Spec(
            "deployment_frequency",
            "per_week",
            False,
            lambda d, _x: d.deployments_per_week,
            "deployment_frequency",
            N_("no production deployment in the period"),
        )
        recovery = _Spec(
            "time_to_restore",
            "hours",
            True,
            lambda d, _x: d.time_to_restore_median_h,
            "recovery_time",
            N_("no incident resolved in the period"),
        )
    else:
        frequency = _Spec(
            "deployment_frequency",
            "days_per_week",
            False,
            lambda d, _x: d.deploy_days_per_week_median,
            "deployment_frequency",
            N_("no production deployment in the period"),
        )
        recovery = _Spec(
            "recovery_time",
            "hours",
            True,
            lambda d, _x: d.recovery_time_median_h,
            "recovery_time",
            N_("no resolved incident linked to a deployment of the period"),
        )
    return (
        _Spec(
            "requirement_lead_time",
            "hours",
            True,
            lambda _d, x: x.requirement_lead_time_median_h,
            None,
            N_("no requirement completed in the period"),
        ),
        _Spec(
            "delivery_time",
            "hours",
            True,
            lambda _d, x: x.delivery_time_median_h,
            None,
            N_("no completed requirement had an active status"),
        ),
        _Spec(
            "release_gap",
            "days",
            True,
            lambda _d, x: x.release_gap_median_days,
            None,
            N_("no gap between two releases of one repository ended in the period"),
        ),
        _Spec(
            "releases_per_week",
            "per_week",
            False,
            lambda _d, x: x.releases_per_week,
            None,
            N_("no production deployment in the period"),
        ),
        _Spec(
            "production_deployment_success_rate",
            "share",
            False,
            lambda _d, x: x.production_deployment_success_rate,
            None,
            N_("no production deployment finished in the period"),
        ),
        frequency,
        _Spec(
            "lead_time_for_changes",
            "hours",
            True,
            lambda d, _x: d.lead_time_for_changes_median_h,
            "lead_time_for_changes",
            N_("no change was deployed to production in the period"),
        ),
        _Spec(
            "change_failure_rate",
            "share",
            True,
            lambda d, _x: d.change_failure_rate,
            "change_failure_rate",
            N_("no successful production deployment in the period"),
        ),
        recovery,
    )


def default_baseline(first: datetime, weeks: int = BASELINE_WEEKS) -> tuple[datetime, datetime]:
    """The default baseline: ``weeks`` weeks from ``first`` (the start of the data)."""
    return first, first + timedelta(weeks=weeks)


def build_headline(
    store: Store,
    config: Config,
    *,
    baseline_from: datetime,
    baseline_to: datetime,
    now_to: datetime,
    as_of: datetime | None = None,
    stream: str | None = None,
    definitions: Definitions | None = None,
) -> Headline:
    """The headline figures for a baseline and the period of the same length ending at ``now_to``.

    ``as_of`` (default: min(now, ``now_to``)) is when "now" is looked at; the baseline is seen as
    of its own end (never after ``as_of``), each week as of ``as_of``. ``stream`` None: the first stream.
    Raises ``data.config.model.ConfigError`` for an unknown stream, ``ValueError`` for an empty
    or naive period or unknown definitions.
    """
    defs = definitions or config.definitions
    check_window(baseline_from, baseline_to, defs)
    now_from = now_to - (baseline_to - baseline_from)
    check_window(now_from, now_to, defs)
    as_of = (as_of or min(store_now(store), now_to)).astimezone(UTC)
    s = config.stream(stream)
    clock = clock_for(s, defs.calendar)
    arrays = stream_arrays(store, s, clock)
    as_of_ms = to_ms(as_of)
    flows: dict[int, ItemFlow] = {}

    def period(f_ms: int, t_ms: int, *, as_known_now: bool = False) -> Figures:
        a_ms = as_of_ms if as_known_now else min(t_ms, as_of_ms)
        if a_ms not in flows:
            flows[a_ms] = arrays.flow_as_of(a_ms, clock)
        days = (t_ms - f_ms) / DAY_MS
        return dora_delivery(s, arrays, flows[a_ms], f_ms, t_ms, a_ms, days, defs, clock)

    baseline = period(to_ms(baseline_from), to_ms(baseline_to))
    now = period(to_ms(now_from), to_ms(now_to))
    span_from = min(baseline_from, now_from)
    weeks = _weeks(span_from, now_to)
    # Weeks are seen as known at ``as_of`` (as on the Trends page): one item-flow state for all of
    # them, where one per week end would cost a second on a large store.
    weekly = [
        period(max(to_ms(w), to_ms(span_from)), min(to_ms(w + timedelta(days=7)), to_ms(now_to)), as_known_now=True)
        for w in weeks
    ]
    targets = headline_targets(config.targets)
    figures = tuple(_figure(spec, baseline, now, weekly, targets) for spec in _specs(defs.dora))
    return Headline(
        baseline_from=baseline_from.astimezone(UTC),
        baseline_to=baseline_to.astimezone(UTC),
        now_from=now_from.astimezone(UTC),
        now_to=now_to.astimezone(UTC),
        as_of=as_of,
        stream=s.name,
        definitions={"median": defs.median, "dora": defs.dora, "calendar": defs.calendar},
        figures=figures,
        week_starts=tuple(weeks),
        demo=store.get_meta("demo") == "1",
    )


def _weeks(span_from: datetime, span_to: datetime) -> list[datetime]:
    """Monday 00:00 UTC of every ISO week overlapping ``[span_from, span_to)``, the latest MAX_WEEKS."""
    out: list[datetime] = []
    week = week_start(span_from)
    while week < span_to:
        out.append(week)
        week += timedelta(days=7)
    return out[-MAX_WEEKS:]


def _figure(
    spec: _Spec, baseline: Figures, now: Figures, weekly: list[Figures], targets: dict[str, Target]
) -> HeadlineFigure:
    target = targets.get(spec.key)
    b, n = spec.get(*baseline), spec.get(*now)
    b_tier = baseline[0].tiers.get(spec.tier) if spec.tier else None
    n_tier = now[0].tiers.get(spec.tier) if spec.tier else None
    return HeadlineFigure(
        key=spec.key,
        unit=spec.unit,
        lower_is_better=spec.lower_is_better,
        baseline=b,
        now=n,
        target=target,
        met=is_met(target, n, n_tier),
        baseline_met=is_met(target, b, b_tier),
        baseline_tier=b_tier,
        now_tier=n_tier,
        weekly=tuple(spec.get(*w) for w in weekly),
        baseline_reason=gettext_(spec.empty) if b is None else "",
        now_reason=gettext_(spec.empty) if n is None else "",
    )
