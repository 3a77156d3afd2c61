"""The Future state and Forecast pages of the main window, and the target forecast on the scorecard.

**Future state.** When the page is shown, the what-if base of the selection (the per-item per-stage
times behind the report, ``data.report.build.what_if_base``) is computed once on a compute worker;
then every factor the user drags or types is projected on the GUI thread with
``data.metrics.whatif.project`` (a few milliseconds even on the large demo; the last time is kept in
:attr:`FuturePages.last_projection_ms`). The headline is that projection; the future map is the
current stream with each stage's figures scaled by its factors (:func:`projected_stream`).
Scenarios are saved by name in ``flowdeck.toml`` (``[[scenarios]]``, ``data.config.edit``) on a
worker, and listed in the PDF report (:meth:`FuturePages.pdf_sections`).

**Forecast.** ``data.report.forecast.forecast`` for the stream's WIP, for the number typed and for the date
picked, with the runs behind the last two for the histograms; on a worker, once typing pauses.

**Scorecard.** With every report, ``data.report.forecast.target_forecast`` on a worker: the chance that an
item starting now is done within the lead-time target, in words beside the targets.

Texts keep the ``FuturePages`` context.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from data.config.model import SavedScenario
from data.metrics.forecast import LIKELIHOODS, count_likely, days_likely
from data.metrics.whatif import Factor, Scenario, ScenarioError, project
from data.report.results import StreamResult, WhatIfResult
from widgets.forecast_panel import ForecastPanel, Outcomes
from widgets.format import DASH, fmt_hours, fmt_pct
from widgets.future_state import FutureStateView, change_text, points_text
from widgets.i18n import translate

if TYPE_CHECKING:
    from app.controllers.report import Controller
    from data.metrics.forecast import ForecastResult, TargetProbability
    from data.metrics.whatif import WhatIfBase
    from data.report.results import Report
    from widgets.scorecard import Scorecard

__all__ = ["FuturePages", "projected_stream", "scenario_of", "target_text"]


def scenario_of(factors: Mapping[str, float]) -> Scenario:
    """A :class:`data.metrics.whatif.Scenario` of ``{"Stage.part": factor}`` (stage names may hold dots)."""
    return Scenario(tuple(Factor(k.rsplit(".", 1)[0], k.rsplit(".", 1)[1], float(v)) for k, v in factors.items()))


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def projected_stream(stream: StreamResult, factors: Mapping[str, float], result: WhatIfResult) -> StreamResult:
    """The future map's stream: each stage's wait and process figures scaled by its factors (what the map
    draws), the headline (lead time median and p85, flow efficiency) the projection over the items, and
    the bottleneck the stage with the largest scaled total wait. All factors 1 give ``stream`` itself."""
    stages = []
    for st in stream.stages:
        w = factors.get(f"{st.name}.wait", 1.0)
        a = factors.get(f"{st.name}.active", 1.0)
        if w == 1.0 and a == 1.0:
            stages.append(st)
            continue
        stages.append(
            replace(
                st,
                wait_median_h=_scaled(st.wait_median_h, w),
                wait_p85_h=_scaled(st.wait_p85_h, w),
                wait_total_h=_scaled(st.wait_total_h, w),
                active_median_h=_scaled(st.active_median_h, a),
                active_p85_h=_scaled(st.active_p85_h, a),
                active_total_h=_scaled(st.active_total_h, a),
            )
        )
    waits = [(s.wait_total_h, s.name) for s in stages if s.wait_total_h]
    return replace(
        stream,
        lead_time_median_h=result.lead_time_median_h,
        lead_time_p85_h=result.lead_time_p85_h,
        flow_efficiency=result.flow_efficiency,
        bottleneck=max(waits, key=lambda x: x[0])[1] if waits else None,
        stages=tuple(stages),
    )


def target_text(t: TargetProbability, weeks: int) -> str:
    """The target forecast in one sentence (the reason when it is not forecast)."""
    days = f"{t.target_days:g}"
    if t.probability is None:
        return translate("FuturePages", "Chance of meeting the {days}-day target: not forecast: {reason}").format(
            days=days, reason=t.reason or DASH
        )
    return translate(
        "FuturePages",
        "Chance that an item starting today is done within {days} days: {chance} (each stage's time drawn "
        "from %n item(s) completed in the last {weeks} weeks).",
        "",
        t.items,
    ).format(days=days, chance=fmt_pct(t.probability, 1), weeks=weeks)


@dataclass
class _Computed:
    """What a page shows, and for which inputs (None: not computed yet)."""

    key: object = None
    value: object = None


class FuturePages(QObject):
    """Builds the two pages, fills the one on screen when its inputs changed, and feeds the scorecard.

    Signals:
        computed(str): ``future`` (a new base projected and shown), ``forecast`` or ``target`` (the
            scorecard's target forecast) arrived.
    """

    computed = Signal(str)
    #: Weeks of throughput history the forecasts use (``data.metrics.forecast.DEFAULT_WEEKS``).
    WEEKS = 12

    def __init__(self, controller: Controller, tabs: QTabWidget, scorecard: Scorecard, parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self.tabs = tabs
        self.scorecard = scorecard
        self.view = FutureStateView()
        self.forecast = ForecastPanel()
        self.data_version = 0
        self.report: Report | None = None
        self.base: WhatIfBase | None = None
        self._base = _Computed()
        self._forecast = _Computed()
        self._target_key: object = None
        #: The projection on screen, and how long the last one took on the GUI thread (ms).
        self.projection: WhatIfResult | None = None
        self.last_projection_ms: float | None = None
        self.scenario_name: str | None = None
        #: Factors asked for before the map's stages were known (``--what-if``).
        self._pending: dict[str, float] = {}
        self._refresh_scenarios()

        tabs.currentChanged.connect(lambda _i: self.update())
        controller.report_ready.connect(self._report)
        controller.data_updated.connect(lambda _t: self._bump())
        controller.config_changed.connect(lambda _c: self._config_changed())
        self.view.changed.connect(self.project)
        self.view.save_requested.connect(self.save_scenario)
        self.view.delete_requested.connect(self.delete_scenario)
        self.view.scenario_chosen.connect(self.apply_saved)
        self.forecast.asked.connect(lambda _n, _d: self.refresh_forecast())

    def pages(self) -> list[tuple[str, str, QWidget]]:
        """(name, tab title, widget) of each page, in tab order."""
        return [
            ("future", translate("FuturePages", "Future state"), self.view),
            ("forecast", translate("FuturePages", "Forecast"), self.forecast),
        ]

    def _bump(self) -> None:
        self.data_version += 1
        self._target_key = None
        self.update()

    def _config_changed(self) -> None:
        self._refresh_scenarios()
        self._bump()

    def _selection_key(self) -> object:
        sel = self.controller.last_selection
        return None if sel is None else (sel, self.data_version)

    def _report(self, report: Report) -> None:
        self.report = report
        stream = report.streams[0] if report.streams else None
        self.view.set_current(stream, translate("FuturePages", "No completed items in this window"))
        if stream is not None and self.base is not None and self._base.key == self._selection_key():
            self.project()
        self.update()
        self.refresh_target()

    def update(self) -> None:
        """Compute the page on screen if what it shows is out of date."""
        current = self.tabs.currentWidget()
        if current is self.view:
            self.refresh_base()
        elif current is self.forecast:
            self.refresh_forecast()

    # -- future state --

    def set_factors(self, factors: Mapping[str, float]) -> list[str]:
        """Set the editor's factors (``--what-if``, a saved scenario); returns keys naming no stage shown.
        Factors for a map not shown yet are kept and applied when it arrives."""
        self._pending = dict(factors)
        if not self.view.editor.stages():
            return []
        self._pending = {}
        return self.view.editor.set_factors(factors)

    def refresh_base(self, *, force: bool = False) -> None:
        """Compute the what-if base of the selection on a worker (unless it is known or on its way)."""
        key = self._selection_key()
        c = self.controller
        if key is None or c.store is None or (key == self._base.key and not force):
            return
        self._base = _Computed(key)
        self.view.set_status(translate("FuturePages", "Reading the items behind the map…"))
        started = time.perf_counter()

        def done(value: object) -> None:
            if self._base.key != key:
                return  # a newer selection is on its way
            self.base = cast("WhatIfBase", value)
            self._base.value = value
            self.view.set_status(
                translate(
                    "FuturePages",
                    "%n completed item(s) read in {ms} ms; each change is projected on them as you type.",
                    "",
                    int(self.base.lead_h.size),
                ).format(ms=f"{(time.perf_counter() - started) * 1000:.0f}")
            )
            pending = self._pending
            if pending and self.view.editor.stages():
                self._pending = {}
                self.view.editor.set_factors(pending)  # projects through ``changed``
            else:
                self.project()
            self.computed.emit("future")

        def failed(message: str) -> None:
            if self._base.key == key:
                self._base = _Computed()
                self.view.set_status(translate("FuturePages", "Could not compute: {message}").format(message=message))

        c.load_what_if_base(done, failed)

    def project(self) -> WhatIfResult | None:
        """Project the editor's factors on the base (GUI thread) and show the headline and the future map."""
        report, base = self.report, self.base
        stream = report.streams[0] if report is not None and report.streams else None
        if stream is None or base is None or base.stream != stream.name:
            return None
        if self._base.value is not base or self._base.key != self._selection_key():
            return None  # the base of this selection is on its way: it projects when it lands
        factors = self.view.editor.factors()
        target = self.controller.config.targets.requirement_lead_time_days
        started = time.perf_counter()
        try:
            projection = project(base, scenario_of(factors), target)
        except (ScenarioError, ValueError) as exc:
            self.view.set_status(str(exc))
            return None
        result = WhatIfResult(**asdict(projection))
        self.last_projection_ms = (time.perf_counter() - started) * 1000
        self.projection = result
        self.view.show_projection(stream, result, projected_stream(stream, factors, result))
        return result

    # -- saved scenarios --

    def _config_path(self) -> Path:
        from data.config.parse import default_config_path

        return self.controller.config.path or default_config_path()

    def _refresh_scenarios(self) -> None:
        names = [s.name for s in self.controller.config.scenarios]
        current = self.scenario_name if self.scenario_name in names else None
        self.view.set_scenarios(names, current)

    def saved(self, name: str) -> SavedScenario | None:
        """The saved scenario called ``name`` (case-insensitive)."""
        return next((s for s in self.controller.config.scenarios if s.name.lower() == name.lower()), None)

    def apply_saved(self, name: str) -> None:
        """Put the factors of the saved scenario ``name`` in the editor."""
        s = self.saved(name)
        if s is None:
            return
        self.scenario_name = s.name
        unknown = self.set_factors(dict(s.factors))
        if unknown:
            self.view.set_status(
                translate("FuturePages", "Not on this stream's map, left out: {parts}").format(parts=", ".join(unknown))
            )

    def _write(self, fn: Any, done_text: str) -> None:
        def done(value: object) -> None:
            # A scenario changes no figure: the new config is used without recomputing anything.
            self.controller.config = cast("Any", value)
            self._refresh_scenarios()
            self.view.set_status(done_text)

        def failed(message: str) -> None:
            self.view.set_status(translate("FuturePages", "Nothing was saved: {message}").format(message=message))

        self.controller.submit(fn, done, failed)

    def save_scenario(self, name: str) -> None:
        """Save the editor's factors as scenario ``name`` in flowdeck.toml (on a worker)."""
        from data.config.edit import save_scenario

        stream = self.report.streams[0].name if self.report is not None and self.report.streams else None
        scenario = SavedScenario(name=name, factors=tuple(self.view.editor.factors().items()), stream=stream)
        path = self._config_path()
        self.scenario_name = name
        self._write(
            lambda: save_scenario(path, scenario),
            translate("FuturePages", "Scenario {name} saved in {path}.").format(name=name, path=path),
        )

    def delete_scenario(self, name: str) -> None:
        """Remove the saved scenario ``name`` from flowdeck.toml (on a worker)."""
        from data.config.edit import remove_scenario

        path = self._config_path()
        if self.scenario_name and self.scenario_name.lower() == name.lower():
            self.scenario_name = None
        self._write(
            lambda: remove_scenario(path, name),
            translate("FuturePages", "Scenario {name} deleted from {path}.").format(name=name, path=path),
        )

    # -- forecast --

    def refresh_forecast(self, *, force: bool = False) -> None:
        """Forecast the WIP, the items typed and the date picked on a worker (unless known or on its way)."""
        c = self.controller
        sel = c.last_selection
        stream = self.report.streams[0] if self.report is not None and self.report.streams else None
        if sel is None or c.store is None or stream is None:
            return
        start = sel.as_of.astimezone(UTC).date()
        self.forecast.set_context(start, stream.wip)
        items, by = self.forecast.items(), self.forecast.by()
        key = (self._selection_key(), stream.wip, items, by)
        if key == self._forecast.key and not force:
            return
        self._forecast = _Computed(key)
        self.forecast.set_status(translate("FuturePages", "Computing…"))
        questions: list[dict[str, Any]] = [{"items": items}, {"by": by}]
        if stream.wip > 0:
            questions.append({"items": stream.wip})
        started = time.perf_counter()

        def done(value: object) -> None:
            if self._forecast.key != key:
                return
            self._forecast.value = value
            self._show_forecast(cast("list[tuple[ForecastResult, Any]]", value), time.perf_counter() - started)
            self.computed.emit("forecast")

        def failed(message: str) -> None:
            if self._forecast.key == key:
                self._forecast = _Computed()
                self.forecast.set_status(
                    translate("FuturePages", "Could not compute: {message}").format(message=message)
                )

        c.load_forecasts(questions, done, failed)

    def _show_forecast(self, answers: list[tuple[ForecastResult, Any]], seconds: float) -> None:
        def outcomes(values: Any, likely: Any) -> Outcomes | None:
            if values is None or len(values) == 0:
                return None
            p50, p85, p95 = (likely(values, p) for p in LIKELIHOODS)
            return Outcomes(values, (p50, p85, p95))

        (items, items_runs), (by, by_runs) = answers[0], answers[1]
        wip = answers[2][0] if len(answers) > 2 else None
        self.forecast.set_results(wip, items, by, outcomes(items_runs, days_likely), outcomes(by_runs, count_likely))
        if items.target is not None:
            self.forecast.set_target(target_text(items.target, items.weeks))
        self.forecast.set_status(translate("FuturePages", "Computed in {ms} ms.").format(ms=f"{seconds * 1000:.0f}"))

    # -- scorecard --

    def refresh_target(self) -> None:
        """The target forecast of the selection for the scorecard, on a worker (once per selection and data)."""
        key = self._selection_key()
        if key is None or key == self._target_key or self.controller.store is None:
            return
        self._target_key = key

        def done(value: object) -> None:
            if self._target_key == key:
                self.scorecard.set_target_forecast(target_text(cast("TargetProbability", value), self.WEEKS))
                self.computed.emit("target")

        def failed(message: str) -> None:
            if self._target_key == key:
                self.scorecard.set_target_forecast(
                    translate("FuturePages", "Target forecast: could not compute: {message}").format(message=message)
                )

        self.controller.load_target_forecast(done, failed)

    # -- PDF --

    def pdf_sections(self) -> list[str]:
        """The PDF report's future-state page as HTML (every name escaped): the scenario on screen and each
        saved one for this stream, with the projected figures beside today's; empty when nothing was computed."""
        report, base = self.report, self.base
        stream = report.streams[0] if report is not None and report.streams else None
        if stream is None or base is None or base.stream != stream.name or self.projection is None:
            return []
        e = html.escape
        target = self.controller.config.targets.requirement_lead_time_days
        rows: list[tuple[str, dict[str, float], WhatIfResult]] = []
        factors = self.view.editor.factors()
        rows.append((self.scenario_name or translate("FuturePages", "On screen (not saved)"), factors, self.projection))
        for s in self.controller.config.scenarios:
            if s.stream not in (None, stream.name) or (self.scenario_name and s.name == self.scenario_name):
                continue
            try:
                p = WhatIfResult(**asdict(project(base, scenario_of(dict(s.factors)), target)))
            except (ScenarioError, ValueError):
                continue  # a scenario for stages this stream does not have
            rows.append((s.name, dict(s.factors), p))
        head = translate("FuturePages", "Future state of {stream}").format(stream=stream.name)
        intro = translate(
            "FuturePages",
            "Each stage's wait and process time scaled by the factors shown (0 removes it, 1 keeps it), projected "
            "over the items completed in the window. Target: {days} days.",
        ).format(days=f"{target:g}")
        headings = (
            translate("FuturePages", "Scenario"),
            translate("FuturePages", "Factors"),
            translate("FuturePages", "Lead time (median)"),
            translate("FuturePages", "Lead time (p85)"),
            translate("FuturePages", "Flow efficiency"),
            translate("FuturePages", "Within target"),
        )
        parts = [f"<h2>{e(head)}</h2><p>{e(intro)}</p>", "<table border='1' cellspacing='0' cellpadding='3'><tr>"]
        parts += [f"<th>{e(h)}</th>" for h in headings]
        parts.append("</tr>")
        now_name = translate("FuturePages", "Now")
        first = self.projection
        parts.append(
            f"<tr><td>{e(now_name)}</td><td>{DASH}</td><td>{e(fmt_hours(stream.lead_time_median_h))}</td>"
            f"<td>{e(fmt_hours(stream.lead_time_p85_h))}</td><td>{e(fmt_pct(stream.flow_efficiency))}</td>"
            f"<td>{e(fmt_pct(first.within_target_share_now, 1))}</td></tr>"
        )
        for name, fs, p in rows:
            listed = ", ".join(f"{k} × {v:g}" for k, v in fs.items()) or DASH
            cells = [
                name,
                listed,
                f"{fmt_hours(p.lead_time_median_h)} ({change_text(stream.lead_time_median_h, p.lead_time_median_h)})",
                f"{fmt_hours(p.lead_time_p85_h)} ({change_text(stream.lead_time_p85_h, p.lead_time_p85_h)})",
                f"{fmt_pct(p.flow_efficiency)} ({points_text(stream.flow_efficiency, p.flow_efficiency)})",
                fmt_pct(p.within_target_share, 1),
            ]
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
        listed_nm = sorted({k for _n, _f, p in rows for k in p.not_modelled})
        if listed_nm:
            note = translate(
                "FuturePages",
                "Not modelled per item (pipeline stages, measured per run): {parts}. "
                "Their factors change no lead time.",
            ).format(parts=", ".join(listed_nm))
            parts.append(f"<p>{e(note)}</p>")
        items_line = translate("FuturePages", "Projected over %n completed item(s).", "", first.items)
        parts.append(f"<p>{e(items_line)}</p>")
        return ["".join(parts)]

    def pdf_pages(self) -> list[tuple[str, QWidget]]:
        """Image pages for the PDF: the future-state map when a scenario is on screen."""
        if self.projection is None or not self.view.editor.factors():
            return []
        return [(translate("FuturePages", "Future state"), self.view.future_map)]
