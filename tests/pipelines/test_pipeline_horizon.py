"""Which pipelines the wall and the desktop's Pipelines page show, and in which order, on a hand-built
history: default branches first (failing first among them), feature branches after them and only
while active in the last 3 days (``FEATURE_HORIZON_DAYS``), the 14-day horizon for everything."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from data.pipelines.order import FEATURE_HORIZON_DAYS, last_activity_ms, recent_groups, sort_pipelines
from data.pipelines.results import PipelineStatus
from data.pipelines.state import RunRow
from data.pipelines.status import DEFAULT_HORIZON_DAYS, load_pipelines
from data.records import PipelineRun
from data.report.trends import pipeline_statuses
from data.store.schema import to_ms
from data.store.store import Store

AS_OF = datetime(2026, 11, 30, tzinfo=UTC)


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return AS_OF - timedelta(days=days, hours=hours, minutes=minutes)


def run(pipeline: str, branch: str | None, rid: str, start: datetime, minutes: float | None, result: str | None) -> Any:
    done = None if minutes is None else start + timedelta(minutes=minutes)
    return PipelineRun(
        "ci",
        pipeline,
        rid,
        branch=branch,
        status="completed" if result else "running",
        result=result,
        queued_at=start,
        started_at=start,
        finished_at=done,
    )


def history() -> list[Any]:
    return [
        # app@main: passed 20 days ago, failed 13 days ago (inside the 14-day horizon): shown.
        run("app", "main", "m1", ago(20), 10, "success"),
        run("app", "main", "m2", ago(13), 10, "failure"),
        # app@release/2: passed 10 days ago: a default branch, shown.
        run("app", "release/2", "r1", ago(10), 10, "success"),
        # app@feature/old: failed 13 days ago: the "two-week-old feature failure" — hidden.
        run("app", "feature/old", "o1", ago(13), 10, "failure"),
        # app@feature/edge: its run finished exactly 3 days ago: at the boundary, so outside.
        run("app", "feature/edge", "e1", ago(3, minutes=10), 10, "failure"),
        # app@feature/new: failed 2 days 23 hours ago (finished): inside, shown after the defaults.
        run("app", "feature/new", "n1", ago(2, hours=23, minutes=10), 10, "failure"),
        # app@feature/live: started 4 days ago, still running: its latest instant is 4 days old — hidden.
        run("app", "feature/live", "l1", ago(4), None, None),
        # lib@bugfix/x: passed an hour ago: a recent feature branch, shown.
        run("lib", "bugfix/x", "b1", ago(hours=1), 5, "success"),
        # batch (a Jenkins job, no branch): counts as its own mainline.
        run("batch", None, "j1", ago(6), 30, "success"),
    ]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    s.upsert(history())
    yield s
    s.close()


def keys(statuses: Any) -> list[tuple[str, str | None, str]]:
    return [(s.pipeline, s.branch, s.state) for s in statuses]


def test_feature_branches_after_the_default_ones_and_only_when_recent(store: Store) -> None:
    assert FEATURE_HORIZON_DAYS == 3.0 and DEFAULT_HORIZON_DAYS == 14.0
    view = load_pipelines(store, as_of=AS_OF)
    assert keys(view.statuses) == [
        ("app", "main", "failed"),  # default branches: failing first,
        ("batch", None, "success"),  # then the most recent first (6 days ago),
        ("app", "release/2", "success"),  # (10 days ago);
        ("app", "feature/new", "failed"),  # feature branches after them, failing first,
        ("lib", "bugfix/x", "success"),
    ]
    # feature/old, feature/edge and feature/live are idle feature branches: hidden and counted as such.
    assert view.hidden == 3 and view.total == 5 and view.counts == {"failed": 2, "success": 3}
    assert view.feature_horizon_days == 3.0 and view.horizon_days == 14.0
    # The status knows the instant it is true for (ages on the desktop are measured to it).
    assert {s.as_of for s in view.statuses} == {AS_OF}


def test_the_desktop_page_gets_the_same_pipelines(store: Store) -> None:
    # The Pipelines page of the main window reads them through data.report.trends.pipeline_statuses.
    statuses = pipeline_statuses(store, as_of=AS_OF)
    assert keys(statuses) == keys(load_pipelines(store, as_of=AS_OF).statuses)
    assert ("app", "feature/old", "failed") not in keys(statuses)


def test_the_horizons_can_be_changed(store: Store) -> None:
    # No feature horizon: every feature branch of the last 14 days, still after the default branches.
    wide = load_pipelines(store, as_of=AS_OF, feature_horizon_days=None)
    assert [s.branch for s in wide.statuses] == [
        "main",
        None,
        "release/2",
        "feature/new",  # failing, most recent first:
        "feature/edge",
        "feature/old",
        "feature/live",  # running
        "bugfix/x",
    ]
    # The feature horizon never exceeds the activity horizon (2 days here: feature/new is out too).
    short = load_pipelines(store, as_of=AS_OF, horizon_days=2)
    assert keys(short.statuses) == [("lib", "bugfix/x", "success")] and short.feature_horizon_days == 2
    # No horizon at all: every pipeline ever seen, feature branches included.
    everything = load_pipelines(store, as_of=AS_OF, horizon_days=None)
    assert len(everything.statuses) == 8 and everything.feature_horizon_days is None
    # ``limit`` keeps the counts of everything shown (the idle feature branches are not in them).
    top = load_pipelines(store, as_of=AS_OF, limit=2)
    assert keys(top.statuses) == [("app", "main", "failed"), ("batch", None, "success")]
    assert top.counts == {"failed": 2, "success": 3}


def test_recent_groups_boundaries_by_hand() -> None:
    as_of = to_ms(AS_OF)

    def row(branch: str | None, *, queued: int | None, started: int | None, finished: int | None) -> RunRow:
        return RunRow("ci", "p", "1", 1, None, branch, "completed", "success", queued, started, finished, None, None)

    day = 86_400_000
    rows = {
        ("ci", "p", "feature/a"): [row("feature/a", queued=as_of - 5 * day, started=None, finished=as_of - 3 * day)],
        ("ci", "p", "feature/b"): [row("feature/b", queued=as_of - 3 * day + 1, started=None, finished=None)],
        ("ci", "p", "feature/c"): [row("feature/c", queued=None, started=None, finished=None)],
        ("ci", "p", "main"): [row("main", queued=as_of - 13 * day, started=None, finished=None)],
        # An instant after as_of is not known yet: the latest known one (4 days ago) decides.
        ("ci", "p", "feature/d"): [row("feature/d", queued=as_of - 4 * day, started=None, finished=as_of + 1)],
    }
    assert last_activity_ms(rows[("ci", "p", "feature/d")][0], as_of) == as_of - 4 * day
    kept = recent_groups(rows, as_of, 3.0, lambda _s, b: b == "main")
    # a: exactly 3 days: out; b: 1 ms inside: in; c: no instant at all (a feed without times): in.
    assert sorted(k[2] for k in kept) == ["feature/b", "feature/c", "main"]
    assert recent_groups(rows, as_of, None, lambda _s, b: b == "main") == rows


def test_sort_order_of_statuses() -> None:
    t = AS_OF
    statuses = [
        PipelineStatus("ci", "a", "feature/x", "failed", finished_at=t),
        PipelineStatus("ci", "b", "main", "success", started_at=t - timedelta(hours=1)),
        PipelineStatus("ci", "c", "main", "running", started_at=t - timedelta(hours=2)),
        PipelineStatus("ci", "d", "feature/y", "queued"),
        PipelineStatus("ci", "e", "release-3", "failed", started_at=t - timedelta(days=2)),
    ]
    assert [s.pipeline for s in sort_pipelines(statuses)] == ["e", "c", "b", "a", "d"]
