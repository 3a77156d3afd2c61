"""Schema migrations: Alembic, run programmatically when a store opens.

A store at an older revision is backed up (SQLite: a copy of the file beside it) and upgraded; a
store at a revision this code does not know was written by a newer Flowdeck and is refused with
:class:`data.store.StoreTooNewError`, never touched.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from data.store import Store

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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


def current_revision(store: Store) -> str | None:
    """The revision the database is at (None: a new, empty database)."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring ``store`` to ``revision``: refuse a newer store, back up an older file, migrate."""
    from data.store import StoreTooNewError

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(store)
    head = script.get_current_head()
    if current == head and revision == "head":
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreTooNewError(
            f"the database {store.url_for_display()} is from a newer version of Flowdeck "
            f"(schema revision {current}); this version knows up to {head}. "
            "Upgrade Flowdeck, or point --db at another database."
        )
    if current is not None:
        backup = store.backup_file(f"rev-{current}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        if backup:
            log.info("backed up %s before migrating to %s", backup, head)
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
