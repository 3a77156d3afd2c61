"""Continuous-delivery figures (METRICS.md §3)."""

from __future__ import annotations

import numpy as np
import pytest

from data.metrics.delivery import release_gap_median_days, requirement_lead_times, success_rate
from data.metrics.linking import ticket_keys
from tests.helpers.metrics import DAY, deps, ms

A = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731


def test_success_rate_counts_finished_successes_and_failures_in_window() -> None:
    d = deps((DAY, True, 0), (2 * DAY, False, 0), (3 * DAY, True, 0), (9 * DAY, False, 0))
    assert success_rate(d, ms(0), ms(7 * DAY), ms(7 * DAY)) == (pytest.approx(2 / 3), 2, 1)
    assert success_rate(d, ms(20 * DAY), ms(27 * DAY), ms(27 * DAY))[0] is None  # none: null, not 0 %


def test_release_gaps_per_repository_with_the_earlier_release_before_the_window() -> None:
    d = deps(
        (0, True, 0),
        (7 * DAY, True, 0),
        (14 * DAY, True, 0),  # repo 0 weekly
        (2 * DAY, True, 1),
        (32 * DAY, True, 1),  # repo 1 monthly
        (10 * DAY, False, 0),  # failures are not releases
    )
    # Window [5 d, 40 d): gaps ending in it: 7, 7 (repo 0) and 30 (repo 1).
    assert release_gap_median_days(d, ms(5 * DAY), ms(40 * DAY), ms(40 * DAY), "interpolated") == 7.0
    # Window [13 d, 40 d): the gap 7 (7 d -> 14 d) and 30 -> median 18.5; lower median 7
    assert release_gap_median_days(d, ms(13 * DAY), ms(40 * DAY), ms(40 * DAY), "interpolated") == 18.5
    assert release_gap_median_days(d, ms(13 * DAY), ms(40 * DAY), ms(40 * DAY), "lower") == 7.0
    assert release_gap_median_days(d, ms(100 * DAY), ms(107 * DAY), ms(107 * DAY), "interpolated") is None


def test_requirement_lead_time_linked_and_unlinked() -> None:
    created = A(ms(0), ms(0), ms(0), ms(0))
    completed = A(ms(10), ms(20), ms(30), ms(40))
    first_active = A(ms(2), -1, ms(5), ms(8))
    deployed = A(ms(50), -1, ms(200), -1)  # item 2's deployment is after as_of: unlinked then
    sel = np.array([True, True, True, False])
    lead, unlinked, delivery, n = requirement_lead_times(
        created, completed, first_active, deployed, sel, ms(100), "interpolated"
    )
    # ends: 50 (deployed), 20 (completed), 30 (completed) -> lead 50, 20, 30 -> median 30
    assert (lead, unlinked, n) == (30.0, 2, 3)
    # delivery from first activity: 48 and 25 (item 1 never active) -> 36.5
    assert delivery == 36.5


def test_ticket_keys_from_titles_branches_and_messages() -> None:
    known = {"PAY-1", "PAY-12", "CORE-7"}
    assert ticket_keys(["PAY-12: limits", "feature/pay-1-card", "fixes core-7 and XPAY-1"], known) == {
        "PAY-12",
        "PAY-1",
        "CORE-7",
    }
    assert ticket_keys(["PAY-123 is not PAY-12"], {"PAY-12", "PAY-123"}) == {"PAY-123", "PAY-12"}
    assert ticket_keys([None, "", "nothing here"], known) == set()
