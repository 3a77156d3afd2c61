"""What the pipelines board shows and in which order: :class:`BoardFilter`, :func:`filter_statuses`
and :func:`sort_statuses` (default branches first, failing first within them). Pure functions over
:class:`~data.pipelines.results.PipelineStatus`; :mod:`widgets.pipeline_board` re-exports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from data.pipelines.order import sort_pipelines
from data.pipelines.results import PipelineStatus

__all__ = ["BoardFilter", "filter_statuses", "sort_statuses"]


def sort_statuses(statuses: Sequence[PipelineStatus]) -> list[PipelineStatus]:
    """Default branches before feature branches; within each, failing first, then running, queued,
    unknown, cancelled, passed; then the most recent first (:func:`data.pipelines.order.sort_pipelines`)."""
    return sort_pipelines(statuses)


@dataclass(frozen=True)
class BoardFilter:
    """What a board shows: sources (empty: all), name and branch patterns, only failing/running."""

    sources: frozenset[str] = frozenset()
    name: str = ""
    branch: str = ""
    only_active: bool = False


def _matches(pattern: str, text: str | None) -> bool:
    if not pattern:
        return True
    value = (text or "").lower()
    pat = pattern.lower()
    # A pattern with wildcards is a glob; plain text is a substring search.
    return fnmatchcase(value, pat) if any(c in pat for c in "*?[") else pat in value


def filter_statuses(statuses: Sequence[PipelineStatus], f: BoardFilter) -> list[PipelineStatus]:
    """The statuses ``f`` lets through, in their order."""
    return [
        s
        for s in statuses
        if (not f.sources or s.source in f.sources)
        and _matches(f.name, s.pipeline)
        and _matches(f.branch, s.branch)
        and (not f.only_active or s.state in ("failed", "running", "queued"))
    ]
