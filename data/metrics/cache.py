"""Keeping materialised stream arrays: in memory, and in the store's ``metrics_cache`` table.

A bundle is valid while the store's ``generation`` (bumped by every write transaction) equals the
one it was built at, and its key is the fingerprint of the stream's config (stages, filters,
patterns, ``measure_from``) plus the engine version. The generation is read *before* the data,
so a sync that commits mid-build leaves a bundle labelled older than its data: it is rebuilt on
the next report, never served stale.

The table write is a separate small transaction outside ``Store.writer()`` (which would bump the
generation and invalidate the bundle at once). A store that cannot be written (a read-only
PostgreSQL role on a wall screen) still works: the bundle then lives in memory only.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from data import schema
from data.config import Stream
from data.metrics.clock import CALENDAR, Clock, clock_key
from data.metrics.materialise import StreamArrays, materialise
from data.metrics.stagemap import stream_fingerprint

if TYPE_CHECKING:
    from data.store import Store

__all__ = ["ENGINE_VERSION", "clear_memory", "stream_arrays"]

log = logging.getLogger(__name__)

#: Bump when the arrays' meaning or layout changes: old rows are then simply not found.
ENGINE_VERSION = "2"
_MEMORY_SLOTS = 6

_lock = threading.Lock()
_memory: OrderedDict[tuple[str, str], StreamArrays] = OrderedDict()


def clear_memory() -> None:
    """Forget every in-memory bundle (tests; a different process sees only the table)."""
    with _lock:
        _memory.clear()


def _dump(arrays: StreamArrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays.to_arrays())  # type: ignore[arg-type]
    return buf.getvalue()


def _load(payload: bytes) -> StreamArrays:
    with np.load(io.BytesIO(payload), allow_pickle=False) as z:
        return StreamArrays.from_arrays({k: z[k] for k in z.files})


def stream_arrays(store: Store, stream: Stream, clock: Clock = CALENDAR) -> StreamArrays:
    """The stream's arrays for the store's current generation: memory, table, or built now.

    Durations are measured with ``clock``; a different clock (or working calendar) is a different
    bundle.
    """
    key = stream_fingerprint(stream, ENGINE_VERSION + "|" + clock_key(stream, clock.mode))
    generation = store.generation()
    mem_key = (store.url, key)
    with _lock:
        hit = _memory.get(mem_key)
        if hit is not None and hit.generation == generation:
            _memory.move_to_end(mem_key)
            return hit
    t = schema.metrics_cache
    arrays: StreamArrays | None = None
    try:
        with store.engine.connect() as conn:
            row = conn.execute(select(t.c.generation, t.c.payload).where(t.c.key == key)).first()
        if row is not None and int(row[0]) == generation:
            arrays = _load(bytes(row[1]))
    except (SQLAlchemyError, ValueError, KeyError, OSError) as exc:
        # A damaged or foreign cache row is only a missed shortcut: rebuild.
        log.warning("metrics cache unreadable (%s); rebuilding", type(exc).__name__)
        arrays = None
    if arrays is None:
        started = time.perf_counter()
        with store.engine.connect() as conn:
            arrays = materialise(conn, stream, generation, clock)
        log.info("materialised stream %r in %.2f s", stream.name, time.perf_counter() - started)
        _save(store, key, arrays)
    with _lock:
        _memory[mem_key] = arrays
        _memory.move_to_end(mem_key)
        while len(_memory) > _MEMORY_SLOTS:
            _memory.popitem(last=False)
    return arrays


def _save(store: Store, key: str, arrays: StreamArrays) -> None:
    t = schema.metrics_cache
    row = {"key": key, "generation": arrays.generation, "built_at": int(time.time() * 1000), "payload": _dump(arrays)}
    try:
        with store.engine.begin() as conn:
            ins = sqlite.insert(t) if conn.dialect.name == "sqlite" else postgresql.insert(t)
            stmt = ins.values(**row).on_conflict_do_update(
                index_elements=["key"],
                set_={"generation": row["generation"], "built_at": row["built_at"], "payload": row["payload"]},
            )
            conn.execute(stmt)
    except SQLAlchemyError as exc:
        log.info("metrics cache not saved (%s); kept in memory only", type(exc).__name__)
