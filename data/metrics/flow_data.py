"""The flow computation's input and per-item output: :class:`FlowData` and :class:`ItemFlow`.

:func:`build_flow_data` sorts raw status transitions (coded by
:class:`~data.metrics.stagemap.StageMap`) into a :class:`FlowData` and adds each item's initial
status; :mod:`data.metrics.flow` computes an :class:`ItemFlow` from it. All instants are epoch
milliseconds (int64).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from data.metrics.stagemap import NO_STATUS

__all__ = ["BOOL", "F64", "I64", "FlowData", "ItemFlow", "build_flow_data"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class FlowData:
    """Work items and their coded transitions (sorted by item, then time, then arrival order)."""

    n_stages: int
    created_ms: I64  # per item
    t_item: npt.NDArray[np.int32]  # per transition: index into the item arrays
    t_at: I64
    t_code: npt.NDArray[np.int16]

    @property
    def n_items(self) -> int:
        """How many items."""
        return int(self.created_ms.size)

    @property
    def horizon_ms(self) -> int:
        """The latest instant in the data: results as of any later instant are the same."""
        last = int(np.max(self.t_at)) if self.t_at.size else 0
        return max(last, int(np.max(self.created_ms)) if self.created_ms.size else 0)


def build_flow_data(  # noqa: PLR0917 - parallel arrays, always passed in this order
    n_stages: int,
    created_ms: Sequence[int] | I64,
    sc_item: Sequence[int] | npt.NDArray[np.integer],
    sc_at: Sequence[int] | I64,
    sc_to: Sequence[int] | npt.NDArray[np.integer],
    sc_from: Sequence[int] | npt.NDArray[np.integer],
) -> FlowData:
    """Sort raw transitions and add each item's initial status.

    ``sc_from`` is the code of each change's from-status: for an item's first change, a known
    from-status means the item sat in it since creation, so a synthetic transition at the
    creation instant (or at the first change, if the clocks disagree) is added. Arrival order
    breaks ties between changes at the same millisecond.
    """
    created = np.asarray(created_ms, dtype=np.int64)
    item = np.asarray(sc_item, dtype=np.int32)
    at = np.asarray(sc_at, dtype=np.int64)
    to = np.asarray(sc_to, dtype=np.int16)
    frm = np.asarray(sc_from, dtype=np.int16)
    if item.size:
        # One stable sort on a packed (item, instant) key: far less memory than a 3-key lexsort.
        base = int(np.min(at))
        span = int(np.max(at)) - base + 1
        if span < 1 << 40 and created.size < 1 << 22:
            order = np.argsort((item.astype(np.int64) << 40) | (at - base), kind="stable")
        else:  # pragma: no cover - beyond 34 years of milliseconds or 4M items
            order = np.lexsort((np.arange(item.size), at, item))
        item, at, to, frm = item[order], at[order], to[order], frm[order]
        del order
    first = np.ones(item.size, dtype=bool)
    if item.size:
        first[1:] = item[1:] != item[:-1]
    add = np.nonzero(first & (frm != NO_STATUS))[0]
    add_item = item[add]
    add_at = np.minimum(created[add_item], at[add])
    # Each synthetic row goes just before its item's first change (it is the earlier state).
    return FlowData(
        n_stages=n_stages,
        created_ms=created,
        t_item=np.insert(item, add, add_item).astype(np.int32, copy=False),
        t_at=np.insert(at, add, add_at),
        t_code=np.insert(to, add, frm[add]).astype(np.int16, copy=False),
    )


@dataclass(frozen=True)
class ItemFlow:
    """Per-item figures as of ``as_of_ms`` (arrays aligned with the FlowData items)."""

    as_of_ms: int
    completed_ms: I64  # -1: not completed as of as_of
    first_active_ms: I64  # -1: never active
    wait_s: F64  # (items, stages)
    active_s: F64
    visits: npt.NDArray[np.int32]
    left_forward: BOOL  # left the stage forward at least once
    rework: BOOL  # ... and later came back into it or an earlier stage
    state: npt.NDArray[np.int16]  # code of the status at as_of; NO_STATUS before the first
    state_since_ms: I64  # when the item entered its current stage (or done / outside run)
