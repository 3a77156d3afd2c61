"""Wall order of pipelines: default branches first, failing first within each, newest first; and
which feature branches are recent enough to show at all.

:func:`pipeline_order` is the sort key of one :class:`~data.pipelines.results.PipelineStatus`,
:func:`sort_pipelines` sorts many (matching each distinct branch once), and :func:`_light_order`
gives the same key from a pipeline's run rows without building its status (for ``limit``).
Default branches are ``fnmatch`` patterns (:data:`DEFAULT_BRANCHES`, or per source: :data:`BranchRule`).

Two horizons decide what is shown: every pipeline needs a run within the activity horizon
(:data:`data.pipelines.status.DEFAULT_HORIZON_DAYS`, 14 days), and a feature branch also within
:data:`FEATURE_HORIZON_DAYS` (:func:`recent_groups`): a two-week-old failure on an abandoned branch
is not news, a failing ``main`` of two weeks ago is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import translate
from functools import lru_cache

from data.pipelines.results import PipelineStatus
from data.pipelines.state import RunRow, _state
from data.timeutil import DAY_MS

__all__ = [
    "DEFAULT_BRANCHES",
    "FEATURE_HORIZON_DAYS",
    "STATE_RANK",
    "BranchRule",
    "is_default_branch",
    "last_activity_ms",
    "pipeline_order",
    "recent_groups",
    "sort_pipelines",
]

#: Branches that matter most on a wall (``fnmatch`` patterns); a pipeline without a branch (a
#: Jenkins job, a CCTray project) counts as a default branch. A source's ``default_branches``
#: option replaces them for its pipelines.
DEFAULT_BRANCHES: tuple[str, ...] = ("main", "master", "trunk", "release/*", "release-*")
#: Failing first, then what is moving, then the rest (same order as the widgets' vocabulary).
STATE_RANK: dict[str, int] = {"failed": 0, "running": 1, "queued": 2, "unknown": 3, "cancelled": 4, "success": 5}
#: A feature branch is shown only while its latest run is this recent (3 days spans a weekend:
#: Friday's failure is still there on Monday morning). Default branches keep the whole horizon.
FEATURE_HORIZON_DAYS = 3.0

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
    """Sort key: default branch before feature branch, then state (failing first), most recent first, name."""
    default = is_default_branch(s.branch, _patterns(default_branches, s.source))
    return (
        0 if default else 1,
        STATE_RANK.get(s.state, 3),
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
            0 if seen[k] else 1,
            STATE_RANK.get(s.state, 3),
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
        0 if default(source, branch) else 1,
        STATE_RANK.get(state, 3),
        -recency,
        pipeline.lower(),
        (branch or "").lower(),
        source,
    )


def last_activity_ms(r: RunRow, as_of_ms: int) -> int | None:
    """The latest instant of run ``r`` known at ``as_of`` (queued, started or finished); None: none known."""
    known = [t for t in (r.queued, r.started, r.finished) if t is not None and t <= as_of_ms]
    return max(known) if known else None


def recent_groups(
    groups: Mapping[tuple[str, str, str | None], list[RunRow]],
    as_of_ms: int,
    feature_horizon_days: float | None,
    default: Callable[[str, str | None], bool],
) -> dict[tuple[str, str, str | None], list[RunRow]]:
    """``groups`` without the feature-branch pipelines idle for ``feature_horizon_days`` before ``as_of``.

    A pipeline is idle when the latest instant of its latest run is at or before ``as_of`` minus the
    horizon (the same boundary as the activity horizon: a run exactly at its start is outside).
    Default branches are kept, and so is a run with no instant at all (a feed without times).
    ``None``: no feature horizon.
    """
    if feature_horizon_days is None:
        return dict(groups)
    lo = as_of_ms - round(feature_horizon_days * DAY_MS)
    out: dict[tuple[str, str, str | None], list[RunRow]] = {}
    for key, rs in groups.items():
        source, _pipeline, branch = key
        if not default(source, branch):
            last = last_activity_ms(rs[-1], as_of_ms)
            if last is not None and last <= lo:
                continue
        out[key] = rs
    return out
