"""The measurement baseline (``measure_from``) and exclusions, end to end.

DevLake #7193/#8188: in a new store the first production deployment "carries" every PR ever merged,
so lead time for changes is measured in years. Here 200 PRs merged over the two years before the
first production deployment, and four new ones: without a baseline the median is huge; with
``measure_from`` it is the hand-computed median of the new ones.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from data.config.model import Config
from data.config.parse import parse_config
from data.events.exporter import export
from data.events.importer import import_files
from data.records import Change, Deployment, Exclusion, StatusChange, WorkItem
from data.report.build import build_report
from data.store.store import Store

T = datetime(2026, 3, 2, tzinfo=UTC)  # Monday
BASELINE = T - timedelta(days=7)
WINDOW = {"window_from": T - timedelta(days=7), "window_to": T + timedelta(days=7), "as_of": T + timedelta(days=7)}


def at(days: float = 0, hours: float = 0) -> datetime:
    return T + timedelta(days=days, hours=hours)


def config(measure_from: datetime | None = None) -> Config:
    stream: dict[str, object] = {
        "name": "Mobile",
        "production": "^prod$",
        "done": ["Done"],
        "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
    }
    if measure_from is not None:
        stream["measure_from"] = measure_from.isoformat()
    return parse_config({"streams": [stream]}, "test.toml")


def records() -> list[object]:
    recs: list[object] = []
    # 200 old PRs, opened every 3.6 days from two years before the baseline, merged a day later.
    for i in range(200):
        opened = BASELINE - timedelta(days=730) + timedelta(days=3.6 * i)
        recs.append(
            Change(
                "gh",
                "bank/mobile",
                f"old{i}",
                f"old work {i}",
                opened,
                merged_at=opened + timedelta(days=1),
                base="main",
            )
        )
    # The first production deployment (no commit range: linked by time, as on a fresh store).
    recs.append(
        Deployment(
            "gh", "bank/mobile", "d1", "prod", "success", ref="main", started_at=at(hours=11), finished_at=at(hours=12)
        )
    )
    # New PRs; hand-computed lead times (created -> finish of the first deployment after the merge):
    #   new1 created T-5 d   -> d1 at T+12 h : 132 h
    #   new2 created T-3 d   -> d1          :  84 h
    #   new3 created T-2 d   -> d1          :  60 h
    #   new4 created T+1 d, merged T+2 d -> d2 finished T+3 d 1 h : 49 h
    # median of 49, 60, 84, 132 = (60 + 84) / 2 = 72 h
    recs += [
        Change("gh", "bank/mobile", "new1", "PAY-2 statement", at(-5), merged_at=at(-4), base="main"),
        Change("gh", "bank/mobile", "new2", "new two", at(-3), merged_at=at(-2), base="main"),
        Change("gh", "bank/mobile", "new3", "new three", at(-2), merged_at=at(-1), base="main"),
        Change("gh", "bank/mobile", "new4", "new four", at(1), merged_at=at(2), base="main"),
        Deployment("gh", "bank/mobile", "d2", "prod", "success", ref="main", started_at=at(3), finished_at=at(3, 1)),
    ]
    # Requirements: PAY-1 created 400 days ago (linked by an old PR), PAY-2 five days ago.
    recs[0] = Change(
        "gh",
        "bank/mobile",
        "old0",
        "PAY-1 legacy limit",
        BASELINE - timedelta(days=730),
        merged_at=BASELINE - timedelta(days=729),
        base="main",
    )
    recs += [
        WorkItem("jira", "PAY-1", "Legacy limit", at(-400)),
        StatusChange("jira", "PAY-1", at(hours=13), "In Progress", "Done"),
        WorkItem("jira", "PAY-2", "Statement", at(-5)),
        StatusChange("jira", "PAY-2", at(hours=13), "In Progress", "Done"),
    ]
    return recs


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store.open(store_url)
    s.upsert(records())  # type: ignore[arg-type]
    return s


def test_without_a_baseline_old_prs_skew_lead_time(store: Store) -> None:
    r = build_report(store, config(), **WINDOW)
    assert r.dora.changes_deployed == 204
    # Half of the 200 old PRs are more than a year old when d1 ships them.
    assert r.dora.lead_time_for_changes_median_h is not None
    assert r.dora.lead_time_for_changes_median_h > 300 * 24
    assert r.dora.tiers["lead_time_for_changes"] == "low"


def test_with_the_baseline_lead_time_is_the_hand_computed_one(store: Store) -> None:
    r = build_report(store, config(BASELINE), **WINDOW)
    assert r.dora.changes_deployed == 4
    assert r.dora.lead_time_for_changes_median_h == pytest.approx(72.0)
    assert r.dora.tiers["lead_time_for_changes"] == "high"
    assert r.notes["measure_from"] == {"Mobile": BASELINE.isoformat()}


def test_baseline_applies_to_requirement_lead_time(store: Store) -> None:
    without = build_report(store, config(), **WINDOW)
    # PAY-1: created 400 d before T, shipped by d1 at T+12 h; PAY-2: 5 d before -> 132 h.
    assert without.delivery.requirement_lead_time_median_h == pytest.approx((400 * 24 + 12 + 132) / 2)
    with_baseline = build_report(store, config(BASELINE), **WINDOW)
    assert with_baseline.delivery.requirement_lead_time_median_h == pytest.approx(132.0)
    assert with_baseline.delivery.requirements_completed == 1
    # Counts are not filtered by the baseline (docs/metrics.md choice 10): both items completed.
    assert with_baseline.streams[0].completed == 2


def _run(store: Store, *args: str) -> int:
    return main(["--db", store.url, *args])


def test_exclude_add_list_remove_changes_the_number(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(store, "exclude", "add", "change", "gh", "bank/mobile#new1", "--reason", "  revert of a revert ") == 0
    assert "excluded change gh bank/mobile#new1: revert of a revert" in capsys.readouterr().out
    r = build_report(store, config(BASELINE), **WINDOW)
    assert r.dora.changes_deployed == 3
    assert r.dora.lead_time_for_changes_median_h == pytest.approx(60.0)  # 49, 60, 84
    assert r.notes["excluded"]["change"] == 1
    assert _run(store, "exclude", "list") == 0
    out = capsys.readouterr().out
    assert "bank/mobile#new1" in out and "revert of a revert" in out
    assert _run(store, "exclude", "remove", "change", "gh", "bank/mobile#new1") == 0
    assert build_report(store, config(BASELINE), **WINDOW).dora.lead_time_for_changes_median_h == pytest.approx(72.0)
    assert _run(store, "exclude", "remove", "change", "gh", "bank/mobile#new1") == 1  # nothing to undo
    assert "no exclusion" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "ticket", "jira", "PAY-1", "--reason", "x"], "KIND must be one of work_item, change, deployment"),
        (["add", "work_item", "jira", "PAY-1", "--reason", "   "], "--reason must not be empty"),
        (["add", "change", "gh", "new1x", "--reason", "typo"], "no change 'new1x' from source 'gh'"),
        (["remove", "pr", "gh", "x"], "KIND must be one of"),
    ],
)
def test_bad_exclusions_exit_2_and_change_nothing(
    store: Store, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    generation = store.generation()
    assert _run(store, "exclude", *args) == 2
    assert message in capsys.readouterr().err
    assert store.exclusions() == [] and store.generation() == generation


def test_force_excludes_an_unknown_item(store: Store) -> None:
    assert (
        _run(store, "exclude", "add", "deployment", "gh", "bank/mobile#d9", "--reason", "not synced yet", "--force")
        == 0
    )
    assert [(e.kind, e.key) for e in store.exclusions()] == [("deployment", "bank/mobile#d9")]


def test_exclusions_round_trip_through_event_files(store: Store, tmp_path: Path, store_url: str) -> None:
    when = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    with store.writer() as w:
        w.add_exclusion(Exclusion("work_item", "jira", "PAY-1", "migrated from the old tracker", when))
        w.add_exclusion(Exclusion("change", "gh", "bank/mobile#old3", 'said "=1+1" — kept literally', when))
    buf = io.StringIO()
    export(store, buf)
    lines = [ln for ln in buf.getvalue().splitlines() if '"exclusion"' in ln]
    assert len(lines) == 2 and '"item_kind":"work_item"' in lines[0].replace(" ", "")
    path = tmp_path / "events.jsonl"
    path.write_text(buf.getvalue(), encoding="utf-8")
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    import_files(other, [path])
    assert other.exclusions() == store.exclusions()
    # ... and the imported exclusion takes effect: PAY-1 is out of the requirement lead time.
    r = build_report(other, config(), **WINDOW)
    assert r.delivery.requirement_lead_time_median_h == pytest.approx(132.0)
    assert r.notes["excluded"]["work_item"] == 1


def test_report_command_states_the_baseline_and_exclusions(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        '[[streams]]\nname = "Mobile"\nproduction = "^prod$"\ndone = ["Done"]\n'
        f'measure_from = "{BASELINE.isoformat()}"\n'
        '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n',
        encoding="utf-8",
    )
    assert _run(store, "exclude", "add", "work_item", "jira", "PAY-1", "--reason", "migrated") == 0
    capsys.readouterr()
    assert main(["--db", store.url, "--config", str(cfg), "report", "--from", "2026-02-23", "--to", "2026-03-09"]) == 0
    out = capsys.readouterr().out
    assert "Measured from: Mobile: 2026-02-23T00:00:00+00:00" in out
    assert "Excluded by decision: 1 work item(s)" in out
