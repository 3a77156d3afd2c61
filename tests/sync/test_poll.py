"""Live polling without Qt: schedules, staleness, transitions, freshness, and a live poll of a fake
CCTray server (history, 304 idle polls). The horizon and wall order are in tests/pipelines/test_status.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from data.config.model import SourceConfig
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.pipelines.order import is_default_branch
from data.pipelines.results import PipelineStatus
from data.pipelines.status import load_pipelines
from data.store.store import Store
from data.sync.poll import SourceSchedule, TransitionTracker, freshness, live_streams, overall_state, poll_source
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import FakeServer, Reply

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
