"""Which stage a ticket status belongs to: the one place status names become stage codes.

A status stage ``j`` (counting status stages only, in stream order) gives code ``2*j`` for its
wait statuses and ``2*j + 1`` for its active ones. ``DONE`` ends the stream, ``OUTSIDE`` is a
status in no stage, ``NO_STATUS`` marks "no from-status" (the first change of an item).

Precedence (METRICS.md leaves it open; docs/metrics.md lists it): an explicit ``done`` entry of
the stream wins, then a stage's ``id:``/name entries, then the default done rule (Jira category
``done`` or a status named Done, Closed or Resolved) — so a user who maps "Resolved" into a stage
gets it treated as a stage, as they asked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from data.config.model import DEFAULT_DONE, Stage, Stream

__all__ = ["DONE", "NO_STATUS", "OUTSIDE", "StageMap", "stream_fingerprint"]

OUTSIDE = -1
DONE = -2
NO_STATUS = -3


def _split(entries: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Names (lower-cased) and ids (the part after ``id:``) of a status list."""
    names: set[str] = set()
    ids: set[str] = set()
    for e in entries:
        if e.lower().startswith("id:"):
            ids.add(e[3:].strip())
        else:
            names.add(e.strip().lower())
    return names, ids


@dataclass(frozen=True)
class StageMap:
    """The compiled status -> code mapping of one stream."""

    stream: Stream
    status_stages: tuple[Stage, ...] = field(init=False)
    by_name: dict[str, int] = field(init=False)
    by_id: dict[str, int] = field(init=False)
    done_names: frozenset[str] = field(init=False)
    done_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        stages = tuple(s for s in self.stream.stages if s.kind == "status")
        by_name: dict[str, int] = {}
        by_id: dict[str, int] = {}
        for j, stage in enumerate(stages):
            for active, entries in ((0, stage.wait), (1, stage.active)):
                names, ids = _split(entries)
                for n in names:
                    by_name.setdefault(n, 2 * j + active)
                for i in ids:
                    by_id.setdefault(i, 2 * j + active)
        done_names, done_ids = _split(self.stream.done)
        object.__setattr__(self, "status_stages", stages)
        object.__setattr__(self, "by_name", by_name)
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "done_names", frozenset(done_names))
        object.__setattr__(self, "done_ids", frozenset(done_ids))

    @property
    def n_stages(self) -> int:
        """How many status stages the stream has."""
        return len(self.status_stages)

    def code(self, name: str | None, status_id: str | None = None, category: str | None = None) -> int:
        """The code of one status (see the module docstring for the precedence)."""
        if not name and not status_id:
            return NO_STATUS
        lname = (name or "").strip().lower()
        sid = (status_id or "").strip()
        if (sid and sid in self.done_ids) or lname in self.done_names:
            return DONE
        if sid and sid in self.by_id:
            return self.by_id[sid]
        if lname in self.by_name:
            return self.by_name[lname]
        if not self.stream.done and (lname in DEFAULT_DONE or (category or "").lower() == "done"):
            return DONE
        return OUTSIDE


def stream_fingerprint(stream: Stream, extra: str = "") -> str:
    """A stable hash of everything in ``stream`` that changes the materialised arrays."""
    return hashlib.sha256((repr(stream) + "|" + extra).encode("utf-8")).hexdigest()[:32]
