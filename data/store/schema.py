"""The cache's tables (SQLAlchemy 2 Core metadata).

Every table has a unique natural key so every write is an upsert and replaying a page changes
nothing. Instants are integer epoch milliseconds (UTC) through :class:`EpochMs`: cheap to
compare and aggregate, no time-zone text to parse. Nullable parts of a natural key are stored as
``''`` rather than NULL, because SQL unique constraints treat NULLs as distinct and a re-import
would then duplicate rows.

Migrations (``data/migrations``) carry their own frozen copies of these tables; change this file
only together with a new migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def to_ms(value: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return round(value.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """Aware UTC datetime of epoch milliseconds."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


class EpochMs(TypeDecorator[datetime]):
    """A UTC instant stored as integer epoch milliseconds."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        """Datetime (or epoch-ms int, the bulk path) to epoch ms."""
        if value is None:
            return None
        if isinstance(value, int):
            return value
        return to_ms(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Epoch ms to an aware UTC datetime."""
        return None if value is None else from_ms(int(value))


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


#: Tables whose rows carry ``changed_gen``: the store generation of the write transaction that last
#: inserted or updated the row (set by ``data.store.store.Writer``). The metrics cache refreshes a bundle
#: built at generation G from the rows with ``changed_gen > G`` only (data/materialise/refresh.py).
#: The record tables, parents before children (the order writes and exports use).
RECORD_TABLES = (
    "work_items",
    "status_changes",
    "changes",
    "commits",
    "pipeline_runs",
    "job_runs",
    "deployments",
    "deployment_commits",
    "incidents",
)
CHANGE_TRACKED = RECORD_TABLES


def _changed_gen(table: str) -> tuple[Column[int], Index]:
    """The ``changed_gen`` column (0 for rows written before migration 0004) and its index."""
    return (
        Column("changed_gen", BigInteger, nullable=False, default=0, server_default="0"),
        Index(f"ix_{table}_changed_gen", "changed_gen"),
    )


