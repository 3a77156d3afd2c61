"""Syncing from the app, and noticing when someone else wrote to the store.

* :class:`SyncController` runs ``data.sync.run.sync_source`` for every configured source (or some) on
  its own one-thread pool, so a long sync never holds up a report. Progress comes back per page;
  :meth:`SyncController.cancel` sets the sync's cancel event, which ``sync_source`` checks between
  pages (the cursor stays at the last committed page, and the next sync resumes there).
* :class:`StoreWatcher` polls the store's write generation (``data.store.generation.ChangeDetector``, a
  single-row read) on a worker every ``poll_s`` seconds. When another process wrote (a
  ``flowdeck sync --watch`` service, ``flowdeck import``), the controller re-requests the current
  selection; the GUI thread never reloads anything itself.

Tokens are read (keyring) on the worker and never leave it; errors are already redacted by the
sync engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import QObject, QTimer, Signal

from app.workers import Emit, Task, WorkerPool
from data.timeutil import utc_now
from widgets.i18n import QT_TRANSLATE_NOOP, translate

if TYPE_CHECKING:
    from app.controllers.engine import StoreInfo
    from data.config.model import Config
    from data.store.generation import ChangeDetector
    from data.store.store import Store
    from data.sync.run import SyncProgress, SyncSummary

__all__ = ["StoreWatcher", "SyncController", "SyncOutcome"]

log = logging.getLogger(__name__)

#: Shown when a sync is asked for a store that holds the demo organisation.
DEMO_STORE_REFUSAL = QT_TRANSLATE_NOOP(
    "Sync",
    "This store holds the demo organisation; syncing real sources into it would mix synthetic and real "
    "numbers. Choose Use my own data (on the demo banner or in the File menu) for a store of your own, then sync.",
)


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync run did: the per-source summaries, and whether the user cancelled it."""

    summaries: tuple[SyncSummary, ...]
    cancelled: bool
    finished_at: datetime

    @property
    def ok(self) -> bool:
        """True when every source synced without error and nothing was cancelled."""
        return not self.cancelled and all(s.ok for s in self.summaries)

    def text(self) -> str:
        """One line for the status bar."""
        records = sum(s.records for s in self.summaries)
        failed = [s.source for s in self.summaries if s.error]
        if self.cancelled:
            head = translate("Sync", "Sync cancelled; the next sync resumes from the last stored page")
        elif failed:
            head = translate("Sync", "Sync finished with errors ({sources})").format(sources=", ".join(failed))
        else:
            head = translate("Sync", "Sync finished")
        return translate("Sync", "{head}: {records} records from %n source(s)", "", len(self.summaries)).format(
            head=head, records=records
        )


class SyncHost(Protocol):
    """What a sync needs of the app's state: the config, the open store and what it holds."""

    config: Config
    store: Store | None
    info: StoreInfo | None


