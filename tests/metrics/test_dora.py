"""DORA keys (METRICS.md §2): hand-computed cases, tier boundaries, DevLake conformance."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from data.metrics.dora import (
    IncidentArrays,
    change_failure,
    frequency,
    incidents_from_failed,
    lead_time_parts,
    tier,
)
from data.metrics.linking import ChangeRef, DeployRef, deployed_at
from data.store.schema import to_ms
from data.timeutil import parse_instant
from tests.helpers.metrics import DAY, deps, ms


def incs(*rows: tuple[float, float | None, int]) -> IncidentArrays:
    return IncidentArrays(
        created=np.array([ms(r[0]) for r in rows], dtype=np.int64),
        resolved=np.array([-1 if r[1] is None else ms(r[1]) for r in rows], dtype=np.int64),
        repo=np.array([r[2] for r in rows], dtype=np.int32),
    )


def test_deploy_days_per_week_median_counts_weeks_with_none() -> None:
    d = deps(
        (9, True, 0),
        (15, True, 0),  # Monday twice: one day
        (DAY + 9, True, 0),  # Tuesday
        (9 * DAY, False, 0),  # a failure in week 2 does not count
        (18 * DAY + 9, True, 0),  # Friday of week 3
        (21 * DAY, True, 0),  # exactly at `to`: out
    )
    count, per_week, days_week, days_month = frequency(d, ms(0), ms(21 * DAY), ms(21 * DAY), "interpolated")
    assert count == 4
    assert per_week == pytest.approx(4 / 3)
    assert days_week == 1.0  # weeks: 2, 0, 1 days
    assert days_month == 3.0  # March 2026: 3 distinct days


def test_deploy_days_cover_every_iso_week_overlapping_a_misaligned_window() -> None:
    d = deps((2 * DAY + 1, True, 0), (3 * DAY + 1, True, 0))  # Wed, Thu
    # Wednesday to next Wednesday overlaps two ISO weeks: 2 days and 0 days -> median 1.
    _, _, days_week, _ = frequency(d, ms(2 * DAY), ms(9 * DAY), ms(9 * DAY), "interpolated")
    assert days_week == 1.0
    _, _, lower, _ = frequency(d, ms(2 * DAY), ms(9 * DAY), ms(9 * DAY), "lower")
    assert lower == 0.0  # DevLake's lower median of [0, 2]


def test_empty_window_has_no_frequency_median_but_zero_deployments() -> None:
    count, per_week, days_week, _ = frequency(deps(), ms(0), ms(7 * DAY), ms(7 * DAY), "interpolated")
    assert (count, per_week, days_week) == (0, 0.0, 0.0)  # one week with 0 deploy days is data


def test_change_failure_rate_links_incidents_to_the_latest_prior_success() -> None:
    d = deps((DAY, True, 0), (2 * DAY, True, 0), (3 * DAY, True, 0), (2.5 * DAY, True, 1))
    i = incs(
        (2 * DAY + 5, 2 * DAY + 8, 0),  # repo 0 -> the deployment at day 2; resolved 8 h after it
        (2 * DAY + 6, None, 0),  # same deployment again, unresolved
        (2.6 * DAY, 3 * DAY + 1, -1),  # no repository: latest of the stream (repo 1 at 2.5 d)
        (5 * DAY, 5 * DAY + 1, -2),  # a repository without production deployments: links nothing
    )
    cfr, recovery, restore = change_failure(d, i, ms(0), ms(7 * DAY), ms(7 * DAY), "interpolated")
    assert cfr == pytest.approx(2 / 4)
    # 2023: deployment finished -> resolved: 8 h and (3 d + 1 h - 2.5 d) = 13 h
    assert recovery == pytest.approx((8 + 13) / 2)
    # 2021: created -> resolved over incidents resolved in the window: 3 h, 0.4 d + 1 h, 1 h
    assert restore == pytest.approx(sorted([3, 0.4 * DAY + 1, 1])[1])


def test_incident_created_exactly_at_a_deployment_finish_links_to_the_previous_one() -> None:
    d = deps((DAY, True, 0), (2 * DAY, True, 0))
    cfr, _, _ = change_failure(d, incs((2 * DAY, None, 0)), ms(1.5 * DAY), ms(7 * DAY), ms(7 * DAY), "interpolated")
    assert cfr == 0.0  # linked to the day-1 deployment, outside the window


def test_failed_deployments_as_incidents_switch() -> None:
    d = deps((DAY, True, 0), (2 * DAY, False, 0), (2 * DAY + 3, True, 0))
    extra = incidents_from_failed(d)
    assert extra.created.tolist() == [ms(2 * DAY)]
    assert extra.resolved.tolist() == [ms(2 * DAY + 3)]
    cfr, recovery, restore = change_failure(d, extra, ms(0), ms(7 * DAY), ms(7 * DAY), "interpolated")
    assert cfr == 0.5 and restore == 3.0 and recovery == pytest.approx(DAY + 3)


def test_as_of_hides_what_was_not_known() -> None:
    d = deps((DAY, True, 0), (3 * DAY, True, 0))
    count, _, _, _ = frequency(d, ms(0), ms(7 * DAY), ms(2 * DAY), "interpolated")
    assert count == 1
    cfr, _, restore = change_failure(d, incs((DAY + 1, 2.5 * DAY, 0)), ms(0), ms(7 * DAY), ms(2 * DAY), "interpolated")
    assert cfr == 1.0 and restore is None  # resolved after as_of: not yet restored


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("deployment_frequency", 5.0, "elite"),
        ("deployment_frequency", 4.99, "high"),
        ("deployment_frequency", 1.0, "high"),
        ("lead_time_for_changes", 23.99, "elite"),
        ("lead_time_for_changes", 24.0, "high"),
        ("lead_time_for_changes", 167.99, "high"),
        ("lead_time_for_changes", 168.0, "medium"),
        ("lead_time_for_changes", 720.0, "low"),
        ("change_failure_rate", 0.05, "elite"),
        ("change_failure_rate", 0.0501, "high"),
        ("change_failure_rate", 0.10, "high"),
        ("change_failure_rate", 0.15, "medium"),
        ("change_failure_rate", 0.1501, "low"),
        ("recovery_time", 0.99, "elite"),
        ("recovery_time", 1.0, "high"),
        ("recovery_time", 24.0, "medium"),
        ("recovery_time", 168.0, "low"),
        ("lead_time_for_changes", None, None),
    ],
)
def test_tier_boundaries_2023(metric: str, value: float | None, expected: str | None) -> None:
    assert tier(metric, value) == expected


def test_deployment_frequency_medium_and_low_2023_use_the_monthly_median() -> None:
    assert tier("deployment_frequency", 0.0, deploy_days_per_month=1.0) == "medium"
    assert tier("deployment_frequency", 0.0, deploy_days_per_month=0.0) == "low"


def test_tiers_2021_differ_from_2023() -> None:
    assert tier("lead_time_for_changes", 0.5, "2021") == "elite"
    assert tier("lead_time_for_changes", 2.0, "2021") == "high"
    assert tier("lead_time_for_changes", 2.0, "2023") == "elite"
    assert tier("change_failure_rate", 0.12, "2021") == "elite"
    assert tier("change_failure_rate", 0.12, "2023") == "medium"
    assert tier("deployment_frequency", None, "2021", deployments_per_week=10) == "elite"
    assert tier("deployment_frequency", None, "2021", deployments_per_week=1) == "high"
    assert tier("deployment_frequency", None, "2021", deployments_per_week=0.1) == "medium"


# --- conformance: DevLake dora/e2e/change_lead_time -------------------------------------------


def _dt(text: str) -> datetime:
    """DevLake's CSVs mix ISO and "2023-4-11 4:51:47" (UTC)."""
    if "T" in text:
        return parse_instant(text)
    d, t = text.split(" ")
    y, mo, da = (int(x) for x in d.split("-"))
    hh, mi, ss = (int(x) for x in t.split(":"))
    return datetime(y, mo, da, hh, mi, ss, tzinfo=UTC)


