"""A first GitHub/GitLab sync reads 180 days back unless ``lookback_days`` says otherwise (issue #12:
90 days was too little to show a before/after). The window is checked in the requests sent."""

from __future__ import annotations

from datetime import UTC, datetime

from data.config.model import DEFAULT_LOOKBACK_DAYS
from tests.helpers import github_fake as gh
from tests.helpers import gitlab_fake as gl
from tests.helpers.server import FakeServer, Reply

# Both fakes pin "now" at 2026-03-31T12:00Z; 180 days earlier is 2025-10-02T12:00Z
# (30 days of March back to Mar 1, 28 of February, 31 of January and of December, 30 of November = 150
# to Nov 1, 30 more to Oct 2).
assert gh.NOW == gl.NOW == datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_the_default_is_180_days() -> None:
    assert DEFAULT_LOOKBACK_DAYS == 180


def test_gitlab_first_sync_asks_for_180_days() -> None:
    with FakeServer() as srv:
        srv.route("GET", ".*", Reply.json([]))
        conn = gl.connector(srv.url, None)
        list(conn.read(f"pipelines:{gl.PROJECT}", None))
        assert srv.requests[0].arg("updated_after") == "2025-10-02T12:00:00Z"
        conn = gl.connector(srv.url, None, lookback_days=30)
        srv.requests.clear()
        list(conn.read(f"pipelines:{gl.PROJECT}", None))
        assert srv.requests[0].arg("updated_after") == "2026-03-01T12:00:00Z"


def test_github_first_sync_lists_runs_from_the_month_180_days_back() -> None:
    with FakeServer() as srv:
        srv.route("GET", ".*", Reply.json({"total_count": 0, "workflow_runs": []}))
        conn = gh.connector(srv.url, None)
        list(conn.read(f"runs:{gh.REPO}", None))
        windows = [r.arg("created") for r in srv.requests if r.path.endswith("/actions/runs")]
        # Calendar-month windows from October 2025 (the month of 2025-10-02) to March 2026.
        assert windows[0] == "2025-10-01T00:00:00Z..2025-10-31T23:59:59Z"
        assert len(windows) == 6
