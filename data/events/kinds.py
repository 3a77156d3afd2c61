"""The event kinds: every kind an event file may hold, its fields, their types and its timeline checks.

:data:`KINDS` (in export order, parents first) is the one statement of the format's fields;
:mod:`data.events.format` validates a line against it and :mod:`data.events.fastpath` compiles it.
The field types are small integers (``_STR`` ... ``_LABELS``), the string-like ones first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from data.store import schema

__all__ = ["DEPLOYMENT_STATUSES", "EXCLUSION_KINDS", "KINDS", "RUN_RESULTS", "RUN_STATUSES", "Kind"]

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
