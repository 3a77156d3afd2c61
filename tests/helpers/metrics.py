"""Small builders for metric tests: streams, instants, deployments, and FlowData straight from records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from data.config.model import Config, Stage, Stream
from data.config.parse import parse_config
from data.metrics.dora import DeploymentArrays
from data.metrics.flow_data import FlowData, build_flow_data
from data.metrics.stagemap import StageMap
from data.records import StatusChange, WorkItem
from data.store.schema import to_ms

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
HOUR_MS = 3_600_000
DAY = 24.0  # hours


def h(hours: float) -> datetime:
    """T0 plus ``hours``."""
    return T0 + timedelta(hours=hours)


def ms(hours: float) -> int:
    """Epoch ms of T0 plus ``hours``."""
    return to_ms(h(hours))


def two_stage_stream(**kw: object) -> Stream:
    """Dev (wait "To Do", active "In Progress") then Test (wait "Ready for Test", active "Testing")."""
    return Stream(
        name="S",
        stages=(
            Stage("Dev", wait=("To Do",), active=("In Progress",)),
            Stage("Test", wait=("Ready for Test",), active=("Testing",)),
        ),
        **kw,  # type: ignore[arg-type]
    )


def flow_from_records(stream: Stream, items: Sequence[WorkItem], changes: Sequence[StatusChange]) -> FlowData:
    """FlowData the way materialisation builds it, but from records (no store)."""
    sm = StageMap(stream)
    index = {(w.source, w.key): i for i, w in enumerate(items)}
    sc = [c for c in changes if (c.source, c.key) in index]
    return build_flow_data(
        sm.n_stages,
        [to_ms(w.created_at) for w in items],
        [index[(c.source, c.key)] for c in sc],
        [to_ms(c.at) for c in sc],
        [sm.code(c.to_status, c.to_id, c.to_category) for c in sc],
        [sm.code(c.from_status, c.from_id) for c in sc],
    )


def deps(*rows: tuple[float, bool, int]) -> DeploymentArrays:
    """(finish hours after T0, success, repo code), sorted by finish."""
    rows = tuple(sorted(rows))
    return DeploymentArrays(
        finish=np.array([ms(r[0]) for r in rows], dtype=np.int64),
        start=np.array([ms(r[0]) - 600_000 for r in rows], dtype=np.int64),
        success=np.array([r[1] for r in rows], dtype=bool),
        repo=np.array([r[2] for r in rows], dtype=np.int32),
    )


D0 = datetime(2026, 2, 2, tzinfo=UTC)  # a Monday; the history starts here


def day_records(days: list[datetime], per_day: int = 2) -> list[object]:
    """``per_day`` items each day: created 01:00, To Do until 05:00, In Progress until 12:00, Done."""
    out: list[object] = []
    for d in days:
        for j in range(per_day):
            key = f"F-{d:%m%d}-{j}"
            out += [
                WorkItem("jira", key, key, d + timedelta(hours=1)),
                StatusChange("jira", key, d + timedelta(hours=5), "To Do", "In Progress"),
                StatusChange("jira", key, d + timedelta(hours=12), "In Progress", "Done"),
            ]
    return out


#: The forecast tests' one-stage stream, and "as of" four weeks after D0 (a Monday).
FORECAST_STREAM = {
    "name": "Flow",
    "done": ["Done"],
    "stages": [{"name": "Dev", "wait": ["To Do"], "active": ["In Progress"]}],
}
AS_OF = datetime(2026, 3, 2, tzinfo=UTC)


def forecast_config(**definitions: str) -> Config:
    """A config with the forecast stream and ``definitions``."""
    return parse_config({"streams": [FORECAST_STREAM], "definitions": definitions}, "test.toml")
