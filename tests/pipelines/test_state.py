"""Live pipeline status (METRICS.md §4) from run rows: failing since, authors, ETA, order."""

from __future__ import annotations

from data.pipelines.state import RunRow, statuses
from tests.helpers.metrics import h, ms


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
