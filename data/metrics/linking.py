"""Linking: which production deployment carried a change, and which tickets a change mentions.

Deployment of a change (METRICS.md §2): the first successful production deployment that includes
its merge commit. *Exact* when the source gave commit ranges (``DeploymentCommit`` rows, or the
deployment's own sha equals the merge sha); otherwise the first successful production deployment
of the same repository and branch (``Change.base`` against ``Deployment.ref``, ``refs/heads/``
stripped; a deployment without ref matches any branch) that *started* at or after the merge.
The fallback is used only for repositories whose production deployments carry no commit ranges at
all: where ranges exist, a merge sha in none of them has not been deployed yet.

Ticket keys (METRICS.md §3): Jira-style keys (``PAY-12``, case-insensitive) found in the change's
title, branch name, or the message of its merge commit, kept when they name a known work item.
With the change's repository, GitHub and GitLab issue references count too, as the key their
issues are stored under (``repo#123``): ``#123`` and ``GH-123`` name an issue of the same
repository, ``owner/repo#123`` one of another; a branch names one by ``#123``, by a leading
number (``123-fix-login``, ``feature/123-login``: the branches GitHub and GitLab create from an
issue) or by ``issue-123``. (Pull-request descriptions are not stored, so they are not read.)
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["KEY_PATTERN", "ChangeRef", "DeployRef", "deployed_at", "issue_refs", "ticket_keys"]

KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9_]*-\d+)(?![0-9])")
# ``owner/repo#12`` (GitLab: ``group/sub/project#12``), then a bare ``#12`` (not an HTML entity
# ``&#12;``, not the tail of a word or path) and GitHub's ``GH-12``.
_QUALIFIED_REF = re.compile(r"(?<![\w./-])([\w.-]+(?:/[\w.-]+)+)#(\d+)(?!\w)")
_BARE_REF = re.compile(r"(?<![\w&#/.-])#(\d+)(?!\w)|(?<![A-Za-z0-9])GH-(\d+)(?![0-9])", re.IGNORECASE)
# In a branch name, ``#12`` may follow a slash (``fix/#12-typo``).
_BRANCH_HASH = re.compile(r"(?<![\w&])#(\d+)(?!\w)")
# A branch created from an issue: ``123-title`` or ``feature/123-title``; or ``issue-123``.
_BRANCH_REF = re.compile(r"(?:^|/)(\d+)(?:-|$)|(?:^|[/_-])issues?[-_/]?(\d+)(?![0-9])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DeployRef:
    """A successful production deployment, reduced to what linking needs (instants in ms)."""

    source: str
    id: str
    repo: str
    sha: str | None
    ref: str | None
    started_ms: int | None
    finished_ms: int


@dataclass(frozen=True, slots=True)
class ChangeRef:
    """A merged change, reduced to what linking needs."""

    repo: str
    merge_sha: str | None
    base: str | None
    merged_ms: int


def _branch(ref: str | None) -> str | None:
    if ref is None:
        return None
    return ref.removeprefix("refs/heads/")


def deployed_at(
    changes: Sequence[ChangeRef],
    deployments: Iterable[DeployRef],
    commits_of: Mapping[tuple[str, str], Iterable[str]],
) -> list[int | None]:
    """Finish (ms) of the first successful production deployment carrying each change, or None.

    ``commits_of[(source, deployment id)]`` lists the commit shas a deployment carried.
    """
    deps = sorted(deployments, key=lambda d: (d.finished_ms, d.id))
    first_with_sha: dict[tuple[str, str], int] = {}
    ranged_repos: set[str] = set()
    by_repo: dict[str, list[DeployRef]] = defaultdict(list)
    for d in deps:
        shas = list(commits_of.get((d.source, d.id), ()))
        if shas:
            ranged_repos.add(d.repo)
        if d.sha:
            shas.append(d.sha)
        for sha in shas:
            first_with_sha.setdefault((d.repo, sha), d.finished_ms)
        by_repo[d.repo].append(d)
    # For the fallback: per repo, deployments sorted by start, with the running min of finishes
    # from each position on, so "first to finish among those started after the merge" is a lookup.
    starts: dict[str, list[int]] = {}
    lists: dict[str, list[DeployRef]] = {}
    for repo, ds in by_repo.items():
        ordered = sorted(ds, key=lambda d: d.started_ms if d.started_ms is not None else d.finished_ms)
        lists[repo] = ordered
        starts[repo] = [d.started_ms if d.started_ms is not None else d.finished_ms for d in ordered]
    out: list[int | None] = []
    for ch in changes:
        exact = first_with_sha.get((ch.repo, ch.merge_sha)) if ch.merge_sha else None
        if exact is not None or ch.repo in ranged_repos:
            out.append(exact)
            continue
        ordered = lists.get(ch.repo, [])
        i = bisect.bisect_left(starts.get(ch.repo, []), ch.merged_ms)
        base = _branch(ch.base)
        best: int | None = None
        for d in ordered[i:]:
            ref = _branch(d.ref)
            if ref is not None and base is not None and ref != base:
                continue
            if best is None or d.finished_ms < best:
                best = d.finished_ms
            # Deployments are sorted by start; a later start cannot finish before this one in
            # practice, but a long-running one can, so keep scanning a short distance.
            if d.started_ms is not None and best is not None and d.started_ms > best:
                break
        out.append(best)
    return out


def ticket_keys(
    texts: Iterable[str | None],
    known: set[str] | None = None,
    *,
    repo: str | None = None,
    branch: str | None = None,
) -> set[str]:
    """Upper-cased ticket keys mentioned in ``texts`` and ``branch`` (only the ``known`` ones, when
    given): Jira-style keys, and with ``repo`` (the change's repository) the issue references of
    :func:`issue_refs` as ``REPO#N`` keys."""
    texts = [*texts, branch]
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        for m in KEY_PATTERN.finditer(text):
            found.add(m.group(1).upper())
    if repo:
        found |= issue_refs(texts[:-1], repo, branch)
    return found if known is None else found & known


def issue_refs(texts: Iterable[str | None], repo: str, branch: str | None = None) -> set[str]:
    """GitHub/GitLab issue references in ``texts`` and ``branch``, as upper-cased ``REPO#N`` keys
    (the key a GitHub or GitLab issue is stored under); ``repo`` is the repository of the change."""
    here = repo.upper()
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        found.update(f"{m.group(1).upper()}#{int(m.group(2))}" for m in _QUALIFIED_REF.finditer(text))
        found.update(f"{here}#{int(m.group(1) or m.group(2))}" for m in _BARE_REF.finditer(text))
    if branch:
        found.update(f"{here}#{int(n)}" for n in _BRANCH_HASH.findall(branch))
        found.update(f"{here}#{int(m.group(1) or m.group(2))}" for m in _BRANCH_REF.finditer(branch))
    return found
