"""A continuous-delivery maturity view after the CAICT DevOps capability maturity model.

《研发运营一体化（DevOps）能力成熟度模型》 (China Academy of Information and Communications
Technology) grades continuous delivery from level 1 (初始级, initial) to 5 (卓越级, excellent).
Most of its items are about practice and can only be judged by people; :func:`assess_maturity`
takes the rows that *data can speak to*, shows the evidence from the store for each, and the level
that evidence supports by Flowdeck's own thresholds (docs/trust.md lists and justifies them).

It is a **self-assessment aid, not an official assessment**: the thresholds are Flowdeck's reading
of the model, the levels only say what the data supports, and the DORA tiers of the same window
are shown beside them so neither is read alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, func, select, type_coerce

from data import schema
from data.config import Config, default_stream_file, load_config
from data.i18n import N_
from data.i18n import gettext_ as _
from data.quality.scope import Scope
from data.report import build_report
from data.results import DoraResult, iso, rounded
from data.schema import from_ms, to_ms
from data.store import Store
from data.timeutil import utc_now

__all__ = ["CAVEAT", "MaturityRow", "MaturityView", "assess_maturity"]

CAVEAT = N_(
    "Self-assessment aid, not an official CAICT assessment: levels show only what the data in this "
    "store supports, by Flowdeck's thresholds (docs/trust.md)."
)
DAY_MS = 86_400_000
#: Words chosen at run time and translated where shown (marked here so extraction finds them).
_RUNTIME_WORDS = (
    N_("unknown"),
    N_("in use"),
    N_("not in use"),
    N_("deployment frequency"),
    N_("lead time for changes"),
    N_("change failure rate"),
    N_("recovery time"),
    N_("value-stream stage times"),
    N_("flow lead time"),
    N_("requirement lead time"),
)


@dataclass(frozen=True, slots=True)
class MaturityRow:
    """One row of the model that data can speak to."""

    key: str
    title: str
    title_zh: str
    #: 1..5, or None when nothing in the store speaks to the row.
    level: int | None
    #: The facts behind the level, in words.
    evidence: str
    #: Why this level and not the next (the rule that decided it).
    basis: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The row's entry in ``rows``."""
        return {
            "key": self.key,
            "title": self.title,
            "title_zh": self.title_zh,
            "level": self.level,
            "evidence": self.evidence,
            "basis": self.basis,
            "values": self.values,
        }


