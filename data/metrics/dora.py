"""DORA keys (METRICS.md §2) over numpy arrays of epoch milliseconds.

Inputs are the stream's *production* deployments (finished, ``success`` or ``failure``), its
merged changes with the instant each was first deployed, and its incidents. Every function takes
the window ``[from, to)`` and ``as_of``: what happened after ``as_of`` is not known yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from data.metrics.clock import CALENDAR, Clock
from data.metrics.stats import median, share
from data.timeutil import DAY_MS, WEEK_MS

__all__ = [
    "DAY_MS",
    "DeploymentArrays",
    "IncidentArrays",
    "change_failure",
    "frequency",
    "incidents_from_failed",
    "lead_time_parts",
    "span_h",
    "tier",
]

I64 = npt.NDArray[np.int64]
#: 1970-01-01 was a Thursday: ISO weeks start 3 days earlier in epoch-day terms.
_MONDAY_OFFSET_MS = 3 * DAY_MS


@dataclass(frozen=True)
class DeploymentArrays:
    """Finished production deployments of a stream, sorted by finish."""

    finish: I64
    start: I64  # -1 unknown
    success: npt.NDArray[np.bool_]
    repo: npt.NDArray[np.int32]  # repository code


@dataclass(frozen=True)
class IncidentArrays:
    """Incidents of a stream."""

    created: I64
    resolved: I64  # -1 unresolved
    repo: npt.NDArray[np.int32]  # -1: no repository (linked at stream level); -2: links to nothing


def _in(values: I64, from_ms: int, end_ms: int) -> npt.NDArray[np.bool_]:
    return (values >= from_ms) & (values < end_ms)


def end_of(to_ms: int, as_of_ms: int) -> int:
    """The exclusive end of what counts: the window's end, or just after ``as_of``."""
    return min(to_ms, as_of_ms + 1)


