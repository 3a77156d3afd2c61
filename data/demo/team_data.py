"""What the demo simulation produces for one team: :class:`TeamData`, :class:`Release`, :class:`MergeRequest`.

Rows are tuples in the column order of the event kinds (:data:`data.events.format.KINDS`);
:data:`JIRA`, :data:`GIT` and :data:`CI` name the demo's sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CI", "GIT", "JIRA", "MergeRequest", "Release", "TeamData"]

JIRA = "jira"
GIT = "gitlab"
CI = "jenkins"


@dataclass
class Release:
    """One production release of a team: cut (release pipeline start) and deployment attempts."""

    week: int
    cut: int
    approval_ms: int
    #: (started, finished, success) per attempt; the last one succeeds.
    attempts: list[tuple[int, int, bool]]
    shas: list[str] = field(default_factory=list)
    sha: str | None = None
    with_range: bool = True

    @property
    def done_at(self) -> int:
        """When the successful attempt finished."""
        return self.attempts[-1][1]


@dataclass
class TeamData:
    """Everything simulated for one team (rows as tuples), before pipelines are numbered."""

    items: list[tuple[Any, ...]] = field(default_factory=list)
    status_changes: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[MergeRequest] = field(default_factory=list)
    commits: list[tuple[Any, ...]] = field(default_factory=list)
    incidents: list[tuple[Any, ...]] = field(default_factory=list)
    exclusions: list[tuple[Any, ...]] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)


@dataclass
class MergeRequest:
    """A merge request with its commits; ``iid`` is numbered later, in creation order."""

    repo: str
    title: str
    branch: str
    author: str
    opened: int
    first_commit: int
    first_review: int
    merged: int | None
    merge_sha: str | None
    commits: list[tuple[Any, ...]]
    pushes: list[int]
    release: int | None = None
    iid: int = 0

    def row(self) -> tuple[Any, ...]:
        """The ``changes`` row (event kind ``change``)."""
        url = f"https://gitlab.bank.example/{self.repo}/-/merge_requests/{self.iid}"
        return (
            GIT,
            self.repo,
            str(self.iid),
            self.title,
            self.branch,
            self.author,
            self.opened,
            self.first_commit,
            self.first_review,
            self.merged,
            self.merge_sha,
            "main",
            url,
        )
