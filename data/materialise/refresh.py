"""Incremental refresh: bring a bundle built at generation G up to date from the rows written since.

Every write transaction stamps the rows it inserts or updates with its generation
(``changed_gen``, migration 0004; ``data.store.store.Writer.change_generation``), and writers stamp in
commit order. So the rows with ``changed_gen > G`` are exactly what a bundle of generation G may
be missing — inserts *and* updates of an existing row (a run going running -> completed keeps its
id). Rows committed while the bundle was being built may already be in it; re-applying them is
harmless because every step below *replaces* what it recomputes, it never adds to it.

What is recomputed (docs/metrics.md, "Speed", says why this split):

* **work items** — the items with a changed work-item row or a changed status change are re-read
  whole (all their transitions), their per-item figures recomputed and spliced into the arrays;
  every other item keeps its figures, shifted to the new horizon (only an open status keeps
  counting). An item that left the stream (its team changed) is dropped.
* **delivery** (changes, commits, deployments, deployment commits, incidents) — re-read whole when
  a changed row can matter to the stream (a merged change of its repositories, or one the bundle
  holds; a merge commit; a deployment to an environment some figure looks at; any deployment
  commit or incident). Linking tickets to deployments is then redone from the kept pairs.
* **job stages** — re-read when a changed job run has a name a job stage matches; for a stream
  with ``repos``, also when a run, commit, change or deployment was written (they decide which
  pipelines build the stream's repositories).

A changed exclusion list, or more than a quarter of the items touched, means a full rebuild
(:func:`refresh` returns None).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, literal, select, union

from data.config.model import Stream
from data.materialise.build import StreamArrays, assemble, delivery_of, jobs_of
from data.materialise.ci import job_stage_arrays
from data.materialise.delivery import link_items, read_delivery, relevant_environments
from data.materialise.queries import exclusion_keys, exclusions_digest, read_items, read_transitions, strs
from data.metrics.clock import Clock
from data.metrics.flow import item_flow, shift_open
from data.metrics.flow_data import FlowData, ItemFlow, build_flow_data
from data.metrics.stagemap import StageMap
from data.store import schema

__all__ = ["REBUILD_SHARE", "refresh", "touched_items"]

I64 = npt.NDArray[np.int64]
#: Above this share of the items touched, a full build is as cheap and simpler.
REBUILD_SHARE = 0.25
_MIN_REBUILD = 2000


def touched_items(conn: Connection, since: int) -> I64:
    """Row ids of the work items with a row or a status change written after generation ``since``."""
    w, s = schema.work_items, schema.status_changes
    stmt = union(
        select(w.c.id).where(w.c.changed_gen > since),
        select(w.c.id)
        .select_from(s.join(w, and_(w.c.source == s.c.source, w.c.key == s.c.item_key)))
        .where(s.c.changed_gen > since),
    )
    ids = np.array([r[0] for r in conn.execute(stmt)], dtype=np.int64)
    ids.sort()
    return ids


def _delivery_dirty(conn: Connection, stream: Stream, old: StreamArrays, since: int) -> bool:
    """Whether a row written after ``since`` can change the stream's delivery figures."""
    repos = set(stream.repos)
    c = schema.changes
    rows = conn.execute(select(c.c.id, c.c.repo, c.c.merged_at.is_not(None)).where(c.c.changed_gen > since)).all()
    changed = np.array([r[0] for r in rows], dtype=np.int64)
    # isin(large, small) loops over the few changed ids; no sort of the bundle's ids.
    held = set(old.change_row_id[np.isin(old.change_row_id, changed)].tolist()) if changed.size else set()
    for rid, repo, merged in rows:
        if repos and repo not in repos:
            continue
        if merged or rid in held:  # newly merged, or one the bundle holds (updated or un-merged)
            return True
    cm = schema.commits
    merge_commit = (
        select(literal(1))
        .select_from(cm.join(c, and_(c.c.repo == cm.c.repo, c.c.merge_sha == cm.c.sha)))
        .where(cm.c.changed_gen > since)
        .limit(1)
    )
    if conn.execute(merge_commit).first() is not None:
        return True
    d = schema.deployments
    patterns = relevant_environments(stream)
    for repo, env in conn.execute(select(d.c.repo, d.c.environment).where(d.c.changed_gen > since).distinct()):
        if (not repos or repo in repos) and any(p.search(env) for p in patterns):
            return True
    for table in (schema.deployment_commits, schema.incidents):
        if conn.execute(select(literal(1)).where(table.c.changed_gen > since).limit(1)).first() is not None:
            return True
    return False


def _jobs_dirty(conn: Connection, stream: Stream, since: int) -> bool:
    patterns = [re.compile(st.jobs) for st in stream.stages if st.jobs is not None]
    if not patterns:
        return False
    if stream.repos:
        # Which pipelines build the stream's repositories follows runs, commits, changes and
        # deployments (materialise_ci.pipelines_of): any of them written means a re-read.
        for table in (schema.pipeline_runs, schema.commits, schema.changes, schema.deployments):
            if conn.execute(select(literal(1)).where(table.c.changed_gen > since).limit(1)).first() is not None:
                return True
    j = schema.job_runs
    names = conn.execute(select(j.c.name).where(j.c.changed_gen > since).distinct()).scalars()
    return any(p.search(n) for n in names for p in patterns)


