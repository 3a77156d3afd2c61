"""The user's ``flowdeck.toml``: sources, value streams (stage maps), definitions and targets.

Loading validates everything and raises :class:`ConfigError` naming the file and the field
(``streams[0].stages[2].wait``) — a bad config changes nothing. Tokens are never read from or
written to this file (see :mod:`data.secrets`).

The config dataclasses themselves live in :mod:`data.config.model`; every name is re-exported here.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "default_config_path",
    "default_stream_file",
    "load_config",
    "parse_config",
]

from data.config.model import (
    DEFAULT_PRODUCTION,
    SOURCE_KINDS,
    CalendarConfig,
    Config,
    ConfigError,
    Definitions,
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


class _Ctx:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field_path: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {field_path}: {message}")

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table, got {type(value).__name__}")
        return value

    def string(
        self, d: dict[str, Any], key: str, path: str, *, required: bool = False, default: str | None = None
    ) -> str | None:
        value: Any = d.get(key, default)
        if value is None:
            if required:
                raise self.fail(f"{path}.{key}", "is required")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{path}.{key}", f"expected a non-empty string, got {value!r}")
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
            raise self.fail(f"{path}.{key}", f"expected a list of strings, got {value!r}")
        return tuple(value)

    def regex(self, d: dict[str, Any], key: str, path: str, default: str | None = None) -> str | None:
        value = self.string(d, key, path, default=default)
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise self.fail(f"{path}.{key}", f"not a valid regular expression: {exc}") from None
        return value

    def number(self, d: dict[str, Any], key: str, path: str, default: float) -> float:
        value = d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(f"{path}.{key}", f"expected a positive number, got {value!r}")
        return float(value)

    def choice(self, d: dict[str, Any], key: str, path: str, choices: tuple[str, ...], default: str) -> str:
        value = str(d.get(key, default))
        if value not in choices:
            raise self.fail(f"{path}.{key}", f"expected one of {', '.join(choices)}, got {value!r}")
        return value


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
            raise ctx.fail(path, f"not an ISO 8601 date: {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ctx.fail(path, f"expected a date, got {value!r}")


def _stage(ctx: _Ctx, raw: Any, path: str) -> tuple[Stage, tuple[str, ...]]:
    d = ctx.table(raw, path)
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


def _calendar(ctx: _Ctx, raw: Any, path: str) -> CalendarConfig:
    d = ctx.table(raw, path)
    tz = ctx.string(d, "timezone", path, default="UTC") or "UTC"
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise ctx.fail(f"{path}.timezone", f"unknown time zone {tz!r}") from None
    hours = ctx.strings(d, "hours", path) or ("09:00-18:00",)
    for i, h in enumerate(hours):
        m = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", h)
        if not m or not (0 <= int(m[1]) * 60 + int(m[2]) < int(m[3]) * 60 + int(m[4]) <= 24 * 60):
            raise ctx.fail(f"{path}.hours[{i}]", f"expected HH:MM-HH:MM with start before end, got {h!r}")
    days_raw = ctx.strings(d, "days", path) or ("mon", "tue", "wed", "thu", "fri")
    weekdays: list[int] = []
    for i, day in enumerate(days_raw):
        if day.lower()[:3] not in _WEEKDAYS:
            raise ctx.fail(f"{path}.days[{i}]", f"expected a weekday name such as Mon, got {day!r}")
        weekdays.append(_WEEKDAYS[day.lower()[:3]])
    holidays = ctx.string(d, "holidays", path)
    if holidays is not None and holidays.upper() != "CN":
        raise ctx.fail(f"{path}.holidays", f"supported public-holiday calendars: CN; got {holidays!r}")

    def dates(key: str) -> tuple[date, ...]:
        out: list[date] = []
        for i, v in enumerate(d.get(key, [])):
            if isinstance(v, date) and not isinstance(v, datetime):
                out.append(v)
                continue
            try:
                out.append(date.fromisoformat(str(v)))
            except ValueError:
                raise ctx.fail(f"{path}.{key}[{i}]", f"expected a date such as 2026-10-01, got {v!r}") from None
        return tuple(out)

    return CalendarConfig(
        timezone=tz,
        hours=hours,
        weekdays=tuple(weekdays),
        holidays=holidays.upper() if holidays else None,
        extra_holidays=dates("extra_holidays"),
        extra_workdays=dates("extra_workdays"),
    )


def _stream(ctx: _Ctx, raw: Any, path: str) -> Stream:
    d = ctx.table(raw, path)
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
_SECRET_KEYS = {"token", "password", "api_token", "private_token", "secret"}


def _source(ctx: _Ctx, raw: Any, path: str) -> SourceConfig:
    d = ctx.table(raw, path)
    for key in d:
        if key.lower() in _SECRET_KEYS:
            raise ctx.fail(
                f"{path}.{key}",
                "tokens do not belong in the config file; use `flowdeck auth set` (OS keyring) "
                "or the FLOWDECK_TOKEN_<SOURCE> environment variable",
            )
    name = ctx.required(d, "name", path)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ctx.fail(f"{path}.name", f"use letters, digits, '-', '_' or '.', got {name!r}")
    kind = ctx.choice(d, "kind", path, SOURCE_KINDS, "")
    url = ctx.required(d, "url", path)
    if not re.match(r"^https?://", url):
        raise ctx.fail(f"{path}.url", f"expected an http(s) URL, got {url!r}")
    return SourceConfig(
        name=name,
        kind=kind,
        url=url.rstrip("/"),
        interval_s=ctx.number(d, "interval_s", path, 30.0),
        timeout_s=ctx.number(d, "timeout_s", path, 30.0),
        ca_bundle=ctx.string(d, "ca_bundle", path),
        proxy=ctx.string(d, "proxy", path),
        options={k: v for k, v in d.items() if k not in _SOURCE_COMMON},
    )


def parse_config(raw: dict[str, Any], where: str = "flowdeck.toml", *, fallback_streams: bool = True) -> Config:
    """Validate a parsed TOML document. With no streams, the demo streams are used."""
    ctx = _Ctx(where)
    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ctx.fail("sources", "expected [[sources]] tables")
    sources = tuple(_source(ctx, s, f"sources[{i}]") for i, s in enumerate(sources_raw))
    names = [s.name for s in sources]
    for n in names:
        if names.count(n) > 1:
            raise ctx.fail("sources", f"duplicate source name {n!r}")
    streams_raw = raw.get("streams", [])
    if not isinstance(streams_raw, list):
        raise ctx.fail("streams", "expected [[streams]] tables")
    streams = tuple(_stream(ctx, s, f"streams[{i}]") for i, s in enumerate(streams_raw))
    if not streams and fallback_streams:
        streams = load_config(default_stream_file(), fallback_streams=False).streams
    d = ctx.table(raw.get("definitions", {}), "definitions")
    definitions = Definitions(
        median=ctx.choice(d, "median", "definitions", ("interpolated", "lower"), "interpolated"),
        dora=ctx.choice(d, "dora", "definitions", ("2023", "2021"), "2023"),
        calendar=ctx.choice(d, "calendar", "definitions", ("calendar", "working"), "calendar"),
        incidents_from_failed_deployments=bool(d.get("incidents_from_failed_deployments", False)),
    )
    t = ctx.table(raw.get("targets", {}), "targets")
    rate = t.get("production_deployment_success_rate", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ctx.fail("targets.production_deployment_success_rate", f"expected a share from 0 to 1, got {rate!r}")
    targets = Targets(
        requirement_lead_time_days=ctx.number(t, "requirement_lead_time_days", "targets", 7.0),
        production_deployment_success_rate=float(rate),
    )
    return Config(sources=sources, streams=streams, definitions=definitions, targets=targets)


def load_config(path: Path | None = None, *, fallback_streams: bool = True) -> Config:
    """Load and validate ``path`` (default: the user's); a missing default file is an empty config."""
    explicit = path is not None
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: no such file")
        return parse_config({}, str(path), fallback_streams=fallback_streams)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    cfg = parse_config(raw, str(path), fallback_streams=fallback_streams)
    return Config(sources=cfg.sources, streams=cfg.streams, definitions=cfg.definitions, targets=cfg.targets, path=path)
