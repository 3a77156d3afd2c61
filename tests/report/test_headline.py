"""data/report/headline.py on a small store: baseline and now figures computed by hand.

Hours are counted from T0 (Monday 2026-03-02 00:00 UTC). Baseline = weeks 1–2 [0 h, 336 h);
now = weeks 5–6 [672 h, 1008 h) (as long as the baseline, ending at 1008 h).

Baseline: deployments d1 ✓ 72 h, f1 ✗ 200 h, d2 ✓ 312 h; changes c1 (first commit 12 h, merged
40 h, shipped by d1) and c2 (250 h → 290 h, shipped by d2); incident i1 created 100 h (links to
d1), resolved 110 h; items A-1 (created 0, active 24, done 48, linked to c1 → d1 at 72 h) and
A-2 (created 100, active 150, done 200, not linked).
Now: d3 ✓ 700 h (c3: 650 → 690), d4 ✓ 724 h, d5 ✓ 868 h (c4: 860 → 864); items B-1 (600, 650,
690, linked to c3 → 700 h) and B-2 (800, 820, 850, linked to c4 → 868 h); no incident.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from data import i18n
from data.config.model import Config
from data.config.parse import parse_config
from data.materialise import cache
from data.records import Change, Deployment, Incident, StatusChange, WorkItem
from data.report import vocabulary
from data.report.build import build_report
from data.report.headline import DELIVERY_KEYS, DORA_KEYS, build_headline, default_baseline
from data.report.results import Target
from data.report.targets import headline_targets, is_met
from data.store.store import Store
from tests.helpers.metrics import T0, h

STREAM = {
    "name": "App",
    "production": "^prod$",
    "done": ["Done"],
    "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
}


def config(**targets: float) -> Config:
    return parse_config({"streams": [STREAM], "targets": targets}, "test.toml")


def item(key: str, created: float, active: float, done: float) -> list[object]:
    return [
        WorkItem("jira", key, f"{key} work", h(created), type="Story"),
        StatusChange("jira", key, h(created), None, "To Do"),
        StatusChange("jira", key, h(active), "To Do", "In Progress"),
        StatusChange("jira", key, h(done), "In Progress", "Done"),
    ]


def change(n: int, key: str | None, first: float, merged: float) -> Change:
    return Change(
        "github",
        "bank/app",
        str(n),
        f"{key or 'chore'} change {n}",
        h(first),
        branch=f"feature/{key or 'chore'}",
        first_commit_at=h(first),
        merged_at=h(merged),
        merge_sha=f"m{n}",
        base="main",
    )


def deploy(name: str, status: str, finished: float, sha: str | None = None) -> Deployment:
    return Deployment(
        "jenkins",
        "bank/app",
        name,
        "prod",
        status,
        sha=sha,
        ref="main",
        started_at=h(finished - 1),
        finished_at=h(finished),
    )


RECORDS = [
    *item("A-1", 0, 24, 48),
    *item("A-2", 100, 150, 200),
    *item("B-1", 600, 650, 690),
    *item("B-2", 800, 820, 850),
    change(1, "A-1", 12, 40),
    change(2, None, 250, 290),
    change(3, "B-1", 650, 690),
    change(4, "B-2", 860, 864),
    deploy("d1", "success", 72, "m1"),
    deploy("f1", "failure", 200),
    deploy("d2", "success", 312, "m2"),
    deploy("d3", "success", 700, "m3"),
    deploy("d4", "success", 724),
    deploy("d5", "success", 868, "m4"),
    Incident("jira", "INC-1", h(100), repo="bank/app", resolved_at=h(110)),
]
BASELINE = {"baseline_from": T0, "baseline_to": h(336)}
NOW_TO = h(1008)


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(RECORDS)
        yield s
    cache.clear_memory()


def test_baseline_and_now_hand_computed(store: Store) -> None:
    head = build_headline(store, config(), **BASELINE, now_to=NOW_TO, as_of=NOW_TO)
    assert (head.now_from, head.now_to) == (h(672), h(1008))
    assert head.stream == "App" and head.definitions["dora"] == "2023"
    assert [f.key for f in head.figures] == [*DELIVERY_KEYS, *DORA_KEYS]
    f = {x.key: x for x in head.figures}
    # Requirement lead time: A-1 0 → 72 h (deployed), A-2 100 → 200 h (unlinked: done); B-1 600 → 700,
    # B-2 800 → 868.
    assert (f["requirement_lead_time"].baseline, f["requirement_lead_time"].now) == ((72 + 100) / 2, (100 + 68) / 2)
    # Delivery time: A-1 24 → 72, A-2 150 → 200; B-1 650 → 700, B-2 820 → 868.
    assert (f["delivery_time"].baseline, f["delivery_time"].now) == ((48 + 50) / 2, (50 + 48) / 2)
    # Release gap: d1 → d2 = 240 h; now: d2 → d3 388 h, d3 → d4 24 h, d4 → d5 144 h: median 144 h.
    assert f["release_gap"].baseline == pytest.approx(10.0)
    assert f["release_gap"].now == pytest.approx(6.0)
    assert (f["releases_per_week"].baseline, f["releases_per_week"].now) == (1.0, 1.5)
    assert f["production_deployment_success_rate"].baseline == pytest.approx(2 / 3)
    assert f["production_deployment_success_rate"].now == 1.0
    # Deploy days per week: 1 and 1 in the baseline; 2 (days 29, 30) and 1 (day 36) now.
    assert (f["deployment_frequency"].baseline, f["deployment_frequency"].now) == (1.0, 1.5)
    assert f["deployment_frequency"].unit == "days_per_week"
    # Lead time for changes: c1 12 → 72 = 60 h, c2 250 → 312 = 62 h; c3 650 → 700 = 50 h, c4 860 → 868 = 8 h.
    assert (f["lead_time_for_changes"].baseline, f["lead_time_for_changes"].now) == (61.0, 29.0)
    # INC-1 follows d1: 1 of 2 successful baseline deployments failed; none of the 3 now.
    assert (f["change_failure_rate"].baseline, f["change_failure_rate"].now) == (0.5, 0.0)
    assert f["recovery_time"].baseline == 38.0  # d1 finished 72 h → resolved 110 h
    assert f["recovery_time"].now is None
    assert "incident" in f["recovery_time"].now_reason and f["recovery_time"].baseline_reason == ""
    # Tiers (2023): 1.0 and 1.5 deploy days/week high; 61 h and 29 h high; CFR 50 % low, 0 % elite; 38 h medium.
    assert (f["deployment_frequency"].baseline_tier, f["deployment_frequency"].now_tier) == ("high", "high")
    assert (f["lead_time_for_changes"].baseline_tier, f["lead_time_for_changes"].now_tier) == ("high", "high")
    assert (f["change_failure_rate"].baseline_tier, f["change_failure_rate"].now_tier) == ("low", "elite")
    assert (f["recovery_time"].baseline_tier, f["recovery_time"].now_tier) == ("medium", None)


def test_targets_and_whether_they_are_met(store: Store) -> None:
    # Requirement lead time target 3.5 days = 84 h: now (84 h) meets it exactly, the baseline (86 h) not.
    head = build_headline(store, config(requirement_lead_time_days=3.5), **BASELINE, now_to=NOW_TO, as_of=NOW_TO)
    f = {x.key: x for x in head.figures}
    assert f["requirement_lead_time"].target == Target("max", 84.0, source="config")
    assert (f["requirement_lead_time"].baseline_met, f["requirement_lead_time"].met) == (False, True)
    assert (f["delivery_time"].baseline_met, f["delivery_time"].met) == (True, True)  # 49 h ≤ 84 h
    assert f["production_deployment_success_rate"].target == Target("min", 1.0, source="config")  # its default
    assert (f["production_deployment_success_rate"].baseline_met, f["production_deployment_success_rate"].met) == (
        False,
        True,
    )
    assert (f["release_gap"].baseline_met, f["release_gap"].met) == (False, True)  # 10 d, 6 d vs ≤ 7 d
    assert (f["releases_per_week"].baseline_met, f["releases_per_week"].met) == (True, True)  # ≥ 1 /week
    assert (f["change_failure_rate"].baseline_met, f["change_failure_rate"].met) == (False, True)  # High or better
    assert f["recovery_time"].met is None  # no data now


def test_weekly_points(store: Store) -> None:
    head = build_headline(store, config(), **BASELINE, now_to=NOW_TO, as_of=NOW_TO)
    assert head.week_starts == tuple(T0 + timedelta(weeks=i) for i in range(6))
    f = {x.key: x for x in head.figures}
    assert f["releases_per_week"].weekly == (1.0, 1.0, 0.0, 0.0, 2.0, 1.0)
    assert f["production_deployment_success_rate"].weekly == (1.0, 0.5, None, None, 1.0, 1.0)
    gaps = f["release_gap"].weekly
    assert gaps[0] is None and gaps[2] is None and gaps[3] is None
    assert gaps[1] == pytest.approx(10.0)
    assert gaps[4] == pytest.approx((388 / 24 + 1) / 2)
    assert gaps[5] == pytest.approx(6.0)
    assert f["requirement_lead_time"].weekly == (72.0, 100.0, None, None, 100.0, 68.0)


def test_periods_equal_the_report_of_the_same_window(store: Store) -> None:
    """The Compare page computes build_report for each period: the home page's numbers are those."""
    cfg = config()
    head = build_headline(store, cfg, **BASELINE, now_to=NOW_TO, as_of=NOW_TO)
    before = build_report(store, cfg, window_from=T0, window_to=h(336), as_of=h(336), details=False)
    after = build_report(store, cfg, window_from=h(672), window_to=NOW_TO, as_of=NOW_TO, details=False)
    for report, side in ((before, "baseline"), (after, "now")):
        f = {x.key: getattr(x, side) for x in head.figures}
        assert f["requirement_lead_time"] == report.delivery.requirement_lead_time_median_h
        assert f["delivery_time"] == report.delivery.delivery_time_median_h
        assert f["release_gap"] == report.delivery.release_gap_median_days
        assert f["production_deployment_success_rate"] == report.delivery.production_deployment_success_rate
        assert f["lead_time_for_changes"] == report.dora.lead_time_for_changes_median_h
        assert f["change_failure_rate"] == report.dora.change_failure_rate


