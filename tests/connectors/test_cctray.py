"""CCTray connector: nevergreen's real-ish feeds and edge cases, the spec example, hostile XML, polling history."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.cctray import CCTrayConnector, parse_feed
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.records import PipelineRun
from tests.helpers.onprem_fakes import BILLION_LAUGHS, cctray_feed
from tests.helpers.server import FakeServer, Reply

NEVERGREEN = "cctray/nevergreen/cctray_xml_feed_mock/resources"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


def connector(url: str, clock: FakeClock | None = None, **options: Any) -> CCTrayConnector:
    src = SourceConfig(name="gocd", kind="cctray", url=f"{url}/go/cctray.xml", timeout_s=0.5, options=options)
    return CCTrayConnector(src, None, clock=clock or FakeClock(), policy=RetryPolicy(max_attempts=2))


def poll(conn: CCTrayConnector, cursor: str | None) -> tuple[list[PipelineRun], str | None]:
    runs: list[PipelineRun] = []
    for page in conn.read("status", cursor):
        runs.extend(r for r in page.records if isinstance(r, PipelineRun))
        cursor = page.cursor or cursor
    return runs, cursor


def test_gocd_feed_without_zone_uses_the_source_timezone(fixtures_dir: Path) -> None:
    xml = (fixtures_dir / NEVERGREEN / "go_cd.xml").read_bytes()
    projects = {p.name: p for p in parse_feed(xml, zone=ZoneInfo("Asia/Shanghai"))}
    assert len(projects) == 6
    stage1 = projects["example-service :: stage-1"]
    # 12:51:38 in Shanghai (UTC+8) is 04:51:38 UTC.
    assert stage1.time == datetime(2014, 10, 7, 4, 51, 38, tzinfo=UTC)
    assert (stage1.activity, stage1.status, stage1.label) == ("sleeping", "success", "648")
    assert projects["example-service :: stage-2 :: job-1"].breakers == "Jane Doe <jdoe@example.com>"
    # Without the option the same text is read as UTC.
    utc = {p.name: p for p in parse_feed(xml)}
    assert utc["example-service :: stage-1"].time == datetime(2014, 10, 7, 12, 51, 38, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "count"), [("jenkins.xml", 3), ("circle_ci.xml", 1), ("cctray.xml", 4), ("screenshot.xml", None)]
)
def test_nevergreen_feeds_parse(fixtures_dir: Path, name: str, count: int | None) -> None:
    projects = parse_feed((fixtures_dir / NEVERGREEN / name).read_bytes())
    assert projects and (count is None or len(projects) == count)
    assert all(p.time is not None and p.time.tzinfo is not None for p in projects)


def test_edge_cases_empty_values_and_unknown_children(fixtures_dir: Path) -> None:
    preview = {p.name: p for p in parse_feed((fixtures_dir / "cctray/nevergreen/resources/preview.xml").read_bytes())}
    rumours = preview["Fleetwood Mac - Rumours"]
    assert (rumours.activity, rumours.status) == ("unknown", "unknown")  # empty attributes
    generic = parse_feed((fixtures_dir / NEVERGREEN / "cctray.xml").read_bytes())  # has a <random/> child
    assert [p.name for p in generic][-1] == "failure_building_project"
    odd = parse_feed('<Projects><Project name="x" activity="Paused" lastBuildStatus="Cancelled"/></Projects>')
    assert (odd[0].activity, odd[0].status, odd[0].label, odd[0].time) == ("unknown", "unknown", None, None)


def test_spec_example_with_seven_fraction_digits(fixtures_dir: Path) -> None:
    projects = parse_feed((fixtures_dir / "cctray/spec/example_from_pages_cctray-1.md.xml").read_bytes())
    svn = projects[0]
    assert (svn.name, svn.status, svn.label) == ("SvnTest", "exception", "8")
    assert svn.time == datetime(2005, 9, 28, 9, 30, 34, 636216, tzinfo=UTC)


def test_billion_laughs_is_rejected_without_expanding() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ConnectorError, match="entit"):
            parse_feed(BILLION_LAUGHS, where="gocd")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # expanded, lol9 would be ~3 GB


def test_not_a_feed_is_a_clear_error() -> None:
    with pytest.raises(ConnectorError, match="root element is <html>"):
        parse_feed("<html><body>Login</body></html>", where="gocd")
    with pytest.raises(ConnectorError, match="well-formed"):
        parse_feed("<Projects><Project", where="gocd")


def test_successive_polls_build_history(server: FakeServer) -> None:
    state = {
        "name": "app",
        "activity": "Sleeping",
        "lastBuildStatus": "Success",
        "lastBuildLabel": "41",
        "lastBuildTime": "2026-03-02T10:00:00Z",
        "webUrl": "https://ci/app",
    }
    server.route("GET", "/go/cctray.xml", lambda r: Reply.text(cctray_feed([state]), content_type="application/xml"))
    clock = FakeClock(start=datetime(2026, 3, 2, 10, 30, tzinfo=UTC).timestamp())
    conn = connector(server.url, clock=clock)
    runs, cursor = poll(conn, None)
    assert [(r.id, r.status, r.result) for r in runs] == [("41", "completed", "success")]
    assert poll(conn, cursor)[0] == []  # nothing changed, nothing written
    state["activity"] = "Building"
    runs, cursor = poll(conn, cursor)
    assert [(r.id, r.status, r.result) for r in runs] == [("42", "running", None)]
    assert runs[0].started_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    state.update(
        activity="Sleeping", lastBuildLabel="42", lastBuildStatus="Failure", lastBuildTime="2026-03-02T10:41:00Z"
    )
    runs, cursor = poll(conn, cursor)
    [done] = runs
    assert (done.id, done.status, done.result) == ("42", "completed", "failure")
    assert done.started_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    assert done.finished_at == datetime(2026, 3, 2, 10, 41, tzinfo=UTC)
    # A non-numeric label: the running placeholder is "next", closed as skipped when the real label lands.
    state.update(activity="Building")
    state["lastBuildLabel"] = "42.abc"
    runs, cursor = poll(conn, cursor)
    assert [(r.id, r.status) for r in runs] == [("42.abc", "completed"), ("next", "running")]
    state.update(activity="Sleeping", lastBuildLabel="release-7", lastBuildStatus="Success")
    runs, cursor = poll(conn, cursor)
    assert {(r.id, r.status, r.result) for r in runs} == {
        ("release-7", "completed", "success"),
        ("next", "completed", "skipped"),
    }
    assert json.loads(cursor or "{}")["projects"]["app"]["running"] is None


def test_etag_makes_an_idle_poll_free(server: FakeServer) -> None:
    body = cctray_feed([{"name": "app", "activity": "Sleeping", "lastBuildStatus": "Success", "lastBuildLabel": "1"}])

    def handler(req: Any) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply.text(body, content_type="application/xml", headers={"ETag": '"v1"'})

    server.route("GET", "/go/cctray.xml", handler)
    conn = connector(server.url)
    _, cursor = poll(conn, None)
    pages = list(connector(server.url).read("status", cursor))  # a new process: validators come from the cursor
    assert pages == []
    assert server.requests[-1].headers.get("If-None-Match") == '"v1"'


def test_a_feed_that_times_out_fails_that_source_alone(server: FakeServer) -> None:
    server.route("GET", "/go/cctray.xml", Reply.text("<Projects/>", delay_s=1.5))
    with pytest.raises(ConnectorError, match="timed out"):
        poll(connector(server.url), None)


def test_bad_timezone_names_the_field() -> None:
    with pytest.raises(ConfigError, match="timezone"):
        CCTrayConnector(
            SourceConfig("gocd", "cctray", "http://127.0.0.1:9/cc.xml", options={"timezone": "Mars/Base"}), None
        )
