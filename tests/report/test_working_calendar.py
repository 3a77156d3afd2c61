"""``calendar = "working"`` through every duration of the report, hand-computed (Shanghai hours).

The stream's calendar: Asia/Shanghai (UTC+8, no DST), 09:00–12:00 and 13:30–18:00 (7.5 h a
day), Mon–Fri, Chinese public holidays. Instants below are written in Shanghai time; ``cst()``
turns them into UTC. 2026 facts (chinese-calendar): 12–13 Sep an ordinary weekend; 1–7 Oct the
National Day holiday (Thu–Wed); Sat 10 Oct an adjusted working day (调休); Sun 11 Oct off.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from data.config.model import Config
from data.config.parse import parse_config
from data.materialise import cache
from data.records import Change, Deployment, Incident, JobRun, StatusChange, WorkItem
from data.report.build import build_report
from data.report.trends import weekly_trends
from data.store.store import Store

CST = timedelta(hours=8)


def cst(text: str) -> datetime:
    """``"2026-09-11 16:00"`` in Shanghai as an aware UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) - CST


CALENDAR = {"timezone": "Asia/Shanghai", "hours": ["09:00-12:00", "13:30-18:00"], "holidays": "CN"}
STREAM = {
    "name": "Mobile",
    "production": "^prod$",
    "done": ["Done"],
    "calendar": CALENDAR,
    "stages": [
        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
        {"name": "Test", "wait": ["Ready for Test"], "active": ["Testing"]},
        {"name": "Approve", "jobs": "^approve"},
        {"name": "Prod", "deployments": "^prod$"},
    ],
}


def config(mode: str = "working", **calendar: object) -> Config:
    return parse_config(
        {"definitions": {"calendar": mode}, "streams": [{**STREAM, "calendar": {**CALENDAR, **calendar}}]},
        "test.toml",
    )


def sc(key: str, at: str, frm: str, to: str) -> StatusChange:
    return StatusChange("jira", key, cst(at), frm, to)


