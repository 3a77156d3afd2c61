"""Every field of flowdeck.toml is validated at load (issue #12): wrong types and ranges, unknown keys
and typos, tokens under any key name or inside a URL, and non-finite numbers are refused with a
ConfigError naming the file and the field, never a traceback, and never echoing a secret.

Property tests (hypothesis) feed random TOML documents and random values per field: the loader
returns a Config or raises ConfigError naming the file, and nothing else.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from data.config.model import Config, ConfigError
from data.config.parse import load_config, parse_config
from tests.helpers.paths import ROOT

BASE = """
[[sources]]
name = "gh"
kind = "github"
url = "http://127.0.0.1:9/api/v3"
repos = ["bank/mobile"]

[[sources]]
name = "gl"
kind = "gitlab"
url = "http://127.0.0.1:9/gitlab"
projects = ["bank/mobile", "42"]

[[sources]]
name = "ci"
kind = "jenkins"
url = "http://127.0.0.1:9/jenkins"
user = "svc"

[[sources]]
name = "jira"
kind = "jira"
url = "http://127.0.0.1:9/jira"
projects = ["PAY"]

[[sources]]
name = "gocd"
kind = "cctray"
url = "http://127.0.0.1:9/go/cctray.xml"

[definitions]
median = "lower"

[targets]
requirement_lead_time_days = 7

