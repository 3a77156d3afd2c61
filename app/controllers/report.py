"""The desktop app's state owner: the store, the config, the compute workers and the refresh timer.

Widgets never see the store: the controller computes on worker threads (``app.workers``) and
hands frozen result objects to the window through typed signals. Each request bumps a generation;
results of an older generation are dropped, so a quick second range change always wins.

The metrics engine (``data.report.build``) is reached through :class:`Engine`, so tests can substitute a
slow or failing one. The controller's compute tasks are counted (``busy_changed``) and their failures
reported by :class:`app.controllers.tasks.ComputeTasks`; the handlers here turn their results into signals.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, QTimer, Signal

from app.controllers.engine import Engine, ModuleEngine, StoreInfo, data_span
from app.controllers.sync import StoreWatcher, SyncController
from app.controllers.tasks import ComputeTasks
from app.workers import Emit, Task, WorkerPool
from data.config.model import Config, Definitions
from data.metrics.clock import now_of
from data.pipelines.results import PipelineStatus
from data.report.results import Headline, Report, TrendPoint
from data.store.errors import StoreError
from data.store.queries import Holdings, holdings
from data.store.store import Store
from data.timeutil import parse_instant, utc_now
from widgets.i18n import translate
from widgets.pipeline_filters import sort_statuses
from widgets.time_range import Selection, local_midnight

__all__ = [
    "Controller",
]

log = logging.getLogger(__name__)

T = TypeVar("T")


class Controller(QObject):
    """Owns the store and compute; the window calls :meth:`start`, :meth:`request`, :meth:`compare`.

    Signals:
        store_ready(StoreInfo): the store is open (and the demo generated when it was empty).
        report_ready(Report): the report for the latest request.
        trends_ready(list[TrendPoint]): weekly trends for the latest request.
        pipelines_ready(list[PipelineStatus]): pipeline states as of the latest request, failing first.
        scatter_ready(LeadTimeScatter): the lead-time scatter of the latest report (computed on a
            worker once the report is in, so the map never waits for it).
        comparison_ready(Report, Report): before and after reports of the latest comparison.
        headline_ready(Headline): the home page's baseline → now figures for the latest request.
        busy_changed(bool): work started (True) or everything finished (False).
        progress(str): what is happening (for the status bar).
        error(str): a failure to show the user.
        calendar_rejected(str): the engine refused ``calendar = "working"``; the reason.
        config_changed(Config): the config was reloaded (the Sources dialog saved a change).
        data_updated(datetime): new data arrived (a sync, or another process wrote); the current
            selection was re-requested. The instant is when it was noticed (UTC).

    Attributes:
        tasks: the :class:`~app.controllers.tasks.ComputeTasks` running on :attr:`workers` (busy count).
        syncer: the :class:`~app.controllers.sync.SyncController` (Sync now, Cancel).
        watcher: the :class:`~app.controllers.sync.StoreWatcher` polling the store generation.
    """

    store_ready = Signal(object)
    report_ready = Signal(object)
    trends_ready = Signal(object)
    pipelines_ready = Signal(object)
    scatter_ready = Signal(object)
    comparison_ready = Signal(object, object)
    headline_ready = Signal(object)
    busy_changed = Signal(bool)
    progress = Signal(str)
    error = Signal(str)
    calendar_rejected = Signal(str)
    config_changed = Signal(object)
    data_updated = Signal(object)

    def __init__(
        self,
        config: Config,
        open_store: Callable[[], Store],
        *,
        engine: Engine | None = None,
        demo_scale: str = "small",
        generate_demo: Callable[[Store], object] | None = None,
        allow_demo: bool = True,
        refresh_s: float = 60.0,
        poll_s: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._open_store = open_store
        self.engine: Engine = engine or ModuleEngine()
        self.demo_scale = demo_scale
        self._generate_demo = generate_demo or self._default_demo
        # False for the user's own store ("Use my own data"): no demo is ever generated into it.
        self.allow_demo = allow_demo
        # Which kinds of record the store holds (read with each request): what an empty page asks for.
        self.holdings = Holdings()
        self.store: Store | None = None
        self.info: StoreInfo | None = None
        self.workers = WorkerPool(2)
        self.tasks = ComputeTasks(self.workers, self.busy_changed.emit, self.error.emit)
        self._generation = 0
        self._compare_generation = 0
        self.stale_dropped = 0
        #: The last pipelines and trends with the inputs they were computed from.
        self._cache: dict[tuple[str, object], Any] = {}
        self._pipelines_key: tuple[datetime, int] | None = None
        self._pipelines_done = False
        self.last_selection: Selection | None = None
        self.last_report: Report | None = None
        self.last_trends: list[TrendPoint] = []
        self.last_pipelines: list[PipelineStatus] = []
        #: The home page's baseline period (UTC ``[from, to)``); None: the first 4 weeks of the data.
        self.baseline: tuple[datetime, datetime] | None = None
        self.last_headline: Headline | None = None
        self._headline_generation = 0
        # Pipelines move while the window is open: refresh them (only when looking at "now").
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(int(refresh_s * 1000))
        self.refresh_timer.timeout.connect(self._refresh)
        # Syncs run on their own thread; the watcher notices writes by anyone (this app included).
        self.syncer = SyncController(self, self)
        self.watcher = StoreWatcher(self, poll_s)
        self.watcher.changed.connect(self._store_changed)
        self.syncer.finished.connect(lambda _outcome: self.watcher.poll())

    # -- lifecycle --

    def start(self) -> None:
        """Open the store on a worker (generating the demo when there is no source and no data)."""
        self._open(self._open_store, self.allow_demo and not self.config.sources)

    def switch_store(self, open_store: Callable[[], Store]) -> bool:
        """Open another store (the user's own, never with a demo generated into it) and move to it.

        The new store is opened on a worker; the current one stays until it is open (a failure is
        reported on :attr:`error` and changes nothing), then is closed. False while a sync runs.
        """
        if self.syncer.running:
            self.error.emit(translate("MainWindow", "Wait for the sync to finish before changing the store."))
            return False
        self._open_store, self.allow_demo = open_store, False
        self._open(open_store, False)
        return True

    def _open(self, open_store: Callable[[], Store], want_demo: bool) -> None:
        def job(emit: Emit) -> None:
            emit("progress", "Opening the store…")
            try:
                store = open_store()
            except StoreError as exc:  # its message names the file and what is wrong with it
                emit("failed", str(exc))
                return
            generated = False
            # Only into a store that holds nothing at all (is_empty counts every kind of record)
            # and that may be written: the demo must never mix with a user's data.
            if want_demo and store.read_only is None and store.is_empty():
                emit("progress", "Generating the demo organisation (first start)…")
                self._generate_demo(store)
                generated = True
            demo_flag = store.get_meta("demo") == "1"
            end_text = store.get_meta("demo_end")
            demo_end = parse_instant(end_text) if end_text else None
            first, last = data_span(store)
            if demo_flag and demo_end is not None:
                # The demo's story spans 26 weeks to its end; items created earlier are old backlog.
                first, last = (demo_end - timedelta(weeks=26)).astimezone().date(), demo_end.astimezone().date()
            info = StoreInfo(store.url_for_display(), demo_flag, demo_end, generated, first, last)
            emit("store", (store, info))

        self.tasks.submit(Task(-1, job), self._on_start)

    def _on_start(self, _gen: int, kind: str, payload: object) -> None:
        if kind == "progress":
            self.progress.emit(str(payload))
            return
        if kind == "failed":
            self.error.emit(str(payload))
            return
        store, info = cast("tuple[Store, StoreInfo]", payload)
        old = self.store
        if old is not None:
            # Switching stores: nothing computed on the old one may be shown on the new one.
            self.refresh_timer.stop()
            self.watcher.stop()
            self._generation += 1
            self._compare_generation += 1
            self._cache.clear()
            self._pipelines_key, self._pipelines_done = None, False
            self.last_report, self.last_trends, self.last_pipelines = None, [], []
            self.holdings = Holdings()
        self.store, self.info = store, info
        if old is not None and old is not store:
            old.close()  # a task still reading it keeps its connection until it ends
        self.progress.emit("Demo data" if info.demo else "Ready")
        self.store_ready.emit(info)
        if self.last_selection is not None:
            self.request(self.last_selection)
        self.refresh_timer.start()
        self.watcher.start(store)

    def _default_demo(self, store: Store) -> object:
        from data import demo

        return demo.generate(store, scale=self.demo_scale)

    def shutdown(self) -> None:
        """Stop timers, wait for workers, close the store."""
        self.refresh_timer.stop()
        self.syncer.shutdown()
        self.watcher.stop()
        self._generation += 1  # anything still queued is now stale
        self.tasks.close()  # results already posted to the event loop must not reach deleted widgets
        self.workers.wait(10_000)
        if self.store is not None:
            self.store.close()

    def now(self) -> datetime:
        """What "now" means: the clock, or the end of the demo data for a demo store (the same
        :func:`data.metrics.clock.now_of` as the command line's)."""
        if self.info is None:
            return utc_now()
        return now_of(self.info.demo, self.info.demo_end)

    # -- requests --

    def definitions_for(self, sel: Selection) -> Definitions:
        """The config's definitions with the window's switches applied."""
        return dataclasses.replace(self.config.definitions, median=sel.median, dora=sel.dora, calendar=sel.calendar)

    def scope_of(self, sel: Selection) -> dict[str, Any]:
        """The engine's arguments that ``sel`` decides: window, as-of, stream and definitions."""
        return {
            "window_from": sel.window_from,
            "window_to": sel.window_to,
            "as_of": sel.as_of,
            "stream": sel.stream,
            "definitions": self.definitions_for(sel),
        }

    def request(self, sel: Selection) -> int:
        """Compute report and trends for ``sel`` (and pipelines when ``as_of`` or the data changed).

        Returns the request generation.
        """
        self._generation += 1
        gen = self._generation
        self.last_selection = sel
        if self.store is None:
            return gen  # start() will request again once the store is open
        store, config, engine = self.store, self.config, self.engine
        scope = self.scope_of(sel)
        defs = scope["definitions"]
        # Trends depend only on their (≥ 13-week) window: a range change within the last 13 weeks
        # reuses them instead of competing with the report for the CPU.
        start = min(sel.window_from, sel.window_to - timedelta(weeks=13))
        cache = dict(self._cache)  # a snapshot: the worker only reads it

        def job(emit: Emit) -> None:
            # The store's write generation is part of each key, so a sync invalidates the cache.
            generation = store.generation()
            trends_key = (generation, start, sel.window_to, sel.stream, defs)
            cached_trends = cache.get(("trends", trends_key))
            try:
                # No drill-down rows here: they cost seconds on a large store and are fetched for
                # one stage when it is opened (load_stage_items).
                report = engine.build_report(store, config, **scope, details=False)
            except Exception as exc:
                if sel.calendar == "working":
                    emit("calendar_rejected", str(exc))
                    return
                raise
            emit("holdings", holdings(store))
            emit("report", report)
            if gen != self._generation:
                return  # superseded: skip the rest of the work
            emit("generation", generation)
            if gen != self._generation:
                return
            # Trends: at least 13 weeks so a short range still shows a trend around it.
            if cached_trends is None:
                cached_trends = engine.weekly_trends(
                    store, config, window_from=start, window_to=sel.window_to, stream=sel.stream, definitions=defs
                )
            emit("trends", (trends_key, cached_trends))

        self.tasks.submit(Task(gen, job, self.is_current), self._on_partial)
        return gen

    def _request_scatter(self, gen: int) -> None:
        """The lead-time scatter of request ``gen`` (called when its report arrives: the arrays are warm)."""
        sel, store, engine = self.last_selection, self.store, self.engine
        if sel is None or store is None:
            return
        config, scope = self.config, self.scope_of(sel)

        def job(emit: Emit) -> None:
            emit("scatter", engine.lead_time_scatter(store, config, **scope))

        self.tasks.submit(Task(gen, job, self.is_current), self._on_scatter)

    def _on_scatter(self, gen: int, _kind: str, payload: object) -> None:
        if gen == self._generation:  # an older one is simply not shown
            self.scatter_ready.emit(payload)

    def baseline_period(self) -> tuple[datetime, datetime] | None:
        """The baseline in use: :attr:`baseline`, else the first 4 weeks of the data (None: no data yet)."""
        if self.baseline is not None:
            return self.baseline
        if self.info is None or self.info.first_day is None:
            return None
        from data.report.headline import default_baseline

        return default_baseline(local_midnight(self.info.first_day))

    def set_baseline(self, baseline_from: datetime, baseline_to: datetime) -> int:
        """Use ``[baseline_from, baseline_to)`` as the home page's baseline and recompute its figures."""
        self.baseline = (baseline_from, baseline_to)
        return self.request_headline()

    def request_headline(self, sel: Selection | None = None) -> int:
        """Compute the home page's figures for ``sel`` (default: the last selection) on a worker.

        "Now" is the period as long as the baseline ending at the selection's end, as of its
        "as of"; a newer request drops the result of an older one. Run for every report of the
        current request, and by :meth:`set_baseline`. Returns the request generation.
        """
        self._headline_generation += 1
        gen = self._headline_generation
        sel = sel or self.last_selection
        period = self.baseline_period()
        if self.store is None or sel is None:
            return gen
        if period is None or period[1] <= period[0]:
            # No data to take a baseline from: the home page says so rather than waiting for figures.
            self.headline_ready.emit(None)
            return gen
        store, config, engine, chosen = self.store, self.config, self.engine, sel
        defs = self.definitions_for(chosen)

        def job(emit: Emit) -> None:
            try:
                headline = engine.headline(
                    store,
                    config,
                    baseline_from=period[0],
                    baseline_to=period[1],
                    now_to=chosen.window_to,
                    as_of=chosen.as_of,
                    stream=chosen.stream,
                    definitions=defs,
                )
            except Exception:
                if chosen.calendar == "working":
                    return  # the report's task says that the engine refused working time
                raise
            emit("headline", headline)

        self.tasks.submit(Task(gen, job, lambda g: g == self._headline_generation), self._on_headline)
        return gen

    def _on_headline(self, gen: int, _kind: str, payload: object) -> None:
        if gen != self._headline_generation:
            self.stale_dropped += 1
            return
        self.last_headline = cast("Headline", payload)
        self.headline_ready.emit(payload)

    def _on_partial(self, gen: int, kind: str, payload: object) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        if kind == "holdings":
            self.holdings = cast("Holdings", payload)
        elif kind == "report":
            self.last_report = cast("Report", payload)
            self.report_ready.emit(payload)
            self._request_scatter(gen)
            # The home page's figures once the report is in: its arrays are then built, so the two
            # workers never materialise the same stream at once (tens of seconds on a large store).
            self.request_headline()
        elif kind == "trends":
            key, points = cast("tuple[object, list[TrendPoint]]", payload)
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "trends"} | {("trends", key): points}
            self.last_trends = list(points)
            self.trends_ready.emit(self.last_trends)
        elif kind == "generation":
            self._request_pipelines(self.last_selection.as_of if self.last_selection else self.now(), int(payload))  # type: ignore[call-overload]
        elif kind == "calendar_rejected":
            self.calendar_rejected.emit(str(payload))

    def _request_pipelines(self, as_of: datetime, generation: int) -> None:
        """Pipeline states as of ``as_of``, unless they are known or being computed for it.

        They depend on ``as_of`` and the data only, not on the range, and can be slow on a big
        cache: one computation at a time, never repeated for the same (as_of, data generation).
        """
        key = (as_of, generation)
        if key == self._pipelines_key or self.store is None:
            if key == self._pipelines_key and self._pipelines_done and self.last_pipelines is not None:
                self.pipelines_ready.emit(self.last_pipelines)
            return
        self._pipelines_key, self._pipelines_done = key, False
        store, engine = self.store, self.engine

        def job(emit: Emit) -> None:
            # Sorted here, off the GUI thread; the board shows them in this order (failing first).
            emit("pipelines", (key, sort_statuses(engine.pipeline_statuses(store, as_of=as_of))))

        self.tasks.submit(Task(0, job), self._on_pipelines)

    def _on_pipelines(self, _gen: int, _kind: str, payload: object) -> None:
        key, statuses = cast("tuple[tuple[datetime, int], list[PipelineStatus]]", payload)
        if key != self._pipelines_key:
            return  # a newer as_of was asked for meanwhile
        self._pipelines_done = True
        self.last_pipelines = list(statuses)
        self.pipelines_ready.emit(self.last_pipelines)

    def compare(self, before: tuple[datetime, datetime], after: tuple[datetime, datetime]) -> int:
        """Compute the two reports of a before/after comparison."""
        self._compare_generation += 1
        gen = self._compare_generation
        if self.store is None:
            return gen
        store, config, engine = self.store, self.config, self.engine
        sel = self.last_selection
        defs = self.definitions_for(sel) if sel else self.config.definitions
        stream = sel.stream if sel else None

        def job(emit: Emit) -> None:
            reports = [
                engine.build_report(store, config, window_from=a, window_to=b, as_of=b, stream=stream, definitions=defs)
                for a, b in (before, after)
            ]
            emit("comparison", tuple(reports))

        self.tasks.submit(Task(gen, job, lambda g: g == self._compare_generation), self._on_compare)
        return gen

    def _on_compare(self, gen: int, kind: str, payload: object) -> None:
        if gen != self._compare_generation:
            self.stale_dropped += 1
            return
        before, after = cast("tuple[Report, Report]", payload)
        self.comparison_ready.emit(before, after)

    def set_config(self, config: Config) -> None:
        """Use ``config`` from now on (reloaded after a Sources change) and recompute."""
        self.config = config
        self.config_changed.emit(config)
        if self.last_selection is not None:
            self.request(self.last_selection)

    def _refresh(self) -> None:
        if self.info is not None and self.info.demo:
            return  # the demo never changes and its "now" is fixed: nothing to refresh
        sel = self.last_selection
        if sel is not None and self.tasks.busy == 0 and abs((sel.as_of - self.now()).total_seconds()) < 120:
            self.request(dataclasses.replace(sel, as_of=self.now()))

    def refresh_data(self) -> None:
        """New data is in the store: re-request the current selection (moving "now" along)."""
        sel = self.last_selection
        if sel is None or self.store is None:
            return
        if abs((sel.as_of - self.now()).total_seconds()) < 120:
            sel = dataclasses.replace(sel, as_of=self.now())
        self.request(sel)
        self.data_updated.emit(utc_now())

    def _store_changed(self, _generation: int) -> None:
        if self.syncer.running:
            return  # our own sync: one refresh when it lands (the watcher looks again then)
        self.refresh_data()

    def load_stage_items(
        self,
        stage: str,
        on_result: Callable[[object], None],
        on_error: Callable[[str], None] | None = None,
    ) -> Task | None:
        """Fetch the items behind ``stage`` of the last selection on a worker (None: nothing to ask)."""
        sel, store, engine = self.last_selection, self.store, self.engine
        if sel is None or store is None:
            return None
        config, scope = self.config, self.scope_of(sel)
        return self.submit(
            lambda: engine.stage_details(store, config, **scope, stage=stage),
            on_result,
            on_error,
        )

    def load_what_if_base(
        self, on_result: Callable[[object], None], on_error: Callable[[str], None] | None = None
    ) -> Task | None:
        """The what-if base (``data.report.build.what_if_base``) of the last selection's stream on a worker:
        computed once per selection, then projected on the GUI thread as factors change (None: nothing to ask)."""
        sel, store, engine = self.last_selection, self.store, self.engine
        if sel is None or store is None:
            return None
        config, scope = self.config, self.scope_of(sel)
        return self.submit(lambda: engine.what_if_base(store, config, **scope), on_result, on_error)

    def load_forecasts(
        self,
        questions: Sequence[dict[str, Any]],
        on_result: Callable[[object], None],
        on_error: Callable[[str], None] | None = None,
    ) -> Task | None:
        """Forecasts for the last selection's stream as of its instant, on a worker: for each question
        (``{"items": N}`` or ``{"by": date}``) a ``(ForecastResult, outcomes or None)`` pair, in order."""
        sel, store, engine = self.last_selection, self.store, self.engine
        if sel is None or store is None:
            return None
        config = self.config
        scope = {"as_of": sel.as_of, "stream": sel.stream, "definitions": self.definitions_for(sel)}

        def fn() -> object:
            return [
                (engine.forecast(store, config, **scope, **q), engine.forecast_outcomes(store, config, **scope, **q))
                for q in questions
            ]

        return self.submit(fn, on_result, on_error)

    def load_target_forecast(
        self, on_result: Callable[[object], None], on_error: Callable[[str], None] | None = None
    ) -> Task | None:
        """The chance that an item starting at the selection's instant meets the lead-time target
        (``data.report.forecast.target_forecast``), on a worker."""
        sel, store, engine = self.last_selection, self.store, self.engine
        if sel is None or store is None:
            return None
        config = self.config
        scope = {"as_of": sel.as_of, "stream": sel.stream, "definitions": self.definitions_for(sel)}
        return self.submit(lambda: engine.target_forecast(store, config, **scope), on_result, on_error)

    def submit(
        self,
        fn: Callable[[], T],
        on_result: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> Task:
        """Run ``fn()`` on a compute worker; ``on_result(value)`` or ``on_error(message)`` on the GUI thread."""
        return self.tasks.run(fn, on_result, on_error)

    def is_current(self, generation: int) -> bool:
        """True when ``generation`` is the latest request (thread-safe read of an int)."""
        return generation == self._generation


_ = UTC  # re-exported instants are UTC throughout
