"""What a server cannot make a sync do: run forever, take gigabytes, or fail without saying why.

Real HTTP on 127.0.0.1 against misbehaving fakes: endless and repeating listings, a body larger
than the cap (streamed by the fake, never built in memory), a body that trickles, connections that
are refused or never answered. Each case fails the request or the listing with one clear line
naming the host and the reason; the default caps are the documented ones (docs/sources.md).
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any, BinaryIO

import pytest

from data.connectors.base import ConnectorError, SyncCancelled
from data.connectors.http import limits as http_limits
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import FakeClock, RetryPolicy
from tests.helpers.paths import ROOT
from tests.helpers.server import FakeServer, Reply, Req

TOKEN = "SENTINEL-bounds-55d1"
CLASS_NAME = re.compile(r"[A-Z]\w*(Error|Exception|Pool|Connection)\b|\w+\(host=")


def _client(url: str, **kw: Any) -> HttpClient:
    kw.setdefault("clock", FakeClock())
    kw.setdefault("policy", RetryPolicy(max_attempts=1))
    return HttpClient("gh", url, token=TOKEN, **kw)


def _one_clear_line(msg: str) -> None:
    assert "\n" not in msg and not CLASS_NAME.search(msg), msg
    assert TOKEN not in msg


# --- could not connect: which host, and why -----------------------------------------------------------


def test_connection_refused_names_the_host_and_the_reason() -> None:
    with FakeServer() as srv:
        url, port = srv.url, srv.port
    with pytest.raises(ConnectorError) as exc:
        _client(url, policy=RetryPolicy(max_attempts=2)).get("/x")
    msg = str(exc.value)
    assert f"could not connect after 2 attempt(s) to 127.0.0.1:{port}: connection refused" in msg, msg
    _one_clear_line(msg)


def test_an_unknown_dns_name_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver is faked (no test touches a real DNS server); the rest is the real stack."""
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kw: Any) -> Any:
        if host == "ci.bank.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(ConnectorError) as exc:
        _client("http://ci.bank.invalid:8080").get("/x")
    msg = str(exc.value)
    assert "ci.bank.invalid:8080: DNS name not found" in msg, msg
    _one_clear_line(msg)


def test_a_server_that_never_answers_is_a_timeout_naming_the_host() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply(delay_s=30))
        with pytest.raises(ConnectorError) as exc:
            _client(srv.url, timeout_s=0.5).get("/x")
        port = srv.port
    msg = str(exc.value)
    assert "timed out after 1 attempt(s)" in msg and f"127.0.0.1:{port}" in msg and "0.5 s" in msg, msg
    _one_clear_line(msg)


def test_a_tls_certificate_problem_is_one_line() -> None:
    trustme = pytest.importorskip("trustme")
    import ssl

    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    with FakeServer(ssl_context=ctx) as srv, pytest.raises(ConnectorError) as exc:
        _client(srv.url).get("/x")
    msg = str(exc.value)
    assert "TLS" in msg and "certificate" in msg and "127.0.0.1" in msg, msg
    _one_clear_line(msg)


