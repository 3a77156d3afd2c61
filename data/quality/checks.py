"""The data-quality checks: can the numbers be trusted, and what could not be linked?

:func:`assess` reads the store once and returns a :class:`~data.quality.results.QualityReport`:

- **sources** — per source, the last sync attempt/success/error (``store.sync_states()``), how
  many records it delivered, and *gaps*: whole ISO weeks with no record at all from a source whose
  median week has at least :data:`STEADY_WEEKLY_MEDIAN` records (a stalled sync or a lost page);
- **coverage** (for the stream) — merged changes that name a ticket, completed tickets whose
  change reached production, production deployments whose commit range is known;
- **unmapped statuses** (for the stream) — time spent in statuses no stage maps, per status;
- **anomalies** (whole store) — negative and zero-length intervals, transitions whose ``from``
  is not the previous ``to``, runs and deployments without a finish, ticket keys in two sources;
- **completed without a production deployment** (for the stream and a window, default the 13
  weeks to ``as_of``) — items completed in the window, as the metrics count them, that no change
  carried to production by ``as_of``: each is a problem, with its share of the completed items.

Linking and filtering follow the metrics engine (:mod:`data.quality.scope`), so a coverage gap
here is exactly what the metrics could not link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, and_, or_, select, type_coerce

from data.config.model import Config, Stream
from data.i18n import N_
from data.i18n import gettext_ as _
from data.materialise.cache import stream_arrays
from data.metrics.clock import store_now
from data.metrics.flow_figures import completed_mask
from data.metrics.stagemap import StageMap
from data.quality import anomalies, queries
from data.quality.results import (
    Coverage,
    ExclusionNote,
    Finding,
    FindingItem,
    Gap,
    QualityReport,
    SourceHealth,
    UnlinkedCompleted,
    UnmappedStatus,
)
from data.quality.scope import Scope, deployment_key
from data.records import Change, Deployment, Incident, JobRun, PipelineRun
from data.store import schema
from data.store.rows import (
    change_from_row,
    deployment_from_row,
    incident_from_row,
    job_run_from_row,
    pipeline_run_from_row,
)
from data.store.schema import from_ms, to_ms
from data.store.store import Store
from data.timeutil import DAY_MS, HOUR_MS, WEEK_MS

__all__ = ["STEADY_WEEKLY_MEDIAN", "STUCK_AFTER_DAYS", "UNLINKED_WINDOW_DAYS", "assess"]

#: A source is "steady" (so an empty week is a gap, not a quiet week) from this median per week.
STEADY_WEEKLY_MEDIAN = 3.0
#: ... over at least this many weeks from its first to its last record (a one-off import is not judged).
STEADY_MIN_WEEKS = 4
#: A run or deployment still running after this many days is reported as never finished.
STUCK_AFTER_DAYS = 2.0
#: The default window of the "completed without a production deployment" check: 13 weeks, as the GUI's.
UNLINKED_WINDOW_DAYS = 91


def assess(
    store: Store,
    config: Config,
    *,
    stream: str | None = None,
    as_of: datetime | None = None,
    stuck_after_days: float = STUCK_AFTER_DAYS,
    window_from: datetime | None = None,
    window_to: datetime | None = None,
) -> QualityReport:
    """Run every check as of ``as_of`` (default now) for ``stream`` (default: the first stream).

    ``[window_from, window_to)`` is the window of the "completed without a production deployment"
    check (default: the :data:`UNLINKED_WINDOW_DAYS` days up to ``as_of``).
    Raises ``data.config.parse.ConfigError`` for an unknown stream, ``ValueError`` for an empty window.
    """
    s = config.stream(stream)
    as_of = as_of or store_now(store)
    a_ms = to_ms(as_of)
    window_to = window_to or as_of
    window_from = window_from or window_to - timedelta(days=UNLINKED_WINDOW_DAYS)
    if window_from >= window_to:
        raise ValueError(f"window from {window_from.isoformat()} must be before {window_to.isoformat()}")
    exclusions = store.exclusions()
    scope = Scope(s, exclusions)
    sm = StageMap(s)
    arrays = stream_arrays(store, s)
    stream_keys = set(zip(arrays.item_source.tolist(), arrays.item_key.tolist(), strict=True))
    w, c, dp = schema.work_items, schema.changes, schema.deployments
    with store.engine.connect() as conn:
        weeks = queries.week_counts(conn, a_ms)
        # Every item's key and title: a few columns of a table the size of the items, no records.
        all_items = [
            (src, key, title, int(created))
            for src, key, title, created in conn.execute(
                select(w.c.source, w.c.key, w.c.title, type_coerce(w.c.created_at, BigInteger)).order_by(
                    w.c.source, w.c.key
                )
            )
        ]
        status = sorted(queries.status_rows(conn, sm, a_ms), key=lambda r: (r[0], r[1], r[9]))
        merged = [
            (int(rid), src, f"{repo}#{ext}", title)
            for rid, src, repo, ext, title in conn.execute(
                select(c.c.id, c.c.source, c.c.repo, c.c.external_id, c.c.title)
                .where(c.c.merged_at.is_not(None))
                .order_by(c.c.source, c.c.repo, c.c.external_id)
            )
        ]
        dc = schema.deployment_commits
        ranged_q = select(dc.c.id).where(dc.c.source == dp.c.source, dc.c.deployment_id == dp.c.external_id).exists()
        ok_prod = [
            (deployment_from_row(dict(r)), bool(r["ranged"]))
            for r in conn.execute(
                select(dp, ranged_q.label("ranged"))
                .where(dp.c.status == "success", dp.c.finished_at.is_not(None))
                .order_by(dp.c.source, dp.c.repo, dp.c.id)
            ).mappings()
        ]
        odd = _odd_records(conn)
    sources = _sources(store, config, weeks, a_ms)
    titles = {(src, key): title for src, key, title, _cr in all_items if (src, key) in stream_keys}

    # -- coverage and unmapped statuses (the stream) --
    known_keys = {k.upper() for k in arrays.item_key.tolist()}
    naming = set(arrays.link_change[np.isin(arrays.link_key, list(known_keys))].tolist()) if known_keys else set()
    kept = arrays.change_row_id.tolist()
    linked_ids = {kept[i] for i in naming}
    kept_ids = set(kept)
    merged = [m for m in merged if m[0] in kept_ids]
    linked = Coverage(
        "changes_linked_to_tickets",
        N_("Merged changes that name a ticket (title, branch or merge-commit message)"),
        sum(1 for m in merged if m[0] in linked_ids),
        len(merged),
        tuple(FindingItem(src, key, title) for rid, src, key, title in merged if rid not in linked_ids),
    )
    deployed = dict(
        zip(
            zip(arrays.item_source.tolist(), arrays.item_key.tolist(), strict=True),
            arrays.item_deployed.tolist(),
            strict=True,
        )
    )
    done_now = {(r[0], r[1]) for r in status if r[11] and (r[0], r[1]) in stream_keys}
    completed = [(src, key) for src, key, _t, _cr in all_items if (src, key) in done_now]
    reached = [k for k in completed if 0 <= deployed.get(k, -1) <= a_ms]
    reached_keys = set(reached)
    tickets_cov = Coverage(
        "tickets_linked_to_deployments",
        N_("Completed tickets whose linked change reached production"),
        len(reached),
        len(completed),
        tuple(FindingItem(src, key, titles[(src, key)]) for src, key in completed if (src, key) not in reached_keys),
    )
    prod = [(x, r) for x, r in ok_prod if scope.production([x])]
    range_cov = Coverage(
        "deployments_with_commit_range",
        N_("Successful production deployments whose commit range is known"),
        sum(1 for _x, r in prod if r),
        len(prod),
        tuple(
            FindingItem(x.source, deployment_key(x), _("sha {sha}; linked by time instead").format(sha=x.sha or "?"))
            for x, r in prod
            if not r
        ),
    )
    created = {(src, key): cr for src, key, _t, cr in all_items}
    unmapped = _unmapped_rows(sm, status, stream_keys, created, a_ms)

    # -- anomalies (whole store) --
    negative_items = [
        FindingItem(src, key, f"status change at {_fmt_ms(at)} before creation at {_fmt_ms(cr)}")
        for src, key, at, *_rest in status
        if _rest[6] == 1 and (cr := created.get((src, key))) is not None and at < cr
    ]
    findings = (
        Finding(
            "negative_interval",
            N_("Intervals that end before they start"),
            (
                *negative_items,
                *anomalies.negative([], {}, odd.changes, odd.runs, odd.jobs, odd.deployments, odd.incidents),
            ),
        ),
        Finding(
            "zero_length_interval",
            N_("Finished runs, jobs and deployments of zero length"),
            tuple(anomalies.zero(odd.runs, odd.jobs, odd.deployments)),
        ),
        Finding(
            "transition_out_of_order",
            N_("Transitions whose 'from' is not the previous 'to'"),
            tuple(_out_of_order(status)),
        ),
        Finding(
            "run_without_finish",
            N_("Pipeline runs completed without a finish, or running too long"),
            tuple(anomalies.runs_unfinished(odd.runs, a_ms, stuck_after_days)),
        ),
        Finding(
            "deployment_without_finish",
            N_("Deployments with a result but no finish, or running too long"),
            tuple(anomalies.deployments_unfinished(odd.deployments, a_ms, stuck_after_days)),
        ),
        Finding(
            "duplicate_key_across_sources",
            N_("The same ticket key in two sources"),
            tuple(anomalies.duplicates([_Keyed(src, key) for src, key, _t, _cr in all_items])),
        ),
    )
    return QualityReport(
        as_of=as_of,
        stream=s.name,
        measure_from=s.measure_from,
        sources=sources,
        coverage=(linked, tickets_cov, range_cov),
        unmapped=unmapped,
        anomalies=findings,
        exclusions=tuple(ExclusionNote(e.kind, e.source, e.key, e.reason, e.created_at) for e in exclusions),
        unlinked=_unlinked(
            store,
            s,
            titles,
            window_from=window_from,
            window_to=window_to,
            a_ms=a_ms,
        ),
    )


def _unlinked(
    store: Store,
    stream: Stream,
    titles: dict[tuple[str, str], str],
    *,
    window_from: datetime,
    window_to: datetime,
    a_ms: int,
) -> UnlinkedCompleted:
    """Items completed in the window (as the metrics count completions) whose linked changes never
    reached production by ``a_ms``; from the metrics' cached arrays, so the count is the one behind
    the lead times and the trends."""
    arrays = stream_arrays(store, stream)
    flow = arrays.flow_as_of(a_ms)
    done = completed_mask(flow, to_ms(window_from), min(to_ms(window_to), a_ms + 1))
    dep = arrays.item_deployed
    missing = np.nonzero(done & ~((dep >= 0) & (dep <= a_ms)))[0]
    named = set(arrays.link_key.tolist())
    items = []
    for i in missing.tolist():
        source, key = str(arrays.item_source[i]), str(arrays.item_key[i])
        reason = (
            _("named by a change that has not reached production") if key.upper() in named else _("no change names it")
        )
        title = titles.get((source, key), "")
        items.append(FindingItem(source, key, f"{reason}: {title}" if title else reason))
    return UnlinkedCompleted(window_from, window_to, int(done.sum()), tuple(items))


# --- sources ----------------------------------------------------------------------------------------


def _sources(
    store: Store, config: Config, weeks: dict[str, dict[int, list[int]]], a_ms: int
) -> tuple[SourceHealth, ...]:
    states = store.sync_states()
    configured = {sc.name: sc for sc in config.sources}
    out: list[SourceHealth] = []
    for name in sorted(set(weeks) | set(states) | set(configured)):
        st = states.get(name, {})
        cfg = configured.get(name)
        cells = weeks.get(name, {})
        records = sum(v[0] for v in cells.values())
        first = min((v[1] for v in cells.values()), default=None)
        last = max((v[2] for v in cells.values()), default=None)
        gaps, weekly = _gaps({k: v[0] for k, v in cells.items()}, a_ms)
        success = st.get("last_success_at")
        stale = cfg is not None and (success is None or a_ms - to_ms(success) > 3 * cfg.interval_s * 1000)
        out.append(
            SourceHealth(
                source=name,
                configured=cfg is not None,
                kind=cfg.kind if cfg else None,
                last_attempt_at=st.get("last_attempt_at"),
                last_success_at=success,
                last_error=st.get("last_error"),
                records=records,
                first_at=from_ms(first) if first is not None else None,
                last_at=from_ms(last) if last is not None else None,
                weekly_median=weekly,
                gaps=gaps,
                stale=stale,
            )
        )
    return tuple(out)


def _gaps(counts_by_week: dict[int, int], a_ms: int) -> tuple[tuple[Gap, ...], float | None]:
    """Empty whole ISO weeks (Monday 00:00 UTC) of a steady source; and its weekly median.

    ``counts_by_week`` holds the source's records per Monday-based week number
    (:func:`data.quality.queries.week_of`), those dated after ``as_of`` left out.
    Steadiness is judged over the weeks from the source's first to its last record (zeros
    included; at least :data:`STEADY_MIN_WEEKS` of them), so a sync that stopped does not make a
    busy source look quiet. Gaps are the empty weeks inside that span, plus every whole week after
    the last record up to ``as_of`` (a sync that stopped is the gap that matters most). The week
    holding ``as_of`` is not judged: it is not over.
    """
    if not counts_by_week:
        return (), None
    w0 = min(counts_by_week)
    first_week = w0 * WEEK_MS - 3 * DAY_MS  # Monday 00:00 UTC of week w0 (the epoch was a Thursday)
    last_week = max(counts_by_week) - w0  # index of the last record's week
    end_week = queries.week_of(a_ms) - w0  # exclusive
    counts = np.zeros(last_week + 1, dtype=np.int64)
    for k, n in counts_by_week.items():
        counts[k - w0] = n
    weekly = float(np.median(counts))
    if weekly < STEADY_WEEKLY_MEDIAN or last_week + 1 < STEADY_MIN_WEEKS:
        return (), weekly
    # Zero weeks in the span, then the silent weeks after it.
    empty = [i for i in range(last_week + 1) if counts[i] == 0] + list(range(last_week + 1, end_week))
    gaps: list[Gap] = []
    for i in empty:
        if gaps and to_ms(gaps[-1].week_to) == first_week + i * WEEK_MS:
            g = gaps[-1]
            gaps[-1] = Gap(g.week_from, from_ms(first_week + (i + 1) * WEEK_MS), g.weeks + 1)
        else:
            gaps.append(Gap(from_ms(first_week + i * WEEK_MS), from_ms(first_week + (i + 1) * WEEK_MS), 1))
    return tuple(gaps), weekly


# --- unmapped statuses ------------------------------------------------------------------------------


def _unmapped_rows(
    sm: StageMap,
    rows: list[tuple[Any, ...]],
    stream_keys: set[tuple[str, str]],
    created: dict[tuple[str, str], int],
    a_ms: int,
) -> tuple[UnmappedStatus, ...]:
    """Hours per status outside every stage (and not done), with the items and their hours.

    ``rows`` are :func:`data.quality.queries.status_rows`, by item and time; each stay is measured
    as the flow engine sees it, to ``a_ms``: the first transition's ``from`` from the item's
    creation (or the transition, if earlier), each ``to`` until the next transition known by then.
    """
    hours: dict[str, float] = defaultdict(float)
    per_item: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    names: dict[str, str] = {}

    def add(item: tuple[str, str], status: str, start: int, end: int) -> None:
        label = names.setdefault(status.strip().lower(), status)
        h = max(0, end - start) / HOUR_MS
        hours[label] += h
        per_item[label][item] += h

    for src, key, at, to_status, _to_id, from_status, _from_id, _prev, nxt, _rn, _cr, _done, out_to, out_from in rows:
        item = (src, key)
        if item not in stream_keys:
            continue
        if out_from and from_status:
            add(item, from_status, min(created[item], at), at)
        if out_to:
            add(item, to_status, at, a_ms if nxt is None or nxt > a_ms else int(nxt))
    out = [
        UnmappedStatus(
            label,
            hours[label],
            tuple(
                FindingItem(src, key, f"{h:.1f} h")
                for (src, key), h in sorted(per_item[label].items(), key=lambda kv: -kv[1])
            ),
        )
        for label in hours
    ]
    return tuple(sorted(out, key=lambda u: -u.hours))


def _out_of_order(rows: list[tuple[Any, ...]]) -> Iterator[FindingItem]:
    """Transitions whose ``from`` is not the previous transition's ``to`` (case and spaces aside)."""
    for src, key, at, to_status, _to_id, from_status, _from_id, prev, *_rest in rows:
        del to_status
        if prev is not None and from_status and from_status.strip().lower() != prev.strip().lower():
            yield FindingItem(
                src,
                key,
                f"at {_fmt_ms(at)}: from {from_status!r}, but the previous change went to {prev!r}",
            )


