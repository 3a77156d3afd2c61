"""`flowdeck report --what-if` and `flowdeck forecast`: JSON shapes, readable text, bad input exits 2."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import COMMANDS, build_parser, main
from data.materialise import cache
from data.store.store import Store
from tests.helpers.metrics import D0, day_records

REPORT = ["report", "--from", "2026-03-02", "--to", "2026-03-09"]
WHAT_IF_KEYS = [
    "scenario",
    "items",
    "lead_time_median_h",
    "lead_time_p85_h",
    "flow_efficiency",
    "within_target_share",
    "target_days",
    "within_target_share_now",
    "not_modelled",
]


def code_of(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # argparse refuses some options itself (exit 2)
        return int(exc.code or 0)


def report_json(url: str, cfg: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert main(["--db", url, "--config", cfg, *REPORT, "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_what_if_sits_beside_the_unchanged_figures(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    plain = report_json(url, cfg, capsys)
    js = report_json(
        url, cfg, capsys, "--what-if", "Test.wait=0", "--what-if", "approve.wait=0", "--target-days", "0.3"
    )
    (s,) = js["streams"]
    w = s.pop("what_if")
    assert js == plain  # everything else is the report without --what-if
    assert list(w) == WHAT_IF_KEYS
    # PAY-1: created 0 h, Dev wait 0..2, active 2..6, Test wait 6..8, active 8..9, done at 9 h.
    # CORE-1: created 0 h, Dev wait 0..4, done at 4 h. Without Test's wait: leads [7, 4];
    # active 4 + 1 of (5 + 2 + 4) h in stages.
    assert w["scenario"] == {"Test.wait": 0.0, "Approve.wait": 0.0}
    assert w["lead_time_median_h"] == 5.5
    assert w["target_days"] == 0.3  # 7.2 h: 7 h is within, 9 h was not
    assert (w["within_target_share"], w["within_target_share_now"]) == (1.0, 0.5)
    assert w["not_modelled"] == ["Approve.wait"]
    assert s["flow_efficiency"] == 0.385 and w["flow_efficiency"] == round(5 / 11, 3)
    assert w["items"] == s["completed"] == 2


def test_all_ones_is_the_report(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    ones = [a for part in ("Dev.wait", "Dev.active", "Test.wait", "Test.active") for a in ("--what-if", f"{part}=1")]
    (s,) = report_json(url, cfg, capsys, *ones)["streams"]
    w = s["what_if"]
    for key in ("lead_time_median_h", "lead_time_p85_h", "flow_efficiency"):
        assert w[key] == s[key]
    assert w["target_days"] == 7.0  # [targets] default
    assert w["within_target_share"] == w["within_target_share_now"]


def test_readable_what_if(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = db
    args = ["--db", url, "--config", cfg, *REPORT, "--what-if", "Test.wait=0.5", "--what-if", "Approve.wait=0"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "What-if: Test.wait × 0.5, Approve.wait × 0" in out
    assert "within 7 d" in out and "projected" in out
    assert "Approve.wait is a pipeline stage" in out
    assert "over 2 completed items" in out


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        (["--what-if", "Relase.wait=0.5"], "no stage named 'Relase'"),
        (["--what-if", "Test.wait=-0.5"], "factor -0.5 is negative"),
        (["--what-if", "Test.wait=nan"], "factor 'nan' is not a finite number"),
        (["--what-if", "Test.wait=fast"], "factor 'fast' is not a number"),
        (["--what-if", "Test.queue=0"], "unknown part 'queue'"),
        (["--what-if", "Test.wait"], "expected STAGE.wait=FACTOR"),
        (["--what-if", "Test.wait=0", "--what-if", "Test.wait=1"], "Test.wait is given twice"),
        (["--target-days", "3"], "--target-days applies to --what-if"),
        (["--what-if", "Test.wait=0", "--target-days", "0"], "expected a number of days > 0"),
        (["--what-if", "Test.wait=0", "--target-days", "a week"], "not a number of days"),
    ],
)
def test_bad_what_if_exits_2_naming_it(
    db: tuple[str, str],
    bad: list[str],
    named: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, cfg = db
    assert code_of(["--db", url, "--config", cfg, *REPORT, "--json", *bad]) == 2
    out, err = capsys.readouterr()
    assert named in err
    assert out == ""
    assert "Traceback" not in err and "Error" not in err.replace("error:", "")


# --- forecast ---------------------------------------------------------------------------------------


@pytest.fixture
def daily(store_url: str, tmp_path: Path) -> tuple[str, str]:
    """Two items completed every day of the 4 weeks from 2 Feb 2026."""
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(day_records([D0 + timedelta(days=i) for i in range(28)]))
    cfg = tmp_path / "flowdeck.toml"
    cfg.write_text(
        '[[streams]]\nname = "Flow"\ndone = ["Done"]\n'
        '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n',
        encoding="utf-8",
    )
    return store_url, str(cfg)


FORECAST_KEYS = ["stream", "history_days", "runs", "seed"]
EXTRA_KEYS = [
    "reason",
    "as_of",
    "weeks",
    "history_from",
    "history_to",
    "working_days",
    "start",
    "target_probability",
    "target_days",
    "target_items",
    "target_reason",
]


def test_forecast_is_a_registered_command() -> None:
    assert COMMANDS["forecast"] == "forecast"
    assert "forecast" in build_parser().format_help()


def test_forecast_items_json(daily: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = daily
    args = ["--db", url, "--config", cfg, "forecast", "--items", "20", "--as-of", "2026-03-02", "--json"]
    assert main(args) == 0
    js = json.loads(capsys.readouterr().out)
    assert list(js) == [*FORECAST_KEYS, "items", "p50", "p85", "p95", *EXTRA_KEYS]
    assert (js["stream"], js["history_days"], js["runs"], js["seed"], js["items"]) == ("Flow", 28, 10_000, 1, 20)
    assert (js["p50"], js["p85"], js["p95"]) == ("2026-03-11", "2026-03-11", "2026-03-11")
    assert js["reason"] is None and js["target_probability"] == 1.0 and js["target_days"] == 7.0


def test_forecast_by_json_and_text(daily: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = daily
    base = ["--db", url, "--config", cfg, "forecast", "--by", "2026-03-11", "--as-of", "2026-03-02"]
    assert main([*base, "--json", "--runs", "500", "--seed", "9", "--weeks", "4"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert list(js) == [*FORECAST_KEYS, "by", "p50", "p85", "p95", *EXTRA_KEYS]
    assert (js["by"], js["p50"], js["p85"], js["p95"], js["runs"], js["seed"]) == ("2026-03-11", 20, 20, 20, 500, 9)
    assert main([*base, "--target-days", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "History: 28 days with data, 2026-02-02 – 2026-03-01" in out
    assert "Items done from 2026-03-02 to 2026-03-11:" in out
    assert "85 % likely: at least 20" in out
    assert "within 0.25 d: 0.0 %" in out  # every item took 11 h


def test_too_little_history_is_said_with_exit_0(daily: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, cfg = daily
    base = ["--db", url, "--config", cfg, "forecast", "--items", "5", "--as-of", "2026-02-08"]
    assert main([*base, "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert (js["history_days"], js["p50"], js["p85"], js["p95"]) == (6, None, None, None)
    assert "6 days with data" in js["reason"]
    assert js["target_probability"] is None and js["target_reason"] == js["reason"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "Not forecast: too little history to forecast: 6 days with data in the last 12 weeks" in out


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ([], "one of the arguments --items --by is required"),
        (["--items", "3", "--by", "2026-03-20"], "not allowed with argument"),
        (["--items", "0"], "--items must be from 1"),
        (["--items", "many"], "not a whole number: 'many'"),
        (["--items", "3", "--runs", "0"], "--runs must be from 1"),
        (["--items", "3", "--weeks", "0"], "--weeks must be from 1"),
        (["--items", "3", "--seed", "-1"], "a seed is 0 or more"),
        (["--items", "3", "--target-days", "-2"], "expected a number of days > 0"),
        (["--by", "2026-03-01"], "the date 2026-03-01 is before the forecast's first day, 2026-03-02"),
        (["--by", "someday"], "not an ISO 8601 date"),
        (["--items", "3", "--stream", "Nope"], "no value stream named 'Nope'"),
    ],
)
def test_bad_forecast_options_exit_2_naming_them(
    daily: tuple[str, str], bad: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url, cfg = daily
    assert code_of(["--db", url, "--config", cfg, "forecast", "--as-of", "2026-03-02", *bad]) == 2
    out, err = capsys.readouterr()
    assert named in err and out == ""
    assert "Traceback" not in err
