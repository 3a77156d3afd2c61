"""``flowdeck sync --watch`` as real processes: two services on one PostgreSQL database, SIGTERM in
the middle of a sync and a restart, and a dashboard noticing another process's import.

Every process runs ``python -m app.cli`` against the GitHub fake (tests/helpers/github_fake.py)
served from this test process over real HTTP; the connector in the child uses the real clock, so
the source config reaches back far enough (``lookback_days``) for the fake's March 2026 data.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from data.records import WorkItem
from data.store.generation import ChangeDetector
from data.store.store import Store
from tests.helpers import github_fake as gh
from tests.helpers.server import FakeServer, Reply, Req

ROOT = Path(__file__).resolve().parents[2]
OK_LINE = re.compile(r"^\S+Z sync github: ok (\d+) records, (\d+) pages, (\d+) requests, waits \S+ s, \S+ s$", re.M)
LOCKED = "github: locked by another syncer, skipped"


def _lookback_days() -> int:
    """Far enough back for the fake's March 2026 data, no further: GitHub runs are listed per
    calendar month, so every extra month of look-back is another request on every first sync."""
    return (datetime.now(UTC) - datetime(2026, 2, 1, tzinfo=UTC)).days + 1


def _write_config(path: Path, url: str, interval_s: float = 0.5) -> Path:
    path.write_text(
        f"""
[[sources]]
name = "github"
kind = "github"
url = "{url}"
interval_s = {interval_s}
repos = ["{gh.REPO}"]
per_page = {gh.PER_PAGE}
lookback_days = {_lookback_days()}

[sources.status_labels]
"status: in review" = "In Review"
""",
        encoding="utf-8",
    )
    return path


def _slow(srv: FakeServer, path_regex: str, delay_s: float, when: Callable[[Req], bool] = lambda _r: True) -> None:
    """Delay the fake's answers on ``path_regex`` (the real handler still answers)."""
    real = next(h for m, p, h in srv._routes if p.pattern == path_regex)

    def slowed(req: Req) -> Reply:
        reply = real(req)
        return dataclasses.replace(reply, delay_s=delay_s) if when(req) else reply

    srv.route("GET", path_regex, slowed)


