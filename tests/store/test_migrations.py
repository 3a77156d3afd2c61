"""Safe upgrades: every earlier revision upgrades with its data, backups, corrupt files, db commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.cli import main
from data.store import migrate
from data.store.errors import StoreCorruptError
from data.store.store import Store

REVISIONS = [r.revision for r in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()][::-1]

# Rows that exist in every revision's tables (the baseline shape), written with raw SQL so the
# test does not depend on today's schema module.
BASELINE_ROWS = [
    "INSERT INTO work_items (source, key, title, labels, created_at) "
    "VALUES ('jira', 'PAY-1', 'Card', '[]', 1767603600000)",
    "INSERT INTO status_changes (source, item_key, at, from_status, to_status) "
    "VALUES ('jira', 'PAY-1', 1767603600000, '', 'Backlog')",
    "INSERT INTO deployments (source, repo, external_id, environment, status, finished_at) "
    "VALUES ('jenkins', 'bank/mobile', 'd-1', 'production', 'success', 1767690000000)",
]


def _store_at(url: str, revision: str) -> Store:
    store = Store.open(url, migrate=False)
    migrate.upgrade(store, revision)
    return store


@pytest.mark.parametrize("revision", REVISIONS)
def test_every_revision_upgrades_to_head_with_its_data(store_url: str, revision: str) -> None:
    store = _store_at(store_url, revision)
    with store.engine.begin() as conn:
        for sql in BASELINE_ROWS:
            conn.execute(text(sql))
    store.close()
    with Store.open(store_url) as upgraded:
        assert migrate.current_revision(upgraded) == migrate.head_revision()
        (item,) = upgraded.work_items()
        assert (item.key, item.title) == ("PAY-1", "Card")
        assert [c.to_status for c in upgraded.status_changes()] == ["Backlog"]
        assert [d.id for d in upgraded.deployments()] == ["d-1"]


def test_an_older_sqlite_file_is_backed_up_before_migrating(tmp_path: Path) -> None:
    if len(REVISIONS) < 2:
        pytest.skip("only the baseline revision exists: nothing to upgrade from yet")
    path = tmp_path / "old.db"
    _store_at(str(path), REVISIONS[0]).close()
    Store.open(str(path)).close()
    backups = list(tmp_path.glob("old.db.rev-*.bak"))
    assert len(backups) == 1
    with Store.open(str(backups[0]), migrate=False) as old:
        assert migrate.current_revision(old) == REVISIONS[0]


def _damaged_store(path: Path) -> None:
    """A Flowdeck store whose pages after the first are garbage (its header still says Flowdeck)."""
    Store.open(str(path)).close()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_moved_aside(tmp_path: Path) -> None:
    # Only a file recognised as Flowdeck's is ever moved; a text file is refused untouched
    # (tests/test_store_safety.py).
    path = tmp_path / "flowdeck.db"
    _damaged_store(path)
    with pytest.raises(StoreCorruptError, match="damaged") as info:
        Store.open(str(path))
    assert not path.exists()
    assert [p.name.split(".corrupt-")[0] for p in info.value.moved] == ["flowdeck.db"]
    assert all(p.exists() for p in info.value.moved)
    # Told, not silently replaced: the next open starts a new store on purpose.
    with Store.open(str(path)) as fresh:
        assert fresh.is_empty()


def test_corrupt_store_cli_message_names_the_moved_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "flowdeck.db"
    _damaged_store(path)
    assert main(["--db", str(path), "db", "info"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and ".corrupt-" in err


def test_db_check_info_vacuum(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", sqlite_url, "db", "check"]) == 0
    assert ": ok" in capsys.readouterr().out
    assert main(["--db", sqlite_url, "db", "info"]) == 0
    out = capsys.readouterr().out
    assert "work_items" in out and migrate.head_revision() in out
    assert main(["--db", sqlite_url, "db", "vacuum"]) == 0


def test_db_check_reports_a_store_behind_head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.db"
    with Store.open(str(path)) as store:
        assert store.integrity_problems() == []
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'something_else'"))
        assert any("schema revision" in p for p in store.integrity_problems())


def test_processes_opening_a_new_store_at_once_migrate_it_once(store_url: str) -> None:
    # Two sync services (or a service and a dashboard) starting together on a fresh database:
    # both must come up, and the schema must be created exactly once.
    import subprocess
    import sys

    code = "import sys; from data.store.store import Store; Store.open(sys.argv[1]).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, store_url], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    errors = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [rc for rc, _ in errors] == [0, 0, 0, 0], errors
    with Store.open(store_url) as store:
        assert migrate.current_revision(store) == migrate.head_revision()
        assert store.is_empty()


def test_a_database_refusal_is_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A read-only store (a dashboard's read-only role on a shared cache behaves the same way).
    path = tmp_path / "ro.db"
    Store.open(str(path)).close()
    events = tmp_path / "e.jsonl"
    events.write_text(
        '{"kind":"work_item","source":"jira","key":"A-1","title":"x","created_at":"2026-01-05T09:00:00Z"}\n',
        encoding="utf-8",
    )
    assert main(["--db", f"sqlite:///file:{path}?mode=ro&uri=true", "import", str(events)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"flowdeck: the store {path} is read-only")
    assert "Traceback" not in err and len(err.splitlines()) == 1
