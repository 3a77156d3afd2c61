"""Forecasts (METRICS.md §5): Monte Carlo from daily throughput, and the stage-level target forecast.

Throughput: the sample is the number of items completed on each day of the recent history
(:class:`ThroughputHistory`). A run draws days from it with replacement:

* :func:`forecast_items` — until ``N`` items are done; the outcome is the number of days taken.
  The p-likely answer is the smallest day count that at least p of the runs finished within.
* :func:`forecast_count` — for a given number of days; the outcome is the number of items done.
  The p-likely answer is the largest count that at least p of the runs reached.

Both are order statistics of the runs (no interpolation), so a constant history gives the exact
answer at every likelihood: 2 items every day, 20 items -> 10 days in every run.

Target: :func:`target_probability` draws, for each stage independently, one item's time in that
stage from the items completed in the history (and one item's time outside every stage), sums
them, and counts the runs within the target.

Everything is seeded (``numpy.random.default_rng(seed)``) and vectorised; a history shorter than
:data:`MIN_HISTORY_DAYS` days (or fewer than :data:`MIN_SAMPLE_ITEMS` items for the target) is
said, not forecast: the result's percentiles are None and ``reason`` says why. Pure numpy; no store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from data.i18n import gettext_ as _

__all__ = [
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "DEFAULT_WEEKS",
    "LIKELIHOODS",
    "MAX_DAYS",
    "MIN_HISTORY_DAYS",
    "MIN_SAMPLE_ITEMS",
    "CountForecast",
    "DaysForecast",
    "ForecastResult",
    "TargetProbability",
    "ThroughputHistory",
    "count_likely",
    "days_likely",
    "days_to_finish",
    "forecast_count",
    "forecast_items",
    "items_done",
    "target_probability",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

DEFAULT_WEEKS = 12
DEFAULT_RUNS = 10_000
DEFAULT_SEED = 1
LIKELIHOODS = (0.50, 0.85, 0.95)
#: Fewer days of history than this: too little to say anything (METRICS.md §5).
MIN_HISTORY_DAYS = 10
#: Fewer completed items than this in the history: no stage-level target forecast.
MIN_SAMPLE_ITEMS = 10
#: Runs that need more days than this (about 27 years of calendar days) are not forecast.
MAX_DAYS = 10_000
#: Draws held in memory at once (int64 each): bounds a block of days x runs.
_BLOCK = 2_000_000


@dataclass(frozen=True)
class ThroughputHistory:
    """Items completed on each day of the sample (calendar days, or working days), oldest first."""

    daily: I64
    #: First and last day of the sample (local dates of the stream's calendar; None: no days).
    first_day: date | None
    last_day: date | None
    #: True when the days are working days of a working calendar.
    working: bool = False

    @property
    def days(self) -> int:
        """How many days the sample holds."""
        return int(self.daily.size)

    def reason(self, weeks: int) -> str | None:
        """Why this history cannot be forecast from (None: it can)."""
        if self.days < MIN_HISTORY_DAYS:
            return _(
                "too little history to forecast: {days} days with data in the last {weeks} weeks; "
                "at least {minimum} are needed"
            ).format(days=self.days, weeks=weeks, minimum=MIN_HISTORY_DAYS)
        return None


def _quantile_index(runs: int, p: float) -> int:
    """Index (0-based, in ascending order) of the smallest outcome that at least ``p`` of the runs
    are at or below: ``ceil(p × runs) − 1``, computed in integers so 0.85 × 100 is exactly 85."""
    return max(0, -(-round(p * 1_000_000) * runs // 1_000_000) - 1)


def days_likely(outcomes: I64, p: float) -> int:
    """The smallest day count that at least ``p`` of the runs finished within."""
    s = np.sort(outcomes)
    return int(s[_quantile_index(s.size, p)])


def count_likely(outcomes: I64, p: float) -> int:
    """The largest count that at least ``p`` of the runs reached (P(X ≥ c) ≥ p)."""
    s = np.sort(outcomes)
    # At most (1 - p) × runs runs may fall below it: index floor((1 - p) × runs).
    k = (1_000_000 - round(p * 1_000_000)) * s.size // 1_000_000
    return int(s[min(k, s.size - 1)])


def _index_dtype(n: int) -> type[np.signedinteger[Any]]:
    """The smallest index type for ``n`` values: fewer random bits to draw and to move."""
    return np.int16 if n <= np.iinfo(np.int16).max else np.int32


def days_to_finish(daily: I64, items: int, runs: int, rng: np.random.Generator) -> I64:
    """Per run, the number of days drawn (with replacement) from ``daily`` until ``items`` are done.

    Runs still short after :data:`MAX_DAYS` days get -1. ``daily`` must hold a day with a
    completion (otherwise no run ever finishes: every run gets -1 at once).
    """
    out = np.full(runs, -1, dtype=np.int64)
    if items <= 0:
        return np.zeros(runs, dtype=np.int64)
    mean = float(daily.mean()) if daily.size else 0.0
    if mean <= 0:
        return out
    values = daily.astype(np.int64, copy=False)
    dtype = _index_dtype(values.size)
    # One block usually suffices: the expected days plus a margin; later blocks serve the slow runs.
    block = max(8, math.ceil(items / mean * 1.25) + 8)
    need = np.full(runs, items, dtype=np.int64)  # items still to do, per run
    active = np.arange(runs)
    offset = 0
    while active.size and offset < MAX_DAYS:
        width = min(block, MAX_DAYS - offset, max(1, _BLOCK // active.size))
        cum = np.cumsum(np.take(values, rng.integers(0, values.size, size=(active.size, width), dtype=dtype)), axis=1)
        reached = cum >= need[active, None]
        hit = reached[:, -1]
        out[active[hit]] = offset + np.argmax(reached[hit], axis=1) + 1
        need[active[~hit]] -= cum[~hit, -1]
        active = active[~hit]
        offset += width
    return out


def items_done(daily: I64, days: int, runs: int, rng: np.random.Generator) -> I64:
    """Per run, the items done in ``days`` days drawn (with replacement) from ``daily``.

    For long horizons the draws are counted per distinct daily value (a multinomial: the same
    distribution as drawing day by day, at a cost that does not grow with ``days``).
    """
    total = np.zeros(runs, dtype=np.int64)
    if days <= 0 or daily.size == 0:
        return total
    values, counts = np.unique(daily.astype(np.int64, copy=False), return_counts=True)
    if days > 4 * values.size:
        picks = rng.multinomial(days, counts / counts.sum(), size=runs)
        out: I64 = picks @ values
        return out
    dtype = _index_dtype(daily.size)
    step = max(1, _BLOCK // runs)
    for start in range(0, days, step):
        width = min(step, days - start)
        total += np.take(daily, rng.integers(0, daily.size, size=(runs, width), dtype=dtype)).sum(axis=1)
    return total


@dataclass(frozen=True)
class DaysForecast:
    """Days (counted from the forecast's first day, which is day 1) by which ``items`` are done."""

    items: int
    runs: int
    seed: int
    history_days: int
    p50: int | None
    p85: int | None
    p95: int | None
    reason: str | None = None


@dataclass(frozen=True)
class CountForecast:
    """Items done within ``days`` days at each likelihood."""

    days: int
    runs: int
    seed: int
    history_days: int
    p50: int | None
    p85: int | None
    p95: int | None
    reason: str | None = None


def _check_runs(runs: int) -> None:
    if runs < 1:
        raise ValueError(f"runs must be 1 or more, got {runs}")


def forecast_items(history: ThroughputHistory, items: int, *, runs: int, seed: int, weeks: int) -> DaysForecast:
    """How many days until ``items`` more are done, at 50/85/95 % likelihood (``weeks``: the history
    length asked for, named in the reason). ValueError for ``items`` < 1 or ``runs`` < 1."""
    if items < 1:
        raise ValueError(f"items must be 1 or more, got {items}")
    _check_runs(runs)
    reason = history.reason(weeks)
    if reason is None and not history.daily.any():
        reason = _("no item was completed in the {days} days of history: nothing to forecast from").format(
            days=history.days
        )
    if reason is None:
        outcomes = days_to_finish(history.daily, items, runs, np.random.default_rng(seed))
        if (outcomes < 0).any():
            reason = _("at the recent throughput, {items} items take more than {days} days: not forecast").format(
                items=items, days=MAX_DAYS
            )
        else:
            p50, p85, p95 = (days_likely(outcomes, p) for p in LIKELIHOODS)
            return DaysForecast(items, runs, seed, history.days, p50, p85, p95)
    return DaysForecast(items, runs, seed, history.days, None, None, None, reason)


def forecast_count(history: ThroughputHistory, days: int, *, runs: int, seed: int, weeks: int) -> CountForecast:
    """How many items are done in ``days`` days, at 50/85/95 % likelihood (0 days: 0 items).
    ValueError for ``days`` < 0 or ``runs`` < 1."""
    if days < 0:
        raise ValueError(f"days must be 0 or more, got {days}")
    _check_runs(runs)
    reason = history.reason(weeks)
    if reason is not None:
        return CountForecast(days, runs, seed, history.days, None, None, None, reason)
    outcomes = items_done(history.daily, days, runs, np.random.default_rng(seed))
    p50, p85, p95 = (count_likely(outcomes, p) for p in LIKELIHOODS)
    return CountForecast(days, runs, seed, history.days, p50, p85, p95)


@dataclass(frozen=True)
class TargetProbability:
    """The chance that an item starting now is done within ``target_days`` (None: not forecast)."""

    probability: float | None
    target_days: float
    #: Completed items whose stage times were resampled.
    items: int
    runs: int
    seed: int
    reason: str | None = None


def target_probability(
    stage_h: F64, target_days: float, *, runs: int, seed: int, weeks: int, min_items: int = MIN_SAMPLE_ITEMS
) -> TargetProbability:
    """Resample each column of ``stage_h`` (items x parts: one column per stage, hours, and one for
    the time outside every stage) independently, sum a row per run, and count the runs within
    ``target_days × 24`` hours. ValueError for a bad target or ``runs``."""
    if not (math.isfinite(target_days) and target_days > 0):
        raise ValueError(f"target days must be a finite number > 0, got {target_days!r}")
    _check_runs(runs)
    m = int(stage_h.shape[0])
    if m < min_items:
        reason = _(
            "too little history for the target forecast: {items} items completed in the last {weeks} weeks; "
            "at least {minimum} are needed"
        ).format(items=m, weeks=weeks, minimum=min_items)
        return TargetProbability(None, target_days, m, runs, seed, reason)
    rng = np.random.default_rng(seed)
    parts = stage_h.shape[1]
    total = np.zeros(runs)
    # One column at a time: each stage is drawn independently of the others (the model's assumption).
    for k in range(parts):
        total += stage_h[rng.integers(0, m, size=runs), k]
    within = int(np.count_nonzero(total <= target_days * 24.0))
    return TargetProbability(within / runs, target_days, m, runs, seed)


@dataclass(frozen=True)
class ForecastResult:
    """``flowdeck forecast``: dates for ``items``, or counts of items ``by`` a date, at 50/85/95 %.

    The forecast's first day is ``start`` (the day of ``as_of``); a date answer is the day on
    which the last item is done, a count answer covers ``start`` to ``by`` inclusive.
    """

    stream: str
    as_of: datetime
    weeks: int
    history_days: int
    history_from: date | None
    history_to: date | None
    working_days: bool
    runs: int
    seed: int
    start: date
    items: int | None = None
    by: date | None = None
    p50: date | int | None = None
    p85: date | int | None = None
    p95: date | int | None = None
    reason: str | None = None
    target: TargetProbability | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``flowdeck forecast --json`` document (INTERFACES.md, plus the target forecast)."""

        def plain(value: date | int | None) -> str | int | None:
            return value.isoformat() if isinstance(value, date) else value

        out: dict[str, Any] = {"stream": self.stream, "history_days": self.history_days, "runs": self.runs}
        out["seed"] = self.seed
        if self.items is not None:
            out["items"] = self.items
        else:
            out["by"] = plain(self.by)
        out.update({"p50": plain(self.p50), "p85": plain(self.p85), "p95": plain(self.p95), "reason": self.reason})
        out.update(
            {
                "as_of": self.as_of.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "weeks": self.weeks,
                "history_from": plain(self.history_from),
                "history_to": plain(self.history_to),
                "working_days": self.working_days,
                "start": self.start.isoformat(),
            }
        )
        t = self.target
        if t is not None:
            out["target_probability"] = None if t.probability is None else round(t.probability, 3)
            out["target_days"] = t.target_days
            out["target_items"] = t.items
            out["target_reason"] = t.reason
        return out
