"""The wall: a kiosk window that rotates pipelines, the value-stream map and the scorecard.

Readable from 3–4 m: every size derives from the screen height (:func:`font_px_for`, 30 px at
1080p, 60 px at 2160p), on a high-contrast dark theme (``resources/themes/wall.qss``). The header
always shows which page this is, the period it covers ("last 13 weeks to 30 Nov": the report's
window on the map and the scorecard, the activity horizon on the pipelines), the counts (failing /
running / queued / passing), the clock, and how old the data is ("data as of 14:04, 40 s ago",
amber after 3 intervals, red after 10; "Waiting for first data…" before any).

Keyboard only (the cursor is hidden): Left/Right change page, Space pauses the rotation, R polls
now, F toggles full screen, Esc leaves. It is never blank: before any data a "waiting" page says
so; the first paint comes from the store before any poll (the last known state after a reboot).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from app.controllers.live import LivePoller
from app.controllers.notify import Notifier
from data.report.results import Report
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.wall_clock import WallClock
from widgets.wall_pages import (
    WaitingPage,
    WallMapPage,
    WallPipelinesPage,
    WallScorePage,
    label,
    pipelines_window_text,
    window_text,
)

__all__ = ["WALL_PAGES", "WallWindow", "font_px_for", "wall_palette", "wall_stylesheet"]

#: Page names, in the default rotation order.
WALL_PAGES = ("pipelines", "map", "dora")
PAGE_TITLES = {
    "pipelines": QT_TRANSLATE_NOOP("Wall", "Pipelines"),
    "map": QT_TRANSLATE_NOOP("Wall", "Value stream"),
    "dora": QT_TRANSLATE_NOOP("Wall", "Scorecard"),
}


def font_px_for(height: int) -> int:
    """The wall's base text size for a screen ``height`` px tall (1080 -> 30, 2160 -> 60)."""
    return max(14, round(height / 36))


