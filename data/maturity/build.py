"""A continuous-delivery maturity view after the CAICT DevOps capability maturity model.

《研发运营一体化（DevOps）能力成熟度模型》 (China Academy of Information and Communications
Technology) grades continuous delivery from level 1 (初始级, initial) to 5 (卓越级, excellent).
Most of its items are about practice and can only be judged by people; :func:`assess_maturity`
takes the rows that *data can speak to*, shows the evidence from the store for each, and the level
that evidence supports by Flowdeck's own thresholds (docs/trust.md lists and justifies them).

It is a **self-assessment aid, not an official assessment**: the thresholds are Flowdeck's reading
of the model, the levels only say what the data supports, and the DORA tiers of the same window
are shown beside them so neither is read alone.

The result types live in :mod:`data.maturity.results` (re-exported here), the rows read from the
store's own records in :mod:`data.maturity.store_rows`; the report-based rows are here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from data.config.model import Config
from data.i18n import N_
from data.i18n import gettext_ as _
from data.maturity.results import CAVEAT, MaturityRow, MaturityView, first_level
from data.maturity.store_rows import audience_row, collection_row, timeliness_row
from data.metrics.clock import store_now
from data.quality.scope import Scope
from data.report.build import build_report
from data.report.figures import MISSING
from data.report.results import rounded
from data.store import schema
from data.store.rows import deployment_from_row
from data.store.store import Store

__all__ = [
    "assess_maturity",
]

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
    as_of = (as_of or min(store_now(store), window_to)).astimezone(UTC)
    report = build_report(
        store, config, window_from=window_from, window_to=window_to, as_of=as_of, stream=s.name, details=False
    )
    days = (window_to - window_from).total_seconds() / 86400
    rows = (
        _strategy(store, config, s.name, report, window_from, window_to, as_of, days),
        _quality(report, days),
        _metric_types(report),
        collection_row(store, config, window_from, window_to, as_of),
        timeliness_row(store, as_of),
        audience_row(store, config, report, wall_in_use),
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
    ok = _successful_finishes(store, scope, f, end)
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
    level: int | None
    level, basis = first_level(
        [
            (5, ddw is not None and ddw >= 5, _("deploys on at least 5 days in the median week (on demand, daily)")),
            (4, gap is not None and gap <= 8, _("median gap between releases ≤ 8 days (weekly)")),
            (3, gap is not None and gap <= 16, _("median gap between releases ≤ 16 days (every two weeks)")),
            (2, monthly, _("at least monthly: median gap ≤ 35 days")),
        ],
        (1, _("fewer than one production deployment a month")),
    )
    if "deployments" in report.notes.get("missing", {}).get(stream, ()):
        # Nothing to judge a cadence by (a Jira-only store): no level rather than "level 1".
        level, basis = None, _(MISSING["deployments"])
    values = {
        "deployments": dora.deployments,
        "release_gap_median_days": rounded(gap),
        "deploy_days_per_week_median": rounded(ddw),
        "max_deploy_days_in_a_week": best_week,
    }
    return MaturityRow(
        "deployment_strategy", _("Deployment strategy"), "部署策略与频率", level, evidence, basis, values
    )


def _successful_finishes(store: Store, scope: Scope, f: datetime, end: datetime) -> list[datetime]:
    """Finishes of the stream's successful production deployments in ``[f, end)``.

    Only the window's successful deployments are read (by query), then filtered as
    :meth:`Scope.production` filters records: repository, environment, exclusions.
    """
    d = schema.deployments
    stmt = select(d).where(d.c.status == "success", d.c.finished_at >= f, d.c.finished_at < end)
    with store.engine.connect() as conn:
        deps = [deployment_from_row(dict(r)) for r in conn.execute(stmt).mappings()]
    return [x.finished_at for x in scope.production(deps) if x.finished_at is not None]


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
    level, basis = first_level(
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
    level, basis = first_level(
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