def test_dora_2021_uses_deployments_per_week_and_time_to_restore(store: Store) -> None:
    from data.config.model import Definitions

    head = build_headline(
        store, config(), **BASELINE, now_to=NOW_TO, as_of=NOW_TO, definitions=Definitions(dora="2021")
    )
    keys = [f.key for f in head.figures]
    assert "time_to_restore" in keys and "recovery_time" not in keys
    f = {x.key: x for x in head.figures}
    assert (f["deployment_frequency"].baseline, f["deployment_frequency"].unit) == (1.0, "per_week")
    assert f["time_to_restore"].baseline == 10.0  # INC-1 100 h → 110 h


def test_empty_baseline_says_why(store: Store) -> None:
    head = build_headline(store, config(), baseline_from=h(-336), baseline_to=h(-168), now_to=NOW_TO, as_of=NOW_TO)
    f = {x.key: x for x in head.figures}
    assert f["requirement_lead_time"].baseline is None
    assert f["requirement_lead_time"].baseline_reason == "no requirement completed in the period"
    # No production deployment had happened by the baseline's end: a rate is "—" with the reason, not 0
    # (a store that has synced no deployments yet says nothing about how often it releases).
    assert f["releases_per_week"].baseline is None and f["releases_per_week"].baseline_met is None
    assert f["releases_per_week"].baseline_reason == "no production deployment in the period"
    assert f["production_deployment_success_rate"].baseline_met is None