RECORDS = [
    # PAY-1 across an ordinary weekend. To Do Fri 16:00 -> Mon 10:00: calendar 66 h, working
    # Fri 16-18 (2 h) + Mon 9-10 (1 h) = 3 h. In Progress Mon 10:00 -> 15:00: calendar 5 h,
    # working 10-12 (2 h) + 13:30-15 (1.5 h) = 3.5 h. Lead 71 h / 6.5 h; cycle 5 h / 3.5 h.
    WorkItem("jira", "PAY-1", "Weekend", cst("2026-09-11 16:00"), type="Story"),
    sc("PAY-1", "2026-09-14 10:00", "To Do", "In Progress"),
    sc("PAY-1", "2026-09-14 15:00", "In Progress", "Done"),
    # PAY-2 across the National Day holiday. To Do Wed 30 Sep 09:00 -> Mon 12 Oct 09:00: calendar
    # 288 h; working 30 Sep, 8 Oct, 9 Oct and the adjusted Sat 10 Oct = 4 x 7.5 = 30 h. Then on
    # Mon 12 Oct: In Progress 09-12 (3 h both), Ready for Test 12:00-13:30 (1.5 h; working 0: lunch),
    # Testing 13:30-17:00 (3.5 h both). Lead 296 h / 36.5 h; cycle 8 h / 6.5 h.
    WorkItem("jira", "PAY-2", "Holiday", cst("2026-09-30 09:00"), type="Story"),
    sc("PAY-2", "2026-10-12 09:00", "To Do", "In Progress"),
    sc("PAY-2", "2026-10-12 12:00", "In Progress", "Ready for Test"),
    sc("PAY-2", "2026-10-12 13:30", "Ready for Test", "Testing"),
    sc("PAY-2", "2026-10-12 17:00", "Testing", "Done"),
    # PAY-3 on the adjusted working Saturday: In Progress Sat 10 Oct 10:00 -> Sun 11 Oct 10:00:
    # calendar 24 h; working Sat 10-12 (2 h) + 13:30-18 (4.5 h) = 6.5 h, Sunday off. Lead = cycle.
    WorkItem("jira", "PAY-3", "Saturday", cst("2026-10-10 10:00"), type="Story"),
    sc("PAY-3", "2026-10-10 10:00", "To Do", "In Progress"),
    sc("PAY-3", "2026-10-11 10:00", "In Progress", "Done"),
    # PAY-4 still in progress at as_of (Tue 13 Oct 09:00) since Fri 9 Oct 17:00: calendar 88 h;
    # working Fri 17-18 (1 h) + Sat 10 Oct (7.5 h) + Mon 12 Oct (7.5 h) = 16 h.
    WorkItem("jira", "PAY-4", "Open", cst("2026-10-09 17:00"), type="Story"),
    sc("PAY-4", "2026-10-09 17:00", "To Do", "In Progress"),
    # A change for PAY-1: first commit Fri 11 Sep 17:00, opened 17:30, first review Mon 14 Sep
    # 09:30, merged 11:00, deployed to prod 13:00 -> 14:00 (Mon).
    # Working: coding 0.5 h; pickup Fri 17:30-18 + Mon 9-9:30 = 1 h; review 1.5 h; deploy
    # 11-12 + 13:30-14 = 1.5 h; lead Fri 17-18 (1 h) + Mon 9-12 (3 h) + 13:30-14 (0.5 h) = 4.5 h.
    # Calendar: 0.5, 64, 1.5, 3 and 69 h.
    Change(
        "github",
        "bank/mobile",
        "17",
        "PAY-1 weekend fix",
        cst("2026-09-11 17:30"),
        first_commit_at=cst("2026-09-11 17:00"),
        first_review_at=cst("2026-09-14 09:30"),
        merged_at=cst("2026-09-14 11:00"),
        merge_sha="m17",
        base="main",
    ),
    Deployment(
        "jenkins",
        "bank/mobile",
        "p1",
        "prod",
        "success",
        sha="m17",
        ref="main",
        started_at=cst("2026-09-14 13:00"),
        finished_at=cst("2026-09-14 14:00"),
    ),
    # The prod deployment waited from the merge (11:00) to its start (13:00): calendar 2 h,
    # working 11-12 = 1 h; it ran 13:00-14:00: calendar 1 h, working 13:30-14 = 0.5 h.
    # Incident after it: created Mon 17:00, resolved Tue 15 Sep 10:00. Restore: calendar 17 h,
    # working 17-18 + 9-10 = 2 h. Recovery from the deployment's finish (Mon 14:00): calendar 20 h,
    # working 14-18 (4 h) + 9-10 (1 h) = 5 h.
    Incident("jira", "INC-1", cst("2026-09-14 17:00"), repo="bank/mobile", resolved_at=cst("2026-09-15 10:00")),
    # A job queued Mon 14 Sep 11:50, started 13:40, finished 15:40 with a 1 h pause. Queue: calendar
    # 110 min, working 11:50-12 + 13:30-13:40 = 20 min. Run: 2 h in both clocks, so the pause
    # counts whole: wait 1 h 20 min / 2 h 50 min, active 1 h.
    JobRun(
        "jenkins",
        "mobile",
        "7",
        "1",
        "approve-prod",
        queued_at=cst("2026-09-14 11:50"),
        started_at=cst("2026-09-14 13:40"),
        finished_at=cst("2026-09-14 15:40"),
        result="success",
        paused_s=3600,
    ),
]
WINDOW = {
    "window_from": cst("2026-09-01 00:00"),
    "window_to": cst("2026-10-13 09:00"),
    "as_of": cst("2026-10-13 09:00"),
}


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(RECORDS)
        yield s
    cache.clear_memory()


