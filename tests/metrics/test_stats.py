import math

import numpy as np
import pytest

from data.metrics.stats import median, percentile, share


def test_median_methods_match_metrics_md_example() -> None:
    assert median([10, 20, 30, 40]) == 25.0
    assert median([10, 20, 30, 40], "lower") == 20.0  # DevLake: max(x) where percent_rank <= 0.5


@pytest.mark.parametrize(
    ("values", "interp", "lower"),
    [
        ([7], 7.0, 7.0),
        ([3, 1, 2], 2.0, 2.0),
        ([1, 2, 3, 4, 5, 6], 3.5, 3.0),
        ([5, 5, 5, 9], 5.0, 5.0),  # ties share the lowest rank
        ([1, 9], 5.0, 1.0),
    ],
)
def test_median_hand_computed(values: list[float], interp: float, lower: float) -> None:
    assert median(values) == interp
    assert median(values, "lower") == lower


def test_lower_median_is_devlake_percent_rank_rule() -> None:
    rng = np.random.default_rng(3)
    for n in range(1, 30):
        xs = sorted(rng.integers(0, 10, n).tolist())
        # percent_rank = (rank - 1) / (n - 1), rank = 1 + number of strictly smaller values
        ranks = [(sum(1 for y in xs if y < x)) / (n - 1) if n > 1 else 0.0 for x in xs]
        expected = max(x for x, r in zip(xs, ranks, strict=True) if r <= 0.5)
        assert median(xs, "lower") == expected


def test_empty_is_none_never_zero() -> None:
    assert median([]) is None
    assert median([], "lower") is None
    assert percentile([], 85) is None
    assert median(np.array([math.nan])) is None  # NaN marks "no value"
    assert share(0, 0) is None
    assert share(0, 4) == 0.0


def test_p85_interpolated() -> None:
    # numpy linear: position 0.85 * (5 - 1) = 3.4 -> 40 + 0.4 * (50 - 40) = 44
    assert percentile([10, 20, 30, 40, 50], 85) == pytest.approx(44.0)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="median method"):
        median([1], "mean")
