"""The headless sync service behind ``flowdeck sync --watch``: every source on its own schedule.

* One worker thread per source, so a slow or failing source (timeouts, a long rate-limit wait)
  never delays the others. Each worker syncs, logs ONE line, then sleeps ``interval_s`` — or, after
  a failure, an exponential backoff (``interval_s`` × 2, 4, 8 … capped at :data:`MAX_BACKOFF_S`).
* The per-source :func:`data.sync.run.store_lock` is taken here (not inside ``sync_source``) so that a
  source another service is syncing right now is logged as ``locked by another syncer, skipped``
  and simply tried again at its next interval — it is not a failure and does not back off.
* ``stop`` (a ``threading.Event``; the CLI sets it on SIGTERM/SIGINT) is also each sync's cancel
  event: a running sync stops between pages, at once during a rate-limit wait or a request in
  flight (the HTTP client cuts it), keeps every committed page and cursor, and the next start
  resumes from there. A worker still busy :data:`STOP_GRACE_S` after ``stop`` (stuck where nothing
  can interrupt it, e.g. a DNS lookup) is left behind: the service returns and the process exits.
* Tokens are read for every connector build through ``token_for`` (default
  :func:`data.secrets.get_token`, where ``FLOWDECK_TOKEN_<SOURCE>`` wins for headless use).
* Nothing here raises for a source or database fault while running: a database that goes away
  makes the syncs fail and back off until it returns. Only opening the store at start-up may raise
  (:class:`data.store.store.StoreError`), so a service manager can restart the process.
* A worker that dies of an unexpected error (a bug) logs ONE line, is recorded in
  :attr:`ServiceStats.died` and sets ``stop``: the whole service ends, and the CLI exits 1 so a service
  manager restarts it, rather than running on with a source that silently no longer syncs.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from data import secrets
from data.config.model import Config, SourceConfig
from data.connectors.base import Connector
from data.connectors.redact import redact
from data.connectors.registry import make_connector
from data.store.store import Store
from data.sync.run import ConnectorFactory, SourceLocked, SyncSummary, open_connector, store_lock, sync_source
from data.timeutil import utc_now

__all__ = [
    "MAX_BACKOFF_S",
    "MIN_INTERVAL_S",
    "STOP_GRACE_S",
    "ServiceStats",
    "backoff_delay",
    "format_sync_line",
    "run_service",
]

#: The shortest schedule honoured (tests use 0.5 s; a real source should be tens of seconds).
MIN_INTERVAL_S = 0.5
#: A failing source is retried at least this often (half an hour), however long its backoff grew.
MAX_BACKOFF_S = 1800.0
#: How long a stop waits for the workers before leaving the ones still stuck (their threads are
#: daemons; every page they committed stays, an uncommitted one is rolled back by the database).
STOP_GRACE_S = 5.0

_logger = logging.getLogger(__name__)
Log = Callable[[str], None]
#: Line breaks inside a message (a server's error page, a driver's detail) would split the one line.
_ONE_LINE = re.compile(r"\s*[\r\n]+\s*")


@dataclass
class ServiceStats:
    """What a service run did, per source and overall (filled in by the workers; read after the run)."""

    syncs: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    skipped_locked: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    #: Sources whose worker died of an unexpected error -> the error, one line (the service then stops).
    died: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_death(self, source: str, reason: str) -> None:
        """Note that the worker of ``source`` ended on an unexpected error."""
        with self._lock:
            self.died[source] = reason

    def add(self, source: str, *, ok: bool, locked: bool = False, records: int = 0) -> None:
        """Count one attempt of ``source``."""
        with self._lock:
            if locked:
                self.skipped_locked[source] = self.skipped_locked.get(source, 0) + 1
                return
            self.syncs[source] = self.syncs.get(source, 0) + 1
            self.records[source] = self.records.get(source, 0) + records
            if not ok:
                self.failures[source] = self.failures.get(source, 0) + 1

    @property
    def total_syncs(self) -> int:
        """Syncs attempted over all sources (locked skips excluded)."""
        return sum(self.syncs.values())

    @property
    def total_failures(self) -> int:
        """Syncs that ended in an error."""
        return sum(self.failures.values())


def backoff_delay(interval_s: float, failures: int) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (0: the normal interval).

    ``interval_s × 2^failures``, capped at :data:`MAX_BACKOFF_S` — but never below the interval
    itself (a source configured to sync hourly is not retried more often because it failed).
    """
    interval = max(interval_s, MIN_INTERVAL_S)
    if failures <= 0:
        return interval
    return max(interval, min(interval * float(2 ** min(failures, 30)), MAX_BACKOFF_S))


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_sync_line(when: datetime, summary: SyncSummary, elapsed_s: float) -> str:
    """The one log line of a finished sync, e.g.

    ``2026-03-02T09:00:00Z sync github: ok 120 records, 3 pages, 5 requests, waits 0.0 s, 1.2 s``
    (status ``ok``, ``FAILED`` followed by the redacted error, or ``cancelled``).
    """
    status = "cancelled" if summary.cancelled else ("ok" if summary.ok else "FAILED")
    line = (
        f"{_stamp(when)} sync {summary.source}: {status} {summary.records} records, {summary.pages} pages, "
        f"{summary.requests} requests, waits {summary.waits_s:.1f} s, {elapsed_s:.1f} s"
    )
    if summary.error:
        line += f": {summary.error}"
    return redact(_ONE_LINE.sub(" ", line.strip()))


