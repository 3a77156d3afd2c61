"""What ``--db`` may point at, and what the store says when the disk or the permissions say no.

- Only a file Flowdeck created is ever migrated or moved aside; a text file or another
  application's SQLite database is refused with its bytes and modification time untouched.
- A directory, a read-only store or directory, a full disk, a disk I/O error: one line naming the
  path and saying what is wrong, exit 1, the store unchanged. A read-only store still reads.
- Text with NUL (or a lone surrogate) from a remote system is stored as U+FFFD on SQLite and
  PostgreSQL alike, so one source gives the same store on both and never fails its stream.
- The demo goes only into a store that holds nothing at all.

Tests run as root, for whom every permission check passes and no file is ever read-only, so the
read-only tests deny write permission by patching ``os.access`` (what Flowdeck asks before it
opens a store); SQLite itself then enforces read-only (the file is opened ``mode=ro``), which the
tests check with a raw write.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.cli import main
from data.connectors.base import ConnectorError, Page
from data.records import Exclusion, Incident, StatusChange, WorkItem
from data.store import migrate
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers.events import fill_store, snapshot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVENTS = [
    '{"kind":"work_item","source":"jira","key":"NEW-1","title":"new","created_at":"2026-02-01T00:00:00Z"}',
    '{"kind":"incident","source":"jira","key":"INC-9","created_at":"2026-02-02T00:00:00Z"}',
]


def _state(path: Path) -> tuple[bytes, int, list[str]]:
    """A file's bytes and modification time, and what lies beside it: all must survive a refusal."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def _one_line(err: str) -> str:
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "Error" not in err, err  # no exception name either
    return err


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events" / "e.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(EVENTS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, tuple]:
    """A Flowdeck store with every kind of record, in its own directory."""
    path = tmp_path / "store" / "flowdeck.db"
    with Store.open(str(path)) as store:
        fill_store(store)
        return path, snapshot(store)


