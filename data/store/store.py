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
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import URL, Engine, Table, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, DBAPIError

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
from data.store.errors import StoreCorruptError, StoreError, StoreForeignError, StoreReadOnlyError
from data.store.writer import Writer

log = logging.getLogger(__name__)

__all__ = [
    "APPLICATION_ID",
    "Store",
    "default_db_url",
    "move_aside_corrupt",
    "resolve_db_url",
]


_CORRUPT_MARKERS = ("file is not a database", "malformed", "disk image", "not a database")

#: ``PRAGMA application_id`` of every SQLite store Flowdeck writes ("Flow" in ASCII). It sits in the
#: file's header, so a file is known to be Flowdeck's before anything in it is read or changed.
APPLICATION_ID = 0x466C6F77
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables every Flowdeck store has had since the first schema revision: how a store written before
#: the application id was set is recognised (it gets the id on its next writable open).
_FLOWDECK_TABLES = frozenset({"alembic_version", "meta", "work_items"})


def _writable(path: Path) -> bool:
    """Whether this process may write ``path``.

    ``os.access`` rather than trying: a try would change the file. Tests run as root, for whom
    every permission check passes, so they patch ``os.access`` to simulate a read-only store.
    """
    return os.access(path, os.W_OK)


def _read_only_reason(path: Path) -> str | None:
    """Why the existing store file ``path`` can only be read, or None when it and its directory are writable."""
    if _writable(path) and _writable(path.parent):
        return None
    try:
        read_only_fs = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        read_only_fs = False
    if read_only_fs:
        return "it is on a read-only file system"
    if not _writable(path):
        return "no write permission on the file"
    return f"no write permission on its directory {path.parent}"


def _sqlite_file(sa_url: URL) -> tuple[Path | None, bool]:
    """The file behind an SQLite URL (None: memory, or not SQLite) and whether the URL asks for read-only.

    ``sqlite:///file:PATH?mode=ro&uri=true`` (SQLite's URI form) names ``PATH``, not ``file:PATH``.
    """
    if sa_url.get_backend_name() != "sqlite" or sa_url.database in (None, "", ":memory:"):
        return None, False
    database = sa_url.database
    if str(sa_url.query.get("uri", "")).lower() in ("true", "1") and database.startswith("file:"):
        parts = urlsplit(database)
        query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
        query.update({k: str(v) for k, v in sa_url.query.items()})
        if not parts.path or query.get("mode") == "memory":
            return None, False
        return Path(unquote(parts.path)), query.get("mode") == "ro" or query.get("immutable") == "1"
    return Path(database), False


def _read_only_connect(path: Path, *, immutable: bool) -> sqlite3.Connection:
    """An SQLite connection that cannot write (SQLite enforces it, whoever runs us)."""
    # as_uri percent-encodes '?', '#' and '%' and writes Windows drives as SQLite expects them.
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)


def _wal_is_live(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _sqlite_tables(path: Path) -> set[str]:
    """The table names of the SQLite file ``path``, read without writing anything.

    Without a live ``-wal`` the file is read as immutable (nothing beside it is created); with one,
    through the WAL so that tables not yet checkpointed are seen.
    """
    error: sqlite3.Error | None = None
    for immutable in (False, True) if _wal_is_live(path) else (True,):
        try:
            conn = _read_only_connect(path, immutable=immutable)
            try:
                return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                conn.close()
        except sqlite3.Error as exc:
            error = exc
    assert error is not None
    raise error


def _needs_immutable(path: Path) -> bool:
    """Whether a read-only connection must open ``path`` as immutable.

    A WAL store read without write permission needs its ``-shm`` index; when that is missing and
    cannot be created (a read-only directory), SQLite reads the file only as immutable.
    """
    try:
        conn = _read_only_connect(path, immutable=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return False


def _check_sqlite_file(path: Path) -> str | None:
    """Decide about the file behind ``--db`` before SQLite opens it; returns why it is read-only (None: writable).

    Refuses, leaving it exactly as it is, anything that is not a Flowdeck store: a directory, a
    text file, another application's SQLite database. Only a file Flowdeck created (its
    application id, or Flowdeck's tables for stores older than the id) may be migrated or, when
    damaged, moved aside. A missing or empty file becomes a new store. The decision comes before
    SQLite opens the file: opening a damaged file may delete its ``-wal``, which can hold the only
    good copy of recent writes.
    """
    try:
        if path.is_dir():
            raise StoreForeignError(
                f"{path} is a directory, not a store file; point --db at a file, e.g. {path / 'flowdeck.db'}"
            )
        exists = path.exists()
    except OSError as exc:
        raise StoreError(f"cannot reach the store {path}: {exc.strerror or exc}") from None
    if not exists:
        parent = path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store {path}: cannot create its directory {parent} ({exc.strerror})"
            ) from None
        if not _writable(parent):
            raise StoreReadOnlyError(
                f"cannot create the store {path}: its directory {parent} is read-only (no write permission)"
            )
        return None
    if not path.is_file():
        raise StoreForeignError(f"{path} is not a regular file, so not a store; point --db at a store file")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from None
    read_only = _read_only_reason(path)
    untouched = "it was left untouched. Point --db at a Flowdeck store, or at a new file to start one"
    if not head:
        if read_only:
            raise StoreReadOnlyError(f"cannot create the store {path}: the file is empty and read-only ({read_only})")
        return None  # an empty file: nothing in it to lose; it becomes a new store
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise StoreForeignError(f"{path} is not a Flowdeck store (not an SQLite database); {untouched}")
    app_id = int.from_bytes(head[68:72], "big", signed=True)
    if app_id == APPLICATION_ID:
        return read_only
    if app_id != 0:
        raise StoreForeignError(
            f"{path} is another application's SQLite database (application id {app_id:#x}), not a Flowdeck "
            f"store; {untouched}"
        )
    try:
        tables = _sqlite_tables(path)
    except sqlite3.Error as exc:
        raise StoreForeignError(
            f"{path} cannot be read as a Flowdeck store ({exc}); {untouched}. If it is a damaged Flowdeck store, "
            "move it away yourself (with its -wal and -shm files) and start a new one"
        ) from None
    if not tables:
        if read_only:
            raise StoreReadOnlyError(
                f"cannot create the store {path}: the database is empty and read-only ({read_only})"
            )
        return None  # an SQLite file with no table: nothing in it to lose
    if tables >= _FLOWDECK_TABLES:
        return read_only
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    raise StoreForeignError(
        f"{path} is another application's SQLite database (tables: {shown}), not a Flowdeck store; {untouched}"
    )


def _is_driver_error(exc: BaseException) -> bool:
    """A DB-API error straight from the driver (the bulk paths bypass SQLAlchemy's wrapping)."""
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] in ("psycopg", "psycopg2")


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


