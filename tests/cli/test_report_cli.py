"""`flowdeck report`: exact JSON keys, readable tables, bad input exits 2."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from data.store.store import Store

STAGE_KEYS = [
    "name",
    "items",
    "wait_median_h",
    "wait_p85_h",
    "active_median_h",
    "active_p85_h",
    "wait_total_h",
    "active_total_h",
    "wip",
    "wip_age_median_h",
    "complete_accurate",
]


def test_json_has_exactly_the_interfaces_keys(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    assert main(["--db", url, "--config", cfg, "report", "--from", "2026-03-02", "--to", "2026-03-09", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert list(js) == ["window", "definitions", "streams", "dora", "delivery"]
    assert js["window"] == {
        "from": "2026-03-02T00:00:00Z",
        "to": "2026-03-09T00:00:00Z",
        "as_of": "2026-03-09T00:00:00Z",
    }
    (s,) = js["streams"]
    assert list(s) == [
        "name",
        "completed",
        "lead_time_median_h",
        "lead_time_p85_h",
        "cycle_time_median_h",
        "flow_efficiency",
        "throughput_per_week",
        "wip",
        "bottleneck",
        "rolled_complete_accurate",
        "stages",
    ]
    assert all(list(st) == STAGE_KEYS for st in s["stages"])
    assert list(js["dora"]) == [
        "deployments",
        "deployments_per_week",
        "deploy_days_per_week_median",
        "lead_time_for_changes_median_h",
        "change_failure_rate",
        "recovery_time_median_h",
        "time_to_restore_median_h",
        "tiers",
    ]
    assert list(js["delivery"]) == [
        "production_deployment_success_rate",
        "release_gap_median_days",
        "requirement_lead_time_median_h",
        "requirement_lead_time_unlinked",
        "delivery_time_median_h",
    ]
    assert s["completed"] == 2 and s["flow_efficiency"] == 0.385  # 5 / 13, three decimals
    assert js["dora"]["lead_time_for_changes_median_h"] == 10.5


def test_switches_and_as_of(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    args = ["--db", url, "--config", cfg, "report", "--from", "2026-03-02", "--to", "2026-03-09T00:00:00+08:00"]
    assert main([*args, "--json", "--median", "lower", "--dora", "2021", "--as-of", "2026-03-02T07:00:00Z"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["definitions"]["median"] == "lower" and js["definitions"]["dora"] == "2021"
    assert js["window"]["to"] == "2026-03-08T16:00:00Z"
    assert js["window"]["as_of"] == "2026-03-02T07:00:00Z"
    assert js["streams"][0]["completed"] == 1 and js["streams"][0]["wip"] == 2


def test_readable_tables(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    with Store.open(url) as s, s.writer() as w:
        w.set_meta("demo", "1")
    assert main(["--db", url, "--config", cfg, "report", "--from", "2026-03-02", "--to", "2026-03-09"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DEMO DATA")
    assert "median: interpolated, DORA: 2023, calendar: calendar" in out
    assert "Approve (job)" in out and "Prod (deployment)" in out
    assert "10.5 h" in out and "50.0 %" in out
    assert "—" in out  # Test stage's WIP age has no data
    lines = [ln for ln in out.splitlines() if ln.startswith(("Dev ", "Test ", "Approve "))]
    assert len({len(ln.rstrip()) for ln in lines}) >= 1 and len(lines) == 3


def test_unknown_stream_exits_2_with_the_names(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    assert main(["--db", url, "--config", cfg, "report", "--stream", "Nope"]) == 2
    assert "Mobile" in capsys.readouterr().err


@pytest.mark.parametrize(
    "bad", [["--from", "last tuesday"], ["--to", "2026-13-01"], ["--from", "2026-03-09", "--to", "2026-03-02"]]
)
def test_bad_dates_exit_2(db: tuple[str, str], bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    with Store.open(url) as s:
        before = s.generation()
    try:
        code = main(["--db", url, "--config", cfg, "report", *bad])
    except SystemExit as exc:  # argparse rejects unparsable dates itself
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert ("2026" in err) or ("last tuesday" in err)
    with Store.open(url) as s:
        assert s.generation() == before  # nothing written
