"""The maturity rows read from the store's own records rather than from the report.

Data collection (how much of the window the sources cover, week by week), timeliness (how fresh
the synced data is) and audience (who the numbers are shown to). :func:`data.maturity.build.assess_maturity`
puts them beside the report-based rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, func, select, type_coerce

from data.config.model import Config
from data.config.parse import default_stream_file, load_config
from data.i18n import gettext_ as _
from data.maturity.results import DAY_MS, MaturityRow, first_level
from data.store import schema
from data.store.schema import from_ms, to_ms
from data.store.store import Store

__all__ = ["audience_row", "collection_row", "timeliness_row"]


_ACTIVITY = (
    ("work_items", "created_at"),
    ("status_changes", "at"),
    ("changes", "created_at"),
    ("pipeline_runs", "queued_at"),
    ("deployments", "finished_at"),
)


def _activity(store: Store, a_ms: int, f_ms: int, weeks: int) -> tuple[int | None, set[int]]:
    """The earliest record instant at or before ``a_ms`` (epoch ms), and the indexes of the weeks
    from ``f_ms`` (``weeks`` whole weeks) that hold a record, over every record kind that speaks for
    history and continuity.

    Aggregated by the database: a large store has millions of instants, and only the minimum and
    the occupied weeks matter.
    """
    first: int | None = None
    occupied: set[int] = set()
    end = f_ms + weeks * 7 * DAY_MS
    with store.engine.connect() as conn:
        for name, col in _ACTIVITY:
            c = type_coerce(schema.metadata.tables[name].c[col], BigInteger)
            v = conn.execute(select(func.min(c)).where(c.is_not(None), c <= a_ms)).scalar_one_or_none()
            if v is not None:
                first = int(v) if first is None else min(first, int(v))
            week = (c - f_ms) // (7 * DAY_MS)  # non-negative here, so integer division is the floor
            stmt = select(week).where(c >= f_ms, c < end, c <= a_ms).distinct()
            occupied.update(int(w) for (w,) in conn.execute(stmt))
    return first, occupied


def collection_row(store: Store, config: Config, f: datetime, t: datetime, as_of: datetime) -> MaturityRow:
    """The data-collection row: the store's history and weekly activity in ``[f, t)`` as of ``as_of``."""
    a_ms = to_ms(as_of)
    f_ms, end = to_ms(f), min(to_ms(t), a_ms)
    weeks = max(1, (end - f_ms) // (7 * DAY_MS))
    first, occupied = _activity(store, a_ms, f_ms, weeks)
    if first is None:
        return MaturityRow(
            "data_collection",
            _("Data collection"),
            "数据收集",
            1,
            _("no records in the store"),
            _("no data collected"),
            {},
        )
    history_days = (a_ms - first) / DAY_MS
    empty_weeks = weeks - len(occupied)
    states = store.sync_states()
    ages = {n: (a_ms - to_ms(v["last_success_at"])) / 1000 for n, v in states.items() if v.get("last_success_at")}
    recent = [n for n, age in ages.items() if 0 <= age <= 86400]
    configured = {c.name: c.interval_s for c in config.sources}
    all_fresh = bool(configured) and all(0 <= ages.get(n, 1e18) <= 3 * iv for n, iv in configured.items())
    evidence = _(
        "history {days} days; {empty} of {weeks} whole weeks in the window without records; "
        "sources synced automatically in the last day: {recent} ({configured} configured)"
    ).format(
        days=f"{history_days:.0f}",
        empty=empty_weeks,
        weeks=weeks,
        recent=", ".join(sorted(recent)) or _("none"),
        configured=len(configured),
    )
    continuous = empty_weeks == 0
    level, basis = first_level(
        [
            (
                5,
                continuous and all_fresh and history_days >= 365,
                _("every configured source synced within 3 intervals, a year of history"),
            ),
            (
                4,
                continuous and bool(recent) and history_days >= 180,
                _("automated sync within the last day, 6 months of history, no empty week"),
            ),
            (3, continuous and history_days >= 90, _("3 months of history and no empty week (imported or synced)")),
            (2, True, _("records exist, but history is short or has empty weeks")),
        ],
        (1, ""),
    )
    return MaturityRow(
        "data_collection",
        _("Data collection"),
        "数据收集",
        level,
        evidence,
        basis,
        {"history_days": round(history_days, 1), "empty_weeks": empty_weeks, "synced_last_day": sorted(recent)},
    )


def timeliness_row(store: Store, as_of: datetime) -> MaturityRow:
    """The timeliness row: how fresh the synced data is at ``as_of``."""
    a_ms = to_ms(as_of)
    p = schema.pipeline_runs
    latest = -1
    with store.engine.connect() as conn:
        for col in ("queued_at", "started_at", "finished_at"):
            c = type_coerce(p.c[col], BigInteger)
            v = conn.execute(select(func.max(c)).where(c <= a_ms)).scalar_one_or_none()
            latest = max(latest, -1 if v is None else int(v))
    if latest < 0:
        return MaturityRow(
            "timeliness", _("Timeliness"), "及时性", 1, _("no pipeline data"), _("no live pipeline data"), {}
        )
    age_min = (a_ms - latest) / 60_000
    synced = [v["last_success_at"] for v in store.sync_states().values() if v.get("last_success_at")]
    sync_age = min(((a_ms - to_ms(x)) / 60_000 for x in synced if to_ms(x) <= a_ms), default=None)
    evidence = _("latest pipeline event {age} min before {as_of} UTC (at {at}); last successful sync {sync}").format(
        age=f"{age_min:.0f}",
        as_of=f"{as_of:%Y-%m-%d %H:%M}",
        at=f"{from_ms(latest):%Y-%m-%d %H:%M}",
        sync=_("never") if sync_age is None else _("{0} min before").format(f"{sync_age:.0f}"),
    )
    level, basis = first_level(
        [
            (
                5,
                age_min <= 5 and sync_age is not None and sync_age <= 5,
                _("live: pipeline data and a sync within 5 minutes"),
            ),
            (4, age_min <= 60, _("pipeline data under an hour old")),
            (3, age_min <= 24 * 60, _("pipeline data under a day old")),
            (2, age_min <= 7 * 24 * 60, _("pipeline data under a week old")),
        ],
        (1, _("pipeline data older than a week")),
    )
    return MaturityRow(
        "timeliness",
        _("Timeliness"),
        "及时性",
        level,
        evidence,
        basis,
        {"pipeline_data_age_min": round(age_min, 1), "sync_age_min": None if sync_age is None else round(sync_age, 1)},
    )


def audience_row(store: Store, config: Config, report: Any, wall_in_use: bool | None) -> MaturityRow:
    """The audience row: own streams configured, the wall in use, who the numbers reach."""
    demo_streams = load_config(default_stream_file(), fallback_streams=False).streams
    own = [s for s in config.streams if s not in demo_streams]
    trail = bool(store.exclusions()) or any(s.measure_from for s in config.streams)
    has_data = bool(report.dora.deployments or (report.streams and report.streams[0].completed))
    wall = "unknown" if wall_in_use is None else ("in use" if wall_in_use else "not in use")  # JSON keeps English
    evidence = _(
        "Flowdeck provides the team wall (flowdeck wall), the manager's dashboard and the auditor's views "
        "(report, quality, release, exclusions); {streams} value stream(s), {own} configured by you; "
        "audit trail (baseline or exclusions with reasons): {trail}; wall: {wall}"
    ).format(streams=len(config.streams), own=len(own), trail=_("yes") if trail else _("no"), wall=_(wall))
    level, basis = first_level(
        [
            (5, has_data and len(own) >= 2 and trail, _("several own value streams and an audit trail")),
            (4, has_data and len(own) >= 1, _("own value stream(s) configured, shown to team, manager and auditor")),
            (3, has_data, _("team wall, manager and auditor views over real data (the shipped stream map)")),
        ],
        (2 if not has_data else 3, _("no data in the window to show")),
    )
    return MaturityRow(
        "audience",
        _("Audience"),
        "受众",
        level,
        evidence,
        basis,
        {"streams": len(config.streams), "own_streams": len(own), "audit_trail": trail, "wall": wall},
    )
