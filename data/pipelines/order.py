"""Wall order of pipelines: failing first, default branches before feature branches, newest first.

:func:`pipeline_order` is the sort key of one :class:`~data.pipelines.results.PipelineStatus`,
:func:`sort_pipelines` sorts many (matching each distinct branch once), and :func:`_light_order`
gives the same key from a pipeline's run rows without building its status (for ``limit``).
Default branches are ``fnmatch`` patterns (:data:`DEFAULT_BRANCHES`, or per source: :data:`BranchRule`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import translate
from functools import lru_cache

from data.pipelines.results import PipelineStatus
from data.pipelines.state import RunRow, _state

__all__ = ["DEFAULT_BRANCHES", "STATE_RANK", "BranchRule", "is_default_branch", "pipeline_order", "sort_pipelines"]

#: Branches that matter most on a wall (``fnmatch`` patterns); a pipeline without a branch (a
#: Jenkins job, a CCTray project) counts as a default branch. A source's ``default_branches``
#: option replaces them for its pipelines.
DEFAULT_BRANCHES: tuple[str, ...] = ("main", "master", "trunk", "release/*", "release-*")
#: Failing first, then what is moving, then the rest (same order as the widgets' vocabulary).
STATE_RANK: dict[str, int] = {"failed": 0, "running": 1, "queued": 2, "unknown": 3, "cancelled": 4, "success": 5}

#: Default-branch patterns: one tuple for every source, or per source name (missing: the defaults).
BranchRule = Sequence[str] | Mapping[str, Sequence[str]] | None


def _patterns(rule: BranchRule, source: str) -> Sequence[str]:
    if rule is None:
        return DEFAULT_BRANCHES
    if isinstance(rule, Mapping):
        return rule.get(source, DEFAULT_BRANCHES)
    return rule


@lru_cache(maxsize=64)
def _branch_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns) or r"(?!)")


def is_default_branch(branch: str | None, patterns: Sequence[str] = DEFAULT_BRANCHES) -> bool:
    """Whether ``branch`` matches one of ``patterns`` (``fnmatch``, case-sensitive as git is).

    A pipeline without a branch (a Jenkins job, a CCTray project) is its own mainline: True.
    """
    if not branch:
        return True
    return _branch_regex(tuple(patterns)).match(branch) is not None


def _recency(s: PipelineStatus) -> float:
    when = s.started_at or s.finished_at
    # Queued runs have no start yet: they are the newest thing a pipeline has.
    return when.timestamp() if when is not None else float("inf")


def pipeline_order(s: PipelineStatus, default_branches: BranchRule = None) -> tuple[int, int, float, str, str, str]:
    """Sort key: state (failing first), default branch before feature branch, most recent first, name."""
    default = is_default_branch(s.branch, _patterns(default_branches, s.source))
    return (
        STATE_RANK.get(s.state, 3),
        0 if default else 1,
        -_recency(s),
        s.pipeline.lower(),
        (s.branch or "").lower(),
        s.source,
    )


def sort_pipelines(items: Iterable[PipelineStatus], default_branches: BranchRule = None) -> list[PipelineStatus]:
    """``items`` in :func:`pipeline_order` (branch patterns matched once per distinct branch)."""
    seen: dict[tuple[str, str | None], bool] = {}

    def key(s: PipelineStatus) -> tuple[int, int, float, str, str, str]:
        k = (s.source, s.branch)
        if k not in seen:
            seen[k] = is_default_branch(s.branch, _patterns(default_branches, s.source))
        return (
            STATE_RANK.get(s.state, 3),
            0 if seen[k] else 1,
            -_recency(s),
            s.pipeline.lower(),
            (s.branch or "").lower(),
            s.source,
        )

    return sorted(items, key=key)


def _light_order(
    key: tuple[str, str, str | None], rs: list[RunRow], as_of_ms: int, default: Callable[[str, str | None], bool]
) -> tuple[int, int, float, str, str, str]:
    """:func:`pipeline_order` of the status ``rs`` will give, without building it."""
    source, pipeline, branch = key
    last = rs[-1]
    state = _state(last, as_of_ms)
    when = last.started if last.started is not None and last.started <= as_of_ms else None
    if when is None and last.finished is not None and last.finished <= as_of_ms:
        when = last.finished
    recency = when / 1000.0 if when is not None else float("inf")
    return (
        STATE_RANK.get(state, 3),
        0 if default(source, branch) else 1,
        -recency,
        pipeline.lower(),
        (branch or "").lower(),
        source,
    )
