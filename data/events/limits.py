"""Synced records obey the event-file limits, so what a sync stores an export can write and an import take back.

The limits are the event format's own (:mod:`data.events.kinds` and :mod:`data.events.format`): string
lengths from the store's columns, instants in years 1970-2199, a later instant never before the earlier
one, the known status/result values, attempts from 1, paused seconds >= 0. Event lines are also
limited to :data:`~data.events.importer.MAX_LINE_BYTES`; the unbounded text fields (titles, messages,
URLs, labels) are therefore cut at :data:`TEXT_LIMIT` characters each, which keeps any record's line
well under it.

What happens to a record that breaks a limit (:func:`check_records`, run by the sync engine on every
page before it is written, for every connector):

* a field of the record's natural key (the identity it is upserted by) that is too long, empty or
  not text, a required instant that is out of range, an unknown status/result value or a bad attempt
  number: the record is **dropped** (cutting a key could merge two different records into one);
* any other string that is too long: **cut** to the limit; an optional one that is not text: cleared;
* an optional instant out of range (a feed's ``1900-01-01`` or ``9999-12-31``): **cleared**;
* a later instant before the earlier one (finished before started): the later one is **raised** to
  the earlier one, a zero duration — the record stays finished rather than looking open;
* a negative or non-finite ``paused_s``: 0; lone surrogates in text (undecodable JSON escapes):
  replaced by U+FFFD (an export could not encode them).

Each such change is a warning naming the source, the stream, the record's kind and key, and the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from data.events.kinds import _COUNT, _ENUM, _ID, _INSTANT, _LABELS, _NULLABLE_FROM, _SECONDS, _STR, KINDS
from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    Record,
    StatusChange,
    WorkItem,
)
from data.store import schema

__all__ = ["TEXT_LIMIT", "Checked", "check_record", "check_records", "max_length", "summary_note"]

#: The most characters kept of a text field the store does not bound (title, message, URL, all labels).
#: At most 6 bytes a character in an exported JSON line (``\u001f``) and 3 such fields a record,
#: a line stays under the importer's 1 MiB limit.
TEXT_LIMIT = 32_768

_KIND_OF: dict[type[Any], str] = {
    WorkItem: "work_item",
    StatusChange: "status_change",
    Change: "change",
    Commit: "commit",
    PipelineRun: "pipeline_run",
    JobRun: "job_run",
    Deployment: "deployment",
    DeploymentCommit: "deployment_commit",
    Incident: "incident",
}
# Where a record's attribute is not called like its event field.
_ATTR = {("status_change", "from"): "from_status", ("status_change", "to"): "to_status"}
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The years an event file's instants may have (data.events.format.instant_ms).
_FIRST_YEAR, _LAST_YEAR = 1970, 2199


@dataclass(frozen=True, slots=True)
class _Spec:
    """One field to check: the record attribute, its event name, type and limits."""

    attr: str
    name: str
    type: int
    required: bool
    key: bool
    max_len: int | None
    choices: frozenset[str] | None


def _specs() -> dict[type[Any], tuple[tuple[_Spec, ...], tuple[tuple[str, str], ...]]]:
    out: dict[type[Any], tuple[tuple[_Spec, ...], tuple[tuple[str, str], ...]]] = {}
    for cls, kind_name in _KIND_OF.items():
        kind = KINDS[kind_name]
        keys = set(schema.NATURAL_KEYS[kind.table.name])
        specs = tuple(
            _Spec(
                attr=_ATTR.get((kind_name, f.name), f.name),
                name=f.name,
                type=f.type,
                required=f.required,
                key=f.column in keys,
                max_len=f.max_len,
                choices=f.choices,
            )
            for f in kind.fields
        )
        order = tuple((_ATTR.get((kind_name, a), a), _ATTR.get((kind_name, b), b)) for a, b in kind.order)
        out[cls] = (specs, order)
    return out


_SPECS = _specs()


def max_length(kind: str, name: str) -> int:
    """The longest value event field ``name`` of ``kind`` may hold (:data:`TEXT_LIMIT` for unbounded text)."""
    for f in KINDS[kind].fields:
        if f.name == name:
            return f.max_len if f.max_len is not None else TEXT_LIMIT
    raise KeyError(f"{kind} has no field {name!r}")


@dataclass
class Checked:
    """The records that may be written (some adjusted) and one warning per change made."""

    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0
    adjusted: int = 0


class _Drop(Exception):
    """The record cannot be kept; the message says why."""


def _clean_text(value: str) -> str:
    """``value`` with lone surrogates (from ``\\ud800`` escapes in JSON) replaced by U+FFFD."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _utc(value: Any) -> datetime | None:
    """The instant in UTC when an event file may hold it, else None.

    The rule of :func:`data.events.format.instant_ms` on the exported (UTC) text, without the text:
    years 1970-2199 in UTC (the property test checks every kept record against the rule book).
    """
    if not isinstance(value, datetime):
        return None
    try:
        utc = (
            value
            if value.tzinfo is UTC
            else value.replace(tzinfo=UTC)
            if value.tzinfo is None
            else value.astimezone(UTC)
        )
    except (ValueError, OverflowError):
        return None
    return utc if _FIRST_YEAR <= utc.year <= _LAST_YEAR else None


