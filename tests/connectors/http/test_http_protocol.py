"""The HTTP layer over real HTTP on 127.0.0.1: the faults of CONNECTORS.md §5.3 beyond rate limits
(server errors and bad payloads, pagination, conditional requests, auth, redirects, TLS, redaction).
Recorded exchanges and rate limits are in test_http.py."""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path

import pytest

from data.connectors.base import ConnectorError
from data.connectors.http.client import HttpClient
from data.connectors.http.etag import ETagCache
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.connectors.redact import redact
from tests.helpers.http_client import TOKEN, client
from tests.helpers.server import FakeServer, Reply, Req

# --- server errors and payloads ---------------------------------------------------------------------------


def test_persistent_502_stops_with_a_clear_error() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET", "/repos/o/r/issues", Reply.text("<html>Bad gateway</html>", status=502, content_type="text/html")
        )
        c = client(srv, policy=RetryPolicy(max_attempts=4))
        with pytest.raises(ConnectorError) as exc:
            c.get("/repos/o/r/issues", {"state": "all"})
    assert len(srv.requests) == 4
    msg = str(exc.value)
    assert msg.startswith("gh: GET /repos/o/r/issues?state=all: HTTP 502 after 4 attempts"), msg


def test_persistent_500_is_retried_only_twice() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply.json({"error": "Server Error"}, status=500))
        with pytest.raises(ConnectorError, match=r"HTTP 500.*Server Error"):
            client(srv).get("/x")
    assert len(srv.requests) == 3


def test_post_is_never_retried() -> None:
    with FakeServer() as srv:
        srv.route("POST", "/x", Reply(status=503))
        with pytest.raises(ConnectorError):
            client(srv).request("POST", "/x", json_body={})
    assert len(srv.requests) == 1


def test_truncated_json_is_named() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/x",
            Reply(
                body=json.dumps([{"id": i} for i in range(50)]).encode(),
                truncate=100,
                headers={"Content-Type": "application/json"},
            ),
        )
        with pytest.raises(ConnectorError, match=r"gh: /x: the JSON response is truncated"):
            client(srv).get("/x").json()


def test_html_login_page_with_200_is_named() -> None:
    page = "<!DOCTYPE html><html><head><title>Sign in - Bank SSO</title></head><body>login</body></html>"
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply.text(page, content_type="text/html"))
        with pytest.raises(ConnectorError, match=r"HTML page titled 'Sign in - Bank SSO' \(status 200\)"):
            client(srv).get("/x").json()


def test_read_timeout_is_retried_then_reported() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/slow", Reply(delay_s=0.6))
        c = HttpClient("gh", srv.url, token=TOKEN, timeout_s=0.2, clock=FakeClock(), policy=RetryPolicy(max_attempts=2))
        with pytest.raises(ConnectorError, match="timed out after 2 attempt"):
            c.get("/slow")


def test_connection_refused_is_reported() -> None:
    with FakeServer() as srv:
        url = srv.url
    c = HttpClient("gh", url, token=TOKEN, clock=FakeClock(), policy=RetryPolicy(max_attempts=2))
    with pytest.raises(ConnectorError, match="could not connect after 2"):
        c.get("/x")


# --- pagination -----------------------------------------------------------------------------------------


def test_next_link_to_another_host_is_refused() -> None:
    with FakeServer() as srv:
        evil = srv.url.replace("127.0.0.1", "localhost")
        srv.route("GET", "/x", Reply.json([1], headers={"Link": f'<{evil}/x?page=2>; rel="next"'}))
        it = client(srv).iter_link_pages("/x")
        next(it)
        with pytest.raises(ConnectorError, match=r"another host .*localhost.*refusing"):
            next(it)
    assert len(srv.requests) == 1


def test_link_loop_is_detected() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/x", lambda r: Reply.json([1], headers={"Link": f'<{srv.url}/x?page=2>; rel="next"'}))
        with pytest.raises(ConnectorError, match="pagination loop"):
            list(client(srv).iter_link_pages("/x"))
    assert len(srv.requests) == 2


def test_gitlab_x_next_page_on_the_last_page_does_not_loop() -> None:
    def tags(req: Req) -> Reply:
        page = int(req.arg("page", "1") or 1)
        rows = [{"id": i} for i in range((page - 1) * 2, min(page * 2, 3))]
        return Reply.json(rows, headers={"x-next-page": str(page + 1), "x-page": str(page)})  # always "more"

    with FakeServer() as srv:
        srv.route("GET", "/projects/1/repository/tags", tags)
        pages = list(client(srv).iter_gitlab_pages("/projects/1/repository/tags", {"per_page": 2}))
    assert [len(p.json()) for p in pages] == [2, 1]
    assert len(srv.requests) == 3  # the third answers [] and ends it


