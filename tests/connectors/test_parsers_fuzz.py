"""Property tests: the connectors' parsers over random JSON (and XML) payloads raise nothing but
:class:`ConnectorError` — a garbage field becomes a clear error naming the item, never a Python exception.

Items are drawn with the keys each parser reads, holding any JSON value (numbers beyond 64 bits, NaN,
nested lists and objects, instants out of every range), so the parsers' real paths are exercised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from data.config.model import SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.cctray import parse_feed
from data.connectors.github.connector import GitHubConnector
from data.connectors.github.runs import map_job, map_run
from data.connectors.gitlab.connector import GitLabConnector
from data.connectors.http.limits import HttpStats
from data.connectors.http.response import HttpResponse
from data.connectors.jenkins.parse import deployments_for_build, parse_build, parse_stages
from data.connectors.jira.parse import parse_issue, status_map
from tests.helpers.onprem_fakes import cctray_feed

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INSTANTS = [
    "2026-03-01T09:00:00Z",
    "2021-01-25T21:49:52.514+0800",
    "0001-01-01T00:00:00+08:00",
    "9999-12-31T23:59:59-05:00",
    "2026-13-45T99:00:00Z",
    "yesterday",
    "",
]
scalar = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and ±inf included: Python's json reads them
    | st.text(max_size=12)
    | st.sampled_from(INSTANTS)
)
any_json = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def item(keys: Mapping[str, st.SearchStrategy[Any]] | Sequence[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with any subset of ``keys``; each value from its strategy, or any JSON value."""
    spec = dict(keys) if isinstance(keys, Mapping) else {}
    names = list(keys)
    return st.fixed_dictionaries({}, optional={k: spec.get(k, any_json) | any_json for k in names})


