"""The release list's per-release counts: hand-computed on a small store, and equal to each release report.

The store is tests/test_release.py's (p0 and p1 with commit ranges, p2 linked by time), plus a
failed production deployment p3 after a hotfix and an incident without a repository after p2.
"""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest

from data.materialise import cache
from data.records import Change, Deployment, Exclusion, Incident
from data.release.build import release_report, release_rows
from data.release.results import EXACT, SINCE_PREVIOUS, ReleaseRow
from data.store.store import Store
from tests.helpers.release import RECORDS, T0, config, h

EXTRA = [
    # p3 failed: by time since p2 (started 40 h) it carried #5, merged at 45 h.
    Change("gh", "bank/mobile", "5", "PAY-1 hotfix", h(44), merged_at=h(45), merge_sha="m5", base="main"),
    Deployment("ci", "bank/mobile", "p3", "prod", "failure", sha="m5", ref="main", started_at=h(46), finished_at=h(47)),
    # No repository: linked to the latest successful production deployment of any repository (p2, 41 h).
    Incident("jira", "INC-5", h(42), title="Statements late"),
]


@pytest.fixture
def store(store_url: str) -> Store:
    cache.clear_memory()
    s = Store.open(store_url)
    s.upsert([*RECORDS, *EXTRA])  # type: ignore[list-item]
    return s


def rows(store: Store, hours: tuple[float, float] = (-24, 72)) -> list[ReleaseRow]:
    return release_rows(store, config(), window_from=h(hours[0]), window_to=h(hours[1]))


def counts(r: ReleaseRow) -> tuple[object, ...]:
    lead = None if r.lead_time_median_h is None else round(r.lead_time_median_h, 6)
    return (r.deployment.id, r.method, r.changes, r.tickets, lead, r.first_deployed, r.incidents)


def test_each_release_row_is_hand_computed(store: Store) -> None:
    got = [counts(r) for r in rows(store)]
    assert got == [
        # Failed: carried #5 (names PAY-1), shipped nothing first, links no incident.
        ("p3", SINCE_PREVIOUS, 1, 1, None, 0, 0),
        # #3 (PAY-2) created 20 h -> 41 h; INC-5 (no repository, 42 h) follows it.
        ("p2", SINCE_PREVIOUS, 1, 1, 21.0, 1, 1),
        # #1 first commit 0.5 h -> 11 h = 10.5 h, #2 created 2 h -> 9 h: median 9.75; INC-1 at 12 h.
        ("p1", EXACT, 2, 2, 9.75, 2, 1),
        # #0 (PAY-1 groundwork) created -5 h -> finished -2.5 h; INC-0 at 8 h is before p1 finished.
        ("p0", EXACT, 1, 1, 2.5, 1, 1),
    ]
    # Newest first; only production (s1 went to staging), only the window.
    assert [c[0] for c in (counts(r) for r in rows(store, (0, 45)))] == ["p2", "p1"]
    assert rows(store, (100, 200)) == []


def test_rows_agree_with_the_release_reports(store: Store) -> None:
    with store.writer() as w:
        # Without p2, p3's previous deployment is p1: it carries #3 and #5 (#4 targets release/1).
        w.add_exclusion(Exclusion("deployment", "ci", "bank/mobile#p2", "aborted by hand"))
        w.add_exclusion(Exclusion("change", "gh", "bank/mobile#2", "revert"))
    cache.clear_memory()
    listed = rows(store)
    assert [counts(r) for r in listed] == [
        ("p3", SINCE_PREVIOUS, 2, 2, None, 0, 0),
        ("p1", EXACT, 1, 1, 10.5, 1, 2),  # INC-5 now follows p1 (p2 is excluded)
        ("p0", EXACT, 1, 1, 2.5, 1, 1),
    ]
    for r in listed:
        d = r.deployment
        report = release_report(store, config(), (d.source, d.repo, d.id))
        firsts = [c.lead_time_h for c in report.changes if c.first_deployed_here and c.lead_time_h is not None]
        assert r.method == report.method
        assert r.changes == len(report.changes)
        assert r.tickets == len(report.tickets)
        assert r.first_deployed == len(firsts)
        assert r.lead_time_median_h == (pytest.approx(statistics.median(firsts)) if firsts else None)
        assert r.incidents == len(report.incidents)


def test_no_production_environment_lists_nothing(store_url: str) -> None:
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert([Deployment("ci", "bank/mobile", "s1", "staging", "success", started_at=h(1), finished_at=h(2))])
        assert release_rows(s, config(), window_from=T0 - timedelta(days=1), window_to=T0 + timedelta(days=1)) == []
