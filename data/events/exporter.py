"""Exporting the store as event lines, whole or for a window (the rule is in :func:`export`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import BigInteger, Connection, Table, select, type_coerce

from data.events.format import format_ms
from data.events.kinds import _INSTANT, _LABELS, KINDS, Kind
from data.store import schema
from data.store.schema import EpochMs
from data.store.store import Store

__all__ = ["export"]

#: Per table, the order of the store's own reads (data.store.store) with the row id last: writing in that
#: order makes an import into an empty store give back exactly the same ``all_records()``.
EXPORT_ORDER: dict[str, tuple[str, ...]] = {
    "work_items": ("source", "key", "id"),
    "status_changes": ("source", "item_key", "at", "id"),
    "changes": ("source", "repo", "external_id", "id"),
    "commits": ("source", "repo", "sha", "id"),
    "pipeline_runs": ("source", "pipeline", "id"),
    "job_runs": ("source", "pipeline", "run_id", "id"),
    "deployments": ("source", "repo", "id"),
    "deployment_commits": ("source", "deployment_id", "sha", "id"),
    "incidents": ("source", "key", "id"),
    "exclusions": ("created_at", "id"),
}

#: Status names that end a work item's life when the source gave no status category.
_DONE_NAMES = frozenset({"done", "closed", "resolved"})


def export(
    store: Store,
    path_or_stream: Path | str | IO[str],
    *,
    window_from: datetime | None = None,
    window_to: datetime | None = None,
) -> int:
    """Write the store as JSON lines (parents first, UTC ``Z`` instants); returns the line count.

    Without a window everything is written. With ``[window_from, window_to)`` (either end may be
    open) a record is written when its lifetime overlaps the window:

    - a work item: from creation to its last status change when that change is into a done
      status (category ``done`` or named Done/Closed/Resolved), otherwise still open — and an
      exported item takes ALL its status changes along, so its timeline stays whole;
    - a change: created → merged (open while unmerged); a commit: authored in the window, or
      undated and carried by an exported deployment;
    - a pipeline run: queued/started → finished (open while not completed), with all its jobs;
    - a deployment: started → finished (open while running), with its commit list;
    - an incident: created → resolved (open while unresolved);
    - exclusions: always (they are few, and they are decisions about records, not events).

    Records without their parent (a status change of an unknown item, a job of an unknown run)
    are judged by their own instants. A path is written to a temporary file beside it and
    renamed, so a failed export never leaves half a file.
    """
    lo = None if window_from is None else schema.to_ms(window_from)
    hi = None if window_to is None else schema.to_ms(window_to)
    if isinstance(path_or_stream, str | Path):
        target = Path(path_or_stream)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n") as out:
                n = _write(store, out, lo, hi)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return n
    return _write(store, path_or_stream, lo, hi)


def _rows(conn: Connection, table: Table, where: Any = None) -> Iterator[Any]:
    """Every row of ``table`` in export order, instants as raw epoch-ms integers."""
    cols = [type_coerce(c, BigInteger).label(c.name) if isinstance(c.type, EpochMs) else c for c in table.c]
    stmt = select(*cols).order_by(*[table.c[o] for o in EXPORT_ORDER[table.name]])
    if where is not None:
        stmt = stmt.where(where)
    yield from conn.execution_options(yield_per=20_000).execute(stmt)


def _overlaps(start: int | None, end: int | None, open_ended: bool, lo: int | None, hi: int | None) -> bool:
    """Whether the lifetime [start, end] (end = +inf when open-ended) overlaps [lo, hi)."""
    if start is None:
        start = end
    if start is None:
        return False
    if hi is not None and start >= hi:
        return False
    last = None if open_ended else (end if end is not None else start)
    return lo is None or last is None or last >= lo


def _encoder(kind: Kind) -> Callable[[Any], str]:
    """A function turning one raw row of ``kind``'s table into its event line (no newline)."""
    fields = [(f.name, f.column, f.type) for f in kind.fields]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    name = kind.name

    def encode(row: Any) -> str:
        m = row._mapping
        obj: dict[str, Any] = {"kind": name}
        for fname, column, ftype in fields:
            v = m[column]
            if v is None or (ftype == _LABELS and v in ("", "[]")):
                continue
            if ftype == _INSTANT:
                v = format_ms(v)
            elif ftype == _LABELS:
                v = json.loads(v)
            elif fname == "from" and v == "":
                continue  # the first status: stored as '' so the natural key is unique
            obj[fname] = v
        return dumps(obj)

    return encode


