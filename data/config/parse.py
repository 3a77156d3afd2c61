"""The user's ``flowdeck.toml``: sources, value streams (stage maps), definitions and targets.

Loading validates everything and raises :class:`ConfigError` naming the file and the field
(``streams[0].stages[2].wait``) — a bad config changes nothing. Tokens are never read from or
written to this file (see :mod:`data.secrets`).

The config dataclasses themselves live in :mod:`data.config.model`; every name is re-exported here.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import re
import tomllib
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "default_config_path",
    "default_stream_file",
    "load_config",
    "parse_config",
    "read_toml",
]

from data.config.model import (
    DEFAULT_PRODUCTION,
    INTERVAL_S_RANGE,
    SOURCE_KINDS,
    CalendarConfig,
    Config,
    ConfigError,
    Definitions,
    SavedScenario,
    SourceConfig,
    Stage,
    Stream,
    Targets,
)


def default_config_path() -> Path:
    """``FLOWDECK_CONFIG``, else ``flowdeck.toml`` in the user's config directory."""
    import os

    env = os.environ.get("FLOWDECK_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("flowdeck", appauthor=False)) / "flowdeck.toml"


def default_stream_file() -> Path:
    """The shipped stream config that matches the demo organisation."""
    return Path(__file__).resolve().parent.parent.parent / "resources" / "streams" / "demo.toml"


# --- validation helpers --------------------------------------------------------------------------


def _got(value: Any) -> str:  # noqa: PLR0911 - one return per kind of TOML value
    """A wrong value as a message shows it: short scalars as written, anything else by its kind.

    A long string is never echoed: it could be a token pasted into the wrong field.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time of day"
    return type(value).__name__


def _got_kind(value: Any) -> str:
    """Like :func:`_got`, naming the kind first (``a string ('a/b')``) where a container was expected."""
    if isinstance(value, str):
        return f"a string ({_got(value)})" if len(value) <= 40 else _got(value)
    return _got(value)


def _normal(key: str) -> str:
    """A key compared loosely: lower case, every other character as ``_`` (``Private-Token`` → ``private_token``)."""
    return re.sub(r"[^a-z0-9]", "_", str(key).lower()).strip("_")


def _sub(path: str, key: Any) -> str:
    """``path.key``, the key quoted when it is not a bare TOML key (a message stays one readable line)."""
    text = str(key)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        text = json.dumps(text, ensure_ascii=True)
    return f"{path}.{text}" if path else text


class _Ctx:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field_path: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {field_path}: {message}")

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table, got {_got(value)}")
        return value

    def known(self, d: dict[str, Any], path: str, allowed: Sequence[str], what: str = "") -> None:
        """Refuse a key not in ``allowed`` (a typo is never silently ignored), suggesting the closest one."""
        for key in d:
            if key in allowed:
                continue
            field_path = _sub(path, key)
            for_what = f" for {what}" if what else ""
            close = [k for k in allowed if _normal(k) == _normal(key)] or difflib.get_close_matches(
                str(key), list(allowed), n=1, cutoff=0.6
            )
            if close:
                raise self.fail(field_path, f"unknown key{for_what}; did you mean {close[0]!r}?")
            raise self.fail(field_path, f"unknown key{for_what} (known: {', '.join(allowed)})")

    def string(
        self, d: dict[str, Any], key: str, path: str, *, required: bool = False, default: str | None = None
    ) -> str | None:
        value: Any = d.get(key, default)
        if value is None:
            if required:
                raise self.fail(f"{path}.{key}", "is required")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{path}.{key}", f"expected a non-empty string, got {_got(value)}")
        return str(value)

    def required(self, d: dict[str, Any], key: str, path: str) -> str:
        value = self.string(d, key, path, required=True)
        assert value is not None  # string(required=True) raises instead
        return value

    def strings(self, d: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = d.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{path}.{key}", f"expected a list of strings, got {_got_kind(value)}")
        return tuple(value)

    def regex(self, d: dict[str, Any], key: str, path: str, default: str | None = None) -> str | None:
        value = self.string(d, key, path, default=default)
        if value is not None:
            _regex_check(self, value, f"{path}.{key}")
        return value

    def number(self, d: dict[str, Any], key: str, path: str, default: float) -> float:
        value = d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value) or value <= 0:
            raise self.fail(f"{path}.{key}", f"expected a positive number, got {_got(value)}")
        return float(value)

    def choice(self, d: dict[str, Any], key: str, path: str, choices: tuple[str, ...], default: str) -> str:
        value = d.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # dora = 2023 written as a number
        if not isinstance(value, str) or value not in choices:
            raise self.fail(f"{path}.{key}", f"expected one of {', '.join(choices)}, got {_got(value)}")
        return value

    def boolean(self, d: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = d.get(key, default)
        _bool_check(self, value, f"{path}.{key}")
        return bool(value)


def _finite(value: int | float) -> bool:
    # An int is always finite (math.isfinite would overflow on a huge one).
    return isinstance(value, int) or math.isfinite(value)


# --- field checks: (ctx, value, path) -> None, raising ConfigError naming ``path`` -----------------------

Check = Callable[[_Ctx, Any, str], None]


def _text_check(ctx: _Ctx, value: Any, path: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(path, f"expected a non-empty string, got {_got(value)}")


def _bool_check(ctx: _Ctx, value: Any, path: str) -> None:
    # "no", 0 and "false" are not booleans: bool("no") is True, which silently flips a switch.
    if not isinstance(value, bool):
        raise ctx.fail(path, f"expected true or false, got {_got(value)}")


def _regex_check(ctx: _Ctx, value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise ctx.fail(path, f"expected a regular expression string, got {_got(value)}")
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        raise ctx.fail(path, f"not a valid regular expression: {exc}") from None


def _number(lo: float, hi: float, what: str, *, whole: bool = False) -> Check:
    """A finite number (a whole one when ``whole``) from ``lo`` to ``hi``; never a boolean or a string."""

    def check(ctx: _Ctx, value: Any, path: str) -> None:
        ok = (
            not isinstance(value, bool)
            and isinstance(value, int if whole else int | float)
            and _finite(value)
            and lo <= value <= hi
        )
        if not ok:
            raise ctx.fail(path, f"expected {what} from {lo:g} to {hi:g}, got {_got(value)}")

    return check


def _strings_check(
    *,
    single: bool = False,
    item: re.Pattern[str] | None = None,
    what: str = "strings",
    one: str = "a non-empty string",
    ids: bool = False,
) -> Check:
    """A list of ``what`` (each ``one``); ``single``: one string also does; ``ids``: positive integers too."""

    def check(ctx: _Ctx, value: Any, path: str) -> None:
        if single and isinstance(value, str):
            values: list[Any] = [value]
        elif isinstance(value, list):
            values = value
        else:
            raise ctx.fail(path, f"expected a list of {what}, got {_got_kind(value)}")
        for i, v in enumerate(values):
            ok = (isinstance(v, str) and bool(v.strip()) and (item is None or bool(item.fullmatch(v)))) or (
                ids and isinstance(v, int) and not isinstance(v, bool) and v > 0
            )
            if not ok:
                raise ctx.fail(f"{path}[{i}]" if isinstance(value, list) else path, f"expected {one}, got {_got(v)}")

    return check


def _one_of(*choices: str) -> Check:
    def check(ctx: _Ctx, value: Any, path: str) -> None:
        if not isinstance(value, str) or value not in choices:
            raise ctx.fail(path, f"expected one of {', '.join(choices)}, got {_got(value)}")

    return check


def _labels_check(ctx: _Ctx, value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise ctx.fail(path, f"expected a table of label = status, got {_got(value)}")
    for label, status in value.items():
        if not isinstance(status, str) or not status.strip():
            raise ctx.fail(_sub(path, label), f"expected a status name, got {_got(status)}")


def _job_repo_check(ctx: _Ctx, value: Any, path: str) -> None:
    if isinstance(value, str) and value.strip():
        return
    if not isinstance(value, dict):
        raise ctx.fail(path, f"expected a string or a table of job glob = repo, got {_got(value)}")
    for glob, repo in value.items():
        if not isinstance(repo, str) or not repo.strip():
            raise ctx.fail(_sub(path, glob), f"expected a repository name, got {_got(repo)}")


def _proxy_check(ctx: _Ctx, value: Any, path: str) -> None:
    _text_check(ctx, value, path)
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https", "socks4", "socks5", "socks5h") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        # Not echoed: a proxy URL may carry the proxy's password.
        raise ctx.fail(path, "expected a proxy URL such as http://proxy.example:3128 (http, https or socks5)")


def _zone_check(ctx: _Ctx, value: Any, path: str) -> None:
    _text_check(ctx, value, path)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, or ValueError for a path-like name
        raise ctx.fail(path, f"unknown time zone {_got(value)}") from None


def _jql_check(ctx: _Ctx, value: Any, path: str) -> None:
    if not isinstance(value, str) or not value.strip() or re.search(r"\border\s+by\b", value, re.I):
        raise ctx.fail(path, f"expected a JQL filter without ORDER BY, got {_got(value)}")


_OWNER_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_LABELS = _strings_check()
_LOOKBACK = _number(1, 3650, "a number of days")
_PER_PAGE = _number(1, 100, "a whole number", whole=True)
_PAGE_SIZE = _number(1, 1000, "a whole number", whole=True)

#: Keys every source may have, with their checks (``name``, ``kind`` and ``url`` are checked first).
_COMMON_OPTIONS: dict[str, Check] = {
    "interval_s": _number(*INTERVAL_S_RANGE, "seconds"),
    "timeout_s": _number(0.1, 3600, "seconds"),
    "ca_bundle": _text_check,
    "proxy": _proxy_check,
    "system_trust": _bool_check,
    "default_branches": _strings_check(single=True),
}
#: The kind-specific keys (what each connector reads; docs/sources.md, docs/sources-onprem.md).
_KIND_OPTIONS: dict[str, dict[str, Check]] = {
    "github": {
        "repos": _strings_check(item=_OWNER_NAME, what='"owner/name" strings', one='"owner/name"'),
        "status_labels": _labels_check,
        "incident_labels": _LABELS,
        "lookback_days": _LOOKBACK,
        "rescan_days": _number(0, 365, "a number of days"),
        "per_page": _PER_PAGE,
        "production": _regex_check,
    },
    "gitlab": {
        "projects": _strings_check(
            what="group/name paths or numeric ids", one="a group/name path or a numeric id", ids=True
        ),
        "status_labels": _labels_check,
        "status_scope": _text_check,
        "incident_labels": _LABELS,
        "lookback_days": _LOOKBACK,
        "per_page": _PER_PAGE,
        "production": _regex_check,
        "production_tiers": _strings_check(),
        "keyset": _bool_check,
    },
    "jenkins": {
        "user": _text_check,
        "jobs": _strings_check(single=True),
        "deployment_pattern": _regex_check,
        "deployment_environment": _text_check,
        "production_pattern": _regex_check,
        "unstable": _one_of("failure", "success"),
        "repo": _job_repo_check,
        "page_size": _PAGE_SIZE,
        "min_interval_s": _number(0, 60, "seconds"),
    },
    "jira": {
        "user": _text_check,
        "flavor": _one_of("cloud", "datacenter"),
        "projects": _strings_check(single=True),
        "jql": _jql_check,
        "incident_types": _strings_check(single=True),
        "incident_labels": _strings_check(single=True),
        "incident_repo": _text_check,
        "team_field": _text_check,
        "overlap_s": _number(0, 86_400, "seconds"),
        "page_size": _PAGE_SIZE,
    },
    "cctray": {
        "timezone": _zone_check,
        "user": _text_check,
        "deployment_pattern": _regex_check,
        "deployment_environment": _text_check,
        "repo": _job_repo_check,
    },
}


# --- tokens: never in the config, under any name, in a nested table, or inside a URL ----------------------

_TOKENS_ELSEWHERE = (
    "tokens do not belong in the config file; use `flowdeck auth set` (OS keyring) "
    "or the FLOWDECK_TOKEN_<SOURCE> environment variable"
)
#: Key names (compared loosely, see :func:`_normal`) that hold a credential.
_SECRET_NAMES = {"pat", "auth", "authorization", "cookie", "session", "pass", "pwd", "apikey"}
_SECRET_PARTS = ("token", "secret", "password", "passwd", "passphrase", "api_key", "credential", "bearer")
#: Token formats that give themselves away wherever they are pasted: GitHub (classic and fine-grained),
#: GitLab (personal, deploy, runner, trigger, … tokens), Atlassian API tokens, an HTTP auth header
#: value, and a Jenkins API token ("11" + 32 hex digits) as a whole value.
_TOKEN_TEXT = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"
    r"|gl(?:pat|dt|rt|ptt|cbt|oas|soat|ffct|imt|agent)-[A-Za-z0-9_-]{20,}|AT(?:ATT|CTT)3[A-Za-z0-9_=+/-]{20,})"
    r"|^(?:Bearer|Basic) [A-Za-z0-9._~+/=-]{16,}$|^11[0-9a-f]{32}$"
)
#: Tables whose keys are the user's own labels or job globs ("secret" may well be a label), not settings.
_DATA_TABLES = re.compile(r"sources\[\d+\]\.(?:status_labels|repo)")


def _secret_name(key: str) -> bool:
    n = _normal(key)
    return n in _SECRET_NAMES or any(p in n for p in _SECRET_PARTS) or n.endswith(("_pat", "_key"))


def _refuse_secrets(ctx: _Ctx, raw: dict[str, Any]) -> None:
    """Refuse a credential anywhere in the document, naming where and never echoing it.

    Breadth first, without recursion: a document nested hundreds of levels deep is walked like any other.
    """
    todo: deque[tuple[Any, str]] = deque([(raw, "")])
    while todo:
        value, path = todo.popleft()
        if isinstance(value, dict):
            data_keys = bool(_DATA_TABLES.fullmatch(path))
            for key, item in value.items():
                sub = _sub(path, key)
                if not data_keys and _secret_name(key):
                    raise ctx.fail(sub, _TOKENS_ELSEWHERE)
                todo.append((item, sub))
        elif isinstance(value, list):
            todo.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, str):
            if _TOKEN_TEXT.search(value):
                raise ctx.fail(path, "this looks like an access token; " + _TOKENS_ELSEWHERE)
            # A proxy URL may carry the proxy's own user and password (docs/sources-onprem.md; redacted).
            if "://" in value and not path.endswith(".proxy"):
                _refuse_url_secrets(ctx, value, path)


def _refuse_url_secrets(ctx: _Ctx, url: str, path: str) -> None:
    try:
        parts = urlsplit(url.strip())
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return  # not a URL these checks understand; the field's own check names it
    if "@" in parts.netloc:
        raise ctx.fail(
            path,
            "a user name or token in the URL (user@host) is refused: write the URL without it, put a user name "
            "in `user` and the token in the OS keyring (`flowdeck auth set`) or the FLOWDECK_TOKEN_<SOURCE> "
            "environment variable",
        )
    for name, _value in query:
        if _secret_name(name):
            raise ctx.fail(path, f"a token in the URL (the query parameter {name!r}) is refused; {_TOKENS_ELSEWHERE}")


def _instant(ctx: _Ctx, value: Any, path: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ctx.fail(path, f"not an ISO 8601 date: {_got(value)}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ctx.fail(path, f"expected a date, got {_got(value)}")


_STAGE_KEYS = ("name", "wait", "active", "jobs", "deployments", "done")


def _stage(ctx: _Ctx, raw: Any, path: str) -> tuple[Stage, tuple[str, ...]]:
    d = ctx.table(raw, path)
    ctx.known(d, path, _STAGE_KEYS, "a stage")
    name = ctx.required(d, "name", path)
    stage = Stage(
        name=name,
        wait=ctx.strings(d, "wait", path),
        active=ctx.strings(d, "active", path),
        jobs=ctx.regex(d, "jobs", path),
        deployments=ctx.regex(d, "deployments", path),
    )
    if stage.jobs and stage.deployments:
        raise ctx.fail(path, "a stage matches either jobs or deployments, not both")
    if stage.kind == "status" and not (stage.wait or stage.active):
        raise ctx.fail(path, "a stage needs wait or active statuses, or a jobs/deployments pattern")
    return stage, ctx.strings(d, "done", path)


_WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_CALENDAR_KEYS = ("timezone", "hours", "days", "holidays", "extra_holidays", "extra_workdays")


def _calendar(ctx: _Ctx, raw: Any, path: str) -> CalendarConfig:
    d = ctx.table(raw, path)
    ctx.known(d, path, _CALENDAR_KEYS, "a calendar")
    tz = ctx.string(d, "timezone", path, default="UTC") or "UTC"
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise ctx.fail(f"{path}.timezone", f"unknown time zone {_got(tz)}") from None
    hours = ctx.strings(d, "hours", path) or ("09:00-18:00",)
    for i, h in enumerate(hours):
        m = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", h)
        if not m or not (0 <= int(m[1]) * 60 + int(m[2]) < int(m[3]) * 60 + int(m[4]) <= 24 * 60):
            raise ctx.fail(f"{path}.hours[{i}]", f"expected HH:MM-HH:MM with start before end, got {_got(h)}")
    days_raw = ctx.strings(d, "days", path) or ("mon", "tue", "wed", "thu", "fri")
    weekdays: list[int] = []
    for i, day in enumerate(days_raw):
        if day.lower()[:3] not in _WEEKDAYS:
            raise ctx.fail(f"{path}.days[{i}]", f"expected a weekday name such as Mon, got {_got(day)}")
        weekdays.append(_WEEKDAYS[day.lower()[:3]])
    holidays = ctx.string(d, "holidays", path)
    if holidays is not None and holidays.upper() != "CN":
        raise ctx.fail(f"{path}.holidays", f"supported public-holiday calendars: CN; got {_got(holidays)}")

    def dates(key: str) -> tuple[date, ...]:
        values = d.get(key, [])
        if not isinstance(values, list):
            raise ctx.fail(f"{path}.{key}", f"expected a list of dates such as [2026-10-01], got {_got_kind(values)}")
        out: list[date] = []
        for i, v in enumerate(values):
            if isinstance(v, date) and not isinstance(v, datetime):
                out.append(v)
                continue
            try:
                if not isinstance(v, str):
                    raise ValueError(v)
                out.append(date.fromisoformat(v))
            except ValueError:
                raise ctx.fail(f"{path}.{key}[{i}]", f"expected a date such as 2026-10-01, got {_got(v)}") from None
        return tuple(out)

    return CalendarConfig(
        timezone=tz,
        hours=hours,
        weekdays=tuple(weekdays),
        holidays=holidays.upper() if holidays else None,
        extra_holidays=dates("extra_holidays"),
        extra_workdays=dates("extra_workdays"),
    )


_STREAM_KEYS = (
    "name",
    "stages",
    "done",
    "production",
    "teams",
    "projects",
    "sources",
    "repos",
    "requirement_types",
    "measure_from",
    "calendar",
)


def _stream(ctx: _Ctx, raw: Any, path: str) -> Stream:
    d = ctx.table(raw, path)
    ctx.known(d, path, _STREAM_KEYS, "a stream")
    name = ctx.required(d, "name", path)
    stages_raw = d.get("stages")
    if not isinstance(stages_raw, list) or not stages_raw:
        raise ctx.fail(f"{path}.stages", "a stream needs at least one [[streams.stages]]")
    stages: list[Stage] = []
    # ``done`` may sit on the stream or (as in INTERFACES.md's example) on a stage table.
    done = list(ctx.strings(d, "done", path))
    seen: dict[str, str] = {}
    for i, s in enumerate(stages_raw):
        stage, stage_done = _stage(ctx, s, f"{path}.stages[{i}]")
        if stage.name.lower() in {x.name.lower() for x in stages}:
            raise ctx.fail(f"{path}.stages[{i}].name", f"duplicate stage name {stage.name!r}")
        for status in (*stage.wait, *stage.active):
            other = seen.get(status.lower())
            if other is not None:
                raise ctx.fail(f"{path}.stages[{i}]", f"status {status!r} is already mapped to stage {other!r}")
            seen[status.lower()] = stage.name
        stages.append(stage)
        done.extend(stage_done)
    return Stream(
        name=name,
        stages=tuple(stages),
        done=tuple(done),
        production=ctx.regex(d, "production", path, default=DEFAULT_PRODUCTION) or DEFAULT_PRODUCTION,
        teams=ctx.strings(d, "teams", path),
        projects=ctx.strings(d, "projects", path),
        sources=ctx.strings(d, "sources", path),
        repos=ctx.strings(d, "repos", path),
        requirement_types=ctx.strings(d, "requirement_types", path),
        measure_from=_instant(ctx, d.get("measure_from"), f"{path}.measure_from"),
        calendar=_calendar(ctx, d.get("calendar", {}), f"{path}.calendar"),
    )


_SOURCE_COMMON = {"name", "kind", "url", "interval_s", "timeout_s", "ca_bundle", "proxy"}


def _url(ctx: _Ctx, d: dict[str, Any], path: str) -> str:
    url = ctx.required(d, "url", path)
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", url)
    except ValueError:
        ok = False
    if not ok:
        # Tokens in a URL were refused before this point, so the URL itself may be shown.
        shown = repr(url) if len(url) <= 80 else repr(url[:60] + "…")
        raise ctx.fail(f"{path}.url", f"expected an http(s) URL such as https://host, got {shown}")
    return url


def _source(ctx: _Ctx, raw: Any, path: str) -> SourceConfig:
    d = ctx.table(raw, path)
    name = ctx.required(d, "name", path)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ctx.fail(f"{path}.name", f"use letters, digits, '-', '_' or '.', got {_got(name)}")
    if "kind" not in d:
        raise ctx.fail(f"{path}.kind", f"is required (one of {', '.join(SOURCE_KINDS)})")
    kind = ctx.choice(d, "kind", path, SOURCE_KINDS, "")
    url = _url(ctx, d, path)
    checks = {**_COMMON_OPTIONS, **_KIND_OPTIONS[kind]}
    ctx.known(d, path, ("name", "kind", "url", *checks), f"a {kind} source")
    for key, check in checks.items():
        if key in d:
            check(ctx, d[key], f"{path}.{key}")
    if kind == "jira" and d.get("flavor") == "cloud" and "user" not in d:
        raise ctx.fail(f"{path}.user", "Jira Cloud needs your Atlassian account e-mail with the API token")
    return SourceConfig(
        name=name,
        kind=kind,
        url=url.rstrip("/"),
        interval_s=float(d.get("interval_s", 30.0)),
        timeout_s=float(d.get("timeout_s", 30.0)),
        ca_bundle=d.get("ca_bundle"),
        proxy=d.get("proxy"),
        options={k: v for k, v in d.items() if k not in _SOURCE_COMMON},
    )


_TOP_KEYS = ("sources", "streams", "definitions", "targets", "scenarios")
_DEFINITIONS_KEYS = ("median", "dora", "calendar", "incidents_from_failed_deployments", "trend_min_completions")
#: ``trend_min_completions``: 1 draws every week with a completion; more than 1000 a week hides every week.
TREND_MIN_COMPLETIONS_RANGE = (1, 1000)
_TARGETS_KEYS = ("requirement_lead_time_days", "production_deployment_success_rate")


def _sources(ctx: _Ctx, raw: dict[str, Any]) -> tuple[SourceConfig, ...]:
    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ctx.fail("sources", f"expected [[sources]] tables, got {_got(sources_raw)}")
    sources: list[SourceConfig] = []
    tokens: dict[str, str] = {}  # FLOWDECK_TOKEN_X -> the source that reads it
    for i, s in enumerate(sources_raw):
        source = _source(ctx, s, f"sources[{i}]")
        if any(x.name == source.name for x in sources):
            raise ctx.fail(f"sources[{i}].name", f"duplicate source name {source.name!r}")
        other = tokens.get(source.env_token_name)
        if other is not None:
            # One variable would hand one source's token to the other source's host.
            raise ctx.fail(
                f"sources[{i}].name",
                f"the token variable {source.env_token_name} would be shared with source {other!r}; rename one",
            )
        tokens[source.env_token_name] = source.name
        sources.append(source)
    return tuple(sources)


#: The factors a saved scenario may hold: the Future state page's range (0 removes a part, 2 doubles it).
SCENARIO_FACTOR_RANGE = (0.0, 2.0)


def _scenario(ctx: _Ctx, raw: Any, path: str, streams: tuple[Stream, ...]) -> SavedScenario:
    d = ctx.table(raw, path)
    ctx.known(d, path, ("name", "stream", "factors"), "a scenario")
    name = ctx.required(d, "name", path).strip()
    stream = ctx.string(d, "stream", path)
    stages: set[str] | None = None
    if stream is not None and streams:
        match = [s for s in streams if s.name.lower() == stream.lower()]
        if not match:
            known = ", ".join(s.name for s in streams)
            raise ctx.fail(f"{path}.stream", f"no value stream named {stream!r}; configured: {known}")
        stages = {st.name.lower() for st in match[0].stages}
    factors = ctx.table(d.get("factors", {}), f"{path}.factors")
    out: list[tuple[str, float]] = []
    seen: set[tuple[str, str]] = set()
    lo, hi = SCENARIO_FACTOR_RANGE
    for key, value in factors.items():
        where = _sub(f"{path}.factors", key)
        stage, _dot, part = str(key).rpartition(".")
        stage, part = stage.strip(), part.strip().lower()
        if not stage or part not in ("wait", "active"):
            raise ctx.fail(where, "expected a key STAGE.wait or STAGE.active")
        if stages is not None and stage.lower() not in stages:
            raise ctx.fail(where, f"stream {stream!r} has no stage named {stage!r}")
        if (stage.lower(), part) in seen:
            raise ctx.fail(where, f"{stage}.{part} is given twice")
        seen.add((stage.lower(), part))
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value) or not lo <= value <= hi:
            raise ctx.fail(where, f"expected a factor from {lo:g} to {hi:g} (0 removes, 1 keeps), got {_got(value)}")
        out.append((f"{stage}.{part}", float(value)))
    return SavedScenario(name=name, factors=tuple(out), stream=stream)


def _scenarios(ctx: _Ctx, raw: dict[str, Any], streams: tuple[Stream, ...]) -> tuple[SavedScenario, ...]:
    listed = raw.get("scenarios", [])
    if not isinstance(listed, list):
        raise ctx.fail("scenarios", f"expected [[scenarios]] tables, got {_got(listed)}")
    out: list[SavedScenario] = []
    for i, s in enumerate(listed):
        scenario = _scenario(ctx, s, f"scenarios[{i}]", streams)
        if any(x.name.lower() == scenario.name.lower() for x in out):
            raise ctx.fail(f"scenarios[{i}].name", f"duplicate scenario name {scenario.name!r}")
        out.append(scenario)
    return tuple(out)


def parse_config(raw: dict[str, Any], where: str = "flowdeck.toml", *, fallback_streams: bool = True) -> Config:
    """Validate a parsed TOML document. With no streams, the demo streams are used.

    Every key is checked (an unknown one is an error, with the closest known key suggested), every
    value's type and range, and no credential may appear anywhere (under any key name, in a nested
    table, or inside a URL). Raises :class:`ConfigError` naming ``where`` and the field.
    """
    ctx = _Ctx(where)
    _refuse_secrets(ctx, raw)
    ctx.known(raw, "", _TOP_KEYS)
    sources = _sources(ctx, raw)
    streams_raw = raw.get("streams", [])
    if not isinstance(streams_raw, list):
        raise ctx.fail("streams", f"expected [[streams]] tables, got {_got(streams_raw)}")
    streams = tuple(_stream(ctx, s, f"streams[{i}]") for i, s in enumerate(streams_raw))
    if not streams and fallback_streams:
        streams = load_config(default_stream_file(), fallback_streams=False).streams
    d = ctx.table(raw.get("definitions", {}), "definitions")
    ctx.known(d, "definitions", _DEFINITIONS_KEYS)
    definitions = Definitions(
        median=ctx.choice(d, "median", "definitions", ("interpolated", "lower"), "interpolated"),
        dora=ctx.choice(d, "dora", "definitions", ("2023", "2021"), "2023"),
        calendar=ctx.choice(d, "calendar", "definitions", ("calendar", "working"), "calendar"),
        incidents_from_failed_deployments=ctx.boolean(d, "incidents_from_failed_deployments", "definitions", False),
        trend_min_completions=_trend_min(ctx, d.get("trend_min_completions", 5)),
    )
    t = ctx.table(raw.get("targets", {}), "targets")
    ctx.known(t, "targets", _TARGETS_KEYS)
    rate = t.get("production_deployment_success_rate", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ctx.fail("targets.production_deployment_success_rate", f"expected a share from 0 to 1, got {_got(rate)}")
    targets = Targets(
        requirement_lead_time_days=ctx.number(t, "requirement_lead_time_days", "targets", 7.0),
        production_deployment_success_rate=float(rate),
    )
    scenarios = _scenarios(ctx, raw, streams)
    return Config(sources=sources, streams=streams, definitions=definitions, targets=targets, scenarios=scenarios)


def _trend_min(ctx: _Ctx, value: Any) -> int:
    lo, hi = TREND_MIN_COMPLETIONS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ctx.fail(
            "definitions.trend_min_completions", f"expected a whole number from {lo} to {hi}, got {_got(value)}"
        )
    return value


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed document at ``path``; :class:`ConfigError` naming the file when it cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        # tomllib recurses per nesting level; a few hundred nested arrays or tables exhaust the stack.
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None


def load_config(path: Path | None = None, *, fallback_streams: bool = True) -> Config:
    """Load and validate ``path`` (default: the user's); a missing default file is an empty config."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: no such file")
        return parse_config({}, str(path), fallback_streams=fallback_streams)
    raw = read_toml(path)
    cfg = parse_config(raw, str(path), fallback_streams=fallback_streams)
    return dataclasses.replace(cfg, path=path)
