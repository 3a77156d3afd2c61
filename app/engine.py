"""The metrics engine seen by the controller, and what the window learns about the opened store.

:class:`Engine` is the protocol the controller computes through (``data.report`` by default, via
:class:`ModuleEngine`), so tests can substitute a slow or failing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from data.config import Config, Definitions
from data.results import PipelineStatus, Report, StageItem, TrendPoint
from data.store import Store

__all__ = ["Engine", "ModuleEngine", "StoreInfo", "data_span"]


class Engine(Protocol):
    """What the controller needs from the metrics engine (``data.report``)."""

    def build_report(
        self,
        store: Store,
        config: Config,
        *,
        window_from: datetime,
        window_to: datetime,
        as_of: datetime | None = None,
        stream: str | None = None,
        definitions: Definitions | None = None,
        details: bool = True,
    ) -> Report:
        """One report for a window (``data.report.build_report``)."""

    def weekly_trends(
        self,
        store: Store,
        config: Config,
        *,
        window_from: datetime,
        window_to: datetime,
        stream: str | None = None,
        definitions: Definitions | None = None,
    ) -> list[TrendPoint]:
        """Weekly trend points (``data.report.weekly_trends``)."""

    def pipeline_statuses(self, store: Store, *, as_of: datetime | None = None) -> list[PipelineStatus]:
        """Latest state of every pipeline (``data.report.pipeline_statuses``)."""

    def stage_details(
        self,
        store: Store,
        config: Config,
        *,
        window_from: datetime,
        window_to: datetime,
        as_of: datetime | None = None,
        stream: str | None = None,
        stage: str,
        definitions: Definitions | None = None,
    ) -> tuple[StageItem, ...]:
        """The items behind one stage (``data.report.stage_details``)."""


class ModuleEngine:
    """The real engine: :mod:`data.report`, imported on first use (on a worker thread)."""

    def _mod(self) -> Any:
        import data.report

        return data.report

    def build_report(self, store: Store, config: Config, **kw: Any) -> Report:
        """``data.report.build_report``."""
        return self._mod().build_report(store, config, **kw)  # type: ignore[no-any-return]

    def weekly_trends(self, store: Store, config: Config, **kw: Any) -> list[TrendPoint]:
        """``data.report.weekly_trends``."""
        return self._mod().weekly_trends(store, config, **kw)  # type: ignore[no-any-return]

    def pipeline_statuses(self, store: Store, **kw: Any) -> list[PipelineStatus]:
        """``data.report.pipeline_statuses``."""
        return self._mod().pipeline_statuses(store, **kw)  # type: ignore[no-any-return]

    def stage_details(self, store: Store, config: Config, **kw: Any) -> tuple[StageItem, ...]:
        """``data.report.stage_details``: the items behind one stage, fetched when it is opened."""
        return self._mod().stage_details(store, config, **kw)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class StoreInfo:
    """What the window needs to know about the opened store."""

    url: str
    demo: bool
    demo_end: datetime | None
    generated_demo: bool
    first_day: date | None
    last_day: date | None


def data_span(store: Store) -> tuple[date | None, date | None]:
    """First and last day with any status change or deployment (small aggregate queries).

    Status changes rather than creation dates: a backlog can hold items created years before
    anything moved, and a "first 8 weeks" comparison starting there would compare nothing.
    """
    from sqlalchemy import func, select

    from data import schema
    from data.schema import from_ms

    with store.engine.connect() as conn:
        lo_items = conn.execute(select(func.min(schema.status_changes.c.at))).scalar()
        lo_deploy = conn.execute(select(func.min(schema.deployments.c.finished_at))).scalar()
        hi_items = conn.execute(select(func.max(schema.status_changes.c.at))).scalar()
        hi_deploy = conn.execute(select(func.max(schema.deployments.c.finished_at))).scalar()
    his = [v for v in (hi_items, hi_deploy) if v is not None]
    los = [v for v in (lo_items, lo_deploy) if v is not None]
    lo = min(los) if los else None

    def day(v: Any) -> date | None:
        if v is None:
            return None
        return (v if isinstance(v, datetime) else from_ms(int(v))).astimezone().date()

    return day(lo), day(max(his) if his else None)