def test_bad_periods_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="empty window"):
        build_headline(store, config(), baseline_from=h(10), baseline_to=h(10), now_to=NOW_TO)
    with pytest.raises(ValueError, match="timezone-aware"):
        build_headline(store, config(), baseline_from=h(0).replace(tzinfo=None), baseline_to=h(10), now_to=NOW_TO)


def test_default_baseline_is_the_first_four_weeks() -> None:
    assert default_baseline(T0) == (T0, T0 + timedelta(weeks=4))
    assert default_baseline(T0, 8)[1] == T0 + timedelta(weeks=8)


def test_targets_module() -> None:
    t = headline_targets({"requirement_lead_time_days": 5, "production_deployment_success_rate": 0.99})
    assert t["requirement_lead_time"] == Target("max", 120.0, source="config")
    assert t["production_deployment_success_rate"] == Target("min", 0.99, source="config")
    assert t["release_gap"] == Target("max", 7.0) and t["lead_time_for_changes"] == Target("tier", tier="high")
    assert headline_targets(None)["requirement_lead_time"].value == 168.0
    assert is_met(t["lead_time_for_changes"], 30.0, "elite") is True
    assert is_met(t["lead_time_for_changes"], 300.0, "medium") is False
    assert is_met(t["lead_time_for_changes"], None, None) is None
    assert is_met(t["requirement_lead_time"], 120.0) is True and is_met(t["requirement_lead_time"], 120.1) is False
    assert is_met(None, 1.0) is None


def test_vocabulary_names_every_figure_once_in_both_languages() -> None:
    names = [vocabulary.name(k) for k in vocabulary.KEYS]
    assert len(set(names)) == len(names)
    for key in (*DELIVERY_KEYS, *DORA_KEYS, "time_to_restore", "ticket_lead_time"):
        t = vocabulary.term(key)
        assert t.name and t.definition.endswith(".") and "\n" not in t.definition
    try:
        i18n.set_language("zh_CN")
        assert vocabulary.name("requirement_lead_time") == "需求交付前置时间"
        assert vocabulary.name("lead_time_for_changes") == "变更前置时间"
        assert all(vocabulary.definition(k) != vocabulary._TERMS[k][1] for k in vocabulary.KEYS)
        assert vocabulary.note(vocabulary.SUCCESS_VS_FAILURE) != vocabulary.SUCCESS_VS_FAILURE
    finally:
        i18n.set_language("en")