[[streams]]
name = "Mobile"
[[streams.stages]]
name = "Dev"
wait = ["Ready"]
active = ["In Progress"]
"""
#: Index of each kind's source in BASE (every URL a closed local port: no test reaches a network).
AT = {"github": 0, "gitlab": 1, "jenkins": 2, "jira": 3, "cctray": 4}


def _doc() -> dict[str, Any]:
    return tomllib.loads(BASE)


def _write(tmp_path: Path, doc: dict[str, Any] | str) -> Path:
    path = tmp_path / "flowdeck.toml"
    path.write_text(doc if isinstance(doc, str) else tomli_w.dumps(doc), encoding="utf-8")
    return path


def _with(source_kind: str, **values: Any) -> dict[str, Any]:
    doc = _doc()
    doc["sources"][AT[source_kind]].update(values)
    return doc


def test_the_base_document_is_valid(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, _doc()))
    assert [s.kind for s in cfg.sources] == ["github", "gitlab", "jenkins", "jira", "cctray"]


# --- 1. wrong types and ranges, each named by file and field ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "key", "value", "expected"),
    [
        ("github", "lookback_days", "ninety", r"sources\[0\]\.lookback_days: expected a number of days from 1 to 3650"),
        ("github", "lookback_days", -30, r"sources\[0\]\.lookback_days: expected a number of days"),
        ("github", "lookback_days", math.inf, r"sources\[0\]\.lookback_days: .*got inf"),
        ("github", "per_page", "x", r"sources\[0\]\.per_page: expected a whole number from 1 to 100, got 'x'"),
        ("github", "per_page", 0, r"sources\[0\]\.per_page: expected a whole number from 1 to 100, got 0"),
        ("github", "per_page", 2.5, r"sources\[0\]\.per_page: expected a whole number"),
        ("github", "status_labels", 5, r"sources\[0\]\.status_labels: expected a table of label = status, got 5"),
        ("github", "status_labels", {"x": 1}, r"sources\[0\]\.status_labels\.x: expected a status name"),
        ("github", "production", "(unclosed", r"sources\[0\]\.production: not a valid regular expression"),
        ("github", "repos", "a/b", r'sources\[0\]\.repos: expected a list of "owner/name" strings, got a string'),
        ("github", "repos", ["a/b", "nope"], r'sources\[0\]\.repos\[1\]: expected "owner/name", got \'nope\''),
        ("github", "incident_labels", "incident", r"sources\[0\]\.incident_labels: expected a list of strings"),
        ("github", "timeout_s", math.nan, r"sources\[0\]\.timeout_s: .*got nan"),
        ("github", "timeout_s", math.inf, r"sources\[0\]\.timeout_s: .*got inf"),
        ("github", "interval_s", math.nan, r"sources\[0\]\.interval_s: expected seconds from 0\.5 to 86400, got nan"),
        ("github", "interval_s", math.inf, r"sources\[0\]\.interval_s: expected seconds from 0\.5 to 86400, got inf"),
        ("github", "interval_s", -1, r"sources\[0\]\.interval_s: expected seconds"),
        ("github", "interval_s", True, r"sources\[0\]\.interval_s: expected seconds from 0\.5 to 86400, got true"),
        ("github", "system_trust", "yes", r"sources\[0\]\.system_trust: expected true or false, got 'yes'"),
        ("github", "ca_bundle", 3, r"sources\[0\]\.ca_bundle: expected a non-empty string, got 3"),
        ("github", "proxy", "proxy:3128", r"sources\[0\]\.proxy: expected a proxy URL such as http://"),
        ("gitlab", "projects", {"a": "b"}, r"sources\[1\]\.projects: expected a list of .*got a table"),
        ("gitlab", "projects", "bank/mobile", r"sources\[1\]\.projects: expected a list of .*got a string"),
        ("gitlab", "keyset", "no", r"sources\[1\]\.keyset: expected true or false, got 'no'"),
        ("gitlab", "per_page", 1000, r"sources\[1\]\.per_page: expected a whole number from 1 to 100"),
        ("gitlab", "production_tiers", "production", r"sources\[1\]\.production_tiers: expected a list of strings"),
        ("jenkins", "page_size", 0, r"sources\[2\]\.page_size: expected a whole number from 1 to 1000"),
        ("jenkins", "unstable", "maybe", r"sources\[2\]\.unstable: expected one of failure, success, got 'maybe'"),
        ("jenkins", "repo", 5, r"sources\[2\]\.repo: expected a string or a table of job glob = repo"),
        ("jenkins", "deployment_pattern", "(", r"sources\[2\]\.deployment_pattern: not a valid regular expression"),
        ("jenkins", "min_interval_s", math.nan, r"sources\[2\]\.min_interval_s: .*got nan"),
        ("jira", "overlap_s", -1, r"sources\[3\]\.overlap_s: expected seconds from 0 to 86400"),
        ("jira", "flavor", "server", r"sources\[3\]\.flavor: expected one of cloud, datacenter"),
        ("jira", "flavor", "cloud", r"sources\[3\]\.user: Jira Cloud needs your Atlassian account e-mail"),
        ("jira", "jql", "project = PAY ORDER BY key", r"sources\[3\]\.jql: expected a JQL filter without ORDER BY"),
        ("jira", "page_size", "100", r"sources\[3\]\.page_size: expected a whole number from 1 to 1000"),
        ("cctray", "timezone", "Mars/Olympus", r"sources\[4\]\.timezone: unknown time zone 'Mars/Olympus'"),
    ],
)
def test_a_wrong_value_names_file_and_field(tmp_path: Path, kind: str, key: str, value: Any, expected: str) -> None:
    path = _write(tmp_path, _with(kind, **{key: value}))
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")


def test_a_source_needs_a_kind(tmp_path: Path) -> None:
    doc = _doc()
    del doc["sources"][0]["kind"]
    with pytest.raises(ConfigError, match=r"sources\[0\]\.kind: is required \(one of github, gitlab"):
        load_config(_write(tmp_path, doc))


@pytest.mark.parametrize(
    ("section", "value", "expected"),
    [
        ("definitions", {"incidents_from_failed_deployments": "no"}, r"failed_deployments: expected true or false"),
        ("definitions", {"incidents_from_failed_deployments": 0}, r"failed_deployments: expected true or false"),
        ("targets", {"requirement_lead_time_days": math.nan}, r"targets\.requirement_lead_time_days: .*got nan"),
        ("targets", {"requirement_lead_time_days": math.inf}, r"targets\.requirement_lead_time_days: .*got inf"),
        ("targets", {"production_deployment_success_rate": math.nan}, r"production_deployment_success_rate: .*nan"),
    ],
)
def test_definitions_and_targets_take_real_booleans_and_finite_numbers(
    tmp_path: Path, section: str, value: dict[str, Any], expected: str
) -> None:
    doc = _doc()
    doc[section] = value
    with pytest.raises(ConfigError, match=expected):
        load_config(_write(tmp_path, doc))


def test_a_real_boolean_is_taken() -> None:
    cfg = parse_config({"definitions": {"incidents_from_failed_deployments": True}})
    assert cfg.definitions.incidents_from_failed_deployments is True


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["streams"][0].update(production="(x"), r"streams\[0\]\.production: not a valid regular"),
        (lambda d: d["streams"][0].update(calendar={"extra_holidays": 5}), r"\.extra_holidays: expected a list"),
        (lambda d: d["streams"][0].update(calendar={"extra_holidays": "2026-01"}), r"extra_holidays: expected a list"),
        (lambda d: d["streams"][0].update(calendar={"holidays": 5}), r"\.holidays: expected a non-empty string"),
        (lambda d: d["streams"][0].update(projects={"a": 1}), r"streams\[0\]\.projects: expected a list of strings"),
        (lambda d: d["streams"][0].update(measure_from=time(7, 30)), r"streams\[0\]\.measure_from: expected a date"),
        (lambda d: d["streams"][0]["stages"][0].update(wait=[1]), r"stages\[0\]\.wait: expected a list of strings"),
        (lambda d: d.update(streams={"name": "x"}), r"streams: expected \[\[streams\]\] tables"),
        (lambda d: d.update(definitions=[1]), r"definitions: expected a table"),
    ],
)
def test_streams_are_validated_too(tmp_path: Path, mutate: Any, expected: str) -> None:
    doc = _doc()
    mutate(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")


def test_deeply_nested_arrays_are_a_config_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ConfigError, match=r"flowdeck\.toml: .*nested too deeply"):
        load_config(path)


def test_duplicate_source_names_and_colliding_token_variables(tmp_path: Path) -> None:
    doc = _doc()
    doc["sources"][1]["name"] = "gh"
    with pytest.raises(ConfigError, match=r"sources\[1\]\.name: duplicate source name 'gh'"):
        load_config(_write(tmp_path, doc))
    doc = _doc()
    doc["sources"][0]["name"] = "gh-main"
    doc["sources"][1]["name"] = "gh.main"
    with pytest.raises(ConfigError, match=r"sources\[1\]\.name: .*FLOWDECK_TOKEN_GH_MAIN.*'gh-main'"):
        load_config(_write(tmp_path, doc))


# --- 1. unknown keys and typos ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["sources"][0].update(repo=["a/b"]),
            r"sources\[0\]\.repo: unknown key for a github source; did "
            r"you mean 'repos'\?",
        ),
        (lambda d: d["sources"][1].update(lookback_day=30), r"sources\[1\]\.lookback_day: .*mean 'lookback_days'"),
        (lambda d: d["sources"][3].update(repos=["a/b"]), r"sources\[3\]\.repos: unknown key for a jira source"),
        (lambda d: d.update(sourcs={"name": "x"}), r"flowdeck\.toml: sourcs: unknown key; did you mean 'sources'\?"),
        (
            lambda d: d.update(colour="blue"),
            r"colour: unknown key \(known: sources, streams, definitions, targets, scenarios\)",
        ),
        (lambda d: d["definitions"].update(medain="lower"), r"definitions\.medain: .*did you mean 'median'"),
        (lambda d: d["targets"].update(lead_time=3), r"targets\.lead_time: unknown key"),
        (lambda d: d["streams"][0].update(stage=[]), r"streams\[0\]\.stage: .*did you mean 'stages'"),
        (lambda d: d["streams"][0]["stages"][0].update(activ=["x"]), r"stages\[0\]\.activ: .*did you mean 'active'"),
        (lambda d: d["streams"][0].update(calendar={"timezon": "UTC"}), r"calendar\.timezon: .*mean 'timezone'"),
    ],
)
def test_unknown_keys_are_reported_with_a_suggestion(tmp_path: Path, mutate: Any, expected: str) -> None:
    doc = _doc()
    mutate(doc)
    with pytest.raises(ConfigError, match=expected):
        load_config(_write(tmp_path, doc))


# --- 2. tokens under any key name, in nested tables and in URLs ----------------------------------------

SECRET = "S3cr3t-sentinel-value-4242"


@pytest.mark.parametrize(
    "key", ["token", "access_token", "api_key", "private-token", "pat", "bearer", "password", "secret", "Token",
            "api-token", "client_secret", "apikey", "PRIVATE_TOKEN", "auth_token", "credentials"],
)  # fmt: skip
def test_a_token_under_any_key_name_is_refused_without_echoing_it(tmp_path: Path, key: str) -> None:
    path = _write(tmp_path, _with("gitlab", **{key: SECRET}))
    with pytest.raises(ConfigError, match=rf"sources\[1\]\.{re.escape(key)}: tokens do not belong") as info:
        load_config(path)
    assert SECRET not in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["sources"][0].update(auth={"token": SECRET}), r"sources\[0\]\.auth"),
        (lambda d: d["sources"][0].update(extra={"nested": {"password": SECRET}}), r"\[0\]\.extra\.nested\.password"),
        (lambda d: d["sources"][2].update(creds=[{"api_key": SECRET}]), r"sources\[2\]\.creds\[0\]\.api_key"),
        (lambda d: d.update(token=SECRET), r"flowdeck\.toml: token: tokens do not belong"),
        (lambda d: d["definitions"].update(secret=SECRET), r"definitions\.secret: tokens do not belong"),
    ],
)
def test_a_token_in_a_nested_table_is_refused(tmp_path: Path, mutate: Any, expected: str) -> None:
    doc = _doc()
    mutate(doc)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(_write(tmp_path, doc))
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("kind", "url", "expected"),
    [
        ("gitlab", f"https://oauth2:{SECRET}@gitlab.example.com", r"sources\[1\]\.url: .*user name or token"),
        ("github", f"https://{SECRET}@api.github.com", r"sources\[0\]\.url: .*user name or token"),
        ("gitlab", f"https://gitlab.example.com/?private_token={SECRET}", r"sources\[1\]\.url: .*'private_token'"),
        ("github", f"https://api.github.com?access_token={SECRET}", r"sources\[0\]\.url: .*'access_token'"),
        ("cctray", f"https://gocd.example.com/cc.xml?token={SECRET}", r"sources\[4\]\.url: .*'token'"),
        ("cctray", f"https://circleci.com/cc.xml?circle-token={SECRET}", r"sources\[4\]\.url: .*'circle-token'"),
        ("jenkins", f"ftp://svc:{SECRET}@ci.example.com", r"sources\[2\]\.url: .*user name or token"),
    ],
)
def test_a_token_in_a_url_is_refused_without_echoing_it(tmp_path: Path, kind: str, url: str, expected: str) -> None:
    path = _write(tmp_path, _with(kind, url=url))
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    "value",
    ["ghp_" + "a1B2" * 9, "github_pat_11ABCDEFG0" + "x" * 60, "glpat-" + "Ab3_" * 5, "ATATT3xFfGF0" + "Zz9" * 20],
)
def test_a_known_token_format_is_refused_under_any_key(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, _with("jenkins", user=value))
    with pytest.raises(ConfigError, match=r"sources\[2\]\.user: this looks like an access token") as info:
        load_config(path)
    assert value not in str(info.value) and value[:12] not in str(info.value)


def test_status_labels_and_jenkins_repo_tables_may_use_any_label(tmp_path: Path) -> None:
    doc = _with("github", status_labels={"token": "In Review", "secret": "Testing"})
    doc["sources"][2]["repo"] = {"password-*": "bank/pw"}
    cfg = load_config(_write(tmp_path, doc))
    assert cfg.sources[0].options["status_labels"] == {"token": "In Review", "secret": "Testing"}


def test_a_proxy_with_credentials_keeps_working(tmp_path: Path) -> None:
    # docs/sources-onprem.md: proxy credentials in the proxy URL are allowed (redacted from messages).
    cfg = load_config(_write(tmp_path, _with("jira", proxy="http://me:pw@proxy:3128")))
    assert cfg.sources[3].proxy == "http://me:pw@proxy:3128"


# --- every command that loads the config exits 2 with one line ---------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["report"],
        ["quality"],
        ["release", "latest"],
        ["sync"],
        ["sync", "--watch"],
        ["auth", "status", "gh"],
        ["auth", "set", "gh"],
        ["sources", "list"],
        ["gui"],
        ["wall"],
    ],
)
def test_every_command_that_reads_the_config_exits_2_on_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    path = _write(tmp_path, _with("gitlab", access_token=SECRET, interval_s=math.nan))
    rc = main(["--db", str(tmp_path / "x.db"), "--config", str(path), *argv])
    out, err = capsys.readouterr()
    assert rc == 2
    assert err.count("\n") == 1 and "tokens do not belong" in err and str(path) in err
    assert SECRET not in out + err and "Traceback" not in err


def test_watch_refuses_a_nan_interval_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, _with("github", interval_s=math.nan))
    rc = main(["--db", str(tmp_path / "x.db"), "--config", str(path), "sync", "--watch"])
    err = capsys.readouterr().err
    assert rc == 2 and "sources[0].interval_s" in err and "nan" in err


# --- the documented examples stay valid ----------------------------------------------------------------


@pytest.mark.parametrize("page", ["sources.md", "sources-onprem.md"])
def test_every_documented_sources_example_loads(page: str) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", text, re.S) if "[[sources]]" in b]
    assert blocks
    for block in blocks:
        cfg = parse_config(tomllib.loads(block), page, fallback_streams=False)
        assert cfg.sources


def test_the_shipped_stream_file_is_valid() -> None:
    from data.config.parse import default_stream_file

    assert load_config(default_stream_file(), fallback_streams=False).streams


# --- property tests -----------------------------------------------------------------------------------

_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.times(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    ["name", "kind", "url", "repos", "projects", "interval_s", "timeout_s", "lookback_days", "per_page",
     "status_labels", "production", "user", "jobs", "repo", "jql", "timezone", "keyset", "system_trust",
     "stages", "wait", "active", "done", "calendar", "median", "dora", "token", "sources", "streams"]
)  # fmt: skip


def _check_outcome(path: Path) -> ConfigError | None:
    try:
        cfg = load_config(path, fallback_streams=False)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: "), message
        assert "\n" not in message and "\r" not in message, message  # one line
        assert "Traceback" not in message
        return exc
    assert isinstance(cfg, Config)
    return None


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted({(k, key) for k in AT for key in (
    "name", "kind", "url", "interval_s", "timeout_s", "ca_bundle", "proxy", "system_trust", "default_branches",
    "repos", "projects", "status_labels", "incident_labels", "lookback_days", "rescan_days", "per_page",
    "production", "status_scope", "production_tiers", "keyset", "user", "jobs", "deployment_pattern",
    "production_pattern", "unstable", "repo", "page_size", "min_interval_s", "flavor", "jql", "incident_types",
    "incident_repo", "team_field", "overlap_s", "timezone")})), value=_values)  # fmt: skip
def test_random_value_per_source_field(tmp_path: Path, field: tuple[str, str], value: Any) -> None:
    kind, key = field
    path = _write(tmp_path, _with(kind, **{key: value}))
    exc = _check_outcome(path)
    if exc is not None:
        assert f"sources[{AT[kind]}]" in str(exc) or "not valid TOML" in str(exc), str(exc)


_OTHER_FIELDS = [
    *(("definitions", k) for k in ("median", "dora", "calendar", "incidents_from_failed_deployments")),
    *(("targets", k) for k in ("requirement_lead_time_days", "production_deployment_success_rate")),
    *(("stream", k) for k in ("name", "stages", "done", "production", "teams", "projects", "sources", "repos",
                              "requirement_types", "measure_from", "calendar")),
    *(("stage", k) for k in ("name", "wait", "active", "jobs", "deployments", "done")),
    *(("calendar", k) for k in ("timezone", "hours", "days", "holidays", "extra_holidays", "extra_workdays")),
]  # fmt: skip


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(_OTHER_FIELDS), value=_values)
def test_random_value_per_other_field(tmp_path: Path, field: tuple[str, str], value: Any) -> None:
    where, key = field
    doc = _doc()
    table = {
        "definitions": doc["definitions"],
        "targets": doc["targets"],
        "stream": doc["streams"][0],
        "stage": doc["streams"][0]["stages"][0],
        "calendar": doc["streams"][0].setdefault("calendar", {}),
    }[where]
    table[key] = value
    exc = _check_outcome(_write(tmp_path, doc))
    if exc is not None:
        assert key in str(exc) or "streams[0]" in str(exc), str(exc)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(_KEYS | st.text(min_size=1, max_size=8), _values, max_size=5))
def test_random_documents(tmp_path: Path, doc: dict[str, Any]) -> None:
    _check_outcome(_write(tmp_path, doc))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=st.fixed_dictionaries(
        {"sources": st.lists(st.dictionaries(_KEYS, _values, max_size=6), max_size=3)},
        optional={"streams": st.lists(st.dictionaries(_KEYS, _values, max_size=4), max_size=2)},
    )
)
def test_random_sources_and_streams(tmp_path: Path, doc: dict[str, Any]) -> None:
    _check_outcome(_write(tmp_path, doc))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(["token", "access_token", "api_key", "private-token", "pat", "bearer", "password", "secret"]),
    tail=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=4, max_size=40),
    nested=st.booleans(),
)
def test_a_secret_is_never_echoed(tmp_path: Path, key: str, tail: str, nested: bool) -> None:
    secret = "Zq9!" + tail  # a prefix no message could contain by chance
    value: Any = {"inner": {key: secret}} if nested else secret
    path = _write(tmp_path, _with("jira", **{"auth" if nested else key: value}))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    for form in (secret, repr(secret), str(secret.encode())):
        assert form not in message


def test_dates_and_times_in_the_generators_are_toml_values() -> None:
    # tomli_w writes them and tomllib reads them back (so the property tests exercise them).
    doc = {"a": date(2026, 1, 1), "b": datetime(2026, 1, 1, 12), "c": time(7, 30)}
    assert tomllib.loads(tomli_w.dumps(doc)) == doc


def test_sources_add_and_remove_refuse_a_deeply_nested_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    before = path.read_text(encoding="utf-8")
    for argv in (["add", "feed", "--kind", "cctray", "--url", "http://127.0.0.1:9/cc.xml"], ["remove", "feed"]):
        rc = main(["--config", str(path), "sources", *argv])
        err = capsys.readouterr().err
        assert rc == 2 and "nested too deeply" in err and err.count("\n") == 1, err
    assert path.read_text(encoding="utf-8") == before


def test_sources_add_with_a_deeply_nested_value_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "")
    nested = "[" * 5000 + "]" * 5000
    argv = ["sources", "add", "ci", "--kind", "jenkins", "--url", "http://127.0.0.1:9", "--set", f"jobs={nested}"]
    rc = main(["--config", str(path), *argv])
    err = capsys.readouterr().err
    assert rc == 2 and "--set: the value nests arrays or tables too deeply" in err and err.count("\n") == 1, err
    assert path.read_text(encoding="utf-8") == ""
