"""Hostile event lines: nesting deeper than the JSON decoder goes, lone surrogates, NUL characters.

The first two are bad input like any other bad line (exit 2, file and line named, store unchanged);
a NUL is stored as U+FFFD on SQLite and PostgreSQL alike (docs/events.md), so one file gives the
same store and the same export on both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from data.events.exporter import export
from data.events.fastpath import compile_fast
from data.events.format import EventError, explain
from data.events.importer import import_files
from data.events.kinds import KINDS
from data.store.store import Store
from tests.helpers.events import GOOD, fill_store, snapshot

ITEM = '{"kind":"work_item","source":"jira","key":"X-1","created_at":"2026-01-01T00:00:00Z"'

# (bad line, field named in the message or None, fragment of the problem)
HOSTILE = {
    "a line nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, None, "not valid JSON: nested too deeply"),
    "a field nested 100,000 deep": (ITEM + ',"title":' + "[" * 100_000 + "]" * 100_000 + "}", None, "too deeply"),
    "a lone high surrogate": (ITEM + ',"title":"card \\ud800 limit"}', "title", "lone UTF-16 surrogate"),
    "a lone low surrogate, upper-case escape": (ITEM + ',"title":"\\uDC00"}', "title", "lone UTF-16 surrogate"),
    "a lone surrogate in a label": (ITEM + ',"labels":["ok","\\ud83d"]}', "labels", "lone UTF-16 surrogate"),
    "a lone surrogate in a key": (ITEM.replace('"X-1"', '"X-\\udfff"') + "}", "key", "lone UTF-16 surrogate"),
    "a pair written backwards": (ITEM + ',"title":"\\ude00\\ud83d"}', "title", "lone UTF-16 surrogate"),
}


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, tuple]:
    db = str(tmp_path / "store.db")
    with Store.open(db) as store:
        fill_store(store)
        return db, snapshot(store)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_line_is_bad_input_with_file_and_line(
    case: str, filled: tuple[str, tuple], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, field, problem = HOSTILE[case]
    db, before = filled
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([*GOOD, line, GOOD[0]]) + "\n", encoding="utf-8")
    assert main(["--db", db, "import", str(path)]) == 2
    err = capsys.readouterr().err
    where = f"{path}:{len(GOOD) + 1}: " + (f"field '{field}': " if field else "")
    assert err.startswith(f"flowdeck: {where}"), err
    assert problem in err and "nothing was imported" in err
    assert len(err.splitlines()) == 1 and "Error" not in err  # no traceback, no exception name
    with Store.open(db) as store:
        assert snapshot(store) == before


def test_the_library_raises_event_error_for_deep_nesting(filled: tuple[str, tuple], tmp_path: Path) -> None:
    db, before = filled
    path = tmp_path / "deep.jsonl"
    path.write_text(GOOD[0] + "\n" + "{" + '"a":{' * 60_000 + "}" * 60_001 + "\n", encoding="utf-8")
    with Store.open(db) as store:
        with pytest.raises(EventError, match=r"deep\.jsonl:2: not valid JSON: nested too deeply"):
            import_files(store, [path])
        assert snapshot(store) == before


def test_a_valid_surrogate_pair_is_text(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "emoji.jsonl"
    path.write_text(ITEM + ',"title":"ship it \\ud83d\\ude80","labels":["\\ud83d\\udc1b"]}\n', encoding="utf-8")
    with Store.open(sqlite_url) as store:
        import_files(store, [path])
        (item,) = store.work_items()
    assert item.title == "ship it \U0001f680" and item.labels == ("\U0001f41b",)


@pytest.mark.parametrize("case", [c for c in HOSTILE if "surrogate" in c or "backwards" in c])
def test_the_fast_path_never_sees_a_lone_surrogate(case: str) -> None:
    """The check runs before either parser; neither would catch it (both accept any str)."""
    from data.events.format import check_escapes

    line = HOSTILE[case][0]
    obj = json.loads(line)
    assert compile_fast(KINDS["work_item"])(obj) is not None  # accepted: the check must come first
    explain(obj)
    with pytest.raises(ValueError, match="lone UTF-16 surrogate"):
        check_escapes(obj, line)


NUL_LINES = [
    ITEM + ',"title":"card\\u0000limit","labels":["a\\u0000","b"],"team":"\\u0000"}',
    '{"kind":"status_change","source":"jira","key":"X-1","at":"2026-01-02T00:00:00Z","to":"In\\u0000Progress"}',
    '{"kind":"incident","source":"jira","key":"INC-\\u00001","title":"down\\u0000","created_at":"2026-01-03T00:00:00Z"}',
]


def test_a_nul_is_stored_as_the_replacement_character_on_both_stores(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostgreSQL text cannot hold NUL: before, this import ended in a driver traceback there."""
    path = tmp_path / "nul.jsonl"
    path.write_text("\n".join(NUL_LINES) + "\n", encoding="utf-8")
    assert main(["--db", store_url, "import", str(path)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    with Store.open(store_url) as store:
        (item,) = store.work_items()
        assert (item.title, item.labels, item.team) == ("card\ufffdlimit", ("a\ufffd", "b"), "\ufffd")
        assert [c.to_status for c in store.status_changes()] == ["In\ufffdProgress"]
        (incident,) = store.incidents()
        assert (incident.key, incident.title) == ("INC-\ufffd1", "down\ufffd")
        out = tmp_path / "out.jsonl"
        export(store, out)
    exported = out.read_text(encoding="utf-8")
    assert "\\u0000" not in exported and "\x00" not in exported
    # The same bytes whichever store it came from (hand-written: U+FFFD written as itself).
    assert exported.splitlines()[0] == (
        '{"kind":"work_item","source":"jira","key":"X-1","title":"card\ufffdlimit","team":"\ufffd",'
        '"labels":["a\ufffd","b"],"created_at":"2026-01-01T00:00:00Z"}'
    )
    # Importing again changes nothing: the replacement is stable.
    with Store.open(store_url) as store:
        before = snapshot(store)
        assert sum(import_files(store, [path]).added.values()) == 0
        assert snapshot(store) == before
