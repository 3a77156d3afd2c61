"""The CAICT maturity view on the demo organisation: the first quarter against the last.

The demo bank releases monthly (three teams, staggered) until week 16 and weekly from week 18,
with failed production deployments only in the first three months (data/demo). Expected levels by
the thresholds of docs/trust.md, checked against the evidence the view reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from data.config.parse import load_config, parse_config
from data.demo import generate
from data.maturity.build import assess_maturity
from data.maturity.results import CAVEAT, MaturityView
from data.records import Deployment
from data.store.store import Store

END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
START = END - timedelta(weeks=26)
FIRST = {"window_from": START, "window_to": START + timedelta(weeks=13)}
LAST = {"window_from": END - timedelta(weeks=13), "window_to": END}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('maturity') / 'demo.db'}")
    generate(store, scale="small", seed=1, end=END)
    yield store
    store.close()


@pytest.fixture(scope="module")
def views(demo: Store) -> tuple[MaturityView, MaturityView]:
    config = load_config(None)
    return assess_maturity(demo, config, **FIRST), assess_maturity(demo, config, **LAST)


def test_deployment_strategy_rises_from_monthly_to_weekly(views: tuple[MaturityView, MaturityView]) -> None:
    first, last = (v.row("deployment_strategy") for v in views)
    assert first.values["release_gap_median_days"] == pytest.approx(28, abs=1)
    assert (first.level, last.level) == (2, 4)
    assert last.values["release_gap_median_days"] == pytest.approx(7, abs=0.5)
    assert "not shown" in last.evidence  # weekly, not daily: level 5 is not claimed
    assert last.values["max_deploy_days_in_a_week"] < 5


def test_deployment_quality_rises_when_failures_stop(views: tuple[MaturityView, MaturityView]) -> None:
    first, last = (v.row("deployment_quality") for v in views)
    # First quarter: 10 successes of 13 (76.9 % < 80 %) -> 1. Last: 100 %, CFR above 5 % -> 4, not 5.
    assert first.level == 1 and first.values["success_rate"] == pytest.approx(10 / 13, abs=1e-3)
    assert last.level == 4 and last.values["success_rate"] == 1.0
    assert 0.05 < last.values["change_failure_rate"] <= 0.15


def test_other_rows_and_their_evidence(views: tuple[MaturityView, MaturityView]) -> None:
    first, last = views
    for v in views:
        assert v.row("metric_types").level in (4, 5)  # every DORA key and process metric has data
        # Imported history, no sync: continuous, but not automated -> 3; shipped stream map -> 3.
        assert v.row("data_collection").level == 3
        assert "none (0 configured)" in v.row("data_collection").evidence
        assert v.row("audience").level == 3
    assert first.row("timeliness").level == 2  # pipeline data about 2.6 days old at the quarter's end
    assert last.row("timeliness").level == 4  # a run queued a minute before the end; never synced -> not 5


def test_side_by_side_with_dora_and_labelled_as_an_aid(views: tuple[MaturityView, MaturityView]) -> None:
    last = views[1]
    assert set(last.dora_tiers) == {
        "deployment_frequency",
        "lead_time_for_changes",
        "change_failure_rate",
        "recovery_time",
    }
    assert last.caveat == CAVEAT and "not an official" in CAVEAT
    doc = last.to_json()
    assert list(doc) == ["caveat", "window", "stream", "rows", "dora"]
    assert [r["key"] for r in doc["rows"]] == [
        "deployment_strategy",
        "deployment_quality",
        "metric_types",
        "data_collection",
        "timeliness",
        "audience",
    ]
    json.dumps(doc, ensure_ascii=False)


def test_daily_deployments_reach_level_5(store_url: str) -> None:
    store = Store.open(store_url)
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    store.upsert(
        Deployment(
            "ci",
            "bank/app",
            f"d{i}",
            "production",
            "success",
            started_at=day + timedelta(days=i),
            finished_at=day + timedelta(days=i, minutes=5),
        )
        for i in range(28)
        if (day + timedelta(days=i)).weekday() < 5
    )
    config = parse_config(
        {"streams": [{"name": "S", "stages": [{"name": "Dev", "active": ["In Progress"]}]}]}, "t.toml"
    )
    v = assess_maturity(
        store, config, window_from=datetime(2026, 3, 2, tzinfo=UTC), window_to=datetime(2026, 3, 30, tzinfo=UTC)
    )
    row = v.row("deployment_strategy")
    assert row.values["deploy_days_per_week_median"] == 5 and row.level == 5
    assert "shown" in row.evidence and "not shown" not in row.evidence
    assert v.row("deployment_quality").level == 4  # 100 %, no incidents, but only four weeks: not 5
    assert v.row("audience").level == 4  # an own stream, no audit trail


def test_empty_store_supports_nothing(store_url: str) -> None:
    store = Store.open(store_url)
    v = assess_maturity(store, load_config(None), **LAST)
    # No deployment synced: nothing to judge a cadence by (not "level 1"), and the row says why.
    assert v.row("deployment_strategy").level is None
    assert v.row("deployment_strategy").basis == "no deployments synced yet: add a CI or deployment source"
    assert v.row("deployment_quality").level is None
    assert v.row("data_collection").level == 1 and v.row("timeliness").level == 1


def test_cli_maturity(demo: Store, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--db",
        demo.url,
        "quality",
        "--maturity",
        "--from",
        LAST["window_from"].isoformat(),
        "--to",
        END.isoformat(),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(CAVEAT)
    assert "Deployment strategy (部署策略与频率)  4" in out
    assert "DORA tiers (same window):" in out
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["level"] == 4
    # --from/--to also set the window of the plain report's "completed, never in production" check.
    assert main(["--db", demo.url, "quality", "--from", "2026-02-01", "--to", "2026-01-01"]) == 2
    assert "must be before --to" in capsys.readouterr().err
