"""Corporate networks end to end for the on-premises connectors: a private CA, hostname checks, a proxy.

A throwaway CA from ``trustme`` signs the fake server's certificate: by default verification fails
with a message naming the host and the reason; with ``ca_bundle`` set it works; a certificate for
another name fails even with the right CA.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from data.config.model import SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.connectors.jenkins.connector import JenkinsConnector
from data.connectors.jira.connector import JiraConnector
from tests.helpers.onprem_fakes import FakeJenkins, FakeJira, cctray_feed, issue, synthetic_builds
from tests.helpers.server import FakeServer, Reply


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _server(ca: trustme.CA, *names: str) -> FakeServer:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(ctx)
    srv = FakeServer(ssl_context=ctx)
    FakeJenkins(jobs={"app": synthetic_builds(2)}).install(srv)
    FakeJira(
        issues=[issue("PAY-1", created="2026-01-01T00:00:00.000+0000", updated="2026-01-01T00:00:00.000+0000")],
        cloud=False,
    ).install(srv)
    srv.route(
        "GET",
        "/cc.xml",
        Reply.text(
            cctray_feed([{"name": "app", "lastBuildLabel": "1", "lastBuildStatus": "Success"}]), content_type="text/xml"
        ),
    )
    return srv


def _jenkins(url: str, **common: Any) -> Any:
    return JenkinsConnector(
        SourceConfig(name="jenkins", kind="jenkins", url=url, **common),
        None,
        clock=FakeClock(),
        policy=RetryPolicy(max_attempts=1),
    )


def _jira(url: str, **common: Any) -> Any:
    return JiraConnector(
        SourceConfig(name="jira", kind="jira", url=url, **common),
        "pat",
        clock=FakeClock(),
        policy=RetryPolicy(max_attempts=1),
    )


def _cctray(url: str, **common: Any) -> Any:
    return CCTrayConnector(
        SourceConfig(name="gocd", kind="cctray", url=url + "/cc.xml", **common),
        None,
        clock=FakeClock(),
        policy=RetryPolicy(max_attempts=1),
    )


CONNECTORS: list[tuple[Callable[..., Any], str]] = [(_jenkins, "builds"), (_jira, "issues"), (_cctray, "status")]
IDS = ["jenkins", "jira", "cctray"]


@pytest.fixture
def good(ca: trustme.CA) -> Iterator[FakeServer]:
    with _server(ca, "127.0.0.1", "localhost") as srv:
        yield srv


def _records(conn: Any, stream: str) -> int:
    try:
        return sum(len(p.records) for p in conn.read(stream, None))
    finally:
        conn.close()


@pytest.mark.parametrize(("make", "stream"), CONNECTORS, ids=IDS)
def test_private_ca_fails_by_default_naming_host(
    good: FakeServer, make: Any, stream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(ConnectorError) as err:
        _records(make(good.url), stream)
    text = str(err.value)
    assert "TLS verification with 127.0.0.1 failed" in text
    assert "certificate verify failed" in text or "self-signed" in text or "issuer" in text
    assert "ca_bundle" in text  # says what to do


@pytest.mark.parametrize(("make", "stream"), CONNECTORS, ids=IDS)
def test_private_ca_works_with_ca_bundle(
    good: FakeServer, ca: trustme.CA, tmp_path: Path, make: Any, stream: str
) -> None:
    bundle = tmp_path / "bank-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    assert _records(make(good.url, ca_bundle=str(bundle)), stream) >= 1


@pytest.mark.parametrize(("make", "stream"), CONNECTORS, ids=IDS)
def test_hostname_mismatch_fails_even_with_the_ca(ca: trustme.CA, tmp_path: Path, make: Any, stream: str) -> None:
    bundle = tmp_path / "bank-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with _server(ca, "ci.bank.example") as srv, pytest.raises(ConnectorError) as err:
        _records(make(srv.url, ca_bundle=str(bundle)), stream)
    text = str(err.value)
    assert "127.0.0.1" in text and ("match" in text.lower() or "hostname" in text.lower())


def test_requests_ca_bundle_env_does_not_override_the_configured_bundle(
    good: FakeServer, ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bank-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    other = trustme.CA()
    wrong = tmp_path / "other-ca.pem"
    other.cert_pem.write_to_path(str(wrong))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(wrong))  # requests#3829
    assert _records(_jira(good.url, ca_bundle=str(bundle)), "issues") == 2


def test_proxy_carries_the_requests() -> None:
    """With ``proxy`` set, plain-HTTP requests go to the proxy with the absolute URL of the real host."""
    with FakeServer() as proxy:
        proxy.route(
            "GET",
            "/cc.xml",
            Reply.text(
                cctray_feed([{"name": "app", "lastBuildLabel": "7", "lastBuildStatus": "Failure"}]),
                content_type="text/xml",
            ),
        )
        conn = _cctray("http://gocd.bank.internal:8153", proxy=proxy.url)
        assert _records(conn, "status") == 1
        assert proxy.requests[0].raw_path == "http://gocd.bank.internal:8153/cc.xml"
