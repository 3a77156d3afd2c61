"""A cheap "has the store changed?" check for dashboards that only read a shared store.

Every write transaction bumps the store's ``generation`` (one row of the ``meta`` table; see
:meth:`data.store.store.Store.writer`), whichever process made it: a ``flowdeck sync --watch`` service,
``flowdeck import`` on another machine, the desktop app. :class:`ChangeDetector` reads that one row,
so a dashboard can poll every few seconds and rebuild its report only when something was written.

What counts as a change: any write transaction that bumps the generation. A plain ``sync_source``
also bumps it for its bookkeeping (attempt and outcome in ``sync_state``: +2 per sync, pinned by
tests/helpers/contract.py); the sync service (``flowdeck sync --watch``) passes
``state_bumps_generation=False``, so its syncs that bring no new record are not a change. The time
of the last sync is therefore not something to poll for here: read ``store.sync_states()``.

Cost: one single-row primary-key read per poll (SQLite: tens of microseconds; PostgreSQL: one round
trip). On PostgreSQL an unreachable server can block a poll for the TCP connect timeout, so a GUI
should poll from a worker thread, or put ``?connect_timeout=5`` in the store URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from data.store.store import Store

__all__ = ["ChangeDetector", "PollResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of one :meth:`ChangeDetector.check`: whether it changed, the generation, any error."""

    changed: bool
    generation: int | None
    error: str | None = None


class ChangeDetector:
    """Tells a reader whether the store was written since it last looked.

    ``ChangeDetector(store)`` takes the current generation as "seen", so the first :meth:`poll` is
    False unless something was written in between. Not thread-safe: one detector per poller.
    """

    def __init__(self, store: Store, *, seen: int | None = None) -> None:
        self.store = store
        self._seen: int | None = seen
        self.error: str | None = None
        if seen is None:
            result = self._read()
            self._seen = result.generation

    @property
    def seen(self) -> int | None:
        """The generation the reader last acted on (None: the store could not be read yet)."""
        return self._seen

    def _read(self) -> PollResult:
        try:
            generation = self.store.generation()
        except SQLAlchemyError as exc:
            # The message names the database problem, never credentials (the URL is not in it).
            message = f"cannot read the store: {type(exc).__name__}: {getattr(exc, 'orig', exc)}"
            if message != self.error:
                log.warning("%s", message)
            self.error = message
            return PollResult(False, None, message)
        self.error = None
        return PollResult(False, generation)

    def check(self) -> PollResult:
        """Read the generation once; ``changed`` when it differs from the last one seen.

        A generation that went *down* also counts (the store was replaced or restored). When the
        store cannot be read, ``changed`` is False and ``error`` says why; the last seen generation
        is kept, so the first successful poll afterwards reports any write made meanwhile.
        """
        result = self._read()
        if result.generation is None:
            return result
        changed = self._seen is not None and result.generation != self._seen
        if self._seen is None:
            # The store was unreadable when we started: we cannot know what the reader shows,
            # so the first good read is a change (the reader should load).
            changed = True
        self._seen = result.generation
        return PollResult(changed, result.generation)

    def poll(self) -> bool:
        """True when the store was written since the last poll (or since construction)."""
        return self.check().changed

    def mark_seen(self, generation: int) -> None:
        """Record that the reader has loaded data as of ``generation`` (e.g. read with its report)."""
        self._seen = generation
