"""Materialising the delivery side of a stream: changes, deployments, incidents, deployment stages.

Read whole whenever one of its tables changed (the refresh's trade-off: docs/metrics.md, "Speed").
The tickets each change names are kept as (change, key) pairs of *every* key-like text found, not
only keys of items known now, so an item synced after the change that names it is still linked
when :func:`link_items` runs again (after any item refresh) — no re-read of the changes needed.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, Connection, and_, select, type_coerce

from data.config.model import Stream
from data.materialise.ci import Label, deployment_stage_arrays
from data.materialise.queries import excluded, strs
from data.metrics.cistages import PipelineStageArrays
from data.metrics.clock import CALENDAR, Clock
from data.metrics.dora import DeploymentArrays, IncidentArrays
from data.metrics.linking import ChangeRef, DeployRef, deployed_at, ticket_keys
from data.store import schema

__all__ = ["DeliveryPart", "link_items", "read_delivery", "relevant_environments"]

I64 = npt.NDArray[np.int64]


def _ms(value: Any) -> int:
    return -1 if value is None else int(value)


@dataclass
class DeliveryPart:
    """Everything of a stream that does not come from work items (instants in epoch ms; -1 none)."""

    change_row_id: I64  # merged changes kept (store ids), aligned with the change arrays
    change_start: I64
    change_created: I64
    change_first_commit: I64
    change_first_review: I64
    change_merged: I64
    change_deployed: I64
    link_change: npt.NDArray[np.int32]  # (change index, upper-case ticket key) pairs
    link_key: npt.NDArray[np.str_]
    deployments: DeploymentArrays
    incidents: IncidentArrays
    deploy_stages: dict[int, PipelineStageArrays]
    deploy_labels: dict[int, list[Label]]
    excluded_changes: int
    excluded_deployments: int


def relevant_environments(stream: Stream) -> list[re.Pattern[str]]:
    """Patterns of the environments some figure looks at: production, then deployment stages."""
    prod = re.compile(stream.production, re.IGNORECASE)
    return [prod] + [re.compile(st.deployments) for st in stream.stages if st.deployments is not None]


def read_delivery(
    conn: Connection, stream: Stream, excl: dict[str, set[tuple[str, str]]], clock: Clock = CALENDAR
) -> DeliveryPart:
    """Read the stream's deployments, merged changes (and when each was deployed), incidents."""
    # -- deployments --
    d = schema.deployments
    repos = set(stream.repos)
    patterns = relevant_environments(stream)
    prod = patterns[0]
    all_deps: list[tuple[Any, ...]] = []
    n_excluded_deps = 0
    stmt = select(
        d.c.source,
        d.c.repo,
        d.c.external_id,
        d.c.environment,
        d.c.status,
        d.c.sha,
        d.c.ref,
        type_coerce(d.c.started_at, BigInteger),
        type_coerce(d.c.finished_at, BigInteger),
    )
    # Only environments that some figure looks at are kept (a large store has many others).
    relevant: dict[str, bool] = {}
    for row in conn.execute(stmt):
        if repos and row[1] not in repos:
            continue
        if excluded(excl["deployment"], row[0], row[1], row[2]):
            n_excluded_deps += 1
            continue
        env = row[3]
        if env not in relevant:
            relevant[env] = any(p.search(env) for p in patterns)
        if relevant[env]:
            all_deps.append(tuple(row))
    repo_code: dict[str, int] = {}

    def rc(repo: str) -> int:
        return repo_code.setdefault(repo, len(repo_code))

    prod_deps = sorted(
        (r for r in all_deps if prod.search(r[3]) and r[4] in ("success", "failure") and r[8] is not None),
        key=lambda r: (int(r[8]), r[2]),
    )
    deployments = DeploymentArrays(
        finish=np.array([int(r[8]) for r in prod_deps], dtype=np.int64),
        start=np.array([_ms(r[7]) for r in prod_deps], dtype=np.int64),
        success=np.array([r[4] == "success" for r in prod_deps], dtype=bool),
        repo=np.array([rc(r[1]) for r in prod_deps], dtype=np.int32),
    )
    ok_refs = [
        DeployRef(r[0], r[2], r[1], r[5], r[6], None if r[7] is None else int(r[7]), int(r[8]))
        for r in prod_deps
        if r[4] == "success"
    ]
    del prod_deps

    # -- changes, their deployment, and the tickets they name --
    c = schema.changes
    stmt = select(
        c.c.id,
        c.c.source,
        c.c.repo,
        c.c.external_id,
        c.c.title,
        c.c.branch,
        type_coerce(c.c.created_at, BigInteger),
        type_coerce(c.c.first_commit_at, BigInteger),
        type_coerce(c.c.first_review_at, BigInteger),
        type_coerce(c.c.merged_at, BigInteger),
        c.c.merge_sha,
        c.c.base,
    ).where(c.c.merged_at.is_not(None))
    # Columnar, with repeated strings shared and ticket keys found at once: a large store has
    # over 100k changes, and whole rows with titles would dominate the peak memory.
    shared: dict[str, str] = {}
    refs: list[ChangeRef] = []
    keys_of: dict[int, set[str]] = {}  # change index -> ticket keys (most changes name none or one)
    ints: tuple[array[int], ...] = tuple(array("q") for _ in range(5))  # id, created, first commit/review, merged
    n_excluded_changes = 0
    for row in conn.execute(stmt):
        if repos and row[2] not in repos:
            continue
        if excluded(excl["change"], row[1], row[2], row[3]):
            n_excluded_changes += 1
            continue
        repo = shared.setdefault(row[2], row[2])
        base = None if row[11] is None else shared.setdefault(row[11], row[11])
        i = len(refs)
        refs.append(ChangeRef(repo, row[10], base, int(row[9])))
        found = ticket_keys((row[4],), repo=row[2], branch=row[5])
        if found:
            keys_of[i] = {shared.setdefault(k, k) for k in found}
        ints[0].append(int(row[0]))
        for arr, j in zip(ints[1:], (6, 7, 8, 9), strict=True):
            arr.append(_ms(row[j]))
    sha_index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(refs):
        if r.merge_sha:
            sha_index[(r.repo, r.merge_sha)].append(i)
    cm = schema.commits
    for repo, sha, message in conn.execute(
        select(cm.c.repo, cm.c.sha, cm.c.message).select_from(
            cm.join(c, and_(c.c.repo == cm.c.repo, c.c.merge_sha == cm.c.sha))
        )
    ):
        found = ticket_keys((message,), repo=repo)
        for i in sha_index.get((repo, sha), ()) if found else ():
            keys_of.setdefault(i, set()).update(shared.setdefault(k, k) for k in found)
    del sha_index
    dc = schema.deployment_commits
    commits_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    # Commit ranges of the successful production deployments only, looked up by id (indexed).
    by_source: dict[str, list[str]] = defaultdict(list)
    for ok in ok_refs:
        by_source[ok.source].append(ok.id)
    for source, dep_ids in by_source.items():
        for k in range(0, len(dep_ids), 500):
            stmt = select(dc.c.deployment_id, dc.c.sha).where(
                dc.c.source == source, dc.c.deployment_id.in_(dep_ids[k : k + 500])
            )
            for dep_id, sha in conn.execute(stmt):
                commits_of[(source, dep_id)].append(sha)
    change_deployed = np.array([-1 if v is None else v for v in deployed_at(refs, ok_refs, commits_of)], dtype=np.int64)
    del commits_of, ok_refs
    row_id, ch_created, ch_first, ch_review, ch_merged = (np.frombuffer(a, dtype=np.int64).copy() for a in ints)
    del ints
    ch_start = np.where((ch_first >= 0) & (ch_first < ch_created), ch_first, ch_created)
    # Sorted by key (then change): link_items looks item keys up in this order.
    pairs = sorted((k, i) for i, ks in keys_of.items() for k in ks)
    del keys_of
    lc = np.array([p[1] for p in pairs], dtype=np.int32)
    lk = strs([p[0] for p in pairs])
    del pairs

    # -- incidents --
    n = schema.incidents
    inc_rows = [
        tuple(r)
        for r in conn.execute(
            select(n.c.repo, type_coerce(n.c.created_at, BigInteger), type_coerce(n.c.resolved_at, BigInteger))
        )
        if not repos or r[0] is None or r[0] in repos
    ]
    incidents = IncidentArrays(
        created=np.array([int(r[1]) for r in inc_rows], dtype=np.int64),
        resolved=np.array([_ms(r[2]) for r in inc_rows], dtype=np.int64),
        # -1: no repository (linked at stream level); -2: a repository without production deployments.
        repo=np.array([-1 if r[0] is None else repo_code.get(r[0], -2) for r in inc_rows], dtype=np.int32),
    )
    merged_of = {(r.repo, r.merge_sha): r.merged_ms for r in refs if r.merge_sha}
    del refs
    dstages, dlabels = deployment_stage_arrays(stream, all_deps, merged_of, clock)
    return DeliveryPart(
        change_row_id=row_id,
        change_start=ch_start,
        change_created=ch_created,
        change_first_commit=ch_first,
        change_first_review=ch_review,
        change_merged=ch_merged,
        change_deployed=change_deployed,
        link_change=lc,
        link_key=lk,
        deployments=deployments,
        incidents=incidents,
        deploy_stages=dstages,
        deploy_labels=dlabels,
        excluded_changes=n_excluded_changes,
        excluded_deployments=n_excluded_deps,
    )


def link_items(
    item_key: npt.NDArray[np.str_],
    created: I64,
    link_change: npt.NDArray[np.int32],
    link_key: npt.NDArray[np.str_],
    change_deployed: I64,
) -> I64:
    """Per item: the first deployment (finish, ms) of a change naming its key, at or after the
    item's creation; -1 when none. Keys compare case-insensitively (upper case); the pairs are
    sorted by key (:func:`read_delivery`), so the cost follows the number of items asked about."""
    n = int(created.size)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or link_change.size == 0:
        return out
    keys = np.char.upper(item_key)
    left = np.searchsorted(link_key, keys, side="left")
    count = np.searchsorted(link_key, keys, side="right") - left
    item = np.repeat(np.arange(n), count)  # one row per (item, pair naming its key)
    pair = left[item] + np.arange(item.size) - np.repeat(np.cumsum(count) - count, count)
    dep = change_deployed[link_change[pair]]
    good = (dep >= 0) & (dep >= created[item])
    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, item[good], dep[good])
    found = best != np.iinfo(np.int64).max
    out[found] = best[found]
    return out
