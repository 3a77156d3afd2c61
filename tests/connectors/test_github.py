"""The GitHub connector against a local fake: the §5.2 contract and hand-checked mappings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from data.connectors.cursor import dump_cursor
from data.connectors.github.runs import map_run, run_result, run_status
from data.records import Change, Deployment, Incident, JobRun, PipelineRun, StatusChange, WorkItem
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers import github_fake as gh
from tests.helpers.contract import CONTRACT_CHECKS, ContractHarness
from tests.helpers.server import FakeServer


def _add_same_instant(state: dict[str, Any]) -> dict[str, int]:
    newest = max(i["updated_at"] for i in state["issues"])
    state["issues"].append(
        {
            "number": 99,
            "title": "late",
            "created_at": newest,
            "updated_at": newest,
            "state": "open",
            "closed_at": None,
            "labels": [],
            "html_url": "u",
        }
    )
    return {"work_items": 1, "status_changes": 1}


def _future(stream: str, state: Any) -> str:
    far = "2999-01-01T00:00:00Z"
    if stream.startswith(("issues", "pulls")):
        return dump_cursor({"wm": {"at": far, "ids": []}})
    return dump_cursor({"done_to": far})


HARNESS = ContractHarness(
    name="github",
    new_state=gh.dataset,
    install=gh.install,
    connector=gh.connector,
    expected=gh.expected,
    add_same_instant=_add_same_instant,
    future_cursor=_future,
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_github_contract(check: Any, sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(HARNESS, sqlite_url, caplog)


@pytest.fixture
def synced(sqlite_url: str):
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        summary = sync_source(store, gh.connector(srv.url, "tok-1234"))
        assert summary.ok, summary.error
        yield store, srv, summary


def test_every_attempt_and_job_is_stored(synced) -> None:
    store, srv, _ = synced
    runs = {(r.id, r.attempt): r for r in store.pipeline_runs()}
    assert runs[("103", 1)].result == "failure" and runs[("103", 2)].result == "success"
    assert runs[("107", 1)].status == "running" and runs[("107", 1)].result is None
    # no completed_at on runs: the last job's completed_at (job 'deploy' started +5 min, took 2 min)
    assert runs[("101", 1)].finished_at == datetime(2026, 3, 1, 9, 7, tzinfo=UTC)
    assert runs[("101", 1)].pipeline == "bank/mobile/CI"
    jobs = [j for j in store.job_runs() if j.run == "103"]
    assert sorted((j.attempt, j.name, j.result) for j in jobs) == [
        (1, "build", "success"),
        (1, "deploy", "failure"),
        (2, "build", "success"),
        (2, "deploy", "success"),
    ]
    # filter=all was asked for, and the created window filter was used
    paths = [r.raw_path for r in srv.requests]
    assert any("/jobs?filter=all" in p for p in paths)
    assert any("created=2026-03-01T00%3A00%3A00Z..2026-03-31T23%3A59%3A59Z" in p for p in paths)


def test_deployments_statuses_and_compare(synced) -> None:
    store, _, _ = synced
    deps = {d.id: d for d in store.deployments()}
    assert (deps["1"].status, deps["2"].status, deps["3"].status, deps["4"].status) == (
        "success",
        "failure",
        "success",
        "running",
    )
    # finish = first success status: created +10 min (pending at +5, success at +10)
    assert deps["1"].finished_at == datetime(2026, 3, 3, 9, 10, tzinfo=UTC)
    links = sorted((dc.deployment_id, dc.sha) for dc in store.deployment_commits())
    assert links == [("1", "c2"), ("3", "c3"), ("3", "c4"), ("3", "c5")]
    assert {c.sha for c in store.commits()} == {"c3", "c4", "c5"}


def test_pull_requests(synced) -> None:
    store, _, _ = synced
    prs = {c.id: c for c in store.changes()}
    p1 = prs["1"]
    assert p1.first_commit_at == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # created 03-02 09:00 - 5 h
    assert p1.first_review_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # wu at +3 h; li's own review ignored
    assert p1.merged_at is not None and p1.merge_sha == "m1" and p1.branch == "feature/PAY-1"
    assert prs["4"].merged_at is None and prs["4"].merge_sha is None


def test_issues_status_changes_and_incidents(synced) -> None:
    store, _, _ = synced
    items = {w.key: w for w in store.work_items()}
    assert "bank/mobile#15" not in items  # the pull request in the issues listing
    assert items["bank/mobile#12"].status == "Closed"
    changes = [(c.from_status, c.to_status, c.at.hour) for c in store.status_changes() if c.key == "bank/mobile#12"]
    assert changes == [(None, "Open", 9), ("Open", "In Review", 10), ("In Review", "Open", 12), ("Open", "Closed", 14)]
    [inc] = store.incidents()
    assert inc.key == "bank/mobile#14" and inc.resolved_at == datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


def test_second_sync_is_conditional_and_cheap(sqlite_url: str) -> None:
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        first = sync_source(store, gh.connector(srv.url, "tok"))
        n = len(srv.requests)
        second = sync_source(store, gh.connector(srv.url, "tok"))
        assert second.records == 0 and second.transactions == 0
        later = srv.requests[n:]
        assert len(later) < first.requests / 3
        # runs pages, PR page 1 and deployment statuses were all answered 304 (no rate cost on GitHub)
        conditional = [r for r in later if "If-None-Match" in r.headers]
        assert conditional and all("/issues" not in r.path for r in conditional)


def test_rerun_in_rescan_window_is_picked_up(sqlite_url: str) -> None:
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        assert sync_source(store, gh.connector(srv.url, "tok")).ok
        run = state["runs"][0]
        state["attempts"][(run["id"], 1)] = dict(run)
        state["runs"][0] = {**run, "run_attempt": 2, "conclusion": "failure"}
        state["jobs"][run["id"]] = state["jobs"][run["id"]] + [
            {**j, "id": j["id"] + 5, "run_attempt": 2, "conclusion": "failure"} for j in state["jobs"][run["id"]]
        ]
        summary = sync_source(store, gh.connector(srv.url, "tok"))
        assert summary.ok
        runs = {(r.id, r.attempt): r.result for r in store.pipeline_runs() if r.id == "101"}
        assert runs == {("101", 1): "success", ("101", 2): "failure"}


def test_run_status_mapping_matches_devlake_where_semantics_agree() -> None:
    assert run_status("in_progress") == "running" and run_status("waiting") == "queued"
    assert run_status("COMPLETED") == "completed"  # DevLake's synthetic GraphQL-style rows
    assert run_result("completed", "timed_out") == "failure"
    assert run_result("completed", "startup_failure") == "failure"
    # DevLake maps cancelled to FAILURE; Flowdeck keeps it apart (INTERFACES.md has 'cancelled').
    assert run_result("completed", "cancelled") == "cancelled"
    assert run_result("completed", "brand_new_value") == "unknown"
    assert run_result("in_progress", None) is None
    r = map_run(
        "g",
        "o/r",
        {
            "id": 1,
            "name": "CI",
            "status": "completed",
            "conclusion": "success",
            "created_at": "2022-09-03T05:15:09Z",
            "updated_at": "2022-09-03T05:16:16Z",
        },
    )
    assert isinstance(r, PipelineRun) and r.finished_at == datetime(2022, 9, 3, 5, 16, 16, tzinfo=UTC)


def test_record_types_are_the_shared_ones() -> None:
    for t in (Change, Deployment, Incident, JobRun, StatusChange, WorkItem):
        assert t.__module__ == "data.records"


def test_persistent_502_mid_listing_keeps_the_committed_cursor(sqlite_url: str) -> None:
    from data.connectors.cursor import load_cursor

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        from tests.helpers.server import Reply

        def issues(req):  # page 2 of the issues listing is down
            if req.path.endswith("/issues") and req.arg("page") == "2":
                return Reply.text("bad gateway", status=502)
            return None

        base_issues = next(h for m, p, h in srv._routes if p.pattern.endswith("/issues"))
        srv.route("GET", "/repos/bank/mobile/issues", lambda r: issues(r) or base_issues(r))
        summary = sync_source(store, gh.connector(srv.url, "tok"), streams=["issues:bank/mobile"])
        assert not summary.ok
        assert "issues?" in summary.error and "HTTP 502 after 5 attempts" in summary.error
        wm = load_cursor(store.get_cursor("github", "issues:bank/mobile"))["wm"]
        # page 1 (3 items: issues 11, 12, 13) is stored and its cursor committed; nothing beyond
        assert {w.key for w in store.work_items()} == {"bank/mobile#11", "bank/mobile#12", "bank/mobile#13"}
        assert wm["at"].startswith("2026-03-04T15:00")


def test_duplicate_item_across_pages_is_stored_once(sqlite_url: str) -> None:
    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        from tests.helpers.server import Reply

        base_issues = next(h for m, p, h in srv._routes if p.pattern.endswith("/issues"))

        def shifted(req):  # page 2 repeats the last item of page 1 (an insert shifted the offsets)
            reply = base_issues(req)
            if req.arg("page") == "2":
                import json

                body = json.loads(reply.body)
                page1 = json.loads(
                    base_issues(
                        type(req)(req.method, req.path, {**req.query, "page": ["1"]}, {}, b"", req.raw_path)
                    ).body
                )
                return Reply.json([page1[-1], *body], headers={k: v for k, v in reply.headers.items() if k != "ETag"})
            return reply

        srv.route("GET", "/repos/bank/mobile/issues", shifted)
        assert sync_source(store, gh.connector(srv.url, "tok"), streams=["issues:bank/mobile"]).ok
        keys = [w.key for w in store.work_items()]
    assert len(keys) == len(set(keys)) == 5


def test_an_unfinished_run_is_refreshed_after_it_leaves_the_rescan_window(sqlite_url: str) -> None:
    from datetime import timedelta

    from data.connectors.cursor import load_cursor

    def sync(srv: FakeServer, store: Store, days: int) -> list[str]:
        n = len(srv.requests)
        conn = gh.connector(srv.url, "tok", now=gh.NOW + timedelta(days=days))
        assert sync_source(store, conn, streams=["runs:bank/mobile"]).ok
        return [r.path for r in srv.requests[n:]]

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        run = state["runs"][6]  # 107, created 2026-03-19 09:00, in progress
        assert run["status"] == "in_progress"
        sync(srv, store, 0)
        assert load_cursor(store.get_cursor("github", "runs:bank/mobile"))["open"] == {"107": "2026-03-19T09:00:00Z"}
        # Re-scans read whole months from the month of (last sync's day - 30 days): 20 and 35 days on
        # that is still March (from 03-01, then from 03-21), so 107 is read with its month's listing.
        assert "/repos/bank/mobile/actions/runs/107" not in sync(srv, store, 20)
        assert "/repos/bank/mobile/actions/runs/107" not in sync(srv, store, 35)
        # It finishes; 36 days on the re-scan starts in April (05-05 - 30 days): 107 is refreshed alone.
        state["runs"][6] = {**run, "status": "completed", "conclusion": "failure"}
        for job in state["jobs"][107]:
            job.update(status="completed", conclusion="failure", completed_at="2026-03-19T09:40:00Z")
        paths = sync(srv, store, 36)
        assert paths.count("/repos/bank/mobile/actions/runs/107") == 1
        assert all("created=2026-03" not in r.raw_path for r in srv.requests[-len(paths) :])
        [r107] = [r for r in store.pipeline_runs() if r.id == "107"]
        assert (r107.status, r107.result) == ("completed", "failure")
        assert r107.finished_at == datetime(2026, 3, 19, 9, 40, tzinfo=UTC)  # its jobs' last completed_at
        assert load_cursor(store.get_cursor("github", "runs:bank/mobile"))["open"] == {}
        # Completed: never asked for again.
        assert "/repos/bank/mobile/actions/runs/107" not in sync(srv, store, 37)


def test_an_unfinished_run_deleted_meanwhile_is_forgotten(sqlite_url: str) -> None:
    from datetime import timedelta

    from data.connectors.cursor import load_cursor

    with FakeServer() as srv, Store.open(sqlite_url) as store:
        state = gh.dataset()
        gh.install(srv, state)
        for days in (0, 35):
            conn = gh.connector(srv.url, "tok", now=gh.NOW + timedelta(days=days))
            assert sync_source(store, conn, streams=["runs:bank/mobile"]).ok
        assert "107" in load_cursor(store.get_cursor("github", "runs:bank/mobile"))["open"]
        del state["runs"][6]
        later = gh.connector(srv.url, "tok", now=gh.NOW + timedelta(days=36))
        summary = sync_source(store, later, streams=["runs:bank/mobile"])
        assert summary.ok, summary.error
        assert load_cursor(store.get_cursor("github", "runs:bank/mobile"))["open"] == {}
        assert srv.requests[-1].path == "/repos/bank/mobile/actions/runs/107"
