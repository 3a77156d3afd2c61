"""The HTTP layer over real HTTP on 127.0.0.1: recorded GitHub exchanges replayed, and every fault of
CONNECTORS.md §5.3 that the layer owns. The clock is fake: no test sleeps for a rate limit."""

from __future__ import annotations

import ast
import json
import logging
import ssl
from pathlib import Path
from typing import Any

import pytest

from data.connectors.base import ConnectorError
from data.connectors.http import ETagCache, FakeClock, HttpClient, RetryPolicy, redact
from tests.fakes.server import FakeServer, Reply, Req

TOKEN = "SENTINEL-abc123"
_HOP = {"transfer-encoding", "content-length", "content-encoding", "connection", "status"}


def pygithub(fixtures_dir: Path, name: str) -> list[dict[str, Any]]:
    """Parse a PyGithub ReplayData file: 11 lines per exchange."""
    lines = (fixtures_dir / "pygithub/tests/ReplayData" / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    out = []
    for i in range(0, len(lines) - 10, 11):
        out.append(
            {
                "method": lines[i + 1],
                "path": lines[i + 4],
                "status": int(lines[i + 7]),
                "headers": dict(ast.literal_eval(lines[i + 8])),
                "body": lines[i + 9],
            }
        )
    return out


def replay(srv: FakeServer, exchanges: list[dict[str, Any]], origin: str = "https://api.github.com") -> None:
    """Serve recorded responses by exact path+query, in order for repeated requests."""
    queue: dict[str, list[dict[str, Any]]] = {}
    for ex in exchanges:
        queue.setdefault(ex["path"], []).append(ex)

    def handler(req: Req) -> Reply:
        items = queue.get(req.raw_path) or []
        if not items:
            return Reply.json({"message": f"not recorded: {req.raw_path}"}, status=404)
        ex = items.pop(0) if len(items) > 1 else items[0]
        headers = {k: str(v).replace(origin, srv.url) for k, v in ex["headers"].items() if k.lower() not in _HOP}
        return Reply(status=ex["status"], body=ex["body"].encode(), headers=headers)

    srv.route("GET", ".*", handler)


def client(srv: FakeServer, **kw: Any) -> HttpClient:
    kw.setdefault("clock", FakeClock())
    return HttpClient("gh", srv.url, token=TOKEN, **kw)


# --- recorded payloads ---------------------------------------------------------------------------


def test_pygithub_14_page_link_listing(fixtures_dir: Path) -> None:
    exchanges = pygithub(fixtures_dir, "PaginatedList.testIteration")
    with FakeServer() as srv:
        replay(srv, exchanges)
        c = client(srv)
        pages = list(c.iter_link_pages("/repos/openframeworks/openFrameworks/issues"))
    assert len(pages) == len(exchanges) == 14
    assert sum(len(p.json()) for p in pages) == sum(len(json.loads(e["body"])) for e in exchanges)
    assert c.stats.requests == 14


def test_octokit_5_page_issue_listing_follows_repositories_links(fixtures_dir: Path) -> None:
    raw = json.loads(
        (fixtures_dir / "octokit/package/scenarios/api.github.com/paginate-issues/raw-fixture.json").read_text(
            encoding="utf-8"
        )
    )
    gets = [x for x in raw if x["method"] == "get"]
    exchanges = [
        {
            "path": x["path"],
            "status": x["status"],
            "body": json.dumps(x["response"]),
            "headers": dict(zip(x["rawHeaders"][::2], x["rawHeaders"][1::2], strict=True)),
        }
        for x in gets
    ]
    with FakeServer() as srv:
        replay(srv, exchanges)
        pages = list(client(srv).iter_link_pages(gets[0]["path"]))
        paths = [r.raw_path for r in srv.requests]
    assert len(pages) == 5
    assert paths[1] == "/repositories/515435940/issues?per_page=3&page=2"  # the link as given, not rebuilt
    assert [len(p.json()) for p in pages] == [3, 3, 3, 3, 1]


def test_pygithub_403_retry_after_60_waits_60_then_succeeds(fixtures_dir: Path) -> None:
    [ok, limited] = pygithub(fixtures_dir, "SpecificExceptions.testAuthenticatedRateLimitExceeded")
    assert limited["status"] == 403 and limited["headers"]["Retry-After"] == "60"
    with FakeServer() as srv:
        replay(srv, [limited, ok])
        clock = FakeClock()
        resp = client(srv, clock=clock).get(limited["path"])
    assert resp.status == 200 and clock.sleeps == [60.0]


def test_pygithub_403_remaining_0_waits_until_reset(fixtures_dir: Path) -> None:
    recorded = [e for e in pygithub(fixtures_dir, "SpecificExceptions.testRateLimitExceeded") if e["status"] == 403]
    [limited] = recorded
    reset = int(limited["headers"].get("x-ratelimit-reset", 0) or 0)
    with FakeServer() as srv:
        srv.fault_once(
            "GET",
            "/user",
            Reply(
                limited["status"],
                limited["body"].encode(),
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_700_000_090)},
            ),
        )
        srv.route("GET", "/user", Reply.json({"login": "x"}))
        clock = FakeClock(1_700_000_000)
        client(srv, clock=clock).get("/user")
    assert clock.sleeps == [91.0]  # reset in 90 s, +1 s margin
    assert reset == 0 or reset < 1_700_000_000  # the recorded reset (2013) is in the past: not trusted


