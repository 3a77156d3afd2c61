"""The sync engine: runs a connector's streams into the store, one page and its cursor per transaction.

* Each :class:`~data.connectors.base.Page` is written with its cursor in ONE ``store.writer()``
  block, so a crash or a cancel resumes from the last committed page (CONNECTORS.md rule 4).
* A page with no records whose cursor did not change writes nothing at all (a no-change sync does
  not even bump the store generation).
* Cancellation is checked between pages (a ``threading.Event`` or a callable); an Event is also
  handed to the connector's HTTP client so a long rate-limit wait ends at once.
* One failing stream does not stop the others (their cursors are independent, FM-12); the source's
  ``sync_state`` records the attempt, the success, or the redacted error.
* :func:`store_lock` keeps two syncers (a department's PostgreSQL) from doubling the work.
* :func:`open_connector` builds a source's connector with its token: the one way every syncer, poller
  and connection test gets a connector.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text

from data.config.model import SourceConfig
from data.connectors.base import Connector, ConnectorError, SyncCancelled
from data.connectors.redact import redact
from data.connectors.registry import make_connector
from data.events.limits import check_records, summary_note
from data.store.store import Store
from data.store.writer import Writer
from data.timeutil import utc_now

log = logging.getLogger(__name__)

__all__ = [
    "ConnectorFactory",
    "SourceLocked",
    "StreamSummary",
    "SyncProgress",
    "SyncSummary",
    "TokenLookup",
    "open_connector",
    "store_lock",
    "sync_source",
]

Cancel = threading.Event | Callable[[], bool] | None
#: ``(source, token) -> Connector``: how a connector is built (tests pass fakes).
ConnectorFactory = Callable[[SourceConfig, str | None], Connector]
#: A source name -> its token, or None.
TokenLookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """One progress event: totals so far for ``stream`` of ``source``."""

    source: str
    stream: str
    pages: int
    records: int
    requests: int
    waits_s: float
    message: str = ""


@dataclass
class StreamSummary:
    """What one stream's sync did."""

    stream: str
    pages: int = 0
    records: int = 0
    requests: int = 0
    waits_s: float = 0.0
    transactions: int = 0
    error: str | None = None
    #: Warnings about records dropped or adjusted to fit the event-file limits (data.events.limits).
    limited: int = 0


