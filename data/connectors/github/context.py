"""What every GitHub stream reader shares: instant helpers and :class:`GitHubBase`.

:class:`GitHubBase` declares the attributes :class:`~data.connectors.github.connector.GitHubConnector` sets up
and holds the page and cursor helpers the runs, deployments and tickets readers
(:mod:`data.connectors.github.runs`, :mod:`data.connectors.github.deployments`,
:mod:`data.connectors.github.tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from data.connectors.http.response import HttpResponse
from data.connectors.paged import PagedReader, instant, iso_z
from data.connectors.payload import endpoint, object_body, objects

__all__ = ["GitHubBase"]


# The readers import these under their short historical names.
_iso = iso_z


def _t(value: Any) -> datetime | None:
    """An API instant (see :func:`~data.connectors.paged.instant`); ValueError also for one out of range.

    ``0001-01-01T00:00:00+08:00`` parses but is no UTC instant (OverflowError); the mappers' net
    (:func:`~data.connectors.payload.item_errors`) turns the ValueError into a message naming the item.
    """
    try:
        return instant(value)
    except OverflowError:
        raise ValueError(f"instant out of range: {value!r}") from None


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

    def _items(self, resp: HttpResponse, key: str | None = None) -> list[Mapping[str, Any]]:
        """The objects an answer lists (``key``: inside an object), or a ConnectorError saying what came."""
        return objects(resp.json(), source=self.source, system="GitHub", resp=resp, key=key)

    def _object(
        self, resp: HttpResponse, key: str | None = None, holds: type | tuple[type, ...] = list
    ) -> Mapping[str, Any]:
        """The object an answer is (holding ``key`` of type ``holds``), or a ConnectorError saying what came."""
        return object_body(resp.json(), source=self.source, system="GitHub", resp=resp, key=key, holds=holds)

    def _where(self, resp: HttpResponse | str) -> str:
        """``source: GitHub /path``: where an item came from, for messages."""
        return f"{self.source}: GitHub {endpoint(resp)}"

    def _day(self, value: datetime) -> datetime:
        return value.replace(hour=0, minute=0, second=0, microsecond=0)

    def _start(self, cur: dict[str, Any]) -> datetime:
        done_to = _t(cur.get("done_to"))
        return self._day(done_to - self.rescan if done_to else self.now() - self.lookback)
