"""Live pipeline status without Qt: the horizon and wall order on a hand-built history, configured
default branches, a past "as of" and the report API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from data.pipelines.order import is_default_branch
from data.pipelines.status import load_pipelines
from data.records import Commit, PipelineRun
from data.report.trends import pipeline_statuses
from data.store.store import Store

T0 = datetime(2026, 3, 1, tzinfo=UTC)
AS_OF = T0 + timedelta(days=30)


def day(d: float, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=d, minutes=minutes)


def run(pipeline: str, branch: str, rid: str, start: datetime, minutes: float | None, result: str | None, **kw: Any):
    done = None if minutes is None else start + timedelta(minutes=minutes)
    status = "completed" if result else "running"
    return PipelineRun(
        "gh",
        pipeline,
        rid,
        branch=branch,
        status=status,
        result=result,
        queued_at=start,
        started_at=start,
        finished_at=done,
        **kw,
    )


def history() -> list[Any]:
    recs: list[Any] = []
    # A: app@main — passing until day 10, failing since day 12 (before the 14-day horizon at day 16).
    recs += [run("app", "main", f"a{i}", day(i), 30, "success", author="zed") for i in range(1, 4)]
    recs.append(run("app", "main", "a10", day(10), 30, "success", author="zed"))
    recs.append(run("app", "main", "a12", day(12), 60, "failure", author="ann"))
    recs.append(run("app", "main", "a20", day(20), 30, "failure", author="bob"))
    recs.append(run("app", "main", "a25", day(25), 30, "failure", sha="s3"))
    recs.append(Commit("gh", "bank/app", "s3", "oops", author="cy"))
    # B: app@feature/x — one failure, the most recent of all.
    recs.append(run("app", "feature/x", "b1", day(29), 5, "failure", author="dee"))
    # C: app@release/1.0 — running for 10 min; 8 successes before the horizon, 4 inside it.
    for i, m in enumerate([5, 10, 15, 20, 25, 30, 35, 40], start=2):
        recs.append(run("app", "release/1.0", f"c{i}", day(i), m, "success"))
    for i, m in zip(range(26, 30), [50, 60, 70, 80], strict=True):
        recs.append(run("app", "release/1.0", f"c{i}", day(i), m, "success"))
    recs.append(run("app", "release/1.0", "c30", AS_OF - timedelta(minutes=10), None, None))
    # D: lib@main passing; E, F idle for weeks (hidden by the horizon).
    recs.append(run("lib", "main", "d1", day(20), 10, "success"))
    recs.append(run("old", "feature/abandoned", "e1", day(3), 10, "failure"))
    recs.append(run("old", "main", "f1", day(1), 10, "success"))
    return recs


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    s.upsert(history())
    yield s
    s.close()


def test_horizon_order_and_hand_computed_figures(store: Store) -> None:
    view = load_pipelines(store, as_of=AS_OF)
    keys = [(s.pipeline, s.branch, s.state) for s in view.statuses]
    # Default branches first (failing first among them), then the (more recent) failing feature branch.
    assert keys == [
        ("app", "main", "failed"),
        ("app", "release/1.0", "running"),
        ("lib", "main", "success"),
        ("app", "feature/x", "failed"),
    ]
    assert view.hidden == 2 and view.total == 4 and view.failing == 2
    a, c, _d, b = view.statuses
    # Broken since the first failure after the last success (day 12 + 60 min: before the horizon).
    assert a.broken_since == day(12, 60) and a.failing_runs == 3
    assert a.authors == ("ann", "bob", "cy")  # run authors, then the commit's author; not "zed"
    assert b.broken_since == day(29, 5) and b.failing_runs == 1 and b.authors == ("dee",)
    # ETA: median of the last 10 successful durations (6 before the horizon, 4 inside):
    # 15 20 25 30 35 | 40 50 60 70 80 -> (35 + 40) / 2 = 37.5 min.
    assert c.eta_s == 37.5 * 60 and c.elapsed_s == 600.0
    assert c.broken_since is None and c.failing_runs == 0


def test_horizon_off_shows_idle_pipelines_and_limit_keeps_counts(store: Store) -> None:
    everything = load_pipelines(store, as_of=AS_OF, horizon_days=None)
    assert len(everything.statuses) == 6 and everything.hidden == 0
    assert {(s.pipeline, s.branch) for s in everything.statuses} >= {("old", "feature/abandoned"), ("old", "main")}
    top = load_pipelines(store, as_of=AS_OF, limit=2)
    assert [s.branch for s in top.statuses] == ["main", "release/1.0"]
    assert top.total == 4 and top.counts == {"failed": 2, "running": 1, "success": 1}
    # A shorter horizon (from day 24.5) hides lib@main (day 20) as well; a run exactly at the
    # horizon's start is outside it (5 days: app@main's day-25 run is not "within" them).
    assert [s.branch for s in load_pipelines(store, as_of=AS_OF, horizon_days=5).statuses] == [
        "release/1.0",
        "feature/x",
    ]
    short = load_pipelines(store, as_of=AS_OF, horizon_days=5.5)
    assert [s.branch for s in short.statuses] == ["main", "release/1.0", "feature/x"] and short.hidden == 3


def test_configured_default_branches_change_the_order(store: Store) -> None:
    view = load_pipelines(store, as_of=AS_OF, default_branches={"gh": ("develop",)}, feature_horizon_days=None)
    # Neither failing branch is a default branch now: the most recent failure comes first.
    assert [s.branch for s in view.statuses[:2]] == ["feature/x", "main"]
    # With the feature horizon (3 days) main (last run day 25, 5 days ago) is now an idle feature branch.
    recent = load_pipelines(store, as_of=AS_OF, default_branches={"gh": ("develop",)})
    assert [s.branch for s in recent.statuses] == ["feature/x", "release/1.0"] and recent.hidden == 4
    assert is_default_branch(None) and is_default_branch("release/2.1") and not is_default_branch("mainline")


def test_past_as_of_and_the_report_api(store: Store) -> None:
    # Seen from day 21: A had failed twice (days 12 and 20), C had not started its last run.
    statuses = pipeline_statuses(store, as_of=day(21))
    a = next(s for s in statuses if (s.pipeline, s.branch) == ("app", "main"))
    assert a.failing_runs == 2 and a.authors == ("ann", "bob")
    c = next(s for s in statuses if s.branch == "release/1.0")
    assert c.state == "success"
