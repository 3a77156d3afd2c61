"""The live pipeline status result (METRICS.md section 4): what the pipeline board and the wall show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PipelineStatus:
    """The live state of one pipeline (METRICS.md §4)."""

    source: str
    pipeline: str
    branch: str | None
    state: str  # queued | running | success | failed | cancelled | unknown
    run_id: str | None = None
    sha: str | None = None
    url: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float | None = None
    #: Running only: time since start and the expected total from the last 10 successes.
    elapsed_s: float | None = None
    eta_s: float | None = None
    #: Failing only: first failed run after the last success, how many runs, and who committed.
    broken_since: datetime | None = None
    failing_runs: int = 0
    authors: tuple[str, ...] = ()
    #: The source has not answered for three intervals.
    stale: bool = False
    error: str | None = None
    #: When the latest run was queued (a queued run's age), if the source says.
    queued_at: datetime | None = None
    #: The instant this status is true for: ages ("broken 3 d") are measured from it when no
    #: clock is given (a past "as of" on the desktop, the demo's end).
    as_of: datetime | None = None
