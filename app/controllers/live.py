"""Live pipeline polling for the wall and the main window: polls on worker threads, results by signal.

Usage (the lead wires this into the main window the same way)::

    poller = LivePoller(config, lambda: open_store(args))
    poller.pipelines_changed.connect(board_view)       # PipelineView (data.pipelines.status)
    poller.source_failed.connect(lambda src, msg: ...)
    poller.source_recovered.connect(lambda src: ...)
    poller.start()        # opens the store on a worker, paints from the cache, then polls
    ...
    poller.stop()         # cancels polls between pages, waits for the workers, closes the store

Every configured source is polled at its own ``interval_s`` (its pipeline streams only, see
:func:`data.sync.poll.poll_source`); a failing source backs off (×2 per failure, capped) while the others
keep their rhythm; a source that has not answered for three intervals makes its tiles *stale*.
After a poll that wrote something (the store generation moved) the pipelines are recomputed
(:func:`data.pipelines.status.load_pipelines`) on a worker and emitted. The first computation runs
before any poll, so a restarted wall shows the last known state at once. Without sources (the demo)
nothing is polled and "now" is the demo's end.

The GUI thread never calls ``requests``, keyring or a query: everything here runs in
:class:`app.workers.Task` objects on a private :class:`app.workers.WorkerPool`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from PySide6.QtCore import QObject, QTimer, Signal

from app.workers import Emit, Task, WorkerPool
from data.config.model import Config, SourceConfig
from data.connectors.base import Connector
from data.connectors.redact import redact
from data.metrics.clock import now_of
from data.pipelines.order import is_default_branch
from data.pipelines.status import DEFAULT_HORIZON_DAYS, PipelineView, load_pipelines
from data.report.results import Report
from data.store.store import Store
from data.sync.poll import SourceSchedule, TransitionTracker, with_source_health
from data.sync.run import ConnectorFactory, TokenLookup, open_connector
from data.timeutil import parse_instant, utc_now

__all__ = ["LivePoller"]

log = logging.getLogger(__name__)


class LivePoller(QObject):
    """Polls the configured sources and keeps a pipeline view (and optionally a report) current.

    Args:
        config: the loaded config (sources, streams, definitions).
        open_store: opens the store; called once, on a worker.
        connector_factory: ``(source, token) -> Connector`` (tests pass fakes with a fake clock).
        token_for: the token of a source (default: keyring / ``FLOWDECK_TOKEN_<SOURCE>``).
        monotonic: seconds clock for schedules (tests pass a fake one).
        now: "now" for pipeline states when there are sources (default: the UTC clock).
        horizon_days: pipelines idle longer than this are hidden (counted in ``PipelineView.hidden``).
        limit: at most this many pipelines are computed in full per refresh (None: all).
        report_weeks: also compute a report of the last N weeks after data changes (0: never).
        tick_ms: how often due sources are checked (the schedules' resolution).

    Signals:
        store_ready(object): ``(Store, demo: bool)`` once the store is open.
        pipelines_changed(object): a :class:`~data.pipelines.status.PipelineView`, stale and
            error markers already applied to its statuses.
        report_changed(object): a :class:`~data.report.results.Report` (when ``report_weeks``).
        source_failed(str, str): a source's first failure of a streak, with the redacted message.
        source_recovered(str): a source answered again after failing.
        polled(str, object): every finished poll: source name and its ``SyncSummary``.
        notices(object): list of :class:`data.sync.poll.Notice` (broken / fixed / still broken).
        error(str): the store could not be opened (nothing else is tried; the message says why).
        data_time(object): the UTC instant the data on screen is true for (last successful poll,
            or the store's last sync / the demo's end before any poll).
    """

    store_ready = Signal(object)
    pipelines_changed = Signal(object)
    report_changed = Signal(object)
    source_failed = Signal(str, str)
    source_recovered = Signal(str)
    polled = Signal(str, object)
    notices = Signal(object)
    data_time = Signal(object)
    error = Signal(str)

    def __init__(
        self,
        config: Config,
        open_store: Callable[[], Store],
        *,
        connector_factory: ConnectorFactory | None = None,
        token_for: TokenLookup | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        horizon_days: float | None = DEFAULT_HORIZON_DAYS,
        limit: int | None = 200,
        report_weeks: int = 0,
        tick_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._open_store = open_store
        self._factory = connector_factory
        self._token_for = token_for
        self._mono = monotonic
        self._now = now
        self.horizon_days = horizon_days
        self.limit = limit
        self.report_weeks = report_weeks
        self.store: Store | None = None
        self.demo = False
        self.demo_end: datetime | None = None
        self.workers = WorkerPool(max(2, len(config.sources) + 1))
        self.cancel = threading.Event()
        self.schedules = {s.name: SourceSchedule(s.name, s.interval_s) for s in config.sources}
        self._connectors: dict[str, Connector] = {}
        self.tracker = TransitionTracker(is_default=self._is_default)
        self.view: PipelineView | None = None
        self.last_report: Report | None = None
        self._computing = False
        self._recompute_again = False
        self._seen_generation: int | None = None
        self._report_generation: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        self._stopped = False

    # -- public API --

    def start(self) -> None:
        """Open the store (worker), paint from the cache, then poll on schedule."""
        start = self._mono()
        for sched in self.schedules.values():
            sched.created_at = start
            sched.next_due = start

        names = {s.name for s in self.config.sources}

        def job(emit: Emit) -> None:
            store = self._open_store()
            demo = store.get_meta("demo") == "1"
            end = store.get_meta("demo_end")
            synced = [
                st["last_success_at"] for n, st in store.sync_states().items() if n in names and st["last_success_at"]
            ]
            emit("store", (store, demo, parse_instant(end) if end else None, max(synced) if synced else None))

        self._submit(job, self._on_store, on_failed=self.error.emit)

    def stop(self) -> None:
        """Stop polling: cancel running polls between pages, wait for workers, close connectors and store."""
        self._stopped = True
        self.timer.stop()
        self.cancel.set()
        self.workers.wait(15_000)
        for conn in self._connectors.values():
            with contextlib.suppress(Exception):
                conn.close()
        self._connectors.clear()
        if self.store is not None:
            self.store.close()
            self.store = None

    def poll_now(self) -> None:
        """Make every source due at once (a "refresh" key)."""
        now = self._mono()
        for sched in self.schedules.values():
            sched.next_due = min(sched.next_due, now)
        self.tick()

    def refresh(self) -> None:
        """Recompute the pipelines from the store now (no poll)."""
        self._recompute()

    def source_health(self) -> dict[str, tuple[bool, str | None]]:
        """Source name -> (stale, last error)."""
        now = self._mono()
        return {n: (s.stale(now), s.last_error) for n, s in self.schedules.items()}

    def as_of(self) -> datetime:
        """What "now" means: the demo's end for a demo store, else the clock (:func:`data.metrics.clock.now_of`)."""
        return now_of(self.demo, self.demo_end, self._now)

    # -- scheduling --

    def tick(self) -> None:
        """Start the polls that are due (the timer calls this every ``tick_ms``)."""
        if self.store is None or self._stopped:
            return
        now = self._mono()
        changed_staleness = False
        for source in self.config.sources:
            sched = self.schedules[source.name]
            if sched.due(now):
                self._poll(source, sched)
        # Staleness moves with time alone: re-mark the tiles when a source crosses the line.
        health = {n: s.stale(now) for n, s in self.schedules.items()}
        if self.view is not None and any(
            st.stale != health.get(st.source, False) for st in self.view.statuses if st.source in health
        ):
            changed_staleness = True
        if changed_staleness:
            self._emit_view(self.view)

    def _poll(self, source: SourceConfig, sched: SourceSchedule) -> None:
        sched.started()
        store, cancel = self.store, self.cancel
        assert store is not None

        def job(emit: Emit) -> None:
            conn = self._connectors.get(source.name)
            if conn is None:
                conn = open_connector(source, token_for=self._token_for, factory=self._factory)
                self._connectors[source.name] = conn
            from data.sync.poll import poll_source

            before = store.generation()
            summary = poll_source(store, conn, cancel=cancel)
            emit("polled", (source.name, summary, store.generation() != before))

        def failed(message: str) -> None:
            self._connectors.pop(source.name, None)  # rebuilt (token re-read) on the next try
            self._after_poll(source.name, None, redact(message), False)

        self._submit(job, self._on_polled, on_failed=failed)

    def _on_polled(self, _gen: int, _kind: str, payload: object) -> None:
        if self._stopped:
            return  # posted before stop(); the screen it was for may be gone
        name, summary, wrote = cast("tuple[str, Any, bool]", payload)
        self.polled.emit(name, summary)
        error = None if summary.ok or summary.cancelled else (summary.error or "failed")
        if error is not None:
            conn = self._connectors.pop(name, None)
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
        self._after_poll(name, summary, error, wrote)

    def _after_poll(self, name: str, _summary: object, error: str | None, wrote: bool) -> None:
        sched = self.schedules[name]
        now = self._mono()
        news = False
        if error is None:
            news = sched.succeeded(now)
            if news:
                self.source_recovered.emit(name)
            self.data_time.emit(self._now())
        else:
            news = sched.failed(now, error)
            if news:
                self.source_failed.emit(name, error)
        # Recompute after a write; re-mark the tiles when a source's health changed. An idle poll
        # (304, nothing written) costs no query at all.
        if wrote or self.view is None:
            self._recompute()
        elif news:
            self._emit_view(self.view)

    # -- computing --

    def _recompute(self) -> None:
        if self.store is None or self._stopped:
            return
        if self._computing:
            self._recompute_again = True
            return
        self._computing = True
        store, as_of = self.store, self.as_of()
        horizon, limit = self.horizon_days, self.limit
        rules = self._branch_rules()
        weeks, config = self.report_weeks, self.config
        report_gen = self._report_generation
        now_for_report = self.as_of()

        def job(emit: Emit) -> None:
            generation = store.generation()
            view = load_pipelines(store, as_of=as_of, horizon_days=horizon, default_branches=rules, limit=limit)
            emit("view", (generation, view))
            if weeks and generation != report_gen:
                from data.report.build import build_report

                report = build_report(
                    store,
                    config,
                    window_from=now_for_report - timedelta(weeks=weeks),
                    window_to=now_for_report,
                    details=False,
                )
                emit("report", (generation, report))

        def done(_gen: int) -> None:
            self._computing = False
            if self._recompute_again:
                self._recompute_again = False
                self._recompute()

        self._submit(job, self._on_view, on_done=done)

    def _on_view(self, _gen: int, kind: str, payload: object) -> None:
        if self._stopped:
            return  # posted before stop(); the screen it was for may be gone
        if kind == "report":
            generation, report = cast("tuple[int, Report]", payload)
            self._report_generation = generation
            self.last_report = report
            self.report_changed.emit(report)
            return
        generation, view = cast("tuple[int, PipelineView]", payload)
        self._seen_generation = generation
        notices = self.tracker.update(view.statuses)
        self._emit_view(view)
        if notices:
            self.notices.emit(notices)

    def _emit_view(self, view: PipelineView | None) -> None:
        if view is None:
            return
        now = self._mono()
        stale = {n: s.stale(now) for n, s in self.schedules.items()}
        errors = {n: s.last_error for n, s in self.schedules.items()}
        from dataclasses import replace

        marked = replace(view, statuses=tuple(with_source_health(view.statuses, stale, errors)))
        self.view = marked
        self.pipelines_changed.emit(marked)

    def _branch_rules(self) -> dict[str, tuple[str, ...]]:
        rules: dict[str, tuple[str, ...]] = {}
        for s in self.config.sources:
            value = s.options.get("default_branches")
            if isinstance(value, str):
                rules[s.name] = (value,)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                rules[s.name] = tuple(value)
        return rules

    def _is_default(self, status: Any) -> bool:
        rules = self._branch_rules()
        if status.source in rules:
            return is_default_branch(status.branch, rules[status.source])
        return is_default_branch(status.branch)

    # -- plumbing --

    def _on_store(self, _gen: int, _kind: str, payload: object) -> None:
        store, demo, demo_end, last_sync = cast("tuple[Store, bool, datetime | None, datetime | None]", payload)
        if self._stopped:
            store.close()
            return
        self.store = store
        self.demo = demo and not self.config.sources
        self.demo_end = demo_end
        self.store_ready.emit((store, self.demo))
        if self.demo:
            self.data_time.emit(self.demo_end)
        elif last_sync is not None:
            self.data_time.emit(last_sync)
        self._recompute()  # first paint from the cache, before any poll
        if self.config.sources:
            self.timer.start()
            self.tick()

    def _submit(
        self,
        fn: Callable[[Emit], None],
        on_partial: Callable[[int, str, object], None],
        *,
        on_failed: Callable[[str], None] | None = None,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        task = Task(0, fn)
        task.signals.partial.connect(on_partial)

        def failed(_g: int, message: str, _exc: object) -> None:
            log.warning("live task failed: %s", redact(message))
            if on_failed is not None and not self._stopped:
                on_failed(message)

        task.signals.failed.connect(failed)
        if on_done is not None:
            task.signals.finished.connect(on_done)
        self.workers.submit(task)
