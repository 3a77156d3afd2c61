"""The metrics engine seen by the controller, and what the window learns about the opened store.

:class:`Engine` is the protocol the controller computes through (``data.report.build`` by default, via
:class:`ModuleEngine`), so tests can substitute a slow or failing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from data.config.model import Config, Definitions
from data.pipelines.results import PipelineStatus
from data.report.results import Headline, LeadTimeScatter, Report, StageItem, TrendPoint
from data.store.store import Store

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from data.metrics.forecast import ForecastResult, TargetProbability
    from data.metrics.whatif import WhatIfBase

__all__ = ["Engine", "ModuleEngine", "StoreInfo", "data_span"]


class Engine(Protocol):
    """What the controller needs from the metrics engine (``data.report.build``)."""

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
        """One report for a window (``data.report.build.build_report``)."""

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
        """Weekly trend points (``data.report.trends.weekly_trends``)."""

    def pipeline_statuses(self, store: Store, *, as_of: datetime | None = None) -> list[PipelineStatus]:
        """Latest state of every pipeline (``data.report.trends.pipeline_statuses``)."""

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
        """The items behind one stage (``data.report.build.stage_details``)."""

    def lead_time_scatter(
        self,
        store: Store,
        config: Config,
        *,
        window_from: datetime,
        window_to: datetime,
        as_of: datetime | None = None,
        stream: str | None = None,
        definitions: Definitions | None = None,
    ) -> LeadTimeScatter:
        """Completed items' lead times, thinned for drawing (``data.report.scatter.lead_time_scatter``)."""

    def headline(
        self,
        store: Store,
        config: Config,
        *,
        baseline_from: datetime,
        baseline_to: datetime,
        now_to: datetime,
        as_of: datetime | None = None,
        stream: str | None = None,
        definitions: Definitions | None = None,
    ) -> Headline:
        """The home page's baseline → now figures (``data.report.headline.build_headline``)."""

    def what_if_base(self, store: Store, config: Config, **kw: Any) -> WhatIfBase:
        """The per-item times a what-if scenario is applied to (``data.report.build.what_if_base``;
        the arguments of :meth:`build_report`)."""

    def forecast(self, store: Store, config: Config, **kw: Any) -> ForecastResult:
        """A Monte Carlo forecast (``data.report.forecast.forecast``: ``items=`` or ``by=``, ``as_of``, …)."""

    def forecast_outcomes(self, store: Store, config: Config, **kw: Any) -> npt.NDArray[np.int64] | None:
        """The runs behind :meth:`forecast` with the same arguments (``data.report.forecast.forecast_outcomes``)."""

    def target_forecast(self, store: Store, config: Config, **kw: Any) -> TargetProbability:
        """The chance that an item starting now meets the target (``data.report.forecast.target_forecast``)."""


class ModuleEngine:
    """The real engine: :mod:`data.report`'s builders, imported on first use (on a worker thread)."""

    def build_report(self, store: Store, config: Config, **kw: Any) -> Report:
        """:func:`data.report.build.build_report`."""
        from data.report.build import build_report

        return build_report(store, config, **kw)

    def weekly_trends(self, store: Store, config: Config, **kw: Any) -> list[TrendPoint]:
        """:func:`data.report.trends.weekly_trends`."""
        from data.report.trends import weekly_trends

        return weekly_trends(store, config, **kw)

    def pipeline_statuses(self, store: Store, **kw: Any) -> list[PipelineStatus]:
        """:func:`data.report.trends.pipeline_statuses`."""
        from data.report.trends import pipeline_statuses

        return pipeline_statuses(store, **kw)

    def stage_details(self, store: Store, config: Config, **kw: Any) -> tuple[StageItem, ...]:
        """:func:`data.report.build.stage_details`: the items behind one stage, fetched when it is opened."""
        from data.report.build import stage_details

        return stage_details(store, config, **kw)

    def lead_time_scatter(self, store: Store, config: Config, **kw: Any) -> LeadTimeScatter:
        """:func:`data.report.scatter.lead_time_scatter`: the map page's scatter, after each report."""
        from data.report.scatter import lead_time_scatter

        return lead_time_scatter(store, config, **kw)

    def headline(self, store: Store, config: Config, **kw: Any) -> Headline:
        """:func:`data.report.headline.build_headline`."""
        from data.report.headline import build_headline

        return build_headline(store, config, **kw)

    def what_if_base(self, store: Store, config: Config, **kw: Any) -> WhatIfBase:
        """:func:`data.report.build.what_if_base`: computed once per selection, projected as the user types."""
        from data.report.build import what_if_base

        return what_if_base(store, config, **kw)

    def forecast(self, store: Store, config: Config, **kw: Any) -> ForecastResult:
        """:func:`data.report.forecast.forecast`."""
        from data.report.forecast import forecast

        return forecast(store, config, **kw)

    def forecast_outcomes(self, store: Store, config: Config, **kw: Any) -> npt.NDArray[np.int64] | None:
        """:func:`data.report.forecast.forecast_outcomes`."""
        from data.report.forecast import forecast_outcomes

        return forecast_outcomes(store, config, **kw)

    def target_forecast(self, store: Store, config: Config, **kw: Any) -> TargetProbability:
        """:func:`data.report.forecast.target_forecast`."""
        from data.report.forecast import target_forecast

        return target_forecast(store, config, **kw)


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
    """First and last local day with any status change or deployment (for the range controls)."""
    from data.store.queries import activity_span

    first, last = activity_span(store)
    return (first.astimezone().date() if first else None, last.astimezone().date() if last else None)
