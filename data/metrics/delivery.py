"""The bank's continuous-delivery figures (METRICS.md §3) over numpy arrays of epoch ms."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from data.metrics.clock import CALENDAR, Clock
from data.metrics.dora import DAY_MS, DeploymentArrays, end_of
from data.metrics.stats import median, share

__all__ = ["release_gap_median_days", "requirement_lead_times", "success_rate"]

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]


def success_rate(deps: DeploymentArrays, from_ms: int, to_ms: int, as_of_ms: int) -> tuple[float | None, int, int]:
    """Successful / (successful + failed) production deployments finished in the window."""
    end = end_of(to_ms, as_of_ms)
    sel = (deps.finish >= from_ms) & (deps.finish < end)
    ok = int((sel & deps.success).sum())
    failed = int((sel & ~deps.success).sum())
    return share(ok, ok + failed), ok, failed


def release_gap_median_days(
    deps: DeploymentArrays, from_ms: int, to_ms: int, as_of_ms: int, method: str
) -> float | None:
    """Median gap (days) between consecutive successful production deployments of a repository.

    A gap counts when its later deployment finished in the window; the earlier one may be before
    it. Gaps are per repository, pooled over the stream's repositories (docs/metrics.md says why).
    Always calendar days, also under ``calendar = "working"``: a cadence, not a duration of work
    (docs/metrics.md, choice 19).
    """
    end = end_of(to_ms, as_of_ms)
    ok = np.nonzero(deps.success & (deps.finish < end))[0]
    if ok.size < 2:
        return None
    keys = (deps.repo[ok].astype(np.int64) << 42) | deps.finish[ok]
    order = np.argsort(keys, kind="stable")
    repo = deps.repo[ok][order]
    fin = deps.finish[ok][order]
    same = repo[1:] == repo[:-1]
    later = fin[1:]
    gaps = (later - fin[:-1]) / DAY_MS
    sel = same & (later >= from_ms) & (later < end)
    return median(gaps[sel], method)


def requirement_lead_times(  # noqa: PLR0917 - parallel arrays, always passed in this order
    created: I64,
    completed: I64,
    first_active: I64,
    deployed: I64,
    sel: BOOL,
    as_of_ms: int,
    method: str,
    clock: Clock = CALENDAR,
) -> tuple[float | None, int, float | None, int]:
    """Requirement lead time median (h), unlinked count, delivery time median (h), how many counted.

    ``sel``: requirement items completed in the window (after ``measure_from``). An item with a
    linked production deployment known at ``as_of`` ends there; the others end at completion and
    are counted as unlinked. Delivery time starts at the first active status (never active: out).
    ``clock`` measures both.
    """
    linked = sel & (deployed >= 0) & (deployed <= as_of_ms)
    end = np.where(linked, deployed, completed)
    lead = clock.hours(created[sel], end[sel])
    unlinked = int((sel & ~linked).sum())
    dsel = sel & (first_active >= 0)
    delivery = clock.hours(first_active[dsel], end[dsel])
    return median(lead, method), unlinked, median(delivery, method), int(sel.sum())
