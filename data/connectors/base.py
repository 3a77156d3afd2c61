"""What every connector is: streams of pages of records, each page with the cursor to commit.

A connector turns a source's HTTP JSON/XML into :mod:`data.records` and never touches the store.
The sync engine (:mod:`data.sync.run`) writes each :class:`Page`'s records and its ``cursor`` in one
transaction, so a crash or a cancel resumes from the last committed page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from data.records import Record

__all__ = ["Connector", "ConnectorError", "Page", "SyncCancelled"]


class ConnectorError(Exception):
    """A source failed in a way the user must see (auth, TLS, a persistent 5xx, a bad payload).

    The message names the source and what went wrong, and never contains a secret.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class SyncCancelled(Exception):
    """The user (or SIGTERM) asked the sync to stop; raised between pages."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of records and the stream cursor that is true once they are stored.

    ``cursor`` is an opaque string the connector understands (often JSON); None leaves the stored
    cursor as it is. ``requests``/``waits_s`` account what it cost to fetch, for the summary.
    """

    records: Sequence[Record]
    cursor: str | None = None
    requests: int = 0
    waits_s: float = 0.0
    notes: tuple[str, ...] = field(default=())


@runtime_checkable
class Connector(Protocol):
    """A source's reader. ``source`` is the configured source name (records carry it)."""

    source: str

    def streams(self) -> Sequence[str]:
        """The stream names this connector reads, in the order to sync them."""
        ...

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Pages of ``stream`` after ``cursor`` (None: from the beginning)."""
        ...

    def test_connection(self) -> str:
        """Check the URL and credentials; return a short human description or raise ConnectorError."""
        ...

    def close(self) -> None:
        """Release the HTTP session."""
        ...
