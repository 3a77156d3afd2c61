"""The Map page's content: the value-stream map drawn to scale, and the lead-time scatter under it.

The map takes the height it needs at the page's width; the scatter takes the rest (never less
than it needs to be read). When the page is too low for both (1280×720), the whole scrolls:
nothing is squeezed or cut.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from widgets.lead_time_scatter import LeadTimeScatterChart
from widgets.value_stream_map import ValueStreamMap

__all__ = ["MapPage"]


class MapPage(QScrollArea):
    """A scroll area holding :attr:`map` (a :class:`ValueStreamMap`) over :attr:`scatter`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget()
        self.map = ValueStreamMap(self.content)
        # The map is as tall as its width needs (heightForWidth), no taller: the scatter gets the rest.
        self.map.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.scatter = LeadTimeScatterChart(self.content)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.map)
        layout.addWidget(self.scatter, 1)
        self.setWidget(self.content)

    def set_dark(self, dark: bool) -> None:
        """Follow the window's theme (the scatter's plot ignores the Qt palette)."""
        self.scatter.set_dark(dark)
