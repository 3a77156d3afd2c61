"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best(fn: Callable[[], Any], runs: int = 3) -> float:
    """The fastest of ``runs`` calls, in seconds (the one least disturbed by the rest of the machine)."""
    fastest = float("inf")
    for _ in range(runs):
        fastest = min(fastest, once(fn))
    return fastest


def once(fn: Callable[[], Any]) -> float:
    """One call, in seconds (for cold figures that a repeat would warm up)."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
