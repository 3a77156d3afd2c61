"""The store's exceptions: each message says what happened and what the user can do."""

from __future__ import annotations

from pathlib import Path

__all__ = ["StoreCorruptError", "StoreError", "StoreForeignError", "StoreReadOnlyError", "StoreTooNewError"]


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


class StoreTooNewError(StoreError):
    """The database was written by a newer Flowdeck whose schema this version does not know."""


class StoreCorruptError(StoreError):
    """The SQLite file is damaged; it has been moved aside (never silently replaced)."""

    def __init__(self, message: str, moved: list[Path]) -> None:
        super().__init__(message)
        self.moved = moved


class StoreForeignError(StoreError):
    """``--db`` names a file that is not a Flowdeck store; it was left exactly as it was."""


class StoreReadOnlyError(StoreError):
    """The store can be read but not written (no write permission on the file or its directory)."""
