"""Incremental refresh after writes equals a full rebuild, step after step (randomised, seeded).

Each step is one write transaction like a sync page: new items, new transitions of old items,
items changing team (leaving or joining the filtered stream), jobs and deployments going running
-> finished (an UPDATE of the same row), changes opened then merged (naming items, some not
synced yet), incidents resolved, irrelevant pipeline runs, and once an exclusion (full rebuild).
After every step the cached bundle (refreshed) must equal a bundle materialised from scratch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from data.config.parse import parse_config
from data.materialise import cache
from data.materialise.build import StreamArrays, materialise
from data.metrics.clock import clock_for
from data.records import (
    Exclusion,
    WorkItem,
)
from data.store.store import Store
from tests.helpers.metrics import h
from tests.helpers.world import STREAM, World


def _equal(a: StreamArrays, b: StreamArrays) -> None:
    """Every array equal (floats to rounding: a shifted duration adds the same seconds in two steps)."""
    x, y = a.to_arrays(), b.to_arrays()
    assert sorted(x) == sorted(y)
    for name in x:
        if name == "meta":
            continue
        if x[name].dtype.kind == "f":
            np.testing.assert_allclose(x[name], y[name], rtol=1e-9, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(x[name], y[name], err_msg=name)
    assert (a.horizon_ms, a.excluded, a.pipeline_labels) == (b.horizon_ms, b.excluded, b.pipeline_labels)


@pytest.mark.parametrize("mode", ["calendar", "working"])
def test_refresh_equals_full_rebuild_after_every_write(
    store_url: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_config({"streams": [STREAM]}, "test.toml")
    stream = config.streams[0]
    clock = clock_for(stream, mode)
    world = World(seed=7 if mode == "calendar" else 11)
    builds: list[int] = []
    real = cache.materialise

    def counting(*a: Any, **k: Any) -> StreamArrays:
        builds.append(1)
        return real(*a, **k)

    monkeypatch.setattr(cache, "materialise", counting)
    cache.clear_memory()
    with Store.open(store_url) as store:
        store.upsert([r for _ in range(6) for r in world.new_item() + world.move()])
        cache.stream_arrays(store, stream, clock)
        assert len(builds) == 1
        for step in range(40):
            with store.writer() as w:
                w.upsert(world.page())
                if step == 25:
                    w.add_exclusion(Exclusion("work_item", "jira", "PAY-2", "test"))
            got = cache.stream_arrays(store, stream, clock)
            assert got.generation == store.generation()
            with store.engine.connect() as conn:
                want = materialise(conn, stream, store.generation(), clock)
            _equal(got, want)
        # One build at the start, one for the exclusion; every other step was a refresh.
        assert len(builds) == 2
        assert got.flow_data.n_items > 5 and got.deployments.finish.size > 0 and got.change_merged.size > 0
    cache.clear_memory()


def test_a_new_process_refreshes_from_the_table_row(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"streams": [STREAM]}, "test.toml")
    stream = config.streams[0]
    clock = clock_for(stream, "calendar")
    world = World(seed=3)
    cache.clear_memory()
    with Store.open(store_url) as store:
        store.upsert([r for _ in range(5) for r in world.new_item() + world.move()])
        cache.stream_arrays(store, stream, clock)  # built and saved
        store.upsert(world.move() + world.move() + world.new_item())
        cache.clear_memory()  # a new process: only the table's (older) row

        def boom(*a: object, **k: object) -> None:
            raise AssertionError("should have been refreshed, not rebuilt")

        monkeypatch.setattr(cache, "materialise", boom)
        got = cache.stream_arrays(store, stream, clock)
        monkeypatch.undo()
        with store.engine.connect() as conn:
            _equal(got, materialise(conn, stream, store.generation(), clock))
    cache.clear_memory()


def test_every_write_stamps_its_generation(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.upsert([WorkItem("jira", "PAY-1", "One", h(0))])
        first = store.generation()
        store.upsert([WorkItem("jira", "PAY-1", "One, renamed", h(0)), WorkItem("jira", "PAY-2", "Two", h(1))])
        second = store.generation()
        with store.engine.connect() as conn:
            rows = dict(conn.exec_driver_sql("SELECT key, changed_gen FROM work_items").all())
    assert second == first + 1
    assert rows == {"PAY-1": second, "PAY-2": second}  # the update re-stamped PAY-1
