"""The sync engine over a small example connector on a real fake server, plus the contract checks.

``ItemsConnector`` below is also the smallest example of a connector written on ``data.connectors.http.client``
with a :class:`~data.connectors.cursor.Watermark` cursor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import event

from data.connectors.base import ConnectorError, Page
from data.connectors.cursor import Watermark, dump_cursor, load_cursor
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import FakeClock
from data.records import WorkItem
from data.store.store import Store
from data.sync.run import SyncProgress, store_lock, sync_source
from data.timeutil import parse_instant
from tests.helpers.contract import CONTRACT_CHECKS, ContractHarness
from tests.helpers.server import FakeServer, Reply, Req

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PER_PAGE = 4


def _state(n: int = 10) -> dict[str, Any]:
    # Pairs of items share an instant so page boundaries fall between equal timestamps.
    return {
        "items": [
            {"id": str(i), "title": f"item {i}", "updated_at": (T0 + timedelta(minutes=i // 2)).isoformat()}
            for i in range(n)
        ]
    }


def _install(srv: FakeServer, state: dict[str, Any]) -> None:
    def items(req: Req) -> Reply:
        since = req.arg("since")
        rows = sorted(state["items"], key=lambda r: (r["updated_at"], r["id"]))
        if since:
            rows = [r for r in rows if parse_instant(r["updated_at"]) >= parse_instant(since)]
        page = int(req.arg("page", "1") or 1)
        chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        headers = {}
        if page * PER_PAGE < len(rows):
            q = f"page={page + 1}" + (f"&since={quote(since)}" if since else "")
            headers["Link"] = f'<{srv.url}/items?{q}>; rel="next"'
        return Reply.json(chunk, headers=headers)

    srv.route("GET", "/items", items)


class ItemsConnector:
    """A minimal connector: one stream, ascending ``updated_at`` listing, a Watermark cursor."""

    def __init__(self, url: str, token: str | None, *, fail_stream: bool = False) -> None:
        self.source = "toy"
        self.client = HttpClient("toy", url, token=token, clock=FakeClock())
        self.fail_stream = fail_stream

    def streams(self) -> Sequence[str]:
        return ["broken", "items"] if self.fail_stream else ["items"]

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream == "broken":
            self.client.get("/nowhere")  # 404 -> ConnectorError
        wm = Watermark.from_json(load_cursor(cursor).get("wm"))
        params = {"since": wm.at.isoformat()} if wm.at else {}
        for resp in self.client.iter_link_pages("/items", params):
            before = self.client.stats.requests
            rows = [r for r in resp.json() if wm.is_new(parse_instant(r["updated_at"]), r["id"])]
            wm = wm.advance((parse_instant(r["updated_at"]), r["id"]) for r in rows)
            records = [
                WorkItem(source="toy", key=r["id"], title=r["title"], created_at=parse_instant(r["updated_at"]))
                for r in rows
            ]
            yield Page(records, dump_cursor({"wm": wm.to_json()}), requests=1 + self.client.stats.requests - before)

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        self.client.close()


def _add_same_instant(state: dict[str, Any]) -> dict[str, int]:
    newest = max(r["updated_at"] for r in state["items"])
    state["items"].append({"id": "zz-late", "title": "late", "updated_at": newest})
    return {"work_items": 1}


HARNESS = ContractHarness(
    name="toy",
    new_state=_state,
    install=_install,
    connector=lambda url, token, state: ItemsConnector(url, token),
    expected=lambda state: {"work_items": len(state["items"])},
    add_same_instant=_add_same_instant,
    future_cursor=lambda stream, state: dump_cursor({"wm": {"at": "2999-01-01T00:00:00+00:00", "ids": []}}),
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_contract_on_example_connector(check: Any, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(HARNESS, store_url, caplog)


def test_progress_events_and_summary(sqlite_url: str) -> None:
    events: list[SyncProgress] = []
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        _install(srv, _state(10))
        summary = sync_source(store, ItemsConnector(srv.url, "t0ken"), progress=events.append)
    assert summary.ok
    # 10 items at 4 per page: 3 pages, 3 requests, 3 transactions.
    assert (summary.pages, summary.records, summary.requests, summary.transactions) == (3, 10, 3, 3)
    assert [e.records for e in events if e.message.startswith("page")] == [4, 8, 10]
    assert events[-1].message == "done"


def test_cancel_between_pages_keeps_committed_cursor(sqlite_url: str) -> None:
    cancel = threading.Event()

    def on_progress(e: SyncProgress) -> None:
        if e.pages == 1 and e.message.startswith("page"):
            cancel.set()

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        _install(srv, _state(10))
        summary = sync_source(store, ItemsConnector(srv.url, None), cancel=cancel, progress=on_progress)
        assert summary.cancelled and not summary.ok
        assert store.counts()["work_items"] == 4
        wm = Watermark.from_json(load_cursor(store.get_cursor("toy", "items"))["wm"])
        # Items 0-3 stored; 2 and 3 share the instant T0+1min.
        assert wm == Watermark(T0 + timedelta(minutes=1), frozenset({"2", "3"}))
        assert "cancelled" in (store.sync_states()["toy"]["last_error"] or "")
        resumed = sync_source(store, ItemsConnector(srv.url, None))
        assert resumed.ok and resumed.records == 6
        assert store.counts()["work_items"] == 10


def test_failing_stream_does_not_stop_the_others(sqlite_url: str) -> None:
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        _install(srv, _state(5))
        summary = sync_source(store, ItemsConnector(srv.url, "secret-token-xyz", fail_stream=True))
        assert not summary.ok
        assert "404" in (summary.error or "") and "/nowhere" in (summary.error or "")
        assert store.counts()["work_items"] == 5
        state = store.sync_states()["toy"]
        assert state["last_attempt_at"] is not None
        assert state["last_success_at"] is None
        assert "404" in state["last_error"]
        # A later clean sync clears the error and records the success.
        ok = sync_source(store, ItemsConnector(srv.url, None))
        assert ok.ok
        state = store.sync_states()["toy"]
        assert state["last_error"] is None and state["last_success_at"] is not None


def test_unexpected_exception_is_reported_not_raised(sqlite_url: str) -> None:
    class Buggy(ItemsConnector):
        def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
            raise KeyError("workflow_runs")
            yield  # pragma: no cover

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        summary = sync_source(store, Buggy(srv.url, None))
    assert summary.error and "KeyError" in summary.error and "workflow_runs" in summary.error


def test_watermark_rules() -> None:
    wm = Watermark().advance([(T0, "a"), (T0, "b"), (T0 - timedelta(1), "c")])
    assert wm == Watermark(T0, frozenset({"a", "b"}))
    assert not wm.is_new(T0, "a")
    assert wm.is_new(T0, "c")  # same instant, a different item: must not be lost
    assert not wm.is_new(T0 - timedelta(seconds=1), "z")
    assert wm.is_new(T0 + timedelta(seconds=1), "a")
    assert Watermark.from_json(wm.to_json()) == wm
    assert Watermark.from_json({"at": "garbage"}) == Watermark()
    assert load_cursor("not json") == {} and load_cursor("[1]") == {}


def test_store_lock_is_a_no_op_on_sqlite(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store, Store.open(sqlite_url) as other:
        statements: list[str] = []
        for s in (store, other):
            event.listen(s.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        # Two holders of one source, even from two stores on one file: both get it at once...
        with store_lock(store, "a") as first, store_lock(other, "a") as second:
            assert (first, second) == (True, True)
            assert statements == []  # ...and not one statement reached the database for it
            store.upsert([WorkItem("toy", "1", "held", T0)])  # nothing is locked against a write
        assert statements and all("advisory" not in s for s in statements)
        assert other.counts()["work_items"] == 1


def test_store_lock_excludes_a_second_holder_on_postgresql(store_url: str) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's")
    from data.sync.run import SourceLocked

    with Store.open(store_url) as a, Store.open(store_url) as b:
        with store_lock(a, "github"):
            with pytest.raises(SourceLocked), store_lock(b, "github"):
                pass
            with store_lock(b, "gitlab"):  # other sources are independent
                pass
        with store_lock(b, "github"):  # released
            pass


def test_a_connector_error_reaches_the_summary_as_its_own_message(sqlite_url: str) -> None:
    class Refused(ItemsConnector):
        def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
            yield Page([WorkItem("toy", "1", "kept", T0)], dump_cursor({"wm": None}))
            raise ConnectorError("toy: /items answered 418 I'm a teapot", retryable=True)

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        summary = sync_source(store, Refused(srv.url, None))
        # The user reads the connector's sentence, not a Python exception name (unlike a bug's
        # "unexpected KeyError" above), and the page before the error stays committed.
        assert summary.error == "toy: /items answered 418 I'm a teapot"
        assert store.sync_states()["toy"]["last_error"] == summary.error
        assert store.counts()["work_items"] == 1
