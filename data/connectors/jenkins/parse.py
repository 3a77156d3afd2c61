"""Pure Jenkins payload → record conversion (no HTTP): builds, ``wfapi/describe`` stages, changeSets.

Mapping choices (documented in docs/sources-onprem.md):

* ``result``: SUCCESS → success, FAILURE → failure, ABORTED → cancelled, NOT_BUILT → skipped,
  UNSTABLE → **failure** by default (the build ran but tests or quality gates failed, so the
  pipeline is not green; a bank's "deployment success" must not count it). The ``unstable``
  source option (``"failure"`` or ``"success"``) overrides it. ``null`` while building → running.
  Anything else → ``unknown`` (DevLake's hand-added ``NOT_BUILD`` rows land here on purpose).
* ``started_at`` is the build ``timestamp`` (epoch ms); ``finished_at`` is ``timestamp + duration``
  once the build is no longer building; ``queued_at`` is ``started_at − queueDurationMillis`` when
  the stage-view plugin (or the metrics plugin's ``TimeInQueueAction``) reports a queue time.
* Stages: ``pauseDurationMillis`` → ``JobRun.paused_s`` (time waiting at an ``input`` step, i.e.
  a manual approval); a stage still ``IN_PROGRESS``/``PAUSED_PENDING_INPUT`` has no finish while its
  build runs. Once the build has finished, such a stage is closed at the build's finish: ``failure``
  when the build failed, else ``cancelled`` (a killed agent, a restart, an abort at an ``input`` step:
  it did not succeed, and nothing says it failed).
* Deployments: a stage that never ran (``NOT_EXECUTED``/``SKIPPED`` → ``skipped``: the build failed
  earlier, or a ``when`` condition was false) and a ``NOT_BUILT`` build are no deployment.
* Payloads of an unexpected shape are tolerated field by field (a missing list is empty, a garbage
  time is missing); what cannot be read at all raises :class:`ConnectorError` naming the build.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from data.connectors.payload import item_errors, need_id
from data.records import Commit, Deployment, DeploymentCommit, JobRun, PipelineRun, Record

__all__ = [
    "BuildInfo",
    "build_result",
    "deployments_for_build",
    "parse_build",
    "parse_changesets",
    "parse_stages",
    "stage_result",
]

_BUILD_RESULTS = {
    "SUCCESS": "success",
    "FAILURE": "failure",
    "ABORTED": "cancelled",
    "NOT_BUILT": "skipped",
}
_STAGE_RESULTS = {
    "SUCCESS": "success",
    "FAILED": "failure",
    "FAILURE": "failure",  # not emitted by wfapi, tolerated
    "ABORTED": "cancelled",
    "NOT_EXECUTED": "skipped",
    "SKIPPED": "skipped",
}
_STAGE_RUNNING = {"IN_PROGRESS", "PAUSED_PENDING_INPUT", "QUEUED"}
_BRANCH_PREFIX = re.compile(r"^(refs/remotes/[^/]+/|refs/heads/|origin/)")


def _ms(value: Any) -> datetime | None:
    """Epoch milliseconds → aware UTC; None for missing, zero or garbage values."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    except (OverflowError, ValueError, OSError):  # beyond the years datetime can hold
        return None


def _later(start: datetime | None, millis: Any) -> datetime | None:
    """``start`` + a duration in ms; None when either is missing or the sum is not an instant."""
    if start is None or isinstance(millis, bool) or not isinstance(millis, int | float) or not math.isfinite(millis):
        return None
    try:
        return start + timedelta(milliseconds=max(0.0, float(millis)))
    except OverflowError:
        return None


def _list(value: Any) -> list[Any]:
    """A JSON list field, or an empty list for anything else (a missing or mistyped field)."""
    return value if isinstance(value, list) else []


def build_result(raw: Any, building: bool, unstable: str = "failure") -> str | None:
    """Map a Jenkins build ``result`` to a Flowdeck result (None while building)."""
    if building or raw is None:
        return None
    value = str(raw).upper()
    if value == "UNSTABLE":
        return unstable
    return _BUILD_RESULTS.get(value, "unknown")


def stage_result(raw: Any, unstable: str = "failure") -> str | None:
    """Map a ``wfapi`` StatusExt value to a Flowdeck result (None while running or paused)."""
    value = str(raw or "").upper()
    if value in _STAGE_RUNNING:
        return None
    if value == "UNSTABLE":
        return unstable
    return _STAGE_RESULTS.get(value, "unknown")


def _actions(build: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in _list(build.get("actions")) if isinstance(a, Mapping)]


