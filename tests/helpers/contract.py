"""The connector contract of CONNECTORS.md §5.2, written once and run against every connector.

A connector's test module describes its fake source with a :class:`ContractHarness` and runs every
check::

    HARNESS = ContractHarness(
        name="github",
        new_state=lambda: build_dataset(...),               # a mutable "source" (any object)
        install=lambda srv, state: install_routes(srv, state),   # FakeServer routes serving it
        connector=lambda url, token, state: GitHubConnector(source_config(url), token, client=...),
        expected=lambda state: {"pipeline_runs": 90, "job_runs": 180},   # rows per table
        add_same_instant=lambda state: ...,                  # add an item updated at the newest instant
        future_cursor=lambda stream, state: '{"...": "2999-01-01T00:00:00Z"}',
    )

    @pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
    def test_contract(check, sqlite_url, caplog):
        check(HARNESS, sqlite_url, caplog)

Every check uses a real HTTP server on 127.0.0.1 and a real store. ``connector`` must build the
connector with a client whose clock never really sleeps (``FakeClock``).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from data.connectors.base import Connector, Page
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers.server import FakeServer

SENTINEL = "SENTINEL-abc123"


@dataclass
class ContractHarness:
    """How to serve one connector's fake source and build the connector against it."""

    name: str
    new_state: Callable[[], Any]
    install: Callable[[FakeServer, Any], None]
    connector: Callable[[str, str | None, Any], Connector]
    expected: Callable[[Any], dict[str, int]]
    add_same_instant: Callable[[Any], dict[str, int]] | None = None
    future_cursor: Callable[[str, Any], str] | None = None
    min_pages: int = 3
    # Basic auth (Jenkins, Jira Cloud): the token travels as base64("user:token"), never raw; the
    # secret check then looks for both forms and expects the encoded one in the header.
    basic_user: str | None = None
    # A polling connector (CCTray) reads one page per sync: its full read for crash/resume is then
    # ``polls`` syncs, ``advance`` changing the fake source before each later one, so that there are
    # page boundaries to die at.
    polls: int = 1
    advance: Callable[[Any], None] | None = None


@contextmanager
def served(h: ContractHarness, state: Any = None) -> Iterator[tuple[FakeServer, Any]]:
    """A started fake server serving ``state`` (a fresh one by default)."""
    state = h.new_state() if state is None else state
    with FakeServer() as srv:
        h.install(srv, state)
        yield srv, state


def snapshot(store: Store) -> list[str]:
    """Every record in the store, as sorted reprs (comparable across stores)."""
    return sorted(repr(r) for r in store.all_records())


def record_counts(store: Store) -> dict[str, int]:
    """Rows per record table, without the empty ones."""
    skip = {"exclusions", "sync_cursors", "sync_state"}
    return {k: v for k, v in store.counts().items() if v and k not in skip}


class _Crash(BaseException):
    """A simulated process death: not an Exception, so nothing in the sync swallows it."""


class _CrashingConnector:
    """Wraps a connector and dies right after the ``after``-th page was yielded (and so committed)."""

    def __init__(self, inner: Connector, after: int) -> None:
        self.inner = inner
        self.source = inner.source
        self.after = after
        self.seen = 0

    def streams(self) -> Any:
        return self.inner.streams()

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        for page in self.inner.read(stream, cursor):
            yield page
            self.seen += 1
            if self.seen >= self.after:
                raise _Crash(f"crash after page {self.seen}")

    def test_connection(self) -> str:
        return self.inner.test_connection()

    def close(self) -> None:
        self.inner.close()


def _sync(h: ContractHarness, url: str, store: Store, state: Any, token: str | None = SENTINEL) -> Any:
    conn = h.connector(url, token, state)
    try:
        return sync_source(store, conn)
    finally:
        conn.close()


# --- the checks ------------------------------------------------------------------------------------


