"""The few named queries other packages need of the store, so none of them writes SQL of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, select

from data.store import schema
from data.store.schema import from_ms
from data.store.store import Store


def activity_span(store: Store) -> tuple[datetime | None, datetime | None]:
    """The first and last instant (UTC) with any status change or finished deployment.

    Status changes rather than creation dates: a backlog can hold items created years before
    anything moved, and a "first 8 weeks" comparison starting there would compare nothing.
    """
    with store.engine.connect() as conn:
        lo_items = conn.execute(select(func.min(schema.status_changes.c.at))).scalar()
        lo_deploy = conn.execute(select(func.min(schema.deployments.c.finished_at))).scalar()
        hi_items = conn.execute(select(func.max(schema.status_changes.c.at))).scalar()
        hi_deploy = conn.execute(select(func.max(schema.deployments.c.finished_at))).scalar()
    los = [_instant(v) for v in (lo_items, lo_deploy) if v is not None]
    his = [_instant(v) for v in (hi_items, hi_deploy) if v is not None]
    return (min(los) if los else None, max(his) if his else None)


def _instant(value: object) -> datetime:
    # min()/max() keep the column's type on most dialects (a datetime), but not on every one.
    return value if isinstance(value, datetime) else from_ms(int(value))  # type: ignore[call-overload]


def holds_item(store: Store, kind: str, source: str, key: str) -> bool:
    """Whether the store holds a work item, change or deployment (``repo#id`` or the bare id)."""
    with store.engine.connect() as conn:
        if kind == "work_item":
            t = schema.work_items
            return conn.execute(select(t.c.id).where(t.c.source == source, t.c.key == key)).first() is not None
        t = schema.changes if kind == "change" else schema.deployments
        where = [t.c.source == source]
        if "#" in key:
            repo, ident = key.rsplit("#", 1)
            where += [t.c.repo == repo, t.c.external_id == ident]
        else:
            where.append(t.c.external_id == key)
        return conn.execute(select(t.c.id).where(*where)).first() is not None


@dataclass(frozen=True, slots=True)
class Holdings:
    """Which kinds of record the store holds at all: what an empty page names as the source to add."""

    tickets: bool = False
    pipelines: bool = False
    deployments: bool = False


def holdings(store: Store) -> Holdings:
    """Whether the store holds any ticket (work item), pipeline run and deployment: three ``LIMIT 1`` reads."""
    with store.engine.connect() as conn:

        def any_row(table: Table) -> bool:
            return conn.execute(select(table.c.id).limit(1)).first() is not None

        return Holdings(
            tickets=any_row(schema.work_items),
            pipelines=any_row(schema.pipeline_runs),
            deployments=any_row(schema.deployments),
        )