def _describe(record: Record, kind: str) -> str:
    key = [str(getattr(record, s.attr, "")) for s in _SPECS[type(record)][0] if s.key and s.attr != "source"]
    text = "/".join(key)
    return f"{kind} {text[:80] + '…' if len(text) > 80 else text}"


def check_record(record: Record) -> tuple[Record | None, list[str]]:
    """``record`` within the event-file limits (None when it must be dropped) and what was changed."""
    entry = _SPECS.get(type(record))
    if entry is None:
        return record, []
    specs, order = entry
    changes: dict[str, Any] = {}
    notes: list[str] = []
    try:
        for s in specs:
            value = getattr(record, s.attr)
            fixed = _check_field(s, value, notes)
            if fixed is not value:
                changes[s.attr] = fixed
        if changes:
            record = replace(record, **changes)
        raised: dict[str, Any] = {}
        for earlier, later in order:
            a = raised.get(earlier, getattr(record, earlier))
            b = raised.get(later, getattr(record, later))
            # Comparing instants is stricter than the import's check on rounded ms: never less safe.
            ua, ub = _utc(a), _utc(b)
            if ua is not None and ub is not None and ub < ua:
                raised[later] = a
                notes.append(f"{later} {_show(b)} was before {earlier} {_show(a)}; raised to it")
        if raised:
            record = replace(record, **raised)
    except _Drop as exc:
        return None, [str(exc)]
    return record, notes


def _check_field(s: _Spec, value: Any, notes: list[str]) -> Any:  # noqa: PLR0911 - one rule per type
    if value is None:
        if s.required:
            raise _Drop(f"dropped: {s.name} is missing")
        return value
    t = s.type
    if t <= _NULLABLE_FROM or t == _ID:  # the string-like types and identifiers
        if not isinstance(value, str):
            if s.key or s.required:
                raise _Drop(f"dropped: {s.name} is not text")
            notes.append(f"{s.name}: not text; cleared")
            return None
        text = _clean_text(value)
        if text is not value:
            notes.append(f"{s.name}: undecodable characters replaced")
        if not text and (t == _ID or (t == _STR and s.required)):
            if s.required:
                raise _Drop(f"dropped: {s.name} is empty")
            return None
        limit = s.max_len if s.max_len is not None else TEXT_LIMIT
        if len(text) > limit:
            if s.key:
                raise _Drop(f"dropped: {s.name} is {len(text):,} characters, longer than {limit}")
            notes.append(f"{s.name}: cut from {len(text):,} to {limit} characters")
            return text[:limit]
        return text
    if t == _INSTANT:
        if _utc(value) is None:
            if s.required:
                raise _Drop(f"dropped: {s.name} {_show(value)} is outside the years 1970-2199")
            notes.append(f"{s.name}: {_show(value)} is outside the years 1970-2199; cleared")
            return None
        return value
    if t == _ENUM:
        if s.choices is not None and value not in s.choices:
            raise _Drop(f"dropped: {s.name} {value!r} is not one of {', '.join(sorted(s.choices))}")
        return value
    if t == _COUNT:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
            raise _Drop(f"dropped: {s.name} {value!r} is not a whole number from 1")
        return value
    if t == _SECONDS:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            notes.append(f"{s.name}: {value!r} is not a number of seconds >= 0; set to 0")
            return 0.0
        return value
    if t == _LABELS:
        return _labels(s, value, notes)
    return value


def _labels(s: _Spec, value: Any, notes: list[str]) -> Any:
    kept: list[str] = []
    total = 0
    for label in value:
        text = _clean_text(str(label))
        if total + len(text) > TEXT_LIMIT:
            break
        kept.append(text)
        total += len(text)
    if len(kept) < len(value):
        notes.append(f"{s.name}: {len(value) - len(kept)} of {len(value)} cut (over {TEXT_LIMIT} characters)")
    elif all(a is b for a, b in zip(kept, value, strict=True)) and isinstance(value, tuple):
        return value
    return tuple(kept)


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else repr(value)[:60]


def check_records(records: Iterable[Record], *, source: str, stream: str) -> Checked:
    """Every record of a page checked with :func:`check_record`; warnings name source/stream/kind/key/field."""
    out = Checked()
    for record in records:
        kept, notes = check_record(record)
        if kept is not None:
            out.records.append(kept)
        if notes:
            kind = _KIND_OF.get(type(record), type(record).__name__)
            where = f"{source}/{stream}: {_describe(record, kind)}"
            out.warnings.extend(f"{where}: {n}" for n in notes)
            if kept is None:
                out.dropped += 1
            else:
                out.adjusted += 1
    return out


def summary_note(checked: Checked) -> Sequence[str]:
    """A short progress note for a page whose records were changed (empty when none was)."""
    parts = []
    if checked.dropped:
        parts.append(f"{checked.dropped} record(s) dropped")
    if checked.adjusted:
        parts.append(f"{checked.adjusted} record(s) adjusted")
    return [", ".join(parts) + " to fit the event-file limits (see the log)"] if parts else []
