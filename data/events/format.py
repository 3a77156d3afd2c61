"""The event format itself: the kinds, their fields, and the validation of one line.

See :mod:`data.events` for the import/export semantics and docs/events.md for the format.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table

from data import schema

__all__ = [
    "DEPLOYMENT_STATUSES",
    "EXCLUSION_KINDS",
    "KINDS",
    "RUN_RESULTS",
    "RUN_STATUSES",
    "EventError",
    "FieldError",
    "Kind",
    "explain",
    "format_ms",
    "instant_ms",
    "parse_line",
]

RUN_STATUSES = frozenset({"queued", "running", "completed"})
RUN_RESULTS = frozenset({"success", "failure", "cancelled", "skipped", "unknown"})
DEPLOYMENT_STATUSES = frozenset({"success", "failure", "running", "cancelled"})
EXCLUSION_KINDS = frozenset({"work_item", "change", "deployment"})

# Field types: small integers, the string-like ones first, so the per-line loop needs no calls.
_STR = 0  # a string; required ones must be non-empty
_TEXT = 1  # a string that may be empty (titles, messages); missing = ""
_NULLABLE_FROM = 2  # status_change.from: a string, "" or null both mean "no previous status"
_INSTANT = 3  # ISO 8601 with a zone -> epoch ms
_ID = 4  # an identifier: a non-empty string, or an integer (CI ids are numbers in most APIs)
_ENUM = 5  # one of a fixed set of strings
_COUNT = 6  # an integer >= 1 (attempts)
_SECONDS = 7  # a finite number >= 0 (paused_s)
_LABELS = 8  # a list of strings -> JSON text


@dataclass(frozen=True, slots=True)
class _Field:
    """One field of an event kind and the column it fills."""

    name: str  # in the event
    column: str  # in the table
    type: int
    required: bool
    default: Any = None
    max_len: int | None = None
    choices: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    """One event kind: its table, its fields (in column order) and its timeline checks."""

    name: str
    table: Table
    fields: tuple[_Field, ...]
    #: (earlier field, later field): the later must not be before the earlier when both are given.
    order: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    #: (index of earlier, index of later, earlier's name, later's name), precomputed from ``order``.
    checks: tuple[tuple[int, int, str, str], ...] = ()


def _kind(
    name: str,
    table: Table,
    specs: Sequence[tuple[str, str, int, bool] | tuple[str, str, int, bool, Any]],
    order: tuple[tuple[str, str], ...] = (),
    choices: dict[str, frozenset[str]] | None = None,
) -> Kind:
    fields = []
    for spec in specs:
        fname, column, ftype, required = spec[:4]
        default = spec[4] if len(spec) > 4 else None
        col_type = table.c[column].type
        max_len = getattr(col_type, "length", None)
        fields.append(_Field(fname, column, ftype, required, default, max_len, (choices or {}).get(fname)))
    names = [f.name for f in fields]
    checks = tuple((names.index(a), names.index(b), a, b) for a, b in order)
    return Kind(name, table, tuple(fields), order, tuple(f.column for f in fields), checks)


_RESULTS = {"result": RUN_RESULTS}

#: Every kind an event file may hold, in the order an export writes them (parents first).
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _kind(
            "work_item",
            schema.work_items,
            [
                ("source", "source", _STR, True),
                ("key", "key", _STR, True),
                ("title", "title", _TEXT, False, ""),
                ("type", "type", _STR, False),
                ("team", "team", _STR, False),
                ("labels", "labels", _LABELS, False, "[]"),
                ("url", "url", _STR, False),
                ("status", "status", _STR, False),
                ("created_at", "created_at", _INSTANT, True),
            ],
        ),
        _kind(
            "status_change",
            schema.status_changes,
            [
                ("source", "source", _STR, True),
                ("key", "item_key", _STR, True),
                ("at", "at", _INSTANT, True),
                ("from", "from_status", _NULLABLE_FROM, False, ""),
                ("to", "to_status", _STR, True),
                ("from_id", "from_id", _ID, False),
                ("to_id", "to_id", _ID, False),
                ("to_category", "to_category", _STR, False),
            ],
        ),
        _kind(
            "change",
            schema.changes,
            [
                ("source", "source", _STR, True),
                ("repo", "repo", _STR, True),
                ("id", "external_id", _ID, True),
                ("title", "title", _TEXT, False, ""),
                ("branch", "branch", _STR, False),
                ("author", "author", _STR, False),
                ("created_at", "created_at", _INSTANT, True),
                ("first_commit_at", "first_commit_at", _INSTANT, False),
                ("first_review_at", "first_review_at", _INSTANT, False),
                ("merged_at", "merged_at", _INSTANT, False),
                ("merge_sha", "merge_sha", _STR, False),
                ("base", "base", _STR, False),
                ("url", "url", _STR, False),
            ],
            # first_commit_at is deliberately not ordered: git author dates come from the
            # author's machine and survive rebases, so they may even follow the merge.
            order=(("created_at", "first_review_at"), ("created_at", "merged_at")),
        ),
        _kind(
            "commit",
            schema.commits,
            [
                ("source", "source", _STR, True),
                ("repo", "repo", _STR, True),
                ("sha", "sha", _STR, True),
                ("message", "message", _TEXT, False, ""),
                ("author", "author", _STR, False),
                ("authored_at", "authored_at", _INSTANT, False),
            ],
        ),
        _kind(
            "pipeline_run",
            schema.pipeline_runs,
            [
                ("source", "source", _STR, True),
                ("pipeline", "pipeline", _STR, True),
                ("id", "external_id", _ID, True),
                ("attempt", "attempt", _COUNT, False, 1),
                ("sha", "sha", _STR, False),
                ("branch", "branch", _STR, False),
                ("status", "status", _ENUM, False, "completed"),
                ("result", "result", _ENUM, False),
                ("queued_at", "queued_at", _INSTANT, False),
                ("started_at", "started_at", _INSTANT, False),
                ("finished_at", "finished_at", _INSTANT, False),
                ("url", "url", _STR, False),
                ("author", "author", _STR, False),
            ],
            order=(("queued_at", "started_at"), ("started_at", "finished_at"), ("queued_at", "finished_at")),
            choices={"status": RUN_STATUSES, **_RESULTS},
        ),
        _kind(
            "job_run",
            schema.job_runs,
            [
                ("source", "source", _STR, True),
                ("pipeline", "pipeline", _STR, True),
                ("run", "run_id", _ID, True),
                ("id", "external_id", _ID, True),
                ("attempt", "attempt", _COUNT, False, 1),
                ("name", "name", _STR, True),
                ("queued_at", "queued_at", _INSTANT, False),
                ("started_at", "started_at", _INSTANT, False),
                ("finished_at", "finished_at", _INSTANT, False),
                ("result", "result", _ENUM, False),
                ("paused_s", "paused_s", _SECONDS, False, 0.0),
            ],
            order=(("queued_at", "started_at"), ("started_at", "finished_at"), ("queued_at", "finished_at")),
            choices=_RESULTS,
        ),
        _kind(
            "deployment",
            schema.deployments,
            [
                ("source", "source", _STR, True),
                ("repo", "repo", _STR, True),
                ("id", "external_id", _ID, True),
                ("environment", "environment", _STR, True),
                ("status", "status", _ENUM, True),
                ("sha", "sha", _STR, False),
                ("ref", "ref", _STR, False),
                ("started_at", "started_at", _INSTANT, False),
                ("finished_at", "finished_at", _INSTANT, False),
                ("url", "url", _STR, False),
            ],
            order=(("started_at", "finished_at"),),
            choices={"status": DEPLOYMENT_STATUSES},
        ),
        _kind(
            "deployment_commit",
            schema.deployment_commits,
            [
                ("source", "source", _STR, True),
                ("deployment_id", "deployment_id", _ID, True),
                ("sha", "sha", _STR, True),
            ],
        ),
        _kind(
            "incident",
            schema.incidents,
            [
                ("source", "source", _STR, True),
                ("key", "key", _STR, True),
                ("repo", "repo", _STR, False),
                ("title", "title", _STR, False),
                ("url", "url", _STR, False),
                ("created_at", "created_at", _INSTANT, True),
                ("resolved_at", "resolved_at", _INSTANT, False),
            ],
            order=(("created_at", "resolved_at"),),
        ),
        _kind(
            "exclusion",
            schema.exclusions,
            [
                # "kind" names the event kind, so the excluded record's kind is "item_kind".
                ("item_kind", "kind", _ENUM, True),
                ("source", "source", _STR, True),
                ("key", "key", _STR, True),
                ("reason", "reason", _STR, True),
                ("created_at", "created_at", _INSTANT, True),
            ],
            choices={"item_kind": EXCLUSION_KINDS},
        ),
    )
}


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
    # The same rounding as data.schema.to_ms, so an import equals an upsert of the records.
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


from data.events.fastpath import compile_fast  # noqa: E402 - needs the definitions above

#: The compiled fast path per kind: a row for a good event, None for anything else.
_FAST = {name: compile_fast(kind) for name, kind in KINDS.items()}
