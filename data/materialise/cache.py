"""Keeping materialised stream arrays: in memory, and in the store's ``metrics_cache`` table.

A bundle is current while the store's ``generation`` (bumped by every write transaction) equals
the one it was built at, and its key is the fingerprint of the stream's config (stages, filters,
patterns, ``measure_from``), the clock (calendar or a working calendar) and the engine version.
An older bundle is refreshed from the rows written since (:mod:`data.materialise.refresh`). The
generation is read *before* the data, so a sync that commits mid-build leaves a bundle labelled
older than its data: the next report re-applies those rows, never serving them stale.

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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from data.config.model import Stream
from data.materialise.build import StreamArrays, materialise
from data.materialise.refresh import refresh
from data.metrics.clock import CALENDAR, Clock, clock_key
from data.metrics.stagemap import stream_fingerprint
from data.store import schema

if TYPE_CHECKING:
    from data.store.store import Store

__all__ = ["ENGINE_VERSION", "clear_memory", "stream_arrays", "stream_columns"]

log = logging.getLogger(__name__)

#: Bump when the arrays' meaning or layout changes: old rows are then simply not found.
ENGINE_VERSION = "4"
_MEMORY_SLOTS = 6
#: A refreshed bundle is written back to the table at most this often: writing the whole bundle
#: (tens of MB on a large store) costs more than the refresh. Another process meanwhile refreshes
#: from the older row, which costs what changed since then.
SAVE_INTERVAL_S = 60.0
_BLOB_CHUNK = 4 << 20

_lock = threading.Lock()
_memory: OrderedDict[tuple[str, str], StreamArrays] = OrderedDict()


def clear_memory() -> None:
    """Forget every in-memory bundle (tests; a different process sees only the table)."""
    with _lock:
        _memory.clear()


def _dump(arrays: StreamArrays) -> io.BytesIO:
    """The bundle as an ``.npz`` payload in memory (tens of MB on a large store)."""
    buf = io.BytesIO()
    np.savez(buf, **arrays.to_arrays())  # type: ignore[arg-type]
    return buf


def _load(payload: bytes) -> StreamArrays:
    with np.load(io.BytesIO(payload), allow_pickle=False) as z:
        return StreamArrays.from_arrays({k: z[k] for k in z.files})


def stream_arrays(store: Store, stream: Stream, clock: Clock = CALENDAR) -> StreamArrays:
    """The stream's arrays for the store's current generation: memory, table, refreshed, or built.

    A bundle of an older generation (in memory, else the table's row) is brought up to date by
    :func:`data.materialise.refresh.refresh` from the rows written since; only when that declines
    (exclusions changed, a large share of items touched) is the stream materialised again.
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
    base = hit if hit is not None and hit.generation < generation else None
    arrays, saved_at = _from_table(store, key, generation, base)
    if arrays is not None and arrays.generation < generation:
        base, arrays = arrays, None
    built = False
    if arrays is None and base is not None:
        started = time.perf_counter()
        try:
            with store.engine.connect() as conn:
                arrays = refresh(conn, stream, base, generation, clock)
        except (SQLAlchemyError, KeyError) as exc:  # a store without changed_gen, a damaged bundle
            log.warning("metrics refresh failed (%s); rebuilding", type(exc).__name__)
            arrays = None
        if arrays is not None:
            log.info(
                "refreshed stream %r from generation %d to %d in %.2f s",
                stream.name,
                base.generation,
                generation,
                time.perf_counter() - started,
            )
    if arrays is None:
        started = time.perf_counter()
        with store.engine.connect() as conn:
            arrays = materialise(conn, stream, generation, clock)
        log.info("materialised stream %r in %.2f s", stream.name, time.perf_counter() - started)
        built = True
    if built or saved_at is None or time.time() * 1000 - saved_at > SAVE_INTERVAL_S * 1000:
        _save(store, key, arrays)
    with _lock:
        _memory[mem_key] = arrays
        _memory.move_to_end(mem_key)
        while len(_memory) > _MEMORY_SLOTS:
            _memory.popitem(last=False)
    return arrays


def stream_columns(
    store: Store, stream: Stream, names: Sequence[str], clock: Clock = CALENDAR
) -> dict[str, npt.NDArray[Any]]:
    """Some arrays of the stream's bundle, by their :meth:`StreamArrays.to_arrays` names.

    A report about one release needs a handful of columns, not the whole bundle (tens of MB on a
    large store): when the table's row is current on SQLite, only those members are read from the
    stored ``.npz`` (in place, through SQLite's incremental blob I/O). Otherwise (an older row, a
    PostgreSQL store) this is :func:`stream_arrays`.
    """
    key = stream_fingerprint(stream, ENGINE_VERSION + "|" + clock_key(stream, clock.mode))
    generation = store.generation()
    with _lock:
        hit = _memory.get((store.url, key))
    if hit is None or hit.generation != generation:
        picked = _columns_from_table(store, key, generation, names)
        if picked is not None:
            return picked
        hit = stream_arrays(store, stream, clock)
    arrays = hit.to_arrays()
    return {n: arrays[n] for n in names}


class _BlobFile(io.RawIOBase):
    """An SQLite blob as the seekable binary file ``zipfile`` (so ``np.load``) reads."""

    def __init__(self, blob: Any) -> None:
        super().__init__()
        self._blob = blob

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        self._blob.seek(offset, whence)
        return int(self._blob.tell())

    def tell(self) -> int:
        return int(self._blob.tell())


def _columns_from_table(
    store: Store, key: str, generation: int, names: Sequence[str]
) -> dict[str, npt.NDArray[Any]] | None:
    """The named members of the table's bundle when it is current (SQLite only), else None."""
    t = schema.metrics_cache
    try:
        with store.engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                return None
            rowid = conn.execute(
                select(literal_column("rowid")).where(t.c.key == key, t.c.generation == generation)
            ).scalar_one_or_none()
            if rowid is None:
                return None
            raw: Any = conn.connection.dbapi_connection
            with (
                raw.blobopen("metrics_cache", "payload", int(rowid), readonly=True) as blob,
                np.load(_BlobFile(blob), allow_pickle=False) as z,
            ):
                return {n: z[n] for n in names}
    except (SQLAlchemyError, ValueError, KeyError, OSError) as exc:
        log.warning("metrics cache unreadable (%s); reading the whole bundle", type(exc).__name__)
        return None


def _from_table(
    store: Store, key: str, generation: int, base: StreamArrays | None
) -> tuple[StreamArrays | None, int | None]:
    """The table's bundle when it is current, or newer than ``base`` (to refresh from); and the
    row's ``built_at`` (None: no row). The payload is read only when it will be used."""
    t = schema.metrics_cache
    try:
        with store.engine.connect() as conn:
            meta = conn.execute(select(t.c.generation, t.c.built_at).where(t.c.key == key)).first()
            if meta is None:
                return None, None
            row_gen, saved_at = int(meta[0]), int(meta[1])
            if row_gen > generation or (row_gen < generation and base is not None and row_gen <= base.generation):
                return None, saved_at
            payload = conn.execute(
                select(t.c.payload).where(t.c.key == key, t.c.generation == row_gen)
            ).scalar_one_or_none()
        return (None if payload is None else _load(bytes(payload))), saved_at
    except (SQLAlchemyError, ValueError, KeyError, OSError) as exc:
        # A damaged or foreign cache row is only a missed shortcut: rebuild.
        log.warning("metrics cache unreadable (%s); rebuilding", type(exc).__name__)
        return None, None


def _save(store: Store, key: str, arrays: StreamArrays) -> None:
    t = schema.metrics_cache
    buf = _dump(arrays)
    view = buf.getbuffer()  # no copy of the payload
    try:
        with store.engine.begin() as conn:
            sqlite_blob = conn.dialect.name == "sqlite"
            # SQLite copies a bound blob whole; writing into a zeroblob in place does not, which
            # keeps the cold build's peak memory down (the payload is the largest single object).
            payload: Any = func.zeroblob(len(view)) if sqlite_blob else view
            row = {"key": key, "generation": arrays.generation, "built_at": int(time.time() * 1000)}
            ins = sqlite.insert(t) if sqlite_blob else postgresql.insert(t)
            stmt = ins.values(**row, payload=payload).on_conflict_do_update(
                index_elements=["key"],
                set_={"generation": row["generation"], "built_at": row["built_at"], "payload": ins.excluded.payload},
            )
            conn.execute(stmt)
            if sqlite_blob:
                rowid: int = conn.execute(select(literal_column("rowid")).where(t.c.key == key)).scalar_one()
                raw: Any = conn.connection.dbapi_connection
                with raw.blobopen("metrics_cache", "payload", rowid) as blob:
                    for start in range(0, len(view), _BLOB_CHUNK):
                        blob.write(view[start : start + _BLOB_CHUNK])
    except SQLAlchemyError as exc:
        log.info("metrics cache not saved (%s); kept in memory only", type(exc).__name__)
    finally:
        view.release()
        buf.close()
