"""The lead-time scatter of one stream (ActionableAgile's cycle-time scatter plot): one point per
completed item, its completion instant across and its lead time up, with the 50th, 85th and 95th
percentiles.

Computed from the materialised arrays (:mod:`data.materialise.cache`) with numpy: the same items
and lead times as the report's ``lead_time_median_h`` (completed in ``[from, min(to, as_of])``,
``measure_from`` applied, measured with the stream's clock), so the median line is the map's lead
time. Nothing is read from the store but the cached bundle.

A chart cannot show more points than it has pixels, and a big scatter is slow to draw (100k
points: about 220 ms). So at most ``max_points`` are returned, chosen on a grid over the chart:
one item per occupied cell, the grid coarsened until few enough cells are occupied. Every
outlier keeps a point somewhere near it; the percentiles are computed over all items first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from data.config.model import Config, Definitions
from data.materialise.cache import stream_arrays
from data.metrics.clock import clock_for, store_now
from data.metrics.flow_figures import completed_mask
from data.metrics.stats import median, percentile
from data.report.figures import check_window, lead_time_filter
from data.report.results import LeadTimeScatter
from data.store.schema import to_ms
from data.store.store import Store

__all__ = ["DEFAULT_MAX_POINTS", "lead_time_scatter", "thin_points"]

#: Points drawn at most: a few thousand draw in milliseconds and fill a chart's pixels.
DEFAULT_MAX_POINTS = 5000
#: The finest grid (columns across the window, rows up the lead-time range): about a screen's pixels.
_GRID = (1200, 600)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def thin_points(x: F64, y: F64, max_points: int, grid: tuple[int, int] = _GRID) -> I64:
    """Indices of at most ``max_points`` of the points (``x``, ``y``), in ascending order.

    All of them when they are few enough; otherwise one per occupied cell of a grid spanning the
    points (the first in input order), halving the grid until at most ``max_points`` cells are
    occupied. Deterministic; the extremes of every region keep a representative.
    """
    n = x.size
    if n <= max_points:
        return np.arange(n, dtype=np.int64)
    if max_points <= 0:
        return np.zeros(0, dtype=np.int64)
    x0, y0 = float(np.min(x)), float(np.min(y))
    span_x, span_y = max(float(np.max(x)) - x0, 1e-9), max(float(np.max(y)) - y0, 1e-9)
    cols, rows = grid
    while True:
        cx = np.minimum(((x - x0) / span_x * cols).astype(np.int64), cols - 1)
        cy = np.minimum(((y - y0) / span_y * rows).astype(np.int64), rows - 1)
        _, first = np.unique(cx * rows + cy, return_index=True)
        if first.size <= max_points or (cols == 1 and rows == 1):
            return np.sort(first).astype(np.int64)[:max_points]
        cols, rows = max(1, cols // 2), max(1, rows // 2)


def lead_time_scatter(
    store: Store,
    config: Config,
    *,
    window_from: datetime,
    window_to: datetime,
    as_of: datetime | None = None,
    stream: str | None = None,
    definitions: Definitions | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
) -> LeadTimeScatter:
    """The lead-time scatter behind :func:`data.report.build.build_report`'s lead time, same arguments.

    ``stream`` None: the first configured stream (as :func:`data.report.build.stage_details`).
    Points are ordered by completion. Raises ``data.config.parse.ConfigError`` for an unknown
    stream, ``ValueError`` for a bad window or definitions, or ``max_points`` below 1.
    """
    defs = definitions or config.definitions
    check_window(window_from, window_to, defs)
    if max_points < 1:
        raise ValueError(f"max_points must be 1 or more, got {max_points}")
    s = config.stream(stream)
    as_of = (as_of or min(store_now(store), window_to)).astimezone(UTC)
    f_ms, t_ms, a_ms = to_ms(window_from), to_ms(window_to), to_ms(as_of)
    clock = clock_for(s, defs.calendar)
    arrays = stream_arrays(store, s, clock)
    flow = arrays.flow_as_of(a_ms, clock)
    done = completed_mask(flow, f_ms, min(t_ms, a_ms + 1))
    lead_ok = lead_time_filter(s, arrays)
    idx = np.nonzero(done if lead_ok is None else done & lead_ok)[0]
    completed = flow.completed_ms[idx]
    lead_h = clock.hours(arrays.flow_data.created_ms[idx], completed)
    order = np.argsort(completed, kind="stable")
    x = completed[order] / 1000.0
    y = lead_h[order] / 24.0
    keep = thin_points(x, y, max_points)
    return LeadTimeScatter(
        stream=s.name,
        window_from=window_from.astimezone(UTC),
        window_to=window_to.astimezone(UTC),
        total=int(idx.size),
        completed_s=tuple(x[keep].tolist()),
        lead_days=tuple(y[keep].tolist()),
        p50_days=_days(median(lead_h, defs.median)),
        p85_days=_days(percentile(lead_h, 85)),
        p95_days=_days(percentile(lead_h, 95)),
    )


def _days(hours: float | None) -> float | None:
    return None if hours is None else hours / 24.0