@dataclass(frozen=True, slots=True)
class MaturityView:
    """The maturity rows for one window, beside the DORA tiers of the same window."""

    window_from: datetime
    window_to: datetime
    as_of: datetime
    stream: str
    rows: tuple[MaturityRow, ...]
    dora: DoraResult
    caveat: str = CAVEAT

    @property
    def dora_tiers(self) -> dict[str, str | None]:
        """DORA 2023 tiers of the window (``deployment_frequency`` ...)."""
        return dict(self.dora.tiers)

    def row(self, key: str) -> MaturityRow:
        """The row named ``key`` (KeyError if unknown)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        """The ``flowdeck quality --maturity --json`` document."""
        return {
            "caveat": self.caveat,
            "window": {"from": iso(self.window_from), "to": iso(self.window_to), "as_of": iso(self.as_of)},
            "stream": self.stream,
            "rows": [r.to_json() for r in self.rows],
            "dora": self.dora.to_json(),
        }


def _first(rules: list[tuple[int, bool, str]], fallback: tuple[int, str]) -> tuple[int, str]:
    """The highest level whose rule holds (rules from 5 down), with its rule text."""
    for level, ok, text in rules:
        if ok:
            return level, text
    return fallback


def assess_maturity(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    stream: str | None = None,
    as_of: datetime | None = None,
    wall_in_use: bool | None = None,
) -> MaturityView:
    """The maturity view for ``[window_from, window_to)`` as of ``as_of`` (default min(now, to)).

    ``wall_in_use`` (known to the app, not the store) is shown as evidence for the audience row.
    """
    s = config.stream(stream)
    as_of = (as_of or min(utc_now(), window_to)).astimezone(UTC)
    report = build_report(
        store, config, window_from=window_from, window_to=window_to, as_of=as_of, stream=s.name, details=False
    )
    days = (window_to - window_from).total_seconds() / 86400
    rows = (
        _strategy(store, config, s.name, report, window_from, window_to, as_of, days),
        _quality(report, days),
        _metric_types(report),
        _collection(store, config, window_from, window_to, as_of),
        _timeliness(store, as_of),
        _audience(store, config, report, wall_in_use),
    )
    return MaturityView(
        window_from.astimezone(UTC), window_to.astimezone(UTC), as_of, s.name, rows, report.dora, caveat=_(CAVEAT)
    )


def _strategy(  # noqa: PLR0917 - the report and its window, always in this order
    store: Store, config: Config, stream: str, report: Any, f: datetime, t: datetime, as_of: datetime, days: float
) -> MaturityRow:
    dora, dl = report.dora, report.delivery
    scope = Scope(config.stream(stream), store.exclusions())
    end = min(t, as_of + timedelta(milliseconds=1))
    ok = [
        d.finished_at
        for d in scope.production(store.deployments())
        if d.status == "success" and d.finished_at is not None and f <= d.finished_at < end
    ]
    per_week: dict[tuple[int, int], set[Any]] = {}
    for when in ok:
        per_week.setdefault(when.isocalendar()[:2], set()).add(when.date())
    best_week = max((len(v) for v in per_week.values()), default=0)
    gap = dl.release_gap_median_days
    ddw = dora.deploy_days_per_week_median
    evidence = _(
        "{n} successful production deployments in {days} days; median gap {gap}; "
        "deploy days per week (median) {ddw}; daily deployment (5 deploy days in one week) {daily}"
    ).format(
        n=dora.deployments,
        days=f"{days:.0f}",
        gap="—" if gap is None else _("{0} d").format(f"{gap:.1f}"),
        ddw="—" if ddw is None else f"{ddw:g}",
        daily=_("shown") if best_week >= 5 else _("not shown"),
    )
    monthly = dora.deployments >= 1 and (
        (gap is not None and gap <= 35) or (gap is None and dora.deployments * 30 >= days)
    )
    level, basis = _first(
        [
            (5, ddw is not None and ddw >= 5, _("deploys on at least 5 days in the median week (on demand, daily)")),
            (4, gap is not None and gap <= 8, _("median gap between releases ≤ 8 days (weekly)")),
            (3, gap is not None and gap <= 16, _("median gap between releases ≤ 16 days (every two weeks)")),
            (2, monthly, _("at least monthly: median gap ≤ 35 days")),
        ],
        (1, _("fewer than one production deployment a month")),
    )
    values = {
        "deployments": dora.deployments,
        "release_gap_median_days": rounded(gap),
        "deploy_days_per_week_median": rounded(ddw),
        "max_deploy_days_in_a_week": best_week,
    }
    return MaturityRow(
        "deployment_strategy", _("Deployment strategy"), "部署策略与频率", level, evidence, basis, values
    )


def _quality(report: Any, days: float) -> MaturityRow:
    dl, dora = report.delivery, report.dora
    rate, cfr = dl.production_deployment_success_rate, dora.change_failure_rate
    n = dl.production_deployments_succeeded + dl.production_deployments_failed
    evidence = _(
        "production deployment success rate {rate} ({ok} of {n}); change failure rate {cfr}; window {days} days"
    ).format(
        rate="—" if rate is None else f"{rate * 100:.1f} %",
        ok=dl.production_deployments_succeeded,
        n=n,
        cfr="—" if cfr is None else f"{cfr * 100:.1f} %",
        days=f"{days:.0f}",
    )
    if rate is None:
        return MaturityRow(
            "deployment_quality",
            _("Deployment quality"),
            "部署质量",
            None,
            evidence,
            _("no production deployment in the window"),
            {},
        )
    c = 1.0 if cfr is None else cfr
    level, basis = _first(
        [
            (5, rate >= 1.0 and c <= 0.05 and days >= 89, _("100 % success over at least three months and CFR ≤ 5 %")),
            (4, rate >= 0.95 and c <= 0.15, _("success ≥ 95 % and CFR ≤ 15 %")),
            (3, rate >= 0.90 and c <= 0.30, _("success ≥ 90 % and CFR ≤ 30 %")),
            (2, rate >= 0.80, _("success ≥ 80 %")),
        ],
        (1, _("success below 80 %")),
    )
    return MaturityRow(
        "deployment_quality",
        _("Deployment quality"),
        "部署质量",
        level,
        evidence,
        basis,
        {"success_rate": rounded(rate), "change_failure_rate": rounded(cfr)},
    )


def _metric_types(report: Any) -> MaturityRow:
    dora, dl = report.dora, report.delivery
    outcome = {
        "deployment frequency": dora.deployments > 0,
        "lead time for changes": dora.lead_time_for_changes_median_h is not None,
        "change failure rate": dora.change_failure_rate is not None,
        "recovery time": dora.recovery_time_median_h is not None or dora.time_to_restore_median_h is not None,
    }
    st = report.streams[0] if report.streams else None
    process = {
        "value-stream stage times": st is not None and any(x.wait_total_h is not None for x in st.stages),
        "flow lead time": st is not None and st.lead_time_median_h is not None,
        "requirement lead time": dl.requirement_lead_time_median_h is not None,
    }
    n_out, n_proc = sum(outcome.values()), sum(process.values())
    linked = (
        None if dl.requirements_completed == 0 else 1 - dl.requirement_lead_time_unlinked / dl.requirements_completed
    )
    have = [_(k) for k, v in {**outcome, **process}.items() if v]
    evidence = _(
        "outcome metrics with data {n_out}/4, process metrics {n_proc}/3 ({have}); "
        "requirements linked to a production deployment {linked}"
    ).format(
        n_out=n_out,
        n_proc=n_proc,
        have=", ".join(have) or _("none"),
        linked="—" if linked is None else f"{linked * 100:.0f} %",
    )
    level, basis = _first(
        [
            (
                5,
                n_out == 4 and n_proc == 3 and linked is not None and linked >= 0.8,
                _("all outcome and process metrics, ≥ 80 % of requirements linked end to end"),
            ),
            (4, n_out == 4 and n_proc == 3, _("all four DORA keys and the process metrics have data")),
            (3, n_out >= 3, _("at least three DORA keys have data")),
            (2, n_out + n_proc >= 1, _("at least one metric has data")),
        ],
        (1, _("no metric has data")),
    )
    return MaturityRow(
        "metric_types",
        _("Metric types"),
        "度量指标类型",
        level,
        evidence,
        basis,
        {"outcome": outcome, "process": process, "requirements_linked": rounded(linked)},
    )


def _activity(store: Store) -> np.ndarray:
    """Every record instant the store knows (epoch ms), for history and continuity."""
    cols = [
        (schema.work_items, "created_at"),
        (schema.status_changes, "at"),
        (schema.changes, "created_at"),
        (schema.pipeline_runs, "queued_at"),
        (schema.deployments, "finished_at"),
    ]
    parts = []
    with store.engine.connect() as conn:
        for table, col in cols:
            c = type_coerce(table.c[col], BigInteger)
            parts.append(np.array([r[0] for r in conn.execute(select(c).where(c.is_not(None)))], dtype=np.int64))
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _collection(store: Store, config: Config, f: datetime, t: datetime, as_of: datetime) -> MaturityRow:
    a_ms = to_ms(as_of)
    instants = _activity(store)
    instants = instants[instants <= a_ms]
    if instants.size == 0:
        return MaturityRow(
            "data_collection",
            _("Data collection"),
            "数据收集",
            1,
            _("no records in the store"),
            _("no data collected"),
            {},
        )
    history_days = (a_ms - int(instants.min())) / DAY_MS
    f_ms, end = to_ms(f), min(to_ms(t), a_ms)
    weeks = max(1, (end - f_ms) // (7 * DAY_MS))
    idx = (instants[(instants >= f_ms) & (instants < f_ms + weeks * 7 * DAY_MS)] - f_ms) // (7 * DAY_MS)
    empty_weeks = int((np.bincount(idx, minlength=weeks)[:weeks] == 0).sum())
    states = store.sync_states()
    ages = {n: (a_ms - to_ms(v["last_success_at"])) / 1000 for n, v in states.items() if v.get("last_success_at")}
    recent = [n for n, age in ages.items() if 0 <= age <= 86400]
    configured = {c.name: c.interval_s for c in config.sources}
    all_fresh = bool(configured) and all(0 <= ages.get(n, 1e18) <= 3 * iv for n, iv in configured.items())
    evidence = _(
        "history {days} days; {empty} of {weeks} whole weeks in the window without records; "
        "sources synced automatically in the last day: {recent} ({configured} configured)"
    ).format(
        days=f"{history_days:.0f}",
        empty=empty_weeks,
        weeks=weeks,
        recent=", ".join(sorted(recent)) or _("none"),
        configured=len(configured),
    )
    continuous = empty_weeks == 0
    level, basis = _first(
        [
            (
                5,
                continuous and all_fresh and history_days >= 365,
                _("every configured source synced within 3 intervals, a year of history"),
            ),
            (
                4,
                continuous and bool(recent) and history_days >= 180,
                _("automated sync within the last day, 6 months of history, no empty week"),
            ),
            (3, continuous and history_days >= 90, _("3 months of history and no empty week (imported or synced)")),
            (2, True, _("records exist, but history is short or has empty weeks")),
        ],
        (1, ""),
    )
    return MaturityRow(
        "data_collection",
        _("Data collection"),
        "数据收集",
        level,
        evidence,
        basis,
        {"history_days": round(history_days, 1), "empty_weeks": empty_weeks, "synced_last_day": sorted(recent)},
    )


def _timeliness(store: Store, as_of: datetime) -> MaturityRow:
    a_ms = to_ms(as_of)
    p = schema.pipeline_runs
    latest = -1
    with store.engine.connect() as conn:
        for col in ("queued_at", "started_at", "finished_at"):
            c = type_coerce(p.c[col], BigInteger)
            v = conn.execute(select(func.max(c)).where(c <= a_ms)).scalar_one_or_none()
            latest = max(latest, -1 if v is None else int(v))
    if latest < 0:
        return MaturityRow(
            "timeliness", _("Timeliness"), "及时性", 1, _("no pipeline data"), _("no live pipeline data"), {}
        )
    age_min = (a_ms - latest) / 60_000
    synced = [v["last_success_at"] for v in store.sync_states().values() if v.get("last_success_at")]
    sync_age = min(((a_ms - to_ms(x)) / 60_000 for x in synced if to_ms(x) <= a_ms), default=None)
    evidence = _("latest pipeline event {age} min before {as_of} UTC (at {at}); last successful sync {sync}").format(
        age=f"{age_min:.0f}",
        as_of=f"{as_of:%Y-%m-%d %H:%M}",
        at=f"{from_ms(latest):%Y-%m-%d %H:%M}",
        sync=_("never") if sync_age is None else _("{0} min before").format(f"{sync_age:.0f}"),
    )
    level, basis = _first(
        [
            (
                5,
                age_min <= 5 and sync_age is not None and sync_age <= 5,
                _("live: pipeline data and a sync within 5 minutes"),
            ),
            (4, age_min <= 60, _("pipeline data under an hour old")),
            (3, age_min <= 24 * 60, _("pipeline data under a day old")),
            (2, age_min <= 7 * 24 * 60, _("pipeline data under a week old")),
        ],
        (1, _("pipeline data older than a week")),
    )
    return MaturityRow(
        "timeliness",
        _("Timeliness"),
        "及时性",
        level,
        evidence,
        basis,
        {"pipeline_data_age_min": round(age_min, 1), "sync_age_min": None if sync_age is None else round(sync_age, 1)},
    )


def _audience(store: Store, config: Config, report: Any, wall_in_use: bool | None) -> MaturityRow:
    demo_streams = load_config(default_stream_file(), fallback_streams=False).streams
    own = [s for s in config.streams if s not in demo_streams]
    trail = bool(store.exclusions()) or any(s.measure_from for s in config.streams)
    has_data = bool(report.dora.deployments or (report.streams and report.streams[0].completed))
    wall = "unknown" if wall_in_use is None else ("in use" if wall_in_use else "not in use")  # JSON keeps English
    evidence = _(
        "Flowdeck provides the team wall (flowdeck wall), the manager's dashboard and the auditor's views "
        "(report, quality, release, exclusions); {streams} value stream(s), {own} configured by you; "
        "audit trail (baseline or exclusions with reasons): {trail}; wall: {wall}"
    ).format(streams=len(config.streams), own=len(own), trail=_("yes") if trail else _("no"), wall=_(wall))
    level, basis = _first(
        [
            (5, has_data and len(own) >= 2 and trail, _("several own value streams and an audit trail")),
            (4, has_data and len(own) >= 1, _("own value stream(s) configured, shown to team, manager and auditor")),
            (3, has_data, _("team wall, manager and auditor views over real data (the shipped stream map)")),
        ],
        (2 if not has_data else 3, _("no data in the window to show")),
    )
    return MaturityRow(
        "audience",
        _("Audience"),
        "受众",
        level,
        evidence,
        basis,
        {"streams": len(config.streams), "own_streams": len(own), "audit_trail": trail, "wall": wall},
    )
