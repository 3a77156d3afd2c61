"""The sync service (data/sync/service.py) in this process.

The service runs the real GitHub connector against the local GitHub fake through the real HTTP
layer; only the connector's idea of "now" is pinned (the fake's data is from March 2026). The
cross-process behaviour (two services, SIGTERM, another process's import) is in
tests/sync/test_watch_processes.py; the change detector is in tests/store/test_generation.py, the
systemd unit in tests/test_systemd.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine

from data.config.model import Config, SourceConfig
from data.config.parse import parse_config
from data.connectors.github.connector import GitHubConnector
from data.connectors.http.limits import FakeClock
from data.connectors.redact import register_secret
from data.store.generation import ChangeDetector
from data.store.store import Store
from data.sync.run import StreamSummary, SyncSummary, store_lock
from data.sync.service import MAX_BACKOFF_S, backoff_delay, format_sync_line, run_service
from tests.helpers import github_fake as gh
from tests.helpers.server import FakeServer

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ sync (?P<src>[\w.-]+): (?P<status>ok|FAILED|cancelled) "
    r"(?P<records>\d+) records, (?P<pages>\d+) pages, (?P<requests>\d+) requests, "
    r"waits (?P<waits>\d+\.\d) s, (?P<secs>\d+\.\d) s(?P<rest>.*)$"
)
T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def _config(*sources: tuple[str, str, float]) -> Config:
    """A config with GitHub sources (name, url, interval_s) serving the fake's repository."""
    return parse_config(
        {
            "sources": [
                {
                    "name": name,
                    "kind": "github",
                    "url": url,
                    "interval_s": interval,
                    "repos": [gh.REPO],
                    "per_page": gh.PER_PAGE,
                    "status_labels": {"status: in review": "In Review"},
                }
                for name, url, interval in sources
            ]
        }
    )


def _factory(source: SourceConfig, token: str | None) -> GitHubConnector:
    return GitHubConnector(source, token, now=lambda: gh.NOW, clock=FakeClock())


