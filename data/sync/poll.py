"""Live polling without Qt: per-source schedule and backoff, staleness, a light poll, and transitions.

The wall (and later the main window) polls every configured source at its ``interval_s`` through
:func:`poll_source`: the connector's *pipeline* streams only, through :func:`data.sync.run.sync_source`,
so every result lands in the store (history: broken since, failing for N, ETA) and an idle poll is a
conditional request answered 304 that writes nothing (the store generation does not move).

* :class:`SourceSchedule` — when a source is due, its backoff after failures (the sync service's
  :func:`data.sync.service.backoff_delay`), and whether it is *stale*: it has not answered for
  :data:`STALE_INTERVALS` intervals.
* :class:`TransitionTracker` — turns successive pipeline snapshots into notices (``broken``,
  ``fixed``, ``still broken``) with per-pipeline mute and a global pause. The first snapshot is the
  baseline and notifies nothing (a restart must not replay every red pipeline).
* :func:`freshness` — how old the data on screen is: ``ok``, ``amber`` (≥ 3 intervals), ``red`` (≥ 10).
* :func:`overall_state` — one word for a tray icon.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from data.connectors.base import Connector
from data.i18n import gettext_ as _
from data.i18n import ngettext
from data.pipelines.results import PipelineStatus
from data.store.store import Store
from data.sync.run import SyncSummary, sync_source
from data.sync.service import backoff_delay
from data.timeutil import utc_now

__all__ = [
    "AMBER_INTERVALS",
    "LIVE_STREAM_KINDS",
    "RED_INTERVALS",
    "STALE_INTERVALS",
    "Notice",
    "SourceSchedule",
    "TransitionTracker",
    "freshness",
    "live_streams",
    "overall_state",
    "pipeline_key",
    "poll_source",
    "with_source_health",
]

#: A source that has not answered for this many intervals is stale (its tiles say so).
STALE_INTERVALS = 3
#: Data on screen older than this many (shortest) intervals is shown amber, then red.
AMBER_INTERVALS = 3
RED_INTERVALS = 10
#: The stream-name prefix (before ``:``) of each connector's pipeline streams; issues, pull
#: requests and deployments are left to the regular sync.
LIVE_STREAM_KINDS: frozenset[str] = frozenset({"runs", "pipelines", "builds", "status"})

PipelineKey = tuple[str, str, str | None]


def pipeline_key(s: PipelineStatus) -> PipelineKey:
    """(source, pipeline, branch): what a mute or a transition refers to."""
    return (s.source, s.pipeline, s.branch)


def live_streams(connector: Connector) -> list[str]:
    """The connector's streams that carry pipeline runs (GitHub ``runs:…``, GitLab ``pipelines:…``,
    Jenkins ``builds``, CCTray ``status``); empty for a ticket-only source such as Jira."""
    return [s for s in connector.streams() if s.partition(":")[0] in LIVE_STREAM_KINDS]


def poll_source(
    store: Store,
    connector: Connector,
    *,
    cancel: threading.Event | None = None,
    now: Callable[[], datetime] | None = None,
) -> SyncSummary:
    """One live poll: the pipeline streams of ``connector`` into ``store``; never raises for source faults.

    The connectors' cursors keep ETag/Last-Modified validators, so an unchanged source costs one
    conditional request per stream (a 304 does not count against GitHub's rate limit) and writes
    nothing. Running runs are re-read until they finish (GitHub's ``open`` runs, CCTray's
    ``Building`` projects); finished history is not fetched again.
    """
    streams = live_streams(connector)
    if not streams:
        return SyncSummary(connector.source)
    # The sync state (attempt, success, error) is recorded without bumping the store generation:
    # only pages with records do, so an idle poll leaves every cache (and the wall) untouched.
    return sync_source(
        store, connector, cancel=cancel, streams=streams, state_bumps_generation=False, now=now or utc_now
    )


@dataclass
class SourceSchedule:
    """One source's polling rhythm: due times, failure streak and backoff, staleness.

    Times are seconds on any monotonic clock (the caller's); nothing here reads a clock.
    """

    name: str
    interval_s: float = 30.0
    created_at: float = 0.0
    next_due: float = 0.0
    failures: int = 0
    last_ok: float | None = None
    last_error: str | None = None
    #: The poll now in flight (so a slow source is never polled twice at once).
    busy: bool = False

    def due(self, now: float) -> bool:
        """Whether a poll should start now."""
        return not self.busy and now >= self.next_due

    def started(self) -> None:
        """A poll started."""
        self.busy = True

    def succeeded(self, now: float) -> bool:
        """A poll answered; returns True when the source had been failing (it recovered)."""
        recovered = self.failures > 0
        self.busy = False
        self.failures = 0
        self.last_ok = now
        self.last_error = None
        self.next_due = now + backoff_delay(self.interval_s, 0)
        return recovered

    def failed(self, now: float, error: str, *, retry_after_s: float | None = None) -> bool:
        """A poll failed; returns True when this is the first failure of a streak (news)."""
        self.busy = False
        self.failures += 1
        self.last_error = error
        delay = backoff_delay(self.interval_s, self.failures)
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        self.next_due = now + delay
        return self.failures == 1

    def stale(self, now: float) -> bool:
        """No answer for :data:`STALE_INTERVALS` intervals (counted from creation before the first)."""
        since = self.last_ok if self.last_ok is not None else self.created_at
        return now - since >= STALE_INTERVALS * self.interval_s


def freshness(age_s: float | None, interval_s: float) -> str:
    """``ok``, ``amber`` (≥ 3 intervals old), ``red`` (≥ 10, or no data at all)."""
    if age_s is None:
        return "red"
    if age_s >= RED_INTERVALS * interval_s:
        return "red"
    if age_s >= AMBER_INTERVALS * interval_s:
        return "amber"
    return "ok"


def overall_state(statuses: Iterable[PipelineStatus]) -> str:
    """One word for the tray: ``failed`` if any fails, else ``running`` if any runs or queues,
    else ``success`` if any passed, else ``unknown`` (nothing known)."""
    states = {s.state for s in statuses}
    if "failed" in states:
        return "failed"
    if states & {"running", "queued"}:
        return "running"
    if "success" in states:
        return "success"
    return "unknown"


@dataclass(frozen=True)
class Notice:
    """One desktop notification: ``kind`` is ``broken``, ``fixed`` or ``still broken``."""

    kind: str
    status: PipelineStatus

    @property
    def title(self) -> str:
        """Short title (plain text)."""
        name = self.status.pipeline + (f" ({self.status.branch})" if self.status.branch else "")
        verb = {
            "broken": _("{pipeline} broken"),
            "fixed": _("{pipeline} fixed"),
            "still broken": _("{pipeline} still broken"),
        }
        return verb[self.kind].format(pipeline=name)

    @property
    def body(self) -> str:
        """One or two lines: the streak and who committed since the last success."""
        s = self.status
        if self.kind == "fixed":
            return _("{source}: passing again").format(source=s.source)
        text = ngettext("{source}: failing for {n} run", "{source}: failing for {n} runs", s.failing_runs).format(
            source=s.source, n=s.failing_runs
        )
        if s.authors:
            text += "\n" + _("commits by {authors}").format(authors=", ".join(s.authors))
        return text


@dataclass
class TransitionTracker:
    """Compares each snapshot with the previous one and says what changed worth a notification.

    * ``broken``: a pipeline's latest finished state went from passing (or new) to failed.
    * ``fixed``: from failed to passed.
    * ``still broken``: failed before and failed again in a *new* run.
    Running and queued states are not transitions: a failing pipeline that is re-building keeps its
    last finished verdict until the run ends. ``muted`` pipelines and a ``paused`` tracker still
    follow the states (so un-muting does not replay old news) but return no notice.
    """

    muted: set[PipelineKey] = field(default_factory=set)
    paused: bool = False
    #: Also tell about feature branches (default: only default branches and branch-less pipelines).
    feature_branches: bool = False
    is_default: Callable[[PipelineStatus], bool] | None = None
    _last: dict[PipelineKey, tuple[str, str | None]] = field(default_factory=dict)
    _baseline: bool = True

    def mute(self, key: PipelineKey, on: bool = True) -> None:
        """Mute (or un-mute) one pipeline."""
        (self.muted.add if on else self.muted.discard)(key)

    def update(self, statuses: Sequence[PipelineStatus]) -> list[Notice]:
        """Take a new snapshot; return the notices it implies (none for the first snapshot)."""
        notices: list[Notice] = []
        seen: dict[PipelineKey, tuple[str, str | None]] = {}
        for s in statuses:
            key = pipeline_key(s)
            verdict = _verdict(s)
            if verdict is None:
                prev = self._last.get(key)
                if prev is not None:
                    seen[key] = prev  # running: keep the last finished verdict
                continue
            seen[key] = (verdict, s.run_id)
            prev = self._last.get(key)
            kind = _kind(prev, verdict, s.run_id)
            if kind and not self._baseline and self._wanted(s, key):
                notices.append(Notice(kind, s))
        # Pipelines not in this snapshot (filtered, horizon) keep their memory.
        self._last.update(seen)
        self._baseline = False
        return notices

    def _wanted(self, s: PipelineStatus, key: PipelineKey) -> bool:
        if self.paused or key in self.muted:
            return False
        if self.feature_branches or self.is_default is None:
            return True
        return self.is_default(s)


def _verdict(s: PipelineStatus) -> str | None:
    if s.state == "failed":
        return "failed"
    if s.state == "success":
        return "success"
    return None


def _kind(prev: tuple[str, str | None] | None, verdict: str, run_id: str | None) -> str | None:
    if verdict == "failed":
        if prev is None or prev[0] != "failed":
            return "broken"
        return "still broken" if prev[1] != run_id else None
    if prev is not None and prev[0] == "failed":
        return "fixed"
    return None


def with_source_health(
    statuses: Iterable[PipelineStatus], stale: Mapping[str, bool], errors: Mapping[str, str | None]
) -> list[PipelineStatus]:
    """``statuses`` with ``stale``/``error`` set from their source's health (new frozen objects)."""
    from dataclasses import replace

    out: list[PipelineStatus] = []
    for s in statuses:
        st, err = stale.get(s.source, False), errors.get(s.source)
        out.append(replace(s, stale=st, error=err) if (st, err) != (s.stale, s.error) else s)
    return out