work_items = Table(
    "work_items",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("key", String(200), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("type", String(100)),
    Column("team", String(200)),
    Column("labels", Text, nullable=False, default=""),  # JSON list
    Column("url", Text),
    Column("status", String(200)),
    Column("created_at", EpochMs, nullable=False),
    UniqueConstraint("source", "key"),
    *_changed_gen("work_items"),
)

# Tickets named by a change are matched case-insensitively (linking upper-cases keys; migration 0005).
Index("ix_work_items_upper_key", func.upper(work_items.c.key))

status_changes = Table(
    "status_changes",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("item_key", String(200), nullable=False),
    Column("at", EpochMs, nullable=False),
    Column("from_status", String(200), nullable=False, default=""),
    Column("to_status", String(200), nullable=False),
    Column("from_id", String(100)),
    Column("to_id", String(100)),
    Column("to_category", String(50)),
    UniqueConstraint("source", "item_key", "at", "from_status", "to_status"),
    *_changed_gen("status_changes"),
)

changes = Table(
    "changes",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("repo", String(300), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("branch", String(300)),
    Column("author", String(200)),
    Column("created_at", EpochMs, nullable=False),
    Column("first_commit_at", EpochMs),
    Column("first_review_at", EpochMs),
    Column("merged_at", EpochMs),
    Column("merge_sha", String(64)),
    Column("base", String(300)),
    Column("url", Text),
    UniqueConstraint("source", "repo", "external_id"),
    Index("ix_changes_merge_sha", "merge_sha"),
    # One repository's merges in a span: a release without a commit range (migration 0005).
    Index("ix_changes_repo_merged", "repo", "merged_at"),
    *_changed_gen("changes"),
)

commits = Table(
    "commits",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("repo", String(300), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("author", String(200)),
    Column("authored_at", EpochMs),
    UniqueConstraint("source", "repo", "sha"),
    # Who committed what a failing pipeline ran: looked up by sha alone (live status).
    Index("ix_commits_sha", "sha"),
    *_changed_gen("commits"),
)

pipeline_runs = Table(
    "pipeline_runs",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("pipeline", String(500), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("sha", String(64)),
    Column("branch", String(300)),
    Column("status", String(20), nullable=False),
    Column("result", String(20)),
    Column("queued_at", EpochMs),
    Column("started_at", EpochMs),
    Column("finished_at", EpochMs),
    Column("url", Text),
    Column("author", String(200)),
    UniqueConstraint("source", "pipeline", "external_id", "attempt"),
    Index("ix_pipeline_runs_pipeline_started", "source", "pipeline", "started_at"),
    # One branch's history, newest first (live status: broken since, ETA) without a table scan.
    Index("ix_pipeline_runs_branch_started", "source", "pipeline", "branch", "started_at"),
    # The run that shipped a deployment, by its URL or sha (release report; migration 0005).
    Index("ix_pipeline_runs_sha", "sha"),
    Index("ix_pipeline_runs_url", "url"),
    *_changed_gen("pipeline_runs"),
)

job_runs = Table(
    "job_runs",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("pipeline", String(500), nullable=False),
    Column("run_id", String(100), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("name", String(500), nullable=False),
    Column("queued_at", EpochMs),
    Column("started_at", EpochMs),
    Column("finished_at", EpochMs),
    Column("result", String(20)),
    Column("paused_s", Float, nullable=False, default=0.0),
    UniqueConstraint("source", "pipeline", "run_id", "external_id", "attempt"),
    *_changed_gen("job_runs"),
)

deployments = Table(
    "deployments",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("repo", String(300), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("environment", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("sha", String(64)),
    Column("ref", String(300)),
    Column("started_at", EpochMs),
    Column("finished_at", EpochMs),
    Column("url", Text),
    UniqueConstraint("source", "repo", "external_id"),
    # The latest release, the next one after a release, a repository's previous one (migration 0005).
    Index("ix_deployments_finished", "finished_at"),
    Index("ix_deployments_repo_started", "repo", "started_at"),
    *_changed_gen("deployments"),
)

deployment_commits = Table(
    "deployment_commits",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("deployment_id", String(100), nullable=False),
    Column("sha", String(64), nullable=False),
    UniqueConstraint("source", "deployment_id", "sha"),
    *_changed_gen("deployment_commits"),
)

incidents = Table(
    "incidents",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("key", String(200), nullable=False),
    Column("repo", String(300)),
    Column("title", Text),
    Column("url", Text),
    Column("created_at", EpochMs, nullable=False),
    Column("resolved_at", EpochMs),
    UniqueConstraint("source", "key"),
    *_changed_gen("incidents"),
)

exclusions = Table(
    "exclusions",
    metadata,
    _id(),
    Column("kind", String(20), nullable=False),
    Column("source", String(100), nullable=False),
    Column("key", String(300), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", EpochMs, nullable=False),
    UniqueConstraint("kind", "source", "key"),
)

sync_cursors = Table(
    "sync_cursors",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("stream", String(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", EpochMs, nullable=False),
    UniqueConstraint("source", "stream"),
)

sync_state = Table(
    "sync_state",
    metadata,
    _id(),
    Column("source", String(100), nullable=False),
    Column("last_attempt_at", EpochMs),
    Column("last_success_at", EpochMs),
    Column("last_error", Text),
    UniqueConstraint("source"),
)

#: Small key/value facts about the store: ``generation`` (bumped by every write transaction, so
#: readers notice another process's sync cheaply), ``demo`` ("1" when filled by ``flowdeck demo``).
meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Natural-key columns per table, used by the store's upserts.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "work_items": ("source", "key"),
    "status_changes": ("source", "item_key", "at", "from_status", "to_status"),
    "changes": ("source", "repo", "external_id"),
    "commits": ("source", "repo", "sha"),
    "pipeline_runs": ("source", "pipeline", "external_id", "attempt"),
    "job_runs": ("source", "pipeline", "run_id", "external_id", "attempt"),
    "deployments": ("source", "repo", "external_id"),
    "deployment_commits": ("source", "deployment_id", "sha"),
    "incidents": ("source", "key"),
    "exclusions": ("kind", "source", "key"),
    "sync_cursors": ("source", "stream"),
    "sync_state": ("source",),
}

#: Materialised metric arrays (data.materialise.cache): one row per stream fingerprint, valid while the
#: store's ``generation`` equals the row's. Derived data only: dropping every row loses nothing.
#: Written outside ``Store.writer()`` so that caching never bumps the generation it is keyed on.
metrics_cache = Table(
    "metrics_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("generation", BigInteger, nullable=False),
    Column("built_at", BigInteger, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)