def _git(build: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """SHA and branch from the first ``BuildData`` action that has a ``lastBuiltRevision``.

    Pipelines that load shared libraries carry several BuildData actions; the job's own checkout
    comes first in Jenkins' action list.
    """
    for action in _actions(build):
        rev = action.get("lastBuiltRevision")
        if not isinstance(rev, Mapping):
            continue
        sha = rev.get("SHA1")
        branches = [str(b["name"]) for b in _list(rev.get("branch")) if isinstance(b, Mapping) and b.get("name")]
        branch = _BRANCH_PREFIX.sub("", branches[0]) if branches else None
        return (str(sha) if isinstance(sha, str) and sha else None), branch
    return None, None


def _author(build: Mapping[str, Any]) -> str | None:
    """Who started the build: the first user cause (``UserIdCause``), else None."""
    for action in _actions(build):
        for cause in _list(action.get("causes")):
            if not isinstance(cause, Mapping):
                continue
            name = cause.get("userName") or cause.get("userId")
            if name:
                return str(name)
    return None


def _queue_ms(build: Mapping[str, Any], describe: Mapping[str, Any] | None) -> float | None:
    if describe is not None and _number(describe.get("queueDurationMillis")):
        return float(describe["queueDurationMillis"])
    for action in _actions(build):
        # The metrics plugin's TimeInQueueAction: waiting + blocked + buildable time in the queue.
        if _number(action.get("queuingDurationMillis")):
            return float(action["queuingDurationMillis"])
    return None


def _number(value: Any) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite, non-negative JSON number."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value) and value >= 0


def closed_result(build_result: str | None) -> str:
    """The result of a stage left unfinished by a build that has finished: ``failure`` when the build
    failed, else ``cancelled`` (it did not succeed, and nothing says it failed)."""
    return "failure" if build_result == "failure" else "cancelled"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """One parsed build: its run record plus what deployment detection needs."""

    run: PipelineRun
    building: bool
    number: int
    commits: tuple[Commit, ...]


def parse_build(
    source: str,
    job: str,
    build: Mapping[str, Any],
    *,
    base_url: str | None = None,
    describe: Mapping[str, Any] | None = None,
    unstable: str = "failure",
    repo: str | None = None,
) -> BuildInfo:
    """A build object from ``allBuilds[...]`` → :class:`BuildInfo` (run + changeSet commits)."""
    with item_errors(f"{source}: Jenkins job {job}: build {build.get('number')!r}"):
        return _parse_build(source, job, build, base_url=base_url, describe=describe, unstable=unstable, repo=repo)


def _parse_build(
    source: str,
    job: str,
    build: Mapping[str, Any],
    *,
    base_url: str | None,
    describe: Mapping[str, Any] | None,
    unstable: str,
    repo: str | None,
) -> BuildInfo:
    number = int(need_id(build, "number", f"{source}: Jenkins job {job}"))
    building = bool(build.get("building")) or (build.get("result") is None and not build.get("duration"))
    started = _ms(build.get("timestamp"))
    duration = build.get("duration")
    finished = None
    if not building and _number(duration):
        finished = _later(started, duration)
    queue = _queue_ms(build, describe)
    queued = None
    if started is not None and queue is not None:
        try:
            queued = started - timedelta(milliseconds=queue)
        except OverflowError:
            queued = None
    sha, branch = _git(build)
    url = build.get("url") if isinstance(build.get("url"), str) else None
    if base_url:
        url = f"{base_url.rstrip('/')}/{number}/"
    run = PipelineRun(
        source=source,
        pipeline=job,
        id=str(number),
        sha=sha,
        branch=branch,
        status="running" if building else "completed",
        result=build_result(build.get("result"), building, unstable),
        queued_at=queued,
        started_at=started,
        finished_at=finished,
        url=url,
        author=_author(build),
    )
    commits = parse_changesets(source, repo or job, build)
    return BuildInfo(run=run, building=building, number=number, commits=commits)


def parse_changesets(source: str, repo: str, build: Mapping[str, Any]) -> tuple[Commit, ...]:
    """``changeSets[].items[]`` (pipeline) and ``changeSet.items[]`` (freestyle) → commits."""
    sets: list[Any] = list(_list(build.get("changeSets")))
    if isinstance(build.get("changeSet"), Mapping):
        sets.append(build["changeSet"])
    out: dict[str, Commit] = {}
    for cs in sets:
        if not isinstance(cs, Mapping):
            continue
        for item in _list(cs.get("items")):
            if not isinstance(item, Mapping):
                continue
            sha = item.get("commitId") or item.get("id")
            if not isinstance(sha, str | int) or isinstance(sha, bool) or not sha:
                continue
            author = item.get("author")
            author_name = author.get("fullName") if isinstance(author, Mapping) else None
            out[str(sha)] = Commit(
                source=source,
                repo=repo,
                sha=str(sha),
                message=str(item.get("comment") or item.get("msg") or ""),
                author=str(author_name or item.get("authorEmail") or "") or None,
                authored_at=_ms(item.get("timestamp")),
            )
    return tuple(out.values())


def parse_stages(
    source: str,
    job: str,
    number: int,
    describe: Mapping[str, Any],
    unstable: str = "failure",
    *,
    build: BuildInfo | None = None,
) -> tuple[JobRun, ...]:
    """``{job}/{n}/wfapi/describe`` → one :class:`JobRun` per stage, with paused time.

    With the parsed ``build``: once it has finished, a stage still running or paused is closed at the
    build's finish with :func:`closed_result` (a finished build runs no stage).
    """
    out: list[JobRun] = []
    for stage in _list(describe.get("stages")):
        if not isinstance(stage, Mapping) or not isinstance(stage.get("id"), str | int) or stage.get("id") == "":
            continue
        status = str(stage.get("status") or "").upper()
        started = _ms(stage.get("startTimeMillis"))
        duration = stage.get("durationMillis")
        finished = None
        if status not in _STAGE_RUNNING:
            finished = _later(started, duration)
        result = stage_result(status, unstable)
        if result is None and build is not None and not build.building:
            result, finished = closed_result(build.run.result), build.run.finished_at
        pause = stage.get("pauseDurationMillis")
        out.append(
            JobRun(
                source=source,
                pipeline=job,
                run=str(number),
                id=str(stage["id"]),
                name=str(stage.get("name") or stage["id"]),
                started_at=started,
                finished_at=finished,
                result=result,
                paused_s=float(pause) / 1000.0 if _number(pause) else 0.0,
            )
        )
    return tuple(out)


def _deploy_status(result: str | None, running: bool) -> str:
    if running or result is None:
        return "running"
    if result == "success":
        return "success"
    if result == "cancelled":
        return "cancelled"
    return "failure"


def _environment(name: str, production: re.Pattern[str], configured: str | None = None) -> str:
    """The configured ``deployment_environment``; else ``production`` when the production pattern
    matches the job/stage name, else the name itself."""
    if configured:
        return configured
    return "production" if production.search(name) else name


def deployments_for_build(
    info: BuildInfo,
    stages: Sequence[JobRun],
    *,
    repo: str,
    deployment: re.Pattern[str] | None,
    production: re.Pattern[str],
    environment: str | None = None,
) -> list[Record]:
    """Deployment (+ DeploymentCommit) records a build implies under the configured patterns.

    A stage whose name matches ``deployment`` is one deployment (environment from that stage
    name); otherwise, a build of a *job* whose full name matches is one deployment (environment
    from the job name). ``environment`` (the ``deployment_environment`` option) replaces the
    name-derived environment. Without a ``deployment_pattern`` nothing is a deployment.

    A stage that never ran (``skipped``: NOT_EXECUTED because an earlier stage failed) and a build
    that never ran (NOT_BUILT) are no deployment. A stage still unfinished when its build has
    finished is closed at the build's finish (:func:`closed_result`), so it never stays "running".
    """
    if deployment is None:
        return []
    run = info.run
    out: list[Record] = []
    matched = [s for s in stages if deployment.search(s.name)]
    targets: list[tuple[str, str, str | None, datetime | None, datetime | None, bool]] = []
    for s in matched:
        if s.result == "skipped":
            continue
        result, finished = s.result, s.finished_at
        if result is None and not info.building:
            result, finished = closed_result(run.result), run.finished_at
        targets.append(
            (
                f"{run.pipeline}#{run.id}:{s.id}",
                _environment(s.name, production, environment),
                result,
                s.started_at,
                finished,
                info.building and result is None,
            )
        )
    if not matched and deployment.search(run.pipeline) and run.result != "skipped":
        targets.append(
            (
                f"{run.pipeline}#{run.id}",
                _environment(run.pipeline, production, environment),
                run.result,
                run.started_at,
                run.finished_at,
                info.building,
            )
        )
    for dep_id, env, result, started, finished, running in targets:
        out.append(
            Deployment(
                source=run.source,
                repo=repo,
                id=dep_id,
                environment=env,
                status=_deploy_status(result, running),
                sha=run.sha,
                ref=run.branch,
                started_at=started,
                finished_at=finished,
                url=run.url,
            )
        )
        # The built revision is carried too, even when the changeSet is empty (a first build).
        shas = dict.fromkeys([*(c.sha for c in info.commits), *([run.sha] if run.sha else [])])
        out.extend(DeploymentCommit(source=run.source, deployment_id=dep_id, sha=sha) for sha in shas)
    return out