def test_working_time_everywhere(store: Store) -> None:
    r = build_report(store, config("working"), **WINDOW)
    (s,) = r.streams
    assert s.completed == 3
    assert s.lead_time_median_h == pytest.approx(6.5)  # 6.5, 36.5, 6.5
    assert s.cycle_time_median_h == pytest.approx(6.5)  # 3.5, 6.5, 6.5
    dev, test, approve, prod = s.stages
    assert dev.wait_median_h == pytest.approx(3.0)  # 3, 30, 0 (PAY-3 entered Dev active)
    assert dev.wait_total_h == pytest.approx(33.0)
    assert dev.active_median_h == pytest.approx(3.5)  # 3.5, 3, 6.5
    assert dev.active_total_h == pytest.approx(13.0)
    assert (test.wait_median_h, test.active_median_h) == (pytest.approx(0.0), pytest.approx(3.5))
    assert dev.wip == 1 and dev.wip_age_median_h == pytest.approx(16.0)
    # Flow efficiency: active 13 + 3.5, wait 33 + 0.
    assert s.flow_efficiency == pytest.approx(16.5 / 49.5)
    assert approve.wait_median_h == pytest.approx(1 / 3 + 1) and approve.active_median_h == pytest.approx(1.0)
    assert prod.wait_median_h == pytest.approx(1.0) and prod.active_median_h == pytest.approx(0.5)
    d = r.dora
    assert d.lead_time_for_changes_median_h == pytest.approx(4.5)
    assert d.lead_time_parts_median_h == pytest.approx({"coding": 0.5, "pickup": 1.0, "review": 1.5, "deploy": 1.5})
    assert d.time_to_restore_median_h == pytest.approx(2.0) and d.recovery_time_median_h == pytest.approx(5.0)
    # Rates stay per calendar week: one deployment in a 6-week window.
    assert d.deployments_per_week == pytest.approx(1 / (WINDOW_DAYS / 7))
    dl = r.delivery
    # Requirement lead: PAY-1 created Fri 16:00 -> deployed Mon 14:00 (2 + 3 + 0.5 = 5.5 h);
    # PAY-2 and PAY-3 unlinked: to completion (36.5 h, 6.5 h). Median 6.5 h.
    assert (dl.requirement_lead_time_median_h, dl.requirement_lead_time_unlinked) == (pytest.approx(6.5), 2)
    # Delivery: PAY-1 first active Mon 10:00 -> 14:00 (2 + 0.5 = 2.5 h); PAY-2 6.5 h; PAY-3 6.5 h.
    assert dl.delivery_time_median_h == pytest.approx(6.5)
    assert r.definitions["calendar"] == "working"
    assert r.notes["calendar"].startswith("working time: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai")
    assert "Chinese public holidays" in r.notes["calendar"]
    assert r.notes["calendar_warnings"] == []


WINDOW_DAYS = (cst("2026-10-13 09:00") - cst("2026-09-01 00:00")) / timedelta(days=1)


def test_calendar_time_is_unchanged_and_cached_apart(store: Store) -> None:
    """The same store in calendar time right after a working-time report: a separate bundle."""
    build_report(store, config("working"), **WINDOW)
    r = build_report(store, config("calendar"), **WINDOW)
    (s,) = r.streams
    assert s.lead_time_median_h == pytest.approx(71.0)  # 71, 296, 24
    assert s.cycle_time_median_h == pytest.approx(8.0)  # 5, 8, 24
    dev = s.stages[0]
    assert (dev.wait_median_h, dev.wait_total_h) == (pytest.approx(66.0), pytest.approx(354.0))
    assert (dev.active_median_h, dev.active_total_h) == (pytest.approx(5.0), pytest.approx(32.0))
    assert dev.wip_age_median_h == pytest.approx(88.0)
    assert s.flow_efficiency == pytest.approx(35.5 / 391.0)
    assert s.stages[2].wait_median_h == pytest.approx(110 / 60 + 1)
    d = r.dora
    assert d.lead_time_for_changes_median_h == pytest.approx(69.0)
    assert d.lead_time_parts_median_h == pytest.approx({"coding": 0.5, "pickup": 64.0, "review": 1.5, "deploy": 3.0})
    assert d.time_to_restore_median_h == pytest.approx(17.0) and d.recovery_time_median_h == pytest.approx(20.0)
    assert r.delivery.requirement_lead_time_median_h == pytest.approx(70.0)  # 70, 296, 24
    assert "calendar" not in r.notes


