"""Importing event files: every line validated, everything written in one store transaction."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, func, select

from data.events.format import _DECODE, EventError, FieldError, check_escapes, parse_line
from data.events.kinds import KINDS, Kind
from data.store.store import Store
from data.store.writer import Writer

__all__ = ["BATCH_ROWS", "MAX_LINE_BYTES", "ImportSummary", "import_files"]

#: The longest line accepted; a longer one is almost certainly not an event file (or binary).
MAX_LINE_BYTES = 1 << 20
#: Rows buffered per table before they are written (inside the one transaction).
BATCH_ROWS = 20_000


@dataclass
class ImportSummary:
    """What an import read (events per kind) and added (new rows per kind: all 0 on a re-import)."""

    files: list[str] = field(default_factory=list)
    lines: int = 0
    read: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Events read, over all kinds."""
        return sum(self.read.values())


def import_files(store: Store, paths: Sequence[Path | str], *, stdin: IO[Any] | None = None) -> ImportSummary:
    """Import event files in ONE transaction; ``'-'`` reads ``stdin`` (default ``sys.stdin``).

    Rows are written in batches inside the transaction as the files are read, so memory stays
    bounded; the first bad line raises :class:`EventError` (``file:line: field 'x': problem``)
    and the transaction rolls back, leaving the store unchanged. Re-importing the same events
    changes no row: every kind has a natural key and is upserted.
    """
    summary = ImportSummary()
    tables = [k.table for k in KINDS.values()]
    with store.writer() as w:
        before = _counts(w, tables)
        buffers: dict[str, list[list[Any]]] = {name: [] for name in KINDS}
        for path in paths:
            name, stream, owned = _open(path, stdin)
            summary.files.append(name)
            try:
                for kind, row in _rows(name, stream, summary):
                    buf = buffers[kind.name]
                    buf.append(row)
                    if len(buf) >= BATCH_ROWS:
                        _flush(w, kind, buf, summary)
            finally:
                if owned:
                    stream.close()
        for kind in KINDS.values():
            _flush(w, kind, buffers[kind.name], summary)
        after = _counts(w, tables)
        summary.added = {k.name: after[k.table.name] - before[k.table.name] for k in KINDS.values()}
    return summary


def _open(path: Path | str, stdin: IO[Any] | None) -> tuple[str, IO[Any], bool]:
    """The display name, a stream (binary where possible) and whether the caller must close it."""
    if str(path) == "-":
        stream: Any = stdin if stdin is not None else sys.stdin
        return "<stdin>", getattr(stream, "buffer", stream), False
    name = str(path)
    if Path(path).is_dir():
        raise EventError(name, 0, "is a directory, not an event file")
    try:
        return name, open(path, "rb"), True  # closed by the caller
    except OSError as exc:
        raise EventError(name, 0, f"cannot read: {exc.strerror or exc}") from None


def _rows(name: str, stream: IO[Any], summary: ImportSummary) -> Iterator[tuple[Kind, list[Any]]]:
    """Every event of one stream as (kind, row); raises EventError at the first bad line."""
    lineno = 0
    readline = stream.readline
    decode = _DECODE
    limit = MAX_LINE_BYTES
    while True:
        raw = readline(limit + 1)  # bounded: a 2 GB line of garbage must not be read whole
        if not raw:
            break
        lineno += 1
        if isinstance(raw, str):  # a text stream (a test's StringIO, a text-mode stdin)
            raw = raw.encode("utf-8", "surrogateescape")
        if len(raw) > limit and not raw.endswith(b"\n"):
            raise EventError(name, lineno, f"line longer than {limit // 1024} KiB; is this an event file?")
        try:
            text = raw.decode()
        except UnicodeDecodeError as exc:
            raise EventError(
                name, lineno, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None
        if lineno == 1 and text.startswith("\ufeff"):  # a byte-order mark from a Windows editor
            text = text[1:]
        try:
            obj = decode(text)
        except RecursionError:  # a line of 10,000 nested brackets fits in 1 MiB
            raise EventError(name, lineno, "not valid JSON: nested too deeply") from None
        except ValueError as exc:
            if not text.strip():
                continue  # blank lines are allowed (a trailing newline, a hand-edited file)
            raise EventError(name, lineno, f"not valid JSON: {exc}") from None
        try:
            if "\\u" in text:  # only an escape can carry NUL or a lone surrogate: rare, checked apart
                obj = check_escapes(obj, text)
            yield parse_line(obj)
        except FieldError as exc:
            raise EventError(name, lineno, exc.problem, exc.field) from None
        except RecursionError:
            raise EventError(name, lineno, "nested too deeply to be an event") from None
    summary.lines += lineno


def _flush(w: Writer, kind: Kind, buf: list[list[Any]], summary: ImportSummary) -> None:
    if buf:
        w.bulk_upsert_rows(kind.table, kind.columns, buf)
        summary.read[kind.name] = summary.read.get(kind.name, 0) + len(buf)
        buf.clear()


def _counts(w: Writer, tables: Iterable[Table]) -> dict[str, int]:
    return {t.name: w.conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
