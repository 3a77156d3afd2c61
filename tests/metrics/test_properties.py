"""Properties of the metrics engine and the report over random stores, windows and instants.

Stores are drawn from the shapes of partial data (tests/partial_shapes.py: any subset of tickets,
incidents, runs, deployments and changes, from none to a few of each, often at equal instants),
imported through the importer. Invariants:

* nothing raises (report, drill-down, trends, pipelines, quality, maturity);
* every rate is in [0, 1];
* per completed item, time waiting plus time active in the stages is at most its lead time;
* counts add up: stage WIP sums to the stream's WIP, a stage's items are completed items, the
  drill-down has one row per item and WIP, succeeded deployments are the DORA count;
* ``as_of`` in the past never sees later events: the report as of T on a store equals the report
  as of T on the same store with everything after T removed.

Each property runs in well under 20 s (``max_examples``; ``deadline=None``: a store is built per
example).
"""

from __future__ import annotations

import io
import math
import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.config.model import Config
from data.config.parse import parse_config
from data.events.importer import import_files
from data.materialise import cache
from data.materialise.cache import stream_arrays
from data.maturity.build import assess_maturity
from data.metrics.clock import clock_for
from data.quality.checks import assess
from data.report.build import build_report, stage_details
from data.report.results import Report
from data.report.trends import pipeline_statuses, weekly_trends
from data.store.schema import to_ms
from data.store.store import Store
from tests.helpers.partial_shapes import T0, iso, lines, random_events

KINDS = ("tickets", "incidents", "runs", "deployments", "changes")
SPAN_H = 300

CONFIG: Config = parse_config(
    {
        "definitions": {"median": "interpolated"},
        "streams": [
            {
                "name": "Pay",
                "done": ["Done"],
                "repos": ["bank/pay"],
                "production": "(?i)^prod",
                "stages": [
                    {"name": "Development", "wait": ["Selected for Development"], "active": ["In Progress"]},
                    {"name": "Test", "wait": ["Ready for Test"], "active": ["Testing"]},
                    {"name": "Approval", "jobs": "^approve"},
                    {"name": "Staging", "deployments": "^staging$"},
                    {"name": "Production", "deployments": "(?i)^prod"},
                ],
            }
        ],
    }
)
#: FLOWDECK_PROPERTY_SCALE=20 runs twenty times the examples (a bug hunt; the suite keeps ~20 s).
SCALE = int(os.environ.get("FLOWDECK_PROPERTY_SCALE", "1"))
SETTINGS = settings(
    max_examples=25 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=False,
    database=None,
)


