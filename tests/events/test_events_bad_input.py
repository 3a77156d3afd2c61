"""Every class of bad event line: exit code 2, a message naming file, line and field, store unchanged.

The store is filled first and the bad file starts with good lines (new records and an update of an
existing one), so a partial write would show in the counts or the contents.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from app.cli import main
from data.events import importer
from data.events.fastpath import compile_fast
from data.events.format import EventError, explain
from data.events.importer import MAX_LINE_BYTES, import_files
from data.events.kinds import KINDS
from data.store.store import Store
from tests.helpers.events import GOOD, fill_store, snapshot

RUN = {"kind": "pipeline_run", "source": "ci", "pipeline": "p", "id": "1"}
JOB = {"kind": "job_run", "source": "ci", "pipeline": "p", "run": "1", "id": "1", "name": "build"}
ITEM = {"kind": "work_item", "source": "jira", "key": "X-1", "created_at": "2026-01-01T00:00:00Z"}
CHANGE = {"kind": "change", "source": "gh", "repo": "r", "id": "1", "created_at": "2026-01-02T00:00:00Z"}
INCIDENT = {"kind": "incident", "source": "jira", "key": "I-1", "created_at": "2026-01-02T00:00:00Z"}
DEPLOY = {"kind": "deployment", "source": "ci", "repo": "r", "id": "d", "environment": "prod", "status": "success"}

# (bad line, field named in the message or None, fragment of the problem)
CASES = {
    "invalid json": ('{"kind":"work_item", "source": ', None, "not valid JSON"),
    "not an object": ('["kind", "work_item"]', None, "not a JSON object but list"),
    "unknown kind": (json.dumps({**ITEM, "kind": "ticket"}), "kind", "unknown kind 'ticket'"),
    "missing kind": (json.dumps({k: v for k, v in ITEM.items() if k != "kind"}), "kind", "missing"),
    "missing field": (json.dumps({k: v for k, v in ITEM.items() if k != "key"}), "key", "missing"),
    "empty field": (json.dumps({**ITEM, "source": ""}), "source", "empty"),
    "wrong type": (json.dumps({**ITEM, "title": 5}), "title", "must be a string, not 5"),
    "labels not a list": (json.dumps({**ITEM, "labels": "a,b"}), "labels", "must be a list of strings"),
    "id of wrong type": (json.dumps({**RUN, "id": 1.5}), "id", "must be a string or an integer"),
    "malformed instant": (json.dumps({**ITEM, "created_at": "yesterday"}), "created_at", "not an ISO 8601 instant"),
    "instant without zone": (json.dumps({**ITEM, "created_at": "2026-01-01T10:00:00"}), "created_at", "no time zone"),
    "date without zone": (json.dumps({**ITEM, "created_at": "2026-01-01"}), "created_at", "no time zone"),
    "implausible instant": (json.dumps({**ITEM, "created_at": "0001-01-01T00:00:00Z"}), "created_at", "implausible"),
    "finished before started": (
        json.dumps({**RUN, "started_at": "2026-01-01T10:00:00Z", "finished_at": "2026-01-01T09:59:59Z"}),
        "finished_at",
        "before started_at (2026-01-01T10:00:00Z)",
    ),
    "queued after started": (
        json.dumps({**JOB, "queued_at": "2026-01-01T10:00:01Z", "started_at": "2026-01-01T10:00:00Z"}),
        "started_at",
        "before queued_at (2026-01-01T10:00:01Z)",
    ),
    "resolved before created": (
        json.dumps({**INCIDENT, "resolved_at": "2026-01-01T23:00:00+00:00"}),
        "resolved_at",
        "before created_at (2026-01-02T00:00:00Z)",
    ),
    "merged before created": (
        json.dumps({**CHANGE, "merged_at": "2026-01-02T07:00:00+08:00"}),  # 23:00 UTC the day before
        "merged_at",
        "before created_at",
    ),
    "deployment finished before started": (
        json.dumps({**DEPLOY, "started_at": "2026-01-02T00:00:00Z", "finished_at": "2026-01-01T00:00:00Z"}),
        "finished_at",
        "before started_at",
    ),
    "negative paused_s": (json.dumps({**JOB, "paused_s": -1}), "paused_s", "must be a number of seconds >= 0"),
    "infinite paused_s": (
        '{"kind":"job_run","source":"ci","pipeline":"p","run":"1","id":"1","name":"b","paused_s":1e999}',
        "paused_s",
        ">= 0",
    ),
    "NaN": (
        '{"kind":"job_run","source":"ci","pipeline":"p","run":"1","id":"1","name":"b","paused_s":NaN}',
        None,
        "NaN is not a JSON number",
    ),
    "attempt below 1": (json.dumps({**RUN, "attempt": 0}), "attempt", "must be an integer from 1"),
    "attempt as text": (json.dumps({**RUN, "attempt": "2"}), "attempt", "must be an integer from 1"),
    "unknown run status": (json.dumps({**RUN, "status": "done"}), "status", "unknown value 'done'"),
    "unknown run result": (json.dumps({**RUN, "result": "green"}), "result", "unknown value 'green'"),
    "unknown job result": (json.dumps({**JOB, "result": "ok"}), "result", "unknown value 'ok'"),
    "unknown deployment status": (json.dumps({**DEPLOY, "status": "deployed"}), "status", "unknown value"),
    "unknown exclusion kind": (
        '{"kind":"exclusion","item_kind":"pipeline","source":"s","key":"k","reason":"r",'
        '"created_at":"2026-01-01T00:00:00Z"}',
        "item_kind",
        "unknown value 'pipeline'",
    ),
    "too long for its column": (json.dumps({**ITEM, "source": "s" * 101}), "source", "longer than 100 characters"),
}


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, tuple]:
    db = str(tmp_path / "store.db")
    with Store.open(db) as store:
        fill_store(store)
        return db, snapshot(store)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_line_exits_2_names_file_line_field_and_changes_nothing(
    case: str, filled: tuple[str, tuple], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    line, field, problem = CASES[case]
    db, before = filled
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([*GOOD, line, GOOD[0]]) + "\n", encoding="utf-8")
    assert main(["--db", db, "import", str(path)]) == 2
    err = capsys.readouterr().err
    where = f"{path}:{len(GOOD) + 1}: " + (f"field '{field}': " if field else "")
    assert where + problem in err or (where in err and problem in err), err
    assert "nothing was imported" in err
    with Store.open(db) as store:
        assert snapshot(store) == before


@pytest.mark.parametrize("case", list(CASES))
def test_the_fast_path_refuses_what_the_rule_book_refuses(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line, _field, problem = CASES[case]
    try:
        obj = json.loads(line)
    except ValueError:
        # Not JSON: the line reader refuses it, so neither path may ever see it.
        def reached(obj: object) -> None:
            raise AssertionError(f"a line that is not JSON reached the event checks: {obj!r}")

        monkeypatch.setattr(importer, "parse_line", reached)
        with Store.open(str(tmp_path / "s.db")) as store, pytest.raises(EventError, match=re.escape(problem)):
            import_files(store, ["-"], stdin=io.BytesIO(line.encode() + b"\n"))
        return
    with pytest.raises(ValueError):
        explain(obj)
    kind = KINDS.get(obj.get("kind")) if isinstance(obj, dict) and isinstance(obj.get("kind"), str) else None
    if kind is not None:
        assert compile_fast(kind)(obj) is None


def test_a_huge_line_is_refused_without_reading_it_whole(filled: tuple[str, tuple], tmp_path: Path) -> None:
    db, before = filled
    path = tmp_path / "huge.jsonl"
    with path.open("w") as f:
        f.write(GOOD[0] + "\n")
        f.write('{"kind":"work_item","title":"' + "x" * (3 * MAX_LINE_BYTES) + '"}\n')
    with Store.open(db) as store:
        with pytest.raises(EventError, match=r"huge\.jsonl:2: line longer than 1024 KiB"):
            import_files(store, [path])
        assert snapshot(store) == before


def test_binary_garbage_is_refused_with_a_message(filled: tuple[str, tuple], tmp_path: Path) -> None:
    db, before = filled
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(GOOD[0].encode() + b"\n" + b"PK\x03\x04" + bytes(range(128, 256)) * 10)
    with Store.open(db) as store:
        with pytest.raises(EventError, match=r"garbage\.jsonl:2: not UTF-8 text \(byte 0x80 at column 5\)"):
            import_files(store, [path])
        assert snapshot(store) == before


def test_an_error_in_the_second_file_undoes_the_first(filled: tuple[str, tuple], tmp_path: Path) -> None:
    db, before = filled
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    bad.write_text(GOOD[0] + "\n" + "{oops\n", encoding="utf-8")
    with Store.open(db) as store:
        with pytest.raises(EventError, match=r"bad\.jsonl:2: not valid JSON"):
            import_files(store, [good, bad])
        assert snapshot(store) == before


def test_a_directory_is_bad_input(filled: tuple[str, tuple], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db, _ = filled
    assert main(["--db", db, "import", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
