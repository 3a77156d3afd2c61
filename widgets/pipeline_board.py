"""The pipelines page and the wall's pipelines: the latest run of every active pipeline, failing first.

:class:`PipelineTile` is one pipeline, shared by the main window and the wall (``scale`` enlarges
fonts from the app font; ``font_px`` sets the detail text's pixel size, as the wall does from the
screen height). State is shown three ways: an icon shape, the word, and a colour stripe (the
Okabe-Ito palette of :mod:`widgets.icons`). A running pipeline has a progress bar against its
ETA (median of its last 10 successful runs); a failing one says since when, for how many runs and
whose commits; a source that has not answered for three intervals marks its tiles *stale*, and a
failing source gets an :class:`ErrorTile` of its own while the others keep updating.

:class:`PipelineBoard` filters (source, name pattern, branch pattern) and has an "only failing and
running" mode that says "All green" when nothing is failing or running.

The tiles live in :mod:`widgets.pipeline_tiles`, the filter and ordering in
:mod:`widgets.pipeline_filters`; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from data.pipelines.results import PipelineStatus
from widgets.i18n import translate
from widgets.pipeline_filters import BoardFilter, filter_statuses, sort_statuses
from widgets.pipeline_tiles import ErrorTile, PipelineTile, plain_label, size_label

__all__ = [
    "PipelineBoard",
]


class PipelineBoard(QScrollArea):
    """Every pipeline's tile in a grid of ``columns`` columns, failing first, with source error tiles."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        columns: int = 2,
        max_tiles: int = 60,
        font_px: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._columns = columns
        self._px = font_px
        # A cache can hold thousands of branch pipelines; thousands of tiles would stall the GUI
        # thread for seconds. Failing ones come first, so the cap hides only the least urgent.
        self.max_tiles = max_tiles
        self.filter = BoardFilter()
        self._all: list[PipelineStatus] = []
        self._hidden_idle = 0
        self._health: dict[str, str] = {}
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._inner)
        self.empty = plain_label(
            translate("PipelineBoard", "No pipelines yet: add a CI source (GitHub Actions, GitLab CI, Jenkins, CCTray)")
        )
        self.empty.setObjectName("boardMessage")
        self.more = plain_label()
        for label, scale in ((self.empty, 1.6), (self.more, 1.0)):
            size_label(label, px=font_px, scale=scale if font_px else 1.0, bold=label is self.empty)
        for c in range(columns):
            self._grid.setColumnStretch(c, 1)  # equal columns, whatever the text in them
        outer = QVBoxLayout()
        outer.addWidget(self.empty)
        outer.addWidget(self.more)
        self._grid.addLayout(outer, 0, 0, 1, columns)
        self.tiles: list[PipelineTile] = []
        self.error_tiles: list[ErrorTile] = []
        #: The "N pipelines, M failing" line (the wall has it in its header instead).
        self.show_summary = True

    # -- data --

    def set_statuses(
        self,
        statuses: Sequence[PipelineStatus],
        *,
        presorted: bool = False,
        hidden: int = 0,
        now: datetime | None = None,
    ) -> None:
        """Show these pipelines, failing first; tiles are reused where possible.

        ``presorted``: already in :func:`sort_statuses` order (sorted on a worker: a big cache has
        tens of thousands of branch pipelines, too many to sort on the GUI thread). ``hidden``: how
        many idle pipelines the horizon left out (said under the tiles).
        """
        self._all = list(statuses) if presorted else sort_statuses(statuses)
        self._hidden_idle = hidden
        self._render(now)

    @property
    def statuses(self) -> list[PipelineStatus]:
        """The statuses the board holds (before its filters), in display order."""
        return list(self._all)

    @property
    def columns(self) -> int:
        """How many tiles side by side."""
        return self._columns

    def set_view(self, view: Any, now: datetime | None = None) -> None:
        """Show a :class:`data.pipelines.status.PipelineView` (statuses in wall order, idle count)."""
        self.set_statuses(view.statuses, presorted=True, hidden=view.hidden, now=now)

    def set_source_errors(self, errors: Mapping[str, str | None]) -> None:
        """Sources that fail now (name -> message; None or missing: fine). Each gets an error tile."""
        health = {k: v for k, v in errors.items() if v}
        if health != self._health:
            self._health = health
            self._render(None)

    def set_filter(self, f: BoardFilter) -> None:
        """Show only what ``f`` lets through."""
        self.filter = f
        self._render(None)

    def set_only_active(self, on: bool) -> None:
        """Only failing, running and queued pipelines ("All green" when there are none)."""
        self.set_filter(BoardFilter(self.filter.sources, self.filter.name, self.filter.branch, on))

    def tick(self, now: datetime | None = None) -> None:
        """Advance the running tiles' elapsed time and progress."""
        now = now or datetime.now(UTC)
        for tile in self.tiles:
            tile.tick(now)

    # -- layout --

    def _render(self, now: datetime | None) -> None:
        shown_all = filter_statuses(self._all, self.filter)
        errors = sorted(self._health.items())
        room = max(0, self.max_tiles - len(errors))
        ordered = shown_all[:room]
        self._place_errors(errors)
        while len(self.tiles) > len(ordered):
            tile = self.tiles.pop()
            self._grid.removeWidget(tile)
            tile.deleteLater()
        first = 1 + (len(errors) + self._columns - 1) // self._columns
        for i, status in enumerate(ordered):
            if i < len(self.tiles):
                self.tiles[i].set_status(status, now)
            else:
                tile = PipelineTile(status, self._inner, font_px=self._px, scale=1.0)
                tile.set_status(status, now)
                self.tiles.append(tile)
                tile.show()  # shown now, not on the next event-loop turn (screenshots grab at once)
            self._grid.removeWidget(self.tiles[i])  # re-placed: error tiles above may have come or gone
            self._grid.addWidget(
                self.tiles[i], first + i // self._columns, i % self._columns, Qt.AlignmentFlag.AlignTop
            )
        self._message(shown_all, ordered)

    def _place_errors(self, errors: list[tuple[str, str]]) -> None:
        while len(self.error_tiles) > len(errors):
            tile = self.error_tiles.pop()
            self._grid.removeWidget(tile)
            tile.deleteLater()
        for i, (source, message) in enumerate(errors):
            if i < len(self.error_tiles):
                self.error_tiles[i].set_error(source, message)
            else:
                tile = ErrorTile(source, message, self._inner, font_px=self._px)
                self.error_tiles.append(tile)
                tile.show()
            self._grid.removeWidget(self.error_tiles[i])
            row, col = 1 + i // self._columns, i % self._columns
            self._grid.addWidget(self.error_tiles[i], row, col, Qt.AlignmentFlag.AlignTop)

    def _message(self, shown_all: list[PipelineStatus], ordered: list[PipelineStatus]) -> None:
        everything = self._all
        failing = sum(1 for s in everything if s.state == "failed")
        if not everything:
            self.empty.setText(
                translate(
                    "PipelineBoard", "No pipelines yet: add a CI source (GitHub Actions, GitLab CI, Jenkins, CCTray)"
                )
                if not self._hidden_idle
                else translate(
                    "PipelineBoard", "No pipeline ran recently (%n idle pipeline(s) hidden).", "", self._hidden_idle
                )
            )
        elif not shown_all and self.filter.only_active:
            self.empty.setText(
                translate("PipelineBoard", "✓ All green: %n pipeline(s), none failing or running.", "", len(everything))
            )
        elif not shown_all:
            self.empty.setText(translate("PipelineBoard", "No pipeline matches the filter."))
        self.empty.setVisible(not ordered)
        parts = [
            translate("PipelineBoard", "%n pipeline(s), {failing} failing.", "", len(everything)).format(
                failing=failing
            )
        ]
        if len(shown_all) > len(ordered):
            parts.append(
                translate("PipelineBoard", "Showing the first {n}: default branches first, failing first.").format(
                    n=len(ordered)
                )
            )
        elif len(shown_all) < len(everything):
            parts.append(translate("PipelineBoard", "{n} match the filter.").format(n=len(shown_all)))
        if self._hidden_idle:
            parts.append(
                translate("PipelineBoard", "%n idle pipeline(s) hidden (no run recently).", "", self._hidden_idle)
            )
        self.more.setText(" ".join(parts))
        self.more.setVisible(self.show_summary and (bool(everything) or bool(self._hidden_idle)))