def _fmt_ms(ms: int) -> str:
    return anomalies.fmt(from_ms(ms))


@dataclass(frozen=True, slots=True)
class _Keyed:
    """A work item's identity: what the duplicate-key check reads."""

    source: str
    key: str


@dataclass
class _Odd:
    """Records that may fail an anomaly check (each check still applies its own test)."""

    changes: list[Change]
    runs: list[PipelineRun]
    jobs: list[JobRun]
    deployments: list[Deployment]
    incidents: list[Incident]


def _odd_records(conn: Connection) -> _Odd:
    """The records some anomaly check could report, selected by the database, in the store's order."""
    c, p, j, d, n = schema.changes, schema.pipeline_runs, schema.job_runs, schema.deployments, schema.incidents

    def ms(col: Any) -> Any:
        return type_coerce(col, BigInteger)

    def timed(t: Any) -> Any:
        q, st, fi = ms(t.c.queued_at), ms(t.c.started_at), ms(t.c.finished_at)
        return or_(st < q, fi < st, and_(st.is_not(None), fi == st))

    def rows(stmt: Any) -> Iterator[Any]:
        yield from conn.execute(stmt).mappings()

    changes = [
        change_from_row(r)
        for r in rows(
            select(c).where(ms(c.c.merged_at) < ms(c.c.created_at)).order_by(c.c.source, c.c.repo, c.c.external_id)
        )
    ]
    runs = [
        pipeline_run_from_row(r)
        for r in rows(
            select(p)
            .where(
                or_(
                    timed(p),
                    and_(p.c.status == "completed", p.c.finished_at.is_(None)),
                    p.c.status.in_(("running", "queued")),
                )
            )
            .order_by(p.c.source, p.c.pipeline, p.c.id)
        )
    ]
    jobs = [
        job_run_from_row(r)
        for r in rows(select(j).where(timed(j)).order_by(j.c.source, j.c.pipeline, j.c.run_id, j.c.id))
    ]
    ds, df = ms(d.c.started_at), ms(d.c.finished_at)
    deployments = [
        deployment_from_row(r)
        for r in rows(
            select(d)
            .where(
                or_(
                    df < ds,
                    and_(ds.is_not(None), df == ds),
                    and_(d.c.status.in_(("success", "failure")), d.c.finished_at.is_(None)),
                    d.c.status == "running",
                )
            )
            .order_by(d.c.source, d.c.repo, d.c.id)
        )
    ]
    incidents = [
        incident_from_row(r)
        for r in rows(select(n).where(ms(n.c.resolved_at) < ms(n.c.created_at)).order_by(n.c.source, n.c.key))
    ]
    return _Odd(changes, runs, jobs, deployments, incidents)