def test_holiday_rules_change_the_figures(store: Store) -> None:
    """Without CN holidays the National Day week works and the adjusted Saturday does not."""
    r = build_report(store, config("working", holidays=None), **WINDOW)
    dev = r.streams[0].stages[0]
    # PAY-2 waits 30 Sep .. 9 Oct Mon-Fri = 8 days = 60 h; PAY-3's Saturday counts 0 h active.
    assert dev.wait_total_h == pytest.approx(3 + 60 + 0)
    assert dev.active_total_h == pytest.approx(3.5 + 3 + 0)
    # PAY-4: Fri 17-18 + Mon 12 Oct 7.5 h (Saturday is an ordinary weekend day now).
    assert dev.wip_age_median_h == pytest.approx(8.5)
    # An extra day off on Mon 14 Sep moves PAY-1's whole active time out of working time.
    r = build_report(store, config("working", extra_holidays=["2026-09-14"]), **WINDOW)
    assert r.streams[0].stages[0].active_total_h == pytest.approx(0 + 3 + 6.5)


def test_past_as_of_and_trends_use_working_time(store: Store) -> None:
    cfg = config("working")
    # As of Mon 12 Oct 12:00: PAY-2 is in Ready for Test (not completed), PAY-4's age is 1 + 7.5 + 3 h.
    noon = cst("2026-10-12 12:00")
    r = build_report(store, cfg, window_from=WINDOW["window_from"], window_to=noon, as_of=noon)
    (s,) = r.streams
    assert s.completed == 2  # PAY-1, PAY-3
    assert s.stages[0].wip_age_median_h == pytest.approx(11.5)
    one = dataclasses.replace(cfg.definitions, trend_min_completions=1)  # weeks of one item are drawn here
    trends = weekly_trends(
        store, cfg, window_from=WINDOW["window_from"], window_to=WINDOW["window_to"], definitions=one
    )
    by_week = {p.week_start.date().isoformat(): p for p in trends}
    assert by_week["2026-09-14"].lead_time_median_h == pytest.approx(6.5)  # PAY-1, done Mon 14 Sep 07:00 UTC
    assert by_week["2026-10-05"].lead_time_median_h == pytest.approx(6.5)  # PAY-3, done Sun 11 Oct


def test_a_year_the_holiday_library_does_not_know_is_named(store_url: str) -> None:
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(
            [
                WorkItem("jira", "PAY-9", "Next year", cst("2031-01-06 09:00")),
                sc("PAY-9", "2031-01-06 09:00", "To Do", "In Progress"),
                sc("PAY-9", "2031-01-06 11:00", "In Progress", "Done"),
            ]
        )
        end = cst("2031-02-01 00:00")
        r = build_report(s, config("working"), window_from=cst("2031-01-01 00:00"), window_to=end, as_of=end)
    cache.clear_memory()
    assert r.streams[0].lead_time_median_h == pytest.approx(2.0)
    (warning,) = r.notes["calendar_warnings"]
    assert "2031" in warning and "Mon–Fri" in warning


def test_cli_calendar_switch(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        """
[[streams]]
name = "Mobile"
production = "^prod$"
done = ["Done"]
calendar = { timezone = "Asia/Shanghai", hours = ["09:00-12:00", "13:30-18:00"], holidays = "CN" }
[[streams.stages]]
name = "Dev"
wait = ["To Do"]
active = ["In Progress"]
""",
        encoding="utf-8",
    )
    args = [
        *("--db", store.url, "--config", str(cfg), "report", "--from", "2026-09-01"),
        *("--to", "2026-10-13T09:00+08:00", "--as-of", "2026-10-13T09:00+08:00"),
    ]
    assert main([*args, "--json", "--calendar", "working"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["definitions"]["calendar"] == "working"
    assert js["streams"][0]["lead_time_median_h"] == 6.5
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["streams"][0]["lead_time_median_h"] == 71.0
    assert main([*args, "--calendar", "working"]) == 0
    out = capsys.readouterr().out
    assert "calendar: working" in out
    assert "Durations in working time: Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai" in out
    with pytest.raises(SystemExit) as info:
        main([*args, "--calendar", "weekly"])
    assert info.value.code == 2
