"""The store: idempotent upserts on natural keys, round trips, refusal of a newer schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from data.records import Change, Deployment, Incident, JobRun, PipelineRun, StatusChange, WorkItem
from data.store.errors import StoreTooNewError
from data.store.store import Store

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _records() -> list:
    return [
        WorkItem("jira", "PAY-1", "Card limit", T0, type="Story", labels=("mobile", "支付")),
        StatusChange("jira", "PAY-1", T0, None, "Backlog"),
        StatusChange("jira", "PAY-1", T0 + timedelta(hours=5), "Backlog", "In Progress"),
        Change("github", "bank/mobile", "17", "PAY-1 card", T0, merged_at=T0 + timedelta(days=1), merge_sha="a1"),
        PipelineRun("jenkins", "mobile", "123", 2, sha="a1", result="success", started_at=T0, finished_at=T0),
        JobRun("jenkins", "mobile", "123", "4", "deploy", attempt=2, paused_s=30.5),
        Deployment("jenkins", "bank/mobile", "d-9", "production", "success", sha="a1", finished_at=T0),
        Incident("jira", "INC-3", T0, repo="bank/mobile"),
    ]


def test_upsert_is_idempotent_and_round_trips(store_url: str) -> None:
    with Store.open(store_url) as store:
        records = _records()
        store.upsert(records)
        first = store.counts()
        store.upsert(records)
        assert store.counts() == first
        assert first["status_changes"] == 2
        assert list(store.all_records()) == [records[i] for i in (0, 1, 2, 3, 4, 5, 6, 7)]


def test_upsert_updates_non_key_fields(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.upsert([PipelineRun("gh", "ci", "1", status="running", result=None)])
        store.upsert([PipelineRun("gh", "ci", "1", status="completed", result="failure")])
        (run,) = store.pipeline_runs()
        assert (run.status, run.result) == ("completed", "failure")


def test_instants_are_utc_whatever_the_input_zone(store_url: str) -> None:
    shanghai = timezone(timedelta(hours=8))
    with Store.open(store_url) as store:
        store.upsert([WorkItem("jira", "A-1", "x", datetime(2026, 1, 5, 17, 0, tzinfo=shanghai))])
        (item,) = store.work_items()
        assert item.created_at == T0 and item.created_at.tzinfo == UTC


def test_duplicate_in_one_batch_keeps_the_last(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.upsert([WorkItem("jira", "A-1", "old", T0), WorkItem("jira", "A-1", "new", T0)])
        assert [i.title for i in store.work_items()] == ["new"]


def test_generation_counts_write_transactions(store_url: str) -> None:
    with Store.open(store_url) as store:
        before = store.generation()
        store.upsert([WorkItem("jira", "A-1", "x", T0)])
        assert store.generation() == before + 1


def test_failed_transaction_changes_nothing(store_url: str) -> None:
    with Store.open(store_url) as store:
        with pytest.raises(RuntimeError), store.writer() as w:
            w.upsert([WorkItem("jira", "A-1", "x", T0)])
            raise RuntimeError("boom")
        assert store.is_empty()


def test_a_newer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    Store.open(str(path)).close()
    with Store.open(str(path)) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    before = path.read_bytes()
    with pytest.raises(StoreTooNewError, match="newer version of Flowdeck"):
        Store.open(str(path))
    assert path.read_bytes() == before


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "w.db")) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
