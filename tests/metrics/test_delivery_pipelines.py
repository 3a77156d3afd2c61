"""Continuous-delivery figures (METRICS.md §3) and live pipeline status (§4)."""

from __future__ import annotations

import numpy as np
import pytest

from data.metrics.delivery import release_gap_median_days, requirement_lead_times, success_rate
from data.metrics.linking import ticket_keys
from data.pipelines.state import RunRow, statuses
from tests.metrics.helpers import h, ms
from tests.metrics.test_dora import DAY, deps

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


def run(
    i: int,
    result: str | None,
    start: float,
    end: float | None,
    *,
    attempt: int = 1,
    author: str | None = None,
    sha: str | None = None,
    status: str = "completed",
) -> RunRow:
    return RunRow(
        "gh",
        "ci",
        str(i),
        attempt,
        sha or f"s{i}",
        "main",
        status,
        result,
        ms(start),
        ms(start),
        None if end is None else ms(end),
        None,
        author,
    )


def test_pipeline_failing_since_and_authors_by_run_and_commit() -> None:
    runs = [
        run(1, "success", 0, 1),
        run(2, "success", 2, 3.5),
        run(3, "failure", 4, 5, author="li"),
        run(4, "failure", 6, 7, sha="abc"),
        run(5, "skipped", 8, 8.1),  # skipped runs say nothing about health
    ]
    (p,) = statuses(runs, {"abc": "wang"}, ms(10))
    assert p.state == "failed" and p.run_id == "4"
    assert p.broken_since == h(5) and p.failing_runs == 2
    assert p.authors == ("li", "wang")
    assert p.duration_s == 3600.0


def test_pipeline_running_with_eta_from_recent_successes_and_reruns() -> None:
    runs = [run(i, "success", 10 * i, 10 * i + d) for i, d in enumerate([1, 2, 3], start=1)]
    runs += [run(9, "failure", 40, 41), run(9, "success", 42, 45, attempt=2)]  # the re-run wins
    runs += [run(10, None, 50, None, status="running")]
    (p,) = statuses(runs, {}, ms(50.5))
    assert p.state == "running" and p.elapsed_s == 1800.0
    assert p.eta_s == 2.5 * 3600  # median of 1, 2, 3, 3 h
    assert p.failing_runs == 0 and p.broken_since is None
    # Seen from 41.5 h (before the re-run), the pipeline was failing.
    (earlier,) = statuses(runs, {}, ms(41.5))
    assert earlier.state == "failed" and earlier.failing_runs == 1


def test_pipelines_sorted_failing_then_running_then_by_name() -> None:
    rows = [
        RunRow("gh", "b", "1", 1, None, "main", "completed", "success", ms(0), ms(0), ms(1), None, None),
        RunRow("gh", "a", "1", 1, None, "main", "completed", "success", ms(0), ms(0), ms(1), None, None),
        RunRow("gh", "c", "1", 1, None, "main", "running", None, ms(0), ms(0), None, None, None),
        RunRow("gh", "d", "1", 1, None, "main", "completed", "failure", ms(0), ms(0), ms(1), None, None),
        RunRow("gh", "e", "1", 1, None, "main", "queued", None, ms(3), None, None, None, None),
    ]
    assert [(p.pipeline, p.state) for p in statuses(rows, {}, ms(5))] == [
        ("d", "failed"),
        ("c", "running"),
        ("e", "queued"),
        ("a", "success"),
        ("b", "success"),
    ]
    assert [p.pipeline for p in statuses(rows, {}, ms(2))] == ["d", "c", "a", "b"]  # e not queued yet
