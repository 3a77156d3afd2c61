"""Benchmark: 1M intervals through ``WorkingCalendar.working_seconds_many`` beside a numpy floor.

The floor is the plainest computation over the same arrays, ``(ends - starts) / 1000``; the ratio
says how many such passes the working-time lookup costs. No assertion on time (tests/bench rule).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import numpy as np

from data.calendar import WorkingCalendar
from tests.bench.timing import best

N = 1_000_000


def main() -> None:
    """Print build time, per-call time for 1M intervals, the numpy floor and the ratio."""
    rng = np.random.default_rng(8)
    lo = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)
    hi = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)
    starts = rng.integers(lo, hi, N, dtype=np.int64)
    # Stage durations: minutes to a few weeks, log-uniform, as a value stream's transitions are.
    ends = starts + np.exp(rng.uniform(np.log(60_000), np.log(30 * 86_400_000), N)).astype(np.int64)

    cal = WorkingCalendar(
        timezone="Asia/Shanghai",
        hours=("09:00-12:00", "13:30-18:00"),
        holidays="CN",
        extra_holidays=(date(2026, 12, 24),),
    )
    started = time.perf_counter()
    cal.working_seconds_many(starts, ends)  # the first call also builds the tables of the years touched
    first_call = time.perf_counter() - started

    floor = best(lambda: (ends - starts) / 1000.0)
    many = best(lambda: cal.working_seconds_many(starts, ends))
    got = cal.working_seconds_many(starts, ends)
    # A spot check that the figure measured is the real computation, not a shortcut.
    sample = rng.integers(0, N, 200)
    for i in sample:
        a = datetime.fromtimestamp(starts[i] / 1000, UTC)
        b = datetime.fromtimestamp(ends[i] / 1000, UTC)
        if abs(cal.working_seconds(a, b) - got[i]) > 1e-3:
            raise AssertionError(f"vectorised and scalar disagree on interval {i}")

    scalar_n = 2_000
    scalar_dt = [
        (datetime.fromtimestamp(starts[i] / 1000, UTC), datetime.fromtimestamp(ends[i] / 1000, UTC))
        for i in range(scalar_n)
    ]
    scalar = best(lambda: [cal.working_seconds(a, b) for a, b in scalar_dt], runs=1)

    print(f"intervals                 {N:>12,}")
    print(f"first call (builds tables){first_call * 1000:>10.1f} ms")
    print(f"working_seconds_many      {many * 1000:>10.1f} ms   {many / N * 1e9:.0f} ns per interval")
    print(f"numpy floor (e - s)/1000  {floor * 1000:>10.1f} ms")
    print(f"ratio to floor            {many / floor:>10.1f} x")
    print(
        f"scalar working_seconds    {scalar / scalar_n * 1e6:>10.1f} us per interval "
        f"(1M would take ~{scalar / scalar_n * N:.0f} s; vectorised is {scalar / scalar_n * N / many:.0f} x faster)"
    )
    print(f"median working hours      {np.median(got) / 3600:>10.2f} h   (calendar: {cal.describe()})")


if __name__ == "__main__":
    main()
