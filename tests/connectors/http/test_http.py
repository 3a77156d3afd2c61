"""The HTTP layer over real HTTP on 127.0.0.1: recorded GitHub exchanges replayed, and the rate limits
of CONNECTORS.md §5.3. The clock is fake: no test sleeps for a rate limit. Server errors, paging,
conditional requests, auth, TLS and redaction are in test_http_protocol.py."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from data.connectors.base import ConnectorError
from data.connectors.http.limits import FakeClock, RetryPolicy
from tests.helpers.http_client import client
from tests.helpers.server import FakeServer, Reply, Req

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
