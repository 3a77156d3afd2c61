"""Hand-built result objects for the GUI tests: numbers chosen so expectations can be computed by hand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from data.i18n import gettext_
from data.pipelines.results import PipelineStatus
from data.report.results import (
    DeliveryResult,
    DoraResult,
    Headline,
    HeadlineFigure,
    LeadTimeScatter,
    Report,
    StageItem,
    StageResult,
    StreamResult,
    Target,
    TrendPoint,
)

NASTY = "<b>x</b><img src=http://127.0.0.1:9/>"
STAGE_NAMES = [
    "Analysis",
    "Development",
    "Review",
    "Test",
    "Release",
    "Approval",
    "Production",
    "Security sign-off by the risk committee",
    "UAT",
    "Staging",
    "Canary",
    "Documentation",
]


def items(stage: str, n: int = 4) -> tuple[StageItem, ...]:
    """``n`` items, wait = 10·i h, active = 2·i h, key PAY-i."""
    return tuple(
        StageItem(
            source="jira",
            key=f"PAY-{i}",
            title=f"{stage} item {i}",
            url=f"https://jira.example.com/browse/PAY-{i}",
            wait_h=10.0 * i,
            active_h=2.0 * i,
            visits=1 + (i % 2),
            completed_at=datetime(2026, 3, i, 12, tzinfo=UTC),
        )
        for i in range(1, n + 1)
    )


def stage(name: str, i: int, **kw: object) -> StageResult:
    """A stage with distinct, recognisable numbers: wait 10+i h, process 2+i h."""
    base: dict[str, object] = dict(
        name=name,
        items=40 - i,
        wait_median_h=10.0 + i,
        wait_p85_h=30.0 + i,
        active_median_h=2.0 + i,
        active_p85_h=5.0 + i,
        wait_total_h=400.0 + 10 * i,
        active_total_h=80.0 + i,
        wip=3 + i,
        wip_age_median_h=12.0,
        complete_accurate=0.9,
        details=items(name),
    )
    base.update(kw)
    return StageResult(**base)  # type: ignore[arg-type]


def stream(n: int = 7, *, name: str = "All teams", bottleneck: int | None = 1) -> StreamResult:
    """A stream of ``n`` stages (names from STAGE_NAMES); stage ``bottleneck`` is the bottleneck."""
    stages = tuple(stage(STAGE_NAMES[i % len(STAGE_NAMES)], i) for i in range(n))
    return StreamResult(
        name=name,
        completed=42,
        lead_time_median_h=101.5,
        lead_time_p85_h=190.0,
        cycle_time_median_h=60.0,
        flow_efficiency=0.31,
        throughput_per_week=10.5,
        wip=17,
        bottleneck=stages[bottleneck].name if bottleneck is not None else None,
        rolled_complete_accurate=0.81,
        stages=stages,
    )


WINDOW_TO = datetime(2026, 3, 30, tzinfo=UTC)


def report(n: int = 7, *, name: str = "All teams", weeks: int = 4, lead_h: float = 101.5) -> Report:
    """A whole report around :func:`stream`."""
    s = dataclasses.replace(stream(n, name=name), lead_time_median_h=lead_h)
    return Report(
        window_from=WINDOW_TO - timedelta(weeks=weeks),
        window_to=WINDOW_TO,
        as_of=WINDOW_TO,
        definitions={"median": "interpolated", "dora": "2023", "calendar": "calendar"},
        streams=(s,),
        dora=DoraResult(
            deployments=12,
            deployments_per_week=3.0,
            deploy_days_per_week_median=2.0,
            lead_time_for_changes_median_h=30.0,
            change_failure_rate=0.083,
            recovery_time_median_h=None,
            time_to_restore_median_h=3.0,
            tiers={
                "deployment_frequency": "high",
                "lead_time_for_changes": "elite",
                "change_failure_rate": "high",
                "recovery_time": None,
            },
            changes_deployed=30,
        ),
        delivery=DeliveryResult(
            production_deployment_success_rate=1.0,
            release_gap_median_days=7.0,
            requirement_lead_time_median_h=150.0,
            requirement_lead_time_unlinked=3,
            delivery_time_median_h=200.0,
            releases_per_week=1.0,
            production_deployments_succeeded=12,
            production_deployments_failed=0,
            requirements_completed=42,
        ),
        notes={"targets": {"requirement_lead_time_days": 7.0, "production_deployment_success_rate": 1.0}, "demo": True},
    )


def trends(weeks: int = 8) -> list[TrendPoint]:
    """Weekly points: lead time falling 200 → 60 h, deployments rising."""
    start = datetime(2026, 1, 5, tzinfo=UTC)
    return [
        TrendPoint(
            week_start=start + timedelta(weeks=i),
            lead_time_median_h=200.0 - 20 * i,
            lead_time_p85_h=300.0 - 25 * i,
            deployments=i,
            deployment_success_rate=None if i == 0 else 1.0,
            flow_efficiency=0.2 + 0.02 * i,
            wip=20 - i,
            completed=10 + i,
            min_completions=5,
        )
        for i in range(weeks)
    ]


def pipelines() -> list[PipelineStatus]:
    """One of each state; the failing ones must be listed first."""
    t = datetime(2026, 3, 29, 10, tzinfo=UTC)
    return [
        PipelineStatus(
            "github",
            "mobile-app",
            "main",
            "success",
            run_id="9",
            sha="a1b2c3d4e5",
            duration_s=320,
            started_at=t,
            finished_at=t + timedelta(seconds=320),
        ),
        PipelineStatus(
            "jenkins",
            "core-banking",
            "release/2.1",
            "failed",
            run_id="77",
            sha="ffee0011",
            duration_s=900,
            started_at=t,
            finished_at=t + timedelta(minutes=15),
            broken_since=t - timedelta(hours=5),
            failing_runs=3,
            authors=("li", "wang"),
        ),
        PipelineStatus(
            "gitlab", "payments", NASTY, "running", run_id="5", sha="0badc0de", started_at=t, elapsed_s=120, eta_s=300
        ),
        PipelineStatus("cctray", "batch-jobs", None, "unknown"),
    ]


def scatter(n: int = 20, *, name: str = "All teams") -> LeadTimeScatter:
    """``n`` tickets completed one a day over the 4 weeks before WINDOW_TO, lead time 1, 2, … n days."""
    start = WINDOW_TO - timedelta(weeks=4)
    return LeadTimeScatter(
        stream=name,
        window_from=start,
        window_to=WINDOW_TO,
        total=n,
        completed_s=tuple((start + timedelta(days=i + 0.5)).timestamp() for i in range(n)),
        lead_days=tuple(float(i + 1) for i in range(n)),
        p50_days=(n + 1) / 2,
        p85_days=1 + 0.85 * (n - 1),
        p95_days=1 + 0.95 * (n - 1),
    )


def bank_stream() -> StreamResult:
    """The demo bank's 13 weeks, rounded: five ticket stages, a job stage and a deployment stage.

    Hours chosen for hand checks: Analysis waits 72 h, exactly twice Test's 36 h; Release waits
    the longest (6.4 d) and is the bottleneck; the ticket medians add up to 72 + 23 + 24.7 + 72 +
    18.5 + 23.4 + 36 + 26.5 + 153.6 + 1.5 = 451.2 h (18.8 d) beside a median lead time of 21.4 d.
    """
    rows = [
        ("Analysis", "status", 976, 72.0, 23.0, 31, 1.0),
        ("Development", "status", 949, 24.7, 72.0, 18, 0.70),
        ("Review", "status", 949, 18.5, 23.4, 16, 0.85),
        ("Test", "status", 949, 36.0, 26.5, 22, 0.98),
        ("Release", "status", 949, 153.6, 1.5, 17, 0.98),
        ("Approval", "job", 29, 0.43, 0.32, 0, None),
        ("Production", "deployment", 29, 34.9, 0.18, 0, None),
    ]
    stages = tuple(
        StageResult(
            name=name,
            kind=kind,
            items=n,
            wait_median_h=w,
            wait_p85_h=w * 2,
            active_median_h=a,
            active_p85_h=a * 2,
            wait_total_h=w * n,
            active_total_h=a * n,
            wip=wip,
            wip_age_median_h=30.0,
            complete_accurate=ca,
        )
        for name, kind, n, w, a, wip, ca in rows
    )
    return StreamResult(
        name="All teams",
        completed=976,
        lead_time_median_h=513.6,
        lead_time_p85_h=1308.0,
        cycle_time_median_h=300.0,
        flow_efficiency=0.28,
        throughput_per_week=75.0,
        wip=104,
        bottleneck="Release",
        rolled_complete_accurate=0.57,
        stages=stages,
        lead_time_mean_h=756.0,
        stage_time_mean_h=753.6,
    )


def headline(
    baseline_from: datetime = WINDOW_TO - timedelta(weeks=26),
    baseline_to: datetime = WINDOW_TO - timedelta(weeks=22),
    now_to: datetime = WINDOW_TO,
    as_of: datetime | None = None,
    *,
    dora: str = "2023",
) -> Headline:
    """The bank's story, hand-built: lead time 60 → 15 days, monthly → weekly releases, 100 % success.

    The reasons for missing values are translated as the engine's are (gettext, when built)."""
    weeks = tuple(baseline_from + timedelta(weeks=i) for i in range(round((now_to - baseline_from).days / 7)))
    n = len(weeks)

    def fall(start: float, end: float) -> tuple[float | None, ...]:
        return tuple(None if i % 9 == 3 else start + (end - start) * i / max(1, n - 1) for i in range(n))

    tier = Target("tier", tier="high")
    no_gap = gettext_("no gap between two releases of one repository ended in the period")
    no_incident = gettext_("no resolved incident linked to a deployment of the period")
    recovery = "time_to_restore" if dora == "2021" else "recovery_time"
    figures = (
        HeadlineFigure("requirement_lead_time", "hours", True, 60 * 24.0, 15 * 24.0,
                       Target("max", 168.0, source="config"), False, False, weekly=fall(1440, 360)),
        HeadlineFigure("delivery_time", "hours", True, 45 * 24.0, 13 * 24.0,
                       Target("max", 168.0, source="config"), False, False, weekly=fall(1080, 312)),
        HeadlineFigure("release_gap", "days", True, None, 7.0, Target("max", 7.0), True, None,
                       weekly=fall(28, 7), baseline_reason=no_gap),
        HeadlineFigure("releases_per_week", "per_week", False, 0.75, 3.0, Target("min", 1.0), True, False,
                       weekly=fall(1, 3)),
        HeadlineFigure("production_deployment_success_rate", "share", False, 1.0, 1.0,
                       Target("min", 1.0, source="config"), True, True, weekly=fall(0.5, 1.0)),
        HeadlineFigure("deployment_frequency", "days_per_week", False, 1.0, 3.0, tier, True, True, "high", "high",
                       weekly=fall(1, 3)),
        HeadlineFigure("lead_time_for_changes", "hours", True, 37 * 24.0, 9.3 * 24.0, tier, False, False, "low",
                       "medium", weekly=fall(900, 220)),
        HeadlineFigure("change_failure_rate", "share", True, 1 / 3, 1 / 12, tier, True, False, "low", "high",
                       weekly=fall(0.3, 0.08)),
        HeadlineFigure(recovery, "hours", True, 11.0, None, tier, None, True, "high", None,
                       weekly=fall(11, 3), now_reason=no_incident),
    )  # fmt: skip
    length = baseline_to - baseline_from
    return Headline(
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        now_from=now_to - length,
        now_to=now_to,
        as_of=as_of or now_to,
        stream="All teams",
        definitions={"median": "interpolated", "dora": dora, "calendar": "calendar"},
        figures=figures,
        week_starts=weeks,
        demo=True,
    )