def test_a_connection_cut_mid_body_is_named() -> None:
    def half(w: BinaryIO, _stop: threading.Event) -> None:
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[1, 2")
        w.flush()

    with FakeServer() as srv:
        srv.route("GET", "/x", Reply(raw=half))
        with pytest.raises(ConnectorError) as exc:
            _client(srv.url, policy=RetryPolicy(max_attempts=2)).get("/x")
        port = srv.port
    msg = str(exc.value)
    assert f"127.0.0.1:{port}" in msg and "closed the connection" in msg, msg
    assert len(srv.requests) == 2  # a cut connection is retried like any transport fault
    _one_clear_line(msg)


# --- endless listings ------------------------------------------------------------------------------------------


def _endless(srv: FakeServer, path: str, *, same_items: bool, stop_after: int = 60) -> None:
    """A listing whose every page links to a new page; after ``stop_after`` pages it finally ends,
    so a client without the guard finishes (and the test fails) instead of hanging."""

    def page(req: Req) -> Reply:
        n = int(req.arg("page", "1") or 1)
        items = [{"id": 1}, {"id": 2}] if same_items else [{"id": 2 * n}, {"id": 2 * n + 1}]
        links = {"Link": f'<{srv.url}{path}?page={n + 1}>; rel="next"'} if n < stop_after else {}
        return Reply.json(items, headers=links)

    srv.route("GET", path, page)


def test_an_endless_listing_stops_at_the_page_cap() -> None:
    with FakeServer() as srv:
        _endless(srv, "/x", same_items=False)
        with pytest.raises(ConnectorError) as exc:
            list(_client(srv.url, max_pages=25).iter_link_pages("/x"))
    msg = str(exc.value)
    assert "more than 25 pages" in msg, msg
    assert len(srv.requests) == 25
    _one_clear_line(msg)


def test_the_page_cap_also_bounds_next_links_followed_by_hand() -> None:
    """GitHub's runs reader follows ``resp.next_url`` itself; the client counts that chain too."""
    with FakeServer() as srv:
        _endless(srv, "/runs", same_items=False)
        c = _client(srv.url, max_pages=10)
        url: str | None = "/runs"
        with pytest.raises(ConnectorError, match="more than 10 pages"):
            while url:
                url = c.get(url).next_url
    assert len(srv.requests) == 10


def test_the_default_caps_are_generous_and_documented() -> None:
    assert http_limits.MAX_PAGES_PER_LISTING == 10_000
    assert http_limits.MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    c = HttpClient("x", "http://127.0.0.1:9")
    assert (c.max_pages, c.max_response_bytes) == (10_000, 64 * 1024 * 1024)
    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert "more than 10,000 pages" in doc
    assert "larger than 64 MB" in doc and "configured host" in doc


@pytest.mark.parametrize("by_hand", [False, True])
def test_a_page_repeating_the_previous_one_is_a_loop(by_hand: bool) -> None:
    with FakeServer() as srv:
        _endless(srv, "/x", same_items=True)
        c = _client(srv.url)
        with pytest.raises(ConnectorError) as exc:
            if by_hand:
                url: str | None = "/x"
                while url:
                    url = c.get(url).next_url
            else:
                list(c.iter_link_pages("/x"))
    msg = str(exc.value)
    assert "pagination loop" in msg and "repeats" in msg, msg
    assert len(srv.requests) == 2


def test_a_gitlab_listing_repeating_its_page_is_a_loop() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/projects/1/pipelines",
            lambda r: (
                Reply.json([{"id": 7}], headers={"x-next-page": str(int(r.arg("page", "1") or 1) + 1)})
                if int(r.arg("page", "1") or 1) < 60
                else Reply.json([])
            ),
        )
        with pytest.raises(ConnectorError, match="pagination loop"):
            list(_client(srv.url).iter_gitlab_pages("/projects/1/pipelines"))
    assert len(srv.requests) == 2


def test_an_offset_listing_that_ignores_the_offset_is_a_loop() -> None:
    """A Jira (or proxy) that drops ``startAt`` answers page 1 forever."""
    with FakeServer() as srv:
        calls = itertools.count()
        srv.route(
            "GET",
            "/rest/api/2/search",
            lambda r: Reply.json(
                {"startAt": 0, "issues": [{"key": "A-1"}, {"key": "A-2"}] if next(calls) < 60 else []}
            ),
        )
        with pytest.raises(ConnectorError) as exc:
            list(
                _client(srv.url).iter_offset_pages(
                    "/rest/api/2/search", params_for=lambda s: {"startAt": s}, items_of=lambda b: b["issues"]
                )
            )
    assert "pagination loop" in str(exc.value) and "repeats" in str(exc.value)
    assert len(srv.requests) == 2


def test_an_offset_listing_stops_at_the_page_cap() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/items",
            lambda r: Reply.json([{"n": int(r.arg("start", "0") or 0)}] if int(r.arg("start", "0") or 0) < 60 else []),
        )
        with pytest.raises(ConnectorError, match="more than 12 pages"):
            list(
                _client(srv.url, max_pages=12).iter_offset_pages(
                    "/items", params_for=lambda s: {"start": s}, items_of=lambda b: b
                )
            )
    assert len(srv.requests) == 12


# --- size and time of one response -----------------------------------------------------------------------------


