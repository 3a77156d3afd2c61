"""The frozen dataclasses of a validated ``flowdeck.toml``: :class:`Config` and its parts.

:class:`Stage`, :class:`Stream`, :class:`CalendarConfig`, :class:`SourceConfig`,
:class:`Definitions`, :class:`Targets`, the :class:`ConfigError` raised when a config is invalid,
and the defaults parsing fills in. Parsing and validation live in :mod:`data.config.parse`, which
re-exports every name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_DONE",
    "DEFAULT_LOOKBACK_DAYS",
    "DEFAULT_PRODUCTION",
    "INTERVAL_S_RANGE",
    "SOURCE_KINDS",
    "CalendarConfig",
    "Config",
    "ConfigError",
    "Definitions",
    "SavedScenario",
    "SourceConfig",
    "Stage",
    "Stream",
    "Targets",
]

SOURCE_KINDS = ("github", "gitlab", "jenkins", "jira", "cctray")
DEFAULT_PRODUCTION = "(?i)^(prod|production)$"
DEFAULT_DONE = ("done", "closed", "resolved")
#: How far back a GitHub/GitLab source's first sync reads (``lookback_days``): half a year, so a change
#: made a quarter ago has a quarter of "before" to compare with.
DEFAULT_LOOKBACK_DAYS = 180
#: The ``interval_s`` a source may have: the service's floor (0.5 s, what tests use) to once a day.
INTERVAL_S_RANGE = (0.5, 86_400.0)


class ConfigError(ValueError):
    """The config is invalid; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a value stream.

    A *status stage* lists ticket statuses (``wait``/``active``; ``id:123`` matches a status id).
    A *job stage* matches CI jobs/Jenkins stages by ``jobs`` (a regex); a *deployment stage*
    matches deployments by environment (``deployments``, a regex).
    """

    name: str
    wait: tuple[str, ...] = ()
    active: tuple[str, ...] = ()
    jobs: str | None = None
    deployments: str | None = None

    @property
    def kind(self) -> str:
        """``status``, ``job`` or ``deployment``."""
        if self.jobs is not None:
            return "job"
        if self.deployments is not None:
            return "deployment"
        return "status"


@dataclass(frozen=True, slots=True)
class CalendarConfig:
    """A working calendar (METRICS.md ``calendar = "working"``).

    Working hours are local to the team, so the calendar has its own time zone; instants stay UTC.
    """

    timezone: str = "UTC"
    #: Working periods of a working day, local time, e.g. ("09:00-12:00", "13:30-18:00").
    hours: tuple[str, ...] = ("09:00-18:00",)
    #: Working weekdays, ISO numbers 1 (Monday) .. 7 (Sunday).
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    #: Public-holiday calendar: "CN" (Chinese holidays and adjusted working days, 调休) or None.
    holidays: str | None = None
    #: User-listed extra days off and extra working days (local dates).
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Stream:
    """A value stream: ordered stages, what ends it, and which records belong to it."""

    name: str
    stages: tuple[Stage, ...]
    #: Statuses that end the stream (names or ``id:``); empty means the default rule:
    #: status category ``done``, or a status named Done/Closed/Resolved.
    done: tuple[str, ...] = ()
    production: str = DEFAULT_PRODUCTION
    #: Work-item filters (empty: everything). ``projects`` match the key prefix before ``-``.
    teams: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    #: Repositories whose changes and deployments belong to the stream (empty: all).
    repos: tuple[str, ...] = ()
    #: Work-item types that count as requirements (empty: all types).
    requirement_types: tuple[str, ...] = ()
    #: No change merged or item created before this instant counts toward lead times.
    measure_from: datetime | None = None
    #: The working calendar used when definitions.calendar == "working".
    calendar: CalendarConfig = CalendarConfig()


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One ``[[sources]]`` entry. ``options`` keeps the kind-specific keys as written."""

    name: str
    kind: str
    url: str
    interval_s: float = 30.0
    timeout_s: float = 30.0
    ca_bundle: str | None = None
    proxy: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def env_token_name(self) -> str:
        """The environment variable that may hold this source's token (headless use)."""
        return "FLOWDECK_TOKEN_" + re.sub(r"[^A-Z0-9]", "_", self.name.upper())


@dataclass(frozen=True, slots=True)
class Definitions:
    """Which of the documented metric variants to use (METRICS.md switches)."""

    median: str = "interpolated"  # | "lower" (DevLake)
    dora: str = "2023"  # | "2021"
    calendar: str = "calendar"  # | "working"
    incidents_from_failed_deployments: bool = False
    #: Trend weeks with fewer completed items have no lead time or flow efficiency (a gap, not a dip).
    trend_min_completions: int = 5


@dataclass(frozen=True, slots=True)
class Targets:
    """The bank's targets shown on the scorecard."""

    requirement_lead_time_days: float = 7.0
    production_deployment_success_rate: float = 1.0


@dataclass(frozen=True, slots=True)
class SavedScenario:
    """A what-if scenario saved by name (``[[scenarios]]``): ``("Release.wait", 0.5)`` factors in order.

    ``stream`` None: made for whichever stream is shown (its stages are checked when it is applied).
    """

    name: str
    factors: tuple[tuple[str, float], ...] = ()
    stream: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """A whole, validated config."""

    sources: tuple[SourceConfig, ...] = ()
    streams: tuple[Stream, ...] = ()
    definitions: Definitions = Definitions()
    targets: Targets = Targets()
    path: Path | None = None
    #: What-if scenarios saved from the Future state page (``[[scenarios]]``).
    scenarios: tuple[SavedScenario, ...] = ()

    def stream(self, name: str | None) -> Stream:
        """The stream called ``name`` (case-insensitive), or the first one when None."""
        if not self.streams:
            raise ConfigError("no value stream is configured")
        if name is None:
            return self.streams[0]
        for s in self.streams:
            if s.name.lower() == name.lower():
                return s
        names = ", ".join(s.name for s in self.streams)
        raise ConfigError(f"no value stream named {name!r}; configured: {names}")

    def source(self, name: str) -> SourceConfig:
        """The source called ``name``."""
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"no source named {name!r}")