class Lines:
    """A thread-safe log sink the test can wait on."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()

    def __call__(self, line: str) -> None:
        with self._cond:
            self.lines.append(line)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = 30.0) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.lines), timeout), "\n".join(self.lines)

    def syncs(self, source: str) -> list[re.Match[str]]:
        return [m for m in map(LINE.match, list(self.lines)) if m and m["src"] == source]


def _counts(store: Store) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if k in gh.expected(gh.dataset())}


# --- pure pieces ---------------------------------------------------------------------------------


def test_backoff_doubles_from_the_interval_and_is_capped() -> None:
    assert [backoff_delay(60, n) for n in range(6)] == [60, 120, 240, 480, 960, MAX_BACKOFF_S]
    assert backoff_delay(60, 500) == MAX_BACKOFF_S  # no overflow after a long outage
    # An hourly source is never retried more often than hourly because it failed.
    assert backoff_delay(3600, 1) == 3600
    # Schedules below the floor are raised to it (0.5 s, the tests' interval).
    assert backoff_delay(0.1, 0) == 0.5 and backoff_delay(0.1, 2) == 2.0


def test_sync_line_format() -> None:
    summary = SyncSummary("github", [StreamSummary("runs", pages=2, records=100, requests=4, waits_s=0.04)])
    summary.streams.append(StreamSummary("issues", pages=1, records=20, requests=1))
    assert format_sync_line(T0, summary, 1.234) == (
        "2026-03-02T09:00:05Z sync github: ok 120 records, 3 pages, 5 requests, waits 0.0 s, 1.2 s"
    )
    failed = SyncSummary("jira", [StreamSummary("issues", requests=3)], error="jira/issues: HTTP 503")
    assert format_sync_line(T0, failed, 0.26) == (
        "2026-03-02T09:00:05Z sync jira: FAILED 0 records, 0 pages, 3 requests, waits 0.0 s, 0.3 s: "
        "jira/issues: HTTP 503"
    )
    # A server's multi-line error page must not split the one line.
    multi = SyncSummary("jenkins", error="HTTP 500:\n  <html>\r\n oops</html>\n")
    assert format_sync_line(T0, multi, 0.0).endswith("0.0 s: HTTP 500: <html> oops</html>")
    stopped = SyncSummary("gitlab", [StreamSummary("mrs", pages=1, records=7, requests=1)], cancelled=True)
    assert LINE.match(format_sync_line(T0, stopped, 0.0))["status"] == "cancelled"  # type: ignore[index]


def test_sync_line_redacts_a_registered_token() -> None:
    register_secret("ghp_service_line_secret")
    failed = SyncSummary("github", error="HTTP 401 for token ghp_service_line_secret")
    line = format_sync_line(T0, failed, 0.1)
    assert "ghp_service_line_secret" not in line and "***" in line


# --- the service in this process -----------------------------------------------------------------


def test_once_syncs_each_source_and_logs_one_line_per_sync(store_url: str) -> None:
    lines = Lines()
    with FakeServer() as srv, Store.open(store_url) as store:
        gh.install(srv, gh.dataset())
        stats = run_service(
            None,
            _config(("github", srv.url, 60)),
            stop=threading.Event(),
            log=lines,
            clock=lambda: T0,
            once=True,
            connector_factory=_factory,
            store=store,
            token_for=lambda _name: None,
        )
        assert _counts(store) == gh.expected(gh.dataset())
        assert store.sync_states()["github"]["last_error"] is None
    assert lines.lines[0] == (
        f"2026-03-02T09:00:05Z flowdeck sync service: 1 source(s) (github every 60 s); store {store.url_for_display()}"
    )
    (sync,) = lines.syncs("github")
    assert sync["status"] == "ok" and sync["rest"] == ""
    # Records written (an upsert count: a run listed again in its rescan window counts twice).
    assert int(sync["records"]) >= sum(gh.expected(gh.dataset()).values())
    assert int(sync["requests"]) == len(srv.requests)
    assert lines.lines[-1] == "2026-03-02T09:00:05Z flowdeck sync service: done; 1 syncs, 0 failed, 0 skipped (locked)"
    assert len(lines.lines) == 3  # start, ONE line for the sync, end
    assert stats.syncs == {"github": 1} and stats.failures == {}


def test_a_failing_source_backs_off_while_another_keeps_syncing(sqlite_url: str) -> None:
    lines = Lines()
    stop = threading.Event()
    # "broken" answers 404 to everything (a wrong URL); "github" is healthy. Both every 0.5 s.
    with FakeServer() as good, FakeServer() as broken, Store.open(sqlite_url) as store:
        gh.install(good, gh.dataset())
        cfg = _config(("github", good.url, 0.5), ("broken", broken.url, 0.5))
        service = threading.Thread(
            target=run_service,
            args=(None, cfg),
            kwargs={"stop": stop, "log": lines, "connector_factory": _factory, "store": store},
        )
        service.start()
        try:
            # Broken tries at ~0 s, then waits 1 s, 2 s: its 3rd attempt comes ~3 s in.
            lines.wait_for(lambda _lines: len(lines.syncs("broken")) >= 3)
            good_syncs = lines.syncs("github")
        finally:
            stop.set()
            service.join(30)
        assert not service.is_alive()
        states = store.sync_states()
        assert _counts(store) == gh.expected(gh.dataset())
    broken_syncs = lines.syncs("broken")
    assert all(m["status"] == "FAILED" for m in broken_syncs)
    assert [
        re.search(r"retry in (\d+\.\d) s \(failure (\d+) in a row\)", m["rest"]).groups() for m in broken_syncs[:3]
    ] == [  # type: ignore[union-attr]
        ("1.0", "1"),
        ("2.0", "2"),
        ("4.0", "3"),
    ]
    assert "404" in broken_syncs[0]["rest"]
    # Meanwhile the healthy source kept its own 0.5 s schedule: about 6 syncs in those ~3 s.
    assert len(good_syncs) >= 4, lines.lines
    assert all(m["status"] == "ok" for m in good_syncs)
    assert states["broken"]["last_success_at"] is None and "404" in states["broken"]["last_error"]
    assert states["github"]["last_error"] is None
    assert lines.lines[-1].endswith("skipped (locked)") and " stopped; " in lines.lines[-1]


def test_stop_cancels_between_pages_and_the_next_run_resumes(sqlite_url: str) -> None:
    lines = Lines()
    stop = threading.Event()
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        gh.install(srv, gh.dataset())
        issues_path = f"/repos/{gh.REPO}/issues"
        real = next(h for m, p, h in srv._routes if p.pattern == issues_path)

        def issues_then_stop(req: Any) -> Any:
            stop.set()  # as if SIGTERM arrived while the issues listing is being read
            return real(req)

        srv.route("GET", issues_path, issues_then_stop)
        cfg = _config(("github", srv.url, 60))
        run_service(None, cfg, stop=stop, log=lines, connector_factory=_factory, store=store)
        (first,) = lines.syncs("github")
        assert first["status"] == "cancelled" and "resumes from the last stored page" in first["rest"]
        partial = _counts(store)
        assert 0 < sum(partial.values()) < sum(gh.expected(gh.dataset()).values())
        assert partial["work_items"] < gh.expected(gh.dataset())["work_items"]
        srv.route("GET", issues_path, real)
        resumed = run_service(
            None, cfg, stop=threading.Event(), log=lines, once=True, connector_factory=_factory, store=store
        )
        assert resumed.failures == {}
        assert _counts(store) == gh.expected(gh.dataset())


@pytest.mark.postgres
def test_a_source_locked_by_another_syncer_is_skipped_not_failed(store_url: str) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("the per-source lock exists on PostgreSQL only (SQLite: one desktop, one writer)")
    lines = Lines()
    with FakeServer() as srv, Store.open(store_url) as store, Store.open(store_url) as other:
        gh.install(srv, gh.dataset())
        with store_lock(other, "github"):  # another service is syncing github right now
            stats = run_service(
                None,
                _config(("github", srv.url, 60)),
                stop=threading.Event(),
                log=lines,
                clock=lambda: T0,
                once=True,
                connector_factory=_factory,
                store=store,
            )
        assert lines.lines[1] == "2026-03-02T09:00:05Z github: locked by another syncer, skipped"
        assert stats.skipped_locked == {"github": 1} and stats.syncs == {} and stats.failures == {}
        assert srv.requests == [] and store.is_empty()
        assert "github" not in store.sync_states()  # a skip is not an attempt


def test_no_source_is_an_error() -> None:
    with pytest.raises(ValueError, match="no sources to sync"):
        run_service("sqlite://", Config(), stop=threading.Event(), log=lambda _l: None)


def test_a_service_sync_that_brings_nothing_new_leaves_dashboards_alone(store_url: str) -> None:
    """The service records attempts without bumping the generation: dashboards keep their caches
    (on the large demo a cold report costs seconds) until records actually arrive."""
    with FakeServer() as srv, Store.open(store_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        cfg = _config(("github", srv.url, 60))

        def once() -> None:
            run_service(
                None,
                cfg,
                stop=threading.Event(),
                log=lambda _l: None,
                once=True,
                connector_factory=_factory,
                store=store,
            )

        once()
        detector = ChangeDetector(store)
        attempt = store.sync_states()["github"]["last_attempt_at"]
        once()
        assert detector.poll() is False
        assert store.sync_states()["github"]["last_attempt_at"] > attempt  # the attempt is still recorded
        state["issues"].append(
            {**state["issues"][0], "number": 99, "title": "new", "updated_at": "2026-03-30T10:00:00Z"}
        )
        once()
        assert detector.poll() is True  # new records do move it
        assert "new" in {w.title for w in store.work_items()}


@pytest.mark.postgres
def test_the_service_outlives_a_database_outage(store_url: str) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("a database server outage is a PostgreSQL matter")
    import os

    from sqlalchemy import text

    database = store_url.rsplit("/", 1)[1]
    admin = create_engine(os.environ["FLOWDECK_TEST_PG_URL"], isolation_level="AUTOCOMMIT")
    lines = Lines()
    stop = threading.Event()
    with FakeServer() as srv:
        gh.install(srv, gh.dataset())
        service = threading.Thread(
            target=run_service,
            args=(store_url, _config(("github", srv.url, 0.5))),
            kwargs={"stop": stop, "log": lines, "connector_factory": _factory},
        )
        service.start()
        try:
            lines.wait_for(lambda _l: len(lines.syncs("github")) >= 1)
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
                conn.execute(
                    text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")
                )
            lines.wait_for(lambda _l: any(m["status"] == "FAILED" for m in lines.syncs("github")))
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
            failed_at = next(i for i, m in enumerate(lines.syncs("github")) if m["status"] == "FAILED")
            lines.wait_for(lambda _l: any(m["status"] == "ok" for m in lines.syncs("github")[failed_at:]))
        finally:
            stop.set()
            service.join(30)
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
            admin.dispose()
    assert not service.is_alive()
    failure = next(m for m in lines.syncs("github") if m["status"] == "FAILED")
    assert "OperationalError" in failure["rest"] and "retry in 1.0 s" in failure["rest"]
    assert "[SQL:" not in failure["rest"]  # the driver's message, not SQLAlchemy's statement dump