class SyncController(QObject):
    """Runs syncs off the GUI thread; one at a time.

    Signals:
        started(int): a sync of that many sources began.
        progress(str, int, int): text ("jenkins builds: page 3, 120 records"), sources done, total.
        source_done(object): a ``SyncSummary`` for one source.
        finished(object): a :class:`SyncOutcome` (after which the controller refreshes).
        refused(str): a sync could not start (no store yet, demo store, unknown source).
    """

    started = Signal(int)
    progress = Signal(str, int, int)
    source_done = Signal(object)
    finished = Signal(object)
    refused = Signal(str)

    def __init__(self, parent: QObject, host: SyncHost) -> None:
        super().__init__(parent)
        self.controller = host
        self.pool = WorkerPool(1)
        self.cancel_event: threading.Event | None = None
        self.last_outcome: SyncOutcome | None = None
        self._summaries: list[SyncSummary] = []

    @property
    def running(self) -> bool:
        """True while a sync runs."""
        return self.cancel_event is not None

    def sync(self, names: Sequence[str] | None = None) -> bool:
        """Sync ``names`` (default: every configured source); False (and ``refused``) when it cannot start."""
        c = self.controller
        if self.running:
            return False
        sources = [s for s in c.config.sources if names is None or s.name in names]
        if not sources:
            self.refused.emit(translate("Sync", "No source is configured: add one under Sources → Sources… first."))
            return False
        if c.store is None:
            self.refused.emit(translate("Sync", "The store is not open yet."))
            return False
        if c.info is not None and c.info.demo:
            self.refused.emit(translate("Sync", DEMO_STORE_REFUSAL))
            return False
        store, cancel, total = c.store, threading.Event(), len(sources)
        self.cancel_event = cancel
        self._summaries = []

        def job(emit: Emit) -> None:
            from data.connectors.base import ConnectorError
            from data.connectors.redact import redact
            from data.sync.run import SyncSummary, open_connector, sync_source

            for done, source in enumerate(sources):
                if cancel.is_set():
                    break

                def on_progress(p: SyncProgress, done: int = done) -> None:
                    text = translate(
                        "Sync", "{source} {stream}: page {pages}, {records} records, {requests} requests"
                    ).format(source=p.source, stream=p.stream, pages=p.pages, records=p.records, requests=p.requests)
                    if p.waits_s:
                        text = translate("Sync", "{progress}, waited {seconds} s").format(
                            progress=text, seconds=f"{p.waits_s:.0f}"
                        )
                    emit("progress", (redact(text), done, total))

                emit("progress", (translate("Sync", "{source}: connecting…").format(source=source.name), done, total))
                try:
                    connector = open_connector(source)
                except ConnectorError as exc:
                    emit("summary", SyncSummary(source.name, error=redact(str(exc))))
                    continue
                try:
                    summary = sync_source(store, connector, cancel=cancel, progress=on_progress)
                finally:
                    connector.close()
                emit("summary", summary)
                ending = (
                    translate("Sync", "{source}: cancelled")
                    if summary.cancelled
                    else translate("Sync", "{source}: done")
                )
                emit("progress", (ending.format(source=source.name), done + 1, total))

        task = Task(0, job)
        task.signals.partial.connect(self._on_partial)
        task.signals.failed.connect(lambda _g, message, _e: self._on_failed(message))
        task.signals.finished.connect(lambda _g: self._on_finished())
        self.started.emit(total)
        self.pool.submit(task)
        return True

    def cancel(self) -> None:
        """Stop after the current page (each committed page and its cursor stay)."""
        if self.cancel_event is not None:
            self.cancel_event.set()

    def _on_partial(self, _gen: int, kind: str, payload: object) -> None:
        if kind == "progress":
            text, done, total = cast("tuple[str, int, int]", payload)
            self.progress.emit(text, done, total)
        elif kind == "summary":
            self._summaries.append(cast("SyncSummary", payload))
            self.source_done.emit(payload)

    def _on_failed(self, message: str) -> None:
        from data.connectors.redact import redact
        from data.sync.run import SyncSummary

        self._summaries.append(SyncSummary("sync", error=redact(message)))

    def _on_finished(self) -> None:
        cancelled = self.cancel_event is not None and self.cancel_event.is_set()
        self.cancel_event = None
        self.last_outcome = SyncOutcome(tuple(self._summaries), cancelled, utc_now())
        self.finished.emit(self.last_outcome)

    def shutdown(self) -> None:
        """Cancel a running sync and wait for it (it stops after the page in hand)."""
        self.cancel()
        self.pool.wait(15_000)


class StoreWatcher(QObject):
    """Polls the store generation on a worker; emits :attr:`changed` when another writer wrote.

    Signals:
        changed(int): the new generation.
        failed(str): the store could not be read (shown once per distinct message).
    """

    changed = Signal(int)
    failed = Signal(str)

    def __init__(self, parent: QObject, poll_s: float = 5.0) -> None:
        super().__init__(parent)
        self.pool = WorkerPool(1)
        self.timer = QTimer(self)
        self.timer.setInterval(max(50, int(poll_s * 1000)))
        self.timer.timeout.connect(self.poll)
        self.detector: ChangeDetector | None = None
        self._in_flight = False
        self._again = False
        self.polls = 0
        self._last_error: str | None = None

    def start(self, store: Any) -> None:
        """Begin polling ``store`` (the detector takes the current generation as seen, on a worker)."""
        self.store = store
        self.detector = None
        self.timer.start()
        self.poll()

    def stop(self) -> None:
        """Stop polling and wait for a poll in flight."""
        self.timer.stop()
        self.pool.wait(5_000)

    def poll(self) -> None:
        """One generation read on the worker (skipped while the previous one is still running)."""
        if self._in_flight:
            self._again = True  # look again as soon as this one is done (e.g. a sync just finished)
            return
        self._in_flight, self._again = True, False
        store, detector = self.store, self.detector

        def job(emit: Emit) -> None:
            from data.store.generation import ChangeDetector

            if detector is None:
                emit("detector", ChangeDetector(store))
                return
            emit("result", detector.check())

        task = Task(0, job)
        task.signals.partial.connect(self._on_partial)
        task.signals.failed.connect(lambda _g, m, _e: self._report(m))
        task.signals.finished.connect(lambda _g: self._done())
        self.pool.submit(task)

    def _done(self) -> None:
        self._in_flight = False
        if self._again and self.timer.isActive():
            self.poll()

    def _on_partial(self, _gen: int, kind: str, payload: object) -> None:
        self.polls += 1
        if kind == "detector":
            self.detector = cast("ChangeDetector", payload)
            return
        result = cast("Any", payload)
        if result.error:
            self._report(result.error)
        elif result.changed:
            self._last_error = None
            self.changed.emit(int(result.generation))

    def _report(self, message: str) -> None:
        if message != self._last_error:
            self._last_error = message
            self.failed.emit(message)
