"""Jenkins deployments: stages that never ran are no deployment, an unfinished stage of a finished build is
closed, and whole jobs map to deployments by name (``deployment_pattern``, ``deployment_environment``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data.config.model import ConfigError, SourceConfig
from data.connectors.jenkins.connector import JenkinsConnector
from data.records import Deployment, DeploymentCommit, JobRun, PipelineRun
from tests.helpers.onprem_fakes import FakeJenkins, synthetic_builds
from tests.helpers.server import FakeServer

TOKEN = "SENTINEL-jenkins-deploys"
WORKFLOW = "org.jenkinsci.plugins.workflow.job.WorkflowRun"
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
RUNS = "jenkins-stage-view/ui/src/test/resources/model/runs_stage_grouped/getModelData"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


def connect(server: FakeServer, fake: FakeJenkins, **options: Any) -> JenkinsConnector:
    fake.user, fake.token = "svc", TOKEN
    fake.install(server)
    src = SourceConfig(name="ci", kind="jenkins", url=server.url, options={"user": "svc", **options})
    return JenkinsConnector(src, TOKEN)


def read_all(conn: JenkinsConnector) -> list[Any]:
    return [r for page in conn.read("builds", None) for r in page.records]


def stage(sid: str, name: str, status: str, start: int, duration: int) -> dict[str, Any]:
    return {"id": sid, "name": name, "status": status, "startTimeMillis": start, "durationMillis": duration}


def pipeline_build(n: int, *, failed_in_test: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build ``n`` of a Build → Test → Deploy pipeline and its wfapi/describe; a Test failure skips Deploy."""
    start = T0 + n * 3_600_000
    build = {
        "_class": WORKFLOW,
        "number": n,
        "result": "FAILURE" if failed_in_test else "SUCCESS",
        "building": False,
        "timestamp": start,
        "duration": 300_000,
        "actions": [{"lastBuiltRevision": {"SHA1": f"{n:040x}", "branch": [{"name": "origin/main"}]}}],
    }
    stages = [
        stage("6", "Build", "SUCCESS", start + 1_000, 60_000),
        stage("14", "Test", "FAILED" if failed_in_test else "SUCCESS", start + 61_000, 120_000),
        # What wfapi reports for a stage the build never reached: NOT_EXECUTED, start 0, duration 0.
        stage("22", "Deploy to production", "NOT_EXECUTED", 0, 0)
        if failed_in_test
        else stage("22", "Deploy to production", "SUCCESS", start + 181_000, 100_000),
    ]
    describe = {"id": str(n), "name": f"#{n}", "status": build["result"], "stages": stages}
    return build, describe


def test_270_builds_with_246_real_production_deployments_store_246(server: FakeServer) -> None:
    fake = FakeJenkins()
    builds = []
    failed = {n for n in range(1, 271) if n % 11 == 0}  # 24 builds failed in Test
    assert len(failed) == 24
    for n in range(1, 271):
        build, describe = pipeline_build(n, failed_in_test=n in failed)
        builds.append(build)
        fake.describes[("payments", n)] = describe
    fake.jobs["payments"] = builds
    records = read_all(connect(server, fake, deployment_pattern="(?i)^deploy"))
    deployments = [r for r in records if isinstance(r, Deployment)]
    assert len(deployments) == 246
    assert {d.status for d in deployments} == {"success"}
    assert {d.environment for d in deployments} == {"production"}
    assert not any(d.id.startswith(f"payments#{n}:") for n in failed for d in deployments)
    # The skipped stage is still a job run (the value stream shows it), just not a deployment.
    skipped = [r for r in records if isinstance(r, JobRun) and r.result == "skipped"]
    assert len(skipped) == 24
    # No commit is credited to a deployment that never happened.
    assert all(not c.deployment_id.startswith("payments#11:") for c in records if isinstance(c, DeploymentCommit))


