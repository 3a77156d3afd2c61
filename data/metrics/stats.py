"""Medians and percentiles with the methods METRICS.md names.

* ``interpolated`` (the default): numpy's linear interpolation, Four Keys' ``PERCENTILE_CONT``;
  [10, 20, 30, 40] -> 25.
* ``lower``: DevLake's ``max(x) where percent_rank <= 0.5``; [10, 20, 30, 40] -> 20. With
  ``percent_rank = (rank - 1) / (n - 1)`` that is the sorted value at index ``floor((n - 1) / 2)``
  (ties share the lowest rank, so they never push the answer past that index).

An empty set gives None, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MEDIAN_METHODS", "as_array", "median", "percentile", "share"]

MEDIAN_METHODS = ("interpolated", "lower")

FloatArray = npt.NDArray[np.float64]


def as_array(values: Iterable[float] | npt.NDArray[Any]) -> FloatArray:
    """A float64 array of ``values`` without NaNs (NaN marks "no value" inside the engine)."""
    arr = values.astype(np.float64, copy=False) if isinstance(values, np.ndarray) else np.fromiter(values, np.float64)
    return arr[~np.isnan(arr)] if arr.size else arr


def median(values: Iterable[float] | npt.NDArray[Any], method: str = "interpolated") -> float | None:
    """The median of ``values`` by ``method`` (``interpolated`` or ``lower``); None when empty."""
    if method not in MEDIAN_METHODS:
        raise ValueError(f"unknown median method {method!r}; expected one of {', '.join(MEDIAN_METHODS)}")
    arr = as_array(values)
    if arr.size == 0:
        return None
    if method == "lower":
        # np.partition keeps this O(n) on the large whole-history arrays.
        k = (arr.size - 1) // 2
        return float(np.partition(arr, k)[k])
    return float(np.median(arr))


def percentile(values: Iterable[float] | npt.NDArray[Any], q: float) -> float | None:
    """The ``q``-th percentile (0..100), linearly interpolated; None when empty."""
    arr = as_array(values)
    if arr.size == 0:
        return None
    return float(np.percentile(arr, q))


def share(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is 0 (no data is not 0 %)."""
    return None if denominator == 0 else numerator / denominator
