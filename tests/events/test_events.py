"""Event files: round trips, idempotent re-import, instants, stdin, windowed export, the CLI."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from data.events.exporter import export
from data.events.format import EventError, explain, parse_line
from data.events.importer import import_files
from data.events.kinds import KINDS
from data.records import (
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    StatusChange,
    WorkItem,
)
from data.store.store import Store
from tests.helpers.events import T0, H, fill_store, sample_records, snapshot


def test_every_kind_round_trips_exactly(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with Store.open(store_url) as a:
        fill_store(a)
        assert export(a, path) == len(sample_records()) + 1
        original = (list(a.all_records()), a.exclusions())
    with Store.open(f"sqlite:///{tmp_path / 'b.db'}") as b:
        summary = import_files(b, [path])
        assert (list(b.all_records()), b.exclusions()) == original
        assert summary.read["status_change"] == 4 and summary.read["exclusion"] == 1
        assert summary.added == summary.read | {k: 0 for k in KINDS if k not in summary.read}


def test_import_into_the_parametrised_store_round_trips(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with Store.open(f"sqlite:///{tmp_path / 'a.db'}") as a:
        fill_store(a)
        export(a, path)
        original = (list(a.all_records()), a.exclusions())
    with Store.open(store_url) as b:
        import_files(b, [path])
        assert (list(b.all_records()), b.exclusions()) == original


def test_reimport_changes_no_row(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with Store.open(store_url) as store:
        fill_store(store)
        export(store, path)
        before = snapshot(store)
        summary = import_files(store, [path, path])  # twice, even within one transaction
        assert snapshot(store) == before
        assert set(summary.added.values()) == {0}
        assert summary.total == 2 * (len(sample_records()) + 1)


def test_exported_instants_are_utc_with_z(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "a.db")) as store:
        fill_store(store)
        out = io.StringIO()
        export(store, out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines[0]["kind"] == "work_item" and lines[-1]["kind"] == "exclusion"
    run = next(x for x in lines if x["kind"] == "pipeline_run" and x["id"] == "123")
    assert run["started_at"] == "2026-01-05T09:00:01.500Z" and run["queued_at"] == "2026-01-05T09:00:00Z"
    first = next(x for x in lines if x["kind"] == "status_change")
    assert "from" not in first  # the first status has no 'from'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05T17:00:00+08:00", datetime(2026, 1, 5, 9, tzinfo=UTC)),
        ("2026-01-05T17:00:00+0800", datetime(2026, 1, 5, 9, tzinfo=UTC)),
        ("2026-01-05T04:00:00-05:00", datetime(2026, 1, 5, 9, tzinfo=UTC)),
        ("2026-01-05T09:00:00.250Z", datetime(2026, 1, 5, 9, 0, 0, 250_000, tzinfo=UTC)),
        ("2026-01-05 09:00:00+00:00", datetime(2026, 1, 5, 9, tzinfo=UTC)),
    ],
)
def test_offsets_are_normalised_to_utc(tmp_path: Path, text: str, expected: datetime) -> None:
    line = json.dumps({"kind": "incident", "source": "jira", "key": "INC-1", "created_at": text})
    with Store.open(str(tmp_path / "a.db")) as store:
        import_files(store, ["-"], stdin=io.StringIO(line + "\n"))
        (incident,) = store.incidents()
        assert incident.created_at == expected and incident.created_at.utcoffset() == timedelta(0)


def test_blank_lines_bom_integer_ids_and_unknown_fields_are_fine(tmp_path: Path) -> None:
    text = (
        "\ufeff" + '{"kind":"pipeline_run","source":"gl","pipeline":"p","id":42,"future_field":{"x":1}}\n'
        "\n   \n"
        '{"kind":"job_run","source":"gl","pipeline":"p","run":42,"id":7,"name":"build","paused_s":3}\n'
    )
    path = tmp_path / "e.jsonl"
    path.write_bytes(text.encode())
    with Store.open(str(tmp_path / "a.db")) as store:
        summary = import_files(store, [path])
        assert summary.lines == 4 and summary.total == 2
        (run,) = store.pipeline_runs()
        (job,) = store.job_runs()
        assert (run.id, run.attempt, run.status) == ("42", 1, "completed")
        assert (job.run, job.id, job.paused_s) == ("42", "7", 3.0)


def test_cli_imports_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    line = '{"kind":"work_item","source":"jira","key":"A-1","title":"x","created_at":"2026-01-05T09:00:00Z"}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode()), encoding="utf-8"))
    db = str(tmp_path / "a.db")
    assert main(["--db", db, "import", "-"]) == 0
    out = capsys.readouterr().out
    assert "work_item" in out and " 1 " in out
    with Store.open(db) as store:
        assert [i.key for i in store.work_items()] == ["A-1"]


def test_cli_export_to_stdout_and_import_back(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(tmp_path / "a.db")
    with Store.open(db) as store:
        fill_store(store)
        original = (list(store.all_records()), store.exclusions())
    assert main(["--db", db, "export", "-"]) == 0
    captured = capsys.readouterr()
    assert f"{len(sample_records()) + 1} events written" in captured.err
    path = tmp_path / "out.jsonl"
    path.write_text(captured.out, encoding="utf-8")
    db2 = str(tmp_path / "b.db")
    assert main(["--db", db2, "import", str(path)]) == 0
    with Store.open(db2) as store:
        assert (list(store.all_records()), store.exclusions()) == original


def test_windowed_export_keeps_what_overlaps(tmp_path: Path) -> None:
    d = timedelta(days=1)
    records = [
        WorkItem("j", "OLD", "done before", T0 - 10 * d),
        StatusChange("j", "OLD", T0 - 10 * d, None, "Backlog"),
        StatusChange("j", "OLD", T0 - 5 * d, "Backlog", "Done", to_category="done"),
        WorkItem("j", "WIP", "open since before", T0 - 10 * d),
        StatusChange("j", "WIP", T0 - 10 * d, None, "In Progress"),  # still open: overlaps
        WorkItem("j", "IN", "changed inside", T0 - 10 * d),
        StatusChange("j", "IN", T0 - 10 * d, None, "Backlog"),
        StatusChange("j", "IN", T0 + d, "Backlog", "Done"),
        WorkItem("j", "LATE", "created after", T0 + 10 * d),
        PipelineRun("ci", "p", "1", started_at=T0 - 2 * d, finished_at=T0 - d, result="success"),
        PipelineRun("ci", "p", "2", started_at=T0 - d, finished_at=T0 + H, result="success"),  # spans from
        JobRun("ci", "p", "2", "1", "build", started_at=T0 - d, finished_at=T0 - d + H),
        JobRun("ci", "p", "1", "1", "build", started_at=T0 - 2 * d, finished_at=T0 - 2 * d + H),
        Deployment("ci", "r", "d1", "production", "success", started_at=T0 + d, finished_at=T0 + d + H),
        DeploymentCommit("ci", "d1", "s1"),
        Commit("git", "r", "s1"),  # undated, carried by an exported deployment
        Commit("git", "r", "s2"),  # undated, carried by nothing
        Commit("git", "r", "s3", authored_at=T0 + H),
        Incident("j", "I-1", T0 - 3 * d),  # unresolved: still open
        Incident("j", "I-2", T0 - 3 * d, resolved_at=T0 - 2 * d),
    ]
    with Store.open(str(tmp_path / "a.db")) as store:
        store.upsert(records)
        out = io.StringIO()
        export(store, out, window_from=T0, window_to=T0 + 7 * d)
    got = [json.loads(x) for x in out.getvalue().splitlines()]
    keys = {(x["kind"], x.get("key") or x.get("id") or x.get("sha") or x.get("deployment_id")) for x in got}
    assert keys == {
        ("work_item", "WIP"),
        ("work_item", "IN"),
        ("status_change", "WIP"),
        ("status_change", "IN"),
        ("pipeline_run", "2"),
        ("job_run", "1"),
        ("deployment", "d1"),
        ("deployment_commit", "s1"),
        ("commit", "s1"),
        ("commit", "s3"),
        ("incident", "I-1"),
    }
    # Whole timelines: IN's change before the window comes along.
    assert sum(1 for x in got if x["kind"] == "status_change" and x["key"] == "IN") == 2
    job = next(x for x in got if x["kind"] == "job_run")
    assert job["run"] == "2"


def test_the_fast_path_agrees_with_the_rule_book(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "a.db")) as store:
        fill_store(store)
        out = io.StringIO()
        export(store, out)
    for line in out.getvalue().splitlines():
        obj = json.loads(line)
        assert parse_line(obj)[1] == explain(obj)[1]


def test_no_kind_has_a_field_called_kind() -> None:
    assert all(f.name != "kind" for k in KINDS.values() for f in k.fields)


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "a.db")) as store, pytest.raises(EventError, match=r"nope\.jsonl: cannot read"):
        import_files(store, [tmp_path / "nope.jsonl"])