def test_checkpoint_rerun_stages_not_executed_are_no_deployments(server: FakeServer, fixtures_dir: Path) -> None:
    """Stage view's recorded checkpoint re-run: Dev, QA, Staging NOT_EXECUTED, only Production ran."""
    runs = json.loads((fixtures_dir / RUNS / "03_rest_api_runs_checkpoint_rerun.json").read_text())
    rerun = next(r for r in runs if r["name"] == "#2")
    build = {
        "_class": WORKFLOW,
        "number": 2,
        "result": "SUCCESS",
        "building": False,
        "timestamp": rerun["startTimeMillis"],
        "duration": rerun["durationMillis"],
    }
    fake = FakeJenkins(jobs={"cd": [build]}, describes={("cd", 2): rerun})
    records = read_all(connect(server, fake, deployment_pattern="(?i)^(dev|qa|staging|production)$"))
    deployments = {d.environment: d for d in records if isinstance(d, Deployment)}
    assert sorted(deployments) == ["production"]
    assert deployments["production"].status == "success"
    assert "running" not in {d.status for d in records if isinstance(d, Deployment)}


@pytest.mark.parametrize(
    ("build_result", "want"),
    [("FAILURE", "failure"), ("ABORTED", "cancelled"), ("SUCCESS", "cancelled"), ("NOT_BUILT", "cancelled")],
)
def test_unfinished_deploy_stage_of_a_finished_build_is_closed(
    server: FakeServer, build_result: str, want: str
) -> None:
    """A build that ended while its deploy stage still said IN_PROGRESS (a killed agent, a restart)."""
    start = T0 + 3_600_000
    build = {
        "_class": WORKFLOW,
        "number": 7,
        "result": build_result,
        "building": False,
        "timestamp": start,
        "duration": 600_000,
    }
    describe = {
        "id": "7",
        "name": "#7",
        "status": "FAILED",
        "stages": [
            stage("6", "Build", "SUCCESS", start + 1_000, 60_000),
            stage("12", "Deploy to production", "IN_PROGRESS", start + 61_000, 5_000),
        ],
    }
    fake = FakeJenkins(jobs={"payments": [build]}, describes={("payments", 7): describe})
    records = read_all(connect(server, fake, deployment_pattern="(?i)^deploy"))
    [dep] = [r for r in records if isinstance(r, Deployment)]
    assert dep.status == want
    run = next(r for r in records if isinstance(r, PipelineRun))
    assert dep.finished_at == run.finished_at  # it ended no later than its build
    deploy_job = next(r for r in records if isinstance(r, JobRun) and r.name.startswith("Deploy"))
    assert (deploy_job.result, deploy_job.finished_at) == (want, run.finished_at)


def test_running_deploy_stage_of_a_running_build_stays_running(server: FakeServer) -> None:
    start = T0 + 3_600_000
    build = {"_class": WORKFLOW, "number": 8, "result": None, "building": True, "timestamp": start, "duration": 0}
    describe = {
        "id": "8",
        "name": "#8",
        "status": "IN_PROGRESS",
        "stages": [stage("12", "Deploy to production", "PAUSED_PENDING_INPUT", start + 61_000, 5_000)],
    }
    fake = FakeJenkins(jobs={"payments": [build]}, describes={("payments", 8): describe})
    [dep] = [r for r in read_all(connect(server, fake, deployment_pattern="(?i)^deploy")) if isinstance(r, Deployment)]
    assert (dep.status, dep.finished_at) == ("running", None)


def test_freestyle_jobs_matching_the_pattern_are_deployments_to_the_configured_environment(
    server: FakeServer,
) -> None:
    """A team on freestyle jobs: every build of release-* is a production deployment, NOT_BUILT is none."""
    release = synthetic_builds(12)
    release[-1]["result"] = "NOT_BUILT"  # build 12 never ran (a disabled job, a skipped trigger)
    fake = FakeJenkins(jobs={"bank/release-payments": release, "bank/build-payments": synthetic_builds(5)})
    conn = connect(server, fake, deployment_pattern="(?i)/release-", deployment_environment="prod-cn")
    records = read_all(conn)
    deployments = [r for r in records if isinstance(r, Deployment)]
    assert len(deployments) == 11
    assert {d.environment for d in deployments} == {"prod-cn"}
    assert {d.id for d in deployments} == {f"bank/release-payments#{n}" for n in range(1, 12)}
    # synthetic builds fail every tenth: build 10
    assert sorted(d.status for d in deployments).count("failure") == 1
    assert all(d.repo == "bank/release-payments" for d in deployments)


def test_deployment_environment_must_be_text() -> None:
    src = SourceConfig(name="ci", kind="jenkins", url="http://127.0.0.1:9", options={"deployment_environment": 3})
    with pytest.raises(ConfigError, match="deployment_environment"):
        JenkinsConnector(src, None)
