"""What every GitHub stream reader shares: instant helpers and :class:`GitHubBase`.

:class:`GitHubBase` declares the attributes :class:`~data.connectors.github.connector.GitHubConnector` sets up
and holds the page and cursor helpers the runs, deployments and tickets readers
(:mod:`data.connectors.github.runs`, :mod:`data.connectors.github.deployments`,
:mod:`data.connectors.github.tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from data.connectors.paged import PagedReader, instant, iso_z

__all__ = ["GitHubBase"]


# The readers import these under their short historical names.
_t = instant
_iso = iso_z


class GitHubBase(PagedReader):
    """The connector's state as the stream readers use it, and their shared helpers."""

    source: str
    status_labels: dict[str, str]
    incident_labels: set[str]
    lookback: timedelta
    rescan: timedelta
    per_page: int
    production: re.Pattern[str]
    now: Callable[[], datetime]

    def _day(self, value: datetime) -> datetime:
        return value.replace(hour=0, minute=0, second=0, microsecond=0)

    def _start(self, cur: dict[str, Any]) -> datetime:
        done_to = _t(cur.get("done_to"))
        return self._day(done_to - self.rescan if done_to else self.now() - self.lookback)
