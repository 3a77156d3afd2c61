"""What a pyqtgraph axis draws: its tick labels and whether they collide (the chart geometry tests)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def tick_labels(axis: Any) -> list[tuple[QRectF, str]]:
    """The (rect, text) of every tick label the axis draws now (its own coordinates)."""
    img = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(img)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def overlaps(labels: list[tuple[QRectF, str]]) -> list[str]:
    """Pairs of labels whose rectangles intersect."""
    bad = []
    for i, (a, ta) in enumerate(labels):
        for b, tb in labels[i + 1 :]:
            if a.intersects(b):
                bad.append(f"{ta!r} {a} x {tb!r} {b}")
    return bad
