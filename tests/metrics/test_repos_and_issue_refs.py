"""Two linking gaps, hand-computed: job stages follow a stream's ``repos``; GitHub/GitLab issue
references (``#12``, ``owner/repo#12``, ``12-branch``) link changes to the repository's issues."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from data.config.parse import load_config, parse_config
from data.events.importer import import_files
from data.materialise import cache
from data.metrics.linking import issue_refs, ticket_keys
from data.quality.checks import assess
from data.report.build import build_report
from data.store.store import Store
from tests.helpers.partial_shapes import iso, lines

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = {"window_from": T0 - timedelta(days=1), "window_to": T0 + timedelta(days=3)}


def at(hours: float) -> str:
    return iso(T0 + timedelta(hours=hours))


def _import(url: str, events: list[dict[str, Any]]) -> None:
    with Store.open(url) as store:
        import_files(store, ["-"], stdin=io.StringIO(lines(events)))


# --- job stages and the stream's repositories -----------------------------------------------------


def _config(repos: list[str]) -> Any:
    return parse_config(
        {
            "streams": [
                {
                    "name": "Pay",
                    "repos": repos,
                    "stages": [
                        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
                        {"name": "Approval", "jobs": "^approve"},
                    ],
                }
            ]
        }
    )


def _job(source: str, pipeline: str, run: str, q: float, s: float, f: float, paused_s: int = 0) -> list[dict[str, Any]]:
    return [
        {"kind": "job_run", "source": source, "pipeline": pipeline, "run": run, "id": 1, "name": "approve-prod"}
        | {"queued_at": at(q), "started_at": at(s), "finished_at": at(f), "result": "success", "paused_s": paused_s}
    ]


def _run(source: str, pipeline: str, run: str, sha: str | None) -> dict[str, Any]:
    r = {"kind": "pipeline_run", "source": source, "pipeline": pipeline, "id": run, "result": "success"}
    return r | {"queued_at": at(0), "finished_at": at(20)} | ({"sha": sha} if sha else {})


PAY_SHA, OTHER_SHA = "c0ffee" + "0" * 34, "decade" + "0" * 34
JENKINS_COMMIT = {"kind": "commit", "source": "jenkins", "repo": "bank/pay", "sha": PAY_SHA, "message": "build"}
JOBS = [
    # GitHub names a pipeline repo/workflow: bank/pay's (wait 1 h, active 2 h).
    _run("github", "bank/pay/release.yml", "1", None),
    *_job("github", "bank/pay/release.yml", "1", 0, 1, 3),
    # Another repository's, and one whose name only starts like bank/pay: not the stream's.
    _run("github", "bank/other/release.yml", "2", None),
    *_job("github", "bank/other/release.yml", "2", 0, 5, 10),
    _run("github", "bank/payments/ci", "3", None),
    *_job("github", "bank/payments/ci", "3", 0, 5, 10),
    # GitLab names a pipeline by its project path, and a job may come without its run (wait 2 h, active 4 h).
    *_job("gitlab", "bank/pay", "4", 0, 2, 6),
    # Jenkins names jobs freely: its build's sha is a commit of bank/pay (wait 0.5 h queued + 0.5 h
    # paused = 1 h; active 1.5 h running - 0.5 h paused = 1 h) or of bank/other.
    _run("jenkins", "pay-release", "7", PAY_SHA),
    *_job("jenkins", "pay-release", "7", 10, 10.5, 12, paused_s=1800),
    _run("jenkins", "other-release", "8", OTHER_SHA),
    *_job("jenkins", "other-release", "8", 10, 15, 20),
    {"kind": "commit", "source": "jenkins", "repo": "bank/other", "sha": OTHER_SHA, "message": "build"},
]


def _approval(store: Store, repos: list[str]) -> Any:
    report = build_report(store, _config(repos), **WINDOW, as_of=WINDOW["window_to"])
    return report.streams[0].stages[1]


def test_a_job_stage_counts_only_the_jobs_of_the_streams_repositories(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    _import(url, [*JOBS, JENKINS_COMMIT])
    cache.clear_memory()
    with Store.open(url) as store:
        st = _approval(store, ["bank/pay"])
        # bank/pay's jobs: waits 1, 2, 1 h; actives 2, 4, 1 h.
        assert st.items == 3
        assert st.wait_median_h == pytest.approx(1.0)
        assert st.wait_total_h == pytest.approx(4.0)
        assert st.active_median_h == pytest.approx(2.0)
        assert st.active_total_h == pytest.approx(7.0)
        # Without repos every pipeline's job counts (as before).
        assert _approval(store, []).items == 6
        # A repository no pipeline builds: nothing, not everything.
        assert _approval(store, ["bank/none"]).items == 0


def test_a_commit_synced_later_brings_its_builds_jobs_in_through_the_refresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    _import(url, JOBS)
    cache.clear_memory()
    with Store.open(url) as store:
        assert _approval(store, ["bank/pay"]).items == 2  # the Jenkins build is nobody's yet
    _import(url, [JENKINS_COMMIT])  # the next sync brings the commit: the cached bundle refreshes
    with Store.open(url) as store:
        refreshed = _approval(store, ["bank/pay"])
        cache.clear_memory()
        rebuilt = _approval(store, ["bank/pay"])
    assert refreshed.items == rebuilt.items == 3
    assert refreshed.wait_total_h == rebuilt.wait_total_h == pytest.approx(4.0)


# --- issue references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "branch", "keys"),
    [
        (["Fix login (#12)"], None, {"BANK/PAY#12"}),
        (["Fixes bank/other#14, closes GH-3"], None, {"BANK/OTHER#14", "BANK/PAY#3"}),
        (["group/sub/project#5"], None, {"GROUP/SUB/PROJECT#5"}),
        (["a&#39;b", "issue#4", "x/#5", "#12abc", "C#7"], None, set()),  # entity, words, paths: no refs
        ([], "13-fix-x", {"BANK/PAY#13"}),
        ([], "feature/21-login", {"BANK/PAY#21"}),
        ([], "issue-8", {"BANK/PAY#8"}),
        ([], "fix/#9-typo", {"BANK/PAY#9"}),
        ([], "dependabot/npm/foo-1.2.3", set()),
        (["#007"], None, {"BANK/PAY#7"}),
    ],
)
def test_issue_refs(texts: list[str], branch: str | None, keys: set[str]) -> None:
    assert issue_refs(texts, "bank/pay", branch) == keys


def test_ticket_keys_keeps_jira_keys_and_filters_by_known() -> None:
    found = ticket_keys(["PAY-1 fixes #12"], repo="bank/pay", branch="PAY-2-x")
    assert found == {"PAY-1", "PAY-2", "BANK/PAY#12"}
    assert ticket_keys(["PAY-1 fixes #12"], {"BANK/PAY#12"}, repo="bank/pay") == {"BANK/PAY#12"}
    assert ticket_keys(["fixes #12"]) == set()  # no repository: no way to tell whose #12


def _issue(repo: str, n: int, created: float, active: float, done: float) -> list[dict[str, Any]]:
    key = f"{repo}#{n}"
    return [
        {"kind": "work_item", "source": "github", "key": key, "title": f"issue {n}", "created_at": at(created)},
        {"kind": "status_change", "source": "github", "key": key, "at": at(active), "to": "In Progress"},
        {"kind": "status_change", "source": "github", "key": key, "at": at(done)}
        | {"from": "In Progress", "to": "Done"},
    ]


ISSUES = [
    *_issue("bank/pay", 12, 0, 1, 10),
    *_issue("bank/pay", 13, 2, 3, 12),
    *_issue("bank/other", 12, 0, 1, 11),  # same number, other repository: "#12" in bank/pay is not it
    *_issue("bank/other", 14, 4, 5, 14),
    {"kind": "change", "source": "github", "repo": "bank/pay", "id": 1, "created_at": at(1)}
    | {"title": "Fix login (#12), see bank/other#14", "merged_at": at(5), "merge_sha": "a" * 40},
    {"kind": "change", "source": "github", "repo": "bank/pay", "id": 2, "created_at": at(6)}
    | {"title": "Tidy", "branch": "13-fix-x", "merged_at": at(22), "merge_sha": "b" * 40},
    {"kind": "deployment", "source": "github", "repo": "bank/pay", "id": "d1", "environment": "production"}
    | {"status": "success", "sha": "a" * 40, "started_at": at(19), "finished_at": at(20)},
    {"kind": "deployment", "source": "github", "repo": "bank/pay", "id": "d2", "environment": "production"}
    | {"status": "success", "sha": "b" * 40, "started_at": at(29), "finished_at": at(30)},
]
ISSUE_CONFIG = """
[[streams]]
name = "Pay"
done = ["Done"]

