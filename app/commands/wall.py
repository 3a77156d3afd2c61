"""``flowdeck wall``: the kiosk screen (full screen, cursor hidden, rotating pages, live polling).

``--screenshot FILE --page PAGE --size WxH`` renders offscreen once the data has loaded (the
pipelines, and for ``map``/``dora`` the report), saves a PNG and exits 0 — or exits 1 with a clear
message after ``--timeout``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import UsageError
from app.commands.common import config_of
from app.commands.gui import parse_size

__all__ = ["add_parser", "parse_pages", "run"]

PAGES = ("pipelines", "map", "dora")


def parse_pages(value: str) -> tuple[str, ...]:
    """``map,pipelines,dora`` -> a tuple of known page names; argparse type."""
    names = tuple(p.strip().lower() for p in value.split(",") if p.strip())
    unknown = [p for p in names if p not in PAGES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown page(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(PAGES)}"
        )
    return names


def add_parser(subparsers: Any) -> None:
    """Register ``wall``."""
    p = subparsers.add_parser("wall", help="the wall screen: live pipelines, map and scorecard, full screen")
    p.add_argument(
        "--pages",
        type=parse_pages,
        default=PAGES,
        metavar="LIST",
        help="pages to rotate, comma-separated (default pipelines,map,dora)",
    )
    p.add_argument("--rotate", type=float, default=30.0, metavar="SECONDS", help="seconds per page (default 30)")
    p.add_argument("--pin", choices=PAGES, help="show only this page (no rotation)")
    p.add_argument(
        "--screen", type=int, default=None, metavar="N", help="screen number for full screen (default: primary)"
    )
    p.add_argument(
        "--horizon-days",
        type=float,
        default=14.0,
        metavar="DAYS",
        help="hide pipelines with no run for this many days (default 14)",
    )
    p.add_argument(
        "--weeks",
        type=int,
        default=13,
        metavar="N",
        help="the map and scorecard cover the last N weeks (default 13, as the desktop app)",
    )
    p.add_argument("--only-failing", action="store_true", help="show only failing and running pipelines")
    p.add_argument("--sound", action="store_true", help="beep when a pipeline breaks")
    p.add_argument("--no-notify", action="store_true", help="no tray icon or desktop notifications")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    p.add_argument("--screenshot", metavar="FILE", help="render offscreen once data has loaded, save a PNG, exit")
    p.add_argument("--page", choices=PAGES, default="pipelines", help="page for --screenshot (default pipelines)")
    p.add_argument(
        "--size",
        type=parse_size,
        default=(1920, 1080),
        metavar="WxH",
        help="window size for --screenshot (default 1920x1080)",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="--screenshot gives up after this many seconds")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the wall (or take the screenshot)."""
    config = config_of(args)
    if args.rotate <= 0:
        raise UsageError(f"--rotate must be a positive number of seconds, not {args.rotate:g}")
    if args.horizon_days <= 0:
        raise UsageError(f"--horizon-days must be positive, not {args.horizon_days:g}")
    if args.weeks <= 0:
        raise UsageError(f"--weeks must be a positive whole number of weeks, not {args.weeks}")
    shot = Path(args.screenshot).resolve() if args.screenshot else None
    if shot is not None and not shot.parent.is_dir():
        print(f"flowdeck: --screenshot: directory {shot.parent} does not exist", file=sys.stderr)
        return 2

    if shot is not None:
        import os

        # "Renders offscreen": no display needed (and none used even when there is one).
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer

    from app.commands.common import open_store
    from app.controllers.live import LivePoller
    from app.controllers.notify import Notifier
    from app.qt_app import qt_application, screenshot_and_exit
    from app.wall import WallWindow

    app = qt_application(args)
    app.setStyle("Fusion")
    screens = app.screens()
    if args.screen is not None and not 0 <= args.screen < len(screens):
        raise UsageError(f"--screen {args.screen}: this display has {len(screens)} screen(s), numbered from 0")
    screen = screens[args.screen] if args.screen is not None else app.primaryScreen()
    width, height = args.size if shot is not None else (screen.geometry().width(), screen.geometry().height())
    intervals = [s.interval_s for s in config.sources] or [30.0]
    # Store first, then compute: a report of the last --weeks for the map and scorecard pages (13 by
    # default, the desktop's default range, so the wall's figures match what people see at their desks).
    poller = LivePoller(
        config, lambda: open_store(args), horizon_days=args.horizon_days, report_weeks=args.weeks, limit=200
    )
    notifier = None if (args.no_notify or shot is not None) else Notifier(sound=args.sound)
    pages = (args.page,) if shot is not None else args.pages
    window = WallWindow(
        poller,
        pages=pages,
        rotate_s=args.rotate,
        pin=args.pin if shot is None else args.page,
        height=height,
        interval_s=min(intervals),
        notifier=notifier,
        only_active=args.only_failing,
    )
    outcome = {"code": 0}
    if shot is not None:
        window.resize(width, height)
        pending = {"pipelines"} | ({"report"} if args.page in ("map", "dora") else set())

        def arrived(kind: str) -> None:
            pending.discard(kind)
            if not pending:
                QTimer.singleShot(150, take)

        def take() -> None:
            window.pipelines_page.fit()  # the tiles' final size at the screenshot's width
            screenshot_and_exit(app, window, shot)

        def timed_out() -> None:
            outcome["code"] = 1
            waiting = ", ".join(sorted(pending))
            print(f"flowdeck: --screenshot: no data after {args.timeout:g} s (waiting for: {waiting})", file=sys.stderr)
            app.exit(1)

        def failed(message: str) -> None:
            outcome["code"] = 1
            print(f"flowdeck: {message}", file=sys.stderr)
            app.exit(1)

        poller.error.connect(failed)
        poller.pipelines_changed.connect(lambda _v: arrived("pipelines"))
        poller.report_changed.connect(lambda _r: arrived("report"))
        QTimer.singleShot(int(args.timeout * 1000), timed_out)
        window.show()
    else:
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
        window.show() if args.windowed else window.showFullScreen()
    poller.start()
    try:
        code = app.exec()
    finally:
        poller.stop()
    return int(outcome["code"] or code)
