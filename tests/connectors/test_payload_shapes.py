"""A 200 that is not what was asked for: every endpoint of every connector, answered with an error object or a
body of the wrong shape, fails its stream with a message naming the endpoint and the shape (never an
"unexpected AttributeError"); Jira's ``errorMessages`` in a 200 fail the stream with Jira's own words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.http.limits import FakeClock
from data.connectors.jenkins.connector import JenkinsConnector
from data.connectors.jira.connector import JiraConnector
from data.records import WorkItem
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers import github_fake as gh
from tests.helpers import gitlab_fake as gl
from tests.helpers.onprem_fakes import FakeJenkins, FakeJira, issue, status_history, synthetic_builds
from tests.helpers.server import FakeServer, Reply

#: What a Python exception name looks like in a message (none may reach a user).
PYTHON_NAMES = re.compile(r"\b[A-Z][a-zA-Z]*(Error|Exception)\b|Traceback|object has no attribute")


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeServer]:
    # One server for the module: a server's shutdown waits for its poll interval, 165 times over.
    with FakeServer() as srv:
        yield srv


@pytest.fixture
def server(shared_server: FakeServer) -> FakeServer:
    shared_server.clear()
    return shared_server


@dataclass(frozen=True)
class Endpoint:
    """One endpoint a connector reads: the stream that reads it and the shape it must have."""

    system: str
    path: str  # the fake server's route (a regex over the path) and, as a regex, what the message names
    stream: str  # the stream to read, or "test" for test_connection
    want: str  # "list" | "object" | "object:<key>"


GH = f"/repos/{gh.REPO}"
GL = f"/api/v4/projects/{gl.ENC}"
JENKINS_WORKFLOW = "org.jenkinsci.plugins.workflow.job.WorkflowRun"

ENDPOINTS = [
    Endpoint("GitHub", f"{GH}/actions/runs", f"runs:{gh.REPO}", "object:workflow_runs"),
    Endpoint("GitHub", rf"{GH}/actions/runs/\d+/jobs", f"runs:{gh.REPO}", "object:jobs"),
    Endpoint("GitHub", rf"{GH}/actions/runs/\d+/attempts/\d+", f"runs:{gh.REPO}", "object:id"),
    Endpoint("GitHub", f"{GH}/deployments", f"deployments:{gh.REPO}", "list"),
    Endpoint("GitHub", rf"{GH}/deployments/\d+/statuses", f"deployments:{gh.REPO}", "list"),
    Endpoint("GitHub", rf"{GH}/compare/[^/]+", f"deployments:{gh.REPO}", "object:commits"),
    Endpoint("GitHub", f"{GH}/pulls", f"pulls:{gh.REPO}", "list"),
    Endpoint("GitHub", rf"{GH}/pulls/\d+/commits", f"pulls:{gh.REPO}", "list"),
    Endpoint("GitHub", rf"{GH}/pulls/\d+/reviews", f"pulls:{gh.REPO}", "list"),
    Endpoint("GitHub", f"{GH}/issues", f"issues:{gh.REPO}", "list"),
    Endpoint("GitHub", rf"{GH}/issues/\d+/events", f"issues:{gh.REPO}", "list"),
    Endpoint("GitHub", GH, "test", "object:full_name"),
    Endpoint("GitLab", f"{GL}/pipelines", f"pipelines:{gl.PROJECT}", "list"),
    Endpoint("GitLab", rf"{GL}/pipelines/\d+/jobs", f"pipelines:{gl.PROJECT}", "list"),
    Endpoint("GitLab", f"{GL}/deployments", f"deployments:{gl.PROJECT}", "list"),
    Endpoint("GitLab", f"{GL}/repository/compare", f"deployments:{gl.PROJECT}", "object:commits"),
    Endpoint("GitLab", f"{GL}/merge_requests", f"merge_requests:{gl.PROJECT}", "list"),
    Endpoint("GitLab", rf"{GL}/merge_requests/\d+/commits", f"merge_requests:{gl.PROJECT}", "list"),
    Endpoint("GitLab", rf"{GL}/merge_requests/\d+/notes", f"merge_requests:{gl.PROJECT}", "list"),
    Endpoint("GitLab", f"{GL}/issues", f"issues:{gl.PROJECT}", "list"),
    Endpoint("GitLab", rf"{GL}/issues/\d+/resource_state_events", f"issues:{gl.PROJECT}", "list"),
    Endpoint("GitLab", rf"{GL}/issues/\d+/resource_label_events", f"issues:{gl.PROJECT}", "list"),
    Endpoint("GitLab", GL, "test", "object:path_with_namespace"),
    Endpoint("Jenkins", "/api/json", "builds", "object:jobs"),
    Endpoint("Jenkins", "/job/app/api/json", "builds", "object:allBuilds"),
    Endpoint("Jenkins", r"/job/app/\d+/wfapi/describe", "builds", "object:stages"),
    Endpoint("Jenkins", "/api/json", "test", "object:jobs"),
    Endpoint("Jira", "/rest/api/3/status", "issues", "list"),
    Endpoint("Jira", "/rest/api/3/search/jql", "issues", "object:issues"),
    Endpoint("Jira", r"/rest/api/3/issue/[^/]+/changelog", "issues", "object:values"),
    Endpoint("Jira", "/rest/api/3/myself", "test", "object:displayName"),
    Endpoint("Jira DC", "/rest/api/2/search", "issues", "object:issues"),
]


def wrong_bodies(want: str) -> list[tuple[str, Any, str]]:
    """(label, body, the shape the message must name) for an endpoint expecting ``want``."""
    error = {"message": "API rate limit exceeded for installation", "documentation_url": "https://docs"}
    bodies = [
        ("string", "Service temporarily unavailable", "a JSON string"),
        ("error-object", error, 'an error object ("API rate limit exceeded for installation")'),
    ]
    if want == "list":
        bodies += [
            ("object", {"items": [], "total": 0}, "a JSON object with items, total"),
            ("scalars", [1, "x"], "a list holding a JSON number"),
        ]
    else:
        bodies += [("list", [{"id": 1}], "a JSON list")]
        if ":" in want:
            bodies += [("no-key", {"total_count": 3}, "a JSON object with total_count")]
    return bodies


def _case_id(ep: Endpoint, label: str) -> str:
    return f"{ep.system.replace(' ', '')}{ep.path}-{ep.stream.split(':')[0]}-{label}"


CASES = [
    pytest.param(ep, body, shape, id=_case_id(ep, label))
    for ep in ENDPOINTS
    for label, body, shape in wrong_bodies(ep.want)
]


# --- connectors on their healthy fakes --------------------------------------------------------------------


def _github(srv: FakeServer) -> Any:
    gh.install(srv, gh.dataset())
    return gh.connector(srv.url, "tok")


def _gitlab(srv: FakeServer) -> Any:
    gl.install(srv, gl.dataset())
    srv.route("GET", GL, Reply.json({"path_with_namespace": gl.PROJECT}))  # for test_connection
    return gl.connector(srv.url, "tok")


def _jenkins(srv: FakeServer) -> Any:
    build = {
        "_class": JENKINS_WORKFLOW,
        "number": 3,
        "result": "SUCCESS",
        "building": False,
        "timestamp": 1_767_225_600_000,
        "duration": 60_000,
    }
    describe = {"id": "3", "stages": [{"id": "6", "name": "Deploy", "status": "SUCCESS", "startTimeMillis": 1}]}
    fake = FakeJenkins(jobs={"app": [build, *synthetic_builds(2)]}, describes={("app", 3): describe})
    fake.install(srv)
    src = SourceConfig(name="ci", kind="jenkins", url=srv.url, options={"deployment_pattern": "Deploy"})
    return JenkinsConnector(src, None, clock=FakeClock())


def _jira_issues() -> list[dict[str, Any]]:
    histories = [
        status_history(100 + i, f"2026-01-0{1 + i}T00:00:00.000+0000", ("1", "Open"), ("2", "Doing")) for i in range(3)
    ]
    return [
        issue("PAY-1", created="2025-12-31T00:00:00.000+0000", updated="2026-01-05T00:00:00.000+0000"),
        issue(
            "PAY-2", created="2025-12-31T00:00:00.000+0000", updated="2026-01-06T00:00:00.000+0000", histories=histories
        ),
    ]


def _jira(srv: FakeServer, cloud: bool = True) -> Any:
    statuses = [{"id": "1", "name": "Open"}, {"id": "2", "name": "Doing"}]
    FakeJira(issues=_jira_issues(), statuses=statuses, cloud=cloud, embed_limit=1).install(srv)
    opts = {"user": "li@example.com"} if cloud else {}
    return JiraConnector(SourceConfig(name="jira", kind="jira", url=srv.url, options=opts), "tok", clock=FakeClock())


CONNECTORS: dict[str, Callable[[FakeServer], Any]] = {
    "GitHub": _github,
    "GitLab": _gitlab,
    "Jenkins": _jenkins,
    "Jira": _jira,
    "Jira DC": lambda srv: _jira(srv, cloud=False),
}


def _read(conn: Any, stream: str) -> None:
    try:
        if stream == "test":
            conn.test_connection()
            return
        for _page in conn.read(stream, None):
            pass
    finally:
        conn.close()


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: f"{ep.system}:{ep.path}")
def test_every_endpoint_is_read_by_its_stream(server: FakeServer, ep: Endpoint) -> None:
    """Guard for the test below: on the healthy fake each listed endpoint is really requested."""
    conn = CONNECTORS[ep.system](server)
    _read(conn, ep.stream)
    assert any(re.fullmatch(ep.path, r.path) for r in server.requests), [r.path for r in server.requests]


@pytest.mark.parametrize(("ep", "body", "shape"), CASES)
def test_wrong_shape_names_endpoint_and_shape(server: FakeServer, ep: Endpoint, body: Any, shape: str) -> None:
    conn = CONNECTORS[ep.system](server)
    server.route("GET", ep.path, Reply.json(body))  # later routes win
    with pytest.raises(ConnectorError) as err:
        _read(conn, ep.stream)
    message = str(err.value)
    system = "Jira" if ep.system == "Jira DC" else ep.system
    assert re.search(rf"{re.escape(system)} {ep.path} answered (an object whose \w+ is )?", message), message
    assert shape in message, message
    if ep.want != "list" or shape == "a list holding a JSON number":
        expected = (
            "a list of objects"
            if ep.want == "list"
            else (f"an object with {ep.want.split(':')[1]}" if ":" in ep.want else "a JSON object")
        )
        assert f"where {expected} was expected" in message, message
    assert not PYTHON_NAMES.search(message), message


def test_github_example_message_and_the_other_streams_still_sync(server: FakeServer, sqlite_url: str) -> None:
    conn = _github(server)
    server.route("GET", f"{GH}/actions/runs", Reply.json("rate limited"))
    with Store.open(sqlite_url) as store:
        summary = sync_source(store, conn)
    assert summary.error == (
        f"github: GitHub /repos/{gh.REPO}/actions/runs answered a JSON string where an object with "
        "workflow_runs was expected"
    )
    failed = [s.stream for s in summary.streams if s.error]
    assert failed == [f"runs:{gh.REPO}"]
    assert sum(s.records for s in summary.streams) > 0  # issues, pulls, deployments were stored


# --- Jira: errorMessages in a 200 -------------------------------------------------------------------------


JQL_ERROR = {
    "errorMessages": ["The value 'PAYX' does not exist for the field 'project'."],
    "warningMessages": [],
    "errors": {},
}


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_jira_error_messages_in_a_200_fail_the_stream_with_the_message(
    server: FakeServer, sqlite_url: str, cloud: bool
) -> None:
    conn = _jira(server, cloud=cloud)
    path = "/rest/api/3/search/jql" if cloud else "/rest/api/2/search"
    server.route("GET", path, Reply.json(JQL_ERROR))
    with Store.open(sqlite_url) as store:
        summary = sync_source(store, conn)
        stored = [r for r in store.all_records() if isinstance(r, WorkItem)]
    assert not summary.ok and stored == []
    assert summary.error == (
        f"jira: Jira {path} answered with an error: The value 'PAYX' does not exist for the field 'project'."
    )


def test_jira_errors_field_and_markup_become_plain_text(server: FakeServer) -> None:
    conn = _jira(server)
    body = {"errorMessages": ["<p>You do <b>not</b> have\npermission to view project PAY.</p>"], "errors": {}}
    server.route("GET", "/rest/api/3/status", Reply.json(body))
    with pytest.raises(ConnectorError) as err:
        _read(conn, "issues")
    assert str(err.value) == (
        "jira: Jira /rest/api/3/status answered with an error: You do not have permission to view project PAY."
    )
    conn = _jira(server)  # installs the healthy routes again; the next ones win over them
    server.route("GET", "/rest/api/3/search/jql", Reply.json({"errorMessages": [], "errors": {"jql": "Bad JQL"}}))
    with pytest.raises(ConnectorError, match=r"Jira /rest/api/3/search/jql answered with an error: jql: Bad JQL$"):
        _read(conn, "issues")


def test_jira_changelog_with_error_messages_fails(server: FakeServer) -> None:
    conn = _jira(server)
    server.route("GET", r"/rest/api/3/issue/[^/]+/changelog", Reply.json({"errorMessages": ["Issue is gone"]}))
    with pytest.raises(
        ConnectorError, match=r"/rest/api/3/issue/PAY-2/changelog answered with an error: Issue is gone"
    ):
        _read(conn, "issues")


def test_github_refresh_of_an_old_unfinished_run_checks_the_shape(server: FakeServer, sqlite_url: str) -> None:
    """The one GitHub endpoint the table above cannot reach: an unfinished run refreshed on its own."""
    from datetime import timedelta

    state = gh.dataset()
    gh.install(server, state)
    with Store.open(sqlite_url) as store:
        # As in test_github: syncs 0, 20 and 35 days on keep March in the re-scan; at 36 run 107 (in
        # progress, created in March) is out of it and refreshed on its own.
        for days in (0, 20, 35):
            later = gh.connector(server.url, "tok", now=gh.NOW + timedelta(days=days))
            assert sync_source(store, later, streams=[f"runs:{gh.REPO}"]).ok
        server.route("GET", f"{GH}/actions/runs/107", Reply.json({"message": "Server Error"}))
        later = gh.connector(server.url, "tok", now=gh.NOW + timedelta(days=36))
        summary = sync_source(store, later, streams=[f"runs:{gh.REPO}"])
    assert any(r.path == f"{GH}/actions/runs/107" for r in server.requests)
    assert summary.error == (
        f'github: GitHub {GH}/actions/runs/107 answered an error object ("Server Error") where an object with '
        "id was expected"
    )
