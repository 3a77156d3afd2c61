"""The connector contract (CONNECTORS.md §5.2) for CCTray: one page per poll, so crash/resume reads the
feed over three polls with builds finishing and starting in between (two page boundaries to die at)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock
from tests.helpers.contract import CONTRACT_CHECKS, ContractHarness
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import FakeServer, Reply

POLL_S = 600  # the polls of a read are ten minutes apart
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()


def _state() -> dict[str, Any]:
    projects = [
        {
            "name": f"svc-{i}",
            "activity": "Building" if i % 4 == 0 else "Sleeping",
            "lastBuildStatus": "Failure" if i % 3 == 0 else "Success",
            "lastBuildLabel": str(100 + i),
            "lastBuildTime": f"2026-03-01T10:{i:02d}:00Z",
        }
        for i in range(12)
    ]
    return {"projects": projects, "poll": 0, "connectors": 0}


def _advance(state: dict[str, Any]) -> None:
    """Between two polls: every building project finishes the build it was on (label + 1, an hour
    later; every third one fails), and every fifth sleeping one starts building."""
    state["poll"] += 1
    state["connectors"] = 0
    for i, p in enumerate(state["projects"]):
        if p["activity"] == "Building":
            label = int(p["lastBuildLabel"]) + 1
            p["lastBuildLabel"] = str(label)
            p["lastBuildStatus"] = "Failure" if label % 3 == 0 else "Success"
            p["lastBuildTime"] = f"2026-03-01T{10 + label - 100 - i}:{i:02d}:30Z"
            p["activity"] = "Sleeping"
        elif i % 5 == 1:
            p["activity"] = "Building"


def _install(srv: FakeServer, state: dict[str, Any]) -> None:
    srv.route("GET", "/cc.xml", lambda r: Reply.text(cctray_feed(state["projects"]), content_type="application/xml"))


def _connector(url: str, token: str | None, state: dict[str, Any]) -> CCTrayConnector:
    # A connector's clock is its poll's instant, one second later for each connector built in that
    # poll: a sync restarted after a crash runs later than the one that died, as it would for real.
    state["connectors"] += 1
    clock = FakeClock(start=START + POLL_S * state["poll"] + state["connectors"])
    src = SourceConfig(name="feed", kind="cctray", url=f"{url}/cc.xml")
    return CCTrayConnector(src, token, clock=clock)


def _expected(state: dict[str, Any]) -> dict[str, int]:
    # one finished run per project + one running run per Building project
    projects = state["projects"]
    return {"pipeline_runs": len(projects) + sum(p["activity"] == "Building" for p in projects)}


HARNESS = ContractHarness(
    name="cctray",
    new_state=_state,
    install=_install,
    connector=_connector,
    expected=_expected,
    min_pages=1,
    polls=3,
    advance=_advance,
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_cctray_contract(check: Any, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(HARNESS, store_url, caplog)
