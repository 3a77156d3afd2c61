"""The connector contract (CONNECTORS.md §5.2) for Jenkins, over a fake Jenkins with two jobs in a folder."""

from __future__ import annotations

from typing import Any

import pytest

from data.config.model import SourceConfig
from data.connectors.http.limits import FakeClock
from data.connectors.jenkins.connector import JenkinsConnector
from tests.helpers.contract import CONTRACT_CHECKS, SENTINEL, ContractHarness
from tests.helpers.onprem_fakes import FakeJenkins, synthetic_builds


def _state() -> FakeJenkins:
    # 120 + 30 builds at 50 per range: pages of 50, 50, 20 and 30, plus one cursor page per job.
    return FakeJenkins(
        jobs={"team/app": synthetic_builds(120), "team/lib": synthetic_builds(30)}, user="svc", token=SENTINEL
    )


def _connector(url: str, token: str | None, state: FakeJenkins) -> JenkinsConnector:
    src = SourceConfig(name="jenkins", kind="jenkins", url=url, options={"user": "svc", "page_size": 50})
    return JenkinsConnector(src, token, clock=FakeClock())


USER = "svc"


HARNESS = ContractHarness(
    name="jenkins",
    new_state=_state,
    install=lambda srv, state: state.install(srv),
    connector=_connector,
    expected=lambda state: {"pipeline_runs": sum(len(b) for b in state.jobs.values())},
    add_same_instant=None,  # the cursor is build numbers, not instants
    future_cursor=None,
    basic_user=USER,  # Basic auth: the secret check also looks for base64("svc:token")
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_jenkins_contract(check: Any, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    check(HARNESS, store_url, caplog)
