"""Pipeline stages of a value stream (METRICS.md §1, last paragraph): CI jobs and deployments.

These stages are measured per *job run* or per *deployment*, not per ticket: tickets do not say
which build carried them, and guessing would blur the map. So a job stage's ``items`` are the job
runs (final attempt of each) that finished in the window, and a deployment stage's ``items`` are
the successful deployments to a matching environment that finished in the window.

* Job: ``wait`` = queued -> started plus paused time (Jenkins input steps, manual approvals);
  ``active`` = started -> finished minus the pause.
* Deployment: ``wait`` = the previous stage's end -> deployment start, where the previous end is
  the previous deployment stage's successful deployment of the same repository and commit, or for
  the first deployment stage the merge of the change whose merge commit is deployed. Unknown
  (no such merge or earlier deployment): the deployment has no wait value (left out of the wait
  median and total, still counted in ``items`` and ``active``). ``active`` = start -> finish.
* WIP: jobs queued or running at ``as_of``; deployments started and not finished at ``as_of``.
* Working time (``calendar = "working"``): every span above is measured with the stream's clock;
  a job's paused seconds (a calendar-time figure from the source) are attributed to the working
  time of its run in proportion, so wait + active = working time from queued to finished.
* %C&A is not defined for pipeline stages (None): a failed job is not work sent back by a stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from data.metrics.clock import CALENDAR, Clock
from data.metrics.flow_figures import StageFigures
from data.metrics.stats import median, percentile

__all__ = ["PipelineStageArrays", "pipeline_stage_figures"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PipelineStageArrays:
    """One pipeline stage's runs: jobs (final attempts) or deployments to matching environments."""

    entered: I64  # queued (jobs) or started (deployments); -1 unknown
    finished: I64  # -1 not finished
    wait_s: F64  # NaN: unknown
    active_s: F64
    counts: npt.NDArray[np.bool_]  # counts as an item when finished (deployments: success only)


def pipeline_stage_figures(  # noqa: PLR0917 - the window, then the switches, always in this order
    arr: PipelineStageArrays, from_ms: int, to_ms: int, as_of_ms: int, method: str, clock: Clock = CALENDAR
) -> StageFigures:
    """The stage's figures for ``[from, to)`` as of ``as_of`` (``clock`` measures the WIP ages;
    the wait and active times were measured when the arrays were built)."""
    end = min(to_ms, as_of_ms + 1)
    sel = arr.counts & (arr.finished >= from_ms) & (arr.finished < end)
    idx = np.nonzero(sel)[0]
    w = arr.wait_s[idx] / 3600.0
    a = arr.active_s[idx] / 3600.0
    w_known = w[~np.isnan(w)]
    running = (arr.entered >= 0) & (arr.entered <= as_of_ms) & ((arr.finished < 0) | (arr.finished > as_of_ms))
    wip_idx = np.nonzero(running)[0]
    ages = clock.hours(arr.entered[wip_idx], np.full(wip_idx.size, as_of_ms, dtype=np.int64))
    return StageFigures(
        items=int(idx.size),
        wait_median_h=median(w_known, method),
        wait_p85_h=percentile(w_known, 85),
        active_median_h=median(a, method),
        active_p85_h=percentile(a, 85),
        wait_total_h=float(w_known.sum()) if w_known.size else None,
        active_total_h=float(a.sum()) if idx.size else None,
        wip=int(wip_idx.size),
        wip_age_median_h=median(ages, method),
        complete_accurate=None,
        item_indices=idx,
        wip_indices=wip_idx,
    )
