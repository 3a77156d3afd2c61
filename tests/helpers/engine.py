"""A fake metrics engine fed with hand-built results, and a tiny demo, for the GUI tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from app.controllers.engine import ModuleEngine
from data.config.model import Config
from data.pipelines.results import PipelineStatus
from data.records import WorkItem
from data.report.results import Headline, LeadTimeScatter, Report, StageItem, TrendPoint
from data.store.store import Store
from tests.helpers import samples

DEMO_END = datetime(2026, 3, 30, tzinfo=UTC)


class FakeEngine:
    """Stands in for ``data.report.build``: a report whose figures encode the request.

    ``lead_time_median_h`` = window length in days (so a range change is visible), the stream has
    ``stages`` stages, and ``delays`` (seconds, consumed in order) slow down successive calls.
    """

    def __init__(self, stages: int = 7) -> None:
        self.stages = stages
        self.delays: list[float] = []
        self.calls: list[dict[str, Any]] = []
        self.fail_working = False
        self.trend_calls = 0
        self.pipeline_calls = 0
        self.scatter_calls = 0
        self.headline_calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def build_report(self, store: Store, config: Config, **kw: Any) -> Report:
        with self._lock:
            self.calls.append(kw)
            delay = self.delays.pop(0) if self.delays else 0.0
        if delay:
            time.sleep(delay)
        defs = kw.get("definitions")
        if self.fail_working and defs is not None and defs.calendar == "working":
            raise ValueError("calendar 'working' is not implemented")
        days = (kw["window_to"] - kw["window_from"]).total_seconds() / 86400
        r = samples.report(self.stages, name=kw.get("stream") or "All teams", lead_h=days)
        return Report(
            window_from=kw["window_from"],
            window_to=kw["window_to"],
            as_of=kw.get("as_of") or kw["window_to"],
            definitions={"median": defs.median, "dora": defs.dora, "calendar": defs.calendar} if defs else {},
            streams=r.streams,
            dora=r.dora,
            delivery=r.delivery,
            notes=r.notes,
        )

    def weekly_trends(self, store: Store, config: Config, **kw: Any) -> list[TrendPoint]:
        self.trend_calls += 1
        return samples.trends(8)

    def pipeline_statuses(self, store: Store, **kw: Any) -> list[PipelineStatus]:
        self.pipeline_calls += 1
        return samples.pipelines()

    def stage_details(self, store: Store, config: Config, **kw: Any) -> tuple[StageItem, ...]:
        (stream,) = samples.report(self.stages).streams
        return next(s.details for s in stream.stages if s.name == kw["stage"])

    def lead_time_scatter(self, store: Store, config: Config, **kw: Any) -> LeadTimeScatter:
        self.scatter_calls += 1
        return samples.scatter(name=kw.get("stream") or "All teams")

    def headline(self, store: Store, config: Config, **kw: Any) -> Headline:
        with self._lock:
            self.headline_calls.append(kw)
        defs = kw.get("definitions")
        return samples.headline(
            kw["baseline_from"], kw["baseline_to"], kw["now_to"], kw.get("as_of"), dora=defs.dora if defs else "2023"
        )

    # The future-state base and the forecasts come from the store, as the real engine computes them
    # (the fake report's stream has the demo config's name and stage names).
    def what_if_base(self, store: Store, config: Config, **kw: Any) -> Any:
        return ModuleEngine().what_if_base(store, config, **kw)

    def forecast(self, store: Store, config: Config, **kw: Any) -> Any:
        return ModuleEngine().forecast(store, config, **kw)

    def forecast_outcomes(self, store: Store, config: Config, **kw: Any) -> Any:
        return ModuleEngine().forecast_outcomes(store, config, **kw)

    def target_forecast(self, store: Store, config: Config, **kw: Any) -> Any:
        return ModuleEngine().target_forecast(store, config, **kw)


def fake_demo(store: Store) -> None:
    """A tiny 'demo': one work item and the demo flags (the real generator is data.demo)."""
    with store.writer() as w:
        w.upsert([WorkItem("demo", "PAY-1", "Card limit", DEMO_END - timedelta(weeks=26))])
        w.set_meta("demo", "1")
        w.set_meta("demo_end", DEMO_END.isoformat())
