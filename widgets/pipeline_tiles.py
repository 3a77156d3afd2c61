"""One pipeline's tile and a failing source's tile, and the words a tile shows.

:class:`PipelineTile` is one pipeline, shared by the main window and the wall (``scale`` enlarges
fonts from the app font; ``font_px`` sets the detail text's pixel size). State is shown three ways:
an icon shape, the word, and a colour stripe; a running pipeline has a progress bar against its ETA
(:func:`progress_of`), the detail lines come from :func:`tile_lines`: ages people read ("broken 3 d",
"running 5 min", "failed 2 h ago", :func:`fmt_age`) rather than timestamps, and only the fields the
source has (a CCTray feed has no branch, commit or duration: no line of dashes for them).
:class:`ErrorTile` stands for a source that is not answering. Texts keep the ``PipelineBoard``
translation context; :mod:`widgets.pipeline_board` re-exports the public names.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from data.pipelines.results import PipelineStatus
from widgets.format import fmt_duration_s
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.icons import STATE_COLOURS, state_icon, state_text

__all__ = [
    "STALE_TEXT",
    "ErrorTile",
    "PipelineTile",
    "age_seconds",
    "fmt_age",
    "plain_label",
    "progress_of",
    "size_label",
    "tile_lines",
]

STALE_TEXT = QT_TRANSLATE_NOOP("PipelineBoard", "⚠ STALE: no answer from the source for 3 intervals")


def _utc(when: datetime) -> datetime:
    # Records are aware; a naive instant is taken as UTC (as the store does), never as local time.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def age_seconds(since: datetime, now: datetime) -> float:
    """Seconds from ``since`` to ``now`` (instants: the local time zone plays no part), never negative."""
    return max(0.0, (_utc(now) - _utc(since)).total_seconds())


def fmt_age(seconds: float) -> str:
    """An age in its largest whole unit, rounded down: ``59 s``, ``1 min``, ``59 min``, ``1 h``, ``23 h``, ``1 d``.

    Rounded down so an age never claims more than has passed ("broken 3 d" means at least 3 days).
    """
    s = max(0, int(seconds))
    if s < 60:
        return translate("Format", "{0} s").format(s)
    if s < 3600:
        return translate("Format", "{0} min").format(s // 60)
    if s < 86400:
        return translate("Format", "{0} h").format(s // 3600)
    return translate("Format", "{0} d").format(s // 86400)


def _now(s: PipelineStatus, now: datetime | None) -> datetime:
    """What ages are measured to: the clock given, else the instant the status is true for."""
    return now or s.as_of or datetime.now(UTC)


def _elapsed(s: PipelineStatus, now: datetime | None) -> float | None:
    if s.state != "running":
        return None
    if now is not None and s.started_at is not None:
        return age_seconds(s.started_at, now)
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


#: The last run's outcome with its age ("failed 2 h ago"); keyed by state.
_DONE_AGO = {
    "failed": QT_TRANSLATE_NOOP("PipelineBoard", "failed {age} ago"),
    "success": QT_TRANSLATE_NOOP("PipelineBoard", "passed {age} ago"),
    "cancelled": QT_TRANSLATE_NOOP("PipelineBoard", "cancelled {age} ago"),
    "unknown": QT_TRANSLATE_NOOP("PipelineBoard", "last run {age} ago"),
}


def _run_line(s: PipelineStatus, now: datetime) -> str | None:
    """The latest run as an age: "running 5 min", "queued 2 min", "failed 2 h ago · took 11 min"."""
    if s.state == "running":
        elapsed = _elapsed(s, now)
        if elapsed is None:
            return None
        return translate("PipelineBoard", "running {age}").format(age=fmt_age(elapsed))
    if s.state == "queued":
        if s.queued_at is None:
            return None
        return translate("PipelineBoard", "queued {age}").format(age=fmt_age(age_seconds(s.queued_at, now)))
    when = s.finished_at or s.started_at
    parts = []
    if when is not None:
        parts.append(
            translate("PipelineBoard", _DONE_AGO.get(s.state, _DONE_AGO["unknown"])).format(
                age=fmt_age(age_seconds(when, now))
            )
        )
    if s.duration_s is not None:
        parts.append(translate("PipelineBoard", "took {duration}").format(duration=fmt_duration_s(s.duration_s)))
    return " · ".join(parts) or None


def tile_lines(s: PipelineStatus, now: datetime | None = None) -> list[str]:
    """The detail lines under a tile's title (plain text): only what the source told us, ages not times.

    ``now``: what ages are measured to (the wall's clock); None: the status's own ``as_of``.
    """
    ref = _now(s, now)
    lines = []
    if s.branch:
        # Branch on a line of its own: branch names are long, and a wrapped line can clip in a tile.
        lines.append(translate("PipelineBoard", "branch {branch}").format(branch=s.branch))
    if s.broken_since is not None:
        lines.append(
            translate("PipelineBoard", "broken {age} · failing for %n run(s)", "", s.failing_runs).format(
                age=fmt_age(age_seconds(s.broken_since, ref))
            )
        )
    elif s.failing_runs:
        lines.append(translate("PipelineBoard", "failing for %n run(s)", "", s.failing_runs))
    run = _run_line(s, ref)
    if run:
        lines.append(run)
    if s.sha:
        lines.append(translate("PipelineBoard", "{source} · commit {sha}").format(source=s.source, sha=s.sha[:8]))
    else:
        lines.append(s.source)
    if s.authors:
        lines.append(translate("PipelineBoard", "commits by {authors}").format(authors=", ".join(s.authors)))
    if s.error:
        lines.append(translate("PipelineBoard", "error: {error}").format(error=s.error))
    return lines


def plain_label(text: str = "") -> QLabel:
    """A word-wrapped plain-text label (branch names and titles are remote text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # branch names and titles are remote text
    label.setWordWrap(True)
    return label


def size_label(label: QLabel, *, px: int | None, scale: float, bold: bool = False) -> None:
    """Set ``label``'s font: ``px`` pixels times ``scale`` if given, else the app font scaled."""
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
        self.state = plain_label()
        self.state.setWordWrap(False)
        self.title = plain_label()
        self.details = plain_label()
        self.stale = plain_label(translate("PipelineBoard", STALE_TEXT))
        self.stale.setObjectName("staleBadge")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        size_label(self.title, px=font_px, scale=1.15 * scale if font_px is None else 1.35, bold=True)
        size_label(self.state, px=font_px, scale=scale if font_px is None else 1.35, bold=True)
        size_label(self.details, px=font_px, scale=scale if font_px is None else 1.0)
        size_label(self.stale, px=font_px, scale=scale if font_px is None else 1.0, bold=True)
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
        """Advance the ages and a running pipeline's progress (no query: computed from the instants)."""
        text = "\n".join(tile_lines(self.status, now))
        if text != self.details.text():
            self.details.setText(text)
        if self.status.state == "running":
            self._progress(now)


class ErrorTile(QFrame):
    """A source that fails: its name, the (redacted) error, and since when it has not answered."""

    def __init__(self, source: str, message: str, parent: QWidget | None = None, *, font_px: int | None = None):
        super().__init__(parent)
        self.setObjectName("errorTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = plain_label()
        self.details = plain_label()
        size_label(self.title, px=font_px, scale=1.35 if font_px else 1.15, bold=True)
        size_label(self.details, px=font_px, scale=1.0)
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
