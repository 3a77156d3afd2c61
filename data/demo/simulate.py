"""One team's half year, simulated: tickets, merge requests, commits, releases and incidents.

All instants are epoch milliseconds (UTC). Rows come out as tuples in the column order of the
event kinds (:data:`data.events.format.KINDS`) so they go straight to the store's bulk path.
CI runs and jobs are left to :mod:`data.demo.pipelines`, which numbers them in time order.

The story is carried by a *phase* from 0 (the old way: monthly releases, long queues, a change
advisory board approving releases) to 1 (the new way: weekly releases, short queues, approval in
minutes). An item's waits come from the phase at its creation; release dates from the calendar.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from typing import Any

from data.demo.catalog import CHORES, DAY, HOUR, INCIDENT_TITLES, MINUTE, STATUSES, VERBS, WEEK, Team

__all__ = ["MergeRequest", "Release", "TeamData", "simulate_team"]

JIRA = "jira"
GIT = "gitlab"
CI = "jenkins"
WARMUP_WEEKS = 10  # items are created this long before the window so its start is full of work
WORK_START = 1 * HOUR  # 09:00 in UTC+8
WORK_END = 10 * HOUR  # 18:00 in UTC+8

# Stage waits and work in days: (old median, new median). Sigma 0.6 lognormal around them.
D_BACKLOG = (10.0, 1.5)
D_READY_ANALYSIS = (3.0, 0.3)
D_ANALYSIS = (2.0, 0.5)
D_SELECTED = (6.0, 0.5)
D_DEV = (3.5, 1.2)
D_DEV_AGAIN = (1.2, 0.4)
D_READY_REVIEW = (1.2, 0.2)
D_REVIEW = (0.8, 0.3)
D_READY_TEST = (7.0, 1.0)
D_TEST = (2.5, 0.6)
P_REVIEW_REWORK = (0.25, 0.12)
P_TEST_REWORK = (0.20, 0.08)


def _lerp(pair: tuple[float, float], p: float) -> float:
    """Geometric interpolation between the old and the new value (waits shrink multiplicatively)."""
    old, new = pair
    return float(old ** (1 - p) * new**p)


@dataclass
class Release:
    """One production release of a team: cut (release pipeline start) and deployment attempts."""

    week: int
    cut: int
    approval_ms: int
    #: (started, finished, success) per attempt; the last one succeeds.
    attempts: list[tuple[int, int, bool]]
    shas: list[str] = field(default_factory=list)
    sha: str | None = None
    with_range: bool = True

    @property
    def done_at(self) -> int:
        """When the successful attempt finished."""
        return self.attempts[-1][1]


@dataclass
class TeamData:
    """Everything simulated for one team (rows as tuples), before pipelines are numbered."""

    items: list[tuple[Any, ...]] = field(default_factory=list)
    status_changes: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[MergeRequest] = field(default_factory=list)
    commits: list[tuple[Any, ...]] = field(default_factory=list)
    incidents: list[tuple[Any, ...]] = field(default_factory=list)
    exclusions: list[tuple[Any, ...]] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)


@dataclass
class MergeRequest:
    """A merge request with its commits; ``iid`` is numbered later, in creation order."""

    repo: str
    title: str
    branch: str
    author: str
    opened: int
    first_commit: int
    first_review: int
    merged: int | None
    merge_sha: str | None
    commits: list[tuple[Any, ...]]
    pushes: list[int]
    release: int | None = None
    iid: int = 0

    def row(self) -> tuple[Any, ...]:
        """The ``changes`` row (event kind ``change``)."""
        url = f"https://gitlab.bank.example/{self.repo}/-/merge_requests/{self.iid}"
        return (
            GIT,
            self.repo,
            str(self.iid),
            self.title,
            self.branch,
            self.author,
            self.opened,
            self.first_commit,
            self.first_review,
            self.merged,
            self.merge_sha,
            "main",
            url,
        )


class _Sim:
    def __init__(self, team: Team, start: int, end: int, seed: int, per_week: float) -> None:
        self.team = team
        self.start = start
        self.end = end
        self.rng = random.Random(f"flowdeck-demo:{seed}:{team.name}")
        self.per_week = per_week
        self.out = TeamData()
        self.releases = self._releases()
        self.cuts = [r.cut for r in self.releases]
        # The merge requests each release carried: release index -> merge requests.
        self.carried: dict[int, list[MergeRequest]] = {}

    # -- time helpers --

    def phase(self, t: int) -> float:
        """0 before week 2 of the window, 1 from week 14, linear between."""
        return min(1.0, max(0.0, (t - self.start - 2 * WEEK) / (12 * WEEK)))

    def dur(self, pair: tuple[float, float], p: float) -> int:
        """A lognormal duration (ms) around the phase's median."""
        return int(self.rng.lognormvariate(math.log(_lerp(pair, p) * DAY), 0.6))

    def work(self, t: int) -> int:
        """``t`` moved forward into working hours (Mon-Fri 09:00-18:00 UTC+8), with a little jitter."""
        day, ms = divmod(t, DAY)
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday >= 5:
            return (day + 7 - weekday) * DAY + WORK_START + self.rng.randrange(2 * HOUR)
        if ms < WORK_START:
            return day * DAY + WORK_START + self.rng.randrange(2 * HOUR)
        if ms >= WORK_END:
            skip = 3 if weekday == 4 else 1
            return (day + skip) * DAY + WORK_START + self.rng.randrange(2 * HOUR)
        return t

    def sha(self) -> str:
        """A commit id."""
        return f"{self.rng.getrandbits(160):040x}"

    # -- releases --

    def _releases(self) -> list[Release]:
        """Monthly until week 16, one at week 17, weekly from week 18; warm-up releases monthly."""
        rng = self.rng
        out = []
        offset = self.team.index % 4
        for week in range(-WARMUP_WEEKS, 26):
            if week < 16:
                if (week - offset) % 4:
                    continue
            elif week == 16:
                continue
            at = self.start + week * WEEK + self.team.release_weekday * DAY + 12 * HOUR
            p = min(1.0, max(0.0, (week - 12) / 6))
            approval = int(_lerp((40.0, 0.4), p) * HOUR * rng.uniform(0.7, 1.3))
            deploy = int(_lerp((70.0, 10.0), p) * MINUTE * rng.uniform(0.8, 1.3))
            cut = at - approval - 30 * MINUTE
            attempts = [(at, at + deploy, True)]
            if self._fails(week):
                # Rolled back after half an hour; the re-run the next evening succeeds.
                attempts = [(at, at + 30 * MINUTE, False), (at + DAY, at + DAY + deploy, True)]
            out.append(Release(week, cut, approval, attempts, with_range=rng.random() >= 0.1))
        return out

    def _fails(self, week: int) -> bool:
        """A few failed production deployments, all more than three months before the end."""
        fixed = {0: (8,), 1: (5,), 2: (10,)}
        if self.team.index in fixed:
            return week in fixed[self.team.index]
        return 0 <= week < 12 and self.rng.random() < 0.1

    def release_for(self, t: int) -> int | None:
        """Index of the first release cut at or after ``t`` (None: after the end)."""
        i = bisect.bisect_left(self.cuts, t)
        return i if i < len(self.releases) else None

    # -- items --

    def run(self) -> TeamData:
        """Simulate the team; returns its rows."""
        rng = self.rng
        origin = self.start - WARMUP_WEEKS * WEEK
        n = 0
        t = origin
        mean_gap = WEEK / self.per_week
        while True:
            t += int(rng.expovariate(1.0) * mean_gap)
            created = self.work(t)
            if created >= self.end - HOUR:
                break
            n += 1
            self.item(n, created)
        self.chores(origin)
        self.finish_releases()
        self.incidents()
        return self.out

    def item(self, n: int, created: int) -> None:
        """Simulate one ticket from creation to release (or to the end of the window)."""
        team, rng = self.team, self.rng
        key = f"{team.prefix}-{n}"
        p = self.phase(created)
        kind = rng.choices(("Story", "Bug", "Task"), (70, 20, 10))[0]
        noun = rng.choice(team.nouns)
        title = f"{rng.choice(VERBS)} {noun}"
        slug = noun.lower().replace(" ", "-")[:30]
        steps: list[tuple[int, str]] = [(created, "Backlog")]
        mrs: list[MergeRequest] = []
        now = created

        def go(status: str, wait: int) -> None:
            nonlocal now
            now = self.work(max(now + wait, steps[-1][0] + MINUTE))
            steps.append((now, status))

        def back_to_development() -> None:
            steps[-1] = (steps[-1][0], "In Progress")  # the last move went backwards instead

        if rng.random() < 0.03:  # won't do: closed from the backlog during grooming
            go("Closed", self.dur(D_BACKLOG, p) * 2)
            self.emit_item(key, title, kind, created, steps=steps, mrs=mrs)
            return
        if kind == "Bug":
            go("Selected for Development", self.dur(D_BACKLOG, p) // 2)
        else:
            go("Ready for Analysis", self.dur(D_BACKLOG, p))
            go("Analysis", self.dur(D_READY_ANALYSIS, p))
            go("Selected for Development", self.dur(D_ANALYSIS, p))
        go("In Progress", self.dur(D_SELECTED, p))
        with_mr = rng.random() >= 0.05  # a few are configuration-only: no merge request
        branch = f"{'bugfix' if kind == 'Bug' else 'feature'}/{key}-{slug}"
        mr_title = f"{key} {title}" if rng.random() >= 0.1 else title  # some name the key in the branch only
        passes = 0
        while True:  # development -> review (-> rework) -> test (-> rework) -> release
            first = now
            go("Ready for Review", self.dur(D_DEV if passes == 0 else D_DEV_AGAIN, p))
            opened = now
            pushes = [opened]
            go("In Review", self.dur(D_READY_REVIEW, p))
            reviewed = now
            go("Ready for Test", self.dur(D_REVIEW, p))
            while rng.random() < _lerp(P_REVIEW_REWORK, p):  # changes requested
                back_to_development()
                go("Ready for Review", self.dur(D_DEV_AGAIN, p))
                pushes.append(now)
                go("In Review", self.dur(D_READY_REVIEW, p) // 2)
                go("Ready for Test", self.dur(D_REVIEW, p))
            if with_mr:
                name = branch if passes == 0 else f"bugfix/{key}-fix-{passes}"
                suffix = "" if passes == 0 else f" (fix {passes})"
                mrs.append(
                    self.merge_request(
                        key,
                        mr_title + suffix,
                        name,
                        first=first,
                        opened=opened,
                        reviewed=reviewed,
                        merged=now,
                        pushes=pushes,
                    )
                )
            go("Testing", self.dur(D_READY_TEST, p))
            go("Awaiting Release", self.dur(D_TEST, p))
            if passes < 3 and rng.random() < _lerp(P_TEST_REWORK, p):
                back_to_development()  # failed in test
                passes += 1
                continue
            idx = self.release_for(now)
            if idx is None:
                break  # still awaiting a release at the end
            rel = self.releases[idx]
            steps.append((max(rel.cut, now + MINUTE), "Releasing"))
            steps.append((rel.done_at + rng.randrange(1, 20) * MINUTE, "Done"))
            now = steps[-1][0]
            self.attach(idx, mrs)
            if passes < 3 and rng.random() < 0.02:  # reopened: a customer found a hole
                go("In Progress", self.dur(D_DEV_AGAIN, p) * 3)
                passes += 1
                continue
            break
        self.emit_item(key, title, kind, created, steps=steps, mrs=mrs)

    def attach(self, idx: int, mrs: list[MergeRequest]) -> None:
        """Record that release ``idx`` carried these merge requests (those not carried before)."""
        for mr in mrs:
            if mr.release is None:
                mr.release = idx
                self.carried.setdefault(idx, []).append(mr)

    def merge_request(
        self,
        key: str,
        title: str,
        branch: str,
        *,
        first: int,
        opened: int,
        reviewed: int,
        merged: int,
        pushes: list[int],
    ) -> MergeRequest:
        """A merge request and its commits (one to three, plus the merge commit)."""
        rng, team = self.rng, self.team
        author = rng.choice(team.members)
        first_commit = min(first + rng.randrange(HOUR, 4 * HOUR), opened)
        commits: list[tuple[Any, ...]] = []
        parts = rng.randint(1, 3)
        words = title.split(" ", 1)[-1] if key else title
        for k in range(parts):
            at = first_commit + (opened - first_commit) * k // parts
            message = f"{key}: {words} (part {k + 1})" if key else words
            commits.append((GIT, team.repo, self.sha(), message, author, at))
        merge_sha = self.sha()
        merger = rng.choice([m for m in team.members if m != author])
        commits.append((GIT, team.repo, merge_sha, f"Merge branch '{branch}' into 'main'", merger, merged))
        return MergeRequest(
            team.repo, title, branch, author, opened, first_commit, reviewed, merged, merge_sha, commits, pushes
        )

    def emit_item(
        self,
        key: str,
        title: str,
        kind: str,
        created: int,
        *,
        steps: list[tuple[int, str]],
        mrs: list[MergeRequest],
    ) -> None:
        """Cut the item at the window's edges and emit its rows."""
        done_at = max((t for t, s in steps if s in ("Done", "Closed")), default=None)
        if done_at is not None and done_at < self.start and steps[-1][1] in ("Done", "Closed"):
            return  # finished before the window: not synced ("updated in the last 26 weeks")
        prev: str | None = None
        for at, status in steps:
            if at >= self.end:
                break
            self.out.status_changes.append((JIRA, key, at, prev or "", status, None, None, STATUSES[status]))
            prev = status
        labels = '["regulatory"]' if self.rng.random() < 0.1 else "[]"
        url = f"https://jira.bank.example/browse/{key}"
        self.out.items.append((JIRA, key, title, kind, self.team.name, labels, url, prev, created))
        for mr in mrs:
            self.emit_mr(mr)

    def emit_mr(self, mr: MergeRequest) -> None:
        """Emit a merge request as seen at the end: unmerged when the merge is still to come."""
        if mr.opened >= self.end:
            return
        if mr.merged is not None and mr.merged >= self.end:
            mr.merged = mr.merge_sha = None
            mr.commits = mr.commits[:-1]
        mr.commits = [c for c in mr.commits if c[5] < self.end]
        mr.pushes = [t for t in mr.pushes if t < self.end]
        self.out.changes.append(mr)

    def chores(self, origin: int) -> None:
        """Unlinked merge requests (dependency bumps, build tidying): about one and a half a week."""
        rng = self.rng
        t = origin
        while True:
            t += int(rng.expovariate(1.0) * WEEK / 1.5)
            opened = self.work(t)
            if opened >= self.end:
                break
            merged = self.work(opened + rng.randrange(2 * HOUR, 2 * DAY))
            if merged < self.start:
                continue
            mr = self.merge_request(
                "",
                rng.choice(CHORES),
                f"chore/{rng.getrandbits(24):06x}",
                first=opened - HOUR,
                opened=opened,
                reviewed=opened + HOUR,
                merged=merged,
                pushes=[opened],
            )
            idx = self.release_for(merged)
            if idx is not None and merged < self.end:
                self.attach(idx, [mr])
            self.emit_mr(mr)

    def finish_releases(self) -> None:
        """Each release's commits and tip; only releases inside the window are kept."""
        last_sha = None
        for i, rel in enumerate(self.releases):
            mrs = sorted(self.carried.get(i, []), key=lambda m: m.merged or 0)
            rel.shas = [c[2] for mr in mrs for c in mr.commits]
            if mrs and mrs[-1].merge_sha:
                last_sha = mrs[-1].merge_sha
            rel.sha = last_sha
            if self.start <= rel.attempts[0][0] < self.end:
                self.out.releases.append(rel)

    def incidents(self) -> None:
        """Incidents after some releases: more in the old days, one small one after the change."""
        rng, team = self.rng, self.team
        fixed = {0: {8: (3.0, 20.0), 22: (2.0, 0.7)}, 1: {9: (24.0, 48.0)}, 2: {2: (5.0, 6.0), 14: (5.0, 6.0)}}
        n = 0
        for rel in self.out.releases:
            plan = fixed.get(team.index, {}).get(rel.week)
            if team.index >= 3 and rng.random() < (0.12 if rel.week < 14 else 0.03):
                plan = (rng.uniform(1, 30), rng.uniform(1, 30) if rel.week < 14 else rng.uniform(0.3, 2))
            if plan is None:
                continue
            n += 1
            created = rel.done_at + int(plan[0] * HOUR)
            resolved = created + int(plan[1] * HOUR)
            if created >= self.end:
                continue
            key = f"INC-{team.prefix}-{n}"
            self.out.incidents.append(
                (
                    JIRA,
                    key,
                    team.repo,
                    rng.choice(INCIDENT_TITLES),
                    f"https://jira.bank.example/browse/{key}",
                    created,
                    resolved if resolved < self.end else None,
                )
            )


def simulate_team(team: Team, start: int, end: int, seed: int, per_week: float) -> TeamData:
    """Simulate one team over ``[start, end)`` (plus a warm-up before ``start``)."""
    return _Sim(team, start, end, seed, per_week).run()
