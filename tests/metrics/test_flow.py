"""The value-stream engine (METRICS.md §1) against hand-computed timelines."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from data.config.model import Stage, Stream
from data.metrics.flow import item_flow
from data.metrics.flow_figures import completed_mask, stage_figures, stream_figures
from data.metrics.stagemap import DONE, OUTSIDE, StageMap
from data.records import StatusChange, WorkItem
from data.timeutil import parse_instant
from tests.helpers.metrics import flow_from_records, h, ms, two_stage_stream

S = two_stage_stream()


def sc(key: str, at: float, frm: str | None, to: str, **kw: str) -> StatusChange:
    return StatusChange("jira", key, h(at), frm, to, **kw)


def item(key: str, created: float = 0.0) -> WorkItem:
    return WorkItem("jira", key, key, h(created))


# A rework loop: Dev -> Test -> back to Dev -> Test -> Done.
LOOP = [
    sc("A-1", 1, "To Do", "In Progress"),  # To Do 0..1 (Dev wait 1 h, from the creation)
    sc("A-1", 3, "In Progress", "Ready for Test"),  # Dev active 1..3
    sc("A-1", 4, "Ready for Test", "Testing"),  # Test wait 3..4
    sc("A-1", 5, "Testing", "In Progress"),  # Test active 4..5, then back to Dev (rework)
    sc("A-1", 6, "In Progress", "Ready for Test"),  # Dev active 5..6
    sc("A-1", 8, "Ready for Test", "Done"),  # Test wait 6..8; completed at 8
]


def test_rework_loop_every_visit_counts_and_ca_blames_the_stage_left_forward() -> None:
    fd = flow_from_records(S, [item("A-1")], LOOP)
    f = item_flow(fd, ms(100))
    assert f.completed_ms[0] == ms(8)
    assert f.first_active_ms[0] == ms(1)
    assert f.wait_s[0].tolist() == [1 * 3600, 3 * 3600]  # Dev 0..1; Test 3..4 + 6..8
    assert f.active_s[0].tolist() == [3 * 3600, 1 * 3600]  # Dev 1..3 + 5..6; Test 4..5
    assert f.visits[0].tolist() == [2, 2]
    done = completed_mask(f, ms(0), ms(24))
    dev, test = stage_figures(f, done, 0, "interpolated"), stage_figures(f, done, 1, "interpolated")
    # Dev's work left it forward and came back: not complete and accurate. Test sent it back but
    # its own output (to Done) was never returned.
    assert dev.complete_accurate == 0.0
    assert test.complete_accurate == 1.0
    figs = stream_figures(fd, f, done, 7.0, "interpolated")
    assert figs.lead_time_median_h == 8.0
    assert figs.cycle_time_median_h == 7.0
    assert figs.flow_efficiency == pytest.approx(4 / 8)  # active 3 + 1 of 8 h in stages
    assert figs.throughput_per_week == 1.0


def test_reopened_item_counts_at_its_last_closing_and_as_of_sees_what_was_known() -> None:
    changes = [
        sc("R-1", 1, "To Do", "In Progress"),
        sc("R-1", 3, "In Progress", "Done"),
        sc("R-1", 5, "Done", "In Progress"),  # reopened
        sc("R-1", 6, "In Progress", "Closed"),
    ]
    fd = flow_from_records(S, [item("R-1")], changes)
    now = item_flow(fd, ms(100))
    assert now.completed_ms[0] == ms(6)
    assert now.active_s[0, 0] == 3 * 3600  # 1..3 and 5..6; the time in Done is in no stage
    assert now.rework[0, 0]  # came back into Dev after leaving it for Done
    then = item_flow(fd, ms(4))  # between the closings: completed at 3 h as far as anyone knew
    assert then.completed_ms[0] == ms(3)
    reopened = item_flow(fd, ms(5.5))  # after the reopening: in progress again, in Dev since 5 h
    assert reopened.completed_ms[0] == -1
    assert reopened.state[0] == 1 and reopened.state_since_ms[0] == ms(5)
    done = completed_mask(reopened, ms(0), ms(24))
    dev = stage_figures(reopened, done, 0, "interpolated")
    assert (dev.wip, dev.wip_age_median_h) == (1, 0.5)


def test_moves_between_done_statuses_do_not_move_completion() -> None:
    fd = flow_from_records(S, [item("D-1")], [sc("D-1", 2, "In Progress", "Done"), sc("D-1", 9, "Done", "Closed")])
    assert item_flow(fd, ms(50)).completed_ms[0] == ms(2)


def test_window_is_half_open() -> None:
    items = [item("E-1"), item("E-2"), item("E-3")]
    changes = [
        sc("E-1", 24, "In Progress", "Done"),  # exactly at from: in
        sc("E-2", 48, "In Progress", "Done"),  # exactly at to: out
        sc("E-3", 47.999, "In Progress", "Done"),
    ]
    f = item_flow(flow_from_records(S, items, changes), ms(100))
    done = completed_mask(f, ms(24), ms(48))
    assert done.tolist() == [True, False, True]


def test_in_progress_wip_and_age_span_wait_and_active_of_the_stage() -> None:
    items = [item("W-1"), item("W-2"), item("W-3", created=20)]
    changes = [
        sc("W-1", 10, "In Progress", "Ready for Test"),
        sc("W-1", 12, "Ready for Test", "Testing"),  # still in Test: since 10 h
        sc("W-2", 14, "To Do", "Ready for Test"),  # in Test since 14 h
        sc("W-3", 20, None, "To Do"),  # created after as_of: not WIP yet
    ]
    f = item_flow(flow_from_records(S, items, changes), ms(16))
    done = completed_mask(f, ms(0), ms(16))
    test = stage_figures(f, done, 1, "interpolated")
    assert test.wip == 2
    assert test.wip_age_median_h == 4.0  # ages 6 and 2
    assert test.items == 0 and test.wait_median_h is None  # nothing completed
    assert stream_figures(flow_from_records(S, items, changes), f, done, 7.0, "interpolated").wip == 2


def test_empty_window_gives_none_not_zero() -> None:
    fd = flow_from_records(S, [item("A-1")], LOOP)
    f = item_flow(fd, ms(100))
    done = completed_mask(f, ms(50), ms(60))
    st = stage_figures(f, done, 0, "interpolated")
    assert (st.items, st.wait_median_h, st.wait_total_h, st.complete_accurate) == (0, None, None, None)
    figs = stream_figures(fd, f, done, 10 / 24, "interpolated")
    assert figs.lead_time_median_h is None and figs.cycle_time_median_h is None and figs.flow_efficiency is None
    assert figs.completed == 0 and figs.throughput_per_week == 0.0  # a rate over a real window


def test_non_utc_offsets_are_the_same_instants() -> None:
    cst = timezone(timedelta(hours=8))
    shifted = [StatusChange(c.source, c.key, c.at.astimezone(cst), c.from_status, c.to_status) for c in LOOP]
    a = item_flow(flow_from_records(S, [item("A-1")], LOOP), ms(100))
    b = item_flow(flow_from_records(S, [WorkItem("jira", "A-1", "", h(0).astimezone(cst))], shifted), ms(100))
    assert np.array_equal(a.wait_s, b.wait_s) and a.completed_ms[0] == b.completed_ms[0]
    assert parse_instant("2026-03-02T08:00:00+0800") == h(0)


def test_never_active_items_are_left_out_of_cycle_time_only() -> None:
    items = [item("C-1"), item("C-2")]
    changes = [
        sc("C-1", 2, "To Do", "Done"),  # never active: lead 2 h, no cycle time
        sc("C-2", 1, "To Do", "In Progress"),
        sc("C-2", 5, "In Progress", "Done"),  # lead 5 h, cycle 4 h
    ]
    fd = flow_from_records(S, items, changes)
    f = item_flow(fd, ms(10))
    figs = stream_figures(fd, f, completed_mask(f, ms(0), ms(10)), 7.0, "interpolated")
    assert figs.lead_time_median_h == 3.5
    assert figs.cycle_time_median_h == 4.0
    assert figs.flow_efficiency == pytest.approx(4 / (4 + 2 + 1))


def test_outside_statuses_count_in_no_stage_and_do_not_move_position() -> None:
    changes = [
        sc("O-1", 1, "To Do", "In Progress"),
        sc("O-1", 2, "In Progress", "Blocked"),  # in no stage: 2..4 counted nowhere
        sc("O-1", 4, "Blocked", "In Progress"),  # back to Dev from outside: not rework
        sc("O-1", 5, "In Progress", "Done"),
    ]
    f = item_flow(flow_from_records(S, [item("O-1")], changes), ms(10))
    assert f.active_s[0, 0] == 2 * 3600 and f.wait_s[0, 0] == 3600
    assert f.left_forward[0, 0] and not f.rework[0, 0]
    assert StageMap(S).code("Blocked") == OUTSIDE


def test_status_matching_by_name_case_and_by_id() -> None:
    stream = Stream("S", (Stage("Dev", wait=("to do",), active=("id:10001",)),))
    sm = StageMap(stream)
    assert sm.code("TO DO") == 0
    assert sm.code("开发中", "10001") == 1  # localised name, matched by id
    assert sm.code("Resolved") == DONE and sm.code("Whatever", category="done") == DONE
    explicit = StageMap(Stream("S", (Stage("Dev", wait=("Resolved",)),), done=("Shipped",)))
    assert explicit.code("Resolved") == 0  # mapped into a stage: a stage, not done
    assert explicit.code("Closed") == OUTSIDE  # an explicit done list replaces the default rule
    assert explicit.code("shipped") == DONE


def test_both_median_methods_reach_the_stage_figures() -> None:
    items = [item(f"M-{i}") for i in range(4)]
    changes = [sc(f"M-{i}", 10 * (i + 1), "In Progress", "Done") for i in range(4)]  # Dev active 10..40 h
    f = item_flow(flow_from_records(S, items, changes), ms(100))
    done = completed_mask(f, ms(0), ms(100))
    assert stage_figures(f, done, 0, "interpolated").active_median_h == 25.0
    assert stage_figures(f, done, 0, "lower").active_median_h == 20.0


def test_gitlab_vsa_documented_example_as_a_status_stream() -> None:
    """GitLab's VSA doc example: Issue 2 h, Plan 1 h, Code 2 h, Test 5 min, Review 5 h, Staging 30 min.

    Built as a hand-made ticket stream (one status per GitLab stage); GitLab's Test and Staging are
    pipeline/deployment stages there, which tests/report/test_report.py covers with job and
    deployment stages. Flowdeck agrees stage by stage; total 10 h 35 min.
    """
    names = ["Issue", "Plan", "Code", "Test", "Review", "Staging"]
    stream = Stream("VSA", tuple(Stage(n, active=(n,)) for n in names))
    durations_h = [2, 1, 2, 5 / 60, 5, 0.5]
    t, prev, changes = 0.0, None, []
    for n, d in zip(names, durations_h, strict=True):
        changes.append(sc("G-1", t, prev, n))
        prev, t = n, t + d
    changes.append(sc("G-1", t, prev, "Done"))
    fd = flow_from_records(stream, [item("G-1")], changes)
    f = item_flow(fd, ms(100))
    assert (f.active_s[0] / 3600).tolist() == pytest.approx(durations_h, abs=1e-6)  # ms resolution
    figs = stream_figures(fd, f, completed_mask(f, ms(0), ms(100)), 7.0, "interpolated")
    assert figs.lead_time_median_h == pytest.approx(10 + 35 / 60)


def _devlake_issue_trace(fixtures_dir: Path) -> tuple[dict[str, list[dict[str, str]]], dict[str, dict[str, str]], Path]:
    base = fixtures_dir / "devlake/backend/plugins/issue_trace/e2e"
    issues = {r["id"]: r for r in csv.DictReader((base / "raw_tables/issues.csv").open(encoding="utf-8"))}
    changes: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in csv.DictReader((base / "raw_tables/issue_changelogs.csv").open(encoding="utf-8")):
        if r["field_name"].lower() == "status":
            changes[r["issue_id"]].append(r)
    return changes, issues, base


def test_conformance_devlake_issue_status_history(fixtures_dir: Path) -> None:
    """Per issue and status, the cumulative time equals DevLake's issue_status_history oracle.

    Each status is its own stage here (and nothing is "done"), so a stage's time is a status's time.
    Deliberate differences, left out of the comparison: DevLake adds a row for an issue with no
    status changelog at all (Flowdeck knows statuses only from transitions) and a zero-length row
    for an empty first status.
    """
    changes, issues, base = _devlake_issue_trace(fixtures_dir)
    statuses = sorted(
        {c[k] for cs in changes.values() for c in cs for k in ("original_from_value", "original_to_value")} - {""}
    )
    stream = Stream("trace", tuple(Stage(f"s{i}", wait=(s,)) for i, s in enumerate(statuses)), done=("__nothing__",))
    items = [WorkItem("jira", k, "", parse_instant(issues[k]["created_date"])) for k in sorted(changes)]
    records = [
        StatusChange(
            "jira", k, parse_instant(c["created_date"]), c["original_from_value"] or None, c["original_to_value"]
        )
        for k in sorted(changes)
        for c in changes[k]
    ]
    fd = flow_from_records(stream, items, records)
    oracle: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in csv.DictReader((base / "snapshot_tables/issue_status_history.csv").open(encoding="utf-8")):
        oracle[r["issue_id"]].append((r["original_status"], int(parse_instant(r["start_date"]).timestamp() * 1000)))
    as_of = max(t for rows in oracle.values() for _, t in rows) + 3_600_000
    f = item_flow(fd, as_of)
    compared = 0
    for i, w in enumerate(items):
        rows = sorted(oracle[w.key], key=lambda x: x[1])
        expected: dict[str, float] = defaultdict(float)
        visits: dict[str, int] = defaultdict(int)
        for j, (status, start) in enumerate(rows):
            end = rows[j + 1][1] if j + 1 < len(rows) else as_of
            if status:
                expected[status] += (end - start) / 1000
                visits[status] += 1
        for status, secs in expected.items():
            k = statuses.index(status)
            assert f.wait_s[i, k] == pytest.approx(secs, abs=0.001), (w.key, status)
            assert f.visits[i, k] == visits[status], (w.key, status)
            compared += 1
    assert len(items) == 31 and compared >= 150  # 32 issues, one without any status change


def test_figures_from_the_stored_horizon_equal_a_full_recompute_at_any_as_of() -> None:
    """The materialised shortcut (flow_from_final) must give exactly what item_flow gives."""
    from data.metrics.flow import flow_from_final
    from data.metrics.flow_data import build_flow_data

    rng = np.random.default_rng(7)
    n, m, s = 300, 3000, 3
    created = rng.integers(0, 500, n) * 3_600_000
    items = rng.integers(0, n, m)
    at = created[items] + rng.integers(0, 400, m) * 3_600_000
    codes = rng.choice([DONE, OUTSIDE, *range(2 * s)], m)
    froms = rng.choice([-3, OUTSIDE, *range(2 * s)], m)
    fd = build_flow_data(s, created, items, at, codes, froms)
    final = item_flow(fd, fd.horizon_ms)
    for as_of in [0, 50, 200, 451, 600, 899, 900, 2000]:
        a_ms = as_of * 3_600_000 + 1_800_000
        want = item_flow(fd, a_ms)
        got = flow_from_final(fd, final, a_ms)
        for name in ("completed_ms", "first_active_ms", "visits", "left_forward", "rework", "state", "state_since_ms"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), (as_of, name)
        assert np.allclose(got.wait_s, want.wait_s) and np.allclose(got.active_s, want.active_s), as_of


def test_slicing_large_inputs_by_item_gives_the_same_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from data.metrics import flow as flow_module
    from data.metrics.flow_data import build_flow_data

    rng = np.random.default_rng(11)
    n, m, s = 200, 2500, 2
    created = rng.integers(0, 100, n) * 3_600_000
    items = rng.integers(0, n - 5, m)  # the last items have no transitions at all
    at = created[items] + rng.integers(0, 300, m) * 3_600_000
    fd = build_flow_data(s, created, items, at, rng.choice([DONE, OUTSIDE, 0, 1, 2, 3], m), rng.choice([-3, 0, 2], m))
    whole = item_flow(fd, 250 * 3_600_000)
    monkeypatch.setattr(flow_module, "_CHUNK", 97)
    sliced = item_flow(fd, 250 * 3_600_000)
    for name in ("completed_ms", "first_active_ms", "wait_s", "active_s", "visits", "left_forward", "rework", "state"):
        assert np.array_equal(getattr(whole, name), getattr(sliced, name)), name
