"""Data quality: what Flowdeck could not link, what looks wrong, and what was left out (docs/trust.md).

``assess(store, config, *, stream=None, as_of=None) -> QualityReport``; the result types live in
:mod:`data.quality.results` (no store access, so widgets can import them).
"""

from data.quality.checks import STEADY_WEEKLY_MEDIAN, STUCK_AFTER_DAYS, assess
from data.quality.results import (
    Coverage,
    ExclusionNote,
    Finding,
    FindingItem,
    Gap,
    QualityReport,
    SourceHealth,
    UnmappedStatus,
)

__all__ = [
    "STEADY_WEEKLY_MEDIAN",
    "STUCK_AFTER_DAYS",
    "Coverage",
    "ExclusionNote",
    "Finding",
    "FindingItem",
    "Gap",
    "QualityReport",
    "SourceHealth",
    "UnmappedStatus",
    "assess",
]
