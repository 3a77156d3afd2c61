"""The store: the one owner of the database engine and its transactions.

SQLite by default (WAL, ``synchronous=NORMAL``, a busy timeout, foreign keys on); any
SQLAlchemy URL otherwise (PostgreSQL for a shared team cache). Writes are idempotent upserts on
natural keys, grouped by the caller into one transaction (:meth:`Store.writer`). Reads return the
frozen records of :mod:`data.records`, never ORM objects.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Exclusion,
    Incident,
    JobRun,
    PipelineRun,
    Record,
    StatusChange,
    WorkItem,
)
from data.store import rows, schema
from data.store.errors import StoreCorruptError, StoreError
from data.store.writer import Writer

log = logging.getLogger(__name__)

__all__ = [
    "Store",
    "default_db_url",
    "move_aside_corrupt",
    "resolve_db_url",
]


_CORRUPT_MARKERS = ("file is not a database", "malformed", "disk image", "not a database")


def _bad_sqlite_header(path: Path) -> bool:
    """True when ``path`` exists, is not empty, and does not start with SQLite's magic string."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return False
    return bool(head) and head != b"SQLite format 3\x00"


def move_aside_corrupt(path: Path) -> list[Path]:
    """Rename a damaged SQLite file and its ``-wal``/``-shm`` companions to ``*.corrupt-<UTC time>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved: list[Path] = []
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            target = companion.with_name(f"{companion.name}.corrupt-{stamp}")
            companion.rename(target)
            moved.append(target)
    return moved


def default_db_url() -> str:
    """The default store: ``FLOWDECK_DB``, else ``flowdeck.db`` in the user's data directory."""
    env = os.environ.get("FLOWDECK_DB")
    if env:
        return resolve_db_url(env)
    from platformdirs import user_data_dir

    directory = Path(user_data_dir("flowdeck", appauthor=False))
    return f"sqlite:///{directory / 'flowdeck.db'}"


