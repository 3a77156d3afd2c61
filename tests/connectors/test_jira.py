"""Jira connector (Cloud and Data Center) against a fake Jira on 127.0.0.1, replaying DevLake's recorded issues."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.config.model import ConfigError, SourceConfig
from data.connectors.base import ConnectorError
from data.connectors.http.limits import FakeClock
from data.connectors.jira.connector import JiraConnector
from data.records import Incident, StatusChange, WorkItem
from tests.helpers.onprem_fakes import JIRA, FakeJira, csv_rows, issue, jira_issues, jira_statuses, status_history
from tests.helpers.server import FakeServer, Reply

TOKEN = "SENTINEL-jira-abc123"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


def connector(url: str, *, cloud: bool = True, clock: FakeClock | None = None, **options: Any) -> JiraConnector:
    opts = {"user": "li@example.com"} if cloud else {}
    opts.update(options)
    src = SourceConfig(name="jira", kind="jira", url=url, options=opts)
    return JiraConnector(src, TOKEN, clock=clock or FakeClock())


def read_all(conn: JiraConnector, cursor: str | None = None) -> tuple[list[Any], str | None]:
    records: list[Any] = []
    for page in conn.read("issues", cursor):
        records.extend(page.records)
        cursor = page.cursor or cursor
    return records, cursor


# --- DevLake's recorded issues -------------------------------------------------------------------


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_recorded_issues_match_devlake(server: FakeServer, fixtures_dir: Path, cloud: bool) -> None:
    fake = FakeJira(issues=jira_issues(fixtures_dir), statuses=jira_statuses(fixtures_dir), cloud=cloud, page_size=10)
    fake.install(server)
    records, cursor = read_all(connector(server.url, cloud=cloud, incident_types=["缺陷"]))
    items = {r.key: r for r in records if isinstance(r, WorkItem)}
    assert len(items) == 33
    ee1 = items["EE-1"]
    assert (ee1.type, ee1.labels, ee1.status) == ("故事", ("frontEnd", "Saas"), "已完成")
    assert ee1.created_at == datetime(2020, 6, 12, 0, 13, 13, 360000, UTC)  # +0800 in the payload
    assert ee1.url == f"{server.url}/browse/EE-1"
    # Every status item DevLake extracted, with the same ids at the same instants.
    snap = fixtures_dir / JIRA / "snapshot_tables"
    logs = {r["changelog_id"]: r for r in csv_rows(snap / "_tool_jira_issue_changelogs.csv")}
    key_of = {i["id"]: i["key"] for i in fake.issues}
    want = sorted(
        (
            key_of[logs[r["changelog_id"]]["issue_id"]],
            datetime.fromisoformat(logs[r["changelog_id"]]["created"]),
            r["from_value"],
            r["to_value"],
        )
        for r in csv_rows(snap / "_tool_jira_issue_changelog_items.csv")
        if r["field"] == "status"
    )
    ours = sorted((c.key, c.at, c.from_id, c.to_id) for c in records if isinstance(c, StatusChange) and c.from_id)
    assert len(want) == 165
    assert ours == want
    # Localised statuses keep their category through the id: 开发中 (10074) is in progress.
    cats = {(c.to_id, c.to_category) for c in records if isinstance(c, StatusChange)}
    assert ("10068", "done") in cats and ("3", "indeterminate") in cats
    assert [i.key for i in records if isinstance(i, Incident)] == ["EE-23"]  # the only 缺陷 (bug)
    assert json.loads(cursor or "{}")["updated_ms"] > 0


def test_status_history_matches_issue_trace(server: FakeServer, fixtures_dir: Path) -> None:
    """DevLake issue_trace's status history: the first status at ``created``, then one row per transition."""
    fake = FakeJira(issues=jira_issues(fixtures_dir), statuses=jira_statuses(fixtures_dir))
    fake.install(server)
    records, _ = read_all(connector(server.url))
    by_id = {i["id"]: i["key"] for i in fake.issues}
    ours: dict[str, list[datetime]] = defaultdict(list)
    for c in records:
        if isinstance(c, StatusChange):
            ours[c.key].append(c.at)
    expected: dict[str, list[datetime]] = defaultdict(list)
    first: dict[str, datetime] = {}
    trace = fixtures_dir / "devlake/backend/plugins/issue_trace/e2e/snapshot_tables/issue_status_history.csv"
    for row in csv_rows(trace):
        key = by_id.get(row["issue_id"].rsplit(":", 1)[1])
        if key is None:  # two rows belong to issues not in the recorded Jira payloads
            continue
        at = datetime.fromisoformat(row["start_date"])
        expected[key].append(at)
        if row["is_first_status"] == "1":
            first[key] = at
    assert len(expected) == 30
    for key, instants in expected.items():
        assert sorted(ours[key]) == sorted(instants), key
        first_change = min((c for c in records if isinstance(c, StatusChange) and c.key == key), key=lambda c: c.at)
        assert first_change.at == first[key] and first_change.from_status is None


