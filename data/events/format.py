"""The event format's validation of one line, and its errors.

See :mod:`data.events` for the import/export semantics and docs/events.md for the format. The
kinds and their fields are in :mod:`data.events.kinds`.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

from data.events.fastpath import compile_fast
from data.events.kinds import (
    _COUNT,
    _ENUM,
    _ID,
    _INSTANT,
    _NULLABLE_FROM,
    _SECONDS,
    _STR,
    KINDS,
    Kind,
)
from data.store.rows import clean_text

__all__ = [
    "EventError",
    "FieldError",
    "check_escapes",
    "explain",
    "format_ms",
    "instant_ms",
    "parse_line",
]


class EventError(ValueError):
    """A bad event line (or an unreadable file): ``file:line: field 'x': problem``."""

    def __init__(self, file: str, line: int, problem: str, field: str | None = None) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: field '{field}': {problem}" if field else f"{where}: {problem}")


# --- parsing ------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# NaN/Infinity are accepted by Python's json by default; no event field can hold them.
_DECODE = json.JSONDecoder(parse_constant=_reject_constant).decode
_fromiso = datetime.fromisoformat
# Naive on purpose: naive + timedelta is the cheapest way to UTC wall-clock fields.
_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001


def _show(value: Any) -> str:
    """A value for an error message: repr, cut short (it may be a megabyte of garbage)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_ms(ms: int) -> str:
    """Epoch milliseconds as ISO 8601 UTC with ``Z`` (milliseconds only when there are some)."""
    seconds, millis = divmod(ms, 1000)
    text = (_EPOCH + timedelta(seconds=seconds)).isoformat()
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def instant_ms(value: str) -> int:
    """Epoch ms of an ISO 8601 instant with a zone; ValueError with the reason otherwise."""
    try:
        parsed = _fromiso(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 instant: {_show(value)}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"no time zone in {_show(value)}: add 'Z' for UTC or an offset such as '+08:00'")
    if not 1970 <= parsed.year <= 2199:
        raise ValueError(f"implausible instant {_show(value)} (years 1970-2199 only)")
    # The same rounding as data.store.schema.to_ms, so an import equals an upsert of the records.
    return round(parsed.timestamp() * 1000)


def parse_line(obj: Any) -> tuple[Kind, list[Any]]:
    """Validate one decoded event and return its kind and row (values in ``kind.columns`` order).

    Raises :class:`FieldError` (carrying the field name) for a bad field. A compiled fast path
    (:mod:`data.events.fastpath`) accepts the good lines; anything it refuses goes through
    :func:`explain`, the readable rule book, which names what is wrong.
    """
    if type(obj) is dict:
        name = obj.get("kind")
        if type(name) is str:
            fast = _FAST.get(name)
            if fast is not None:
                row = fast(obj)
                if row is not None:
                    return KINDS[name], row
    return explain(obj)


def check_escapes(obj: Any, line: str) -> Any:
    """Apply the rules for characters only a JSON escape can put into a string; returns the event.

    A lone UTF-16 surrogate (``"\\ud800"`` without its pair) is not text: no store can hold it,
    so the line is refused naming the field. NUL (``"\\u0000"``) is replaced by U+FFFD, as on
    every path into the store (:func:`data.store.rows.clean_text`): PostgreSQL text cannot hold it, and
    both back ends must keep the same data. Raw NULs and surrogates never get this far (they are
    not valid JSON or not UTF-8), so a line without these escapes costs two substring searches.
    """
    if ("\\ud" in line or "\\uD" in line) and type(obj) is dict:
        for key, value in obj.items():
            strings = value if type(value) is list else (value,)
            if any(type(v) is str and not _encodable(v) for v in strings):
                raise FieldError(
                    key if _encodable(key) else ascii(key)[1:-1],
                    "not text: it holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)",
                )
    if "\\u0000" in line:
        obj = _without_nul(obj)
    return obj


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _without_nul(value: Any) -> Any:
    if type(value) is str:
        return clean_text(value)
    if type(value) is list:
        return [_without_nul(v) for v in value]
    if type(value) is dict:
        return {k: _without_nul(v) for k, v in value.items()}
    return value


def explain(obj: Any) -> tuple[Kind, list[Any]]:
    """The rule book: validate one event field by field, raising FieldError at the first fault.

    Slower than the compiled fast path but the single statement of the rules; the fast path must
    agree with it on every line (tests check that).
    """
    if type(obj) is not dict:
        raise FieldError(None, f"not a JSON object but {type(obj).__name__}")
    kind_name = obj.get("kind")
    kind = KINDS.get(kind_name) if type(kind_name) is str else None
    if kind is None:
        if kind_name is None:
            raise FieldError("kind", "missing")
        raise FieldError("kind", f"unknown kind {_show(kind_name)} (known: {', '.join(KINDS)})")
    row: list[Any] = []
    append = row.append
    for f in kind.fields:
        v = obj.get(f.name)
        if v is None:
            if f.required:
                raise FieldError(f.name, "missing")
            append(f.default)
            continue
        t = f.type
        if t <= _NULLABLE_FROM:  # the string-like types
            if type(v) is not str:
                raise FieldError(f.name, f"must be a string, not {_show(v)}")
            if not v and t == _STR and f.required:  # optional ones may be "" (kept as given)
                raise FieldError(f.name, "empty")
            if f.max_len is not None and len(v) > f.max_len:
                raise FieldError(f.name, f"longer than {f.max_len} characters")
            append(v)
        elif t == _INSTANT:
            if type(v) is not str:
                raise FieldError(f.name, f"must be an ISO 8601 string, not {_show(v)}")
            try:
                append(instant_ms(v))
            except ValueError as exc:
                raise FieldError(f.name, str(exc)) from None
        elif t == _ID:
            if type(v) is int:
                v = str(v)
            elif type(v) is not str:
                raise FieldError(f.name, f"must be a string or an integer, not {_show(v)}")
            if not v:
                raise FieldError(f.name, "empty")
            if f.max_len is not None and len(v) > f.max_len:
                raise FieldError(f.name, f"longer than {f.max_len} characters")
            append(v)
        elif t == _ENUM:
            if type(v) is not str or f.choices is None or v not in f.choices:
                allowed = ", ".join(sorted(f.choices or ()))
                raise FieldError(f.name, f"unknown value {_show(v)} (one of: {allowed})")
            append(v)
        elif t == _COUNT:
            if type(v) is not int or not 1 <= v <= 1_000_000:
                raise FieldError(f.name, f"must be an integer from 1, not {_show(v)}")
            append(v)
        elif t == _SECONDS:
            if type(v) not in (int, float) or not math.isfinite(v) or v < 0:
                raise FieldError(f.name, f"must be a number of seconds >= 0, not {_show(v)}")
            append(float(v))
        else:  # _LABELS
            if type(v) is not list or any(type(x) is not str for x in v):
                raise FieldError(f.name, f"must be a list of strings, not {_show(v)}")
            append(json.dumps(v, ensure_ascii=False))
    for i, j, earlier, later in kind.checks:
        a = row[i]
        b = row[j]
        if a is not None and b is not None and b < a:
            raise FieldError(later, f"before {earlier} ({format_ms(a)})")
    return kind, row


class FieldError(ValueError):
    """One field of one event is bad (the importer adds the file and line)."""

    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


#: The compiled fast path per kind: a row for a good event, None for anything else.
_FAST = {name: compile_fast(kind) for name, kind in KINDS.items()}
