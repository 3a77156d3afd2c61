"""The demo organisation: a deterministic synthetic bank, so Flowdeck shows something real at once.

A regional bank's three teams (payments, mobile, core-banking) over the 26 weeks ending at ``end``
(default: Monday 00:00 UTC of the current week): monthly production releases at first, weekly in
the last two months; requirement lead time falling from about two months to about two weeks; long
queues before Test and Release; rework, reopened tickets, failed production deployments (none in
the last three months) and incidents; merge requests linked to tickets by key; CI pipelines with a
manual production approval; work in progress and running, queued and failing pipelines at the end.
docs/events.md tells the story in full. Same seed and end -> the same store, row for row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from data.demo.catalog import DAY, WEEK, teams
from data.timeutil import utc_now, week_start

if TYPE_CHECKING:
    from data.store.store import Store
    from data.store.writer import Writer

__all__ = ["SCALES", "DemoSummary", "default_end", "generate"]

#: scale -> (teams, tickets created per team and week). ``xl`` is the 10x organisation of #14
#: (about 1M work items, 14M status changes, 2.4M pipeline runs) that `make bench-xl` measures.
SCALES: dict[str, tuple[int, float]] = {"small": (3, 18.0), "large": (60, 52.0), "xl": (600, 52.0)}


@dataclass
class DemoSummary:
    """What :func:`generate` wrote."""

    scale: str
    seed: int
    end: datetime
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def default_end() -> datetime:
    """Monday 00:00 UTC of the current week: the demo's default end."""
    return week_start(utc_now())


def generate(store: Store, *, scale: str = "small", seed: int = 1, end: datetime | None = None) -> DemoSummary:
    """Fill ``store`` with the demo organisation in one transaction; returns the row counts.

    ``scale="small"``: three teams, about two thousand tickets (a few seconds). ``"large"``: sixty
    teams, over 100k tickets, 1M status changes and 200k pipeline runs (for benchmarks). ``"xl"``:
    600 teams, ten times that (and at least ten times as long; several GB on disk).
    Deterministic: the same ``seed`` and ``end`` give an identical store. Sets store meta
    ``demo`` = "1", ``demo_end``, ``demo_seed`` and ``demo_scale``.
    """
    # Here, not at the top: `flowdeck --help` reads SCALES and must not load SQLAlchemy.
    from data.demo.pipelines import build_ci
    from data.demo.simulate import simulate_team
    from data.events.format import format_ms
    from data.store.schema import to_ms

    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r} (one of: {', '.join(SCALES)})")
    started = time.perf_counter()
    end = end if end is not None else default_end()
    end_ms = to_ms(end)
    start_ms = end_ms - 26 * WEEK
    team_count, per_week = SCALES[scale]
    summary = DemoSummary(scale, seed, end)
    counts = summary.counts
    with store.writer() as w:
        for team in teams(team_count):
            data = simulate_team(team, start_ms, end_ms, seed, per_week)
            ci = build_ci(team, data, start_ms, end_ms, seed)
            data.changes.sort(key=lambda mr: mr.opened)
            for n, mr in enumerate(data.changes, start=1):
                mr.iid = n
            _write(w, counts, "work_item", data.items)
            _write(w, counts, "status_change", data.status_changes)
            _write(w, counts, "change", [mr.row() for mr in data.changes])
            _write(w, counts, "commit", [c for mr in data.changes for c in mr.commits])
            _write(w, counts, "pipeline_run", ci.pipeline_runs)
            _write(w, counts, "job_run", ci.job_runs)
            _write(w, counts, "deployment", ci.deployments)
            _write(w, counts, "deployment_commit", ci.deployment_commits)
            _write(w, counts, "incident", data.incidents)
            if team.index == 0:
                closed = next((i for i in data.items if i[7] == "Closed"), None)
                if closed is not None:  # an auditable exclusion, so the feature has an example
                    reason = "Duplicate ticket, raised twice by the branch network (demo)"
                    _write(w, counts, "exclusion", [("work_item", closed[0], closed[1], reason, end_ms - 3 * DAY)])
        w.set_meta("demo", "1")
        w.set_meta("demo_end", format_ms(end_ms))
        w.set_meta("demo_seed", str(seed))
        w.set_meta("demo_scale", scale)
    summary.seconds = time.perf_counter() - started
    return summary


def _write(w: Writer, counts: dict[str, int], kind: str, rows: list[tuple[object, ...]]) -> None:
    from data.events.kinds import KINDS

    spec = KINDS[kind]
    w.bulk_upsert_rows(spec.table, spec.columns, rows)
    counts[kind] = counts.get(kind, 0) + len(rows)
