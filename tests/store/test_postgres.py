"""PostgreSQL as the shared team cache: the same reports, exports and safety rules as SQLite.

The demo organisation is generated once into an SQLite file and once into a fresh PostgreSQL
database (same seed and end); everything a user can read from the two must then be identical,
byte for byte. Skipped with a reason when no test cluster runs (FLOWDECK_TEST_PG_URL unset;
``make test`` starts one).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.cli import main
from data import demo
from data.config.parse import load_config
from data.records import WorkItem
from data.report.build import build_report
from data.store import migrate
from data.store.errors import StoreError, StoreTooNewError
from data.store.generation import ChangeDetector
from data.store.store import Store
from tests.helpers.pg import fresh_pg_database, pg_base_url

pytestmark = pytest.mark.postgres

END = datetime(2026, 3, 30, tzinfo=UTC)  # a Monday: the demo's 26 weeks end here
WINDOWS = {
    "whole history": (END - timedelta(weeks=27), END),
    "last 4 weeks": (END - timedelta(weeks=4), END),
}


def _require_pg() -> str:
    return pg_base_url()  # skipped without a test cluster, failed under CI=true


def _fresh_database(base: str) -> Iterator[str]:
    return fresh_pg_database(base, prefix="pgt_")


@pytest.fixture(scope="module")
def pg_demo() -> Iterator[str]:
    """A PostgreSQL database holding the small demo (seed 1, ending at END)."""
    base = _require_pg()
    for url in _fresh_database(base):
        with Store.open(url) as store:
            demo.generate(store, scale="small", seed=1, end=END)
        yield url


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file holding the same demo."""
    _require_pg()  # no point building it when there is nothing to compare with
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite-demo') / 'demo.db'}"
    with Store.open(url) as store:
        demo.generate(store, scale="small", seed=1, end=END)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database."""
    yield from _fresh_database(_require_pg())


def _report_json(url: str, window: tuple[datetime, datetime]) -> str:
    with Store.open(url) as store:
        report = build_report(store, load_config(None), window_from=window[0], window_to=window[1], as_of=END)
    return json.dumps(report.to_json(), sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_demo_report_is_identical_on_sqlite_and_postgresql(sqlite_demo: str, pg_demo: str, window: str) -> None:
    on_sqlite = _report_json(sqlite_demo, WINDOWS[window])
    on_pg = _report_json(pg_demo, WINDOWS[window])
    # Guard against comparing two empty reports: the demo's last weeks hold completed items.
    parsed = json.loads(on_sqlite)
    assert parsed["streams"][0]["completed"] > 50
    assert parsed["dora"]["deployments"] > 0
    assert on_pg == on_sqlite


def test_stores_hold_the_same_records(sqlite_demo: str, pg_demo: str) -> None:
    with Store.open(sqlite_demo) as a, Store.open(pg_demo) as b:
        assert a.counts() == b.counts()
        assert a.counts()["status_changes"] > 10_000
        assert list(a.all_records()) == list(b.all_records())
        assert a.exclusions() == b.exclusions()


def test_export_from_sqlite_import_into_postgresql_round_trips_byte_identical(
    sqlite_demo: str, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "from-sqlite.jsonl", tmp_path / "from-pg.jsonl"
    assert main(["--db", sqlite_demo, "export", str(first)]) == 0
    assert main(["--db", pg_url, "import", str(first)]) == 0
    assert main(["--db", pg_url, "export", str(second)]) == 0
    capsys.readouterr()
    data = first.read_bytes()
    assert data.count(b"\n") > 50_000
    assert second.read_bytes() == data
    # Importing the same file again changes no record (upserts on natural keys, on PostgreSQL too).
    with Store.open(pg_url) as store:
        before = store.counts()
    assert main(["--db", pg_url, "import", str(first)]) == 0
    with Store.open(pg_url) as store:
        assert store.counts() == before


def test_cli_commands_work_on_postgresql(
    sqlite_demo: str, pg_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = ["--from", "2026-03-02", "--to", "2026-03-30", "--as-of", "2026-03-30"]
    outputs = {}
    for name, url in (("sqlite", sqlite_demo), ("pg", pg_demo)):
        assert main(["--db", url, "report", *window, "--json"]) == 0
        outputs[name, "report"] = capsys.readouterr().out
        assert main(["--db", url, "quality", "--maturity"]) == 0
        outputs[name, "maturity"] = capsys.readouterr().out
    assert outputs["pg", "report"] == outputs["sqlite", "report"]
    assert outputs["pg", "maturity"] == outputs["sqlite", "maturity"]
    assert main(["--db", pg_demo, "db", "info"]) == 0
    info = capsys.readouterr().out
    assert "postgresql+psycopg://" in info and "DEMO DATA" in info and migrate.head_revision() in info
    assert main(["--db", pg_demo, "db", "check"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(": ok")
    assert main(["--db", pg_demo, "db", "vacuum"]) == 0
    assert "vacuumed" in capsys.readouterr().out


def test_demo_command_on_postgresql(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", pg_url, "demo", "--end", "2026-03-30"]) == 0
    assert "demo organisation" in capsys.readouterr().out
    with Store.open(pg_url) as store:
        assert store.get_meta("demo") == "1" and store.counts()["work_items"] > 1000
    # A different demo on a store that holds one is refused without --force, and nothing changes.
    with Store.open(pg_url) as store:
        generation = store.generation()
    assert main(["--db", pg_url, "demo", "--end", "2026-03-30", "--seed", "2"]) == 1
    assert "already holds a different demo" in capsys.readouterr().err
    with Store.open(pg_url) as store:
        assert store.generation() == generation


def test_a_newer_postgresql_store_is_refused_and_left_alone(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(pg_url) as store:
        store.upsert([])  # nothing, but the schema exists
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('canary', 'kept')"))
    with pytest.raises(StoreTooNewError, match="newer version of Flowdeck"):
        Store.open(pg_url)
    assert main(["--db", pg_url, "db", "info"]) == 1
    err = capsys.readouterr().err
    assert "newer version of Flowdeck" in err and "9999_from_the_future" in err
    with Store.open(pg_url, migrate=False) as untouched:
        assert migrate.current_revision(untouched) == "9999_from_the_future"
        assert untouched.get_meta("canary") == "kept"


def test_password_is_masked_in_messages(pg_url: str) -> None:
    with_password = pg_url.replace("postgres@", "postgres:s3cr3t-pw@", 1)
    with Store.open(pg_url) as store:
        shown = type(store)(store.engine, with_password).url_for_display()
    assert "s3cr3t-pw" not in shown and "***" in shown


def test_an_older_postgresql_store_upgrades_without_a_file_backup(pg_url: str) -> None:
    revisions = [r.revision for r in migrate.ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()]
    oldest = revisions[-1]
    with Store.open(pg_url, migrate=False) as store:
        migrate.upgrade(store, oldest)
        assert store.backup_file("x") is None  # Flowdeck copies only SQLite files: pg_dump is the admin's job
    with Store.open(pg_url) as store:
        assert migrate.current_revision(store) == migrate.head_revision()
        assert store.integrity_problems() == []


def _reader_url(url: str, role: str) -> str:
    """``url`` with ``role`` as the user, after granting it read-only access to that database."""
    database = url.rsplit("/", 1)[1]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
    engine.dispose()
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{role}@{rest.split('@', 1)[1]}"


@pytest.fixture
def reader_role() -> Iterator[str]:
    """A login role for wall screens (cluster-wide, so dropped again after the test's databases)."""
    role = "ro_" + uuid.uuid4().hex[:10]
    admin = create_engine(_require_pg(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        yield role
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_a_read_only_dashboard_reads_and_notices_but_never_writes(
    reader_role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextmanager(_fresh_database)(_require_pg()) as owner:
        with Store.open(owner) as rw:
            rw.upsert([WorkItem(source="jira", key="PAY-1", title="t", created_at=END)])
        reader = _reader_url(owner, reader_role)
        assert main(["--db", reader, "report", "--from", "2026-03-02", "--to", "2026-03-30", "--json"]) == 0
        capsys.readouterr()
        with Store.open(reader) as ro, Store.open(owner) as rw:
            detector = ChangeDetector(ro)
            rw.upsert([WorkItem(source="jira", key="PAY-2", title="t", created_at=END)])
            assert detector.poll() is True
            assert [w.key for w in ro.work_items()] == ["PAY-1", "PAY-2"]
            with pytest.raises(SQLAlchemyError, match="permission denied"):
                ro.upsert([WorkItem(source="jira", key="PAY-3", title="t", created_at=END)])


def test_a_read_only_dashboard_never_migrates_the_shared_schema(reader_role: str) -> None:
    """A newer Flowdeck on a wall screen must not upgrade the schema behind the admin's back (and
    before their pg_dump): with a read-only role it cannot, and says so; the owner's next start does."""
    oldest = [r.revision for r in migrate.ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()][-1]
    if oldest == migrate.head_revision():
        pytest.skip("only one schema revision exists: nothing to migrate")
    with contextmanager(_fresh_database)(_require_pg()) as owner:
        with Store.open(owner, migrate=False) as rw:
            migrate.upgrade(rw, oldest)
        reader = _reader_url(owner, reader_role)
        with pytest.raises(StoreError, match=r"cannot open .*permission denied"):
            Store.open(reader)
        with Store.open(owner, migrate=False) as rw:
            assert migrate.current_revision(rw) == oldest
        with Store.open(owner) as rw:
            assert migrate.current_revision(rw) == migrate.head_revision()
