"""Materialisation: read the store once per (generation, stream) into compact numpy arrays.

This is the one module in ``data/metrics`` that touches the store. It reads with SQL (status
codes computed by the database, instants as integers, rows fetched in chunks into numpy) and
produces a :class:`StreamArrays` bundle: everything a report needs for *any* window and *any*
``as_of``. :mod:`data.metrics.cache` keeps bundles in memory and in the ``metrics_cache`` table.

What is kept, and why (the as_of trade-off): every coded status transition (item, instant, code:
14 bytes each) so that a report as of a past instant can recompute exactly what was known then,
plus the per-item figures as of the data's horizon (the latest instant in the data). A report
whose ``as_of`` is at or after the horizon — every live view — reads the per-item figures
directly; an older ``as_of`` recomputes them from the transitions with numpy (about a second for
a million transitions instead of tens of milliseconds).
"""

from __future__ import annotations

import json
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, Connection, and_, case, func, literal, select, type_coerce

from data import schema
from data.config import DEFAULT_DONE, Stream
from data.metrics.cistages import PipelineStageArrays
from data.metrics.clock import CALENDAR, Clock
from data.metrics.dora import DeploymentArrays, IncidentArrays
from data.metrics.flow import FlowData, ItemFlow, build_flow_data, flow_from_final, item_flow
from data.metrics.linking import ChangeRef, DeployRef, deployed_at, ticket_keys
from data.metrics.stagemap import DONE, NO_STATUS, OUTSIDE, StageMap

__all__ = ["StreamArrays", "materialise"]

I64 = npt.NDArray[np.int64]
_CHUNK = 50_000


def _ms(value: Any) -> int:
    return -1 if value is None else int(value)


def _ascii_lower(text: str) -> str:
    """What SQLite's ``lower()`` does: ASCII letters only."""
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in text)


def _names(names: set[str] | frozenset[str] | tuple[str, ...]) -> list[str]:
    out: set[str] = set()
    for n in names:
        out.add(n.lower())
        out.add(_ascii_lower(n))
    return sorted(out)


def _code_expr(sm: StageMap, name_col: Any, id_col: Any, category_col: Any | None) -> Any:
    """A SQL CASE giving the same code as :meth:`StageMap.code` (precedence included).

    Without ``id:`` entries (the usual case) it is one *simple* CASE on ``lower(name)``, so the
    database lowers each name once instead of once per branch (a third of the cold build time).
    """
    if sm.done_ids or sm.by_id:
        return _searched_code_expr(sm, name_col, id_col, category_col)
    names: dict[str, int] = {}
    for n in _names(sm.done_names):
        names.setdefault(n, DONE)
    for n, code in sm.by_name.items():
        for v in _names({n}):
            names.setdefault(v, code)
    if not sm.stream.done:
        for n in _names(DEFAULT_DONE):
            names.setdefault(n, DONE)
    default: Any = literal(OUTSIDE)
    if not sm.stream.done and category_col is not None:
        default = case((func.lower(func.coalesce(category_col, "")) == "done", DONE), else_=OUTSIDE)
    if not names:
        return default
    return case(names, value=func.lower(name_col), else_=default)


def _searched_code_expr(sm: StageMap, name_col: Any, id_col: Any, category_col: Any | None) -> Any:
    """The general form, with status ids (each branch in :meth:`StageMap.code`'s order)."""
    lname = func.lower(name_col)
    whens: list[tuple[Any, Any]] = []
    if sm.done_ids:
        whens.append((id_col.in_(sorted(sm.done_ids)), DONE))
    if sm.done_names:
        whens.append((lname.in_(_names(sm.done_names)), DONE))
    by_code_ids: dict[int, list[str]] = defaultdict(list)
    for sid, code in sm.by_id.items():
        by_code_ids[code].append(sid)
    for code, ids in sorted(by_code_ids.items()):
        whens.append((id_col.in_(sorted(ids)), code))
    by_code_names: dict[int, set[str]] = defaultdict(set)
    for n, code in sm.by_name.items():
        by_code_names[code].add(n)
    for code, names in sorted(by_code_names.items()):
        whens.append((lname.in_(_names(names)), code))
    if not sm.stream.done:
        cond: Any = lname.in_(_names(DEFAULT_DONE))
        if category_col is not None:
            cond = cond | (func.lower(func.coalesce(category_col, "")) == "done")
        whens.append((cond, DONE))
    if not whens:
        return literal(OUTSIDE)
    return case(*whens, else_=OUTSIDE)