def test_pygithub_500_then_success(fixtures_dir: Path) -> None:
    exchanges = pygithub(fixtures_dir, "Retry.testReturnsRepoAfter1Retry")
    assert exchanges[0]["status"] == 500
    with FakeServer() as srv:
        replay(srv, exchanges)
        c = client(srv)
        body = c.get(exchanges[0]["path"]).json()
    assert body["name"] and c.stats.requests == 2 and c.stats.retries == 1


# --- rate limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "low", "high"),
    [
        (Reply.text("Retry later", status=429, headers={"Retry-After": "7"}), 7, 7),
        (Reply.text("Retry later", status=429), 0.5, 1.0),  # no header: first backoff step, jittered
        (
            Reply.text(
                "Retry later", status=429, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "1700000030"}
            ),
            31,
            31,
        ),  # GitLab headers
        (Reply.json({"message": "You have exceeded a secondary rate limit."}, status=403), 60, 60),
        (
            Reply.json(
                {"message": "API rate limit exceeded"},
                status=403,
                headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1699999000"},
            ),
            0.5,
            1.0,
        ),  # past
        (
            Reply.json(
                {"message": "API rate limit exceeded"},
                status=429,
                headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon"},
            ),
            0.5,
            1.0,
        ),  # garbage
        (
            Reply.json({"message": "rate limit"}, status=429, headers={"Retry-After": "Wed, 15 Nov 2023 22:13:40 GMT"}),
            20,
            20,
        ),  # HTTP date: 1700086420 - 1700086400
    ],
    ids=[
        "429-retry-after",
        "429-bare",
        "gitlab-reset",
        "gh-secondary-no-headers",
        "reset-past",
        "reset-garbage",
        "retry-after-date",
    ],
)
def test_rate_limit_waits(reply: Reply, low: float, high: float) -> None:
    with FakeServer() as srv:
        srv.fault_once("GET", "/x", reply)
        srv.route("GET", "/x", Reply.json({"ok": True}))
        clock = FakeClock(1_700_086_400 if "GMT" in reply.headers.get("Retry-After", "") else 1_700_000_000)
        c = client(srv, clock=clock)
        assert c.get("/x").json() == {"ok": True}
    assert len(clock.sleeps) == 1 and low <= clock.sleeps[0] <= high, clock.sleeps
    assert c.stats.waits == 1 and c.stats.requests == 2


def test_secondary_limit_without_headers_backs_off_from_60s() -> None:
    limited = Reply.json({"message": "You have exceeded a secondary rate limit"}, status=403)
    with FakeServer() as srv:
        srv.fault_once("GET", "/x", limited, limited, limited)
        srv.route("GET", "/x", Reply.json([]))
        clock = FakeClock()
        client(srv, clock=clock).get("/x")
    assert clock.sleeps == [60.0, 120.0, 240.0]


def test_wait_beyond_the_cap_fails_clearly() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET",
            "/x",
            Reply.json(
                {"message": "API rate limit exceeded"},
                status=403,
                headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700003600"},
            ),
        )
        clock = FakeClock(1_700_000_000)
        with pytest.raises(ConnectorError) as exc:
            client(srv, clock=clock, policy=RetryPolicy(max_wait_s=600)).get("/x")
    assert "3601 s" in str(exc.value) and "600 s cap" in str(exc.value) and "resumes" in str(exc.value)
    assert clock.sleeps == []


def test_plain_403_is_not_retried() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply.json({"message": "Resource not accessible by integration"}, status=403))
        c = client(srv)
        with pytest.raises(ConnectorError, match=r"forbidden \(403\).*not accessible"):
            c.get("/x")
    assert c.stats.requests == 1


def test_exhausted_quota_waits_before_the_next_request() -> None:
    with FakeServer() as srv:
        srv.route(
            "GET", "/x", Reply.json([], headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000100"})
        )
        clock = FakeClock(1_700_000_000)
        c = client(srv, clock=clock)
        c.get("/x")
        assert clock.sleeps == []
        c.get("/x")
    assert clock.sleeps == [101.0] and len(srv.requests) == 2


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


def test_authorization_is_stripped_on_a_cross_host_redirect() -> None:
    with FakeServer() as a, FakeServer(host="127.0.0.1") as b:
        other = b.url.replace("127.0.0.1", "localhost")
        a.route("GET", "/moved", Reply(status=302, headers={"Location": f"{other}/new"}))
        a.route("GET", "/same", Reply(status=302, headers={"Location": f"{a.url}/here"}))
        a.route("GET", "/here", Reply.json({}))
        b.route("GET", "/new", Reply.json({"ok": 1}))
        c = client(a)
        assert c.get("/moved").json() == {"ok": 1}
        c.get("/same")
    assert "Authorization" not in b.requests[0].headers
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