[[streams.stages]]
name = "Dev"
wait = ["To Do"]
active = ["In Progress"]
"""


def test_github_issue_references_link_changes_to_issues(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'refs.db'}"
    _import(url, ISSUES)
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(ISSUE_CONFIG, encoding="utf-8")
    config = load_config(cfg)
    cache.clear_memory()
    with Store.open(url) as store:
        report = build_report(store, config, **WINDOW, as_of=WINDOW["window_to"])
        quality = assess(store, config, as_of=WINDOW["window_to"])
    d = report.delivery
    # Requirement lead time: bank/pay#12 and bank/other#14 end at d1 (20 h - 0 h, 20 h - 4 h),
    # bank/pay#13 at d2 (30 h - 2 h); bank/other#12 is named by nobody and ends at Done (11 h).
    assert d.requirements_completed == 4
    assert d.requirement_lead_time_unlinked == 1
    assert d.requirement_lead_time_median_h == pytest.approx((16 + 20) / 2)
    linked = {c.check: c for c in quality.coverage}
    assert (linked["changes_linked_to_tickets"].covered, linked["changes_linked_to_tickets"].total) == (2, 2)
    assert linked["tickets_linked_to_deployments"].covered == 3


def test_the_release_report_lists_referenced_issues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'refs.db'}"
    _import(url, ISSUES)
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(ISSUE_CONFIG, encoding="utf-8")
    assert main(["--db", url, "--config", str(cfg), "release", "github:bank/pay:d1", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert sorted(t["key"] for t in js["tickets"]) == ["bank/other#14", "bank/pay#12"]