@dataclass
class SyncSummary:
    """What one source's sync did; ``error`` is redacted, ``cancelled`` when the user stopped it."""

    source: str
    streams: list[StreamSummary] = field(default_factory=list)
    cancelled: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when every stream finished without error and nothing was cancelled."""
        return self.error is None and not self.cancelled

    @property
    def records(self) -> int:
        """Records written over all streams."""
        return sum(s.records for s in self.streams)

    @property
    def requests(self) -> int:
        """HTTP requests made over all streams."""
        return sum(s.requests for s in self.streams)

    @property
    def pages(self) -> int:
        """Pages read over all streams."""
        return sum(s.pages for s in self.streams)

    @property
    def waits_s(self) -> float:
        """Seconds spent waiting for rate limits and backoff."""
        return sum(s.waits_s for s in self.streams)

    @property
    def transactions(self) -> int:
        """Write transactions committed."""
        return sum(s.transactions for s in self.streams)


class SourceLocked(ConnectorError):
    """Another process is syncing this source right now (PostgreSQL advisory lock held)."""


def _is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _lock_key(source: str) -> int:
    """A stable signed 63-bit advisory-lock key for ``source``."""
    digest = hashlib.sha256(f"flowdeck:sync:{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True) >> 1


@contextmanager
def store_lock(store: Store, source: str) -> Iterator[bool]:
    """Hold the per-source sync lock: ``pg_try_advisory_lock`` on PostgreSQL, nothing on SQLite.

    Raises :class:`SourceLocked` when another session holds it (the caller skips that source).
    On SQLite one writer is already enforced by the database and a desktop runs one syncer.
    """
    if store.engine.dialect.name != "postgresql":
        yield True
        return
    key = _lock_key(source)
    conn = store.engine.connect()
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if not got:
            raise SourceLocked(f"{source}: another Flowdeck sync is running for this source; skipped")
        try:
            yield True
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
    finally:
        conn.close()


def open_connector(
    source: SourceConfig,
    token: str | None = None,
    *,
    token_for: TokenLookup | None = None,
    ask: Callable[[SourceConfig], str | None] | None = None,
    factory: ConnectorFactory | None = None,
) -> Connector:
    """Build ``source``'s connector with its token; the caller closes it.

    The token is the first found of: ``token`` (typed by the user), ``token_for(source.name)``
    (default :func:`data.secrets.get_token`: ``FLOWDECK_TOKEN_<SOURCE>``, else the OS keyring), and
    ``ask(source)`` (a prompt). ``factory`` builds it (default
    :func:`data.connectors.registry.make_connector`; a ConnectorError names a bad kind or option).
    """
    if token is None:
        if token_for is None:
            from data import secrets

            token_for = secrets.get_token
        token = token_for(source.name)
    if token is None and ask is not None:
        token = ask(source)
    return (factory or make_connector)(source, token)


def sync_source(
    store: Store,
    connector: Connector,
    *,
    cancel: Cancel = None,
    progress: Callable[[SyncProgress], None] | None = None,
    streams: Sequence[str] | None = None,
    lock: bool = True,
    now: Callable[[], datetime] = utc_now,
    state_bumps_generation: bool = True,
) -> SyncSummary:
    """Sync ``streams`` (default: all) of ``connector`` into ``store``; never raises for source faults.

    Returns a summary; failures are in ``summary.error`` (redacted) and in the store's sync state.
    ``state_bumps_generation=False`` (the sync service) records the attempt and outcome without
    bumping the store generation, so a sync that brought nothing new does not invalidate every
    dashboard's metrics cache; pages with records still bump it as always.
    """
    source = connector.source
    summary = SyncSummary(source)
    wanted = list(connector.streams()) if streams is None else list(streams)
    client = getattr(connector, "client", None)
    if isinstance(cancel, threading.Event) and client is not None and hasattr(client, "cancel"):
        client.cancel = cancel  # long rate-limit waits wake up when the user cancels
    started = now()
    try:
        with _state_writer(store, state_bumps_generation) as w:
            w.set_sync_state(source, attempt_at=started, error=None)
    except Exception:  # a store that cannot record the attempt will fail below with a clear error
        log.exception("%s: cannot record the sync attempt", source)
    errors: list[str] = []
    try:
        with store_lock(store, source) if lock else _no_lock():
            for stream in wanted:
                if _is_cancelled(cancel):
                    summary.cancelled = True
                    break
                result = _sync_stream(store, connector, stream, cancel, progress)
                summary.streams.append(result)
                if result.error == "cancelled":
                    summary.cancelled = True
                    result.error = None
                    break
                if result.error:
                    errors.append(result.error)
    except SourceLocked as exc:
        errors.append(str(exc))
    if errors:
        summary.error = redact("; ".join(errors))
    try:
        with _state_writer(store, state_bumps_generation) as w:
            if summary.error:
                w.set_sync_state(source, error=summary.error[:2000])
            elif summary.cancelled:
                w.set_sync_state(source, error="cancelled before the end; the next sync resumes")
            else:
                w.set_sync_state(source, success_at=started, error=None)
    except Exception:
        log.exception("%s: cannot record the sync outcome", source)
    return summary


@contextmanager
def _no_lock() -> Iterator[bool]:
    yield True


@contextmanager
def _state_writer(store: Store, bump: bool) -> Iterator[Writer]:
    """A transaction for sync bookkeeping: ``store.writer()``, or one that leaves the generation alone."""
    if bump:
        with store.writer() as w:
            yield w
        return
    with store.engine.begin() as conn:
        yield Writer(conn)


def _sync_stream(
    store: Store,
    connector: Connector,
    stream: str,
    cancel: Cancel,
    progress: Callable[[SyncProgress], None] | None,
) -> StreamSummary:
    source = connector.source
    result = StreamSummary(stream)
    cursor = store.get_cursor(source, stream)

    def emit(message: str) -> None:
        if progress is not None:
            progress(
                SyncProgress(source, stream, result.pages, result.records, result.requests, result.waits_s, message)
            )

    emit("starting")
    pages = connector.read(stream, cursor)
    try:
        for page in pages:
            result.pages += 1
            result.requests += page.requests
            result.waits_s += page.waits_s
            changed_cursor = page.cursor is not None and page.cursor != cursor
            # Synced records obey the event-file limits, so an export of them imports again.
            checked = check_records(page.records, source=source, stream=stream)
            _log_limited(f"{source}/{stream}", checked.warnings, result)
            if checked.records or changed_cursor:
                with store.writer() as w:
                    result.records += w.upsert(checked.records)
                    if page.cursor is not None and changed_cursor:
                        w.set_cursor(source, stream, page.cursor)
                result.transactions += 1
                if changed_cursor:
                    cursor = page.cursor
            notes = (*page.notes, *summary_note(checked))
            emit(f"page {result.pages}: {len(page.records)} records" + "".join(f"; {n}" for n in notes))
            if _is_cancelled(cancel):
                result.error = "cancelled"
                return result
    except SyncCancelled:
        result.error = "cancelled"
        return result
    except ConnectorError as exc:
        result.error = redact(str(exc))
        log.warning("%s/%s failed: %s", source, stream, result.error)
        emit(f"failed: {result.error}")
        return result
    except Exception as exc:  # a connector bug must not take down the other streams
        result.error = redact(f"{source}/{stream}: unexpected {type(exc).__name__}: {exc}")
        log.error("%s", result.error, exc_info=False)
        emit(f"failed: {result.error}")
        return result
    finally:
        close = getattr(pages, "close", None)
        if close is not None:
            close()
    emit("done")
    return result


#: Warnings logged one by one per stream; the rest are counted in one line.
_MAX_LIMIT_WARNINGS = 20


def _log_limited(where: str, warnings: Sequence[str], result: StreamSummary) -> None:
    """Log record-limit warnings, at most :data:`_MAX_LIMIT_WARNINGS` lines per stream."""
    for warning in warnings:
        result.limited += 1
        if result.limited <= _MAX_LIMIT_WARNINGS:
            log.warning("%s", redact(warning))
        elif result.limited == _MAX_LIMIT_WARNINGS + 1:
            log.warning("%s: more records changed to fit the event-file limits; not logged one by one", where)
