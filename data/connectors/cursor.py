"""Cursor pieces every connector uses: JSON cursors and the :class:`Watermark`.

A connector keeps its resume point as a JSON text cursor that the sync engine stores with each page;
:class:`Watermark` is the reusable "updated at or after, with an id set at the boundary" piece: items
updated at exactly the watermark instant are never lost, and are not re-written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from data.timeutil import parse_instant


@dataclass(frozen=True)
class Watermark:
    """ "Everything updated before ``at`` is stored, and so are the items ``ids`` updated exactly at ``at``."

    Query the source with an inclusive bound at (or a little before) ``at``, keep only
    :meth:`is_new` items, and :meth:`advance` over what was stored. Equal timestamps at the cursor
    are therefore neither lost (``>`` would lose them) nor rewritten (``>=`` alone would).
    """

    at: datetime | None = None
    ids: frozenset[str] = frozenset()

    def is_new(self, at: datetime, item_id: str) -> bool:
        """Whether an item updated at ``at`` is not yet covered by this watermark."""
        if self.at is None or at > self.at:
            return True
        return at == self.at and item_id not in self.ids

    def advance(self, items: Iterable[tuple[datetime, str]]) -> Watermark:
        """The watermark after also storing ``items`` (``(updated_at, id)`` pairs)."""
        at, ids = self.at, set(self.ids)
        for when, item_id in items:
            if at is None or when > at:
                at, ids = when, {item_id}
            elif when == at:
                ids.add(item_id)
        return Watermark(at, frozenset(ids))

    def to_json(self) -> dict[str, Any]:
        """JSON-able form for a cursor."""
        return {"at": self.at.isoformat() if self.at else None, "ids": sorted(self.ids)}

    @classmethod
    def from_json(cls, data: Any) -> Watermark:
        """Inverse of :meth:`to_json`; anything malformed is an empty watermark (a full read)."""
        if not isinstance(data, dict) or not data.get("at"):
            return cls()
        try:
            at = parse_instant(str(data["at"]))
        except ValueError:
            return cls()
        ids = data.get("ids") or []
        return cls(at, frozenset(str(i) for i in ids) if isinstance(ids, list) else frozenset())


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """A connector's JSON cursor as a dict (``{}`` for None or anything that is not a JSON object)."""
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def dump_cursor(value: dict[str, Any]) -> str:
    """A stable JSON rendering of a cursor (sorted keys, so equal cursors compare equal)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
