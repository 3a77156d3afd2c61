"""Credentials stay with the configured host, and no form of a token ever leaves the process.

Real HTTP on 127.0.0.1: "another host" is the same machine reached as ``localhost``, a host name
the client was not configured with. Every connector kind goes through the HTTP client's one rule:
a redirect or a next-page link to another host fails the stream with a message naming that host,
and the other host never sees a request.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import keyring
import pytest
from sqlalchemy import text

from app.cli import main
from data import secrets
from data.config.model import SourceConfig
from data.connectors.base import Connector, ConnectorError
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import FakeClock
from data.connectors.jenkins.connector import JenkinsConnector
from data.connectors.jira.connector import JiraConnector
from data.connectors.redact import redact, register_secret
from data.store.store import Store
from tests.helpers import github_fake as gh
from tests.helpers import gitlab_fake as gl
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.server import FakeServer, Reply, Req

TOKEN = "SENTINEL-sec-7f3a9c"


@pytest.fixture
def two_hosts() -> Iterator[tuple[FakeServer, FakeServer, str]]:
    """The configured server, the other one, and the other one's URL under a different host name."""
    with FakeServer() as home, FakeServer() as other:
        other.route("GET", ".*", lambda r: Reply.json({"stolen": r.headers.get("Authorization")}))
        yield home, other, other.url.replace("127.0.0.1", "localhost")


def _client(srv: FakeServer, **kw: Any) -> HttpClient:
    return HttpClient("gh", srv.url, token=TOKEN, clock=FakeClock(), **kw)


# --- the HTTP client's rule ---------------------------------------------------------------------------------


def test_a_redirect_to_another_host_fails_naming_it(two_hosts: tuple[FakeServer, FakeServer, str]) -> None:
    home, other, elsewhere = two_hosts
    home.route("GET", "/moved", Reply(status=302, headers={"Location": f"{elsewhere}/new"}))
    with pytest.raises(ConnectorError) as exc:
        _client(home).get("/moved")
    msg = str(exc.value)
    assert "redirect" in msg and f"localhost:{other.port}" in msg, msg
    assert f"127.0.0.1:{home.port}" in msg  # and which host is the configured one
    assert other.requests == []


def test_a_paged_listing_redirected_away_does_not_take_the_token_along(
    two_hosts: tuple[FakeServer, FakeServer, str],
) -> None:
    """The first page redirects to another host whose answer links to its own page 2: before, the
    redirected page was read without the token, then page 2 (same host as the *redirected* page) was
    requested WITH it."""
    home, other, elsewhere = two_hosts
    home.route("GET", "/repos/o/r/issues", Reply(status=301, headers={"Location": f"{elsewhere}/issues"}))
    other.route("GET", "/issues", Reply.json([{"id": 1}], headers={"Link": f'<{elsewhere}/issues2>; rel="next"'}))
    with pytest.raises(ConnectorError, match=rf"localhost:{other.port}"):
        list(_client(home).iter_link_pages("/repos/o/r/issues"))
    assert other.requests == []


def test_a_next_link_to_another_host_followed_by_hand_is_refused(two_hosts: tuple[FakeServer, FakeServer, str]) -> None:
    """Readers that follow ``resp.next_url`` themselves (GitHub runs and pulls) get the same rule."""
    home, other, elsewhere = two_hosts
    home.route("GET", "/x", Reply.json([1], headers={"Link": f'<{elsewhere}/x?page=2>; rel="next"'}))
    c = _client(home)
    nxt = c.get("/x").next_url
    assert nxt is not None
    with pytest.raises(ConnectorError, match=rf"another host \(localhost:{other.port}\)"):
        c.get(nxt)
    assert other.requests == []


