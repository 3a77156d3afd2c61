"""Schema migrations: Alembic, run programmatically when a store opens.

A store at an older revision is backed up (SQLite: a copy of the file beside it) and upgraded; a
store at a revision this code does not know was written by a newer Flowdeck and is refused with
:class:`data.store.errors.StoreTooNewError`, never touched.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from data.store.errors import StoreTooNewError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class MigratableStore(Protocol):
    """What migrating needs of a store; :class:`data.store.store.Store` calls in with itself."""

    @property
    def engine(self) -> Engine:
        """The store's SQLAlchemy engine."""
        ...

    def url_for_display(self) -> str:
        """The URL without a password, for messages."""
        ...

    def backup_file(self, suffix: str, *, checkpoint: bool = True) -> Path | None:
        """Copy an SQLite file aside before migrating it (None for a server database)."""
        ...


def alembic_config() -> Config:
    """An Alembic config pointing at ``data/migrations`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: MigratableStore) -> str | None:
    """The revision the database is at (None: a new, empty database)."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def pending_upgrade(store: MigratableStore) -> str | None:
    """The revision a store behind head is at (None: at head); a newer store raises StoreTooNewError.

    For a store that cannot be migrated (read-only): it is usable only when this returns None.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(store)
    if current == head:
        return None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise _too_new(store, current, head)
    return current or "none: an empty database"


def _too_new(store: MigratableStore, current: str, head: str | None) -> Exception:

    return StoreTooNewError(
        f"the database {store.url_for_display()} is from a newer version of Flowdeck "
        f"(schema revision {current}); this version knows up to {head}. "
        "Upgrade Flowdeck, or point --db at another database."
    )


#: Any constant: the PostgreSQL advisory lock that serialises migrations across processes.
_MIGRATION_LOCK = 0x666C6F77  # "flow"


def upgrade(store: MigratableStore, revision: str = "head") -> None:
    """Bring ``store`` to ``revision``: refuse a newer store, back up an older file, migrate.

    Two processes opening a new or old store at once (two sync services, a dashboard and a
    service) must not both migrate: the revision is read and the upgrade run under a lock
    (an advisory transaction lock on PostgreSQL, SQLite's write lock via BEGIN IMMEDIATE),
    and whoever comes second finds the store already at head.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if current_revision(store) == head and revision == "head":
        return  # the common case, without taking any lock
    known = {rev.revision for rev in script.walk_revisions()}
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head and revision == "head":
            return
        if current is not None and current not in known:
            raise _too_new(store, current, head)
        if current is not None:
            # A plain file copy is safe while we hold the write lock: nobody else can write.
            backup = store.backup_file(f"rev-{current}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}", checkpoint=False)
            if backup:
                log.info("backed up %s before migrating to %s", backup, head)
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
