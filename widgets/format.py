"""Small pure formatting helpers shared by every widget: durations, rates, local time, plain text.

A metric with no data is ``None`` and shows as an em dash ("—"), never as 0. Instants are UTC
inside and shown in the machine's local time zone.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime

from widgets.i18n import translate

__all__ = [
    "DASH",
    "TIER_COLOURS",
    "fmt_count",
    "fmt_day_month",
    "fmt_days",
    "fmt_duration_s",
    "fmt_hours",
    "fmt_in_unit",
    "fmt_local",
    "fmt_pct",
    "fmt_rate",
    "plain_tooltip",
    "time_unit",
]

DASH = "—"

#: Okabe-Ito colour-blind-safe palette for DORA tiers; the tier is always written out as text too.
TIER_COLOURS: dict[str, str] = {
    "elite": "#009E73",  # bluish green
    "high": "#56B4E9",  # sky blue
    "medium": "#E69F00",  # orange
    "low": "#D55E00",  # vermillion
}


def fmt_hours(hours: float | None) -> str:
    """A duration given in hours, in the unit a reader grasps: minutes, hours, or days."""
    if hours is None:
        return DASH
    if hours < 0:
        return "-" + fmt_hours(-hours)
    if hours < 1:
        return translate("Format", "{0} min").format(f"{hours * 60:.0f}")
    if hours < 48:
        return translate("Format", "{0} h").format(f"{hours:.1f}")
    return translate("Format", "{0} d").format(f"{hours / 24:.1f}")


def time_unit(hours: Iterable[float | None]) -> str:
    """One unit for a whole chart: ``d`` (days) when the largest of ``hours`` is a day or more, else ``h``.

    Durations compared side by side must share a unit: "24.7 h" beside "3.0 d" hides that one is a
    third of the other.
    """
    known = [abs(h) for h in hours if h is not None]
    return "d" if known and max(known) >= 24.0 else "h"


def fmt_in_unit(hours: float | None, unit: str) -> str:
    """A duration given in hours, shown in ``unit`` (``h`` or ``d``) whatever its size.

    One decimal from 1 up (none from 100), two below 1 (``0.96 d``), ``<0.01`` for a sliver, so
    every label of a chart reads in the same unit.
    """
    if hours is None:
        return DASH
    value = hours / 24.0 if unit == "d" else hours
    pattern = translate("Format", "{0} d") if unit == "d" else translate("Format", "{0} h")
    size = abs(value)
    if size == 0:
        number = "0"
    elif size < 0.005:
        number = "<0.01" if value > 0 else ">-0.01"
    elif round(size, 2) < 1:
        number = f"{value:.2f}"
    elif round(size, 1) < 100:
        number = f"{value:.1f}"
    else:
        number = f"{value:.0f}"
    return pattern.format(number)


def fmt_duration_s(seconds: float | None) -> str:
    """A duration in seconds, compact (``45 s``, ``3 min 20 s``, ``2 h 5 min``, ``3.2 d``)."""
    if seconds is None:
        return DASH
    s = round(seconds)
    if s < 60:
        return translate("Format", "{0} s").format(s)
    if s < 3600:
        if s % 60:
            return translate("Format", "{0} min {1} s").format(s // 60, s % 60)
        return translate("Format", "{0} min").format(s // 60)
    if s < 48 * 3600:
        return translate("Format", "{0} h {1} min").format(s // 3600, (s % 3600) // 60)
    return translate("Format", "{0} d").format(f"{s / 86400:.1f}")


def fmt_days(days: float | None) -> str:
    """A number of days (``7.0 d``)."""
    return DASH if days is None else translate("Format", "{0} d").format(f"{days:.1f}")


def fmt_pct(share: float | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage (``83 %``)."""
    return DASH if share is None else f"{share * 100:.{digits}f} %"


def fmt_rate(value: float | None, unit: str | None = None) -> str:
    """A rate with one decimal and its unit (``2.5 /week``; the default unit is translated)."""
    if value is None:
        return DASH
    shown_unit = translate("Format", "/week") if unit is None else unit
    return f"{value:.1f} {shown_unit}"


def fmt_count(value: int | None) -> str:
    """A count, or the dash."""
    return DASH if value is None else f"{value:d}"


def fmt_local(when: datetime | None, *, seconds: bool = False) -> str:
    """An aware instant shown in the local time zone (``2026-03-01 14:05``)."""
    if when is None:
        return DASH
    if when.tzinfo is None:  # defensive: records are aware; a naive one is taken as UTC
        when = when.replace(tzinfo=UTC)
    t = when.astimezone()
    # The pattern is translated (zh_CN: 2026年11月23日 14:05); fields are named so word order may change.
    pattern = (
        translate("Format", "{Y:04d}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}")
        if seconds
        else translate("Format", "{Y:04d}-{m:02d}-{d:02d} {H:02d}:{M:02d}")
    )
    return pattern.format(Y=t.year, m=t.month, d=t.day, H=t.hour, M=t.minute, S=t.second)


def fmt_day_month(when: datetime) -> str:
    """Day and month in the local zone and the installed language (``23 Nov``; zh_CN: ``11月23日``)."""
    from PySide6.QtCore import QDate, QLocale

    t = when.astimezone()
    return QLocale().toString(QDate(t.year, t.month, t.day), translate("Format", "d MMM"))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally.

    Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), so a remote title such as
    ``<img src=…>`` could be rendered and even fetched. Escaping it inside an explicit ``<qt>``
    document makes Qt render the characters as they are; newlines become line breaks.
    """
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<qt><p style='white-space:pre-wrap'>{escaped}</p></qt>"