class Watcher:
    """One ``flowdeck sync --watch`` child process, its output in a file."""

    def __init__(self, url: str, config: Path, log: Path) -> None:
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "--db", url, "--config", str(config), "sync", "--watch"],
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.text()):
                return
            if self.proc.poll() is not None:
                pytest.fail(f"the service exited with {self.proc.returncode}:\n{self.text()}")
            time.sleep(0.05)
        pytest.fail(f"timed out after {timeout} s waiting on the service log:\n{self.text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self._out.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()


@pytest.fixture
def watchers() -> Any:
    started: list[Watcher] = []

    def start(url: str, config: Path, log: Path) -> Watcher:
        w = Watcher(url, config, log)
        started.append(w)
        return w

    yield start
    for w in started:  # a failed test must not leave services running
        w.kill()


def _reference(
    srv: FakeServer, tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[list[Any], int]:
    """Records of ONE uninterrupted one-shot sync of the same fake, and the requests it made."""
    before = len(srv.requests)
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    assert main(["--db", url, "--config", str(config), "sync"]) == 0
    capsys.readouterr()
    with Store.open(url) as store:
        records = list(store.all_records())
    assert len(records) == sum(gh.expected(gh.dataset()).values())
    return records, len(srv.requests) - before


@pytest.mark.postgres
def test_two_services_on_one_postgresql_database_share_the_work(
    store_url: str, tmp_path: Path, watchers: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("two services share a PostgreSQL database (a desktop's SQLite file has one syncer)")
    with FakeServer() as srv:
        gh.install(srv, gh.dataset())
        config = _write_config(tmp_path / "flowdeck.toml", srv.url)
        expected, _ = _reference(srv, tmp_path, config, capsys)
        # Every sync lists the pull requests once: 0.4 s there keeps each sync long enough for the
        # other service's attempts to meet it.
        _slow(srv, f"/repos/{gh.REPO}/pulls", 0.4)
        a = watchers(store_url, config, tmp_path / "a.log")
        b = watchers(store_url, config, tmp_path / "b.log")
        both = (a, b)
        for w in both:
            w.wait_for(lambda text: OK_LINE.search(text) is not None)
        deadline = time.monotonic() + 60
        while not any(LOCKED in w.text() for w in both) and time.monotonic() < deadline:
            time.sleep(0.1)
        codes = [w.stop() for w in both]
        logs = [w.text() for w in both]
    assert codes == [0, 0], logs
    assert any(LOCKED in text for text in logs), logs
    for text in logs:
        assert re.search(r"flowdeck sync service: SIGTERM, stopping after the current page", text)
        assert re.search(r"flowdeck sync service: stopped; \d+ syncs, 0 failed, \d+ skipped \(locked\)\s*$", text)
        assert "Traceback" not in text
    # The lock kept the two from doubling the work: exactly one sync read the whole history.
    full = [m for text in logs for m in OK_LINE.finditer(text) if int(m.group(1)) >= len(expected)]
    assert len(full) == 1, logs
    with Store.open(store_url) as store:
        assert list(store.all_records()) == expected


def test_sigterm_mid_sync_then_restart_gives_the_uninterrupted_store(
    store_url: str, tmp_path: Path, watchers: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer() as srv:
        gh.install(srv, gh.dataset())
        config = _write_config(tmp_path / "flowdeck.toml", srv.url, interval_s=60)
        expected, full_requests = _reference(srv, tmp_path, config, capsys)
        # Deployments are the last stream; deployment 4 is on the first of its two pages (3 per page,
        # newest first). Its statuses answer slowly, so the service is reliably in the middle of a
        # sync, with a later page still to come, when the signal arrives.
        statuses = rf"/repos/{gh.REPO}/deployments/\d+/statuses"
        _slow(srv, statuses, 1.0, when=lambda r: r.path.endswith("/deployments/4/statuses"))
        first = watchers(store_url, config, tmp_path / "first.log")
        while not any(r.path.endswith("/deployments/4/statuses") for r in srv.requests[full_requests:]):
            if first.proc.poll() is not None:
                pytest.fail(first.text())
            time.sleep(0.02)
        assert first.stop(signal.SIGTERM) == 0, first.text()
        text = first.text()
        assert "SIGTERM, stopping after the current page" in text
        assert re.search(r"sync github: cancelled \d+ records, .*; resumes from the last stored page", text), text
        assert re.search(r"stopped; 1 syncs, 0 failed, 0 skipped \(locked\)\s*$", text), text
        with Store.open(store_url) as store:
            partial = store.counts()
        want = gh.expected(gh.dataset())
        assert partial["deployments"] < want["deployments"]  # stopped inside the last stream...
        assert (partial["work_items"], partial["pipeline_runs"]) == (want["work_items"], want["pipeline_runs"])

        mark = len(srv.requests)
        second = watchers(store_url, config, tmp_path / "second.log")
        second.wait_for(lambda t: OK_LINE.search(t) is not None)
        assert second.stop(signal.SIGINT) == 0, second.text()  # Ctrl-C stops cleanly too
        resumed_requests = len(srv.requests) - mark
    assert "SIGINT, stopping after the current page" in second.text()
    with Store.open(store_url) as store:
        assert list(store.all_records()) == expected
    # It resumed from the stored cursors instead of starting over.
    assert resumed_requests < full_requests, (resumed_requests, full_requests)


def test_a_dashboard_notices_another_processs_import(store_url: str, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with Store.open(source) as s:
        s.upsert([WorkItem(source="jira", key=f"PAY-{i}", title="t", created_at=gh.NOW) for i in range(3)])
    assert main(["--db", source, "export", str(events)]) == 0
    with Store.open(store_url) as store:
        detector = ChangeDetector(store)
        assert detector.poll() is False
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", "--db", store_url, "import", str(events)],
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert detector.poll() is True  # the very next poll sees the other process's write
        assert detector.poll() is False
        assert [w.key for w in store.work_items()] == ["PAY-0", "PAY-1", "PAY-2"]