@dataclass
class StreamArrays:
    """Everything a report needs about one stream, as arrays (epoch ms; -1 = none)."""

    n_stages: int
    generation: int
    horizon_ms: int
    # work items
    item_id: I64
    item_source: npt.NDArray[np.str_]
    item_key: npt.NDArray[np.str_]
    item_is_requirement: npt.NDArray[np.bool_]
    item_deployed: I64  # first successful production deployment carrying a linked change
    flow_data: FlowData
    final: ItemFlow  # per-item figures as of the horizon
    # changes (merged, of the stream's repositories)
    change_start: I64
    change_created: I64
    change_first_commit: I64
    change_first_review: I64
    change_merged: I64
    change_deployed: I64
    # production deployments and incidents
    deployments: DeploymentArrays
    incidents: IncidentArrays
    # pipeline stages, by stage index in the stream
    pipeline_stages: dict[int, PipelineStageArrays]
    pipeline_labels: dict[int, list[tuple[str, str, str | None]]]
    excluded: dict[str, int]

    # -- (de)serialisation: plain arrays only, never pickle (the cache may be shared) --

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Flat named arrays for ``np.savez``."""
        f = self.final
        out: dict[str, npt.NDArray[Any]] = {
            "meta": np.array(
                [
                    json.dumps(
                        {
                            "n_stages": self.n_stages,
                            "generation": self.generation,
                            "horizon_ms": self.horizon_ms,
                            "final_as_of": f.as_of_ms,
                            "excluded": self.excluded,
                            "pipeline_labels": {str(k): v for k, v in self.pipeline_labels.items()},
                            "pipeline_stages": sorted(self.pipeline_stages),
                        }
                    )
                ]
            ),
            "item_id": self.item_id,
            "item_source": self.item_source,
            "item_key": self.item_key,
            "item_is_requirement": self.item_is_requirement,
            "item_deployed": self.item_deployed,
            "created_ms": self.flow_data.created_ms,
            "t_item": self.flow_data.t_item,
            "t_at": self.flow_data.t_at,
            "t_code": self.flow_data.t_code,
        }
        for name in ItemFlow.__dataclass_fields__:
            if name != "as_of_ms":
                out["f_" + name] = getattr(f, name)
        for name in ("start", "created", "first_commit", "first_review", "merged", "deployed"):
            out["c_" + name] = getattr(self, "change_" + name)
        for name in DeploymentArrays.__dataclass_fields__:
            out["d_" + name] = getattr(self.deployments, name)
        for name in IncidentArrays.__dataclass_fields__:
            out["n_" + name] = getattr(self.incidents, name)
        for k, p in self.pipeline_stages.items():
            for name in PipelineStageArrays.__dataclass_fields__:
                out[f"p{k}_{name}"] = getattr(p, name)
        return out

    @classmethod
    def from_arrays(cls, a: dict[str, npt.NDArray[Any]]) -> StreamArrays:
        """Inverse of :meth:`to_arrays`."""
        meta = json.loads(str(a["meta"][0]))
        fd = FlowData(meta["n_stages"], a["created_ms"], a["t_item"], a["t_at"], a["t_code"])
        fields = {n: a["f_" + n] for n in ItemFlow.__dataclass_fields__ if n != "as_of_ms"}
        final = ItemFlow(as_of_ms=meta["final_as_of"], **fields)
        stages = {
            int(k): PipelineStageArrays(**{n: a[f"p{k}_{n}"] for n in PipelineStageArrays.__dataclass_fields__})
            for k in meta["pipeline_stages"]
        }
        return cls(
            n_stages=meta["n_stages"],
            generation=meta["generation"],
            horizon_ms=meta["horizon_ms"],
            item_id=a["item_id"],
            item_source=a["item_source"],
            item_key=a["item_key"],
            item_is_requirement=a["item_is_requirement"],
            item_deployed=a["item_deployed"],
            flow_data=fd,
            final=final,
            change_start=a["c_start"],
            change_created=a["c_created"],
            change_first_commit=a["c_first_commit"],
            change_first_review=a["c_first_review"],
            change_merged=a["c_merged"],
            change_deployed=a["c_deployed"],
            deployments=DeploymentArrays(**{n: a["d_" + n] for n in DeploymentArrays.__dataclass_fields__}),
            incidents=IncidentArrays(**{n: a["n_" + n] for n in IncidentArrays.__dataclass_fields__}),
            pipeline_stages=stages,
            pipeline_labels={int(k): [tuple(x) for x in v] for k, v in meta["pipeline_labels"].items()},
            excluded=meta["excluded"],
        )

    def flow_as_of(self, as_of_ms: int, clock: Clock = CALENDAR) -> ItemFlow:
        """Per-item figures as of ``as_of_ms`` (see :func:`data.metrics.flow.flow_from_final`);
        ``clock`` must be the one the bundle was built with."""
        return flow_from_final(self.flow_data, self.final, as_of_ms, clock)


def _int_chunks(conn: Connection, stmt: Any, width: int) -> Iterator[I64]:
    """Integer rows of ``stmt`` as (n, width) int64 arrays, a chunk at a time.

    Reads the DBAPI cursor directly: SQLAlchemy's Row objects would cost a Python object per row
    (and numpy probes them as mappings, which is slower still), and every column is already an
    integer in SQL (instants are type-coerced, never converted to datetimes).
    """
    result = conn.execute(stmt)
    cursor = result.cursor
    try:
        while True:
            rows = cursor.fetchmany(_CHUNK)
            if not rows:
                break
            yield np.array(rows, dtype=np.int64).reshape(-1, width)
    finally:
        result.close()


def _strs(values: list[str]) -> npt.NDArray[np.str_]:
    return np.array(values, dtype=str) if values else np.zeros(0, dtype="U1")


def _exclusion_keys(conn: Connection) -> dict[str, set[tuple[str, str]]]:
    t = schema.exclusions
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for kind, source, key in conn.execute(select(t.c.kind, t.c.source, t.c.key)):
        out[kind].add((source, key))
    return out


def _excluded(ex: set[tuple[str, str]], source: str, repo: str, ident: str) -> bool:
    return (source, f"{repo}#{ident}") in ex or (source, ident) in ex


def materialise(conn: Connection, stream: Stream, generation: int, clock: Clock = CALENDAR) -> StreamArrays:
    """Read everything about ``stream`` from the store into a :class:`StreamArrays`.

    Durations in the bundle (per-item stage times, pipeline-stage times) are measured with ``clock``.
    """
    sm = StageMap(stream)
    excl = _exclusion_keys(conn)
    excluded = {"work_item": 0, "change": 0, "deployment": 0}

    # -- work items (filters of the stream, exclusions) --
    w = schema.work_items
    teams = {t.lower() for t in stream.teams}
    projects = {p.upper() for p in stream.projects}
    sources = set(stream.sources)
    req_types = {t.lower() for t in stream.requirement_types}
    ids: list[int] = []
    srcs: list[str] = []
    keys: list[str] = []
    created: list[int] = []
    is_req: list[bool] = []
    stmt = select(w.c.id, w.c.source, w.c.key, type_coerce(w.c.created_at, BigInteger), w.c.type, w.c.team)
    for rid, source, key, created_at, typ, team in conn.execute(stmt.order_by(w.c.id)):
        if teams and (team or "").lower() not in teams:
            continue
        if projects and key.split("-", 1)[0].upper() not in projects:
            continue
        if sources and source not in sources:
            continue
        if (source, key) in excl["work_item"]:
            excluded["work_item"] += 1
            continue
        ids.append(rid)
        srcs.append(source)
        keys.append(key)
        created.append(int(created_at))
        is_req.append(not req_types or (typ or "").lower() in req_types)
    item_id = np.array(ids, dtype=np.int64)

    # -- status transitions, coded by the database --
    s = schema.status_changes
    to_code = _code_expr(sm, s.c.to_status, s.c.to_id, s.c.to_category)
    from_code = case(
        (and_(s.c.from_status == "", s.c.from_id.is_(None)), NO_STATUS),
        else_=_code_expr(sm, s.c.from_status, s.c.from_id, None),
    )
    stmt = select(w.c.id, type_coerce(s.c.at, BigInteger), to_code, from_code).select_from(
        s.join(w, and_(w.c.source == s.c.source, w.c.key == s.c.item_key))
    )
    # Narrow columns per chunk (item index int32, codes int16) keep the peak memory low.
    cols: tuple[list[Any], list[Any], list[Any], list[Any]] = ([], [], [], [])
    for chunk in _int_chunks(conn, stmt, 4):
        if item_id.size == 0:
            break
        pos = np.searchsorted(item_id, chunk[:, 0])
        keep = (pos < item_id.size) & (item_id[np.minimum(pos, item_id.size - 1)] == chunk[:, 0])
        cols[0].append(pos[keep].astype(np.int32))
        cols[1].append(chunk[keep, 1])
        cols[2].append(chunk[keep, 2].astype(np.int16))
        cols[3].append(chunk[keep, 3].astype(np.int16))
    item_pos, at, to, frm = (
        np.concatenate(c) if c else np.zeros(0, dtype=t)
        for c, t in zip(cols, (np.int32, np.int64, np.int16, np.int16), strict=True)
    )
    del cols
    fd = build_flow_data(sm.n_stages, np.array(created, dtype=np.int64), item_pos, at, to, frm)
    del item_pos, at, to, frm
    horizon = fd.horizon_ms
    final = item_flow(fd, horizon, clock)  # now, before the other records fill memory

    # -- deployments --
    d = schema.deployments
    repos = set(stream.repos)
    prod = re.compile(stream.production, re.IGNORECASE)
    all_deps: list[tuple[Any, ...]] = []
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
    patterns = [prod] + [re.compile(st.deployments) for st in stream.stages if st.deployments is not None]
    relevant: dict[str, bool] = {}
    for row in conn.execute(stmt):
        if repos and row[1] not in repos:
            continue
        if _excluded(excl["deployment"], row[0], row[1], row[2]):
            excluded["deployment"] += 1
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

    # -- changes, their deployment, and the tickets they name --
    c = schema.changes
    stmt = select(
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
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        by_key[key.upper()].append(i)
    known = set(by_key)
    shared: dict[str, str] = {}
    refs: list[ChangeRef] = []
    change_keys: list[frozenset[str] | None] = []  # None: names no ticket (most changes)
    ints: tuple[array[int], ...] = tuple(array("q") for _ in range(4))  # created, first commit/review, merged
    for row in conn.execute(stmt):
        if repos and row[1] not in repos:
            continue
        if _excluded(excl["change"], row[0], row[1], row[2]):
            excluded["change"] += 1
            continue
        repo = shared.setdefault(row[1], row[1])
        base = None if row[10] is None else shared.setdefault(row[10], row[10])
        refs.append(ChangeRef(repo, row[9], base, int(row[8])))
        change_keys.append(frozenset(ticket_keys((row[3], row[4]), known)) or None)
        for arr, j in zip(ints, (5, 6, 7, 8), strict=True):
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
        found = ticket_keys((message,), known)
        if found:
            for i in sha_index.get((repo, sha), ()):
                change_keys[i] = frozenset(found | (change_keys[i] or frozenset()))
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
    del commits_of
    item_deployed = np.full(len(keys), -1, dtype=np.int64)
    created_arr = fd.created_ms
    for i in np.nonzero(change_deployed >= 0)[0].tolist():
        dep = int(change_deployed[i])
        for key in change_keys[i] or ():
            for idx in by_key[key]:
                if dep >= created_arr[idx] and (item_deployed[idx] < 0 or dep < item_deployed[idx]):
                    item_deployed[idx] = dep
    del change_keys
    ch_created, ch_first, ch_review, ch_merged = (np.frombuffer(a, dtype=np.int64).copy() for a in ints)
    ch_start = np.where((ch_first >= 0) & (ch_first < ch_created), ch_first, ch_created)

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

    from data.metrics.materialise_ci import pipeline_stage_arrays

    merged_of = {(r.repo, r.merge_sha): r.merged_ms for r in refs if r.merge_sha}
    pstages, plabels = pipeline_stage_arrays(conn, stream, all_deps, merged_of, clock)
    return StreamArrays(
        n_stages=sm.n_stages,
        generation=generation,
        horizon_ms=horizon,
        item_id=item_id,
        item_source=_strs(srcs),
        item_key=_strs(keys),
        item_is_requirement=np.array(is_req, dtype=bool),
        item_deployed=item_deployed,
        flow_data=fd,
        final=final,
        change_start=ch_start,
        change_created=ch_created,
        change_first_commit=ch_first,
        change_first_review=ch_review,
        change_merged=ch_merged,
        change_deployed=change_deployed,
        deployments=deployments,
        incidents=incidents,
        pipeline_stages=pstages,
        pipeline_labels=plabels,
        excluded=excluded,
    )
