"""Live status without Qt: the horizon and wall order on a hand-built history, schedules, staleness,
transitions, freshness, and a live poll of a fake CCTray server (history, 304 idle polls)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.pipelines.order import is_default_branch
from data.pipelines.results import PipelineStatus
from data.pipelines.status import load_pipelines
from data.records import Commit, PipelineRun
from data.report.trends import pipeline_statuses
from data.store.store import Store
from data.sync.poll import SourceSchedule, TransitionTracker, freshness, live_streams, overall_state, poll_source
from tests.connectors.onprem_fakes import cctray_feed
from tests.fakes.server import FakeServer, Reply

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


# -- schedules, staleness, freshness ---------------------------------------------------------------


def test_schedule_backoff_recovery_and_staleness() -> None:
    s = SourceSchedule("ci", interval_s=30, created_at=0.0)
    assert s.due(0) and not s.stale(89.9) and s.stale(90)  # never answered: stale after 3 intervals
    s.started()
    assert not s.due(1000)  # one poll at a time
    assert s.succeeded(1.0) is False and s.next_due == 31.0 and not s.stale(90.9)
    s.started()
    assert s.failed(31, "HTTP 503") is True  # first failure of a streak: news
    assert s.next_due == 31 + 60  # 30 × 2
    s.started()
    assert s.failed(91, "HTTP 503") is False and s.next_due == 91 + 120  # × 4, no news
    assert s.stale(91.0) is True and s.last_error == "HTTP 503"
    s.started()
    assert s.failed(211, "rate limited", retry_after_s=900) is False and s.next_due == 211 + 900
    s.started()
    assert s.succeeded(1111) is True and s.failures == 0 and s.last_error is None  # recovered


def test_freshness_thresholds() -> None:
    assert freshness(89, 30) == "ok" and freshness(90, 30) == "amber"
    assert freshness(299, 30) == "amber" and freshness(300, 30) == "red" and freshness(None, 30) == "red"


def ps(name: str, state: str, run_id: str, branch: str | None = "main", **kw: Any) -> PipelineStatus:
    return PipelineStatus("ci", name, branch, state, run_id=run_id, **kw)


def test_transitions_broken_fixed_still_broken_mute_pause() -> None:
    t = TransitionTracker()
    assert t.update([ps("app", "failed", "1"), ps("lib", "success", "1")]) == []  # baseline: no replay
    assert t.update([ps("app", "failed", "1"), ps("lib", "failed", "2")])[0].kind == "broken"
    assert t.update([ps("app", "running", "2"), ps("lib", "failed", "2")]) == []  # running: no verdict
    [n] = t.update([ps("app", "failed", "2", failing_runs=2, authors=("li",)), ps("lib", "failed", "2")])
    assert (n.kind, n.status.pipeline) == ("still broken", "app")
    assert n.title == "app (main) still broken" and n.body == "ci: failing for 2 runs\ncommits by li"
    [n] = t.update([ps("app", "success", "3"), ps("lib", "failed", "2")])
    assert n.kind == "fixed" and n.body == "ci: passing again"
    t.mute(("ci", "app", "main"))
    assert t.update([ps("app", "failed", "4")]) == []
    t.mute(("ci", "app", "main"), False)
    t.paused = True
    assert t.update([ps("app", "success", "5")]) == []  # followed (fixed) but not told
    t.paused = False
    assert t.update([ps("app", "success", "5")]) == []  # nothing replayed after the pause


def test_transitions_feature_branches_only_when_asked() -> None:
    t = TransitionTracker(is_default=lambda s: is_default_branch(s.branch))
    t.update([ps("app", "success", "1", branch="feature/y"), ps("app", "success", "1")])
    assert [
        n.status.branch for n in t.update([ps("app", "failed", "2", branch="feature/y"), ps("app", "failed", "2")])
    ] == ["main"]
    assert overall_state([ps("a", "success", "1"), ps("b", "queued", "1")]) == "running"
    assert overall_state([]) == "unknown" and overall_state([ps("a", "failed", "1")]) == "failed"


# -- a live poll of a fake CCTray server -----------------------------------------------------------


class Feed:
    """A CCTray feed that changes between polls and answers 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.project = {
            "name": "bank-app",
            "activity": "Sleeping",
            "lastBuildStatus": "Success",
            "lastBuildLabel": "41",
            "lastBuildTime": "2026-03-02T09:00:00Z",
            "webUrl": "https://ci/app",
        }
        self.answers: list[int] = []

    def set(self, **kw: str) -> None:
        self.project.update(kw)

    def reply(self, req: Any) -> Reply:
        body = cctray_feed([self.project])
        etag = f'"{abs(hash(body))}"'
        if req.headers.get("If-None-Match") == etag:
            self.answers.append(304)
            return Reply(status=304, headers={"ETag": etag})
        self.answers.append(200)
        return Reply.text(body, content_type="application/xml", headers={"ETag": etag})


def cctray(url: str, clock: FakeClock, name: str = "gocd") -> CCTrayConnector:
    src = SourceConfig(name=name, kind="cctray", url=f"{url}/cctray.xml", timeout_s=2, interval_s=30)
    return CCTrayConnector(src, None, clock=clock, policy=RetryPolicy(max_attempts=1))


def test_poll_builds_history_and_idle_polls_write_nothing(sqlite_url: str) -> None:
    feed = Feed()
    clock = FakeClock(start=datetime(2026, 3, 2, 9, 30, tzinfo=UTC).timestamp())
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", feed.reply)
        store = Store.open(sqlite_url)
        conn = cctray(srv.url, clock)
        assert live_streams(conn) == ["status"]

        def poll() -> PipelineStatus:
            assert poll_source(store, conn).ok
            (p,) = load_pipelines(store, as_of=datetime.fromtimestamp(clock.now, UTC)).statuses
            return p

        assert poll().state == "success"
        gen = store.generation()
        assert poll().state == "success" and store.generation() == gen and feed.answers[-1] == 304  # idle
        feed.set(activity="Building")
        clock.now += 60
        p = poll()
        assert p.state == "running" and p.eta_s is None  # no timed success yet
        clock.now += 600
        feed.set(
            activity="Sleeping", lastBuildLabel="42", lastBuildStatus="Failure", lastBuildTime="2026-03-02T09:41:00Z"
        )
        p = poll()
        assert (p.state, p.failing_runs, p.broken_since) == ("failed", 1, datetime(2026, 3, 2, 9, 41, tzinfo=UTC))
        feed.set(activity="Building")
        clock.now += 60
        p = poll()
        # Re-building a broken pipeline: running, and the streak so far stays on the tile.
        assert (p.state, p.failing_runs, p.broken_since) == ("running", 1, datetime(2026, 3, 2, 9, 41, tzinfo=UTC))
        assert p.eta_s is None and p.elapsed_s == 0.0
        feed.set(
            activity="Sleeping", lastBuildLabel="43", lastBuildStatus="Failure", lastBuildTime="2026-03-02T09:51:00Z"
        )
        clock.now += 600
        p = poll()
        assert (p.failing_runs, p.broken_since) == (2, datetime(2026, 3, 2, 9, 41, tzinfo=UTC))
        feed.set(activity="Building")
        clock.now += 60
        poll()
        feed.set(
            activity="Sleeping", lastBuildLabel="44", lastBuildStatus="Success", lastBuildTime="2026-03-02T10:02:00Z"
        )
        clock.now += 600
        p = poll()
        assert (p.state, p.failing_runs, p.broken_since) == ("success", 0, None)
        gen = store.generation()
        poll()
        assert store.generation() == gen and feed.answers[-1] == 304
        store.close()
