"""Parsing and formatting instants: UTC inside, ISO 8601 at the edges."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

__all__ = ["parse_instant", "utc_now", "week_start"]

_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601 (``2026-03-01``, ``…T10:00:00Z``, ``+0800``) into an aware UTC datetime.

    A date or a time without zone is taken as UTC (INTERFACES.md). Raises ``ValueError`` with the
    offending text.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty date")
    # Jira writes +0800; fromisoformat on 3.11 accepts it, but normalise for clarity.
    value = _OFFSET_NO_COLON.sub(r"\1:\2", value) if "T" in value else value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or instant: {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def utc_now() -> datetime:
    """The current instant, aware, UTC."""
    return datetime.now(UTC)


def week_start(value: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week containing ``value``."""
    d: date = value.astimezone(UTC).date()
    monday = d - timedelta(days=d.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


#: Milliseconds in a minute, an hour, a day and a week: instants in the store are epoch milliseconds.
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
