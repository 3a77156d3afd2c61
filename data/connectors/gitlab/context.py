"""What every GitLab stream reader shares: instant helpers and :class:`GitLabBase`.

:class:`GitLabBase` declares the attributes :class:`~data.connectors.gitlab.connector.GitLabConnector` sets up
and holds the page and path helpers the pipelines, deployments and tickets readers
(:mod:`data.connectors.gitlab.pipelines`, :mod:`data.connectors.gitlab.deployments`,
:mod:`data.connectors.gitlab.tickets`) build on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from data.connectors.http.response import HttpResponse, quote_path
from data.connectors.paged import PagedReader, instant, iso_z
from data.connectors.payload import endpoint, object_body, objects

__all__ = ["GitLabBase"]


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


class GitLabBase(PagedReader):
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

    def _p(self, project: str) -> str:
        return f"/projects/{quote_path(project)}"

    def _items(self, resp: HttpResponse) -> list[Mapping[str, Any]]:
        """The objects an answer lists, or a ConnectorError saying what came instead."""
        return objects(resp.json(), source=self.source, system="GitLab", resp=resp)

    def _object(
        self, resp: HttpResponse, key: str | None = None, holds: type | tuple[type, ...] = list
    ) -> Mapping[str, Any]:
        """The object an answer is (holding ``key`` of type ``holds``), or a ConnectorError saying what came."""
        return object_body(resp.json(), source=self.source, system="GitLab", resp=resp, key=key, holds=holds)

    def _where(self, resp: HttpResponse | str) -> str:
        """``source: GitLab /path``: where an item came from, for messages."""
        return f"{self.source}: GitLab {endpoint(resp)}"