# --- changelog completion, paging, faults ----------------------------------------------------------


def long_history(n: int) -> list[dict[str, Any]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    states = [("10001", "Ready"), ("10002", "Doing")]
    for i in range(n):
        frm, to = states[i % 2], states[(i + 1) % 2]
        out.append(status_history(1000 + i, (start + timedelta(hours=i)).isoformat(timespec="milliseconds"), frm, to))
    return out


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_changelog_250_embedded_as_100_is_completed(server: FakeServer, cloud: bool) -> None:
    full = long_history(250)
    big = issue(
        "PAY-1",
        created="2025-12-31T23:00:00.000+0000",
        updated="2026-02-01T00:00:00.000+0000",
        status=("10001", "Ready"),
        histories=full,
    )
    fake = FakeJira(
        issues=[big],
        cloud=cloud,
        embed_limit=100,
        changelogs={"PAY-1": full},
        statuses=[
            {"id": "10001", "name": "Ready", "statusCategory": {"key": "new"}},
            {"id": "10002", "name": "Doing", "statusCategory": {"key": "indeterminate"}},
        ],
    )
    fake.install(server)
    records, _ = read_all(connector(server.url, cloud=cloud))
    changes = sorted((c for c in records if isinstance(c, StatusChange)), key=lambda c: c.at)
    assert len(changes) == 251  # 250 transitions + the first status at created
    assert changes[0].at == datetime(2025, 12, 31, 23, tzinfo=UTC) and changes[0].to_status == "Ready"
    assert changes[1].at == datetime(2026, 1, 1, tzinfo=UTC)  # the OLDEST transition is there
    assert (changes[1].from_status, changes[1].to_status, changes[1].to_category) == ("Ready", "Doing", "indeterminate")
    assert sum(1 for q in server.requests if q.path.endswith("/changelog")) == 3  # 100 + 100 + 50


def test_next_page_token_loop_is_detected(server: FakeServer) -> None:
    issues = [
        issue(f"PAY-{i}", created="2026-01-01T00:00:00.000+0000", updated=f"2026-01-0{1 + i % 8}T00:00:00.000+0000")
        for i in range(6)
    ]
    fake = FakeJira(issues=issues, page_size=2, token_loop=True)
    fake.install(server)
    with pytest.raises(ConnectorError, match="loop"):
        read_all(connector(server.url))
    assert len(server.requests) < 10


def test_429_retry_after_is_waited_and_retried(server: FakeServer) -> None:
    fake = FakeJira(
        issues=[issue("PAY-1", created="2026-01-01T00:00:00.000+0000", updated="2026-01-02T00:00:00.000+0000")]
    )
    fake.install(server)
    server.fault_once(
        "GET",
        "/rest/api/3/search/jql",
        Reply.json({"errorMessages": ["Rate limit exceeded."]}, status=429, headers={"Retry-After": "7"}),
    )
    clock = FakeClock()
    records, _ = read_all(connector(server.url, clock=clock))
    assert [r.key for r in records if isinstance(r, WorkItem)] == ["PAY-1"]
    assert clock.sleeps == [7.0]
    assert sum(1 for q in server.requests if q.path == "/rest/api/3/search/jql") == 2


def test_user_in_utc_minus_5_loses_no_issue_at_the_cursor(server: FakeServer) -> None:
    """Jira writes times in the user's zone; the cursor is epoch ms, so the JQL bound is zone-free."""
    a = issue("PAY-1", created="2026-03-01T08:00:00.000-0500", updated="2026-03-01T09:00:00.000-0500")
    fake = FakeJira(issues=[a])
    fake.install(server)
    conn = connector(server.url, overlap_s=0)
    _, cursor = read_all(conn)
    assert json.loads(cursor or "{}")["updated_ms"] == int(datetime(2026, 3, 1, 14, tzinfo=UTC).timestamp() * 1000)
    # Another issue updated at the very same instant, and one a minute later, both written in UTC-5.
    fake.issues.append(issue("PAY-2", created="2026-03-01T08:30:00.000-0500", updated="2026-03-01T09:00:00.000-0500"))
    fake.issues.append(issue("PAY-3", created="2026-03-01T08:30:00.000-0500", updated="2026-03-01T09:01:00.000-0500"))
    records, cursor2 = read_all(conn, cursor)
    assert sorted(r.key for r in records if isinstance(r, WorkItem)) == ["PAY-2", "PAY-3"]  # PAY-1 not rewritten
    assert fake.jqls[-1].startswith(f"updated >= {1772373600000} ")  # epoch ms, not a local date string
    records, _ = read_all(conn, cursor2)
    assert records == []


def test_datacenter_advances_by_what_came_back_and_uses_bearer(server: FakeServer) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    issues = [
        issue(
            f"OPS-{i}",
            created="2026-01-01T00:00:00.000+0800",
            updated=(t0 + timedelta(minutes=i)).isoformat(timespec="milliseconds"),
        )
        for i in range(23)
    ]
    fake = FakeJira(issues=issues, cloud=False, page_size=7)  # the server clamps maxResults=100 to 7
    fake.install(server)
    records, _ = read_all(connector(server.url, cloud=False, projects=["OPS"]))
    assert len([r for r in records if isinstance(r, WorkItem)]) == 23
    starts = [q.arg("startAt") for q in server.requests if q.path == "/rest/api/2/search"]
    assert starts == ["0", "7", "14", "21"]
    assert all(q.headers["Authorization"] == f"Bearer {TOKEN}" for q in server.requests)
    assert 'project in ("OPS")' in fake.jqls[0]


def test_old_search_410_gives_a_clear_message(server: FakeServer) -> None:
    FakeJira(cloud=True).install(server)  # a Cloud site...
    conn = connector(server.url, cloud=False)  # ...configured without user: the DC search path
    with pytest.raises(ConnectorError) as err:
        read_all(conn)
    text = str(err.value)
    assert "410" in text and "/rest/api/3/search/jql" in text and "user" in text
    assert TOKEN not in text


def test_incident_by_label_with_resolution(server: FakeServer) -> None:
    inc = issue(
        "INC-3",
        created="2026-02-01T10:00:00.000+0000",
        updated="2026-02-01T12:00:00.000+0000",
        labels=["prod-incident"],
        issuetype="Task",
        resolutiondate="2026-02-01T11:30:00.000+0000",
    )
    FakeJira(issues=[inc]).install(server)
    records, _ = read_all(connector(server.url, incident_labels=["Prod-Incident"], incident_repo="bank/mobile"))
    [i] = [r for r in records if isinstance(r, Incident)]
    assert (i.repo, i.resolved_at) == ("bank/mobile", datetime(2026, 2, 1, 11, 30, tzinfo=UTC))
    assert i.resolved_at - i.created_at == timedelta(minutes=90)


def test_cloud_needs_a_user_and_jql_without_order_by() -> None:
    with pytest.raises(ConfigError, match="user"):
        JiraConnector(SourceConfig("j", "jira", "http://127.0.0.1:9", options={"flavor": "cloud"}), None)
    with pytest.raises(ConfigError, match="jql"):
        JiraConnector(
            SourceConfig("j", "jira", "http://127.0.0.1:9", options={"jql": "project = X ORDER BY key"}), None
        )
