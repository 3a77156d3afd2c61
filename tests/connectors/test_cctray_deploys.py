"""CCTray projects mapped to production deployments by name (``deployment_pattern``), so a team on GoCD,
TeamCity or Jenkins freestyle jobs gets a production deployment success rate; and feed times no instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from data.config.model import ConfigError, SourceConfig
from data.config.parse import parse_config
from data.connectors.cctray import CCTrayConnector, parse_feed
from data.connectors.http.limits import FakeClock
from data.records import Deployment, PipelineRun
from data.report.build import build_report
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import FakeServer, Reply

DEPLOY = "payments :: deploy-prod"
BUILD = "payments :: build"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


class Feed:
    """A GoCD-like feed whose state the test moves on between polls."""

    def __init__(self, srv: FakeServer) -> None:
        self.projects: dict[str, dict[str, str]] = {}
        srv.route("GET", "/go/cctray.xml", lambda _r: Reply.text(self.xml(), content_type="application/xml"))

    def xml(self) -> str:
        return cctray_feed(self.projects.values())

    def set(self, name: str, label: str, status: str, day: int | None, activity: str = "Sleeping") -> None:
        p = {"name": name, "activity": activity, "lastBuildStatus": status, "lastBuildLabel": label}
        if day is not None:
            p["lastBuildTime"] = f"2026-03-{day:02d}T09:00:00"
        self.projects[name] = p


def source(url: str, **options: Any) -> SourceConfig:
    return SourceConfig(name="gocd", kind="cctray", url=f"{url}/go/cctray.xml", options=options)


def deployments(conn: CCTrayConnector, cursor: str | None) -> tuple[list[Deployment], str | None]:
    out: list[Deployment] = []
    for page in conn.read("status", cursor):
        out.extend(r for r in page.records if isinstance(r, Deployment))
        cursor = page.cursor or cursor
    return out, cursor


def test_matching_projects_become_deployments_build_by_build(server: FakeServer) -> None:
    feed = Feed(server)
    conn = CCTrayConnector(source(server.url, deployment_pattern="(?i)deploy-prod"), None, clock=FakeClock())
    feed.set(DEPLOY, "10", "Success", 2)
    feed.set(BUILD, "55", "Success", 2)
    deps, cursor = deployments(conn, None)
    assert [(d.id, d.status, d.environment, d.repo) for d in deps] == [
        (f"{DEPLOY}#10", "success", "production", DEPLOY)
    ]
    assert deps[0].finished_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    feed.set(DEPLOY, "10", "Success", 2, activity="Building")
    deps, cursor = deployments(conn, cursor)
    assert deps == []  # a running build's label is only a prediction: no deployment yet
    feed.set(DEPLOY, "11", "Failure", 3)
    deps, cursor = deployments(conn, cursor)
    assert [(d.id, d.status) for d in deps] == [(f"{DEPLOY}#11", "failure")]
    assert deps[0].started_at is not None  # when Building was first seen
    feed.set(DEPLOY, "12", "Exception", 4)
    feed.set(BUILD, "56", "Failure", 4)  # not a deployment project
    deps, cursor = deployments(conn, cursor)
    assert [(d.id, d.status) for d in deps] == [(f"{DEPLOY}#12", "failure")]
    feed.set(DEPLOY, "13", "Unknown", 5)  # the feed cannot say how it ended
    deps, cursor = deployments(conn, cursor)
    assert [(d.id, d.status) for d in deps] == [(f"{DEPLOY}#13", "cancelled")]


def test_configured_environment_repo_and_a_build_without_time(server: FakeServer) -> None:
    feed = Feed(server)
    clock = FakeClock(start=datetime(2026, 3, 9, 12, tzinfo=UTC).timestamp())
    conn = CCTrayConnector(
        source(
            server.url,
            deployment_pattern="deploy-prod$",
            deployment_environment="prod-cn",
            repo={"payments ::*": "bank/payments"},
        ),
        None,
        clock=clock,
    )
    feed.set(DEPLOY, "1", "Success", None)
    deps, cursor = deployments(conn, None)
    # First sight of a build with no lastBuildTime: when it finished is unknown.
    assert [(d.environment, d.repo, d.finished_at) for d in deps] == [("prod-cn", "bank/payments", None)]
    feed.set(DEPLOY, "2", "Success", None)
    deps, _ = deployments(conn, cursor)
    assert [d.finished_at for d in deps] == [datetime(2026, 3, 9, 12, tzinfo=UTC)]  # by the poll that saw it


def test_success_rate_from_a_cctray_feed(server: FakeServer, sqlite_url: str) -> None:
    feed = Feed(server)
    cfg = parse_config(
        {
            "sources": [{"name": "gocd", "kind": "cctray", "url": f"{server.url}/go/cctray.xml",
                         "deployment_pattern": "(?i)deploy-prod"}],
            "streams": [{"name": "Payments", "stages": [{"name": "Dev", "active": ["In Progress"]}]}],
        }
    )  # fmt: skip
    conn = CCTrayConnector(cfg.sources[0], None, clock=FakeClock())
    with Store.open(sqlite_url) as store:
        for label, status, day in [("1", "Success", 2), ("2", "Failure", 3), ("3", "Success", 4), ("4", "Success", 5)]:
            feed.set(DEPLOY, label, status, day)
            feed.set(BUILD, str(100 + int(label)), "Success", day)
            assert sync_source(store, conn).ok
        report = build_report(
            store,
            cfg,
            window_from=datetime(2026, 3, 1, tzinfo=UTC),
            window_to=datetime(2026, 3, 8, tzinfo=UTC),
            details=False,
        )
        runs = [r for r in store.all_records() if isinstance(r, PipelineRun)]
    assert len(runs) == 8
    assert report.delivery.production_deployments_succeeded == 3
    assert report.delivery.production_deployments_failed == 1
    assert report.delivery.production_deployment_success_rate == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("option", "value"),
    [("deployment_pattern", "(["), ("deployment_pattern", 5), ("deployment_environment", ""), ("repo", 3)],
)
def test_bad_options_name_the_field(option: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=option):
        CCTrayConnector(source("http://127.0.0.1:9", **{option: value}), None)


def test_dotnet_min_and_max_times_are_no_time_in_any_zone() -> None:
    """CruiseControl.NET's DateTime.MinValue east of UTC and MaxValue west of it are before year 1 / after 9999."""
    xml = cctray_feed(
        [
            {"name": "never", "lastBuildStatus": "Unknown", "lastBuildTime": "0001-01-01T00:00:00"},
            {"name": "max", "lastBuildStatus": "Success", "lastBuildTime": "9999-12-31T23:59:59"},
        ]
    )
    assert [p.time for p in parse_feed(xml, zone=ZoneInfo("America/New_York"))] == [None, None]
    tokyo = [p.time for p in parse_feed(xml, zone=ZoneInfo("Asia/Tokyo"))]
    # MaxValue in Tokyo is an instant (the sync's record check clears it: after 2199).
    assert tokyo == [None, datetime(9999, 12, 31, 14, 59, 59, tzinfo=UTC)]


def test_label_with_non_ascii_digits_does_not_break_the_prediction(server: FakeServer) -> None:
    feed = Feed(server)
    conn = CCTrayConnector(source(server.url), None, clock=FakeClock())
    feed.set("x", "²", "Success", 2, activity="Building")
    runs = [r for page in conn.read("status", None) for r in page.records if isinstance(r, PipelineRun)]
    assert {r.id for r in runs} == {"²", "next"}


def test_the_feeds_name_limits_are_the_event_file_limits() -> None:
    from data.connectors.cctray import LABEL_LIMIT, NAME_LIMIT
    from data.events.limits import max_length

    assert (max_length("pipeline_run", "pipeline"), max_length("pipeline_run", "id")) == (NAME_LIMIT, LABEL_LIMIT)
