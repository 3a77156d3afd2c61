"""A random store that grows write by write (the refresh and by-query comparison tests)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    StatusChange,
    WorkItem,
)
from tests.helpers.metrics import h

STREAM = {
    "name": "Mobile",
    "production": "^prod$",
    "done": ["Done"],
    "teams": ["payments"],
    "repos": ["bank/mobile"],
    "calendar": {"timezone": "Asia/Shanghai", "hours": ["09:00-12:00", "13:30-18:00"], "holidays": "CN"},
    "stages": [
        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
        {"name": "Test", "wait": ["Ready for Test"], "active": ["Testing"]},
        {"name": "Approve", "jobs": "^approve"},
        {"name": "Staging", "deployments": "^staging$"},
        {"name": "Prod", "deployments": "^prod$"},
    ],
}
STATUSES = ["To Do", "In Progress", "Ready for Test", "Testing", "Done", "Blocked"]


class World:
    """A random organisation writing to the store one page at a time."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.t = 0.0  # hours after T0
        self.items: dict[str, str] = {}  # key -> current status
        self.teams: dict[str, str] = {}
        self.n = 0
        self.open_jobs: list[JobRun] = []
        self.open_deps: list[Deployment] = []
        self.open_changes: list[Change] = []
        self.open_incidents: list[Incident] = []

    def tick(self) -> Any:
        self.t += self.rng.uniform(0.2, 6.0)
        return h(self.t)

    def new_item(self) -> list[Any]:
        self.n += 1
        key = f"PAY-{self.n}"
        team = self.rng.choice(["payments", "payments", "core"])
        self.items[key], self.teams[key] = "To Do", team
        at = self.tick()
        return [WorkItem("jira", key, f"Item {self.n}", at, type="Story", team=team)]

    def move(self) -> list[Any]:
        if not self.items:
            return self.new_item()
        key = self.rng.choice(sorted(self.items))
        to = self.rng.choice([s for s in STATUSES if s != self.items[key]])
        frm, self.items[key] = self.items[key], to
        return [StatusChange("jira", key, self.tick(), frm, to)]

    def change_team(self) -> list[Any]:
        if not self.items:
            return self.new_item()
        key = self.rng.choice(sorted(self.items))
        self.teams[key] = "core" if self.teams[key] == "payments" else "payments"
        n = int(key.split("-")[1])
        return [WorkItem("jira", key, f"Item {n}", h(0), type="Bug", team=self.teams[key])]

    def job(self) -> list[Any]:
        if self.open_jobs and self.rng.random() < 0.6:
            j = self.open_jobs.pop(0)
            done = JobRun(
                j.source,
                j.pipeline,
                j.run,
                j.id,
                j.name,
                queued_at=j.queued_at,
                started_at=j.started_at,
                finished_at=self.tick(),
                result="success",
                paused_s=self.rng.choice([0.0, 600.0]),
            )
            return [done]
        q = self.tick()
        j = JobRun(
            "jenkins",
            "mobile",
            str(self.n * 100 + len(self.open_jobs)),
            "1",
            "approve-prod",
            queued_at=q,
            started_at=q + timedelta(minutes=5),
        )
        self.open_jobs.append(j)
        return [j]

    def deployment(self) -> list[Any]:
        if self.open_deps and self.rng.random() < 0.6:
            d = self.open_deps.pop(0)
            status = self.rng.choice(["success", "success", "failure"])
            return [
                Deployment(
                    d.source,
                    d.repo,
                    d.id,
                    d.environment,
                    status,
                    sha=d.sha,
                    ref="main",
                    started_at=d.started_at,
                    finished_at=self.tick(),
                )
            ]
        env = self.rng.choice(["staging", "prod", "qa"])
        repo = self.rng.choice(["bank/mobile", "bank/mobile", "bank/web"])
        sha = f"m{self.rng.randrange(1, self.n + 3)}"
        d = Deployment(
            "jenkins",
            repo,
            f"d{len(self.open_deps)}-{self.t:.3f}",
            env,
            "running",
            sha=sha,
            ref="main",
            started_at=self.tick(),
        )
        self.open_deps.append(d)
        return [d, DeploymentCommit("jenkins", d.id, sha)]

    def change(self) -> list[Any]:
        if self.open_changes and self.rng.random() < 0.6:
            c = self.open_changes.pop(0)
            merged = self.tick()
            return [
                Change(
                    c.source,
                    c.repo,
                    c.id,
                    c.title,
                    c.created_at,
                    branch=c.branch,
                    first_review_at=merged - timedelta(minutes=30),
                    merged_at=merged,
                    merge_sha=f"m{c.id}",
                    base="main",
                ),
                Commit("github", c.repo, f"m{c.id}", f"Merge: fixes PAY-{self.rng.randrange(1, self.n + 4)}"),
            ]
        # Names an item, sometimes one not synced yet (linked once it arrives).
        key = f"PAY-{self.rng.randrange(1, self.n + 4)}"
        c = Change(
            "github",
            "bank/mobile",
            str(len(self.open_changes) + self.n * 10),
            f"{key} work",
            self.tick(),
            branch=f"feature/{key}",
        )
        self.open_changes.append(c)
        return [c]

    def incident(self) -> list[Any]:
        if self.open_incidents and self.rng.random() < 0.5:
            i = self.open_incidents.pop(0)
            return [Incident(i.source, i.key, i.created_at, repo=i.repo, resolved_at=self.tick())]
        i = Incident("jira", f"INC-{self.n}-{len(self.open_incidents)}", self.tick(), repo="bank/mobile")
        self.open_incidents.append(i)
        return [i]

    def noise(self) -> list[Any]:
        at = self.tick()
        return [PipelineRun("gh", "ci", f"r{self.t:.3f}", result="success", started_at=at, finished_at=at)]

    def page(self) -> list[Any]:
        kinds = [
            self.new_item,
            self.move,
            self.move,
            self.move,
            self.change_team,
            self.job,
            self.deployment,
            self.change,
            self.incident,
            self.noise,
        ]
        out: list[Any] = []
        for _ in range(self.rng.randint(1, 4)):
            out.extend(self.rng.choice(kinds)())
        return out