def test_gitlab_keyset_link_is_followed_as_given() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/jobs",
            lambda r: (
                Reply.json(
                    [{"id": 3}, {"id": 2}],
                    headers={"Link": f'<{srv.url}/jobs?id_before=2&pagination=keyset>; rel="next"'},
                )
                if not r.arg("id_before")
                else Reply.json([{"id": 1}])
            ),
        )
        pages = list(client(srv).iter_gitlab_pages("/jobs", {"pagination": "keyset", "order_by": "id", "sort": "desc"}))
    assert [p.json() for p in pages] == [[{"id": 3}, {"id": 2}], [{"id": 1}]]


def test_offset_pages_advance_by_what_came_back() -> None:
    data = list(range(10))

    def search(req: Req) -> Reply:
        start = int(req.arg("startAt", "0") or 0)
        n = min(int(req.arg("maxResults", "50") or 50), 3)  # the server clamps 50 to 3
        return Reply.json({"startAt": start, "issues": data[start : start + n], "total": len(data)})

    with FakeServer() as srv:
        srv.route("GET", "/rest/api/2/search", search)
        pages = list(
            client(srv).iter_offset_pages(
                "/rest/api/2/search",
                params_for=lambda s: {"startAt": s, "maxResults": 50},
                items_of=lambda b: b["issues"],
                is_last=lambda b, nxt: nxt >= b["total"],
            )
        )
    assert [p.offset for p in pages] == [0, 3, 6, 9]
    assert [x for p in pages for x in p.items] == data


# --- conditional requests ------------------------------------------------------------------------------


def test_etag_304_is_not_modified_and_keeps_the_next_link() -> None:
    def h(req: Req) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply.json([1, 2], headers={"ETag": '"v1"', "Link": f'<{srv.url}/x?page=2>; rel="next"'})

    with FakeServer() as srv:
        srv.route("GET", "/x", h)
        etags = ETagCache()
        c = client(srv)
        assert c.get("/x", etags=etags).json() == [1, 2]
        restored = ETagCache.from_json(json.loads(json.dumps(etags.to_json())))  # through a cursor
        again = c.get("/x", etags=restored)
        assert again.next_url == f"{srv.url}/x?page=2"
    assert again.not_modified and again.body == b""
    assert srv.requests[1].headers["If-None-Match"] == '"v1"'
    assert c.stats.not_modified == 1


# --- auth, redirects, TLS, redaction ---------------------------------------------------------------------


def test_a_cross_host_redirect_is_refused_and_a_same_host_one_keeps_the_token() -> None:
    with FakeServer() as a, FakeServer(host="127.0.0.1") as b:
        other = b.url.replace("127.0.0.1", "localhost")
        a.route("GET", "/moved", Reply(status=302, headers={"Location": f"{other}/new"}))
        a.route("GET", "/same", Reply(status=302, headers={"Location": f"{a.url}/here"}))
        a.route("GET", "/here", Reply.json({}))
        b.route("GET", "/new", Reply.json({"ok": 1}))
        c = client(a)
        with pytest.raises(ConnectorError, match="redirected to another host"):
            c.get("/moved")
        c.get("/same")
    assert b.requests == []  # more in test_http_security.py
    assert a.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"  # same host keeps it


def test_tls_errors_name_the_host_and_a_ca_bundle_fixes_them(tmp_path: Path) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with FakeServer(ssl_context=ctx) as srv:
        srv.route("GET", "/x", Reply.json({"ok": 1}))
        with pytest.raises(ConnectorError) as exc:
            client(srv).get("/x")
        assert "TLS verification with 127.0.0.1 failed" in str(exc.value)
        assert "certificate verify failed" in str(exc.value) and "ca_bundle" in str(exc.value)
        assert client(srv, ca_bundle=str(bundle)).get("/x").json() == {"ok": 1}


def test_redaction_of_tokens_and_query_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeServer() as srv:
        srv.route("GET", "/x", lambda r: Reply.json({"message": f"bad {r.headers.get('Authorization')}"}, status=404))
        c = client(srv)
        with pytest.raises(ConnectorError) as exc:
            c.get("/x", {"private_token": "glpat-zzzz9999", "q": 1})
    text = str(exc.value)
    assert TOKEN not in text and "glpat-zzzz9999" not in text
    assert "private_token=***" in text and "Bearer ***" in text
    assert redact("https://h/p?token=abc&x=1") == "https://h/p?token=***&x=1"
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
