"""Saved what-if scenarios in flowdeck.toml (``[[scenarios]]``): validated like every other field, written
by ``data.config.edit.save_scenario``/``remove_scenario`` without touching the rest of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.config.edit import remove_scenario, save_scenario
from data.config.model import ConfigError, SavedScenario
from data.config.parse import load_config, parse_config

STREAM = {
    "name": "Mobile",
    "stages": [
        {"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]},
        {"name": "Ops.Release", "wait": ["Ready"], "active": ["Releasing"]},
        {"name": "Approve", "jobs": "^approve"},
    ],
}
HEAD = (
    "# my team's config: comments survive\n"
    '[[streams]]\nname = "Mobile"\n'
    '[[streams.stages]]\nname = "Dev"\nwait = ["To Do"]\nactive = ["In Progress"]\n'
    '[[streams.stages]]\nname = "Ops.Release"\nwait = ["Ready"]\nactive = ["Releasing"]\n'
    '[[streams.stages]]\nname = "Approve"\njobs = "^approve"\n'
    "\n[targets]\nrequirement_lead_time_days = 7  # the bank's target\n"
)


def parse(*scenarios: dict[str, object]) -> tuple[SavedScenario, ...]:
    return parse_config({"streams": [STREAM], "scenarios": list(scenarios)}, "t.toml").scenarios


def test_a_scenario_is_read_in_order_with_stage_names_that_hold_dots() -> None:
    (s,) = parse({"name": "Faster", "stream": "mobile", "factors": {"Ops.Release.wait": 0.5, "Approve.wait": 0}})
    assert s == SavedScenario("Faster", (("Ops.Release.wait", 0.5), ("Approve.wait", 0.0)), "mobile")
    assert parse_config({}, "t.toml").scenarios == ()


@pytest.mark.parametrize(
    ("scenario", "named"),
    [
        ({"factors": {}}, "scenarios[0].name: is required"),
        ({"name": "a", "factor": {}}, "scenarios[0].factor: unknown key for a scenario; did you mean 'factors'?"),
        ({"name": "a", "factors": {"Dev": 0.5}}, "scenarios[0].factors.Dev: expected a key STAGE.wait or STAGE.active"),
        ({"name": "a", "factors": {"Dev.queue": 0.5}}, "expected a key STAGE.wait or STAGE.active"),
        ({"name": "a", "factors": {"Dev.wait": -0.5}}, "expected a factor from 0 to 2 (0 removes, 1 keeps), got -0.5"),
        ({"name": "a", "factors": {"Dev.wait": 2.5}}, "expected a factor from 0 to 2"),
        ({"name": "a", "factors": {"Dev.wait": float("nan")}}, "expected a factor from 0 to 2"),
        ({"name": "a", "factors": {"Dev.wait": True}}, "expected a factor from 0 to 2"),
        ({"name": "a", "factors": {"Dev.wait": "half"}}, "expected a factor from 0 to 2"),
        ({"name": "a", "factors": {"Dev.wait": 1, "dev.WAIT": 0}}, "dev.wait is given twice"),
        ({"name": "a", "stream": "Web", "factors": {}}, "scenarios[0].stream: no value stream named 'Web'"),
        ({"name": "a", "stream": "Mobile", "factors": {"Test.wait": 0}}, "stream 'Mobile' has no stage named 'Test'"),
        ({"name": "a", "factors": [0.5]}, "scenarios[0].factors: expected a table"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_field(scenario: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse(scenario)
    assert named in str(e.value)
    assert str(e.value).startswith("t.toml: scenarios[0]")


def test_two_scenarios_of_one_name_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"scenarios\[1\].name: duplicate scenario name 'FAST'"):
        parse({"name": "fast"}, {"name": "FAST"})
    with pytest.raises(ConfigError, match="scenarios: expected"):
        parse_config({"scenarios": {"name": "x"}}, "t.toml")


def test_save_appends_replaces_in_place_and_remove_cuts_only_its_table(tmp_path: Path) -> None:
    path = tmp_path / "flowdeck.toml"
    path.write_text(HEAD, encoding="utf-8")
    first = SavedScenario("Faster release", (("Ops.Release.wait", 0.5), ("Approve.wait", 0.0)), "Mobile")
    config = save_scenario(path, first)
    assert config.scenarios == (first,) and config.path == path
    assert load_config(path).scenarios == (first,)  # the round trip
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEAD)  # appended: every byte before it untouched, comments included
    assert text.endswith(
        '\n[[scenarios]]\nname = "Faster release"\nstream = "Mobile"\n'
        'factors = { "Ops.Release.wait" = 0.5, "Approve.wait" = 0.0 }\n'
    )
    second = SavedScenario("No dev wait", (("Dev.wait", 0.0),))
    save_scenario(path, second)
    # The same name (any case) replaces that table in place; the other stays where it was.
    again = SavedScenario("FASTER RELEASE", (("Dev.active", 2.0),), "Mobile")
    assert save_scenario(path, again).scenarios == (again, second)
    assert load_config(path).scenarios == (again, second)
    assert path.read_text(encoding="utf-8").startswith(HEAD)
    assert remove_scenario(path, "faster release").scenarios == (second,)
    assert remove_scenario(path, "No dev wait").scenarios == ()
    assert path.read_text(encoding="utf-8").rstrip("\n") == HEAD.rstrip("\n")


def test_a_refused_scenario_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "flowdeck.toml"
    path.write_text(HEAD, encoding="utf-8")
    with pytest.raises(ConfigError, match="has no stage named 'Test'"):
        save_scenario(path, SavedScenario("x", (("Test.wait", 0.0),), "Mobile"))
    with pytest.raises(ConfigError, match="expected a factor from 0 to 2"):
        save_scenario(path, SavedScenario("x", (("Dev.wait", 3.0),)))
    with pytest.raises(ConfigError, match="no scenario named 'ghost'"):
        remove_scenario(path, "ghost")
    assert path.read_text(encoding="utf-8") == HEAD


def test_without_streams_a_scenario_is_checked_against_the_demo_streams(tmp_path: Path) -> None:
    # The app loads the demo's stream when the file has none: a scenario must fit it, or the next start fails.
    path = tmp_path / "flowdeck.toml"
    with pytest.raises(ConfigError, match="no stage named 'Nope'"):
        save_scenario(path, SavedScenario("x", (("Nope.wait", 0.5),), "All teams"))
    assert not path.exists()
    ok = SavedScenario("Faster release", (("Release.wait", 0.5), ("Approval.wait", 0.0)), "All teams")
    assert save_scenario(path, ok).scenarios == (ok,)
    assert load_config(path).scenarios == (ok,)