def listing(of: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A list of ``of`` mostly, sometimes any JSON value (a field of the wrong type)."""
    return st.lists(of, max_size=3) | any_json


def only_connector_errors(call: Any, *args: Any, **kw: Any) -> Any:
    """Run a parser; a ConnectorError is an answer, any other exception fails the test."""
    try:
        return call(*args, **kw)
    except ConnectorError as exc:
        assert not re.search(r"\b[A-Z][a-z]+(Error|Exception)\b", str(exc)), str(exc)
        return None


# --- GitHub ---------------------------------------------------------------------------------------------

GH_RUN_KEYS = {
    "id": st.integers(1, 10**12) | st.text(max_size=5),
    "status": st.sampled_from(["completed", "in_progress", "queued", "COMPLETED"]),
    "conclusion": st.sampled_from(["success", "failure", "startup_failure", "weird"]),
    "run_attempt": st.integers(-1, 5),
    "created_at": st.sampled_from(INSTANTS),
    "updated_at": st.sampled_from(INSTANTS),
    "run_started_at": st.sampled_from(INSTANTS),
    "triggering_actor": item({"login": st.text(max_size=5)}),
    "actor": item({"login": st.text(max_size=5)}),
    "name": st.text(max_size=5),
    "path": st.text(max_size=5),
    "workflow_id": st.integers(),
    "head_sha": st.text(max_size=5),
    "head_branch": st.text(max_size=5),
    "html_url": st.text(max_size=5),
}
GH_JOB_KEYS = {
    "id": st.integers(1, 10**12),
    "run_id": st.integers(1, 10**12),
    "run_attempt": st.integers(-1, 3),
    "name": st.text(max_size=5),
    "status": st.sampled_from(["completed", "queued"]),
    "conclusion": st.sampled_from(["success", "skipped"]),
    "created_at": st.sampled_from(INSTANTS),
    "started_at": st.sampled_from(INSTANTS),
    "completed_at": st.sampled_from(INSTANTS),
}
GH_EVENT_KEYS = {
    "id": st.integers(),
    "event": st.sampled_from(["closed", "reopened", "labeled", "unlabeled"]),
    "created_at": st.sampled_from(INSTANTS),
    "label": item({"name": st.sampled_from(["status: in review", "bug"])}),
}


def _github() -> GitHubConnector:
    src = SourceConfig(
        name="gh",
        kind="github",
        url="http://127.0.0.1:9",
        options={"repos": ["o/r"], "status_labels": {"status: in review": "In Review"}},
    )
    return GitHubConnector(src, None)


@FUZZ
@given(item(GH_RUN_KEYS), st.lists(item(GH_JOB_KEYS), max_size=3))
def test_github_runs_and_jobs(run: dict[str, Any], jobs: list[dict[str, Any]]) -> None:
    only_connector_errors(map_run, "gh", "o/r", run, jobs)
    for job in jobs:
        only_connector_errors(map_job, "gh", "o/r/CI", job)


@FUZZ
@given(
    item({"id": st.integers(), "environment": st.text(max_size=5), "created_at": st.sampled_from(INSTANTS)}),
    st.lists(item({"id": st.integers(), "state": st.sampled_from(["success", "error"]), "created_at": any_json})),
    st.lists(item(GH_EVENT_KEYS), max_size=4),
)
def test_github_deployments_and_issue_events(
    deployment: dict[str, Any], statuses: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    conn = _github()
    only_connector_errors(conn.deployments.map_deployment, "o/r", deployment, statuses)
    from datetime import UTC, datetime

    only_connector_errors(conn.tickets.status_changes, "o/r#1", datetime(2026, 1, 1, tzinfo=UTC), events)


# --- GitLab: the mappers with their sub-listings answered by a stub client -------------------------------


def _response(body: Any, path: str = "/api/v4/projects/g%2Fp/sub") -> HttpResponse:
    """A real response object carrying ``body`` as JSON (NaN and all, as Python's json writes it)."""
    return HttpResponse("gl", 200, f"http://gitlab.example{path}", CaseInsensitiveDict(), json.dumps(body).encode())


@dataclass
class _StubClient:
    """Answers every listing the mappers page through with ``pages`` (by path suffix)."""

    pages: dict[str, Any] = field(default_factory=dict)
    stats: HttpStats = field(default_factory=HttpStats)

    def iter_gitlab_pages(self, path: str, params: Any = None, **_kw: Any) -> Iterator[HttpResponse]:
        for suffix, body in self.pages.items():
            if path.endswith(suffix):
                yield _response(body, path)

    def get(self, path: str, params: Any = None, **_kw: Any) -> HttpResponse:
        return _response(self.pages.get("compare", {"commits": []}), path)


def _gitlab(pages: dict[str, Any]) -> GitLabConnector:
    src = SourceConfig(name="gl", kind="gitlab", url="http://127.0.0.1:9", options={"projects": ["g/p"]})
    return GitLabConnector(src, None, client=_StubClient(pages))  # type: ignore[arg-type]


GL_JOB = item(
    {
        "id": st.integers(1, 10**6) | st.text(max_size=3),
        "name": st.sampled_from(["build", "test"]),
        "status": st.sampled_from(["success", "failed", "running"]),
        "created_at": st.sampled_from(INSTANTS),
        "started_at": st.sampled_from(INSTANTS),
        "finished_at": st.sampled_from(INSTANTS),
    }
)


@FUZZ
@given(
    item(
        {
            "id": st.integers(1, 10**6),
            "status": st.sampled_from(["success", "failed", "manual"]),
            "sha": st.text(max_size=4),
            "ref": st.text(max_size=4),
            "created_at": st.sampled_from(INSTANTS),
            "started_at": st.sampled_from(INSTANTS),
            "finished_at": st.sampled_from(INSTANTS),
            "updated_at": st.sampled_from(INSTANTS),
            "user": item({"username": st.text(max_size=4)}),
        }
    ),
    listing(GL_JOB),
)
def test_gitlab_pipelines(pipeline: dict[str, Any], jobs: Any) -> None:
    only_connector_errors(_gitlab({"/jobs": jobs}).pipelines.pipeline, "g/p", pipeline)


@FUZZ
@given(
    item(
        {
            "id": st.integers(1, 10**6),
            "status": st.sampled_from(["success", "failed", "canceled", "running"]),
            "environment": item({"name": st.sampled_from(["production", "live"]), "tier": st.text(max_size=4)}),
            "deployable": item({"started_at": st.sampled_from(INSTANTS), "finished_at": st.sampled_from(INSTANTS)}),
            "created_at": st.sampled_from(INSTANTS),
            "updated_at": st.sampled_from(INSTANTS),
            "sha": st.text(max_size=4),
        }
    ),
    item({"commits": listing(item({"id": st.text(max_size=4), "authored_date": st.sampled_from(INSTANTS)}))}),
)
def test_gitlab_deployments(deployment: dict[str, Any], compare: Any) -> None:
    conn = _gitlab({"compare": compare})
    prod_ok = {"70": ["base", "2026-01-01T00:00:00Z"]}
    only_connector_errors(conn.deployments.deployment_records, "g/p", deployment, prod_ok)


@FUZZ
@given(
    item(
        {
            "iid": st.integers(1, 100),
            "created_at": st.sampled_from(INSTANTS),
            "merged_at": st.sampled_from(INSTANTS),
            "author": item({"username": st.text(max_size=3)}),
            "labels": listing(st.text(max_size=4) | item({"name": st.text(max_size=4)})),
            "state": st.sampled_from(["opened", "closed"]),
            "issue_type": st.sampled_from(["issue", "incident"]),
        }
    ),
    listing(item({"authored_date": st.sampled_from(INSTANTS), "created_at": any_json})),
    listing(item({"system": st.booleans(), "author": any_json, "created_at": st.sampled_from(INSTANTS)})),
    listing(item({"state": st.sampled_from(["closed", "reopened"]), "created_at": st.sampled_from(INSTANTS)})),
    listing(item({"action": st.sampled_from(["add", "remove"]), "label": any_json, "created_at": any_json})),
)
def test_gitlab_merge_requests_and_issues(
    obj: dict[str, Any], commits: Any, notes: Any, state_events: Any, label_events: Any
) -> None:
    conn = _gitlab(
        {
            "/commits": commits,
            "/notes": notes,
            "/resource_state_events": state_events,
            "/resource_label_events": label_events,
        }
    )
    only_connector_errors(conn.tickets.merge_request, "g/p", obj)
    only_connector_errors(conn.tickets.issue, "g/p", obj)


# --- Jenkins --------------------------------------------------------------------------------------------

_ms = st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.sampled_from([0, 1_767_225_600_000])
JENKINS_BUILD = item(
    {
        "number": st.integers(-5, 10**6) | st.booleans() | st.text(max_size=3),
        "result": st.sampled_from(["SUCCESS", "FAILURE", "ABORTED", "UNSTABLE", "NOT_BUILT", None]),
        "building": st.booleans(),
        "timestamp": _ms,
        "duration": _ms,
        "url": st.text(max_size=4),
        "_class": st.sampled_from(["org.jenkinsci.plugins.workflow.job.WorkflowRun", "hudson.model.FreeStyleBuild"]),
        "actions": listing(
            item(
                {
                    "lastBuiltRevision": item(
                        {"SHA1": st.text(max_size=4), "branch": listing(item({"name": st.text(max_size=4)}))}
                    ),
                    "causes": listing(item({"userName": st.text(max_size=3), "userId": any_json})),
                    "queuingDurationMillis": _ms,
                }
            )
        ),
        "changeSets": listing(
            item(
                {
                    "items": listing(
                        item({"commitId": any_json, "comment": any_json, "timestamp": _ms, "author": any_json})
                    )
                }
            )
        ),
        "changeSet": item({"items": listing(item({"commitId": st.text(max_size=4), "msg": any_json}))}),
    }
)
JENKINS_DESCRIBE = item(
    {
        "queueDurationMillis": _ms,
        "stages": listing(
            item(
                {
                    "id": st.integers() | st.text(max_size=3),
                    "name": st.sampled_from(["Build", "Deploy to production", "Dev"]) | any_json,
                    "status": st.sampled_from(
                        ["SUCCESS", "FAILED", "NOT_EXECUTED", "IN_PROGRESS", "PAUSED_PENDING_INPUT"]
                    ),
                    "startTimeMillis": _ms,
                    "durationMillis": _ms,
                    "pauseDurationMillis": _ms,
                }
            )
        ),
    }
)


@FUZZ
@given(JENKINS_BUILD, JENKINS_DESCRIBE)
def test_jenkins_builds_stages_and_deployments(build: dict[str, Any], describe: dict[str, Any]) -> None:
    info = only_connector_errors(parse_build, "ci", "app", build, base_url="http://ci", describe=describe, repo="r")
    if info is None:
        return
    stages = only_connector_errors(parse_stages, "ci", "app", info.number, describe, build=info)
    if stages is None:
        return
    only_connector_errors(
        deployments_for_build,
        info,
        stages,
        repo="r",
        deployment=re.compile("(?i)deploy|dev"),
        production=re.compile("(?i)prod"),
    )


# --- Jira -----------------------------------------------------------------------------------------------

JIRA_STATUS = item({"id": st.integers(1, 5) | st.text(max_size=2), "name": any_json, "statusCategory": any_json})
JIRA_HISTORY = item(
    {
        "id": st.integers() | st.text(max_size=3),
        "created": st.sampled_from(INSTANTS),
        "items": listing(
            item(
                {
                    "field": st.sampled_from(["status", "Status", "assignee"]),
                    "from": st.integers(1, 5) | st.none(),
                    "to": st.integers(1, 5) | any_json,
                    "fromString": any_json,
                    "toString": any_json,
                }
            )
        ),
    }
)
JIRA_ISSUE = item(
    {
        "key": st.text(min_size=1, max_size=6) | st.integers(),
        "fields": item(
            {
                "summary": any_json,
                "created": st.sampled_from(INSTANTS),
                "issuetype": item({"name": st.sampled_from(["Incident", "Story"])}),
                "labels": listing(st.text(max_size=4)),
                "status": item({"id": st.integers(1, 5), "name": any_json, "statusCategory": any_json}),
                "resolutiondate": st.sampled_from(INSTANTS),
                "customfield_1": any_json,
            }
        ),
    }
)


@FUZZ
@given(JIRA_ISSUE, st.lists(JIRA_HISTORY, max_size=4), listing(JIRA_STATUS))
def test_jira_issues(issue: dict[str, Any], histories: list[dict[str, Any]], statuses: Any) -> None:
    status_list = statuses if isinstance(statuses, list) else []
    mapped = only_connector_errors(status_map, status_list) or {}
    only_connector_errors(
        parse_issue,
        "jira",
        issue,
        histories,
        mapped,
        browse_base="https://jira",
        team_field="customfield_1",
        incident_types=["Incident"],
        incident_labels=["prod"],
    )


# --- CCTray ---------------------------------------------------------------------------------------------

_attr = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12) | st.sampled_from(
    ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2005-09-28T10:30:34.6362160+01:00", "Building", "²", "12"]
)


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": _attr.filter(bool)},
            optional={k: _attr for k in ("activity", "lastBuildStatus", "lastBuildLabel", "lastBuildTime", "webUrl")},
        ),
        max_size=4,
    ),
    st.sampled_from(["UTC", "Asia/Tokyo", "America/New_York"]),
)
def test_cctray_feeds(projects: list[dict[str, str]], zone: str) -> None:
    from zoneinfo import ZoneInfo

    only_connector_errors(parse_feed, cctray_feed(projects), zone=ZoneInfo(zone))


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: f"<Projects>{t}</Projects>"))
def test_cctray_garbage_documents(document: bytes | str) -> None:
    only_connector_errors(parse_feed, document)


def test_the_strategies_reach_the_parsers() -> None:
    """Guard: a hand-made good item of each kind parses (so the fuzzing is not all early exits)."""
    run = {"id": 1, "status": "completed", "conclusion": "success", "created_at": INSTANTS[0], "name": "CI"}
    assert map_run("gh", "o/r", run).result == "success"
    info = parse_build("ci", "app", {"number": 1, "result": "SUCCESS", "timestamp": 1, "duration": 1})
    assert info.run.result == "success"
    issue = {"key": "A-1", "fields": {"created": INSTANTS[1], "summary": "x"}}
    assert [type(r).__name__ for r in parse_issue("j", issue, [], {}, browse_base="b")] == ["WorkItem"]
    assert json.loads(json.dumps(INSTANTS))  # the instants list is plain JSON
