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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from data.metrics.pipelines import sort_pipelines
from data.results import PipelineStatus
from widgets.format import DASH, fmt_duration_s, fmt_local
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.icons import STATE_COLOURS, state_icon, state_text

__all__ = [
    "BoardFilter",
    "ErrorTile",
    "PipelineBoard",
    "PipelineTile",
    "filter_statuses",
    "progress_of",
    "sort_statuses",
    "tile_lines",
]

STALE_TEXT = QT_TRANSLATE_NOOP("PipelineBoard", "⚠ STALE: no answer from the source for 3 intervals")


def sort_statuses(statuses: Sequence[PipelineStatus]) -> list[PipelineStatus]:
    """Failing first, then running, queued, unknown, cancelled, passed; default branches before
    feature branches; then the most recent first (:func:`data.metrics.pipelines.sort_pipelines`)."""
    return sort_pipelines(statuses)


def _elapsed(s: PipelineStatus, now: datetime | None) -> float | None:
    if s.state != "running":
        return None
    if now is not None and s.started_at is not None:
        return max(0.0, (now - s.started_at).total_seconds())
    return s.elapsed_s


def progress_of(s: PipelineStatus, now: datetime | None = None) -> tuple[float | None, str]:
    """A running pipeline's progress against its ETA: (fraction 0…1 or None, plain text).

    None when it is not running or has no ETA (no successful run yet). Past the ETA the fraction
    stays 1 and the text says by how much it is over.
    """
    elapsed = _elapsed(s, now)
    if s.state != "running":
        return None, ""
    if s.eta_s is None or s.eta_s <= 0:
        return None, translate("PipelineBoard", "running for {elapsed} · no ETA yet").format(
            elapsed=fmt_duration_s(elapsed)
        )
    if elapsed is None:
        return None, translate("PipelineBoard", "expected {eta}").format(eta=fmt_duration_s(s.eta_s))
    if elapsed > s.eta_s:
        return 1.0, translate("PipelineBoard", "{elapsed} · over by {over}").format(
            elapsed=fmt_duration_s(elapsed), over=fmt_duration_s(elapsed - s.eta_s)
        )
    left = fmt_duration_s(s.eta_s - elapsed)
    return elapsed / s.eta_s, translate("PipelineBoard", "{elapsed} of ~{eta} · {left} left").format(
        elapsed=fmt_duration_s(elapsed), eta=fmt_duration_s(s.eta_s), left=left
    )


def tile_lines(s: PipelineStatus, now: datetime | None = None) -> list[str]:
    """The detail lines under a tile's title (plain text)."""
    when = s.finished_at or s.started_at
    lines = [
        # Branch on a line of its own: branch names are long, and a wrapped line can clip in a tile.
        translate("PipelineBoard", "branch {branch}").format(branch=s.branch or DASH),
        translate("PipelineBoard", "{source} · commit {sha}").format(source=s.source, sha=(s.sha or DASH)[:8]),
        translate("PipelineBoard", "{state} · duration {duration} · {when}").format(
            state=state_text(s.state), duration=fmt_duration_s(s.duration_s), when=fmt_local(when)
        ),
    ]
    if s.state == "running":
        lines.append(
            translate("PipelineBoard", "running for {elapsed} · expected {eta}").format(
                elapsed=fmt_duration_s(_elapsed(s, now)), eta=fmt_duration_s(s.eta_s)
            )
        )
    if s.broken_since is not None or s.failing_runs:
        lines.append(
            translate("PipelineBoard", "broken since {since} · failing for %n run(s)", "", s.failing_runs).format(
                since=fmt_local(s.broken_since)
            )
        )
    if s.authors:
        lines.append(translate("PipelineBoard", "commits by {authors}").format(authors=", ".join(s.authors)))
    if s.error:
        lines.append(translate("PipelineBoard", "error: {error}").format(error=s.error))
    return lines


@dataclass(frozen=True)
class BoardFilter:
    """What a board shows: sources (empty: all), name and branch patterns, only failing/running."""

    sources: frozenset[str] = frozenset()
    name: str = ""
    branch: str = ""
    only_active: bool = False


def _matches(pattern: str, text: str | None) -> bool:
    if not pattern:
        return True
    value = (text or "").lower()
    pat = pattern.lower()
    # A pattern with wildcards is a glob; plain text is a substring search.
    return fnmatchcase(value, pat) if any(c in pat for c in "*?[") else pat in value


def filter_statuses(statuses: Sequence[PipelineStatus], f: BoardFilter) -> list[PipelineStatus]:
    """The statuses ``f`` lets through, in their order."""
    return [
        s
        for s in statuses
        if (not f.sources or s.source in f.sources)
        and _matches(f.name, s.pipeline)
        and _matches(f.branch, s.branch)
        and (not f.only_active or s.state in ("failed", "running", "queued"))
    ]


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # branch names and titles are remote text
    label.setWordWrap(True)
    return label


def _sized(label: QLabel, *, px: int | None, scale: float, bold: bool = False) -> None:
    f = QFont(label.font())
    f.setBold(bold)
    if px is not None:
        f.setPixelSize(max(8, round(px * scale)))
    else:
        f.setPointSizeF(f.pointSizeF() * scale)
    label.setFont(f)