@st.composite
def stores(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Event lines of a random store of a random shape."""
    kinds = draw(st.frozensets(st.sampled_from(KINDS)))
    n = draw(st.integers(0, 6))
    span = draw(st.sampled_from((0, 1, 24, SPAN_H)))  # 0: everything at one instant
    seed = draw(st.integers(0, 2**32 - 1))
    return random_events(random.Random(seed), kinds, n, span)


def hours(h: int) -> datetime:
    return T0 + timedelta(hours=h)


windows = st.tuples(st.integers(-100, SPAN_H + 50), st.integers(1, 24 * 30)).map(
    lambda w: (hours(w[0]), hours(w[0] + w[1]))
)
instants = st.integers(-50, SPAN_H + 100).map(hours)
definitions = st.tuples(st.sampled_from(("interpolated", "lower")), st.sampled_from(("2023", "2021"))).map(
    lambda d: replace(CONFIG.definitions, median=d[0], dora=d[1])
)


@contextmanager
def store_of(events: list[dict[str, Any]]) -> Iterator[Store]:
    """A fresh store holding ``events`` (imported as a user would), removed afterwards."""
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(f"sqlite:///{Path(d) / 'flowdeck.db'}")
        try:
            text = lines(events)
            if text:
                import_files(store, ["-"], stdin=io.StringIO(text))
            cache.clear_memory()
            yield store
        finally:
            store.close()
            cache.clear_memory()


def _rate(x: float | None) -> None:
    assert x is None or 0.0 <= x <= 1.0 + 1e-12, x


def check_report(report: Report) -> None:
    """Rates in [0, 1] and counts that add up."""
    for s in report.streams:
        _rate(s.flow_efficiency)
        _rate(s.rolled_complete_accurate)
        status = [stage for stage in s.stages if stage.kind == "status"]
        assert sum(stage.wip for stage in status) == s.wip
        for stage in s.stages:
            _rate(stage.complete_accurate)
            if stage.kind == "status":
                assert stage.items <= s.completed
                assert len(stage.details) == stage.items + stage.wip
            else:
                assert len(stage.details) == stage.items
            for value in (stage.wait_median_h, stage.active_median_h, stage.wip_age_median_h):
                assert value is None or math.isfinite(value)
        assert s.throughput_per_week is not None and s.throughput_per_week >= 0
    d, dl = report.dora, report.delivery
    _rate(d.change_failure_rate)
    _rate(dl.production_deployment_success_rate)
    assert dl.production_deployments_succeeded == d.deployments
    assert 0 <= dl.requirement_lead_time_unlinked <= dl.requirements_completed <= report.streams[0].completed
    assert d.changes_deployed >= 0
    for x in (d.deployments_per_week, d.deploy_days_per_week_median, dl.releases_per_week):
        assert x is None or x >= 0


@SETTINGS
@given(events=stores(), window=windows, as_of=instants, defs=definitions)
def test_the_report_holds_its_invariants(
    events: list[dict[str, Any]], window: tuple[datetime, datetime], as_of: datetime, defs: Any
) -> None:
    with store_of(events) as store:
        f, t = window
        report = build_report(store, CONFIG, window_from=f, window_to=t, as_of=as_of, definitions=defs)
        check_report(report)
        for st_ in report.streams[0].stages:
            assert (
                stage_details(store, CONFIG, window_from=f, window_to=t, as_of=as_of, stage=st_.name, definitions=defs)
                == st_.details
            )
        for p in weekly_trends(store, CONFIG, window_from=f, window_to=t, definitions=defs):
            _rate(p.deployment_success_rate)
            _rate(p.flow_efficiency)
            assert p.wip >= 0 and p.deployments >= 0
        pipeline_statuses(store, as_of=as_of)


@SETTINGS
@given(events=stores(), as_of=instants, calendar=st.sampled_from(("calendar", "working")))
def test_wait_and_active_fit_in_the_lead_time(events: list[dict[str, Any]], as_of: datetime, calendar: str) -> None:
    stream = CONFIG.streams[0]
    clock = clock_for(stream, calendar)
    with store_of(events) as store:
        arrays = stream_arrays(store, stream, clock)
        flow = arrays.flow_as_of(to_ms(as_of), clock)
    done = flow.completed_ms >= 0
    lead_s = clock.seconds(arrays.flow_data.created_ms[done], flow.completed_ms[done])
    in_stages = flow.wait_s[done].sum(axis=1) + flow.active_s[done].sum(axis=1)
    assert np.all(flow.wait_s >= 0) and np.all(flow.active_s >= 0)
    assert np.all(in_stages <= lead_s + 1e-6), (in_stages, lead_s)


@settings(max_examples=12 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(events=stores(), window=windows, as_of=instants)
def test_quality_and_maturity_never_raise(
    events: list[dict[str, Any]], window: tuple[datetime, datetime], as_of: datetime
) -> None:
    with store_of(events) as store:
        q = assess(store, CONFIG, as_of=as_of)
        for c in q.coverage:
            _rate(c.share)
        view = assess_maturity(store, CONFIG, window_from=window[0], window_to=window[1], as_of=as_of)
        assert all(r.level is None or 1 <= r.level <= 5 for r in view.rows)


# --- as of T: nothing after T ---------------------------------------------------------------------


def _after(value: str | None, cut: str) -> bool:
    return value is not None and value > cut  # ISO 8601 UTC with a fixed format: text order is time order


def truncate(events: list[dict[str, Any]], cut_at: datetime) -> list[dict[str, Any]]:
    """The store as a sync at ``cut_at`` would have left it: every later event removed, and what
    was still running then shown as running (a run, job or deployment finished later; an incident
    resolved later; a change merged later)."""
    cut = iso(cut_at)
    out: list[dict[str, Any]] = []
    items = {(e["source"], e["key"]) for e in events if e["kind"] == "work_item" and not _after(e["created_at"], cut)}
    first_change: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        if e["kind"] == "status_change":
            first_change.setdefault((e["source"], e["key"]), e)
    for original in events:
        e = dict(original)
        kind = e["kind"]
        if kind == "work_item":
            if (e["source"], e["key"]) not in items:
                continue
            e.pop("status", None)  # the current status: as of the last sync, not as of the cut
            out.append(e)
            first = first_change.get((e["source"], e["key"]))
            if first is not None and _after(first["at"], cut) and first.get("from"):
                # What the later first change revealed (the status since creation) was visible then.
                out.append({"kind": "status_change", "source": e["source"], "key": e["key"]})
                out[-1] |= {"at": e["created_at"], "to": first["from"]}
        elif kind == "status_change":
            if (e["source"], e["key"]) in items and not _after(e["at"], cut):
                out.append(e)
        elif kind == "change":
            if _after(e["created_at"], cut):
                continue
            if _after(e.get("merged_at"), cut):
                e.pop("merged_at"), e.pop("merge_sha", None)
            for k in ("first_commit_at", "first_review_at"):
                if _after(e.get(k), cut):
                    e.pop(k)
            out.append(e)
        elif kind in ("pipeline_run", "job_run"):
            first = e.get("queued_at") or e.get("started_at")
            if first is None or _after(first, cut):
                continue
            if _after(e.get("started_at"), cut):
                e.pop("started_at")
                if kind == "pipeline_run":
                    e["status"] = "queued"
            if _after(e.get("finished_at"), cut):
                e.pop("finished_at"), e.pop("result", None), e.pop("paused_s", None)
                if kind == "pipeline_run":
                    e["status"] = "running" if e.get("started_at") else "queued"
            out.append(e)
        elif kind == "deployment":
            first = e.get("started_at") or e.get("finished_at")
            if first is None or _after(first, cut):
                continue
            if _after(e.get("finished_at"), cut):
                e.pop("finished_at")
                e["status"] = "running"
            out.append(e)
        elif kind == "incident":
            if _after(e["created_at"], cut):
                continue
            if _after(e.get("resolved_at"), cut):
                e.pop("resolved_at")
            out.append(e)
        else:  # pragma: no cover - the random stores hold no other kind
            raise AssertionError(kind)
    return out


def _instants(events: list[dict[str, Any]]) -> list[datetime]:
    """Every instant in ``events`` (where a cut can split a record's life)."""
    return sorted(
        {datetime.fromisoformat(v) for e in events for k, v in e.items() if k.endswith("_at") and isinstance(v, str)}
    )


@settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(events=stores(), window=windows, defs=definitions, data=st.data())
def test_as_of_never_sees_later_events(
    events: list[dict[str, Any]], window: tuple[datetime, datetime], defs: Any, data: st.DataObject
) -> None:
    f, t = window
    # Cut at, just before or just after an instant of the data (where records are half known),
    # or anywhere.
    known = _instants(events)
    near = st.tuples(st.sampled_from(known), st.sampled_from((-1, 0, 1))) if known else st.nothing()
    cut = data.draw(
        near.map(lambda x: x[0] + timedelta(milliseconds=x[1])) | instants if known else instants, label="cut"
    )

    def report(evs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
        with store_of(evs) as store:
            r = build_report(store, CONFIG, window_from=f, window_to=t, as_of=cut, definitions=defs, details=False)
        return r.to_json(), r.notes["missing"]

    assert report(events) == report(truncate(events, cut))


def test_truncate_keeps_what_was_known(tmp_path: Path) -> None:
    """The helper itself, on one run of each kind (a wrong helper would make the property vacuous)."""
    events = [
        {"kind": "deployment", "source": "ci", "repo": "r", "id": 1, "environment": "production"}
        | {"status": "success", "started_at": iso(hours(1)), "finished_at": iso(hours(5))},
        {"kind": "pipeline_run", "source": "ci", "pipeline": "p", "id": 1, "status": "completed"}
        | {"queued_at": iso(hours(1)), "started_at": iso(hours(3)), "finished_at": iso(hours(5)), "result": "success"},
        {"kind": "incident", "source": "j", "key": "I-1", "created_at": iso(hours(4))},
    ]
    cut = truncate(events, hours(2))
    assert cut[0]["status"] == "running" and "finished_at" not in cut[0]
    assert cut[1]["status"] == "queued" and "started_at" not in cut[1] and "result" not in cut[1]
    assert len(cut) == 2
    assert truncate(events, hours(9)) == events
    with pytest.raises(AssertionError):
        truncate([{"kind": "commit"}], hours(1))


def test_a_deployment_cancelled_later_was_running_before() -> None:
    """Found by the property above: a staging deployment started at 09:00 and cancelled at 10:00
    was running at 09:30; the deployment stage showed it nowhere, because it ended cancelled."""
    events = [
        {"kind": "deployment", "source": "ci", "repo": "bank/pay", "id": 1, "environment": "staging"}
        | {"status": "cancelled", "started_at": iso(hours(0)), "finished_at": iso(hours(1))},
        # A success without a finish time is left out of every figure (data quality lists it), not
        # running for ever.
        {"kind": "deployment", "source": "ci", "repo": "bank/pay", "id": 2, "environment": "production"}
        | {"status": "success", "started_at": iso(hours(0))},
    ]

    def stages(as_of: datetime) -> Any:
        with store_of(events) as store:
            r = build_report(store, CONFIG, window_from=hours(-24), window_to=hours(24), as_of=as_of)
        return r.streams[0].stages[3], r.streams[0].stages[4]

    (staging, production), (staging_after, _p) = stages(hours(0) + timedelta(minutes=30)), stages(hours(2))
    assert (staging.wip, staging.items) == (1, 0)
    assert staging.wip_age_median_h == pytest.approx(0.5)
    assert (staging_after.wip, staging_after.items) == (0, 0)  # cancelled: never an item of the stage
    assert (production.wip, production.items) == (0, 0)
