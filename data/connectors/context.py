"""What the GitHub and GitLab connectors share: :class:`ReaderContext`, their options, API instants and
``kind:scope`` stream names.

A connector builds one context and hands it to each of its stream readers (runs, deployments,
tickets ...): the HTTP client, the options every such source has (:class:`StreamOptions`) and the
clock, with the helpers the readers all need — answers checked for shape (:meth:`ReaderContext.items`,
:meth:`ReaderContext.object`), where an item came from (:meth:`ReaderContext.where`) and pages that
account the requests and waits spent since the previous page (:meth:`ReaderContext.page`).
What only one system has lives in its own context (:mod:`data.connectors.github.context`,
:mod:`data.connectors.gitlab.context`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from data.config.model import DEFAULT_LOOKBACK_DAYS, DEFAULT_PRODUCTION
from data.connectors.base import ConnectorError, Page
from data.connectors.cursor import dump_cursor
from data.connectors.http.client import HttpClient
from data.connectors.http.limits import HttpStats
from data.connectors.http.response import HttpResponse
from data.connectors.payload import endpoint, object_body, objects
from data.records import Record
from data.timeutil import parse_instant

__all__ = ["ReaderContext", "StreamOptions", "instant", "iso_z", "split_stream", "stream_names"]


def instant(value: Any) -> datetime | None:
    """An API's ISO 8601 text as an aware UTC datetime; None for a missing or empty value.

    ValueError also for one out of range: ``0001-01-01T00:00:00+08:00`` parses but is no UTC instant
    (OverflowError); the mappers' net (:func:`~data.connectors.payload.item_errors`) turns the ValueError
    into a message naming the item.
    """
    try:
        return parse_instant(value) if isinstance(value, str) and value else None
    except OverflowError:
        raise ValueError(f"instant out of range: {value!r}") from None


def iso_z(value: datetime) -> str:
    """A UTC instant as the APIs' query form, ``2026-03-01T09:00:00Z``."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def stream_names(kinds: Sequence[str], scopes: Sequence[str]) -> list[str]:
    """``kind:scope`` for every scope (repository, project) and kind, in the order to sync them."""
    return [f"{kind}:{scope}" for scope in scopes for kind in kinds]


def split_stream(source: str, stream: str, kinds: Sequence[str], scopes: Sequence[str]) -> tuple[str, str]:
    """The kind and scope of a ``kind:scope`` stream name; a ConnectorError for a stream ``source`` has not."""
    kind, _, scope = stream.partition(":")
    if kind not in kinds or scope not in scopes:
        raise ConnectorError(f"{source}: unknown stream {stream!r}")
    return kind, scope


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """The source options GitHub and GitLab read alike (labels, first-sync lookback, page size, production)."""

    status_labels: Mapping[str, str]  # lower-case label -> status
    incident_labels: frozenset[str]  # lower-case
    lookback: timedelta
    per_page: int
    production: re.Pattern[str]

    @classmethod
    def parse(cls, options: Mapping[str, Any], *, per_page: int) -> StreamOptions:
        """The options of a ``[[sources]]`` table (validated by :mod:`data.config.parse`); ``per_page``: the default."""
        return cls(
            status_labels={str(k).lower(): str(v) for k, v in dict(options.get("status_labels", {})).items()},
            incident_labels=frozenset(str(x).lower() for x in options.get("incident_labels", ["incident"])),
            lookback=timedelta(days=float(options.get("lookback_days", DEFAULT_LOOKBACK_DAYS))),
            per_page=int(options.get("per_page", per_page)),
            production=re.compile(str(options.get("production", DEFAULT_PRODUCTION))),
        )


@dataclass(slots=True)
class ReaderContext:
    """What a connector's stream readers are given: its client, options and clock, and the helpers they share.

    ``source`` is the configured source name (records carry it), ``system`` the API's name in messages.
    """

    source: str
    system: str
    client: HttpClient
    options: StreamOptions
    now: Callable[[], datetime]
    _mark: HttpStats = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._mark = self.client.stats.snapshot()

    def restart(self) -> None:
        """Count a new stream's cost from here."""
        self._mark = self.client.stats.snapshot()

    def page(self, records: Sequence[Record], cursor: dict[str, Any] | None, *notes: str) -> Page:
        """A page of ``records`` and ``cursor`` (None: keep the stored one), with what it cost since the last."""
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

    def items(self, resp: HttpResponse, key: str | None = None) -> list[Mapping[str, Any]]:
        """The objects an answer lists (``key``: inside an object), or a ConnectorError saying what came."""
        return objects(resp.json(), source=self.source, system=self.system, resp=resp, key=key)

    def object(
        self, resp: HttpResponse, key: str | None = None, holds: type | tuple[type, ...] = list
    ) -> Mapping[str, Any]:
        """The object an answer is (holding ``key`` of type ``holds``), or a ConnectorError saying what came."""
        return object_body(resp.json(), source=self.source, system=self.system, resp=resp, key=key, holds=holds)

    def where(self, resp: HttpResponse | str) -> str:
        """``source: System /path``: where an item came from, for messages."""
        return f"{self.source}: {self.system} {endpoint(resp)}"
