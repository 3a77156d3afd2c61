"""flowdeck.toml: streams, sources, definitions and targets, with errors that name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.config.model import ConfigError
from data.config.parse import load_config, parse_config

GOOD = """
[[sources]]
name = "jira"
kind = "jira"
url = "https://jira.example.com/"
projects = ["PAY"]

[[streams]]
name = "Mobile banking"
[[streams.stages]]
name = "Development"
wait = ["Selected for Development"]
active = ["In Progress", "id:10001"]
[[streams.stages]]
name = "Release"
wait = ["Awaiting Release"]
active = ["Releasing"]
done = ["Done", "Closed"]
[[streams.stages]]
name = "Approval"
jobs = "(?i)^approve"
[[streams.stages]]
name = "Production"
deployments = "(?i)^prod"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flowdeck.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_config_loads(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    (source,) = cfg.sources
    assert (source.name, source.kind, source.url, source.options) == (
        "jira",
        "jira",
        "https://jira.example.com",
        {"projects": ["PAY"]},
    )
    assert source.env_token_name == "FLOWDECK_TOKEN_JIRA"
    stream = cfg.stream("mobile BANKING")
    assert [s.kind for s in stream.stages] == ["status", "status", "job", "deployment"]
    # `done` written on a stage table (INTERFACES.md's example) belongs to the stream.
    assert stream.done == ("Done", "Closed")
    assert cfg.definitions.median == "interpolated" and cfg.targets.requirement_lead_time_days == 7


def test_no_streams_falls_back_to_the_demo_stream(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, ""))
    assert cfg.streams and cfg.streams[0].stages[0].name == "Analysis"


def test_a_missing_default_file_is_an_empty_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLOWDECK_CONFIG", str(tmp_path / "absent.toml"))
    assert load_config().sources == ()


def test_a_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.toml: no such file"):
        load_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (('active = ["In Progress", "id:10001"]', "active = 3"), r"streams\[0\]\.stages\[0\]\.active: expected a list"),
        (('jobs = "(?i)^approve"', 'jobs = "(unclosed"'), r"streams\[0\]\.stages\[2\]\.jobs: not a valid regular"),
        (('wait = ["Awaiting Release"]', 'wait = ["In Progress"]'), r"status 'In Progress' is already mapped"),
        (('kind = "jira"', 'kind = "bitbucket"'), r"sources\[0\]\.kind: expected one of"),
        (('url = "https://jira.example.com/"', 'url = "jira.example.com"'), r"sources\[0\]\.url: expected an http"),
        (('projects = ["PAY"]', 'token = "abc"'), r"sources\[0\]\.token: tokens do not belong"),
        (('name = "Approval"', 'name = "Development"'), r"duplicate stage name"),
    ],
)
def test_bad_configs_name_file_and_field(tmp_path: Path, mutation: tuple[str, str], message: str) -> None:
    old, new = mutation
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_a_token_value_never_appears_in_the_error(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace('projects = ["PAY"]', 'token = "sentinel-secret-123"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "sentinel-secret-123" not in str(info.value)


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[[streams]\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_definitions_and_targets_are_validated() -> None:
    with pytest.raises(ConfigError, match=r"definitions\.median: expected one of interpolated, lower"):
        parse_config({"definitions": {"median": "mean"}})
    with pytest.raises(ConfigError, match="production_deployment_success_rate"):
        parse_config({"targets": {"production_deployment_success_rate": 100}})
    cfg = parse_config(
        {"definitions": {"median": "lower", "dora": "2021"}, "targets": {"requirement_lead_time_days": 5}}
    )
    assert (cfg.definitions.median, cfg.definitions.dora, cfg.targets.requirement_lead_time_days) == (
        "lower",
        "2021",
        5,
    )


def test_unknown_stream_lists_the_configured_ones(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="configured: Mobile banking"):
        cfg.stream("Payments")


def test_measure_from_accepts_dates(tmp_path: Path) -> None:
    cfg = load_config(
        _write(tmp_path, GOOD.replace('name = "Mobile banking"', 'name = "M"\nmeasure_from = 2026-03-01'))
    )
    assert (
        cfg.streams[0].measure_from is not None
        and cfg.streams[0].measure_from.isoformat() == "2026-03-01T00:00:00+00:00"
    )


def test_a_working_calendar_per_stream(tmp_path: Path) -> None:
    text = GOOD.replace(
        'name = "Mobile banking"',
        'name = "M"\ncalendar = { timezone = "Asia/Shanghai", hours = ["09:00-12:00", "13:30-18:00"], '
        'days = ["Mon", "Tue", "Wed", "Thu", "Fri"], holidays = "CN", extra_holidays = [2026-12-24] }',
    )
    cal = load_config(_write(tmp_path, text)).streams[0].calendar
    assert cal.timezone == "Asia/Shanghai" and cal.hours == ("09:00-12:00", "13:30-18:00")
    assert cal.weekdays == (1, 2, 3, 4, 5) and cal.holidays == "CN"
    assert [d.isoformat() for d in cal.extra_holidays] == ["2026-12-24"]


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        ('{ timezone = "Mars/Olympus" }', r"calendar\.timezone: unknown time zone"),
        ('{ hours = ["18:00-09:00"] }', r"calendar\.hours\[0\]: expected HH:MM-HH:MM"),
        ('{ days = ["Funday"] }', r"calendar\.days\[0\]"),
        ('{ holidays = "XX" }', r"calendar\.holidays: supported"),
        ('{ extra_workdays = ["someday"] }', r"calendar\.extra_workdays\[0\]"),
    ],
)
def test_bad_calendars_name_the_field(tmp_path: Path, calendar: str, message: str) -> None:
    text = GOOD.replace('name = "Mobile banking"', f'name = "M"\ncalendar = {calendar}')
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, text))
