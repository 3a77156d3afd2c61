"""The controller's worker bookkeeping and the handlers that turn worker results into signals.

:class:`ControllerResults` is a mixin of :class:`app.controllers.report.Controller` (which owns the signals
and the state): it submits tasks counting the busy ones, reports failures (dropping superseded
ones), takes the opened store, forwards reports, trends and comparisons of the current generation
and drops stale ones, and refreshes "now" on the timer. Texts keep the ``Controller`` context.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from app.controllers.engine import StoreInfo
from app.workers import Task
from data.report.results import Report, TrendPoint
from data.store.store import Store
from widgets.i18n import translate
from widgets.time_range import Selection

__all__ = ["ControllerResults"]


class ControllerResults:
    """Task submission and result handlers (a mixin of Controller)."""

    # Signals and state of the Controller (a QObject) this class is mixed into.
    store_ready: Any
    report_ready: Any
    trends_ready: Any
    comparison_ready: Any
    busy_changed: Any
    progress: Any
    error: Any
    calendar_rejected: Any
    workers: Any
    watcher: Any
    refresh_timer: Any
    store: Store | None
    info: StoreInfo | None
    last_selection: Selection | None
    last_report: Report | None
    last_trends: list[TrendPoint]
    stale_dropped: int
    _busy: int
    _generation: int
    _compare_generation: int
    _cache: dict[Any, Any]

    # Methods of the Controller.
    request: Callable[[Selection], int]
    now: Callable[[], datetime]
    _request_pipelines: Callable[[datetime, int], None]
    _request_scatter: Callable[[int], None]

    def _submit(self, task: Task, on_partial: Callable[[int, str, object], None]) -> None:
        task.signals.partial.connect(on_partial)
        task.signals.failed.connect(lambda _g, m, e, t=task: self._on_failed(t, m, e))
        task.signals.finished.connect(self._on_finished)
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)
        self.workers.submit(task)

    def _on_finished(self, _gen: int) -> None:
        self._busy -= 1
        if self._busy == 0:
            self.busy_changed.emit(False)

    def _on_failed(self, task: Task, message: str, exc: object) -> None:
        if task.is_current is not None and not task.is_current(task.generation):
            return  # a superseded request failing is not news
        if isinstance(exc, ModuleNotFoundError):
            message = translate(
                "Controller", "The metrics engine is not available in this build ({module} is missing)."
            ).format(module=exc.name)
        self.error.emit(message)

    def _on_start(self, _gen: int, kind: str, payload: object) -> None:
        if kind == "progress":
            self.progress.emit(str(payload))
            return
        store, info = cast("tuple[Store, StoreInfo]", payload)
        self.store, self.info = store, info
        self.progress.emit("Demo data" if info.demo else "Ready")
        self.store_ready.emit(info)
        if self.last_selection is not None:
            self.request(self.last_selection)
        self.refresh_timer.start()
        self.watcher.start(store)

    def _on_partial(self, gen: int, kind: str, payload: object) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        if kind == "report":
            self.last_report = cast("Report", payload)
            self.report_ready.emit(payload)
            self._request_scatter(gen)
        elif kind == "trends":
            key, points = cast("tuple[object, list[TrendPoint]]", payload)
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "trends"} | {("trends", key): points}
            self.last_trends = list(points)
            self.trends_ready.emit(self.last_trends)
        elif kind == "generation":
            self._request_pipelines(self.last_selection.as_of if self.last_selection else self.now(), int(payload))  # type: ignore[call-overload]
        elif kind == "calendar_rejected":
            self.calendar_rejected.emit(str(payload))

    def _on_compare(self, gen: int, kind: str, payload: object) -> None:
        if gen != self._compare_generation:
            self.stale_dropped += 1
            return
        before, after = cast("tuple[Report, Report]", payload)
        self.comparison_ready.emit(before, after)

    def _refresh(self) -> None:
        if self.info is not None and self.info.demo:
            return  # the demo never changes and its "now" is fixed: nothing to refresh
        sel = self.last_selection
        if sel is not None and self._busy == 0 and abs((sel.as_of - self.now()).total_seconds()) < 120:
            self.request(dataclasses.replace(sel, as_of=self.now()))
