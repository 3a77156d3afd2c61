"""Partial data is normal: every command and every app page works on any subset of record kinds.

A Jira-only team (tickets and incident tickets, no deployment) is the most common first sync; a
CI-only team has runs and nothing else. Each shape of :mod:`tests.partial_shapes` is imported
through the importer, then every read command runs as a user runs it (through ``app.cli.main``)
and every app page is rendered offscreen (``flowdeck --screenshot``, a subprocess).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from data.config.parse import load_config
from data.materialise import cache
from data.metrics.clock import now_of, store_now
from data.metrics.dora import DeploymentArrays, IncidentArrays, change_failure
from data.report.build import build_report
from data.store.store import Store
from tests.helpers.partial_shapes import SHAPES, WINDOW, leaked, store_of, write_config
from tests.helpers.paths import ROOT

NO_DEPLOYMENTS = "no deployments synced yet: add a CI or deployment source"


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """One store per shape (imported from event lines) and the config they are read with."""
    d = tmp_path_factory.mktemp("shapes")
    urls = {}
    for i, (name, events) in enumerate(SHAPES.items()):
        urls[name] = f"sqlite:///{d / f'shape{i}.db'}"
        store_of(urls[name], events)
    return urls, write_config(d)


def _run(url: str, config: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    cache.clear_memory()
    code = main(["--db", url, "--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


COMMANDS = [
    ["report"],
    ["report", "--json"],
    ["report", "--from", WINDOW[0], "--to", WINDOW[1]],
    ["report", "--json", "--from", WINDOW[0], "--to", WINDOW[1]],
    ["report", "--from", WINDOW[0], "--to", WINDOW[1], "--dora", "2021", "--median", "lower"],
    ["report", "--from", WINDOW[0], "--to", WINDOW[1], "--calendar", "working"],
    ["report", "--from", WINDOW[0], "--to", WINDOW[1], "--as-of", "2026-03-03T12:00:00Z"],
    ["quality"],
    ["quality", "--json"],
    ["quality", "--all", "--as-of", "2026-03-03T12:00:00Z"],
    ["quality", "--maturity"],
    ["quality", "--maturity", "--from", WINDOW[0], "--to", WINDOW[1]],
    ["quality", "--maturity", "--json", "--from", WINDOW[0], "--to", WINDOW[1]],
    ["release", "latest"],
    ["release", "latest", "--json"],
    ["export", "-"],
    ["export", "-", "--from", "2026-03-03", "--to", "2026-03-04"],
    ["exclude", "list"],
]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_command_works_on_every_shape(
    shape: str, shapes: tuple[dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    urls, config = shapes
    has_production_success = any(
        e["kind"] == "deployment" and e["environment"] == "production" and e["status"] == "success"
        for e in SHAPES[shape]
    )
    for args in COMMANDS:
        code, out, err = _run(urls[shape], config, args, capsys)
        where = f"{shape}: flowdeck {' '.join(args)}"
        assert not leaked(out + err), f"{where} leaked {leaked(out + err)}:\n{err}"
        if args[0] == "release" and not has_production_success:
            assert code == 1, where
            assert len(err.strip().splitlines()) == 1, f"{where}: {err!r}"
            assert "no successful production deployment" in err
            continue
        assert code == 0, f"{where} exited {code}:\n{err}"
        if "--json" in args:
            json.loads(out)


def test_jira_only_report_says_why_deployment_figures_are_empty(
    shapes: tuple[dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    urls, config = shapes
    code, out, _err = _run(
        urls["tickets+incidents"], config, ["report", "--from", WINDOW[0], "--to", WINDOW[1]], capsys
    )
    assert code == 0
    assert NO_DEPLOYMENTS in out
    assert re.search(r"^deployments per week +— +—$", out, re.M | re.I)
    assert re.search(r"^releases per week +— +—$", out, re.M | re.I)
    code, out, _err = _run(
        urls["tickets+incidents"], config, ["report", "--json", "--from", WINDOW[0], "--to", WINDOW[1]], capsys
    )
    js = json.loads(out)
    # No deployment synced: the rates are unknown (null), not "0 a week" and not tier "low".
    assert js["dora"]["deployments"] == 0
    assert js["dora"]["deployments_per_week"] is None
    assert js["dora"]["deploy_days_per_week_median"] is None
    assert js["dora"]["tiers"]["deployment_frequency"] is None
    assert js["dora"]["change_failure_rate"] is None
    # The tickets still give their numbers: PAY-1, PAY-2 and PAY-5 are done in the window.
    assert js["streams"][0]["completed"] == 3
    # 2021 time to restore is an incident figure: OPS-1 was resolved 3 h after it was created.
    code, out, _err = _run(
        urls["tickets+incidents"],
        config,
        ["report", "--json", "--dora", "2021", "--from", WINDOW[0], "--to", WINDOW[1]],
        capsys,
    )
    assert json.loads(out)["dora"]["time_to_restore_median_h"] == pytest.approx(3.0)


def test_with_deployments_the_rates_are_numbers_even_in_an_empty_window(
    shapes: tuple[dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    urls, config = shapes
    # A window after the data: no deployment in it, but deployments are synced, so 0 is a fact.
    code, out, _err = _run(
        urls["deployments"], config, ["report", "--json", "--from", "2026-05-04", "--to", "2026-05-11"], capsys
    )
    js = json.loads(out)
    assert code == 0
    assert js["dora"]["deployments_per_week"] == 0.0
    assert js["dora"]["tiers"]["deployment_frequency"] == "low"
    code, out, _err = _run(
        urls["deployments"], config, ["report", "--from", "2026-05-04", "--to", "2026-05-11"], capsys
    )
    assert NO_DEPLOYMENTS not in out
    assert re.search(r"^releases per week +0\.0 +—$", out, re.M | re.I)


def test_jira_only_maturity_gives_no_deployment_level_and_says_why(
    shapes: tuple[dict[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    urls, config = shapes
    code, out, _err = _run(
        urls["tickets+incidents"],
        config,
        ["quality", "--maturity", "--json", "--from", WINDOW[0], "--to", WINDOW[1]],
        capsys,
    )
    assert code == 0
    rows = {r["key"]: r for r in json.loads(out)["rows"]}
    strategy = rows["deployment_strategy"]
    assert strategy["level"] is None
    assert NO_DEPLOYMENTS in strategy["basis"]


def test_change_failure_with_incidents_and_no_deployments() -> None:
    """The crash of a Jira-only store: incidents to link, no deployment to link them to."""
    none = np.zeros(0, dtype=np.int64)
    deps = DeploymentArrays(finish=none, start=none, success=np.zeros(0, bool), repo=np.zeros(0, np.int32))
    h = 3_600_000
    inc = IncidentArrays(
        created=np.array([10 * h, 20 * h], dtype=np.int64),
        resolved=np.array([14 * h, -1], dtype=np.int64),
        repo=np.array([-1, -2], dtype=np.int32),
    )
    cfr, recovery, restore = change_failure(deps, inc, 0, 100 * h, 100 * h, "interpolated")
    assert cfr is None  # no deployment: no rate
    assert recovery is None  # recovery is measured from a deployment
    assert restore == pytest.approx(4.0)  # 2021: created -> resolved of the one resolved incident


# --- the app, offscreen ---------------------------------------------------------------------------

PAGES = (
    "home",
    "map",
    "scorecard",
    "trends",
    "pipelines",
    "compare",
    "quality",
    "maturity",
    "releases",
    "future",
    "forecast",
)


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_page_renders_on_every_shape(shape: str, shapes: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    from app.main_window.pages import PAGES as APP_PAGES

    assert set(PAGES) == set(APP_PAGES)  # a new page joins this test
    urls, config = shapes
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cli = [sys.executable, "-m", "app.cli", "--db", urls[shape], "--config", str(config)]
    for page in PAGES:
        shot = tmp_path / f"{page}.png"
        proc = subprocess.run(
            [*cli, "--screenshot", str(shot), "--page", page, "--timeout", "60"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        where = f"{shape}, page {page}"
        assert proc.returncode == 0, f"{where}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
        assert shot.is_file() and shot.stat().st_size > 0, where
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", where
        assert not leaked(proc.stdout + proc.stderr), f"{where}: {proc.stderr[-2000:]}"


# --- one "now" for the app and the command line ---------------------------------------------------

DEMO_END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, long before the test runs


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from data.demo import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    with Store.open(url) as store:
        generate(store, end=DEMO_END)
    return url


def test_now_is_the_demo_end_on_a_demo_store_and_the_clock_otherwise(
    demo_url: str, shapes: tuple[dict[str, str], Path]
) -> None:
    clock = lambda: datetime(2026, 12, 4, 15, 45, tzinfo=UTC)  # noqa: E731
    with Store.open(demo_url) as store:
        assert store_now(store, clock) == DEMO_END
    with Store.open(shapes[0]["tickets"]) as store:
        assert store_now(store, clock) == clock()
    assert now_of(True, DEMO_END, clock) == DEMO_END
    assert now_of(False, DEMO_END, clock) == clock()  # a demo_end left behind does not make a demo
    assert now_of(True, None, clock) == clock()


def test_the_app_and_the_cli_share_now(demo_url: str) -> None:
    from app.controllers.engine import StoreInfo
    from app.controllers.report import Controller
    from data.config.model import Config

    controller = Controller(Config(), lambda: Store.open(demo_url))
    try:
        controller.info = StoreInfo(demo_url, True, DEMO_END, False, DEMO_END.date(), DEMO_END.date())
        with Store.open(demo_url) as store:
            assert controller.now() == store_now(store) == DEMO_END
    finally:
        controller.shutdown()


def test_report_on_the_demo_looks_from_the_demo_end(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The default window is the 28 days to the demo's end, as of that end: the app's numbers."""
    cache.clear_memory()
    assert main(["--db", demo_url, "report", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["window"] == {
        "from": "2026-02-02T00:00:00Z",
        "to": "2026-03-02T00:00:00Z",
        "as_of": "2026-03-02T00:00:00Z",
    }
    # The last two months release weekly: three teams, four weeks, twelve production deployments
    # (docs/events.md), i.e. 3.0 a week; from today's clock the window would hold none of them.
    assert js["dora"]["deployments"] == 12
    assert js["dora"]["deployments_per_week"] == pytest.approx(3.0)
    with Store.open(demo_url) as store:
        app_view = build_report(
            store,
            load_config(None),
            window_from=DEMO_END - timedelta(days=28),
            window_to=DEMO_END,
            as_of=DEMO_END,
            details=False,
        )
    assert js == app_view.to_json()


def test_quality_on_the_demo_flags_no_false_long_runs(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """At the demo's end a main-branch build is running and a merge-request pipeline is queued,
    minutes old: not "running N days" as seen from today."""
    assert main(["--db", demo_url, "quality", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["as_of"] == "2026-03-02T00:00:00Z"
    anomalies = {a["check"]: a for a in js["anomalies"]}
    assert anomalies["run_without_finish"]["count"] == 0
    assert anomalies["deployment_without_finish"]["count"] == 0
    assert main(["--db", demo_url, "quality", "--maturity", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["window"]["to"] == "2026-03-02T00:00:00Z"