def _megabytes(total_mb: int) -> Iterator[bytes]:
    chunk = b"[" + b" " * (1024 * 1024 - 1)  # 1 MiB at a time, produced lazily
    for _ in range(total_mb):
        yield chunk


def test_a_response_over_the_size_cap_is_stopped_early() -> None:
    """300 MB streamed by the fake (never held in memory by it); the client stops past its 2 MiB cap."""
    with FakeServer() as srv:
        srv.route("GET", "/big", Reply(chunks=lambda: _megabytes(300), headers={"Content-Type": "application/json"}))
        started = time.monotonic()
        tracemalloc.start()
        try:
            with pytest.raises(ConnectorError) as exc:
                _client(srv.url, max_response_bytes=2 * 1024 * 1024).get("/big")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        elapsed = time.monotonic() - started
        time.sleep(0.2)  # let the fake notice the hang-up
        sent = srv.bytes_streamed
    assert peak < 16 * 1024 * 1024, peak  # the cap and a chunk or two, not what the server sent
    msg = str(exc.value)
    assert "larger than 2 MB" in msg and "/big" in msg, msg
    _one_clear_line(msg)
    assert sent < 40 * 1024 * 1024, sent  # what the kernel buffers, not 300 MB
    assert elapsed < 10


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/big", Reply(chunks=lambda: _megabytes(300), headers={"Content-Length": str(300 << 20)}))
        with pytest.raises(ConnectorError, match=r"larger than 2 MB \(it announces 300 MB\)"):
            _client(srv.url, max_response_bytes=2 * 1024 * 1024).get("/big")


def test_the_timeout_bounds_the_whole_response_not_each_read() -> None:
    """One byte every 0.1 s: no single read waits 1 s, but the whole answer would take 20 s."""
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/slow",
            Reply(chunks=lambda: (b" " for _ in range(200)), chunk_delay_s=0.1, headers={"Content-Type": "text/plain"}),
        )
        started = time.monotonic()
        with pytest.raises(ConnectorError) as exc:
            _client(srv.url, timeout_s=1.0).get("/slow")
        elapsed = time.monotonic() - started
    msg = str(exc.value)
    assert "timed out" in msg and "1 s" in msg, msg
    assert elapsed < 5, elapsed
    _one_clear_line(msg)


def test_headers_that_trickle_are_bounded_too() -> None:
    def slow_headers(w: BinaryIO, stop: threading.Event) -> None:
        w.write(b"HTTP/1.1 200 OK\r\nX-Pad: ")
        for _ in range(200):  # one header line, a byte every 0.1 s
            if stop.wait(0.1):
                return
            w.write(b"x")
            w.flush()

    with FakeServer() as srv:
        srv.route("GET", "/x", Reply(raw=slow_headers))
        started = time.monotonic()
        with pytest.raises(ConnectorError, match="timed out"):
            _client(srv.url, timeout_s=1.0).get("/x")
    assert time.monotonic() - started < 5


def test_cancel_interrupts_a_request_in_flight_after_a_grace() -> None:
    """The sync's cancel event (Ctrl-C, SIGTERM) ends a request the server never answers, once the
    page in progress has had ``CANCEL_GRACE_S`` to finish; then no new request starts."""
    with FakeServer() as srv:
        srv.route("GET", "/hang", Reply(delay_s=60))
        srv.route("GET", "/quick", Reply.json({}, headers={}))
        c = _client(srv.url, timeout_s=60)
        c.cancel = threading.Event()
        threading.Timer(0.5, c.cancel.set).start()
        started = time.monotonic()
        with pytest.raises(SyncCancelled):
            c.get("/hang")
        took = time.monotonic() - started
        with pytest.raises(SyncCancelled):
            c.get("/quick")
    grace = http_limits.CANCEL_GRACE_S
    assert grace + 0.3 <= took < grace + 2.5, took  # the cancel came at 0.5 s
    assert [r.path for r in srv.requests] == ["/hang"]


def test_a_request_just_after_a_cancel_may_still_finish_its_page() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/slowish", Reply(delay_s=0.5, body=b"{}", headers={"Content-Type": "application/json"}))
        c = _client(srv.url, timeout_s=60)
        c.cancel = threading.Event()
        c.cancel.set()
        assert c.get("/slowish").json() == {}
