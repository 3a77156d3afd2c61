"""What the GitHub and GitLab connectors share (:mod:`data.connectors.context`): stream names, the
options both read alike, API instants and pages that account their cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from data.config.model import DEFAULT_LOOKBACK_DAYS, SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.context import ReaderContext, StreamOptions, instant
from data.connectors.github.connector import GitHubConnector
from data.connectors.gitlab.connector import GitLabConnector
from data.connectors.http.limits import HttpStats
from data.records import Record

URL = "http://127.0.0.1:9"  # never reached: nothing here makes a request


def _github(**options: object) -> GitHubConnector:
    return GitHubConnector(SourceConfig(name="gh", kind="github", url=URL, options={"repos": ["o/r"], **options}), None)


def _gitlab(**options: object) -> GitLabConnector:
    return GitLabConnector(
        SourceConfig(name="gl", kind="gitlab", url=URL, options={"projects": ["g/p"], **options}), None
    )


def test_streams_are_every_kind_of_every_scope_in_order() -> None:
    gh = GitHubConnector(SourceConfig(name="gh", kind="github", url=URL, options={"repos": ["a/b", "c/d"]}), None)
    assert gh.streams() == [
        "issues:a/b",
        "pulls:a/b",
        "runs:a/b",
        "deployments:a/b",
        "issues:c/d",
        "pulls:c/d",
        "runs:c/d",
        "deployments:c/d",
    ]
    assert _gitlab().streams() == ["issues:g/p", "merge_requests:g/p", "pipelines:g/p", "deployments:g/p"]


@pytest.mark.parametrize(
    ("connector", "stream"),
    [
        (_github, "runs:x/y"),  # a repository not configured
        (_github, "builds:o/r"),  # a kind GitHub has not
        (_github, "runs"),
        (_gitlab, "pipelines:g/other"),
        (_gitlab, "runs:g/p"),
    ],
)
def test_an_unknown_stream_is_refused_naming_source_and_stream(connector, stream: str) -> None:  # type: ignore[no-untyped-def]
    conn = connector()
    with pytest.raises(ConnectorError) as err:
        next(iter(conn.read(stream, None)))
    assert str(err.value) == f"{conn.source}: unknown stream {stream!r}"


def test_shared_options_defaults_and_case() -> None:
    opts = StreamOptions.parse({}, per_page=50)
    assert opts.status_labels == {}
    assert opts.incident_labels == {"incident"}
    assert opts.lookback == timedelta(days=DEFAULT_LOOKBACK_DAYS)
    assert opts.per_page == 50
    assert opts.production.search("production") and not opts.production.search("staging")
    given = StreamOptions.parse(
        {"status_labels": {"Status: Done": "Done"}, "incident_labels": ["Outage"], "lookback_days": 7, "per_page": 30},
        per_page=50,
    )
    assert given.status_labels == {"status: done": "Done"}  # labels are matched lower-case
    assert given.incident_labels == {"outage"}
    assert given.lookback == timedelta(days=7)
    assert given.per_page == 30
    # Each system keeps its own page-size default and its own options.
    assert _github().ctx.options.per_page == 50 and _github().ctx.rescan == timedelta(days=30)
    gl = _gitlab(production_tiers=["Production", "Live"])
    assert gl.ctx.options.per_page == 100 and gl.ctx.production_tiers == {"production", "live"}
    assert gl.ctx.status_scope == "workflow"


def test_api_instants() -> None:
    assert instant("2026-03-01T09:00:00+08:00") == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert instant("") is None and instant(None) is None and instant(42) is None
    # Parses, but is no UTC instant: a ValueError, which the mappers' net turns into a message.
    with pytest.raises(ValueError, match="instant out of range"):
        instant("0001-01-01T00:00:00+08:00")


@dataclass
class _CountingClient:
    stats: HttpStats = field(default_factory=HttpStats)


def test_pages_account_what_was_spent_since_the_last_page() -> None:
    client = _CountingClient()
    client.stats.requests = 4  # spent before the context existed: not counted
    ctx = ReaderContext("s", "GitHub", client, StreamOptions.parse({}, per_page=50), lambda: datetime.now(UTC))  # type: ignore[arg-type]
    client.stats.requests, client.stats.wait_s = 7, 1.5
    records: list[Record] = []
    first = ctx.page(records, {"wm": 1}, "note")
    assert (first.requests, first.waits_s, first.cursor, first.notes) == (3, 1.5, '{"wm":1}', ("note",))
    client.stats.requests += 2
    second = ctx.page(records, None)
    assert (second.requests, second.waits_s, second.cursor) == (2, 0.0, None)
    client.stats.requests += 5
    ctx.restart()  # a new stream counts from here
    assert ctx.page(records, None).requests == 0