def wall_stylesheet() -> str:
    """The wall's QSS (``resources/themes/wall.qss``)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "resources" / "themes" / "wall.qss"
    return path.read_text(encoding="utf-8")


def wall_palette() -> QPalette:
    """Black background, near-white text (the map and the progress bars read the palette)."""
    pal = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#000000"),
        (QPalette.ColorRole.WindowText, "#F2F2F2"),
        (QPalette.ColorRole.Base, "#1A1A1A"),
        (QPalette.ColorRole.Text, "#F2F2F2"),
        (QPalette.ColorRole.Button, "#222222"),
        (QPalette.ColorRole.ButtonText, "#F2F2F2"),
        (QPalette.ColorRole.Highlight, "#56B4E9"),
        (QPalette.ColorRole.HighlightedText, "#000000"),
        (QPalette.ColorRole.Mid, "#6A6A6A"),
    ):
        pal.setColor(role, QColor(colour))
    return pal


class WallWindow(QWidget):
    """The kiosk window. Feed it a :class:`~app.controllers.live.LivePoller` (or call the ``show_*`` slots).

    Signals:
        page_changed(str): the page now shown (``waiting`` before any data).
    """

    page_changed = Signal(str)

    def __init__(
        self,
        poller: LivePoller | None = None,
        *,
        pages: Sequence[str] = WALL_PAGES,
        rotate_s: float = 30.0,
        pin: str | None = None,
        height: int = 1080,
        interval_s: float = 30.0,
        notifier: Notifier | None = None,
        only_active: bool = False,
        clock: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        unknown = [p for p in pages if p not in WALL_PAGES]
        if unknown or not pages:
            names = ", ".join(unknown) or "(none)"
            raise ValueError(f"unknown wall page(s) {names}; choose from {', '.join(WALL_PAGES)}")
        if pin is not None and pin not in WALL_PAGES:
            raise ValueError(f"--pin {pin!r}: choose from {', '.join(WALL_PAGES)}")
        self.setObjectName("wallRoot")
        self.setWindowTitle(translate("Wall", "Flowdeck wall"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setPalette(wall_palette())
        self.setStyleSheet(wall_stylesheet())
        self.clock_fn = clock or (lambda: datetime.now(UTC))
        self.px = px = font_px_for(height)
        self.page_names: list[str] = list(pages) if pin is None else [pin]
        self.poller = poller
        self.notifier = notifier
        self.has_data = False
        self.demo: bool = False
        #: The period each page covers, as shown in the header ("" until known).
        self.windows: dict[str, str] = dict.fromkeys(WALL_PAGES, "")

        # Header: page title, counts, paused/demo badges, clock and data age.
        self.header = QWidget(self)
        self.header.setObjectName("wallHeader")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = label("", px=round(px * 1.3), bold=True, name="wallTitle", wrap=False)
        # Wraps rather than widening the window past the screen (a top-level grows to its layout's minimum).
        self.period = label("", px=px, name="wallPeriod")
        self.summary = label("", px=px, name="wallSummary")
        self.paused_badge = label(
            translate("Wall", "Rotation paused"), px=round(px * 0.8), bold=True, name="wallPaused", wrap=False
        )
        self.demo_badge = label(
            translate("Wall", "DEMO DATA"), px=round(px * 0.8), bold=True, name="demoBadge", wrap=False
        )
        self.clock = WallClock(self.header, font_px=round(px * 0.8), interval_s=interval_s, clock=self.clock_fn)
        left = QVBoxLayout()
        left.setSpacing(0)
        # The period takes the rest of the row (a word-wrapped label asks for less than it may use, and
        # would wrap early), its text at the bottom, near the title's baseline.
        self.period.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        top = QHBoxLayout()
        top.setSpacing(px)
        top.addWidget(self.title)
        top.addWidget(self.period, 1)
        left.addLayout(top)
        left.addWidget(self.summary)
        head = QHBoxLayout(self.header)
        head.setContentsMargins(px // 2, px // 4, px // 2, px // 4)
        head.addLayout(left, 1)
        head.addWidget(self.paused_badge)
        head.addWidget(self.demo_badge)
        head.addWidget(self.clock)
        self.paused_badge.hide()
        self.demo_badge.hide()

        # Pages.
        self.stack = QStackedWidget(self)
        self.waiting = WaitingPage(font_px=px)
        self.pages: dict[str, QWidget] = {
            "pipelines": WallPipelinesPage(font_px=px, columns=2),
            "map": WallMapPage(font_px=px),
            "dora": WallScorePage(font_px=px),
        }
        self.pipelines_page: WallPipelinesPage = self.pages["pipelines"]  # type: ignore[assignment]
        self.map_page: WallMapPage = self.pages["map"]  # type: ignore[assignment]
        self.score_page: WallScorePage = self.pages["dora"]  # type: ignore[assignment]
        self.map_page.setPalette(wall_palette())
        self.stack.addWidget(self.waiting)
        for name in self.page_names:
            self.stack.addWidget(self.pages[name])
        if only_active:
            self.pipelines_page.set_only_active(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(px // 3)
        layout.addWidget(self.header)
        body = QVBoxLayout()
        body.setContentsMargins(px // 2, 0, px // 2, px // 3)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)

        self.index = 0
        self.rotation = QTimer(self)
        self.rotation.setInterval(max(1, round(rotate_s * 1000)))
        self.rotation.timeout.connect(self.next_page)
        self.paused = pin is not None or len(self.page_names) < 2
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(lambda: self.pipelines_page.tick(self.now()))
        self.ticker.start()
        self._show_waiting(translate("Wall", "Opening the store…"))
        if poller is not None:
            self._connect(poller)

    # -- wiring --

    def _connect(self, poller: LivePoller) -> None:
        poller.store_ready.connect(self._on_store)
        poller.error.connect(
            lambda message: self._show_waiting(
                translate("Wall", "Cannot open the store: {message}").format(message=message)
            )
        )
        poller.pipelines_changed.connect(self.show_pipelines)
        poller.report_changed.connect(self.show_report)
        poller.data_time.connect(lambda when: self.clock.set_data_time(when, demo=self.demo))
        poller.source_failed.connect(lambda _s, _m: self._health())
        poller.source_recovered.connect(lambda _s: self._health())
        if self.notifier is not None:
            poller.notices.connect(self.notifier.show)

    def _on_store(self, payload: object) -> None:
        _store, demo = cast("tuple[object, bool]", payload)
        self.demo = bool(demo)
        self.demo_badge.setVisible(self.demo)
        n = len(self.poller.config.sources) if self.poller else 0
        self.waiting.set_detail(
            translate("Wall", "Demo data: computing…")
            if self.demo
            else translate("Wall", "Polling %n source(s)…", "", n)
        )

    def _health(self) -> None:
        if self.poller is None:
            return
        errors = {name: err for name, (_stale, err) in self.poller.source_health().items()}
        self.pipelines_page.set_source_errors(errors)

    # -- data --

    def show_pipelines(self, view: Any) -> None:
        """A new :class:`~data.pipelines.status.PipelineView`."""
        self.pipelines_page.set_view(view, self.now())
        self._health()
        self.windows["pipelines"] = pipelines_window_text(view)
        c = view.counts
        # Running and queued apart: "3 running" over 2 running and 1 waiting for an agent misleads.
        parts = [
            translate("Wall", "{n} failing").format(n=c.get("failed", 0)),
            translate("Wall", "{n} running").format(n=c.get("running", 0)),
        ]
        if c.get("queued", 0):
            parts.append(translate("Wall", "{n} queued").format(n=c["queued"]))
        parts.append(translate("Wall", "{n} passing").format(n=c.get("success", 0)))
        if view.hidden:
            parts.append(translate("Wall", "{n} idle hidden").format(n=view.hidden))
        self.summary.setText(" · ".join(parts))
        if self.notifier is not None:
            self.notifier.set_statuses(view.statuses)
        self._first_data()
        self._show_window()

    def show_report(self, report: Report | None) -> None:
        """A new report for the map and the scorecard."""
        self.map_page.set_report(report)
        self.score_page.set_report(report)
        text = window_text(report.window_from, report.window_to) if report is not None else ""
        self.windows["map"] = self.windows["dora"] = text
        self._show_window()

    def _show_window(self) -> None:
        """The current page's period in the header (nothing on the waiting page)."""
        self.period.setText(self.windows.get(self.current_page, ""))

    def _first_data(self) -> None:
        if self.has_data:
            return
        self.has_data = True
        self.set_page(self.index)
        if not self.paused:
            self.rotation.start()

    def _show_waiting(self, detail: str) -> None:
        self.waiting.set_detail(detail)
        self.stack.setCurrentWidget(self.waiting)
        self.title.setText("Flowdeck")
        self._show_window()
        # The page says "Waiting for first data…" in large type; the header need not say it again.
        self.clock.age.hide()

    def now(self) -> datetime:
        """What "now" is for elapsed times: the demo's end for demo data, else the clock."""
        if self.poller is not None and self.poller.demo:
            return self.poller.as_of()
        return self.clock_fn()

    # -- pages and keys --

    @property
    def current_page(self) -> str:
        """The page shown (``waiting`` before data)."""
        if not self.has_data:
            return "waiting"
        return self.page_names[self.index]

    def set_page(self, index: int) -> None:
        """Show page ``index`` (wraps around)."""
        self.index = index % len(self.page_names)
        if not self.has_data:
            return
        name = self.page_names[self.index]
        self.stack.setCurrentWidget(self.pages[name])
        self.title.setText(f"{translate('Wall', PAGE_TITLES[name])}   {self.index + 1}/{len(self.page_names)}")
        self.clock.age.show()
        self._show_window()
        if name == "pipelines":
            self.pipelines_page.fit()
        elif name == "map":
            self.map_page.fit()
        self.page_changed.emit(name)

    def next_page(self) -> None:
        """The next page (rotation, or Right)."""
        self.set_page(self.index + 1)
        if not self.paused and self.rotation.isActive():
            self.rotation.start()  # a key press restarts the full interval

    def previous_page(self) -> None:
        """The previous page (Left)."""
        self.set_page(self.index - 1)
        if not self.paused and self.rotation.isActive():
            self.rotation.start()

    def toggle_pause(self) -> None:
        """Pause or resume the rotation (Space)."""
        self.paused = not self.paused
        if self.paused:
            self.rotation.stop()
        elif self.has_data and len(self.page_names) > 1:
            self.rotation.start()
        self.paused_badge.setVisible(self.paused and len(self.page_names) > 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows, Space, R, F, Esc."""
        key = event.key()
        if key == Qt.Key.Key_Right:
            self.next_page()
        elif key == Qt.Key.Key_Left:
            self.previous_page()
        elif key == Qt.Key.Key_Space:
            self.toggle_pause()
        elif key == Qt.Key.Key_Escape:
            self.close()
        elif key == Qt.Key.Key_F:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        elif key == Qt.Key.Key_R and self.poller is not None:
            self.poller.poll_now()
        else:
            super().keyPressEvent(event)