def _sqlite_pragmas_read_only(dbapi_conn: Any, _record: Any) -> None:
    # Setting the journal mode is a write; a read-only store keeps the mode it has.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Store:
    """An open cache. Create with :meth:`Store.open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine, url: str, *, read_only: str | None = None) -> None:
        self.engine = engine
        self.url = url
        #: Why this store can only be read (no write permission, ``mode=ro``), or None: writable.
        self.read_only = read_only

    # -- opening --

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        """Open (creating and migrating as needed) the store at ``url`` (default: the user's).

        Raises :class:`StoreTooNewError` for a database from a newer Flowdeck,
        :class:`StoreForeignError` for a file that is not a Flowdeck store (left untouched), and
        :class:`StoreError` for one that cannot be opened, with a message naming the file. A store
        without write permission opens read-only (:attr:`read_only`): reads work, writes are refused.
        """
        url = resolve_db_url(url) if url else default_db_url()
        sa_url = make_url(url)
        path, url_read_only = _sqlite_file(sa_url)
        read_only: str | None = None
        kwargs: dict[str, Any] = {}
        if sa_url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": 10}
        if path is not None:
            if url_read_only and not path.exists():
                raise StoreError(f"cannot open the store {path} read-only: it does not exist")
            read_only = _check_sqlite_file(path)
            if url_read_only:
                read_only = "opened read-only (mode=ro)"
            elif read_only is not None:
                # SQLite enforces it: the file is opened read-only whoever we run as.
                immutable = _needs_immutable(path)
                ro_path = path
                kwargs["creator"] = lambda: _read_only_connect(ro_path, immutable=immutable)
        engine = create_engine(url, **kwargs)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas if read_only is None else _sqlite_pragmas_read_only)
        store = cls(engine, url, read_only=read_only)
        if migrate:
            from data.store import migrate as migrations

            try:
                if read_only is None:
                    migrations.upgrade(store)
                    store._stamp_application_id()
                else:
                    store._check_revision_read_only()
            except DatabaseError as exc:
                engine.dispose()
                store._raise_if_corrupt(exc)
                failure = store._failure(exc)
                if failure is not None:
                    raise failure from exc
                raise StoreError(f"cannot open {store.url_for_display()}: {exc.orig}") from None
        return store

    def _check_revision_read_only(self) -> None:
        """A read-only store must already be at this version's schema: it cannot be migrated."""
        from data.store import migrate as migrations

        behind = migrations.pending_upgrade(self)  # raises StoreTooNewError for a newer store
        if behind is not None:
            raise StoreReadOnlyError(
                f"the store {self._where()} is read-only ({self.read_only}) and its schema (revision {behind}) "
                f"needs upgrading to {migrations.head_revision()}, which needs write permission. Open it once "
                "with write permission, or read it with the Flowdeck version that wrote it"
            )

    def _stamp_application_id(self) -> None:
        """Mark an SQLite store as Flowdeck's in its header (new stores, and ones older than the mark)."""
        if self.dialect != "sqlite" or self.read_only is not None:
            return
        try:
            with self.engine.connect() as conn:
                if conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
                    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                    conn.commit()
        except DBAPIError:  # busy: the mark is for recognising the file later, not needed now
            log.info("could not set the application id of %s", self._where(), exc_info=True)

    def _raise_if_corrupt(self, exc: DatabaseError) -> None:
        """Move a damaged SQLite file aside and raise StoreCorruptError telling the user where it went.

        Only ever reached for a file recognised as Flowdeck's (:func:`_check_sqlite_file`).
        """
        path = self.sqlite_path
        text = str(exc.orig).lower()
        if path is None or not any(marker in text for marker in _CORRUPT_MARKERS):
            return
        if self.read_only is not None:
            raise StoreError(
                f"the store {path} is damaged ({exc.orig}); it is read-only ({self.read_only}), so it was left in place"
            )
        try:
            moved = move_aside_corrupt(path)
        except OSError as exc_move:
            raise StoreError(
                f"the store {path} is damaged ({exc.orig}) and could not be moved aside ({exc_move.strerror}); "
                "move it away yourself (with its -wal and -shm files) to start a new store"
            ) from None
        names = ", ".join(str(m) for m in moved)
        backups = sorted(path.parent.glob(path.name + ".*.bak"))
        hint = f" A backup from before the last upgrade is at {backups[-1]}." if backups else ""
        raise StoreCorruptError(
            f"the store {path} is damaged ({exc.orig}). It was moved aside to {names}; nothing was deleted. "
            f"Run Flowdeck again to start a new, empty store and sync or import again.{hint}",
            moved,
        )

    def require_writable(self) -> None:
        """Raise :class:`StoreReadOnlyError`, naming the store and why, when it can only be read."""
        if self.read_only is not None:
            raise StoreReadOnlyError(f"the store {self._where()} is read-only ({self.read_only}); nothing was written")

    def _where(self) -> str:
        """The store for a message: its file, or its URL with any password masked."""
        path = self.sqlite_path
        return str(path) if path is not None else self.url_for_display()

    def _failure(self, exc: BaseException) -> StoreError | None:  # noqa: PLR0911 - one return per condition
        """A StoreError saying in words what a database error means here, or None when it is not one we know.

        Full disks, read-only files and failing disks are the user's to fix, so they are named as
        such, with the store; a raw driver error (the bulk paths bypass SQLAlchemy) is still one line.
        """
        if not isinstance(exc, DBAPIError) and not _is_driver_error(exc):
            return None
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        lines = str(orig).strip().splitlines()
        text = lines[0] if lines else type(orig).__name__
        low = text.lower()
        code = str(getattr(orig, "sqlite_errorname", ""))
        where = self._where()
        if "readonly database" in low or code.startswith("SQLITE_READONLY"):
            why = f"{self.read_only}" if self.read_only else "check the permissions of the file and its directory"
            return StoreReadOnlyError(f"the store {where} is read-only ({why}); nothing was written")
        if "database or disk is full" in low or code == "SQLITE_FULL" or getattr(orig, "sqlstate", None) == "53100":
            return StoreError(
                f"the disk holding the store {where} is full ({text}); nothing was written. Free some space and "
                "try again"
            )
        if "disk i/o error" in low or code.startswith("SQLITE_IOERR"):
            return StoreError(
                f"cannot write the store {where}: disk I/O error (the disk may be full, removed or failing); "
                "nothing was written"
            )
        if "unable to open database file" in low or code.startswith("SQLITE_CANTOPEN"):
            return StoreError(
                f"cannot open the store {where} ({text}): check that it and its directory exist and are writable"
            )
        if not isinstance(exc, DBAPIError):
            return StoreError(f"the store {where} refused the write: {text}; nothing was written")
        return None

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
        return _sqlite_file(make_url(self.url))[0]

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
        try:
            if self.dialect == "sqlite":
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("VACUUM")
                    conn.exec_driver_sql("PRAGMA optimize")
            else:
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
        except DBAPIError as exc:
            failure = self._failure(exc)
            if failure is None:
                raise
            raise failure from exc

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
        """One write transaction: everything in the block commits together or not at all.

        A read-only store refuses at once (:class:`StoreReadOnlyError`); a database failure the
        user can act on (disk full, read-only, disk I/O error) becomes a :class:`StoreError` naming
        the store, after the transaction was rolled back.
        """
        self.require_writable()
        try:
            with self.engine.begin() as conn:
                w = Writer(conn)
                yield w
                if w._generation is None:  # not claimed by a tracked write: bump now, as always
                    w._bump_generation()
        except Exception as exc:
            failure = self._failure(exc)
            if failure is None:
                raise
            log.info("write to %s failed: %s", self._where(), exc)
            raise failure from exc

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
        """True when the store holds nothing at all: no record of any kind, exclusion or sync state.

        The demo is only ever generated into an empty store, so every table a user's data can be
        in counts (an import of incidents alone, or a sync that has recorded an attempt).
        """
        with self.engine.connect() as conn:
            for name in (*schema.RECORD_TABLES, "exclusions", "sync_cursors", "sync_state"):
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
