"""A CCTray feed a test changes between polls, and a LivePoller on a fake clock (wall, main window)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.controllers.live import LivePoller
from data.config.model import Config, SourceConfig
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock, RetryPolicy
from data.store.store import Store
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import Reply

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class Feed:
    """One project's CCTray feed, changed by the test between polls; 304 to a matching ETag."""

    def __init__(self, name: str) -> None:
        self.project = {
            "name": name,
            "activity": "Sleeping",
            "lastBuildStatus": "Success",
            "lastBuildLabel": "41",
            "lastBuildTime": "2026-03-02T09:00:00Z",
        }

    def set(self, **kw: str) -> None:
        self.project.update(kw)

    def reply(self, req: Any) -> Reply:
        body = cctray_feed([self.project])
        etag = f'"{abs(hash(body))}"'
        if req.headers.get("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply.text(body, content_type="application/xml", headers={"ETag": etag})


def source(name: str, url: str) -> SourceConfig:
    """A CCTray source polled every half second at ``url``/cctray.xml."""
    return SourceConfig(name=name, kind="cctray", url=f"{url}/cctray.xml", interval_s=0.5, timeout_s=1.0)


def poller_for(config: Config, db: str, clock: FakeClock) -> LivePoller:
    """A LivePoller on ``db`` whose CCTray connectors and "now" follow the fake ``clock``."""

    def factory(src: SourceConfig, token: str | None) -> CCTrayConnector:
        return CCTrayConnector(src, token, clock=clock, policy=RetryPolicy(max_attempts=1))

    return LivePoller(
        config,
        lambda: Store.open(db),
        connector_factory=factory,
        token_for=lambda _n: None,
        now=lambda: datetime.fromtimestamp(clock.now, UTC),
        tick_ms=50,
    )
