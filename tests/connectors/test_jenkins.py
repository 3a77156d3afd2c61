"""Jenkins connector against a fake Jenkins on 127.0.0.1, replaying DevLake's genuine multibranch recording
and the stage-view plugin's ``wfapi`` examples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.jenkins.connector import JenkinsConnector
from data.connectors.jenkins.parse import build_result, parse_stages
from data.records import Commit, Deployment, DeploymentCommit, JobRun, PipelineRun
from tests.helpers.onprem_fakes import JENKINS, FakeJenkins, csv_rows, devlake_multibranch, synthetic_builds
from tests.helpers.server import FakeServer

TOKEN = "SENTINEL-jenkins-abc123"


def source(url: str, **options: Any) -> SourceConfig:
    return SourceConfig(name="ci", kind="jenkins", url=url, options={"user": "svc", **options})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


def read_all(conn: JenkinsConnector, cursor: str | None = None) -> tuple[list[Any], str | None]:
    records: list[Any] = []
    for page in conn.read("builds", cursor):
        records.extend(page.records)
        if page.cursor is not None:
            cursor = page.cursor
    return records, cursor


def connect(server: FakeServer, fake: FakeJenkins, **options: Any) -> JenkinsConnector:
    fake.user, fake.token = "svc", TOKEN
    fake.install(server)
    return JenkinsConnector(source(server.url, **options), TOKEN)


# --- DevLake's genuine multibranch recording ---------------------------------------------------------


def test_multibranch_replay_matches_devlake(server: FakeServer, fixtures_dir: Path) -> None:
    conn = connect(server, devlake_multibranch(fixtures_dir))
    jobs = {j.name for j in conn.discover_jobs()}
    assert jobs == {f"github_org/devlake-jenkins/{b}" for b in ("main", "PR-2", "feature-1", "feature-2")}
    records, cursor = read_all(conn)
    runs = {f"{r.pipeline}#{r.id}": r for r in records if isinstance(r, PipelineRun)}
    assert len(runs) == 15
    expected = csv_rows(fixtures_dir / JENKINS / "snapshot_tables" / "cicd_pipelines_multibranch.csv")
    assert len(expected) == 15
    for row in expected:
        run = runs[row["name"]]
        assert run.status == "completed"
        # DevLake folds ABORTED into FAILURE; Flowdeck keeps it apart as "cancelled" (deliberate).
        want = {"SUCCESS": "success", "FAILURE": "failure"}.get(row["original_result"], "cancelled")
        assert run.result == want, row["name"]
        assert run.started_at is not None and run.finished_at is not None
        # DevLake truncates the start to the second; the duration is exact.
        assert run.started_at.replace(microsecond=0) == datetime.fromisoformat(row["created_date"])
        assert (run.finished_at - run.started_at).total_seconds() == pytest.approx(float(row["duration_sec"]))
    commits = csv_rows(fixtures_dir / JENKINS / "snapshot_tables" / "cicd_pipeline_commits_multibranch.csv")
    assert commits
    for row in commits:
        run = runs[row["pipeline_id"].split(":", 3)[3]]
        assert (run.sha, run.branch) == (row["commit_sha"], row["branch"])
    # Builds 4 and 5 of feature-2 failed before checkout: no BuildData, so no commit at all.
    assert runs["github_org/devlake-jenkins/feature-2#4"].sha is None
    stages = [r for r in records if isinstance(r, JobRun)]
    want_stages = csv_rows(fixtures_dir / JENKINS / "snapshot_tables" / "_tool_jenkins_stages_multibranch.csv")
    assert len(stages) == len(want_stages) == 65
    by_key = {(s.pipeline + "#" + s.run, s.id): s for s in stages}
    for row in want_stages:
        s = by_key[(row["build_name"], row["id"])]
        assert s.name == row["name"]
        assert s.started_at is not None and s.finished_at is not None
        assert int(s.started_at.timestamp() * 1000) == int(row["start_time_millis"])
        assert (s.finished_at - s.started_at).total_seconds() * 1000 == pytest.approx(int(row["duration_millis"]))
        assert s.paused_s == int(row["pause_duration_millis"]) / 1000
    # The cursor remembers the highest build per branch job.
    assert cursor is not None
    state = json.loads(cursor)["jobs"]
    assert state["github_org/devlake-jenkins/feature-2"] == {"last": 6, "running": []}
    assert state["github_org/devlake-jenkins/main"] == {"last": 4, "running": []}


def test_second_read_without_changes_writes_nothing(server: FakeServer, fixtures_dir: Path) -> None:
    conn = connect(server, devlake_multibranch(fixtures_dir))
    _, cursor = read_all(conn)
    pages = list(conn.read("builds", cursor))
    assert [p for p in pages if p.records] == []
    assert all(p.cursor is None for p in pages)  # bookmark unchanged


def test_unknown_results_and_unstable_choice() -> None:
    assert build_result("UNSTABLE", False) == "failure"
    assert build_result("UNSTABLE", False, unstable="success") == "success"
    assert build_result("NOT_BUILT", False) == "skipped"
    # DevLake's hand-added rows say NOT_BUILD, which real Jenkins never sends: unknown, not guessed.
    assert build_result("NOT_BUILD", False) == "unknown"
    assert build_result(None, True) is None


# --- wfapi examples: paused input stages ------------------------------------------------------------


def test_paused_input_stage_gives_paused_seconds(fixtures_dir: Path) -> None:
    runs = json.loads(
        (
            fixtures_dir / "jenkins-stage-view/ui/src/test/resources/model/runs_stage_grouped"
            "/getModelData/06_rest_api_runs.json"
        ).read_text()
    )
    run5 = next(r for r in runs if r["name"] == "#5")
    stages = {s.name: s for s in parse_stages("ci", "cd", 5, run5)}
    assert stages["Staging"].paused_s == pytest.approx(379.948)
    assert stages["Staging"].result == "success"
    assert stages["QA"].paused_s == 0.0
    # NOT_EXECUTED stages of run #6 are skipped, not failed.
    run6 = next(r for r in runs if r["name"] == "#6")
    assert {s.name: s.result for s in parse_stages("ci", "cd", 6, run6)}["Dev"] == "skipped"


def test_paused_pending_input_run_replayed(server: FakeServer, fixtures_dir: Path) -> None:
    describe = json.loads(
        (fixtures_dir / "jenkins-stage-view/rest-api/README_GET_job_JOB_RUN_wfapi_describe_0.json").read_text()
    )
    run = json.loads(
        (
            fixtures_dir / "jenkins-stage-view/ui/src/test/resources/model/runs_stage_grouped"
            "/getModelData/06_rest_api_runs.json"
        ).read_text()
    )[0]  # #7: queued 7.498 s, paused 19.763 s
    fake = FakeJenkins(
        jobs={
            "Test Workflow": [
                {
                    "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
                    "number": 16,
                    "result": None,
                    "building": True,
                    "timestamp": 1413461275770,
                    "duration": 0,
                },
                {
                    "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
                    "number": 7,
                    "result": "SUCCESS",
                    "building": False,
                    "timestamp": run["startTimeMillis"],
                    "duration": run["durationMillis"],
                },
            ]
        },
        describes={("Test Workflow", 16): describe, ("Test Workflow", 7): run},
    )
    conn = connect(server, fake, deployment_pattern="(?i)^(deploy|production|staging)$")
    records, cursor = read_all(conn)
    r16 = next(r for r in records if isinstance(r, PipelineRun) and r.id == "16")
    assert (r16.status, r16.result, r16.finished_at) == ("running", None, None)
    deploy = next(r for r in records if isinstance(r, JobRun) and r.run == "16" and r.name == "Deploy")
    assert deploy.result is None and deploy.finished_at is None  # waiting for the approval
    r7 = next(r for r in records if isinstance(r, PipelineRun) and r.id == "7")
    assert r7.started_at is not None and r7.queued_at is not None
    assert (r7.started_at - r7.queued_at).total_seconds() == pytest.approx(7.498)
    staging = next(r for r in records if isinstance(r, JobRun) and r.run == "7" and r.name == "Staging")
    assert staging.paused_s == pytest.approx(19.763)
    deps = {d.id: d for d in records if isinstance(d, Deployment)}
    assert (
        deps["Test Workflow#7:" + next(s["id"] for s in run["stages"] if s["name"] == "Production")].environment
        == "production"
    )
    assert deps["Test Workflow#16:10"].status == "running"
    assert json.loads(cursor or "{}")["jobs"]["Test Workflow"] == {"last": 16, "running": [16]}
    # The next poll re-reads the running build, and only it.
    fake.jobs["Test Workflow"][0].update(result="SUCCESS", building=False, duration=60_000)
    describe["status"] = "SUCCESS"
    describe["stages"][2].update(status="SUCCESS", durationMillis=50_000, pauseDurationMillis=40_000)
    records, cursor = read_all(conn, cursor)
    assert {r.id for r in records if isinstance(r, PipelineRun)} == {"16"}
    deploy = next(r for r in records if isinstance(r, JobRun) and r.name == "Deploy")
    assert (deploy.result, deploy.paused_s) == ("success", 40.0)
    assert json.loads(cursor or "{}")["jobs"]["Test Workflow"] == {"last": 16, "running": []}


# --- paging, auth, filters ----------------------------------------------------------------------------


@pytest.mark.parametrize("max_range", [None, 30])
def test_pages_past_100_builds(server: FakeServer, max_range: int | None) -> None:
    fake = FakeJenkins(jobs={"team/app": synthetic_builds(250)}, max_range=max_range)
    conn = connect(server, fake)
    records, cursor = read_all(conn)
    runs = [r for r in records if isinstance(r, PipelineRun)]
    assert sorted(int(r.id) for r in runs) == list(range(1, 251))
    assert sum(r.result == "failure" for r in runs) == 25
    assert runs[0].branch == "main"  # origin/ stripped
    ranges = [q.arg("tree", "").rsplit("{", 1)[-1] for q in server.requests if q.arg("tree", "").startswith("allB")]
    assert ranges[0] == "0,50}"
    assert "builds[" not in "".join(q.raw_path for q in server.requests)  # never the capped list
    # New builds later: only they are fetched, with one page.
    fake.jobs["team/app"] = synthetic_builds(253)
    server.requests.clear()
    records, cursor = read_all(conn, cursor)
    assert sorted(int(r.id) for r in records if isinstance(r, PipelineRun)) == [251, 252, 253]
    assert sum(1 for q in server.requests if q.arg("tree", "").startswith("allB")) == 1


def test_auth_is_preemptive_and_403_is_not_retried(server: FakeServer) -> None:
    fake = FakeJenkins(jobs={"app": synthetic_builds(3)})
    fake.install(server)
    fake.user, fake.token = "svc", "the-right-token"
    conn = JenkinsConnector(source(server.url), TOKEN)
    with pytest.raises(ConnectorError) as err:
        read_all(conn)
    assert len(server.requests) == 1  # exactly one request: a 403 is an answer, not a hiccup
    assert server.requests[0].headers["Authorization"].startswith("Basic ")  # sent without a challenge
    text = str(err.value)
    assert "403" in text and "not retried" in text and "svc" in text
    assert TOKEN not in text


def test_job_globs_filter_full_names(server: FakeServer) -> None:
    fake = FakeJenkins(
        jobs={"mobile/app": synthetic_builds(1), "mobile/lib/x": synthetic_builds(1), "core/api": synthetic_builds(2)}
    )
    conn = connect(server, fake, jobs=["mobile/*"])
    assert sorted(j.name for j in conn.discover_jobs()) == ["mobile/app", "mobile/lib/x"]
    records, _ = read_all(conn)
    assert {r.pipeline for r in records if isinstance(r, PipelineRun)} == {"mobile/app", "mobile/lib/x"}


def test_deployment_job_with_changesets(server: FakeServer) -> None:
    build = {
        "_class": "hudson.model.FreeStyleBuild",
        "number": 9,
        "result": "SUCCESS",
        "building": False,
        "timestamp": 1_767_225_600_000,
        "duration": 90_000,
        "actions": [
            {
                "_class": "hudson.model.CauseAction",
                "causes": [{"_class": "hudson.model.Cause$UserIdCause", "userId": "li", "userName": "Li Wei"}],
            },
            {
                "_class": "hudson.plugins.git.util.BuildData",
                "lastBuiltRevision": {"SHA1": "b" * 40, "branch": [{"name": "refs/remotes/origin/release/1.2"}]},
            },
        ],
        "changeSet": {
            "items": [
                {
                    "commitId": "a" * 40,
                    "comment": "PAY-7 card limit\n",
                    "timestamp": 1_767_220_000_000,
                    "author": {"fullName": "Zhang San"},
                },
                {"commitId": "b" * 40, "msg": "PAY-8 fix", "author": {"fullName": "Li Wei"}},
            ]
        },
    }
    fake = FakeJenkins(jobs={"bank/deploy-prod": [build], "bank/build": synthetic_builds(1)})
    conn = connect(server, fake, deployment_pattern="(?i)deploy", repo={"bank/*": "bank/mobile"})
    records, _ = read_all(conn)
    [dep] = [r for r in records if isinstance(r, Deployment)]
    assert (dep.repo, dep.id, dep.environment) == ("bank/mobile", "bank/deploy-prod#9", "production")
    assert dep.status == "success"
    assert (dep.sha, dep.ref) == ("b" * 40, "release/1.2")
    assert {c.sha for c in records if isinstance(c, DeploymentCommit)} == {"a" * 40, "b" * 40}
    commits = {c.sha: c for c in records if isinstance(c, Commit)}
    assert commits["a" * 40].author == "Zhang San" and commits["a" * 40].message.startswith("PAY-7")
    assert commits["a" * 40].authored_at == datetime.fromtimestamp(1_767_220_000, UTC)
    run = next(r for r in records if isinstance(r, PipelineRun) and r.pipeline == "bank/deploy-prod")
    assert run.author == "Li Wei"


def test_bad_options_name_the_field() -> None:
    with pytest.raises(ConfigError, match="deployment_pattern"):
        JenkinsConnector(source("http://127.0.0.1:9", deployment_pattern="(["), None)
    with pytest.raises(ConfigError, match="unstable"):
        JenkinsConnector(source("http://127.0.0.1:9", unstable="maybe"), None)
