"""The data-quality report's frozen result objects (no store access here, so widgets may use them).

Every finding lists the items behind it — ``(source, key, detail)`` — so a reader can check each
one in the source system. Keys use the same spelling as exclusions: a work item or incident by its
key, a change or deployment as ``repo#id``, a pipeline run as ``pipeline#id`` (``/attempt`` when
above 1), a job as ``pipeline#run/job name``. ``QualityReport.to_json()`` is the
``flowdeck quality --json`` document (docs/trust.md lists its keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.report.results import iso, rounded

__all__ = [
    "Coverage",
    "ExclusionNote",
    "Finding",
    "FindingItem",
    "Gap",
    "QualityReport",
    "SourceHealth",
    "UnlinkedCompleted",
    "UnmappedStatus",
]


@dataclass(frozen=True, slots=True)
class FindingItem:
    """One record behind a finding."""

    source: str
    key: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        """``{"source", "key", "detail"}``."""
        return {"source": self.source, "key": self.key, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Finding:
    """One anomaly check and the records that fail it (empty ``items``: the check passed)."""

    check: str
    title: str
    items: tuple[FindingItem, ...] = ()

    @property
    def count(self) -> int:
        """How many records fail the check."""
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        """``{"check", "title", "count", "items"}``."""
        return {
            "check": self.check,
            "title": self.title,
            "count": self.count,
            "items": [i.to_json() for i in self.items],
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a population could be linked; ``missing`` lists the rest."""

    check: str
    title: str
    covered: int
    total: int
    missing: tuple[FindingItem, ...] = ()

    @property
    def share(self) -> float | None:
        """covered / total, None for an empty population."""
        return None if self.total == 0 else self.covered / self.total

    def to_json(self) -> dict[str, Any]:
        """``{"check", "title", "covered", "total", "share", "missing"}``."""
        return {
            "check": self.check,
            "title": self.title,
            "covered": self.covered,
            "total": self.total,
            "share": rounded(self.share),
            "missing": [i.to_json() for i in self.missing],
        }


@dataclass(frozen=True, slots=True)
class UnlinkedCompleted:
    """Work items completed in a window that never reached production: no linked deployment.

    Their lead time ends at "done", not in production, and DORA cannot see them: each is either
    unnamed by any change, or named only by changes that were never deployed to production.
    """

    window_from: datetime
    window_to: datetime
    completed: int
    items: tuple[FindingItem, ...] = ()

    @property
    def count(self) -> int:
        """How many completed items never reached production."""
        return len(self.items)

    @property
    def share(self) -> float | None:
        """count / completed, None when nothing completed."""
        return None if self.completed == 0 else self.count / self.completed

    def to_json(self) -> dict[str, Any]:
        """``{"check", "window_from", "window_to", "completed", "count", "share", "items"}``."""
        return {
            "check": "completed_without_production_deployment",
            "window_from": iso(self.window_from),
            "window_to": iso(self.window_to),
            "completed": self.completed,
            "count": self.count,
            "share": rounded(self.share),
            "items": [i.to_json() for i in self.items],
        }


@dataclass(frozen=True, slots=True)
class UnmappedStatus:
    """Time work items spent in a status that no stage of the stream maps (and that is not done)."""

    status: str
    hours: float
    items: tuple[FindingItem, ...] = ()

    @property
    def item_count(self) -> int:
        """How many items spent time in the status."""
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        """``{"status", "hours", "item_count", "items"}``."""
        return {
            "status": self.status,
            "hours": rounded(self.hours),
            "item_count": self.item_count,
            "items": [i.to_json() for i in self.items],
        }


@dataclass(frozen=True, slots=True)
class Gap:
    """A run of whole ISO weeks without any record from a source that is otherwise steady."""

    week_from: datetime
    week_to: datetime  # exclusive (a Monday)
    weeks: int

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "weeks"}``."""
        return {"from": iso(self.week_from), "to": iso(self.week_to), "weeks": self.weeks}


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source: its sync state and the shape of the data it delivered."""

    source: str
    configured: bool
    kind: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    records: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    weekly_median: float | None = None
    gaps: tuple[Gap, ...] = ()
    #: Configured, and no successful sync within three sync intervals (or never).
    stale: bool = False

    def to_json(self) -> dict[str, Any]:
        """The source's entry in ``sources``."""
        return {
            "source": self.source,
            "configured": self.configured,
            "kind": self.kind,
            "last_attempt_at": iso(self.last_attempt_at),
            "last_success_at": iso(self.last_success_at),
            "last_error": self.last_error,
            "records": self.records,
            "first_at": iso(self.first_at),
            "last_at": iso(self.last_at),
            "weekly_median": rounded(self.weekly_median),
            "gaps": [g.to_json() for g in self.gaps],
            "stale": self.stale,
        }


@dataclass(frozen=True, slots=True)
class ExclusionNote:
    """An exclusion in force (the auditor's trail)."""

    kind: str
    source: str
    key: str
    reason: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """``{"kind", "source", "key", "reason", "created_at"}``."""
        return {
            "kind": self.kind,
            "source": self.source,
            "key": self.key,
            "reason": self.reason,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Everything :func:`data.quality.assess` found, as of one instant, for one stream."""

    as_of: datetime
    stream: str
    measure_from: datetime | None = None
    sources: tuple[SourceHealth, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    unmapped: tuple[UnmappedStatus, ...] = ()
    anomalies: tuple[Finding, ...] = ()
    exclusions: tuple[ExclusionNote, ...] = ()
    #: Items completed in the window that never reached production (None: not assessed).
    unlinked: UnlinkedCompleted | None = None

    def coverage_of(self, check: str) -> Coverage:
        """The coverage entry named ``check`` (KeyError if unknown)."""
        for c in self.coverage:
            if c.check == check:
                return c
        raise KeyError(check)

    def anomaly(self, check: str) -> Finding:
        """The anomaly finding named ``check`` (KeyError if unknown)."""
        for f in self.anomalies:
            if f.check == check:
                return f
        raise KeyError(check)

    @property
    def problem_count(self) -> int:
        """Records failing an anomaly check, plus statuses outside the map, plus source gaps, plus
        completed items that never reached production."""
        return (
            sum(f.count for f in self.anomalies)
            + len(self.unmapped)
            + sum(len(s.gaps) + int(s.stale) for s in self.sources)
            + (0 if self.unlinked is None else self.unlinked.count)
        )

    def to_json(self) -> dict[str, Any]:
        """The ``flowdeck quality --json`` document (keys in docs/trust.md)."""
        return {
            "as_of": iso(self.as_of),
            "stream": self.stream,
            "measure_from": iso(self.measure_from),
            "sources": [s.to_json() for s in self.sources],
            "coverage": [c.to_json() for c in self.coverage],
            "unmapped_statuses": [u.to_json() for u in self.unmapped],
            "anomalies": [f.to_json() for f in self.anomalies],
            "exclusions": [e.to_json() for e in self.exclusions],
            "unlinked_completed": None if self.unlinked is None else self.unlinked.to_json(),
        }