@pytest.fixture
def deny_writes(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``deny_writes(path)``: from now on ``os.access(path, W_OK)`` is False, as for a non-owner."""
    denied: set[Path] = set()
    real = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(path).resolve() in denied:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return lambda path: denied.add(path.resolve())


# --- 4. a file that is not Flowdeck's is refused untouched ------------------------------------------


def test_a_text_file_is_refused_and_left_exactly_as_it_was(
    tmp_path: Path, events: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes, not a database\n" * 100, encoding="utf-8")
    # Files beside it that happen to carry the companion names are the user's too.
    (tmp_path / "notes.txt-wal").write_bytes(b"also mine")
    (tmp_path / "notes.txt-shm").write_bytes(b"mine as well")
    before = _state(path)
    for command in (["import", str(events)], ["db", "info"], ["report"]):
        assert main(["--db", str(path), *command]) == 1
        err = _one_line(capsys.readouterr().err)
        assert f"{path} is not a Flowdeck store (not an SQLite database); it was left untouched" in err
        assert _state(path) == before
    assert (tmp_path / "notes.txt-wal").read_bytes() == b"also mine"


def _other_app_db(path: Path, *, wal: bool = False, application_id: int = 0) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Li Wei', '+86 10 1234 5678')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("plain", "is another application's SQLite database (tables: contacts), not a Flowdeck store"),
        ("wal", "is another application's SQLite database (tables: contacts), not a Flowdeck store"),
        ("application id", "is another application's SQLite database (application id 0x4d504b47)"),
    ],
)
def test_another_applications_sqlite_database_is_refused_untouched(
    kind: str, message: str, tmp_path: Path, events: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contacts.sqlite"
    _other_app_db(path, wal=kind == "wal", application_id=0x4D504B47 if kind == "application id" else 0)
    before = _state(path)
    assert main(["--db", str(path), "import", str(events)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"{path} {message}" in err and "left untouched" in err
    assert _state(path) == before
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["contacts"]
    conn.close()


def _application_id(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[68:72], "big", signed=True)


def test_a_new_store_is_marked_as_flowdecks(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(str(path)).close()
    assert _application_id(path) == 0x466C6F77  # "Flow"


def test_a_store_from_before_the_mark_is_recognised_and_marked(filled: tuple[Path, tuple]) -> None:
    path, before = filled
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    assert _application_id(path) == 0
    with Store.open(str(path)) as store:  # recognised by Flowdeck's tables
        assert snapshot(store) == before
    assert _application_id(path) == 0x466C6F77


def test_an_empty_file_becomes_a_new_store(tmp_path: Path, events: Path) -> None:
    path = tmp_path / "touched.db"
    path.touch()
    assert main(["--db", str(path), "import", str(events)]) == 0
    with Store.open(str(path)) as store:
        assert [w.key for w in store.work_items()] == ["NEW-1"]


# --- 3. directories, read-only stores, full and failing disks ---------------------------------------


def test_a_directory_as_db_is_refused_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "inside.txt").write_text("x", encoding="utf-8")
    assert main(["--db", str(tmp_path), "db", "info"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"{tmp_path} is a directory, not a store file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside.txt"]


def test_a_read_only_store_reads_reports_and_exports_but_refuses_writes(
    filled: tuple[Path, tuple],
    events: Path,
    tmp_path: Path,
    deny_writes: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, before = filled
    deny_writes(path)
    state = _state(path)
    window = ["--from", "2026-01-01", "--to", "2026-03-01", "--as-of", "2026-03-01"]
    assert main(["--db", str(path), "report", *window, "--json"]) == 0
    assert '"streams"' in capsys.readouterr().out
    out = tmp_path / "export.jsonl"
    assert main(["--db", str(path), "export", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(before[1]) + len(before[2])  # records, exclusions
    capsys.readouterr()
    config = tmp_path / "flowdeck.toml"  # a source nobody listens for: the sync must not even try
    config.write_text('[[sources]]\nname = "ci"\nkind = "cctray"\nurl = "http://127.0.0.1:9/cc.xml"\n')
    for command in (["import", str(events)], ["sync"], ["demo", "--force"], ["db", "vacuum"]):
        assert main(["--config", str(config), "--db", str(path), *command]) == 1, command
        err = _one_line(capsys.readouterr().err)
        assert f"the store {path} is read-only (no write permission on the file)" in err, command
    assert _state(path)[:2] == state[:2]
    with Store.open(str(path)) as store:
        assert store.read_only == "no write permission on the file"
        assert snapshot(store) == before
        # SQLite itself refuses: the file is open read-only, not merely guarded by Flowdeck.
        with pytest.raises(OperationalError, match="readonly database"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM work_items"))


def test_a_read_only_directory(
    filled: tuple[Path, tuple],
    events: Path,
    deny_writes: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, before = filled
    deny_writes(path.parent)
    assert main(["--db", str(path), "import", str(events)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"the store {path} is read-only (no write permission on its directory {path.parent})" in err
    with Store.open(str(path)) as store:
        assert snapshot(store) == before
    new = path.parent / "new.db"
    assert main(["--db", str(new), "import", str(events)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"cannot create the store {new}: its directory {path.parent} is read-only" in err
    assert not new.exists()


def test_a_read_only_store_behind_this_schema_is_refused_not_migrated(
    tmp_path: Path, deny_writes: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    revisions = [r.revision for r in migrate.ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()]
    if len(revisions) < 2:
        pytest.skip("only one schema revision exists: nothing to migrate")
    path = tmp_path / "old.db"
    with Store.open(str(path), migrate=False) as old:
        migrate.upgrade(old, revisions[-1])
    deny_writes(path)
    before = _state(path)
    assert main(["--db", str(path), "db", "info"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"the store {path} is read-only" in err and f"needs upgrading to {revisions[0]}" in err
    # The file is untouched (a reader may leave SQLite's -shm index beside it, as any reader does).
    assert _state(path)[:2] == before[:2]
    with Store.open(str(path), migrate=False) as old:
        assert migrate.current_revision(old) == revisions[-1]


def _limit_pages(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every new SQLite connection may grow the file to ``pages`` pages: a disk that is full."""
    import data.store.store

    pragmas = data.store.store._sqlite_pragmas

    def limited(dbapi_conn: Any, record: Any) -> None:
        pragmas(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(data.store.store, "_sqlite_pragmas", limited)


def test_a_full_disk_is_named_and_nothing_is_written(
    filled: tuple[Path, tuple],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, before = filled
    conn = sqlite3.connect(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    _limit_pages(monkeypatch, pages + 2)
    big = tmp_path / "big.jsonl"
    line = '{"kind":"work_item","source":"jira","key":"K-%d","title":"%s","created_at":"2026-01-01T00:00:00Z"}'
    big.write_text("\n".join(line % (i, "x" * 200) for i in range(2000)) + "\n", encoding="utf-8")
    assert main(["--db", str(path), "import", str(big)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"the disk holding the store {path} is full (database or disk is full); nothing was written" in err
    monkeypatch.undo()
    with Store.open(str(path)) as store:
        assert snapshot(store) == before


def test_a_disk_io_error_is_named(
    filled: tuple[Path, tuple], events: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The driver's own error, as SQLite raises it from the bulk path a failing disk breaks."""
    from data.store.writer import Writer

    def failing(self: Writer, *args: Any, **kwargs: Any) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    path, before = filled
    monkeypatch.setattr(Writer, "bulk_upsert_rows", failing)
    assert main(["--db", str(path), "import", str(events)]) == 1
    err = _one_line(capsys.readouterr().err)
    assert f"cannot write the store {path}: disk I/O error" in err and "nothing was written" in err
    monkeypatch.undo()
    with Store.open(str(path)) as store:
        assert snapshot(store) == before


# --- 2. NUL and lone surrogates from a remote system -------------------------------------------------


class _HostileSource:
    """A connector whose data holds NUL and a lone surrogate, and whose second stream fails with a NUL."""

    source = "jira"

    def streams(self) -> Sequence[str]:
        return ("issues", "broken")

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream == "broken":
            raise ConnectorError("the server said: bad\x00gateway")
        yield Page(
            [
                WorkItem("jira", "PAY-1", "card\x00limit", T0, labels=("mo\x00bile", "ok"), team="pay\ud800"),
                StatusChange("jira", "PAY-1", T0, None, "In\x00Progress"),
                Incident("jira", "INC-1", T0, title="down\udfff\x00"),
            ],
            cursor="page\x002",
        )

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def test_remote_nul_and_surrogates_sync_the_same_on_both_stores(store_url: str) -> None:
    """Before, PostgreSQL failed the stream on every sync and SQLite stored what PostgreSQL cannot."""
    with Store.open(store_url) as store:
        for _ in range(2):  # and again: the same rows, no error
            summary = sync_source(store, _HostileSource(), now=lambda: T0)
            assert [s.stream for s in summary.streams] == ["issues", "broken"]
            assert summary.streams[0].error is None and summary.streams[0].records == 3
            assert summary.error == "the server said: bad\x00gateway"
        (item,) = store.work_items()
        assert (item.title, item.labels, item.team) == ("card\ufffdlimit", ("mo\ufffdbile", "ok"), "pay\ufffd")
        assert [c.to_status for c in store.status_changes()] == ["In\ufffdProgress"]
        assert [i.title for i in store.incidents()] == ["down\ufffd\ufffd"]
        assert store.get_cursor("jira", "issues") == "page\ufffd2"
        assert store.sync_states()["jira"]["last_error"] == "the server said: bad\ufffdgateway"
        assert store.counts()["work_items"] == 1


# --- 5. the demo only ever goes into an empty store ----------------------------------------------


CONTENTS: dict[str, Callable[[Store], None]] = {
    "an incident": lambda s: s.upsert([Incident("jira", "INC-1", T0)]),
    "a status change": lambda s: s.upsert([StatusChange("jira", "PAY-1", T0, None, "Open")]),
    "an exclusion": lambda s: _write(s, lambda w: w.add_exclusion(Exclusion("work_item", "jira", "P-1", "x", T0))),
    "a sync attempt": lambda s: _write(s, lambda w: w.set_sync_state("jira", attempt_at=T0)),
    "a cursor": lambda s: _write(s, lambda w: w.set_cursor("jira", "issues", "c")),
}


def _write(store: Store, action: Callable[[Any], None]) -> None:
    with store.writer() as w:
        action(w)


@pytest.mark.parametrize("content", list(CONTENTS))
def test_flowdeck_demo_refuses_a_store_holding_anything(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flowdeck.db"
    with Store.open(str(path)) as store:
        CONTENTS[content](store)
        assert not store.is_empty()
        before = snapshot(store), store.sync_states()
    assert main(["--db", str(path), "demo"]) == 1
    assert "already holds data that is not from the demo" in capsys.readouterr().err
    with Store.open(str(path)) as store:
        assert (snapshot(store), store.sync_states()) == before
        assert store.get_meta("demo") is None
