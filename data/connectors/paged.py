"""What the GitHub and GitLab readers share: ISO instants and pages that account their cost.

:class:`PagedReader` turns records and a cursor into a :class:`~data.connectors.base.Page` carrying
the requests and waits spent since the previous page, for the sync summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from data.connectors.base import Page
from data.connectors.cursor import dump_cursor
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import HttpStats
from data.records import Record
from data.timeutil import parse_instant

__all__ = ["PagedReader", "instant", "iso_z"]


def instant(value: Any) -> datetime | None:
    """An API's ISO 8601 text as an aware UTC datetime; None for a missing or empty value."""
    return parse_instant(value) if isinstance(value, str) and value else None


def iso_z(value: datetime) -> str:
    """A UTC instant as the APIs' query form, ``2026-03-01T09:00:00Z``."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class PagedReader:
    """A reader with an HTTP client whose pages report what they cost."""

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
