"""The connector contract (CONNECTORS.md §5.2) for Jira Cloud and Data Center over a fake Jira."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.http.limits import FakeClock
from data.connectors.jira.connector import JiraConnector
from tests.helpers.contract import CONTRACT_CHECKS, ContractHarness
from tests.helpers.onprem_fakes import FakeJira, issue, status_history

T0 = datetime(2026, 3, 1, tzinfo=UTC)
STATUSES = [
    {"id": "1", "name": "To Do", "statusCategory": {"key": "new"}},
    {"id": "3", "name": "In Progress", "statusCategory": {"key": "indeterminate"}},
]


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds")


def _issue(i: int, updated: datetime) -> dict[str, Any]:
    h = [status_history(100 + i, _iso(T0 + timedelta(minutes=i)), ("1", "To Do"), ("3", "In Progress"))]
    return issue(f"PAY-{i}", created=_iso(T0), updated=_iso(updated), status=("3", "In Progress"), histories=h)


def _state(cloud: bool) -> FakeJira:
    # 25 issues, two of them updated at the same instant, 10 per page: 3 pages.
    issues = [_issue(i, T0 + timedelta(hours=i // 2)) for i in range(25)]
    return FakeJira(issues=issues, statuses=STATUSES, cloud=cloud, page_size=10)


def _add_same_instant(state: FakeJira) -> dict[str, int]:
    newest = max(datetime.fromisoformat(i["fields"]["updated"]) for i in state.issues)
    state.issues.append(_issue(99, newest))
    return {"work_items": 1, "status_changes": 2}


USER = "li@example.com"


def _harness(cloud: bool) -> ContractHarness:
    def connector(url: str, token: str | None, state: FakeJira) -> JiraConnector:
        opts: dict[str, Any] = {"page_size": 10, "user": "li@example.com"} if cloud else {"page_size": 10}
        return JiraConnector(SourceConfig(name="jira", kind="jira", url=url, options=opts), token, clock=FakeClock())

    return ContractHarness(
        name="jira-cloud" if cloud else "jira-dc",
        new_state=lambda: _state(cloud),
        install=lambda srv, state: state.install(srv),
        connector=connector,
        # each issue: its first status at created + one transition
        expected=lambda state: {"work_items": len(state.issues), "status_changes": 2 * len(state.issues)},
        add_same_instant=_add_same_instant,
        future_cursor=lambda stream, state: '{"recent": {}, "updated_ms": 32503680000000}',
        basic_user=USER if cloud else None,  # Cloud is Basic email:token; DC is Bearer
    )


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_jira_contract(check: Any, cloud: bool, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(_harness(cloud), store_url, caplog)
