"""Synced records obey the event-file limits (data.events.limits, applied by the sync engine to every page):
export → import round-trips after a sync, whatever the source sent."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.config.model import SourceConfig
from data.connectors.base import Page
from data.connectors.cctray import CCTrayConnector
from data.connectors.http.limits import FakeClock
from data.events.exporter import _encoder, export
from data.events.format import parse_line
from data.events.importer import import_files
from data.events.kinds import KINDS
from data.events.limits import TEXT_LIMIT, check_record, check_records, max_length
from data.records import (
    Change,
    Commit,
    Deployment,
    DeploymentCommit,
    Incident,
    JobRun,
    PipelineRun,
    Record,
    StatusChange,
    WorkItem,
)
from data.store.rows import to_row
from data.store.store import Store
from data.sync.run import sync_source
from tests.helpers.onprem_fakes import cctray_feed
from tests.helpers.server import FakeServer, Reply

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIN_VALUE = "0001-01-01T00:00:00"  # .NET DateTime.MinValue: CruiseControl.NET's "never built"
MAX_VALUE = "9999-12-31T23:59:59"  # .NET DateTime.MaxValue


def event_line(record: Record) -> str:
    """The line an export writes for ``record`` (the exporter's own encoder over its row)."""
    table, row = to_row(record)
    kind = next(k for k in KINDS.values() if k.table is table)
    return _encoder(kind)(SimpleNamespace(_mapping=row))


# --- the shared check, record by record -----------------------------------------------------------------


def test_a_key_too_long_drops_the_record_and_names_it() -> None:
    run = PipelineRun(source="ci", pipeline="p" * 501, id="1")
    kept, notes = check_record(run)
    assert kept is None
    assert notes == ["dropped: pipeline is 501 characters, longer than 500"]
    out = check_records([run, PipelineRun(source="ci", pipeline="ok", id="2")], source="ci", stream="status")
    assert [r.id for r in out.records] == ["2"]
    assert out.dropped == 1 and out.adjusted == 0
    assert out.warnings[0].startswith("ci/status: pipeline_run " + "p" * 80 + "…")


def test_other_fields_are_cut_cleared_or_raised() -> None:
    run = PipelineRun(
        source="ci",
        pipeline="deploy",
        id="7",
        author="a" * 250,  # author: 200 characters
        url="u" * (TEXT_LIMIT + 5),
        queued_at=datetime(1, 1, 1, tzinfo=UTC),
        started_at=T,
        finished_at=T - timedelta(seconds=3),  # clocks: finished before it started
    )
    kept, notes = check_record(run)
    assert isinstance(kept, PipelineRun)
    assert kept.author == "a" * 200 and kept.url == "u" * TEXT_LIMIT
    assert kept.queued_at is None
    assert kept.finished_at == kept.started_at == T
    assert len(notes) == 4 and any("author: cut from 250 to 200" in n for n in notes)
    json.loads(event_line(kept))  # and it is a valid event now
    parse_line(json.loads(event_line(kept)))


def test_required_instant_out_of_range_drops_and_lone_surrogates_are_replaced() -> None:
    item = WorkItem(source="jira", key="PAY-1", title="x", created_at=datetime(1900, 1, 1, tzinfo=UTC))
    assert check_record(item)[0] is None
    bad = WorkItem(source="jira", key="PAY-2", title="caf\ud800e", created_at=T, labels=("ok", "\udfff"))
    kept, notes = check_record(bad)
    assert isinstance(kept, WorkItem)
    assert kept.title == "caf\ufffde" and kept.labels == ("ok", "\ufffd")
    assert notes == ["title: undecodable characters replaced"]
    event_line(kept).encode("utf-8")  # an export can write it


def test_optional_text_that_is_not_text_is_cleared_a_key_drops() -> None:
    # A mapper that passed a JSON number through (GitHub's head_sha, say) must not break the write.
    run = PipelineRun(source="ci", pipeline="p", id="1", sha=123)  # type: ignore[arg-type]
    kept, notes = check_record(run)
    assert isinstance(kept, PipelineRun) and kept.sha is None and notes == ["sha: not text; cleared"]
    assert check_record(PipelineRun(source="ci", pipeline=["p"], id="1"))[0] is None  # type: ignore[arg-type]


def test_max_length_reads_the_event_format() -> None:
    assert max_length("pipeline_run", "pipeline") == 500
    assert max_length("pipeline_run", "id") == 100
    assert max_length("commit", "message") == TEXT_LIMIT


def test_a_good_record_is_passed_through_unchanged() -> None:
    run = PipelineRun(source="ci", pipeline="p", id="1", started_at=T, finished_at=T + timedelta(minutes=1))
    kept, notes = check_record(run)
    assert kept is run and notes == []


# --- property: whatever the check lets through, the event rule book accepts -----------------------------

_text = st.text(max_size=40) | st.text(min_size=190, max_size=620)
_opt_text = st.none() | _text
_instant = st.none() | st.datetimes(
    min_value=datetime(1, 1, 2),  # naive bounds: hypothesis attaches the zone
    max_value=datetime(9999, 12, 30),
    timezones=st.just(UTC),
)
_req_instant = _instant.filter(lambda v: v is not None)


def _records() -> st.SearchStrategy[Record]:
    run_result = st.sampled_from([None, "success", "failure", "cancelled", "skipped", "unknown", "weird"])
    return st.one_of(
        st.builds(
            WorkItem,
            source=_text,
            key=_text,
            title=_text,
            created_at=_req_instant,
            type=_opt_text,
            team=_opt_text,
            labels=st.lists(_text, max_size=4).map(tuple),
            url=_opt_text,
            status=_opt_text,
        ),
        st.builds(
            StatusChange,
            source=_text,
            key=_text,
            at=_req_instant,
            from_status=_opt_text,
            to_status=_text,
            from_id=_opt_text,
            to_id=_opt_text,
            to_category=_opt_text,
        ),
        st.builds(
            Change,
            source=_text,
            repo=_text,
            id=_text,
            title=_text,
            created_at=_req_instant,
            branch=_opt_text,
            author=_opt_text,
            first_commit_at=_instant,
            first_review_at=_instant,
            merged_at=_instant,
            merge_sha=_opt_text,
            base=_opt_text,
            url=_opt_text,
        ),
        st.builds(Commit, source=_text, repo=_text, sha=_text, message=_text, author=_opt_text, authored_at=_instant),
        st.builds(
            PipelineRun,
            source=_text,
            pipeline=_text,
            id=_text,
            attempt=st.integers(-2, 2_000_000),
            sha=_opt_text,
            branch=_opt_text,
            status=st.sampled_from(["queued", "running", "completed", "odd"]),
            result=run_result,
            queued_at=_instant,
            started_at=_instant,
            finished_at=_instant,
            url=_opt_text,
            author=_opt_text,
        ),
        st.builds(
            JobRun,
            source=_text,
            pipeline=_text,
            run=_text,
            id=_text,
            name=_text,
            attempt=st.integers(-2, 5),
            queued_at=_instant,
            started_at=_instant,
            finished_at=_instant,
            result=run_result,
            paused_s=st.floats(allow_nan=True, allow_infinity=True),
        ),
        st.builds(
            Deployment,
            source=_text,
            repo=_text,
            id=_text,
            environment=_text,
            status=st.sampled_from(["success", "failure", "running", "cancelled", "done"]),
            sha=_opt_text,
            ref=_opt_text,
            started_at=_instant,
            finished_at=_instant,
            url=_opt_text,
        ),
        st.builds(DeploymentCommit, source=_text, deployment_id=_text, sha=_text),
        st.builds(
            Incident,
            source=_text,
            key=_text,
            created_at=_req_instant,
            repo=_opt_text,
            resolved_at=_instant,
            title=_opt_text,
            url=_opt_text,
        ),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records())
def test_every_record_the_check_keeps_is_a_valid_event(record: Record) -> None:
    kept, notes = check_record(record)
    if kept is None:
        assert notes and notes[0].startswith("dropped: ")
        return
    line = event_line(kept)
    assert len(line.encode("utf-8")) < 1 << 20
    parse_line(json.loads(line))  # raises FieldError if the event format would refuse it
    if notes:
        assert kept is not record
    else:
        # Unchanged, but for an empty optional text read as absent ('' -> None), which the event
        # format does too and which changes no figure.
        changed = {
            f: (getattr(record, f), getattr(kept, f))
            for f in record.__dataclass_fields__
            if getattr(record, f) != getattr(kept, f)
        }
        assert all(before == "" and after is None for before, after in changed.values()), changed


# --- a CCTray sync with hostile values, then export → import ------------------------------------------


class _Pages:
    """A connector replaying fixed pages (for the engine's own behaviour)."""

    source = "toy"

    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = pages

    def streams(self) -> Sequence[str]:
        return ["s"]

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        yield from self.pages

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def test_the_engine_drops_and_warns_naming_source_stream_and_key(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    good = PipelineRun(source="toy", pipeline="build", id="1", started_at=T)
    long_key = PipelineRun(source="toy", pipeline="build", id="9" * 101)
    with Store.open(sqlite_url) as store, caplog.at_level(logging.WARNING, logger="data.sync.run"):
        summary = sync_source(store, _Pages([Page([good, long_key], cursor="c1")]))
        assert summary.ok and summary.records == 1
        assert [r for r in store.all_records() if isinstance(r, PipelineRun)] == [good]
        assert store.get_cursor("toy", "s") == "c1"
    warning = next(r.getMessage() for r in caplog.records if "dropped" in r.getMessage())
    assert warning.startswith("toy/s: pipeline_run build/") and "id is 101 characters" in warning
    assert summary.streams[0].limited == 1


def test_cctray_sync_with_hostile_values_exports_and_imports_again(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    huge = "n" * (50 * 1024 * 1024)  # a 50 MB project name
    feed = cctray_feed(
        [
            # Never built: CruiseControl.NET writes DateTime.MinValue.
            {"name": "never", "activity": "Sleeping", "lastBuildStatus": "Unknown", "lastBuildLabel": "1",
             "lastBuildTime": MIN_VALUE},
            {"name": "max", "activity": "Sleeping", "lastBuildStatus": "Success", "lastBuildLabel": "3",
             "lastBuildTime": MAX_VALUE},
            {"name": "old", "activity": "Sleeping", "lastBuildStatus": "Success", "lastBuildLabel": "4",
             "lastBuildTime": "1900-01-01T00:00:00"},
            {"name": huge, "activity": "Sleeping", "lastBuildStatus": "Success", "lastBuildLabel": "2",
             "lastBuildTime": "2026-03-02T09:00:00"},
            {"name": "ok", "activity": "Sleeping", "lastBuildStatus": "Failure", "lastBuildLabel": "17",
             "lastBuildTime": "2026-03-02T09:00:00", "webUrl": "https://ci.example/" + "w" * (TEXT_LIMIT + 1)},
        ]
    )  # fmt: skip
    with FakeServer() as srv:
        srv.route("GET", "/cctray.xml", Reply.text(feed, content_type="application/xml"))
        src = SourceConfig(name="ccnet", kind="cctray", url=f"{srv.url}/cctray.xml")
        conn = CCTrayConnector(src, None, clock=FakeClock())
        with Store.open(sqlite_url) as store, caplog.at_level(logging.WARNING):
            summary = sync_source(store, conn)
            assert summary.ok, summary.error
            runs = {r.pipeline: r for r in store.all_records() if isinstance(r, PipelineRun)}
            cursor = store.get_cursor("ccnet", "status") or ""
            out = tmp_path / "events.jsonl"
            export(store, out)
            original = sorted(map(repr, store.all_records()))
    assert set(runs) == {"never", "max", "old", "ok"}  # the 50 MB name is not stored ...
    assert len(cursor) < 10_000  # ... nor kept in the cursor
    assert runs["never"].finished_at is None and runs["max"].finished_at is None
    assert runs["old"].finished_at is None  # 1900: outside the event format's years, cleared with a warning
    assert runs["ok"].url is not None and len(runs["ok"].url) == TEXT_LIMIT
    assert runs["ok"].finished_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("ccnet/status: pipeline_run old/4/1: finished_at") for m in messages)
    assert any("ccnet/status: project 'nnn" in m and "52,428,800 characters" in m for m in messages)
    with Store.open(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        import_files(copy, [out])
        assert sorted(map(repr, copy.all_records())) == original
