"""``stage_details``: one stage's drill-down rows on demand, equal to ``build_report(details=True)``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from data.config.model import ConfigError
from data.materialise import cache
from data.records import StatusChange, WorkItem
from data.report.build import build_report, stage_details
from data.store.store import Store
from tests.helpers.metrics import T0, h
from tests.helpers.report import RECORDS, WEEK, config

# Three more Dev items with known times (hours after T0, Monday): their Dev wait + active totals
# are 10 h (SLOW-1), 1 h (FAST-1) and 4 h (MID-1).
EXTRA = [
    WorkItem("jira", "SLOW-1", "Slow one", h(0)),
    StatusChange("jira", "SLOW-1", h(8), "To Do", "In Progress"),  # waits 8 h
    StatusChange("jira", "SLOW-1", h(10), "In Progress", "Done"),  # active 2 h
    WorkItem("jira", "FAST-1", "Fast one", h(0)),
    StatusChange("jira", "FAST-1", h(0.5), "To Do", "In Progress"),
    StatusChange("jira", "FAST-1", h(1), "In Progress", "Done"),
    WorkItem("jira", "MID-1", "Middle one", h(0)),
    StatusChange("jira", "MID-1", h(3), "To Do", "In Progress"),
    StatusChange("jira", "MID-1", h(4), "In Progress", "Done"),
]


@pytest.fixture
def store(store_url: str):  # type: ignore[no-untyped-def]
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert([*RECORDS, *EXTRA])
        yield s
    cache.clear_memory()


def test_every_stage_equals_the_full_report_details(store: Store) -> None:
    as_of = T0 + timedelta(days=7)
    full = build_report(store, config(), **WEEK, as_of=as_of, details=True)
    for st in full.streams[0].stages:
        rows = stage_details(store, config(), **WEEK, as_of=as_of, stage=st.name)
        assert rows == st.details, st.name
    # The default report leaves them out; the counts still say how many there are.
    lean = build_report(store, config(), **WEEK, as_of=as_of, details=False)
    assert all(s.details == () for s in lean.streams[0].stages)
    assert [s.items for s in lean.streams[0].stages] == [s.items for s in full.streams[0].stages]


def test_limit_keeps_the_longest_rows_first(store: Store) -> None:
    as_of = T0 + timedelta(days=7)
    # Dev at as_of (7 days): SLOW-1 10 h, PAY-1 2 + 4 = 6 h, CORE-1 4 h (To Do 0 -> Done 4),
    # MID-1 4 h, FAST-1 1 h, and PAY-2 in progress since 3 h: 2 h wait + 165 h active = 167 h.
    rows = stage_details(store, config(), **WEEK, as_of=as_of, stage="dev", limit=3)
    assert [r.key for r in rows] == ["PAY-2", "SLOW-1", "PAY-1"]
    assert rows[0].completed_at is None and rows[0].active_h == pytest.approx(165.0)
    assert (rows[1].title, rows[1].wait_h, rows[1].active_h) == ("Slow one", 8.0, 2.0)
    assert rows[1].completed_at == h(10)
    # Ties keep store order: CORE-1 (stored before MID-1) comes first at 4 h.
    keys = [r.key for r in stage_details(store, config(), **WEEK, as_of=as_of, stage="Dev", limit=5)]
    assert keys == ["PAY-2", "SLOW-1", "PAY-1", "CORE-1", "MID-1"]
    assert stage_details(store, config(), **WEEK, as_of=as_of, stage="Dev", limit=0) == ()
    (job,) = stage_details(store, config(), **WEEK, as_of=as_of, stage="Approve", limit=5)
    assert (job.key, job.title, job.wait_h, job.active_h) == ("mobile#7", "approve-prod", 0.75, 1.75)


def test_titles_are_read_for_the_returned_rows_only(store: Store) -> None:
    as_of = T0 + timedelta(days=7)
    stage_details(store, config(), **WEEK, as_of=as_of, stage="Dev")  # warm the arrays
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, params: object, *_a: object) -> None:
        statements.append(f"{statement} {params}")

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        (row,) = stage_details(store, config(), **WEEK, as_of=as_of, stage="Dev", limit=1)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert row.key == "PAY-2" and row.title == "Still going"
    title_reads = [s for s in statements if "work_items" in s]
    assert len(title_reads) == 1 and "title" in title_reads[0]
    # One id asked for (PAY-2's), not the whole stage.
    assert title_reads[0].count(",") < 8


def test_bad_arguments(store: Store) -> None:
    with pytest.raises(ConfigError, match="no stage named 'Deploy'; stages: Dev, Test, Approve, Staging, Prod"):
        stage_details(store, config(), **WEEK, stage="Deploy")
    with pytest.raises(ConfigError, match="no value stream named"):
        stage_details(store, config(), **WEEK, stream="nope", stage="Dev")
    with pytest.raises(ValueError, match="limit"):
        stage_details(store, config(), **WEEK, stage="Dev", limit=-1)
    with pytest.raises(ValueError, match="empty window"):
        stage_details(store, config(), window_from=T0, window_to=T0, stage="Dev")