def test_a_redirect_on_the_same_host_is_followed_with_the_token(two_hosts: tuple[FakeServer, FakeServer, str]) -> None:
    home, _other, _ = two_hosts
    home.route("GET", "/old", Reply(status=301, headers={"Location": "/new?x=1"}))
    home.route("GET", "/new", Reply.json({"ok": 1}))
    resp = _client(home).get("/old")
    assert resp.json() == {"ok": 1} and resp.url.endswith("/new?x=1")
    assert [r.path for r in home.requests] == ["/old", "/new"]
    assert home.requests[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_another_port_of_the_same_host_is_another_host(two_hosts: tuple[FakeServer, FakeServer, str]) -> None:
    home, other, _ = two_hosts
    home.route("GET", "/moved", Reply(status=307, headers={"Location": f"{other.url}/new"}))
    with pytest.raises(ConnectorError, match=rf"127\.0\.0\.1:{other.port}"):
        _client(home).get("/moved")
    assert other.requests == []


def test_a_redirect_loop_on_the_same_host_ends() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/a", Reply(status=302, headers={"Location": "/b"}))
        srv.route("GET", "/b", Reply(status=302, headers={"Location": "/a"}))
        with pytest.raises(ConnectorError, match="redirects"):
            _client(srv).get("/a")
    assert len(srv.requests) <= 11


# --- every connector goes through it ------------------------------------------------------------------------


def _github(url: str) -> Connector:
    return gh.connector(url, TOKEN)


def _gitlab(url: str) -> Connector:
    return gl.connector(url, TOKEN)


def _jenkins(url: str) -> Connector:
    return JenkinsConnector(SourceConfig("ci", "jenkins", url, options={"user": "svc"}), TOKEN, clock=FakeClock())


def _jenkins_anonymous(url: str) -> Connector:
    return JenkinsConnector(SourceConfig("ci", "jenkins", url), None, clock=FakeClock())


def _jira(url: str) -> Connector:
    cfg = SourceConfig("jira", "jira", url, options={"flavor": "datacenter", "projects": ["OPS"]})
    return JiraConnector(cfg, TOKEN, clock=FakeClock())


def _cctray(url: str) -> Connector:
    return CCTrayConnector(SourceConfig("cc", "cctray", f"{url}/cc.xml"), TOKEN, clock=FakeClock())


CONNECTORS: dict[str, Callable[[str], Connector]] = {
    "github": _github,
    "gitlab": _gitlab,
    "jenkins": _jenkins,
    "jenkins-anonymous": _jenkins_anonymous,
    "jira": _jira,
    "cctray": _cctray,
}


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_every_connector_refuses_a_redirect_to_another_host(
    kind: str, two_hosts: tuple[FakeServer, FakeServer, str]
) -> None:
    """``test_connection`` (the "Test" button, ``sources test``) and the first stream both fail,
    naming the other host; before, an anonymous Jenkins behind such a redirect reported "ok"."""
    home, other, elsewhere = two_hosts
    home.route("GET", ".*", lambda r: Reply(status=302, headers={"Location": f"{elsewhere}{r.raw_path}"}))
    conn = CONNECTORS[kind](home.url)
    try:
        with pytest.raises(ConnectorError) as exc:
            conn.test_connection()
        assert f"localhost:{other.port}" in str(exc.value)
        with pytest.raises(ConnectorError) as exc:
            list(conn.read(conn.streams()[0], None))
        assert f"localhost:{other.port}" in str(exc.value)
        assert TOKEN not in str(exc.value)
    finally:
        conn.close()
    assert other.requests == []


@pytest.mark.parametrize("stream", ["runs", "pulls"])
def test_github_streams_refuse_a_next_link_to_another_host(
    stream: str, two_hosts: tuple[FakeServer, FakeServer, str]
) -> None:
    """The runs and pulls readers follow next links by hand; the issues reader already refused."""
    home, other, elsewhere = two_hosts
    gh.install(home, gh.dataset())
    path = f"/repos/{gh.REPO}/actions/runs" if stream == "runs" else f"/repos/{gh.REPO}/pulls"

    def first_page_links_away(req: Req) -> Reply:
        body: Any = {"total_count": 1, "workflow_runs": []} if stream == "runs" else []
        return Reply.json(body, headers={"Link": f'<{elsewhere}{path}?page=2>; rel="next"'})

    home.route("GET", path, first_page_links_away)
    conn = gh.connector(home.url, TOKEN)
    with pytest.raises(ConnectorError, match=rf"localhost:{other.port}"):
        list(conn.read(f"{stream}:{gh.REPO}", None))
    assert other.requests == []


def test_a_stored_cursor_link_to_another_host_is_refused(two_hosts: tuple[FakeServer, FakeServer, str]) -> None:
    """A cursor's saved next link is a URL too: it does not take the token elsewhere either."""
    home, other, elsewhere = two_hosts
    gh.install(home, gh.dataset())
    cursor = json.dumps({"pending": {"wm": {"at": None, "ids": []}, "next": f"{elsewhere}/repos/{gh.REPO}/pulls"}})
    with pytest.raises(ConnectorError, match=rf"localhost:{other.port}"):
        list(gh.connector(home.url, TOKEN).read(f"pulls:{gh.REPO}", cursor))
    assert other.requests == []


# --- tokens with whitespace, and every form of a token --------------------------------------------------------


def test_tokens_are_stripped_from_the_environment_and_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDECK_TOKEN_ENVSRC", f"  {TOKEN}-env\n")
    assert secrets.get_token("envsrc") == f"{TOKEN}-env"
    monkeypatch.setenv("FLOWDECK_TOKEN_BLANK", " \n")
    monkeypatch.delenv("FLOWDECK_TOKEN_KR", raising=False)
    previous = keyring.get_keyring()
    try:
        kr = MemoryKeyring()
        keyring.set_keyring(kr)
        kr.set_password(secrets.SERVICE, "kr", f"{TOKEN}-kr\r\n")  # stored by another tool
        assert secrets.get_token("kr") == f"{TOKEN}-kr"
        assert secrets.get_token("blank") is None  # whitespace only is no token
    finally:
        keyring.set_keyring(previous)


def test_the_client_sends_a_stripped_token_for_bearer_and_basic_auth() -> None:
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply.json({}))
        HttpClient("a", srv.url, token=f"{TOKEN}\n", clock=FakeClock()).get("/x")
        HttpClient("b", srv.url, auth=("svc", f"{TOKEN}\n"), clock=FakeClock()).get("/x")
    assert srv.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert srv.requests[1].headers["Authorization"] == "Basic " + base64.b64encode(f"svc:{TOKEN}".encode()).decode()


