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
        f"{s.source} · branch {s.branch or DASH} · commit {(s.sha or DASH)[:8]}",
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

    def __init__(self, parent: QWidget | None = None, *, columns: int = 2) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._columns = columns
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._inner)
        self.empty = _plain("No pipelines in the cache yet.")
        self._grid.addWidget(self.empty, 0, 0)
        self.tiles: list[PipelineTile] = []

    def set_statuses(self, statuses: Sequence[PipelineStatus]) -> None:
        """Show these pipelines, failing first; tiles are reused where possible."""
        ordered = sort_statuses(statuses)
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
                self._grid.addWidget(tile, i // self._columns, i % self._columns)
        self.empty.setVisible(not ordered)
