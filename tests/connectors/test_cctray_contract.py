"""The connector contract (CONNECTORS.md §5.2) for CCTray: one page per poll, so paging checks are trivial."""

from __future__ import annotations

from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock
from tests.helpers.contract import CONTRACT_CHECKS, ContractHarness
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import FakeServer, Reply


def _state() -> list[dict[str, str]]:
    return [
        {
            "name": f"svc-{i}",
            "activity": "Building" if i % 4 == 0 else "Sleeping",
            "lastBuildStatus": "Failure" if i % 3 == 0 else "Success",
            "lastBuildLabel": str(100 + i),
            "lastBuildTime": f"2026-03-01T10:{i:02d}:00Z",
        }
        for i in range(12)
    ]


def _install(srv: FakeServer, state: list[dict[str, str]]) -> None:
    srv.route("GET", "/cc.xml", lambda r: Reply.text(cctray_feed(state), content_type="application/xml"))


def _connector(url: str, token: str | None, state: Any) -> CCTrayConnector:
    src = SourceConfig(name="feed", kind="cctray", url=f"{url}/cc.xml")
    return CCTrayConnector(src, token, clock=FakeClock())


HARNESS = ContractHarness(
    name="cctray",
    new_state=_state,
    install=_install,
    connector=_connector,
    # one finished run per project + one running run per Building project
    expected=lambda state: {"pipeline_runs": len(state) + sum(p["activity"] == "Building" for p in state)},
    min_pages=1,
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_cctray_contract(check: Any, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(HARNESS, store_url, caplog)