def resolve_db_url(value: str) -> str:
    """Turn a ``--db`` argument (a path or an SQLAlchemy URL) into a URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Store:
    """An open cache. Create with :meth:`Store.open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- opening --

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        """Open (creating and migrating as needed) the store at ``url`` (default: the user's).

        Raises :class:`StoreTooNewError` for a database from a newer Flowdeck, and
        :class:`StoreError` for one that cannot be opened, with a message naming the file.
        """
        url = resolve_db_url(url) if url else default_db_url()
        sa_url = make_url(url)
        if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if sa_url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": 10}
        engine = create_engine(url, **kwargs)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine, url)
        path = store.sqlite_path
        if path is not None and _bad_sqlite_header(path):
            # Decide before SQLite opens it: opening a damaged file may delete its -wal/-shm,
            # which can hold the only good copy of recent writes.
            engine.dispose()
            store._raise_if_corrupt(DatabaseError("open", None, Exception("file is not a database")))
        if migrate:
            from data.store import migrate as migrations

            try:
                migrations.upgrade(store)
            except DatabaseError as exc:
                engine.dispose()
                store._raise_if_corrupt(exc)
                raise StoreError(f"cannot open {store.url_for_display()}: {exc.orig}") from None
        return store

    def _raise_if_corrupt(self, exc: DatabaseError) -> None:
        """Move a damaged SQLite file aside and raise StoreCorruptError telling the user where it went."""
        path = self.sqlite_path
        text = str(exc.orig).lower()
        if path is None or not any(marker in text for marker in _CORRUPT_MARKERS):
            return
        moved = move_aside_corrupt(path)
        names = ", ".join(str(m) for m in moved)
        backups = sorted(path.parent.glob(path.name + ".*.bak"))
        hint = f" A backup from before the last upgrade is at {backups[-1]}." if backups else ""
        raise StoreCorruptError(
            f"the store {path} is damaged ({exc.orig}). It was moved aside to {names}; nothing was deleted. "
            f"Run Flowdeck again to start a new, empty store and sync or import again.{hint}",
            moved,
        )

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for_display(self) -> str:
        """The store's URL with any password masked, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file behind the store, or None (memory, or another database)."""
        sa_url = make_url(self.url)
        if sa_url.get_backend_name() != "sqlite" or sa_url.database in (None, "", ":memory:"):
            return None
        return Path(sa_url.database)

    def integrity_problems(self) -> list[str]:
        """Run the database's own consistency check; an empty list means healthy."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
                problems += [r for r in rows if r != "ok"]
                problems += [f"foreign key: {r}" for r in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]
            else:
                conn.exec_driver_sql("SELECT 1")
        from data.store import migrate as migrations

        current, head = migrations.current_revision(self), migrations.head_revision()
        if current != head:
            problems.append(f"schema revision {current}, expected {head}")
        return problems

    def vacuum(self) -> None:
        """Reclaim space and refresh the planner's statistics."""
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA optimize")
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")

    def backup_file(self, suffix: str, *, checkpoint: bool = True) -> Path | None:
        """Copy the SQLite file (and its WAL) beside itself before a migration; returns the copy's path.

        With ``checkpoint`` the WAL is first folded into the file; without (the caller holds the
        write lock), the ``-wal`` is copied beside the copy so the backup is whole either way.
        """
        path = self.sqlite_path
        if path is None or not path.exists():
            return None
        if checkpoint:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        target = path.with_name(f"{path.name}.{suffix}.bak")
        shutil.copy2(path, target)
        wal = path.with_name(path.name + "-wal")
        if not checkpoint and wal.exists() and wal.stat().st_size:
            shutil.copy2(wal, target.with_name(target.name + "-wal"))
        return target

    # -- writing --

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        """One write transaction: everything in the block commits together or not at all."""
        with self.engine.begin() as conn:
            w = Writer(conn)
            yield w
            if w._generation is None:  # not claimed by a tracked write: bump now, as always
                w._bump_generation()

    def upsert(self, records: Iterable[Record]) -> int:
        """Upsert records in their own transaction."""
        with self.writer() as w:
            return w.upsert(records)

    # -- small reads --

    def generation(self) -> int:
        """A counter bumped by every write transaction: a cheap "has anything changed?" check."""
        t = schema.meta
        with self.engine.connect() as conn:
            value = conn.execute(select(t.c.value).where(t.c.key == "generation")).scalar_one_or_none()
        return int(value) if value else 0

    def get_meta(self, key: str) -> str | None:
        """A store-wide fact set with :meth:`Writer.set_meta`."""
        t = schema.meta
        with self.engine.connect() as conn:
            return conn.execute(select(t.c.value).where(t.c.key == key)).scalar_one_or_none()

    def get_cursor(self, source: str, stream: str) -> str | None:
        """The committed cursor of ``stream`` of ``source``."""
        with self.engine.connect() as conn:
            return Writer(conn).get_cursor(source, stream)

    def sync_states(self) -> dict[str, dict[str, Any]]:
        """Per source: ``last_attempt_at``, ``last_success_at`` (datetimes) and ``last_error``."""
        t = schema.sync_state
        with self.engine.connect() as conn:
            return {
                r["source"]: {
                    "last_attempt_at": r["last_attempt_at"],
                    "last_success_at": r["last_success_at"],
                    "last_error": r["last_error"],
                }
                for r in conn.execute(select(t)).mappings()
            }

    def counts(self) -> dict[str, int]:
        """Rows per record table."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for name in schema.NATURAL_KEYS:
                table = schema.metadata.tables[name]
                out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        return out

    def is_empty(self) -> bool:
        """True when the store holds no records at all."""
        with self.engine.connect() as conn:
            for name in ("work_items", "pipeline_runs", "deployments", "changes"):
                table = schema.metadata.tables[name]
                if conn.execute(select(table.c.id).limit(1)).first() is not None:
                    return False
        return True

    # -- record reads (frozen DTOs) --

    def _read(self, table: Table, order: Sequence[str], where: Any = None) -> Iterator[Any]:
        with self.engine.connect() as conn:
            stmt = select(table).order_by(*[table.c[o] for o in order])
            if where is not None:
                stmt = stmt.where(where)
            yield from conn.execute(stmt.execution_options(yield_per=10_000)).mappings()

    def work_items(self) -> list[WorkItem]:
        """Every work item, by source and key."""
        return [rows.work_item_from_row(r) for r in self._read(schema.work_items, ("source", "key"))]

    def status_changes(self) -> list[StatusChange]:
        """Every status change, by item and time."""
        return [
            rows.status_change_from_row(r)
            for r in self._read(schema.status_changes, ("source", "item_key", "at", "id"))
        ]

    def changes(self) -> list[Change]:
        """Every change (PR/MR)."""
        return [rows.change_from_row(r) for r in self._read(schema.changes, ("source", "repo", "external_id"))]

    def commits(self) -> list[Commit]:
        """Every commit."""
        return [rows.commit_from_row(r) for r in self._read(schema.commits, ("source", "repo", "sha"))]

    def pipeline_runs(self) -> list[PipelineRun]:
        """Every pipeline run attempt."""
        return [rows.pipeline_run_from_row(r) for r in self._read(schema.pipeline_runs, ("source", "pipeline", "id"))]

    def job_runs(self) -> list[JobRun]:
        """Every job run."""
        return [rows.job_run_from_row(r) for r in self._read(schema.job_runs, ("source", "pipeline", "run_id", "id"))]

    def deployments(self) -> list[Deployment]:
        """Every deployment."""
        return [rows.deployment_from_row(r) for r in self._read(schema.deployments, ("source", "repo", "id"))]

    def deployment_commits(self) -> list[DeploymentCommit]:
        """Every (deployment, commit) pair."""
        return [
            rows.deployment_commit_from_row(r)
            for r in self._read(schema.deployment_commits, ("source", "deployment_id", "sha"))
        ]

    def incidents(self) -> list[Incident]:
        """Every incident."""
        return [rows.incident_from_row(r) for r in self._read(schema.incidents, ("source", "key"))]

    def exclusions(self) -> list[Exclusion]:
        """Every exclusion, oldest first."""
        return [rows.exclusion_from_row(r) for r in self._read(schema.exclusions, ("created_at", "id"))]

    def all_records(self) -> Iterator[Record]:
        """Every record, parents before children (the order an export writes)."""
        yield from self.work_items()
        yield from self.status_changes()
        yield from self.changes()
        yield from self.commits()
        yield from self.pipeline_runs()
        yield from self.job_runs()
        yield from self.deployments()
        yield from self.deployment_commits()
        yield from self.incidents()