class PipelineTile(QFrame):
    """One pipeline: icon, state word, name, branch, commit, duration, when, streak, progress, stale."""

    def __init__(
        self,
        status: PipelineStatus | None = None,
        parent: QWidget | None = None,
        *,
        scale: float = 1.0,
        font_px: int | None = None,
    ):
        super().__init__(parent)
        self._scale = scale
        self._px = font_px
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("pipelineTile")
        self.icon = QLabel(self)
        self.state = _plain()
        self.state.setWordWrap(False)
        self.title = _plain()
        self.details = _plain()
        self.stale = _plain(translate("PipelineBoard", STALE_TEXT))
        self.stale.setObjectName("staleBadge")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        _sized(self.title, px=font_px, scale=1.15 * scale if font_px is None else 1.35, bold=True)
        _sized(self.state, px=font_px, scale=scale if font_px is None else 1.35, bold=True)
        _sized(self.details, px=font_px, scale=scale if font_px is None else 1.0)
        _sized(self.stale, px=font_px, scale=scale if font_px is None else 1.0, bold=True)
        pf = QFont(self.progress.font())
        if font_px is not None:
            pf.setPixelSize(font_px)
            self.progress.setMinimumHeight(round(font_px * 1.5))
        self.progress.setFont(pf)
        head = QHBoxLayout()
        if font_px is not None:
            head.setSpacing(max(6, font_px // 2))  # the state word and the name stay two words
        head.addWidget(self.icon)
        head.addWidget(self.state)
        head.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.details)
        layout.addWidget(self.progress)
        layout.addWidget(self.stale)
        self.progress.hide()
        self.stale.hide()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if status is not None:
            self.set_status(status)

    def _icon_px(self) -> int:
        return round(self._px * 1.6) if self._px is not None else int(24 * self._scale)

    def set_status(self, status: PipelineStatus, now: datetime | None = None) -> None:
        """Show ``status`` (``now`` moves a running pipeline's elapsed time and progress)."""
        self.status = status
        size = self._icon_px()
        self.icon.setPixmap(state_icon(status.state).pixmap(QSize(size, size)))
        self.state.setText(state_text(status.state))
        self.title.setText(status.pipeline)
        self.details.setText("\n".join(tile_lines(status, now)))
        self._progress(now)
        self.stale.setVisible(status.stale)
        colour = STATE_COLOURS.get(status.state, "#888888")
        # The stripe is decoration; the icon shape and the word carry the state. A stale tile's
        # stripe is dashed so the age is visible from afar even before reading the badge.
        style = "dashed" if status.stale else "solid"
        width = int((self._px / 3) if self._px is not None else 6 * self._scale)
        self.setStyleSheet(f"#pipelineTile {{ border-left: {width}px {style} {colour}; }}")
        stale = translate("PipelineBoard", " (stale)") if status.stale else ""
        self.setAccessibleName(f"{status.pipeline}: {self.state.text()}{stale}")

    def _progress(self, now: datetime | None) -> None:
        fraction, text = progress_of(self.status, now)
        if self.status.state != "running":
            self.progress.hide()
            return
        self.progress.setVisible(True)
        if fraction is None:
            self.progress.setRange(0, 0) if self.status.eta_s is None else self.progress.setRange(0, 1000)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.progress.setFormat(text.replace("%", "%%"))

    def tick(self, now: datetime) -> None:
        """Advance a running pipeline's elapsed time (no query: computed from its start)."""
        if self.status.state == "running":
            self.details.setText("\n".join(tile_lines(self.status, now)))
            self._progress(now)


class ErrorTile(QFrame):
    """A source that fails: its name, the (redacted) error, and since when it has not answered."""

    def __init__(self, source: str, message: str, parent: QWidget | None = None, *, font_px: int | None = None):
        super().__init__(parent)
        self.setObjectName("errorTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = _plain()
        self.details = _plain()
        _sized(self.title, px=font_px, scale=1.35 if font_px else 1.15, bold=True)
        _sized(self.details, px=font_px, scale=1.0)
        self.icon = QLabel(self)
        size = round(font_px * 1.6) if font_px else 24
        self.icon.setPixmap(state_icon("failed").pixmap(QSize(size, size)))
        head = QHBoxLayout()
        head.addWidget(self.icon)
        head.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.details)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        width = max(6, (font_px or 18) // 3)
        self.setStyleSheet(f"#errorTile {{ border-left: {width}px dotted {STATE_COLOURS['failed']}; }}")
        self.set_error(source, message)

    def set_error(self, source: str, message: str) -> None:
        """Show ``message`` for ``source`` (plain text, cut to a readable length)."""
        self.source = source
        self.title.setText(translate("PipelineBoard", "Source {source} is not answering").format(source=source))
        text = message if len(message) <= 300 else message[:299] + "…"
        self.details.setText(
            translate("PipelineBoard", "{error}\nRetrying with backoff; the other sources keep updating.").format(
                error=text
            )
        )
        self.setAccessibleName(translate("PipelineBoard", "source {source} error").format(source=source))


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
        self.empty = _plain(translate("PipelineBoard", "No pipelines in the cache yet."))
        self.empty.setObjectName("boardMessage")
        self.more = _plain()
        for label, scale in ((self.empty, 1.6), (self.more, 1.0)):
            _sized(label, px=font_px, scale=scale if font_px else 1.0, bold=label is self.empty)
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
        """Show a :class:`data.metrics.pipelines.PipelineView` (statuses in wall order, idle count)."""
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
                translate("PipelineBoard", "No pipelines in the cache yet.")
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
            parts.append(translate("PipelineBoard", "Showing the first {n}, failing first.").format(n=len(ordered)))
        elif len(shown_all) < len(everything):
            parts.append(translate("PipelineBoard", "{n} match the filter.").format(n=len(shown_all)))
        if self._hidden_idle:
            parts.append(
                translate("PipelineBoard", "%n idle pipeline(s) hidden (no run recently).", "", self._hidden_idle)
            )
        self.more.setText(" ".join(parts))
        self.more.setVisible(self.show_summary and (bool(everything) or bool(self._hidden_idle)))
