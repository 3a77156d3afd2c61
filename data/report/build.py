"""The one report builder: the GUI, the CLI and exports all call these three functions.

* :func:`build_report` — one :class:`~data.report.results.Report` for a window ``[from, to)`` as of an
  instant, for one stream or every configured stream.
* :func:`stage_details` — the drill-down rows of one stage, on demand (fast: the GUI's click).
* :func:`weekly_trends` — one :class:`~data.report.results.TrendPoint` per ISO week.
* :func:`pipeline_statuses` — the live state of every pipeline (METRICS.md §4).

Numbers come from the materialised arrays of :mod:`data.materialise.cache` (built once per store
generation and stream config); definitions are in METRICS.md and docs/metrics.md.

:func:`weekly_trends` and :func:`pipeline_statuses` live in :mod:`data.report.trends`, the shared
checks and the DORA/delivery figures in :mod:`data.report.figures`; all are importable from here.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from data.config.model import Config, ConfigError, Definitions, Stream
from data.materialise.build import StreamArrays
from data.materialise.cache import stream_arrays
from data.metrics.cistages import pipeline_stage_figures
from data.metrics.clock import Clock, clock_for, store_now
from data.metrics.flow_data import ItemFlow
from data.metrics.flow_figures import StageFigures, completed_mask, stage_figures, stream_figures
from data.metrics.whatif import Scenario, WhatIfBase, project, whatif_base
from data.report.drilldown import Titles, fetch_titles, pipeline_rows, status_row_items, status_rows
from data.report.figures import check_window, dora_delivery, lead_time_filter, missing_kinds
from data.report.results import Report, StageItem, StageResult, StreamResult, WhatIfResult
from data.store.schema import to_ms
from data.store.store import Store
from data.timeutil import DAY_MS

__all__ = [
    "build_report",
    "stage_details",
    "what_if_base",
]


def build_report(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    as_of: datetime | None = None,
    stream: str | None = None,
    definitions: Definitions | None = None,
    details: bool = True,
    what_if: Scenario | None = None,
    target_days: float | None = None,
) -> Report:
    """The report for ``[window_from, window_to)`` as of ``as_of`` (default: min(now, window_to); "now"
    is :func:`~data.metrics.clock.store_now`, the demo's end on a demo store).

    ``stream`` None reports every configured stream; DORA and delivery figures then describe the
    first stream (named in ``notes["dora_stream"]``). ``details=False`` skips the drill-down rows
    (the CLI does not print them, and they cost time on a whole-history report); the GUI asks
    for one stage's rows with :func:`stage_details` when a stage is clicked instead.
    Raises ``data.config.parse.ConfigError`` for an unknown stream, ``ValueError`` for a bad window.
    """
    defs = definitions or config.definitions
    check_window(window_from, window_to, defs)
    as_of = (as_of or min(store_now(store), window_to)).astimezone(UTC)
    chosen = [config.stream(stream)] if stream is not None else list(config.streams)
    if not chosen:
        chosen = [config.stream(None)]  # raises ConfigError("no value stream is configured")
    f_ms, t_ms, a_ms = to_ms(window_from), to_ms(window_to), to_ms(as_of)
    days = (t_ms - f_ms) / DAY_MS
    results: list[StreamResult] = []
    first: tuple[StreamArrays, ItemFlow] | None = None
    excluded: dict[str, int] = {}
    missing: dict[str, list[str]] = {}
    clocks = [clock_for(s, defs.calendar) for s in chosen]
    for s, clock in zip(chosen, clocks, strict=True):
        arrays = stream_arrays(store, s, clock)
        flow = arrays.flow_as_of(a_ms, clock)
        if first is None:
            first = (arrays, flow)
        missing[s.name] = missing_kinds(arrays, a_ms)
        for k, v in arrays.excluded.items():
            excluded[k] = max(excluded.get(k, 0), v)
        res = _stream_result(store, s, arrays, flow, f_ms, t_ms, a_ms, days, defs.median, details, clock)
        if what_if is not None:
            base = _what_if_base(s, arrays, flow, f_ms, t_ms, a_ms, defs.median, clock)
            target = config.targets.requirement_lead_time_days if target_days is None else target_days
            res = replace(res, what_if=WhatIfResult(**asdict(project(base, what_if, target))))
        results.append(res)
        _touch_years(clock, arrays, a_ms)
    assert first is not None
    dora, delivery = dora_delivery(chosen[0], *first, f_ms, t_ms, a_ms, days, defs, clocks[0])
    notes: dict[str, Any] = {
        "targets": {
            "requirement_lead_time_days": config.targets.requirement_lead_time_days,
            "production_deployment_success_rate": config.targets.production_deployment_success_rate,
        },
        "excluded": excluded,
        "demo": store.get_meta("demo") == "1",
        "dora_stream": chosen[0].name,
        "measure_from": {s.name: s.measure_from.isoformat() for s in chosen if s.measure_from is not None},
        "lead_time_parts_median_h": dora.lead_time_parts_median_h,
        # Stream name -> the kinds of record it has none of (data.report.figures.MISSING says why).
        "missing": missing,
    }
    if defs.calendar == "working":
        notes.update(_calendar_notes(chosen, clocks))
    return Report(
        window_from=window_from.astimezone(UTC),
        window_to=window_to.astimezone(UTC),
        as_of=as_of,
        definitions={"median": defs.median, "dora": defs.dora, "calendar": defs.calendar},
        streams=tuple(results),
        dora=dora,
        delivery=delivery,
        notes=notes,
    )


def _touch_years(clock: Clock, arrays: StreamArrays, a_ms: int) -> None:
    """Let a working calendar see every year the data spans, so its warnings name them all even
    when the durations came from a cached bundle (one pair: the calendar builds each year once)."""
    if clock.mode == "calendar" or arrays.flow_data.n_items == 0:
        return
    first = int(np.min(arrays.flow_data.created_ms))
    clock.seconds([first], [max(a_ms, arrays.horizon_ms, first + 1)])


def _calendar_notes(chosen: list[Stream], clocks: list[Clock]) -> dict[str, Any]:
    """``notes["calendar"]``: the working calendar(s) used; ``notes["calendar_warnings"]``: years
    the holiday data did not cover (weekdays only there)."""
    described = [(s.name, c.describe() or "calendar time") for s, c in zip(chosen, clocks, strict=True)]
    texts = {d for _n, d in described}
    text = described[0][1] if len(texts) == 1 else "; ".join(f"{n}: {d}" for n, d in described)
    warnings: list[str] = []
    for c in clocks:
        warnings.extend(w for w in c.warnings() if w not in warnings)
    return {"calendar": text, "calendar_warnings": warnings}


def _stream_result(  # noqa: PLR0917 - parallel arrays, always passed in this order
    store: Store,
    stream: Stream,
    arrays: StreamArrays,
    flow: ItemFlow,
    f_ms: int,
    t_ms: int,
    a_ms: int,
    days: float,
    method: str,
    details: bool,
    clock: Clock,
) -> StreamResult:
    done = completed_mask(flow, f_ms, min(t_ms, a_ms + 1))
    figs = stream_figures(
        arrays.flow_data, flow, done, days, method, lead_ok=lead_time_filter(stream, arrays), clock=clock
    )
    stage_results: list[StageResult] = []
    titles = _titles(store, arrays, flow, done) if details else {}
    k = 0
    for i, stage in enumerate(stream.stages):
        if stage.kind == "status":
            sf = stage_figures(flow, done, k, method, clock=clock)
            rows = status_rows(arrays, flow, k, sf.item_indices, sf.wip_indices, titles) if details else ()
            k += 1
        else:
            sf = pipeline_stage_figures(arrays.pipeline_stages[i], f_ms, t_ms, a_ms, method, clock)
            rows = pipeline_rows(arrays, i, sf.item_indices) if details else ()
        stage_results.append(_stage_result(stage.name, stage.kind, sf, rows))
    waits = [(s.wait_total_h, s.name) for s in stage_results if s.wait_total_h]
    bottleneck = max(waits, key=lambda x: x[0])[1] if waits else None
    ca = [s.complete_accurate for s in stage_results if s.complete_accurate is not None]
    return StreamResult(
        name=stream.name,
        completed=figs.completed,
        lead_time_median_h=figs.lead_time_median_h,
        lead_time_p85_h=figs.lead_time_p85_h,
        cycle_time_median_h=figs.cycle_time_median_h,
        flow_efficiency=figs.flow_efficiency,
        throughput_per_week=figs.throughput_per_week,
        wip=figs.wip,
        bottleneck=bottleneck,
        rolled_complete_accurate=float(np.prod(ca)) if ca else None,
        stages=tuple(stage_results),
        lead_time_mean_h=figs.lead_time_mean_h,
        stage_time_mean_h=figs.stage_time_mean_h,
    )


def _what_if_base(  # noqa: PLR0917 - parallel arrays, always passed in this order
    stream: Stream, arrays: StreamArrays, flow: ItemFlow, f_ms: int, t_ms: int, a_ms: int, method: str, clock: Clock
) -> WhatIfBase:
    done = completed_mask(flow, f_ms, min(t_ms, a_ms + 1))
    status = [st.name for st in stream.stages if st.kind == "status"]
    pipeline = [st.name for st in stream.stages if st.kind != "status"]
    lead_ok = lead_time_filter(stream, arrays)
    return whatif_base(stream.name, arrays.flow_data, flow, done, lead_ok, clock, method, status, pipeline)


def what_if_base(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    as_of: datetime | None = None,
    stream: str | None = None,
    definitions: Definitions | None = None,
) -> WhatIfBase:
    """The items behind :func:`build_report`'s figures of one stream (``None``: the first), ready for
    :func:`data.metrics.whatif.project` (about a millisecond per scenario: a panel can recompute as
    the user types). Same arguments and errors as :func:`build_report`."""
    defs = definitions or config.definitions
    check_window(window_from, window_to, defs)
    s = config.stream(stream)
    a_ms = to_ms((as_of or min(store_now(store), window_to)).astimezone(UTC))
    clock = clock_for(s, defs.calendar)
    arrays = stream_arrays(store, s, clock)
    flow = arrays.flow_as_of(a_ms, clock)
    return _what_if_base(s, arrays, flow, to_ms(window_from), to_ms(window_to), a_ms, defs.median, clock)


def _stage_result(name: str, kind: str, sf: StageFigures, rows: tuple[StageItem, ...]) -> StageResult:
    return StageResult(
        name=name,
        kind=kind,
        items=sf.items,
        wait_median_h=sf.wait_median_h,
        wait_p85_h=sf.wait_p85_h,
        active_median_h=sf.active_median_h,
        active_p85_h=sf.active_p85_h,
        wait_total_h=sf.wait_total_h,
        active_total_h=sf.active_total_h,
        wip=sf.wip,
        wip_age_median_h=sf.wip_age_median_h,
        complete_accurate=sf.complete_accurate,
        details=rows,
    )


def _titles(store: Store, arrays: StreamArrays, flow: ItemFlow, done: np.ndarray) -> Titles:
    """Title and URL of the items that can appear in a drill-down (completed or in progress)."""
    with store.engine.connect() as conn:
        return fetch_titles(conn, arrays, np.nonzero(done | (flow.state >= 0))[0].tolist())


def stage_details(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    as_of: datetime | None = None,
    stream: str | None = None,
    stage: str,
    definitions: Definitions | None = None,
    limit: int | None = None,
) -> tuple[StageItem, ...]:
    """The drill-down rows behind one stage of :func:`build_report` with the same arguments.

    Equal to ``build_report(..., details=True)``'s ``details`` of that stage (tested) when
    ``limit`` is None: the items completed in the window that visited the stage (store order, with
    ``completed_at``), then the items in the stage at ``as_of`` (``completed_at`` None); for a job
    or deployment stage, its runs or deployments finished in the window. With ``limit``, the
    ``limit`` rows with the most time in the stage (wait + active), longest first.

    Computed from the cached arrays; titles and URLs are read for the returned rows only, so a
    capped call stays fast on any window. ``stream`` None: the first configured stream (as in
    :func:`weekly_trends`); ``stage`` is a stage name of that stream (case-insensitive).
    Raises ``data.config.parse.ConfigError`` for an unknown stream or stage, ``ValueError`` for a bad
    window, definitions or a negative ``limit``.
    """
    defs = definitions or config.definitions
    check_window(window_from, window_to, defs)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    s = config.stream(stream)
    names = [st.name.lower() for st in s.stages]
    if stage.lower() not in names:
        known = ", ".join(st.name for st in s.stages)
        raise ConfigError(f"stream {s.name!r} has no stage named {stage!r}; stages: {known}")
    i = names.index(stage.lower())
    a_ms = to_ms((as_of or min(store_now(store), window_to)).astimezone(UTC))
    f_ms, t_ms = to_ms(window_from), to_ms(window_to)
    clock = clock_for(s, defs.calendar)
    arrays = stream_arrays(store, s, clock)
    if s.stages[i].kind != "status":
        sf = pipeline_stage_figures(arrays.pipeline_stages[i], f_ms, t_ms, a_ms, defs.median, clock)
        return pipeline_rows(arrays, i, sf.item_indices, limit)
    k = sum(1 for st in s.stages[:i] if st.kind == "status")
    flow = arrays.flow_as_of(a_ms, clock)
    done = completed_mask(flow, f_ms, min(t_ms, a_ms + 1))
    item_idx = np.nonzero(done & (flow.visits[:, k] > 0))[0]
    wip_idx = np.nonzero((flow.state >= 0) & (flow.state // 2 == k))[0]
    with store.engine.connect() as conn:
        titles = fetch_titles(conn, arrays, status_row_items(item_idx, wip_idx, flow, k, limit).tolist())
    return status_rows(arrays, flow, k, item_idx, wip_idx, titles, limit)