def refresh(conn: Connection, stream: Stream, old: StreamArrays, generation: int, clock: Clock) -> StreamArrays | None:
    """``old`` brought up to ``generation`` (read before this call), or None when a full build is due.

    ``old`` must have been built for the same stream config and clock (the cache key says so).
    """
    if generation < old.generation:
        return None  # the store went back (a restored file): nothing to diff against
    if exclusions_digest(conn) != old.exclusions_digest:
        return None
    since = old.generation
    touched = touched_items(conn, since)
    if touched.size > max(_MIN_REBUILD, REBUILD_SHARE * old.flow_data.n_items):
        return None
    delivery_dirty = _delivery_dirty(conn, stream, old, since)
    jobs_dirty = _jobs_dirty(conn, stream, since)
    excl = exclusion_keys(conn) if (touched.size or delivery_dirty) else {}
    parts, deployed = _items(conn, stream, old, touched, excl, clock)
    return assemble(
        stream=stream,
        generation=generation,
        exclusions_digest=old.exclusions_digest,
        delivery=read_delivery(conn, stream, excl, clock) if delivery_dirty else delivery_of(old, stream),
        job_stages=job_stage_arrays(conn, stream, clock) if jobs_dirty else jobs_of(old, stream),
        # Same links: kept items keep theirs, re-read items are linked alone. New links: all again.
        item_deployed=None if delivery_dirty else deployed,
        **parts,
    )


def _items(  # noqa: PLR0917 - the bundle, what changed, and how to read it
    conn: Connection,
    stream: Stream,
    old: StreamArrays,
    touched: I64,
    excl: dict[str, set[tuple[str, str]]],
    clock: Clock,
) -> tuple[dict[str, Any], I64]:
    """The item half of the bundle with the ``touched`` items re-read (keyword arguments of
    assemble), and ``item_deployed`` as the unchanged delivery part links them."""
    same = {
        "horizon_ms": old.horizon_ms,
        "item_id": old.item_id,
        "item_source": old.item_source,
        "item_key": old.item_key,
        "item_is_requirement": old.item_is_requirement,
        "flow_data": old.flow_data,
        "final": old.final,
        "excluded_item_ids": old.excluded_item_ids,
    }
    if touched.size == 0:
        return same, old.item_deployed
    sm = StageMap(stream)
    rows = read_items(conn, stream, excl, touched.tolist())
    tr = read_transitions(conn, sm, rows.item_id, rows.item_id.tolist())
    sub = build_flow_data(sm.n_stages, rows.created, tr.item, tr.at, tr.to, tr.frm)
    kept = ~np.isin(old.item_id, touched)
    fd, order = _splice_flow(old.flow_data, old.item_id, kept, rows.item_id, sub)
    # The horizon the full build would take (it can move back when the item holding it left the
    # stream); the kept items have no transition after it, so shifting their figures is exact.
    horizon = fd.horizon_ms
    final_old = shift_open(old.final, horizon, kept, clock) if horizon != old.horizon_ms else old.final
    sub_final = item_flow(sub, horizon, clock)
    merged: dict[str, npt.NDArray[np.generic]] = {}
    for name in ItemFlow.__dataclass_fields__:
        if name != "as_of_ms":
            merged[name] = np.concatenate([getattr(final_old, name)[kept], getattr(sub_final, name)])[order]
    final = ItemFlow(as_of_ms=horizon, **merged)  # type: ignore[arg-type]
    excluded_ids = np.union1d(old.excluded_item_ids[~np.isin(old.excluded_item_ids, touched)], rows.excluded_ids)
    sub_keys = strs(rows.key)
    sub_deployed = link_items(sub_keys, rows.created, old.link_change, old.link_key, old.change_deployed)
    deployed = np.concatenate([old.item_deployed[kept], sub_deployed])[order]
    return {
        "horizon_ms": horizon,
        "item_id": np.concatenate([old.item_id[kept], rows.item_id])[order],
        "item_source": np.concatenate([old.item_source[kept], strs(rows.source)])[order],
        "item_key": np.concatenate([old.item_key[kept], sub_keys])[order],
        "item_is_requirement": np.concatenate([old.item_is_requirement[kept], rows.is_requirement])[order],
        "flow_data": fd,
        "final": final,
        "excluded_item_ids": excluded_ids.astype(np.int64),
    }, deployed


def _splice_flow(
    ofd: FlowData, old_ids: I64, kept: npt.NDArray[np.bool_], new_ids: I64, sub: FlowData
) -> tuple[FlowData, I64]:
    """Kept old items and re-read items merged by row id: (flow data, the order applied to
    ``concat(old[kept], new)`` per-item arrays)."""
    n_kept = int(kept.sum())
    order = np.argsort(np.concatenate([old_ids[kept], new_ids]), kind="stable")
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    old_pos = np.full(old_ids.size, -1, dtype=np.int64)
    old_pos[kept] = position[:n_kept]
    new_pos = position[n_kept:]
    t_keep = kept[ofd.t_item]
    t_item = np.concatenate([old_pos[ofd.t_item[t_keep]], new_pos[sub.t_item]]).astype(np.int32)
    t_at = np.concatenate([ofd.t_at[t_keep], sub.t_at])
    t_code = np.concatenate([ofd.t_code[t_keep], sub.t_code])
    if t_item.size > 1 and bool((t_item[1:] < t_item[:-1]).any()):
        # Items keep their own transitions in order; a stable sort by item restores the layout.
        t_order = np.argsort(t_item, kind="stable")
        t_item, t_at, t_code = t_item[t_order], t_at[t_order], t_code[t_order]
    created = np.concatenate([ofd.created_ms[kept], sub.created_ms])[order]
    return FlowData(n_stages=ofd.n_stages, created_ms=created, t_item=t_item, t_at=t_at, t_code=t_code), order