def check_full_read(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """A full read over >= min_pages pages stores exactly the expected rows, each once."""
    with served(h) as (srv, state), Store.open(db_url) as store:
        summary = _sync(h, srv.url, store, state)
        assert summary.ok, summary.error
        assert summary.pages >= h.min_pages
        assert record_counts(store) == h.expected(state)
        assert summary.requests == len(srv.requests)


def check_second_read_writes_nothing(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """With no source change, a second sync writes no record and leaves the store generation alone."""
    with served(h) as (srv, state), Store.open(db_url) as store:
        assert _sync(h, srv.url, store, state).ok
        before = (snapshot(store), store.generation())
        cursors = _cursors(store)
        second = _sync(h, srv.url, store, state)
        assert second.ok, second.error
        assert second.records == 0
        assert second.transactions == 0
        # sync_state bumps the generation twice (attempt, outcome); nothing else may.
        assert snapshot(store) == before[0]
        assert store.generation() == before[1] + 2
        assert _cursors(store) == cursors


def check_future_cursor(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """A cursor in the future reads nothing and raises nothing (Airbyte's abnormal state)."""
    if h.future_cursor is None:
        pytest.skip("connector has no time cursor")
    with served(h) as (srv, state), Store.open(db_url) as store:
        conn = h.connector(srv.url, SENTINEL, state)
        with store.writer() as w:
            for stream in conn.streams():
                w.set_cursor(conn.source, stream, h.future_cursor(stream, state))
        summary = sync_source(store, conn)
        conn.close()
        assert summary.ok, summary.error
        assert summary.records == 0
        assert record_counts(store) == {}


def _read_all(
    h: ContractHarness, url: str, store: Store, state: Any, die_after: int = 0, ref: list[list[str]] | None = None
) -> int:
    """A full read into ``store`` (``h.polls`` syncs, the source advanced in between); the pages read.

    Without ``die_after`` the store's snapshot after each poll is appended to ``ref``. With
    ``die_after`` = k the process dies right after the k-th page of the read was committed and
    restarts (a fresh connector syncs that poll again): the store may then hold only rows that the
    uninterrupted read had after that poll (``ref``), and equals it once the restart is done.
    """
    pages, died = 0, False
    for poll in range(h.polls):
        if poll:
            assert h.advance is not None, f"{h.name}: polls > 1 needs advance"
            h.advance(state)
        crashed_here = False
        if pages < die_after:
            crashing = _CrashingConnector(h.connector(url, SENTINEL, state), die_after - pages)
            try:
                summary = sync_source(store, crashing)
            except _Crash:
                assert ref is not None
                partial = set(snapshot(store))
                assert partial <= set(ref[poll]), f"crash after page {die_after}: rows the read never had"
                pages, died, crashed_here = die_after, True, True
            else:
                pages += summary.pages
                continue
        summary = _sync(h, url, store, state)
        assert summary.ok, summary.error
        pages += summary.pages
        if not die_after and ref is not None:
            ref.append(snapshot(store))
        elif crashed_here and ref is not None:
            assert snapshot(store) == ref[poll], f"crash after page {die_after}: the restart differs"
    assert died or not die_after, f"no crash after page {die_after}: this read had fewer pages"
    return pages


def check_crash_resume(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Killed after every page boundary in turn, a restarted sync reaches the uninterrupted final store."""
    after_poll: list[list[str]] = []
    with served(h) as (srv, first):
        with Store.open(_sibling(db_url, "ref")) as ref:
            total_pages = _read_all(h, srv.url, ref, first, ref=after_poll)
            expected = snapshot(ref)
        # With one page there is no boundary to die at and the loop below would check nothing.
        assert total_pages >= max(h.min_pages, 2), f"{h.name}: {total_pages} page(s), no page boundary to crash at"
        for k in range(1, total_pages):
            state = first
            if h.polls > 1:  # the polls changed the source: serve it afresh (same server: URLs in rows)
                srv.clear()
                state = h.new_state()
                h.install(srv, state)
            with Store.open(_sibling(db_url, f"crash{k}")) as store:
                _read_all(h, srv.url, store, state, die_after=k, ref=after_poll)
                assert snapshot(store) == expected, f"crash after page {k}: resume differs"


def check_replay_idempotent(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Writing every page twice leaves the same store as writing it once."""
    with served(h) as (srv, state), Store.open(db_url) as store:
        conn = h.connector(srv.url, SENTINEL, state)
        pages = [p for s in conn.streams() for p in conn.read(s, None)]
        conn.close()
        for p in pages:
            store.upsert(p.records)
        once = snapshot(store)
        for p in pages:
            store.upsert(p.records)
        assert snapshot(store) == once
        assert record_counts(store) == h.expected(state)


def check_same_instant(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """An item updated at exactly the cursor's instant, arriving after a sync, is not lost."""
    if h.add_same_instant is None:
        pytest.skip("connector has no time cursor")
    with served(h) as (srv, state), Store.open(db_url) as store:
        assert _sync(h, srv.url, store, state).ok
        before = record_counts(store)
        added = h.add_same_instant(state)
        summary = _sync(h, srv.url, store, state)
        assert summary.ok, summary.error
        after = record_counts(store)
        for table, n in added.items():
            assert after.get(table, 0) == before.get(table, 0) + n, table


def check_no_secret_anywhere(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The sentinel token appears in no log record, exception, request URL or stored row (nor, for
    Basic auth, its base64 ``user:token`` form)."""
    caplog.set_level(logging.DEBUG)
    with served(h) as (srv, state), Store.open(db_url) as store:
        assert _sync(h, srv.url, store, state).ok
        # And once failing: every request answers 401 with the token echoed back in the body.
        srv.route("GET", ".*", _echo_401)
        conn = h.connector(srv.url, SENTINEL, state)
        failed = sync_source(store, conn)
        conn.close()
        assert not failed.ok
        texts = [failed.error or ""]
        texts += [r.getMessage() for r in caplog.records]
        texts += [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
        texts += [req.raw_path for req in srv.requests]
        texts += _dump(store)
        secrets = [SENTINEL]
        if h.basic_user is not None:
            secrets.append(base64.b64encode(f"{h.basic_user}:{SENTINEL}".encode()).decode())
        leaks = [t for t in texts if any(s in t for s in secrets)]
        assert not leaks, leaks[:3]
        # ...while the token did reach the server, in a header.
        if h.basic_user is None:
            assert any(SENTINEL in " ".join(req.headers.values()) for req in srv.requests)
        else:
            assert all(req.headers.get("Authorization") == f"Basic {secrets[1]}" for req in srv.requests)


def _echo_401(req: Any) -> Any:
    from tests.helpers.server import Reply

    auth = req.headers.get("Authorization", "")
    # Echo the header, and for Basic auth the decoded "user:token" too: neither may surface anywhere.
    decoded = ""
    if auth.startswith("Basic "):
        decoded = base64.b64decode(auth[6:]).decode(errors="replace")
    return Reply.json({"message": f"Bad credentials {auth} {decoded}"}, status=401)


def _dump(store: Store) -> list[str]:
    out: list[str] = []
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            names = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        else:
            names = [r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname='public'"))]
        for name in names:
            out += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"'))]
    return out


def _cursors(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT source, stream, value FROM sync_cursors ORDER BY 1, 2"))]


def _sibling(db_url: str, tag: str) -> str:
    """Another SQLite store next to ``db_url`` (crash/resume needs several)."""
    if db_url.startswith("sqlite:///"):
        return db_url[: -len(".db")] + f"-{tag}.db" if db_url.endswith(".db") else db_url + f"-{tag}"
    pytest.skip("crash/resume uses several stores; run on SQLite")
    raise AssertionError  # unreachable


CONTRACT_CHECKS = [
    check_full_read,
    check_second_read_writes_nothing,
    check_future_cursor,
    check_crash_resume,
    check_replay_idempotent,
    check_same_instant,
    check_no_secret_anywhere,
]
