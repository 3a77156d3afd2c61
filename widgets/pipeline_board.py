"""The pipelines page: the latest run of every pipeline, failing first.

:class:`PipelineTile` is one pipeline and is meant to be reused by the wall screen (``scale``
enlarges its fonts). State is shown three ways: an icon shape, the word, and a colour stripe.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from data.results import PipelineStatus
from widgets.format import DASH, fmt_duration_s, fmt_local
from widgets.icons import STATE_COLOURS, STATE_ORDER, STATE_TEXT, state_icon

__all__ = ["PipelineBoard", "PipelineTile", "sort_statuses", "tile_lines"]


def sort_statuses(statuses: Sequence[PipelineStatus]) -> list[PipelineStatus]:
    """Failing first, then running, queued, unknown, cancelled, passed; then by name and branch."""
    return sorted(
        statuses,
        key=lambda s: (STATE_ORDER.get(s.state, 3), s.pipeline.lower(), (s.branch or "").lower(), s.source),
    )


def tile_lines(s: PipelineStatus, now: datetime | None = None) -> list[str]:
    """The detail lines under a tile's title (plain text)."""
    when = s.finished_at or s.started_at
    lines = [
        # Branch on a line of its own: branch names are long, and a wrapped line can clip in a tile.
        f"branch {s.branch or DASH}",
        f"{s.source} · commit {(s.sha or DASH)[:8]}",
        f"{STATE_TEXT.get(s.state, s.state)} · duration {fmt_duration_s(s.duration_s)} · {fmt_local(when)}",
    ]
    if s.state == "running":
        lines.append(f"running for {fmt_duration_s(s.elapsed_s)} · expected {fmt_duration_s(s.eta_s)}")
    if s.broken_since is not None or s.failing_runs:
        lines.append(f"broken since {fmt_local(s.broken_since)} · failing for {s.failing_runs} runs")
    if s.authors:
        lines.append("commits by " + ", ".join(s.authors))
    if s.stale:
        lines.append("stale: the source has not answered for three intervals")
    if s.error:
        lines.append("error: " + s.error)
    return lines


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # branch names and titles are remote text
    label.setWordWrap(True)
    return label


class PipelineTile(QFrame):
    """One pipeline: icon, state word, name, branch, commit, duration, when, failing streak."""

    def __init__(self, status: PipelineStatus | None = None, parent: QWidget | None = None, *, scale: float = 1.0):
        super().__init__(parent)
        self._scale = scale
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("pipelineTile")
        self.icon = QLabel(self)
        self.state = _plain()
        self.title = _plain()
        self.details = _plain()
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15 * scale)
        self.title.setFont(f)
        sf = self.state.font()
        sf.setBold(True)
        sf.setPointSizeF(sf.pointSizeF() * scale)
        self.state.setFont(sf)
        df = self.details.font()
        df.setPointSizeF(df.pointSizeF() * scale)
        self.details.setFont(df)
        head = QHBoxLayout()
        head.addWidget(self.icon)
        head.addWidget(self.state)
        head.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.details)
        if status is not None:
            self.set_status(status)

    def set_status(self, status: PipelineStatus) -> None:
        """Show ``status``."""
        self.status = status
        size = int(24 * self._scale)
        self.icon.setPixmap(state_icon(status.state).pixmap(QSize(size, size)))
        self.state.setText(STATE_TEXT.get(status.state, status.state))
        self.title.setText(status.pipeline)
        self.details.setText("\n".join(tile_lines(status)))
        colour = STATE_COLOURS.get(status.state, "#888888")
        # The stripe is decoration; the icon shape and the word carry the state.
        self.setStyleSheet(f"#pipelineTile {{ border-left: {int(6 * self._scale)}px solid {colour}; }}")
        self.setAccessibleName(f"{status.pipeline}: {self.state.text()}")


class PipelineBoard(QScrollArea):
    """Every pipeline's tile in a grid of ``columns`` columns."""

    def __init__(self, parent: QWidget | None = None, *, columns: int = 2, max_tiles: int = 60) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._columns = columns
        # A cache can hold thousands of branch pipelines; thousands of tiles would stall the GUI
        # thread for seconds. Failing ones come first, so the cap hides only the least urgent.
        self.max_tiles = max_tiles
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._inner)
        self.empty = _plain("No pipelines in the cache yet.")
        self.more = _plain()
        outer = QVBoxLayout()
        outer.addWidget(self.empty)
        outer.addWidget(self.more)
        self._grid.addLayout(outer, 0, 0, 1, columns)
        self.tiles: list[PipelineTile] = []

    def set_statuses(self, statuses: Sequence[PipelineStatus], *, presorted: bool = False) -> None:
        """Show these pipelines, failing first; tiles are reused where possible.

        ``presorted``: already in :func:`sort_statuses` order (sorted on a worker: a big cache has
        tens of thousands of branch pipelines, too many to sort on the GUI thread).
        """
        everything = list(statuses) if presorted else sort_statuses(statuses)
        ordered = everything[: self.max_tiles]
        while len(self.tiles) > len(ordered):
            tile = self.tiles.pop()
            self._grid.removeWidget(tile)
            tile.deleteLater()
        for i, status in enumerate(ordered):
            if i < len(self.tiles):
                self.tiles[i].set_status(status)
            else:
                tile = PipelineTile(status, self._inner)
                self.tiles.append(tile)
                self._grid.addWidget(tile, 1 + i // self._columns, i % self._columns)
                tile.show()  # shown now, not on the next event-loop turn (screenshots grab at once)
        self.empty.setVisible(not ordered)
        failing = sum(1 for s in everything if s.state == "failed")
        hidden = len(everything) - len(ordered)
        self.more.setText(
            f"{len(everything)} pipelines, {failing} failing. Showing the first {len(ordered)}, failing first."
            if hidden
            else f"{len(everything)} pipelines, {failing} failing."
        )
        self.more.setVisible(bool(everything))
