"""What every GitLab stream reader shares: instant helpers and :class:`GitLabBase`.

:class:`GitLabBase` declares the attributes :class:`~data.connectors.gitlab.GitLabConnector` sets up
and holds the page and path helpers the pipelines, deployments and tickets readers
(:mod:`data.connectors.gitlab_runs`, :mod:`data.connectors.gitlab_deploys`,
:mod:`data.connectors.gitlab_tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from data.connectors.base import Page
from data.connectors.http import HttpClient, HttpStats, quote_path
from data.records import Record
from data.sync import dump_cursor
from data.timeutil import parse_instant

__all__ = ["GitLabBase"]


def _t(value: Any) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class GitLabBase:
    """The connector's state as the stream readers use it, and their shared helpers."""

    source: str
    status_labels: dict[str, str]
    status_scope: str
    incident_labels: set[str]
    lookback: timedelta
    per_page: int
    production: re.Pattern[str]
    production_tiers: set[str]
    keyset: bool
    now: Callable[[], datetime]
    client: HttpClient
    _mark: HttpStats

    def _page(self, records: Sequence[Record], cursor: dict[str, Any] | None, *notes: str) -> Page:
        s = self.client.stats
        page = Page(
            list(records),
            dump_cursor(cursor) if cursor is not None else None,
            s.requests - self._mark.requests,
            s.wait_s - self._mark.wait_s,
            tuple(notes),
        )
        self._mark = s.snapshot()
        return page

    def _p(self, project: str) -> str:
        return f"/projects/{quote_path(project)}"
