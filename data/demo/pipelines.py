"""The demo's CI: merge-request, main-branch and release pipelines, their jobs and deployments.

Runs are planned from a team's simulated merge requests and releases, numbered per pipeline in the
order they were queued (as Jenkins numbers builds), cut at the end of the window (what runs then is
``running``, what waits is ``queued``), and turned into row tuples for the store's bulk path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from data.demo.catalog import HOUR, MINUTE, Team
from data.demo.team_data import CI, Release, TeamData

__all__ = ["CiRows", "build_ci"]

#: Teams whose main branch is broken at the end of the window (so the live view shows a red one).
_BROKEN_AT_END = 1


@dataclass
class _Job:
    name: str
    queue: int
    duration: int
    ok: bool = True
    paused: int = 0


@dataclass
class _Run:
    pipeline: str
    queued: int
    sha: str | None
    branch: str
    author: str
    jobs: list[_Job]
    attempt: int = 1
    #: Runs that are attempts of the same run share a group (numbered once).
    group: int = 0
    #: Deployments this run makes: (environment, job name, release or None).
    deploys: list[tuple[str, str, Release | None]] = field(default_factory=list)


@dataclass
class CiRows:
    """Rows (tuples in event-kind column order) for one team's CI."""

    pipeline_runs: list[tuple[Any, ...]] = field(default_factory=list)
    job_runs: list[tuple[Any, ...]] = field(default_factory=list)
    deployments: list[tuple[Any, ...]] = field(default_factory=list)
    deployment_commits: list[tuple[Any, ...]] = field(default_factory=list)


def _phase(start: int, t: int) -> float:
    return min(1.0, max(0.0, (t - start - 8 * 7 * 24 * HOUR) / (10 * 7 * 24 * HOUR)))


def _minutes(rng: random.Random, old: float, new: float, p: float) -> int:
    return int((old + (new - old) * p) * MINUTE * rng.uniform(0.7, 1.4))


