"""``lead_time_scatter``: the completed items' lead times behind the map's scatter, and the means that
reconcile the map's ladder with the lead time (hand-computed)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from data.config.model import ConfigError, Definitions
from data.materialise import cache
from data.records import StatusChange, WorkItem
from data.report.build import build_report
from data.report.scatter import lead_time_scatter, thin_points
from data.store.store import Store
from tests.helpers.metrics import T0, h
from tests.helpers.report import RECORDS, WEEK, config

# Besides RECORDS' PAY-1 (created 0 h, done 9 h) and CORE-1 (0 h -> 4 h), three items with known
# lead times; OUT-1 spends 2 h in "Blocked", a status no stage maps (time outside every stage).
EXTRA = [
    WorkItem("jira", "OUT-1", "Blocked a while", h(10)),
    StatusChange("jira", "OUT-1", h(11), "To Do", "Blocked"),  # Dev wait 1 h
    StatusChange("jira", "OUT-1", h(13), "Blocked", "In Progress"),  # 2 h outside
    StatusChange("jira", "OUT-1", h(14), "In Progress", "Done"),  # Dev active 1 h; lead 4 h
    WorkItem("jira", "LONG-1", "Two days", h(24)),
    StatusChange("jira", "LONG-1", h(72), "To Do", "Done"),  # lead 48 h
    WorkItem("jira", "LATE-1", "Done after the window", h(100)),
    StatusChange("jira", "LATE-1", h(24 * 8), "To Do", "Done"),  # outside WEEK
]


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert([*RECORDS, *EXTRA])
        yield s
    cache.clear_memory()


def test_points_and_percentiles_hand_computed(store: Store) -> None:
    sc = lead_time_scatter(store, config(), **WEEK, as_of=T0 + timedelta(days=7))
    # Completed in the week, by completion: CORE-1 at 4 h (lead 4 h), PAY-1 at 9 h (9 h),
    # OUT-1 at 14 h (4 h), LONG-1 at 72 h (48 h). LATE-1 is done after the window; PAY-2 is not done.
    assert sc.total == 4 and sc.shown == 4
    assert sc.completed_s == tuple(h(t).timestamp() for t in (4, 9, 14, 72))
    assert sc.lead_days == pytest.approx((4 / 24, 9 / 24, 4 / 24, 2.0))
    # Lead times sorted: 4, 4, 9, 48 h. Median (interpolated) (4 + 9) / 2 = 6.5 h;
    # p85 at rank 0.85 * 3 = 2.55: 9 + 0.55 * 39 = 30.45 h; p95 at 2.85: 9 + 0.85 * 39 = 42.15 h.
    assert sc.p50_days == pytest.approx(6.5 / 24)
    assert sc.p85_days == pytest.approx(30.45 / 24)
    assert sc.p95_days == pytest.approx(42.15 / 24)
    assert (sc.stream, sc.window_from, sc.window_to) == ("Mobile", WEEK["window_from"], WEEK["window_to"])


def test_median_follows_the_method_and_equals_the_report(store: Store) -> None:
    as_of = T0 + timedelta(days=7)
    for method, p50_h in (("interpolated", 6.5), ("lower", 4.0)):
        defs = Definitions(median=method)
        sc = lead_time_scatter(store, config(), **WEEK, as_of=as_of, definitions=defs)
        (s,) = build_report(store, config(), **WEEK, as_of=as_of, definitions=defs, details=False).streams
        assert sc.p50_days == pytest.approx(p50_h / 24)
        assert sc.p50_days * 24 == pytest.approx(s.lead_time_median_h)
        assert sc.p85_days * 24 == pytest.approx(s.lead_time_p85_h)
        assert sc.total == s.completed


def test_window_as_of_and_measure_from(store: Store) -> None:
    # As of 10 h only CORE-1 (4 h) and PAY-1 (9 h) are done.
    sc = lead_time_scatter(store, config(), **WEEK, as_of=h(10))
    assert sc.completed_s == (h(4).timestamp(), h(9).timestamp())
    assert sc.p50_days == pytest.approx(6.5 / 24) and sc.p95_days == pytest.approx((4 + 0.95 * 5) / 24)
    # measure_from at 5 h: items created before it are not in lead times (OUT-1 at 10 h, LONG-1 at 24 h are).
    sc = lead_time_scatter(store, config(measure_from="2026-03-02T05:00:00Z"), **WEEK, as_of=T0 + timedelta(days=7))
    assert sc.total == 2 and sc.lead_days == pytest.approx((4 / 24, 2.0))
    # Nothing completed: no points, every percentile None (never 0).
    empty = lead_time_scatter(store, config(), window_from=T0 + timedelta(days=70), window_to=T0 + timedelta(days=77))
    assert (empty.total, empty.shown, empty.p50_days, empty.p85_days, empty.p95_days) == (0, 0, None, None, None)


def test_bad_arguments_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="max_points"):
        lead_time_scatter(store, config(), **WEEK, max_points=0)
    with pytest.raises(ValueError, match="empty window"):
        lead_time_scatter(store, config(), window_from=T0, window_to=T0)
    with pytest.raises(ConfigError, match="nope"):
        lead_time_scatter(store, config(), **WEEK, stream="nope")


def test_many_points_are_thinned_but_the_percentiles_are_of_all(store: Store) -> None:
    sc = lead_time_scatter(store, config(), **WEEK, as_of=T0 + timedelta(days=7), max_points=2)
    assert sc.total == 4 and sc.shown <= 2
    assert sc.p50_days == pytest.approx(6.5 / 24)  # of all four, not of the points drawn
    # The outlier keeps its point: LONG-1's 2 days.
    assert max(sc.lead_days) == pytest.approx(2.0)


def test_thin_points_keeps_one_per_cell_and_the_extremes() -> None:
    # 1000 points on 10 spots (100 on each), plus one far outlier.
    x = np.repeat(np.arange(10, dtype=float), 100)
    y = np.tile(np.array([1.0]), 1000)
    x = np.append(x, 5.0)
    y = np.append(y, 100.0)
    keep = thin_points(x, y, 50, grid=(10, 10))
    # One per occupied cell: the first point of each spot (indices 0, 100, …, 900) and the outlier.
    assert keep.tolist() == [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    # Few enough already: every point, in order.
    assert thin_points(x[:5], y[:5], 50).tolist() == [0, 1, 2, 3, 4]
    # Too many cells: the grid is halved until the cap holds.
    coarse = thin_points(x, y, 3, grid=(10, 10))
    assert coarse.size <= 3 and 1000 in coarse.tolist()


def test_report_means_add_up_where_medians_do_not(store: Store) -> None:
    (s,) = build_report(store, config(), **WEEK, as_of=T0 + timedelta(days=7), details=False).streams
    # Lead times 4, 9, 4, 48 h: mean 16.25 h. In the status stages: CORE-1 4 h, PAY-1 9 h (2+4+2+1),
    # OUT-1 2 h (1 wait + 1 active; its 2 h Blocked are in no stage), LONG-1 48 h: mean 15.75 h.
    assert s.lead_time_mean_h == pytest.approx(16.25)
    assert s.stage_time_mean_h == pytest.approx(15.75)
    empty = build_report(store, config(), window_from=T0 + timedelta(days=70), window_to=T0 + timedelta(days=77))
    assert empty.streams[0].lead_time_mean_h is None and empty.streams[0].stage_time_mean_h is None
