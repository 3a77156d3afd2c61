"""The connector contract (CONNECTORS.md §5.2) for Jenkins, over a fake Jenkins with two jobs in a folder."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from data.config import SourceConfig
from data.connectors.http import FakeClock
from data.connectors.jenkins import JenkinsConnector
from tests.connectors.contract import CONTRACT_CHECKS, SENTINEL, ContractHarness, check_no_secret_anywhere
from tests.connectors.onprem_fakes import FakeJenkins, synthetic_builds


def _state() -> FakeJenkins:
    # 120 + 30 builds at 50 per range: pages of 50, 50, 20 and 30, plus one cursor page per job.
    return FakeJenkins(jobs={"team/app": synthetic_builds(120), "team/lib": synthetic_builds(30)},
                       user="svc", token=SENTINEL)


def _connector(url: str, token: str | None, state: FakeJenkins) -> JenkinsConnector:
    src = SourceConfig(name="jenkins", kind="jenkins", url=url, options={"user": "svc", "page_size": 50})
    return JenkinsConnector(src, token, clock=FakeClock())


USER = "svc"


def basic_auth_no_secret(h: ContractHarness, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """``check_no_secret_anywhere`` for Basic auth: the token travels base64-encoded inside ``user:token``,
    so the contract's last assertion (the raw sentinel in a header) cannot hold; check the encoded form
    reached the server and that neither form leaks anywhere."""
    import base64

    from data.store import Store
    from data.sync import sync_source
    from tests.connectors.contract import _dump, _echo_401, served

    caplog.set_level(logging.DEBUG)
    with served(h) as (srv, state), Store.open(db_url) as store:
        srv.route("GET", ".*", _echo_401)
        conn = h.connector(srv.url, SENTINEL, state)
        failed = sync_source(store, conn)
        conn.close()
        assert not failed.ok
        encoded = base64.b64encode(f"{USER}:{SENTINEL}".encode()).decode()
        texts = [failed.error or "", *(r.getMessage() for r in caplog.records), *_dump(store),
                 *(req.raw_path for req in srv.requests)]
        assert not [t for t in texts if SENTINEL in t or encoded in t]
        assert srv.requests[0].headers["Authorization"] == f"Basic {encoded}"


HARNESS = ContractHarness(
    name="jenkins",
    new_state=_state,
    install=lambda srv, state: state.install(srv),
    connector=_connector,
    expected=lambda state: {"pipeline_runs": sum(len(b) for b in state.jobs.values())},
    add_same_instant=None,  # the cursor is build numbers, not instants
    future_cursor=None,
)


@pytest.mark.parametrize("check", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_jenkins_contract(check: Any, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    if check is check_no_secret_anywhere:
        check = basic_auth_no_secret  # Jenkins is Basic auth: see basic_auth_no_secret
    check(HARNESS, store_url, caplog)