def frequency(
    deps: DeploymentArrays, from_ms: int, to_ms: int, as_of_ms: int, method: str
) -> tuple[int, float | None, float | None, float | None]:
    """``deployments``, ``deployments_per_week``, ``deploy_days_per_week_median`` and the
    deploy-days-per-month median (for the 2023 "medium: at least monthly" tier).

    The medians run over every ISO week (calendar month, UTC) overlapping the window, weeks with
    none counting as 0, of the distinct UTC days with a successful production deployment in the
    window.
    """
    end = end_of(to_ms, as_of_ms)
    ok = deps.finish[deps.success & _in(deps.finish, from_ms, end)]
    days_len = (to_ms - from_ms) / DAY_MS
    count = int(ok.size)
    per_week = count / (days_len / 7.0) if days_len > 0 else None
    if to_ms <= from_ms:
        return count, per_week, None, None
    first_week = (from_ms + _MONDAY_OFFSET_MS) // WEEK_MS
    last_week = (to_ms - 1 + _MONDAY_OFFSET_MS) // WEEK_MS
    n_weeks = int(last_week - first_week + 1)
    days = np.unique(ok // DAY_MS)
    weeks = (days * DAY_MS + _MONDAY_OFFSET_MS) // WEEK_MS - first_week
    per = np.bincount(weeks.astype(np.int64), minlength=n_weeks)[:n_weeks]
    first_month = np.datetime64(from_ms, "ms").astype("datetime64[M]").astype(np.int64)
    last_month = np.datetime64(to_ms - 1, "ms").astype("datetime64[M]").astype(np.int64)
    n_months = int(last_month - first_month + 1)
    months = (days * DAY_MS).astype("datetime64[ms]").astype("datetime64[M]").astype(np.int64) - first_month
    per_month = np.bincount(months, minlength=n_months)[:n_months]
    return count, per_week, median(per.astype(np.float64), method), median(per_month.astype(np.float64), method)


def lead_time_parts(  # noqa: PLR0917 - parallel arrays, always passed in this order
    start: I64,
    created: I64,
    first_commit: I64,
    first_review: I64,
    merged: I64,
    deployed: I64,
    sel: npt.NDArray[np.bool_],
    method: str,
    clock: Clock = CALENDAR,
) -> tuple[float | None, dict[str, float | None]]:
    """Median lead time for changes (hours) and the medians of its four parts over ``sel``.

    A part whose ends are out of order (a review before the PR opened, a first commit after it)
    has no value for that change, as in DevLake. ``clock`` measures every span.
    """
    lt = clock.hours(start[sel], deployed[sel])
    fc, cr, rv, mg, dp = first_commit[sel], created[sel], first_review[sel], merged[sel], deployed[sel]
    coding = span_h(clock, fc, cr, (fc >= 0) & (fc <= cr))
    pickup = span_h(clock, cr, rv, (rv >= 0) & (rv >= cr))
    review = span_h(clock, rv, mg, (rv >= 0) & (rv <= mg))
    deploy = span_h(clock, mg, dp, dp >= mg)
    parts = {
        "coding": median(coding, method),
        "pickup": median(pickup, method),
        "review": median(review, method),
        "deploy": median(deploy, method),
    }
    return median(lt, method), parts


def span_h(clock: Clock, start: I64, end: I64, valid: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Hours from ``start`` to ``end`` where ``valid``, NaN elsewhere (never measured there)."""
    out = np.full(start.shape, np.nan)
    if valid.any():
        out[valid] = clock.hours(start[valid], end[valid])
    return out


def _repo_keys(deps: DeploymentArrays, idx: I64) -> I64:
    """Sortable (repository, finish) keys: the repository code in the high bits."""
    return (deps.repo[idx].astype(np.int64) << 42) | deps.finish[idx]


def _successes_by_repo(deps: DeploymentArrays) -> tuple[I64, I64]:
    ok = np.nonzero(deps.success)[0].astype(np.int64)
    keys = _repo_keys(deps, ok)
    order = np.argsort(keys, kind="stable")
    return ok[order], keys[order]


def incidents_from_failed(deps: DeploymentArrays) -> IncidentArrays:
    """Each failed production deployment as an incident, restored by the repo's next success."""
    failed = np.nonzero(~deps.success)[0].astype(np.int64)
    ok, keys = _successes_by_repo(deps)
    pos = np.searchsorted(keys, _repo_keys(deps, failed), side="right")
    resolved = np.full(failed.size, -1, dtype=np.int64)
    hit = pos < ok.size
    nxt = ok[np.minimum(pos, max(ok.size - 1, 0))] if ok.size else np.zeros(failed.size, np.int64)
    hit &= ok.size > 0
    if ok.size:
        hit &= deps.repo[nxt] == deps.repo[failed]
        resolved[hit] = deps.finish[nxt[hit]]
    return IncidentArrays(created=deps.finish[failed], resolved=resolved, repo=deps.repo[failed].astype(np.int32))


def _link(deps: DeploymentArrays, inc: IncidentArrays) -> I64:
    """Index of the deployment each incident links to (-1 none): the latest successful production
    deployment of the same repository (or of the stream when the incident names none) finished
    strictly before the incident was created."""
    out = np.full(inc.created.size, -1, dtype=np.int64)
    ok, keys = _successes_by_repo(deps)
    if ok.size == 0:
        return out
    with_repo = inc.repo >= 0
    ikeys = (inc.repo[with_repo].astype(np.int64) << 42) | inc.created[with_repo]
    pos = np.searchsorted(keys, ikeys, side="left") - 1
    cand = ok[np.maximum(pos, 0)]
    good = (pos >= 0) & (deps.repo[cand] == inc.repo[with_repo])
    out[np.nonzero(with_repo)[0][good]] = cand[good]
    # Stream level: all successes by finish (deps are sorted by finish).
    all_ok = np.nonzero(deps.success)[0]
    stream_level = inc.repo == -1
    pos2 = np.searchsorted(deps.finish[all_ok], inc.created[stream_level], side="left") - 1
    idx2 = np.nonzero(stream_level)[0]
    out[idx2[pos2 >= 0]] = all_ok[pos2[pos2 >= 0]]
    return out


def change_failure(  # noqa: PLR0917 - parallel arrays, always passed in this order
    deps: DeploymentArrays,
    inc: IncidentArrays,
    from_ms: int,
    to_ms: int,
    as_of_ms: int,
    method: str,
    clock: Clock = CALENDAR,
) -> tuple[float | None, float | None, float | None]:
    """``change_failure_rate``, ``recovery_time_median_h`` (2023) and ``time_to_restore_median_h`` (2021).

    ``clock`` measures the recovery and restore times.
    """
    end = end_of(to_ms, as_of_ms)
    known = inc.created <= as_of_ms
    inc = IncidentArrays(inc.created[known], inc.resolved[known], inc.repo[known])
    link = _link(deps, inc)
    in_window = deps.success & _in(deps.finish, from_ms, end)
    failed = np.zeros(deps.finish.size, dtype=bool)
    failed[link[link >= 0]] = True
    cfr = share(int((failed & in_window).sum()), int(in_window.sum()))
    resolved = (inc.resolved >= 0) & (inc.resolved <= as_of_ms)
    # Index only where an incident links: with no deployment at all (a Jira-only store) there is
    # no element 0 to stand in for the unlinked ones.
    linked_in_window = np.zeros(link.size, dtype=bool)
    linked_in_window[link >= 0] = in_window[link[link >= 0]]
    rec_sel = linked_in_window & resolved
    recovery = clock.hours(deps.finish[link[rec_sel]], inc.resolved[rec_sel])
    ttr_sel = resolved & _in(inc.resolved, from_ms, end)
    restore = clock.hours(inc.created[ttr_sel], inc.resolved[ttr_sel])
    return cfr, median(recovery, method), median(restore, method)


# --- tiers -------------------------------------------------------------------------------------

_DAY_H = 24.0
_WEEK_H = 7 * 24.0
_MONTH_H = 30 * 24.0


def tier(  # noqa: PLR0911 - one return per tier rule
    metric: str,
    value: float | None,
    dora: str = "2023",
    *,
    deployments_per_week: float | None = None,
    deploy_days_per_month: float | None = None,
) -> str | None:
    """``elite``/``high``/``medium``/``low`` for one key, or None without data.

    ``deployment_frequency`` takes the deploy-days-per-week median in 2023 (and the per-month
    median for "medium") and deployments per week in 2021 (pass ``deployments_per_week``); lead and
    recovery times take hours; the change failure rate a share. Boundaries: docs/metrics.md.
    """
    if metric == "deployment_frequency":
        if dora == "2021":
            v = deployments_per_week
            if v is None:
                return None
            # 2021: on demand (several a day) / weekly..monthly / monthly..half-yearly / rarer.
            return "elite" if v >= 7 else "high" if v >= 7 / 30 else "medium" if v >= 7 / 182 else "low"
        if value is None:
            return None
        if value >= 5:
            return "elite"
        if value >= 1:
            return "high"
        return "medium" if (deploy_days_per_month or 0) >= 1 else "low"
    if value is None:
        return None
    if metric == "lead_time_for_changes":
        if dora == "2021":
            return "elite" if value < 1 else "high" if value < _WEEK_H else "medium" if value < 182 * _DAY_H else "low"
        return "elite" if value < _DAY_H else "high" if value < _WEEK_H else "medium" if value < _MONTH_H else "low"
    if metric == "change_failure_rate":
        if dora == "2021":
            # The 2021 report gives high, medium and low the same 16-30 % band: call it high.
            return "elite" if value <= 0.15 else "high" if value <= 0.30 else "low"
        return "elite" if value <= 0.05 else "high" if value <= 0.10 else "medium" if value <= 0.15 else "low"
    if metric == "recovery_time":
        return "elite" if value < 1 else "high" if value < _DAY_H else "medium" if value < _WEEK_H else "low"
    raise ValueError(f"unknown DORA metric {metric!r}")