def _print_line(line: str) -> None:
    print(line, flush=True)


class _SourceWorker:
    """One source's loop: sync, log, sleep (interval or backoff), until ``stop`` is set."""

    def __init__(
        self,
        store: Store,
        source: SourceConfig,
        *,
        stop: threading.Event,
        log: Log,
        clock: Callable[[], datetime],
        once: bool,
        stats: ServiceStats,
        token_for: Callable[[str], str | None],
        connector_factory: ConnectorFactory,
    ) -> None:
        self.store = store
        self.source = source
        self.stop = stop
        self.log = log
        self.clock = clock
        self.once = once
        self.stats = stats
        self.token_for = token_for
        self.connector_factory = connector_factory
        self.failures = 0
        self.connector: Connector | None = None

    def run(self) -> None:
        """The loop; never raises. An unexpected error stops the service (see the module docstring)."""
        try:
            while not self.stop.is_set():
                delay = self._attempt()
                if self.once:
                    break
                self.stop.wait(delay)
        except Exception as exc:
            name = self.source.name
            reason = redact(_ONE_LINE.sub(" ", f"{type(exc).__name__}: {exc}".strip()))[:500]
            self.stats.record_death(name, reason)
            self.stop.set()
            _logger.debug("sync worker of %s died", name, exc_info=True)
            with contextlib.suppress(Exception):  # the log sink failing must not bring the traceback back
                self.log(f"{_stamp(self.clock())} sync {name}: stopped by an unexpected error: {reason}")
        finally:
            self._drop_connector()

    def _drop_connector(self) -> None:
        if self.connector is not None:
            with contextlib.suppress(Exception):  # closing a broken session must not hide the real outcome
                self.connector.close()
            self.connector = None

    def _attempt(self) -> float:
        """One sync; returns how long to wait before the next."""
        name = self.source.name
        started = time.monotonic()
        try:
            if self.connector is None:
                # Built per failure streak, not per sync: the HTTP session keeps its ETags and its
                # rate-limit knowledge between syncs; a failure rebuilds it (and re-reads the token).
                self.connector = open_connector(self.source, token_for=self.token_for, factory=self.connector_factory)
            with store_lock(self.store, name):
                summary = sync_source(
                    self.store, self.connector, cancel=self.stop, lock=False, state_bumps_generation=False
                )
        except SourceLocked:
            self.stats.add(name, ok=True, locked=True)
            self.log(f"{_stamp(self.clock())} {name}: locked by another syncer, skipped")
            return backoff_delay(self.source.interval_s, 0)
        except Exception as exc:  # connector construction, or the database itself is unreachable
            # A database error's driver message, not SQLAlchemy's multi-line text with the SQL in it.
            detail = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            summary = SyncSummary(name, error=redact(f"{type(exc).__name__}: {detail}")[:500])
        elapsed = time.monotonic() - started
        line = format_sync_line(self.clock(), summary, elapsed)
        if summary.cancelled:
            self.stats.add(name, ok=True, records=summary.records)
            self.log(line + "; resumes from the last stored page")
            return 0.0
        if summary.ok:
            self.failures = 0
            self.stats.add(name, ok=True, records=summary.records)
            self.log(line)
            return backoff_delay(self.source.interval_s, 0)
        self.failures += 1
        self._drop_connector()
        delay = backoff_delay(self.source.interval_s, self.failures)
        self.stats.add(name, ok=False, records=summary.records)
        suffix = "" if self.once else f"; retry in {delay:.1f} s (failure {self.failures} in a row)"
        self.log(line + suffix)
        return delay


