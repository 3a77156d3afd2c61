"""Which records belong to a stream, and how they link — the same rules the metrics use.

The data-quality checks and the release report must agree with the numbers they explain, so they
filter and link exactly as :mod:`data.materialise.build` does: work items by the stream's
teams/projects/sources, changes and deployments by its repositories, production by its pattern,
exclusions by ``(kind, source, key)`` (changes and deployments as ``repo#id`` or the bare id), and
deployment of a change through :func:`data.metrics.linking.deployed_at`, tickets through
:func:`data.metrics.linking.ticket_keys` (title, branch, merge-commit message).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from data.config.model import Stream
from data.metrics.linking import ChangeRef, DeployRef, deployed_at, ticket_keys
from data.records import Change, Commit, Deployment, DeploymentCommit, Exclusion, WorkItem
from data.store.schema import to_ms

__all__ = ["Scope", "change_key", "change_tickets", "commits_of", "deployed_ms", "deployment_key"]


def change_key(c: Change) -> str:
    """The key a change is listed (and excluded) by: ``repo#id``."""
    return f"{c.repo}#{c.id}"


def deployment_key(d: Deployment) -> str:
    """The key a deployment is listed (and excluded) by: ``repo#id``."""
    return f"{d.repo}#{d.id}"


@dataclass
class Scope:
    """A stream's filters and the store's exclusions, applied to records."""

    stream: Stream
    exclusions: Sequence[Exclusion] = ()
    _ex: dict[str, set[tuple[str, str]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        ex: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for e in self.exclusions:
            ex[e.kind].add((e.source, e.key))
        self._ex = ex
        self._prod = re.compile(self.stream.production, re.IGNORECASE)

    # -- membership --

    def item_in(self, w: WorkItem) -> bool:
        """The work item passes the stream's filters (exclusions not considered)."""
        s = self.stream
        if s.teams and (w.team or "").lower() not in {t.lower() for t in s.teams}:
            return False
        if s.projects and w.key.split("-", 1)[0].upper() not in {p.upper() for p in s.projects}:
            return False
        return not (s.sources and w.source not in s.sources)

    def repo_in(self, repo: str | None) -> bool:
        """The repository belongs to the stream (every repository when ``repos`` is empty)."""
        return not self.stream.repos or repo in self.stream.repos

    def is_production(self, environment: str) -> bool:
        """The environment matches the stream's production pattern."""
        return bool(self._prod.search(environment))

    # -- exclusions --

    def item_excluded(self, w: WorkItem) -> bool:
        """The work item is excluded by decision."""
        return (w.source, w.key) in self._ex.get("work_item", set())

    def change_excluded(self, c: Change) -> bool:
        """The change is excluded (``repo#id`` or the bare id)."""
        ex = self._ex.get("change", set())
        return (c.source, change_key(c)) in ex or (c.source, c.id) in ex

    def deployment_excluded(self, d: Deployment) -> bool:
        """The deployment is excluded (``repo#id`` or the bare id)."""
        ex = self._ex.get("deployment", set())
        return (d.source, deployment_key(d)) in ex or (d.source, d.id) in ex

    # -- populations --

    def items(self, items: Iterable[WorkItem]) -> list[WorkItem]:
        """The stream's work items, exclusions removed."""
        return [w for w in items if self.item_in(w) and not self.item_excluded(w)]

    def merged_changes(self, changes: Iterable[Change]) -> list[Change]:
        """The stream's merged changes, exclusions removed."""
        return [c for c in changes if c.merged_at is not None and self.repo_in(c.repo) and not self.change_excluded(c)]

    def production(self, deployments: Iterable[Deployment], *, finished: bool = True) -> list[Deployment]:
        """The stream's production deployments (``success``/``failure``; finished ones when asked)."""
        return [
            d
            for d in deployments
            if self.repo_in(d.repo)
            and self.is_production(d.environment)
            and d.status in ("success", "failure")
            and (d.finished_at is not None or not finished)
            and not self.deployment_excluded(d)
        ]


def commits_of(rows: Iterable[DeploymentCommit]) -> dict[tuple[str, str], list[str]]:
    """``(source, deployment id) -> shas`` as linking wants it."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        out[(r.source, r.deployment_id)].append(r.sha)
    return out


def deployed_ms(
    changes: Sequence[Change], prod: Sequence[Deployment], ranges: dict[tuple[str, str], list[str]]
) -> list[int | None]:
    """Finish (ms) of the first successful production deployment carrying each merged change."""
    refs = [
        DeployRef(
            d.source,
            d.id,
            d.repo,
            d.sha,
            d.ref,
            None if d.started_at is None else to_ms(d.started_at),
            to_ms(d.finished_at),
        )
        for d in prod
        if d.status == "success" and d.finished_at is not None
    ]
    crefs = [ChangeRef(c.repo, c.merge_sha, c.base, to_ms(c.merged_at)) for c in changes if c.merged_at is not None]
    return deployed_at(crefs, refs, ranges)


def change_tickets(changes: Sequence[Change], commits: Iterable[Commit], known: set[str]) -> list[set[str]]:
    """Per change, the upper-cased keys of known work items it names (title, branch, merge commit;
    Jira keys and the repository's issue references, :func:`data.metrics.linking.ticket_keys`)."""
    messages = {(c.repo, c.sha): c.message for c in commits}
    return [
        ticket_keys((c.title, messages.get((c.repo, c.merge_sha or ""))), known, repo=c.repo, branch=c.branch)
        for c in changes
    ]
