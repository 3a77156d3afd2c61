"""The change detector (data/store/generation.py): what dashboards poll to see new writes.

The systemd unit that runs the sync service is tested in tests/test_systemd.py, the service itself
in tests/sync/test_service.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine

from data.records import WorkItem
from data.store.generation import ChangeDetector
from data.store.store import Store

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)

# --- the change detector -------------------------------------------------------------------------


def _item(key: str) -> WorkItem:
    return WorkItem(source="jira", key=key, title=key, type="Story", created_at=T0)


def test_change_detector_sees_each_write_once(store_url: str) -> None:
    with Store.open(store_url) as store:
        detector = ChangeDetector(store)
        assert detector.poll() is False  # nothing written since it started
        store.upsert([_item("PAY-1")])
        assert detector.poll() is True
        assert detector.poll() is False  # seen now
        store.upsert([_item("PAY-2")])
        store.upsert([_item("PAY-3")])
        result = detector.check()
        assert result.changed and result.generation == store.generation() and result.error is None
        assert detector.poll() is False


def test_change_detector_reports_an_unreachable_store_without_raising() -> None:
    # Port 1 on 127.0.0.1: nothing listens, the connection is refused at once.
    engine = create_engine("postgresql+psycopg://flowdeck:pw-not-shown@127.0.0.1:1/none?connect_timeout=2")
    store = Store(engine, "postgresql+psycopg://flowdeck:pw-not-shown@127.0.0.1:1/none")
    detector = ChangeDetector(store, seen=7)
    result = detector.check()
    assert result.changed is False and result.generation is None
    assert result.error and "cannot read the store" in result.error and "pw-not-shown" not in result.error
    assert detector.seen == 7  # kept: the first good read after the outage compares against it
    engine.dispose()


def test_change_detector_mark_seen_and_a_replaced_store(tmp_path: Any) -> None:
    with Store.open(str(tmp_path / "a.db")) as store:
        store.upsert([_item("PAY-1")])
        store.upsert([_item("PAY-2")])
        detector = ChangeDetector(store)
        generation = store.generation()
        detector.mark_seen(generation + 5)  # e.g. a restored, older copy of the store is now in place
        assert detector.poll() is True  # a generation that went down is a change too
        assert detector.seen == generation


def test_change_detector_poll_is_cheap(sqlite_url: str) -> None:
    """Not a speed assertion (see tests/bench/bench_postgres.py): a poll is ONE read of the meta row."""
    with Store.open(sqlite_url) as store:
        store.upsert([_item(f"PAY-{i}") for i in range(2000)])
        detector = ChangeDetector(store)
        statements: list[str] = []
        from sqlalchemy import event

        event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for _ in range(50):
            detector.poll()
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 50
        assert all("work_items" not in s and "meta" in s for s in statements if s.lstrip().upper().startswith("SELECT"))
