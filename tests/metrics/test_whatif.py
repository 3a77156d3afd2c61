"""What-if projections (METRICS.md §5) against hand-computed timelines, plus property tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.config.parse import load_config
from data.materialise import cache
from data.metrics.clock import CALENDAR
from data.metrics.flow import item_flow
from data.metrics.flow_data import FlowData, build_flow_data
from data.metrics.flow_figures import completed_mask, stream_figures
from data.metrics.stagemap import DONE, NO_STATUS, OUTSIDE
from data.metrics.whatif import (
    Scenario,
    ScenarioError,
    WhatIfBase,
    parse_scenario,
    project,
    projected_lead_h,
    whatif_base,
)
from data.records import StatusChange, WorkItem
from data.report.build import build_report, what_if_base
from data.report.results import WhatIfResult
from data.store.store import Store
from tests.helpers.metrics import flow_from_records, h, ms, two_stage_stream

S = two_stage_stream()


def sc(key: str, at: float, frm: str | None, to: str) -> StatusChange:
    return StatusChange("jira", key, h(at), frm, to)


ITEMS = [WorkItem("jira", k, k, h(0)) for k in ("A-1", "B-1", "C-1")]
CHANGES = [
    # Dev wait 0..2, Dev active 2..5, Test wait 5..9, Test active 9..10, done at 10. Lead 10 h.
    sc("A-1", 2, "To Do", "In Progress"),
    sc("A-1", 5, "In Progress", "Ready for Test"),
    sc("A-1", 9, "Ready for Test", "Testing"),
    sc("A-1", 10, "Testing", "Done"),
    # B-1: outside the stream 0..3 (Triage) and 6..10 (Blocked): 7 h in no stage.
    # Dev wait 3..4, Dev active 4..6 + 10..11, Test wait 11..17, Test active 17..19. Lead 19 h.
    sc("B-1", 3, "Triage", "To Do"),
    sc("B-1", 4, "To Do", "In Progress"),
    sc("B-1", 6, "In Progress", "Blocked"),
    sc("B-1", 10, "Blocked", "In Progress"),
    sc("B-1", 11, "In Progress", "Ready for Test"),
    sc("B-1", 17, "Ready for Test", "Testing"),
    sc("B-1", 19, "Testing", "Done"),
    # C-1: rework out of Test. Dev wait 0..1, Dev active 1..3 + 8..9, Test wait 3..7 + 9..12,
    # Test active 7..8 + 12..13. Lead 13 h.
    sc("C-1", 1, "To Do", "In Progress"),
    sc("C-1", 3, "In Progress", "Ready for Test"),
    sc("C-1", 7, "Ready for Test", "Testing"),
    sc("C-1", 8, "Testing", "In Progress"),
    sc("C-1", 9, "In Progress", "Ready for Test"),
    sc("C-1", 12, "Ready for Test", "Testing"),
    sc("C-1", 13, "Testing", "Done"),
]
# Per item (hours): lead; Dev wait, Dev active, Test wait, Test active.
#   10; 2, 3, 4, 1     B-1: 19; 1, 3, 6, 2     C-1: 13; 1, 3, 7, 2
# Totals: active 3+1+3+2+3+2 = 14, wait 2+4+1+6+1+7 = 21; flow efficiency now 14/35 = 0.4.


def base_of(
    fd: FlowData, window: tuple[float, float] = (0, 24), lead_ok: np.ndarray | None = None, pipeline: tuple = ()
) -> WhatIfBase:
    flow = item_flow(fd, ms(100))
    done = completed_mask(flow, ms(window[0]), ms(window[1]))
    return whatif_base("S", fd, flow, done, lead_ok, CALENDAR, "interpolated", ["Dev", "Test"], pipeline)


@pytest.fixture(scope="module")
def base() -> WhatIfBase:
    return base_of(flow_from_records(S, ITEMS, CHANGES))


def run(base: WhatIfBase, *texts: str, target_days: float = 0.5):
    return project(base, parse_scenario(texts), target_days)


def test_the_per_item_times_are_the_hand_computed_ones(base: WhatIfBase) -> None:
    assert base.lead_h.tolist() == [10.0, 19.0, 13.0]
    assert base.wait_h.tolist() == [[2, 4], [1, 6], [1, 7]]
    assert base.active_h.tolist() == [[3, 1], [3, 2], [3, 2]]


def test_no_scenario_is_today(base: WhatIfBase) -> None:
    r = project(base, Scenario(), 0.5)
    assert r.items == 3
    assert r.lead_time_median_h == 13.0
    assert r.lead_time_p85_h == pytest.approx(13 + 0.7 * 6)  # position 1.7 of [10, 13, 19]
    assert r.flow_efficiency == pytest.approx(14 / 35)
    assert r.within_target_share == pytest.approx(1 / 3)  # 12 h target: only A-1 (10 h)
    assert r.within_target_share == r.within_target_share_now


def test_a_removed_wait_takes_every_visit_of_a_reworked_stage(base: WhatIfBase) -> None:
    r = run(base, "Test.wait=0")
    # A-1 10 - 4 = 6; B-1 19 - 6 = 13; C-1 13 - (4 + 3) = 6: both of C-1's visits are gone.
    assert r.scenario == (("Test.wait", 0.0),)
    assert r.lead_time_median_h == 6.0
    assert r.lead_time_p85_h == pytest.approx(6 + 0.7 * 7)  # [6, 6, 13]
    assert r.flow_efficiency == pytest.approx(14 / (14 + 4))  # only Dev's 4 h of wait remain
    assert r.within_target_share == pytest.approx(2 / 3)
    assert r.within_target_share_now == pytest.approx(1 / 3)


def test_a_halved_active_time(base: WhatIfBase) -> None:
    r = run(base, "Dev.active=0.5")
    # Every item had 3 h in Dev's active statuses (B-1 in two visits, C-1 too): 1.5 h less each.
    assert r.lead_time_median_h == 11.5  # [8.5, 17.5, 11.5]
    assert r.lead_time_p85_h == pytest.approx(11.5 + 0.7 * 6)
    assert r.flow_efficiency == pytest.approx(9.5 / (9.5 + 21))


def test_a_whole_stage_removed_and_time_outside_every_stage_stays(base: WhatIfBase) -> None:
    r = run(base, "Test.wait=0", "Test.active=0")
    assert r.lead_time_median_h == 5.0  # [10 - 5, 19 - 8, 13 - 9] = [5, 11, 4]
    everything = run(base, "Dev.wait=0", "Dev.active=0", "Test.wait=0", "Test.active=0")
    # Only B-1's 7 h in Triage and Blocked are left; the others' whole lead time was in stages.
    assert everything.lead_time_median_h == 0.0
    assert everything.lead_time_p85_h == pytest.approx(0.7 * 7)  # [0, 0, 7]
    assert everything.flow_efficiency is None  # no time in any stage: no ratio, not 0
    assert everything.within_target_share == 1.0


def test_a_factor_above_one_lengthens(base: WhatIfBase) -> None:
    r = run(base, "Test.wait=2")
    assert r.lead_time_median_h == 20.0  # [14, 25, 20]


def test_stage_names_match_case_insensitively_and_come_back_as_configured(base: WhatIfBase) -> None:
    r = run(base, "test.WAIT=0.5", " dev . active = 1 ")
    assert r.scenario == (("Test.wait", 0.5), ("Dev.active", 1.0))


def test_an_empty_window_has_no_figures_but_keeps_the_scenario() -> None:
    b = base_of(flow_from_records(S, ITEMS, CHANGES), window=(50, 60))
    r = run(b, "Test.wait=0")
    assert r.items == 0
    assert r.scenario == (("Test.wait", 0.0),)
    assert (r.lead_time_median_h, r.lead_time_p85_h, r.flow_efficiency) == (None, None, None)
    assert r.within_target_share is None and r.within_target_share_now is None
    assert r.lead_time_median_h is None


def test_measure_from_keeps_lead_times_and_flow_efficiency_on_their_own_populations() -> None:
    fd = flow_from_records(S, ITEMS, CHANGES)
    b = base_of(fd, lead_ok=np.array([True, False, True]))  # B-1 is before the baseline
    r = run(b, "Test.wait=0")
    assert r.items == 2
    assert r.lead_time_median_h == 6.0  # [6, 6]
    assert r.flow_efficiency == pytest.approx(14 / 18)  # every completed item, as the report does


def test_a_pipeline_stage_is_accepted_and_named_as_not_modelled() -> None:
    b = base_of(flow_from_records(S, ITEMS, CHANGES), pipeline=("Approval",))
    r = run(b, "approval.wait=0", "Test.wait=0")
    assert r.scenario == (("Approval.wait", 0.0), ("Test.wait", 0.0))
    assert r.not_modelled == ("Approval.wait",)
    assert r.lead_time_median_h == 6.0  # only Test's wait moved anything
    js = WhatIfResult(**asdict(r)).to_json()
    assert js["scenario"] == {"Approval.wait": 0.0, "Test.wait": 0.0}
    assert js["not_modelled"] == ["Approval.wait"]


def test_an_unknown_stage_is_named(base: WhatIfBase) -> None:
    message = r"what-if Relase\.wait: stream 'S' has no stage named 'Relase'; stages: Dev, Test"
    with pytest.raises(ScenarioError, match=message):
        run(base, "Relase.wait=0.5")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Test.wait=-1", "factor -1 is negative"),
        ("Test.wait=nan", "factor 'nan' is not a finite number"),
        ("Test.wait=inf", "factor 'inf' is not a finite number"),
        ("Test.wait=half", "factor 'half' is not a number"),
        ("Test.wait=", "factor '' is not a number"),
        ("Test.process=0.5", "unknown part 'process'; expected wait or active"),
        ("Test=0.5", "expected STAGE.wait=FACTOR or STAGE.active=FACTOR"),
        ("Test.wait 0.5", "expected STAGE.wait=FACTOR or STAGE.active=FACTOR"),
        (".wait=0.5", "expected STAGE.wait=FACTOR or STAGE.active=FACTOR"),
    ],
)
def test_bad_factors_and_parts_are_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as exc:
        parse_scenario([text])
    assert repr(text) in str(exc.value)


def test_a_part_given_twice_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"test\.wait is given twice"):
        parse_scenario(["Test.wait=0.5", "test.wait=0.4"])


def test_a_stage_name_may_hold_dots() -> None:
    (f,) = parse_scenario(["v1.2 Release.active=0"]).factors
    assert (f.stage, f.part, f.value) == ("v1.2 Release", "active", 0.0)


def test_a_bad_target_is_refused(base: WhatIfBase) -> None:
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="target days"):
            project(base, Scenario(), bad)


# --- properties -----------------------------------------------------------------------------------

N_STAGES = 3
# Codes: wait/active of three stages, a status outside the stream, done.
CODES = [0, 1, 2, 3, 4, 5, OUTSIDE, DONE]


@st.composite
def flows(draw: st.DrawFn) -> tuple[FlowData, np.ndarray]:
    """Random timelines: up to 16 items, each up to 11 changes, at any millisecond (so sums of
    seconds are inexact floats and a different summation order would show)."""
    n = draw(st.integers(0, 16))
    created, it, at, to, frm = [], [], [], [], []
    for i in range(n):
        c = draw(st.integers(0, 36_000_000))
        created.append(c)
        t, prev = c, draw(st.sampled_from([NO_STATUS, *CODES[:-1]]))
        codes = draw(st.lists(st.sampled_from(CODES), max_size=10))
        if draw(st.integers(0, 4)):  # most items end done, so most examples have a population
            codes.append(DONE)
        for code in codes:
            t += draw(st.integers(0, 180_000_000))
            it.append(i), at.append(t), to.append(code), frm.append(prev)
            prev = code
    fd = build_flow_data(N_STAGES, created, it, at, to, frm)
    lead_ok = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    return fd, lead_ok


FACTOR = st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(0, 1, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(data=flows(), use_lead_ok=st.booleans(), method=st.sampled_from(["interpolated", "lower"]))
def test_all_factors_one_reproduce_the_report_exactly(
    data: tuple[FlowData, np.ndarray], use_lead_ok: bool, method: str
) -> None:
    fd, lead_ok = data
    flow = item_flow(fd, 10**9)
    done = completed_mask(flow, 0, 10**9)
    ok = lead_ok if use_lead_ok else None
    figs = stream_figures(fd, flow, done, 7.0, method, lead_ok=ok)
    b = whatif_base("S", fd, flow, done, ok, CALENDAR, method, ["A", "B", "C"])
    ones = parse_scenario([f"{s}.{p}=1" for s in "ABC" for p in ("wait", "active")])
    r = project(b, ones, 7.0)
    # Exactly, not approximately: the unchanged future state is today's report.
    assert r.lead_time_median_h == figs.lead_time_median_h
    assert r.lead_time_p85_h == figs.lead_time_p85_h
    assert r.flow_efficiency == figs.flow_efficiency
    assert r.within_target_share == r.within_target_share_now


@settings(max_examples=100, deadline=None)
@given(data=flows(), factors=st.lists(FACTOR, min_size=6, max_size=6))
def test_factors_at_most_one_never_lengthen_an_item(data: tuple[FlowData, np.ndarray], factors: list[float]) -> None:
    fd, _ = data
    flow = item_flow(fd, 10**9)
    done = completed_mask(flow, 0, 10**9)
    b = whatif_base("S", fd, flow, done, None, CALENDAR, "interpolated", ["A", "B", "C"])
    keys = [f"{s}.{p}" for s in "ABC" for p in ("wait", "active")]
    texts = [f"{k}={f!r}" for k, f in zip(keys, factors, strict=True)]
    r = project(b, parse_scenario(texts), 7.0)
    now = project(b, Scenario(), 7.0)
    if b.lead_h.size == 0:
        assert r.lead_time_median_h is None
        return
    assert r.lead_time_median_h is not None and now.lead_time_median_h is not None
    assert r.lead_time_median_h <= now.lead_time_median_h
    assert r.lead_time_p85_h <= now.lead_time_p85_h  # type: ignore[operator]
    assert r.within_target_share >= now.within_target_share  # type: ignore[operator]
    # Item by item, too, and never below 0.
    per_item = projected_lead_h(b, parse_scenario(texts))
    assert np.all(per_item <= b.lead_h)
    assert np.all(per_item >= 0)


# --- through the report builder, on the demo ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from data.demo import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('whatif') / 'demo.db'}"
    with Store.open(url) as store:
        generate(store, end=datetime(2026, 3, 2, tzinfo=UTC))
        yield store


@pytest.mark.parametrize("calendar", ["calendar", "working"])
def test_the_demo_report_and_its_all_ones_projection_agree_exactly(demo: Store, calendar: str) -> None:
    cache.clear_memory()
    cfg = load_config(None)
    defs = replace(cfg.definitions, calendar=calendar)
    window = {"window_from": datetime(2025, 12, 1, tzinfo=UTC), "window_to": datetime(2026, 3, 2, tzinfo=UTC)}
    ones = parse_scenario([f"{st.name}.{p}=1" for st in cfg.stream(None).stages for p in ("wait", "active")])
    report = build_report(demo, cfg, **window, definitions=defs, details=False, what_if=ones)
    (s,) = report.streams
    w = s.what_if
    assert w is not None and w.items == s.completed > 100
    assert (w.lead_time_median_h, w.lead_time_p85_h, w.flow_efficiency) == (
        s.lead_time_median_h,
        s.lead_time_p85_h,
        s.flow_efficiency,
    )
    assert w.not_modelled == ("Approval.wait", "Approval.active", "Production.wait", "Production.active")
    # The panel's path: the base once, then a projection per keystroke, equal to the report's.
    base = what_if_base(demo, cfg, **window, definitions=defs)
    assert WhatIfResult(**asdict(project(base, ones, 7.0))) == w
    halved = project(base, parse_scenario(["Release.wait=0.5"]), 7.0)
    assert halved.lead_time_median_h is not None and s.lead_time_median_h is not None
    assert halved.lead_time_median_h < s.lead_time_median_h