def test_conformance_devlake_change_lead_time_parts(fixtures_dir: Path) -> None:
    """pr1 and pr2 of project_pr_metrics.csv, built from the input CSVs of the same folder.

    DevLake reports whole minutes rounded up; Flowdeck keeps milliseconds, so ceil(ours / 60 s)
    must equal theirs. The deployments of project1's CI scopes count for repo1 (DevLake's project
    mapping), so they are given repo1 here; the exact commit ranges come from commits_diffs.csv.
    """
    base = fixtures_dir / "devlake/backend/plugins/dora/e2e/change_lead_time"
    read = lambda name: list(csv.DictReader((base / name).open(encoding="utf-8")))  # noqa: E731
    prs = {r["id"]: r for r in read("pull_requests.csv")}
    commits = read("pull_request_commits.csv")
    comments = read("pull_request_comments.csv")
    dep_rows = [
        r for r in read("cicd_deployment_commits.csv") if r["environment"] == "PRODUCTION" and r["result"] == "SUCCESS"
    ]
    by_sha = {r["commit_sha"]: r["id"] for r in dep_rows}
    commits_of: dict[tuple[str, str], list[str]] = {}
    for r in read("commits_diffs.csv"):
        if r["new_commit_sha"] in by_sha:
            commits_of.setdefault(("devlake", by_sha[r["new_commit_sha"]]), []).append(r["commit_sha"])
    deployments = [
        DeployRef(
            "devlake",
            r["id"],
            "repo1",
            r["commit_sha"],
            None,
            to_ms(_dt(r["started_date"])),
            to_ms(_dt(r["finished_date"])),
        )
        for r in dep_rows
    ]
    expected = {r["id"]: r for r in read("project_pr_metrics.csv")}
    for pr_id in ("pr1", "pr2"):
        pr = prs[pr_id]
        created, merged = to_ms(_dt(pr["created_date"])), to_ms(_dt(pr["merged_date"]))
        first_commit = min(to_ms(_dt(c["commit_authored_date"])) for c in commits if c["pull_request_id"] == pr_id)
        reviews = [
            to_ms(_dt(c["created_date"]))
            for c in comments
            if c["pull_request_id"] == pr_id and c["account_id"] != pr["author_id"]
        ]
        (dep,) = deployed_at([ChangeRef("repo1", pr["merge_commit_sha"], None, merged)], deployments, commits_of)
        assert dep == to_ms(_dt(expected[pr_id]["pr_deployed_date"]))
        start = min(first_commit, created)
        a = lambda v: np.array([v], dtype=np.int64)  # noqa: E731
        lt, parts = lead_time_parts(
            a(start), a(created), a(first_commit), a(min(reviews)), a(merged), a(dep), np.array([True]), "interpolated"
        )
        minutes = lambda hours: None if hours is None else math.ceil(round(hours * 60, 6))  # noqa: E731
        want = expected[pr_id]
        as_int = lambda s: int(s) if s else None  # noqa: E731
        assert minutes(parts["coding"]) == as_int(want["pr_coding_time"]), pr_id
        assert minutes(parts["pickup"]) == as_int(want["pr_pickup_time"]), pr_id
        assert minutes(parts["review"]) == as_int(want["pr_review_time"]), pr_id
        assert minutes(parts["deploy"]) == as_int(want["pr_deploy_time"]), pr_id
        # Lead time = DevLake's cycle time: from the first commit, or the PR's creation when the
        # first commit is later (pr2: its coding time is null and the cycle starts at creation).
        assert minutes(lt) == as_int(want["pr_cycle_time"]), pr_id


def test_fallback_linking_by_repository_and_branch() -> None:
    deployments = [
        DeployRef("ci", "d1", "r", "x1", "refs/heads/main", ms(5), ms(6)),
        DeployRef("ci", "d2", "r", "x2", "release", ms(1), ms(2)),
        DeployRef("ci", "d3", "r", "x3", "main", ms(10), ms(11)),
    ]
    changes = [
        ChangeRef("r", "m1", "main", ms(4)),  # -> d1 (started after the merge, same branch)
        ChangeRef("r", "m2", "main", ms(5.5)),  # -> d3
        ChangeRef("r", "m3", "release", ms(0)),  # -> d2
        ChangeRef("r", "m4", "main", ms(20)),  # not deployed yet
        ChangeRef("other", "m5", "main", ms(0)),  # no deployments in its repo
    ]
    assert deployed_at(changes, deployments, {}) == [ms(6), ms(11), ms(2), None, None]
    # Where the repo has commit ranges, a merge in none of them is not deployed (no guessing).
    assert deployed_at(changes[:1], deployments, {("ci", "d3"): ["m9"]}) == [None]