def _forms(token: str, user: str = "svc") -> dict[str, str]:
    """Every shape a token takes in text a program may print."""
    return {
        "raw": token,
        "quoted": repr(token),
        "double-quoted": json.dumps(token),
        "url-quoted": quote(token, safe=""),
        "form-quoted": quote_plus(token),
        "bytes repr": repr(token.encode()),
        "header bytes repr": repr(f"Bearer {token}".encode()),
        "repr with escapes": repr(f"Bearer {token}"),
        "repr inside a dict": repr({"Authorization": f"Bearer {token}", "q": "'\""}),
        "json inside a dict": json.dumps({"auth": token}),
        "basic auth": base64.b64encode(f"{user}:{token}".encode()).decode(),
        "basic auth of the stripped token": base64.b64encode(f"{user}:{token.strip()}".encode()).decode(),
    }


def _needles(token: str, user: str = "svc") -> set[str]:
    """What must not survive redaction: the token's characters in any encoding of them."""
    core = token.strip()
    out = {
        core,
        repr(core)[1:-1],
        json.dumps(core)[1:-1],
        repr(core.encode())[2:-1],
        core.encode("unicode_escape").decode(),
        quote(core, safe=""),
        quote_plus(core),
        quote(token, safe=""),
        base64.b64encode(f"{user}:{token}".encode()).decode(),
        base64.b64encode(f"{user}:{core}".encode()).decode(),
    }
    return {n for n in out if len(n) >= 4}


@pytest.mark.parametrize("token", ["tok-5e1f-trailing-newline\n", "tok/with+odd'chars\"and\\slash=\r\n", "tök-ünïcode"])
def test_every_form_of_a_registered_token_is_redacted(token: str) -> None:
    register_secret(token)
    with FakeServer() as srv:  # the client registers what Basic auth sends
        HttpClient("b", srv.url, auth=("svc", token), clock=FakeClock())
    needles = _needles(token)
    for name, form in _forms(token).items():
        out = redact(f"before {form} after")
        leaked = [n for n in needles if n in out]
        assert not leaked, (name, out)
        assert out.startswith("before ") and out.endswith(" after"), name


def test_a_token_with_a_newline_is_nowhere_after_a_sync(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A secret mounted from a file ends with a newline: before, requests refused the header and the
    sync printed ``Invalid header value b'Bearer <token>\\n'`` once per stream on stderr, and stored it
    in the sync state."""
    token = "FILEMOUNTED-4d2e9b71c0\n"  # shares nothing with a token other tests registered
    with FakeServer() as srv:
        gh.install(srv, gh.dataset())
        cfg = tmp_path / "flowdeck.toml"
        cfg.write_text(
            f'[[sources]]\nname = "gh"\nkind = "github"\nurl = "{srv.url}"\nrepos = ["{gh.REPO}"]\nlookback_days = 2\n',
            encoding="utf-8",
        )
        db = f"sqlite:///{tmp_path / 'flowdeck.db'}"
        os.environ["FLOWDECK_TOKEN_GH"] = token
        try:
            main(["--db", db, "--config", str(cfg), "sync"])
        finally:
            del os.environ["FLOWDECK_TOKEN_GH"]
        sent = {r.headers.get("Authorization") for r in srv.requests}
    out = capsys.readouterr()
    with Store.open(db) as store, store.engine.connect() as conn:
        state = " ".join(str(row) for row in conn.execute(text("SELECT * FROM sync_state")))
    for where, txt in {"stdout": out.out, "stderr": out.err, "sync state": state}.items():
        leaked = [n for n in _needles(token) if n in txt]
        assert not leaked, f"the token in {where}: {txt[:500]}"
    assert sent == {f"Bearer {token.strip()}"}


def test_an_unusable_token_is_named_without_showing_it(caplog: pytest.LogCaptureFixture) -> None:
    """A line break inside a token cannot go into a header: one clear line, no exception name."""
    caplog.set_level(logging.DEBUG)
    bad = f"{TOKEN}\nsecond-line"
    with FakeServer() as srv:
        srv.route("GET", "/x", Reply.json({}))
        with pytest.raises(ConnectorError) as exc:
            HttpClient("gh", srv.url, token=bad, clock=FakeClock()).get("/x")
    msg = str(exc.value)
    assert "token" in msg and "flowdeck auth set gh" in msg, msg
    assert "Error" not in msg and "\n" not in msg
    assert TOKEN not in msg and "second-line" not in msg
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
