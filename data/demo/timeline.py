"""The demo simulation's clock and release calendar: :class:`SimBase`.

:class:`SimBase` holds one team's simulation state (random stream, window, rows so far) and what
does not depend on single tickets: the phase of the story, working hours, lognormal durations,
commit ids, the releases (monthly, then weekly) with their commits and tips, and the incidents
after some of them. :class:`data.demo.simulate._Sim` adds the tickets and merge requests.
"""

from __future__ import annotations

import bisect
import math
import random

from data.demo.catalog import DAY, HOUR, INCIDENT_TITLES, MINUTE, WEEK, Team
from data.demo.team_data import JIRA, MergeRequest, Release, TeamData

__all__ = ["WARMUP_WEEKS", "SimBase"]

WARMUP_WEEKS = 10  # items are created this long before the window so its start is full of work
WORK_START = 1 * HOUR  # 09:00 in UTC+8
WORK_END = 10 * HOUR  # 18:00 in UTC+8


def _lerp(pair: tuple[float, float], p: float) -> float:
    """Geometric interpolation between the old and the new value (waits shrink multiplicatively)."""
    old, new = pair
    return float(old ** (1 - p) * new**p)


class SimBase:
    """One team's simulation state, its clock and its releases."""

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
