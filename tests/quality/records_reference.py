"""The data-quality checks as they were before #14.

A verbatim copy of data/quality/checks.py at 85655be (every record loaded), kept only as the reference the query-based
code is compared with on random stores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np

from data.config.model import Config, Stream
from data.i18n import N_
from data.i18n import gettext_ as _
from data.materialise.cache import stream_arrays
from data.metrics.flow_figures import completed_mask
from data.metrics.stagemap import DONE, OUTSIDE, StageMap
from data.quality import anomalies
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
from data.quality.scope import Scope, change_key, change_tickets, commits_of, deployed_ms, deployment_key
from data.records import StatusChange, WorkItem
from data.store.schema import from_ms, to_ms
from data.store.store import Store
from data.timeutil import utc_now, week_start

__all__ = ["STEADY_WEEKLY_MEDIAN", "STUCK_AFTER_DAYS", "UNLINKED_WINDOW_DAYS", "assess"]

#: A source is "steady" (so an empty week is a gap, not a quiet week) from this median per week.
STEADY_WEEKLY_MEDIAN = 3.0
#: ... over at least this many weeks from its first to its last record (a one-off import is not judged).
STEADY_MIN_WEEKS = 4
#: A run or deployment still running after this many days is reported as never finished.
STUCK_AFTER_DAYS = 2.0
#: The default window of the "completed without a production deployment" check: 13 weeks, as the GUI's.
UNLINKED_WINDOW_DAYS = 91
WEEK_MS = 7 * 86_400_000
H = 3_600_000.0


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
    as_of = as_of or utc_now()
    a_ms = to_ms(as_of)
    window_to = window_to or as_of
    window_from = window_from or window_to - timedelta(days=UNLINKED_WINDOW_DAYS)
    if window_from >= window_to:
        raise ValueError(f"window from {window_from.isoformat()} must be before {window_to.isoformat()}")
    exclusions = store.exclusions()
    scope = Scope(s, exclusions)
    items = store.work_items()
    changes_all = store.status_changes()
    by_item: dict[tuple[str, str], list[StatusChange]] = defaultdict(list)
    for sc in changes_all:
        by_item[(sc.source, sc.key)].append(sc)
    prs = store.changes()
    commits = store.commits()
    runs = store.pipeline_runs()
    jobs = store.job_runs()
    deployments = store.deployments()
    dep_commits = store.deployment_commits()
    incidents = store.incidents()

    # -- sources --
    activity: dict[str, list[datetime]] = defaultdict(list)
    for w in items:
        activity[w.source].append(w.created_at)
    for sc in changes_all:
        activity[sc.source].append(sc.at)
    for c in prs:
        activity[c.source].extend(x for x in (c.created_at, c.merged_at) if x)
    for cm in commits:
        if cm.authored_at:
            activity[cm.source].append(cm.authored_at)
    for r in runs:
        first = r.queued_at or r.started_at or r.finished_at
        if first:
            activity[r.source].append(first)
    for d in deployments:
        first = d.started_at or d.finished_at
        if first:
            activity[d.source].append(first)
    for n in incidents:
        activity[n.source].append(n.created_at)
    sources = _sources(store, config, activity, a_ms)

    # -- coverage and unmapped statuses (the stream) --
    stream_items = scope.items(items)
    known: dict[str, list[WorkItem]] = defaultdict(list)
    for w in stream_items:
        known[w.key.upper()].append(w)
    merged = scope.merged_changes(prs)
    tickets = change_tickets(merged, commits, set(known))
    prod = scope.production(deployments)
    ranges = commits_of(dep_commits)
    deployed = deployed_ms(merged, prod, ranges)
    sm = StageMap(s)

    linked = Coverage(
        "changes_linked_to_tickets",
        N_("Merged changes that name a ticket (title, branch or merge-commit message)"),
        sum(1 for t in tickets if t),
        len(merged),
        tuple(FindingItem(c.source, change_key(c), c.title) for c, t in zip(merged, tickets, strict=True) if not t),
    )
    first_deploy: dict[str, int] = {}
    for t, dep in zip(tickets, deployed, strict=True):
        if dep is None:
            continue
        for key in t:
            for w in known[key]:
                if dep >= to_ms(w.created_at) and dep < first_deploy.get(f"{w.source}\0{w.key}", 1 << 62):
                    first_deploy[f"{w.source}\0{w.key}"] = dep
    completed: list[WorkItem] = []
    for w in stream_items:
        timeline = [sc for sc in by_item.get((w.source, w.key), []) if sc.at <= as_of]
        if timeline and sm.code(timeline[-1].to_status, timeline[-1].to_id, timeline[-1].to_category) == DONE:
            completed.append(w)
    reached = [w for w in completed if first_deploy.get(f"{w.source}\0{w.key}", 1 << 62) <= a_ms]
    reached_keys = {(w.source, w.key) for w in reached}
    tickets_cov = Coverage(
        "tickets_linked_to_deployments",
        N_("Completed tickets whose linked change reached production"),
        len(reached),
        len(completed),
        tuple(FindingItem(w.source, w.key, w.title) for w in completed if (w.source, w.key) not in reached_keys),
    )
    ok_prod = [d for d in prod if d.status == "success"]
    ranged = [d for d in ok_prod if (d.source, d.id) in ranges]
    ranged_ids = {(d.source, d.id) for d in ranged}
    range_cov = Coverage(
        "deployments_with_commit_range",
        N_("Successful production deployments whose commit range is known"),
        len(ranged),
        len(ok_prod),
        tuple(
            FindingItem(d.source, deployment_key(d), _("sha {sha}; linked by time instead").format(sha=d.sha or "?"))
            for d in ok_prod
            if (d.source, d.id) not in ranged_ids
        ),
    )
    unmapped = _unmapped(sm, stream_items, by_item, a_ms)

    # -- anomalies (whole store) --
    findings = (
        Finding(
            "negative_interval",
            N_("Intervals that end before they start"),
            tuple(anomalies.negative(items, by_item, prs, runs, jobs, deployments, incidents)),
        ),
        Finding(
            "zero_length_interval",
            N_("Finished runs, jobs and deployments of zero length"),
            tuple(anomalies.zero(runs, jobs, deployments)),
        ),
        Finding(
            "transition_out_of_order",
            N_("Transitions whose 'from' is not the previous 'to'"),
            tuple(anomalies.out_of_order(by_item)),
        ),
        Finding(
            "run_without_finish",
            N_("Pipeline runs completed without a finish, or running too long"),
            tuple(anomalies.runs_unfinished(runs, a_ms, stuck_after_days)),
        ),
        Finding(
            "deployment_without_finish",
            N_("Deployments with a result but no finish, or running too long"),
            tuple(anomalies.deployments_unfinished(deployments, a_ms, stuck_after_days)),
        ),
        Finding(
            "duplicate_key_across_sources", N_("The same ticket key in two sources"), tuple(anomalies.duplicates(items))
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
            {(w.source, w.key): w.title for w in stream_items},
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


def _sources(store: Store, config: Config, activity: dict[str, list[datetime]], a_ms: int) -> tuple[SourceHealth, ...]:
    states = store.sync_states()
    configured = {sc.name: sc for sc in config.sources}
    out: list[SourceHealth] = []
    for name in sorted(set(activity) | set(states) | set(configured)):
        st = states.get(name, {})
        cfg = configured.get(name)
        instants = np.array(sorted(to_ms(t) for t in activity.get(name, []) if to_ms(t) <= a_ms), dtype=np.int64)
        gaps, weekly = _gaps(instants, a_ms)
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
                records=int(instants.size),
                first_at=from_ms(int(instants[0])) if instants.size else None,
                last_at=from_ms(int(instants[-1])) if instants.size else None,
                weekly_median=weekly,
                gaps=gaps,
                stale=stale,
            )
        )
    return tuple(out)


def _gaps(instants: np.ndarray, a_ms: int) -> tuple[tuple[Gap, ...], float | None]:
    """Empty whole ISO weeks (Monday 00:00 UTC) of a steady source; and its weekly median.

    Steadiness is judged over the weeks from the source's first to its last record (zeros
    included; at least :data:`STEADY_MIN_WEEKS` of them), so a sync that stopped does not make a
    busy source look quiet. Gaps are the empty weeks inside that span, plus every whole week after
    the last record up to ``as_of`` (a sync that stopped is the gap that matters most). The week
    holding ``as_of`` is not judged: it is not over.
    """
    if instants.size == 0:
        return (), None
    first_week = to_ms(week_start(from_ms(int(instants[0]))))
    last_week = (int(instants[-1]) - first_week) // WEEK_MS  # index of the last record's week
    end_week = (to_ms(week_start(from_ms(a_ms))) - first_week) // WEEK_MS  # exclusive
    idx = (instants - first_week) // WEEK_MS
    counts = np.bincount(idx, minlength=last_week + 1)[: last_week + 1]
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


def _unmapped(
    sm: StageMap, items: list[WorkItem], by_item: dict[tuple[str, str], list[StatusChange]], a_ms: int
) -> tuple[UnmappedStatus, ...]:
    """Hours per status outside every stage (and not done), with the items and their hours."""
    hours: dict[str, float] = defaultdict(float)
    per_item: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    names: dict[str, str] = {}
    for w in items:
        for status, status_id, start, end in _visits(w, by_item.get((w.source, w.key), []), a_ms):
            if sm.code(status, status_id) != OUTSIDE:
                continue
            label = names.setdefault(status.strip().lower(), status)
            h = max(0, end - start) / H
            hours[label] += h
            per_item[label][(w.source, w.key)] += h
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


def _visits(w: WorkItem, timeline: list[StatusChange], a_ms: int) -> Iterator[tuple[str, str | None, int, int]]:
    """(status, id, start ms, end ms) per stay, as the flow engine sees them (to ``as_of``)."""
    known = sorted((sc for sc in timeline if to_ms(sc.at) <= a_ms), key=lambda sc: to_ms(sc.at))
    if not known:
        return
    first = known[0]
    if first.from_status:
        yield first.from_status, first.from_id, min(to_ms(w.created_at), to_ms(first.at)), to_ms(first.at)
    for sc, nxt in zip(known, [*known[1:], None], strict=True):
        end = a_ms if nxt is None else to_ms(nxt.at)
        yield sc.to_status, sc.to_id, to_ms(sc.at), end