def build_ci(team: Team, data: TeamData, start: int, end: int, seed: int) -> CiRows:
    """Plan, number and cut every run of ``team``; returns the rows."""
    rng = random.Random(f"flowdeck-demo-ci:{seed}:{team.name}")
    runs: list[_Run] = []
    group = 0

    def add(run: _Run) -> None:
        nonlocal group
        group += 1
        run.group = group
        runs.append(run)

    for mr in data.changes:
        sha = mr.commits[0][2] if mr.commits else None
        for push in mr.pushes:
            p = _phase(start, push)
            build = _Job("build", rng.randrange(MINUTE // 2, 3 * MINUTE), _minutes(rng, 5, 3, p))
            test = _Job("test", 5_000, _minutes(rng, 12, 6, p), ok=rng.random() >= 0.1)
            run = _Run(
                f"{team.name}/ci", push + rng.randrange(MINUTE, 3 * MINUTE), sha, mr.branch, mr.author, [build, test]
            )
            add(run)
            if not test.ok and rng.random() < 0.7:  # flaky: re-run, and it passes
                again = _Run(
                    run.pipeline,
                    run.queued + _total(run) + rng.randrange(10, 40) * MINUTE,
                    sha,
                    mr.branch,
                    mr.author,
                    [_Job("build", MINUTE, build.duration), _Job("test", 5_000, test.duration)],
                    attempt=2,
                    group=run.group,
                )
                runs.append(again)
        if mr.merged is not None:
            p = _phase(start, mr.merged)
            broken = team.index % 10 == _BROKEN_AT_END and mr.merged >= end - 3 * 24 * HOUR
            ok = not broken and rng.random() >= 0.05
            jobs = [
                _Job("build", rng.randrange(MINUTE // 2, 2 * MINUTE), _minutes(rng, 6, 3, p)),
                _Job("test", 5_000, _minutes(rng, 15, 7, p), ok=ok),
            ]
            run = _Run(f"{team.name}/main", mr.merged + MINUTE, mr.merge_sha, "main", mr.author, jobs)
            if ok:
                jobs.append(_Job("deploy-staging", 5_000, _minutes(rng, 20, 4, p)))
                run.deploys.append(("staging", "deploy-staging", None))
            add(run)

    for rel in data.releases:
        first = True
        for started, finished, success in rel.attempts:
            build_q = rel.cut if first else started - 20 * MINUTE
            build = _Job("build", MINUTE, 10 * MINUTE)
            # The approval job waits (paused: the manual approval) until the deployment starts.
            wait = rel.approval_ms if first else 8 * MINUTE
            span = started - build_q - 11 * MINUTE - 5_000
            approve = _Job("approve-production", 5_000, max(30_000, span - wait), paused=min(wait, span))
            deploy = _Job("deploy-production", 0, finished - started, ok=success)
            run = _Run(f"{team.name}/release", build_q, rel.sha, "main", team.members[0], [build, approve, deploy])
            run.deploys.append(("production", "deploy-production", rel))
            if first:
                add(run)
                release_group = run.group
            else:
                run.attempt = 2
                run.group = release_group
                runs.append(run)
            first = False

    # Something happening right now: a rebuild of main running, a merge-request pipeline queued.
    last_merge = max((mr for mr in data.changes if mr.merged is not None), key=lambda m: m.merged or 0, default=None)
    if last_merge is not None and team.index % 10 != _BROKEN_AT_END:
        queued = end - rng.randrange(4, 15) * MINUTE
        add(
            _Run(
                f"{team.name}/main",
                queued,
                last_merge.merge_sha,
                "main",
                last_merge.author,
                [_Job("build", 30_000, 4 * MINUTE), _Job("test", 5_000, 30 * MINUTE)],
            )
        )
    if team.index == 0 and data.changes:
        mr = data.changes[-1]
        add(
            _Run(
                f"{team.name}/ci",
                end - MINUTE,
                mr.commits[0][2] if mr.commits else None,
                mr.branch,
                mr.author,
                [_Job("build", 2 * MINUTE, 4 * MINUTE)],
            )
        )

    return _rows(team, runs, start, end)


def _total(run: _Run) -> int:
    return sum(j.queue + j.duration + j.paused for j in run.jobs)


def _rows(team: Team, runs: list[_Run], start: int, end: int) -> CiRows:
    """Number the runs per pipeline in queue order, cut them at ``end`` and emit rows."""
    out = CiRows()
    numbers: dict[int, str] = {}
    per_pipeline: dict[str, int] = {}
    deploy_numbers = {"staging": 0, "production": 0}
    for run in sorted((r for r in runs if r.queued < end), key=lambda r: (r.queued, r.attempt)):
        if run.queued + _total(run) < start:
            continue  # over before the window: not synced
        if run.group not in numbers:
            per_pipeline[run.pipeline] = per_pipeline.get(run.pipeline, 1000) + 1
            numbers[run.group] = str(per_pipeline[run.pipeline])
        run_id = numbers[run.group]
        url = f"https://jenkins.bank.example/job/{run.pipeline.replace('/', '/job/')}/{run_id}/"
        t = run.queued
        status: str = "completed"
        result: str | None = "success"
        run_started: int | None = None
        job_times: dict[str, tuple[int, int]] = {}
        for k, job in enumerate(run.jobs, start=1):
            queued = t
            started = queued + job.queue
            finished = started + job.duration + job.paused
            if started >= end:
                status = "running" if run_started is not None else "queued"
                result = None
                break
            run_started = started if run_started is None else run_started
            cut = finished >= end
            out.job_runs.append(
                (
                    CI,
                    run.pipeline,
                    run_id,
                    str(k),
                    run.attempt,
                    job.name,
                    queued,
                    started,
                    None if cut else finished,
                    None if cut else ("success" if job.ok else "failure"),
                    job.paused / 1000,
                )
            )
            if cut:
                status, result = "running", None
                break
            job_times[job.name] = (started, finished)
            t = finished
            if not job.ok:
                result = "failure"
                break
        finished_at = t if status == "completed" else None
        out.pipeline_runs.append(
            (
                CI,
                run.pipeline,
                run_id,
                run.attempt,
                run.sha,
                run.branch,
                status,
                result,
                run.queued,
                run_started,
                finished_at,
                url,
                run.author,
            )
        )
        for environment, job_name, rel in run.deploys:
            if job_name not in job_times:
                continue
            d_start, d_finish = job_times[job_name]
            deploy_numbers[environment] += 1
            dep_id = f"{team.name}-{environment}-{deploy_numbers[environment]}"
            ok = run.jobs[-1].ok if environment == "production" else True
            out.deployments.append(
                (
                    CI,
                    team.repo,
                    dep_id,
                    environment,
                    "success" if ok else "failure",
                    run.sha,
                    "main",
                    d_start,
                    d_finish,
                    url,
                )
            )
            if rel is not None and rel.with_range:
                out.deployment_commits.extend((CI, dep_id, sha) for sha in dict.fromkeys(rel.shas))
    return out
