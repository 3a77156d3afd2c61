"""What every GitHub stream reader shares: instant helpers and :class:`GitHubBase`.

:class:`GitHubBase` declares the attributes :class:`~data.connectors.github.GitHubConnector` sets up
and holds the page and cursor helpers the runs, deployments and tickets readers
(:mod:`data.connectors.github_runs`, :mod:`data.connectors.github_deploys`,
:mod:`data.connectors.github_tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.connectors.base import Page
from data.connectors.http import HttpClient, HttpStats
from data.records import Record
from data.sync import dump_cursor
from data.timeutil import parse_instant

__all__ = ["GitHubBase"]


def _t(value: Any) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubBase:
    """The connector's state as the stream readers use it, and their shared helpers."""

    source: str
    status_labels: dict[str, str]
    incident_labels: set[str]
    lookback: timedelta
    rescan: timedelta
    per_page: int
    production: re.Pattern[str]
    now: Callable[[], datetime]
    client: HttpClient
    _mark: HttpStats

    def _page(self, records: Sequence[Record], cursor: dict[str, Any] | None, *notes: str) -> Page:
        s = self.client.stats
        page = Page(
            records=list(records),
            cursor=dump_cursor(cursor) if cursor is not None else None,
            requests=s.requests - self._mark.requests,
            waits_s=s.wait_s - self._mark.wait_s,
            notes=tuple(notes),
        )
        self._mark = s.snapshot()
        return page

    def _day(self, value: datetime) -> datetime:
        return value.replace(hour=0, minute=0, second=0, microsecond=0)

    def _start(self, cur: dict[str, Any]) -> datetime:
        done_to = _t(cur.get("done_to"))
        return self._day(done_to - self.rescan if done_to else self.now() - self.lookback)
