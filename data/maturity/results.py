"""The maturity view's result types and the rule helper every row uses.

:class:`MaturityRow` (one row of the CAICT model that data can speak to), :class:`MaturityView`
(the rows of one window beside its DORA tiers), the :data:`CAVEAT` shown with them, and
:func:`first_level` (the highest level whose rule holds). :mod:`data.maturity.build` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data.i18n import N_
from data.report.results import DoraResult, iso
from data.timeutil import DAY_MS

__all__ = ["CAVEAT", "DAY_MS", "MaturityRow", "MaturityView", "first_level"]

CAVEAT = N_(
    "Self-assessment aid, not an official CAICT assessment: levels show only what the data in this "
    "store supports, by Flowdeck's thresholds (docs/trust.md)."
)


@dataclass(frozen=True, slots=True)
class MaturityRow:
    """One row of the model that data can speak to."""

    key: str
    title: str
    title_zh: str
    #: 1..5, or None when nothing in the store speaks to the row.
    level: int | None
    #: The facts behind the level, in words.
    evidence: str
    #: Why this level and not the next (the rule that decided it).
    basis: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The row's entry in ``rows``."""
        return {
            "key": self.key,
            "title": self.title,
            "title_zh": self.title_zh,
            "level": self.level,
            "evidence": self.evidence,
            "basis": self.basis,
            "values": self.values,
        }


@dataclass(frozen=True, slots=True)
class MaturityView:
    """The maturity rows for one window, beside the DORA tiers of the same window."""

    window_from: datetime
    window_to: datetime
    as_of: datetime
    stream: str
    rows: tuple[MaturityRow, ...]
    dora: DoraResult
    caveat: str = CAVEAT

    @property
    def dora_tiers(self) -> dict[str, str | None]:
        """DORA 2023 tiers of the window (``deployment_frequency`` ...)."""
        return dict(self.dora.tiers)

    def row(self, key: str) -> MaturityRow:
        """The row named ``key`` (KeyError if unknown)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        """The ``flowdeck quality --maturity --json`` document."""
        return {
            "caveat": self.caveat,
            "window": {"from": iso(self.window_from), "to": iso(self.window_to), "as_of": iso(self.as_of)},
            "stream": self.stream,
            "rows": [r.to_json() for r in self.rows],
            "dora": self.dora.to_json(),
        }


def first_level(rules: list[tuple[int, bool, str]], fallback: tuple[int, str]) -> tuple[int, str]:
    """The highest level whose rule holds (rules from 5 down), with its rule text."""
    for level, ok, text in rules:
        if ok:
            return level, text
    return fallback
