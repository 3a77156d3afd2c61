"""One team's half year, simulated: tickets, merge requests, commits, releases and incidents.

All instants are epoch milliseconds (UTC). Rows come out as tuples in the column order of the
event kinds (:data:`data.events.format.KINDS`) so they go straight to the store's bulk path.
CI runs and jobs are left to :mod:`data.demo.pipelines`, which numbers them in time order.

The story is carried by a *phase* from 0 (the old way: monthly releases, long queues, a change
advisory board approving releases) to 1 (the new way: weekly releases, short queues, approval in
minutes). An item's waits come from the phase at its creation; release dates from the calendar.

The records are in :mod:`data.demo.team_data` and the clock and release calendar in
:mod:`data.demo.timeline`; this module simulates the tickets and merge requests and re-exports
every name it offered before the split.
"""

from __future__ import annotations

from typing import Any

from data.demo.catalog import CHORES, DAY, HOUR, MINUTE, STATUSES, VERBS, WEEK, Team
from data.demo.team_data import GIT, JIRA, MergeRequest, TeamData
from data.demo.timeline import WARMUP_WEEKS, SimBase, _lerp

__all__ = [
    "simulate_team",
]

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


class _Sim(SimBase):
    """One team's tickets and merge requests, on :class:`SimBase`'s clock and releases."""

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


def simulate_team(team: Team, start: int, end: int, seed: int, per_week: float) -> TeamData:
    """Simulate one team over ``[start, end)`` (plus a warm-up before ``start``)."""
    return _Sim(team, start, end, seed, per_week).run()