def _write(store: Store, out: IO[str], lo: int | None, hi: int | None) -> int:
    windowed = lo is not None or hi is not None
    n = 0
    with store.engine.connect() as conn:
        keep = _Selection(conn, lo, hi) if windowed else None
        for kind in KINDS.values():
            encode = _encoder(kind)
            wanted = keep.predicate(kind.name) if keep is not None else None
            lines = []
            for row in _rows(conn, kind.table):
                if wanted is None or wanted(row):
                    lines.append(encode(row))
                    if len(lines) >= 10_000:
                        out.write("\n".join(lines) + "\n")
                        n += len(lines)
                        lines.clear()
            if lines:
                out.write("\n".join(lines) + "\n")
                n += len(lines)
    return n


class _Selection:
    """Decides, table by table, which rows a windowed export writes (see :func:`export`)."""

    def __init__(self, conn: Connection, lo: int | None, hi: int | None) -> None:
        self.conn = conn
        self.lo = lo
        self.hi = hi
        # Work items: the lifetime needs the last status change; one streaming pass.
        last: dict[tuple[str, str], tuple[int, str, str | None]] = {}
        for r in _rows(conn, schema.status_changes):
            last[(r.source, r.item_key)] = (r.at, r.to_status, r.to_category)
        self.items: set[tuple[str, str]] = set()
        self.all_items: set[tuple[str, str]] = set()
        for r in _rows(conn, schema.work_items):
            key = (r.source, r.key)
            self.all_items.add(key)
            at, status, category = last.get(key, (None, None, None))
            done = at is not None and (category == "done" or (status or "").casefold() in _DONE_NAMES)
            if _overlaps(r.created_at, at, not done, lo, hi):
                self.items.add(key)
        # Runs: exported runs take their jobs along.
        self.runs: set[tuple[str, str, str, int]] = set()
        self.all_runs: set[tuple[str, str, str, int]] = set()
        for r in _rows(conn, schema.pipeline_runs):
            run_key = (r.source, r.pipeline, r.external_id, r.attempt)
            self.all_runs.add(run_key)
            times = [t for t in (r.queued_at, r.started_at, r.finished_at) if t is not None]
            if times and _overlaps(min(times), r.finished_at, r.status != "completed", lo, hi):
                self.runs.add(run_key)
        # Deployments take their commit lists along; undated commits they carry come too.
        self.deployments: set[tuple[str, str]] = set()
        for r in _rows(conn, schema.deployments):
            if _overlaps(r.started_at, r.finished_at, r.status == "running", lo, hi):
                self.deployments.add((r.source, r.external_id))
        self.carried: set[str] = {
            r.sha for r in _rows(conn, schema.deployment_commits) if (r.source, r.deployment_id) in self.deployments
        }

    def _in(self, at: int | None) -> bool:
        return at is not None and (self.lo is None or at >= self.lo) and (self.hi is None or at < self.hi)

    def predicate(self, kind: str) -> Callable[[Any], bool]:  # noqa: PLR0911 - one rule per kind
        """The row filter for ``kind``."""
        lo, hi = self.lo, self.hi
        if kind == "work_item":
            return lambda r: (r.source, r.key) in self.items
        if kind == "status_change":
            return lambda r: (
                (r.source, r.item_key) in self.items
                or ((r.source, r.item_key) not in self.all_items and self._in(r.at))
            )
        if kind == "change":
            return lambda r: _overlaps(r.created_at, r.merged_at, r.merged_at is None, lo, hi)
        if kind == "commit":
            return lambda r: self._in(r.authored_at) or (r.authored_at is None and r.sha in self.carried)
        if kind == "pipeline_run":
            return lambda r: (r.source, r.pipeline, r.external_id, r.attempt) in self.runs
        if kind == "job_run":
            return lambda r: (
                (r.source, r.pipeline, r.run_id, r.attempt) in self.runs
                or (
                    (r.source, r.pipeline, r.run_id, r.attempt) not in self.all_runs
                    and _overlaps(r.queued_at or r.started_at, r.finished_at, r.finished_at is None, lo, hi)
                )
            )
        if kind == "deployment":
            return lambda r: (r.source, r.external_id) in self.deployments
        if kind == "deployment_commit":
            return lambda r: (r.source, r.deployment_id) in self.deployments
        if kind == "incident":
            return lambda r: _overlaps(r.created_at, r.resolved_at, r.resolved_at is None, lo, hi)
        return lambda r: True  # exclusions