def run_service(
    store_url: str | None,
    config: Config,
    *,
    stop: threading.Event,
    log: Log = _print_line,
    clock: Callable[[], datetime] = utc_now,
    once: bool = False,
    sources: Sequence[str] | None = None,
    token_for: Callable[[str], str | None] = secrets.get_token,
    connector_factory: ConnectorFactory | None = None,
    store: Store | None = None,
) -> ServiceStats:
    """Sync every configured source (or ``sources``) on its own ``interval_s`` until ``stop`` is set.

    ``once``: sync each source one time, then return (tests, cron-style use). ``log`` receives
    whole lines (already redacted); ``clock`` stamps them. ``store`` may be passed instead of
    ``store_url`` (it is then not closed here). Returns what was done. Raises ``ValueError`` when
    there is no source to sync, and :class:`data.store.store.StoreError` when the store cannot be opened.
    """
    selected = [s for s in config.sources if sources is None or s.name in sources]
    if not selected:
        raise ValueError("no sources to sync; add one with `flowdeck sources add`")
    factory: ConnectorFactory = connector_factory or make_connector
    own_store = store is None
    opened = Store.open(store_url) if store is None else store
    stats = ServiceStats()
    plan = ", ".join(f"{s.name} every {max(s.interval_s, MIN_INTERVAL_S):g} s" for s in selected)
    where = opened.url_for_display()
    log(f"{_stamp(clock())} flowdeck sync service: {len(selected)} source(s) ({plan}); store {where}")
    workers = [
        _SourceWorker(
            opened,
            s,
            stop=stop,
            log=log,
            clock=clock,
            once=once,
            stats=stats,
            token_for=token_for,
            connector_factory=factory,
        )
        for s in selected
    ]
    threads = [threading.Thread(target=w.run, name=f"sync-{w.source.name}", daemon=True) for w in workers]
    try:
        for t in threads:
            t.start()
        # Join with a timeout so the main thread keeps running Python code: signal handlers
        # (SIGTERM, SIGINT) only run between bytecodes of the main thread.
        stopped_at: float | None = None
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(0.2)
            if stop.is_set():
                stopped_at = stopped_at or time.monotonic()
                stuck = [w.source.name for w, t in zip(workers, threads, strict=True) if t.is_alive()]
                if stuck and time.monotonic() - stopped_at > STOP_GRACE_S:
                    log(
                        f"{_stamp(clock())} flowdeck sync service: {', '.join(stuck)} did not stop within "
                        f"{STOP_GRACE_S:g} s; leaving it behind (every stored page is kept)"
                    )
                    break
    finally:
        if own_store:
            opened.close()
    why = "stopped" if stop.is_set() else "done"
    if stats.died:
        why = f"stopped after an unexpected error in {', '.join(sorted(stats.died))}"
    log(
        f"{_stamp(clock())} flowdeck sync service: {why}; {stats.total_syncs} syncs, "
        f"{stats.total_failures} failed, {sum(stats.skipped_locked.values())} skipped (locked)"
    )
    return stats
