"""data/report/build.py over a real store (SQLite, and PostgreSQL when the test cluster runs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.config.model import ConfigError, Definitions
from data.materialise import cache
from data.records import Commit, Exclusion, PipelineRun, StatusChange, WorkItem
from data.report.build import build_report
from data.report.trends import pipeline_statuses, weekly_trends
from data.store.store import Store
from tests.helpers.metrics import T0, h
from tests.helpers.report import RECORDS, WEEK, config, sc


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(RECORDS)
        yield s
    cache.clear_memory()


def test_whole_report_hand_computed(store: Store) -> None:
    r = build_report(store, config(), **WEEK)
    (s,) = r.streams
    assert s.completed == 2  # PAY-1 at 9 h, CORE-1 at 4 h
    assert s.lead_time_median_h == 6.5  # 9 and 4
    assert s.cycle_time_median_h == 7.0  # PAY-1 only: 2 -> 9 (CORE-1 never active)
    dev, test, approve, staging, prod = s.stages
    assert (dev.items, dev.wait_total_h, dev.active_total_h) == (2, 2.0 + 4.0, 4.0)
    assert (test.wait_median_h, test.active_median_h) == (2.0, 1.0)
    assert dev.wip == 1 and dev.details[-1].key == "PAY-2" and dev.details[-1].completed_at is None
    assert {d.key for d in dev.details if d.completed_at} == {"PAY-1", "CORE-1"}
    assert next(d for d in dev.details if d.key == "PAY-1").title == "Card limit"
    # Job: wait = 15 min queued + 30 min paused; active = 2 h 15 min running - 30 min paused.
    assert (approve.items, approve.wait_median_h, approve.active_median_h) == (1, 0.75, 1.75)
    # Deployments: staging waits from the merge (5 h -> 6 h), prod from staging's finish (6.5 -> 10 h).
    assert (staging.wait_median_h, staging.active_median_h) == (1.0, 0.5)
    assert (prod.wait_median_h, prod.active_median_h, prod.items) == (3.5, 1.0, 1)
    assert s.bottleneck == "Dev"
    assert s.flow_efficiency == pytest.approx((4 + 1) / (4 + 1 + 6 + 2))
    d = r.dora
    assert d.deployments == 1 and d.lead_time_for_changes_median_h == 10.5  # 0.5 h -> 11 h
    assert d.lead_time_parts_median_h == {"coding": 0.5, "pickup": 3.0, "review": 1.0, "deploy": 6.0}
    assert d.change_failure_rate == 1.0 and d.recovery_time_median_h == 3.0 and d.time_to_restore_median_h == 2.0
    dl = r.delivery
    assert dl.production_deployment_success_rate == 0.5
    # PAY-1 is linked (title and branch) to the prod deployment at 11 h; CORE-1 is not.
    assert (dl.requirement_lead_time_median_h, dl.requirement_lead_time_unlinked) == ((11 + 4) / 2, 1)
    assert dl.delivery_time_median_h == 9.0  # PAY-1: 2 h -> 11 h; CORE-1 never active
    js = r.to_json()
    assert list(js) == ["window", "definitions", "streams", "dora", "delivery"]
    assert js["definitions"] == {"median": "interpolated", "dora": "2023", "calendar": "calendar"}


def test_stream_filters_requirement_types_and_measure_from(store: Store) -> None:
    r = build_report(store, config(teams=["payments"], requirement_types=["Bug"]), **WEEK)
    assert r.streams[0].completed == 1 and r.delivery.requirements_completed == 0
    r = build_report(store, config(projects=["core"]), **WEEK)
    assert r.streams[0].completed == 1 and r.streams[0].wip == 0
    r = build_report(store, config(measure_from="2026-03-02T00:30:00Z"), **WEEK)
    # Both completed items were created at 0 h, before measure_from: counted, but not in lead times.
    assert r.streams[0].completed == 2 and r.streams[0].lead_time_median_h is None
    assert r.notes["measure_from"] == {"Mobile": "2026-03-02T00:30:00+00:00"}


def test_exclusions_leave_items_out_and_are_counted(store: Store) -> None:
    with store.writer() as w:
        w.add_exclusion(Exclusion("work_item", "jira", "CORE-1", "migration ticket"))
        w.add_exclusion(Exclusion("deployment", "jenkins", "bank/mobile#p0", "test deploy"))
    r = build_report(store, config(), **WEEK)
    assert r.streams[0].completed == 1
    assert r.delivery.production_deployment_success_rate == 1.0
    assert r.notes["excluded"] == {"work_item": 1, "change": 0, "deployment": 1}


def test_cache_follows_the_store_generation_and_survives_the_process(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_report(store, config(), **WEEK).streams[0].completed == 2
    store.upsert([sc("PAY-2", 20, "In Progress", "Done")])  # a sync: new generation
    assert build_report(store, config(), **WEEK).streams[0].completed == 3
    cache.clear_memory()  # a new process: the bundle comes from the metrics_cache table

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("should have been read from the cache table")

    monkeypatch.setattr(cache, "materialise", boom)
    assert build_report(store, config(), **WEEK).streams[0].completed == 3


def test_past_as_of_equals_a_store_that_only_knew_that_much(store: Store, sqlite_url: str) -> None:
    as_of = h(7)
    past = build_report(store, config(), **WEEK, as_of=as_of)
    known = [
        r
        for r in RECORDS
        if not (isinstance(r, StatusChange) and r.at > as_of) and not (isinstance(r, WorkItem) and r.created_at > as_of)
    ]
    with Store.open(sqlite_url.replace("flowdeck.db", "past.db")) as other:
        other.upsert(known)
        again = build_report(other, config(), **WEEK, as_of=as_of)
    assert past.streams[0].to_json() == again.streams[0].to_json()
    assert past.streams[0].wip == 2  # PAY-1 in Test (Ready for Test since 6 h), PAY-2 in Dev
    assert past.streams[0].stages[1].wip_age_median_h == 1.0


def test_definitions_switch_and_window_checks(store: Store) -> None:
    r = build_report(store, config(), **WEEK, definitions=Definitions(median="lower", dora="2021"))
    assert r.definitions["median"] == "lower" and r.streams[0].lead_time_median_h == 4.0
    assert r.dora.tiers["recovery_time"] == "high"  # 2021 uses time to restore (2 h)
    with pytest.raises(ValueError, match="empty window"):
        build_report(store, config(), window_from=T0, window_to=T0)
    with pytest.raises(ConfigError, match="Mobile"):
        build_report(store, config(), **WEEK, stream="nope")


def test_empty_window_report_is_null_not_zero(store: Store) -> None:
    r = build_report(store, config(), window_from=T0 + timedelta(days=70), window_to=T0 + timedelta(days=77))
    js = r.to_json()
    s = js["streams"][0]
    assert s["completed"] == 0 and s["lead_time_median_h"] is None and s["bottleneck"] is None
    assert all(st["wait_median_h"] is None for st in s["stages"])
    assert js["dora"]["lead_time_for_changes_median_h"] is None and js["dora"]["tiers"]["change_failure_rate"] is None
    assert js["delivery"]["production_deployment_success_rate"] is None


def test_weekly_trends_one_point_per_iso_week(store: Store) -> None:
    pts = weekly_trends(store, config(), window_from=T0 + timedelta(days=2), window_to=T0 + timedelta(days=15))
    assert [p.week_start for p in pts] == [T0, T0 + timedelta(days=7), T0 + timedelta(days=14)]
    # The first week is clipped to the window (from Wednesday): nothing completed in it.
    assert pts[0].lead_time_median_h is None and pts[0].wip == 1 and pts[1].deployments == 0
    one = Definitions(trend_min_completions=1)  # two completions: drawn only with a threshold of 1 or 2
    full = weekly_trends(store, config(), window_from=T0, window_to=T0 + timedelta(days=7), definitions=one)
    assert full[0].lead_time_median_h == 6.5 and full[0].deployments == 1 and full[0].deployment_success_rate == 0.5


def test_pipeline_statuses_from_the_store(store: Store) -> None:
    store.upsert(
        [
            PipelineRun(
                "gh", "ci", "1", branch="main", result="success", queued_at=h(0), started_at=h(0), finished_at=h(1)
            ),
            PipelineRun(
                "gh",
                "ci",
                "2",
                branch="main",
                sha="bad",
                result="failure",
                queued_at=h(2),
                started_at=h(2),
                finished_at=h(3),
            ),
            Commit("github", "bank/mobile", "bad", "oops", author="zhao"),
        ]
    )
    (p,) = pipeline_statuses(store, as_of=h(4))
    assert (p.state, p.failing_runs, p.authors, p.broken_since) == ("failed", 1, ("zhao",), h(3))
    (p,) = pipeline_statuses(store, as_of=h(2.5))
    assert p.state == "running" and p.eta_s == 3600.0


def test_demo_flag_is_noted(store: Store) -> None:
    assert build_report(store, config(), **WEEK).notes["demo"] is False
    with store.writer() as w:
        w.set_meta("demo", "1")
    assert build_report(store, config(), **WEEK).notes["demo"] is True
