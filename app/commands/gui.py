"""``flowdeck [gui]``: open the desktop app; ``--screenshot FILE`` renders it and exits.

The screenshot waits for the worker's results (report, trends and pipelines of the first
request), not a fixed sleep, and fails with exit 1 and a clear message after ``--timeout``.
``--what-if STAGE.PART=F`` (repeatable) opens the Future state page with those factors.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from app.commands.common import config_of

__all__ = ["add_parser", "parse_size", "run"]


def parse_size(value: str) -> tuple[int, int]:
    """``1600x1000`` -> (1600, 1000); argparse type."""
    try:
        w, h = (int(v) for v in value.lower().split("x", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 1600x1000, not {value!r}") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"size {value!r} is out of range (320x240 … 8000x8000)")
    return w, h


def add_parser(subparsers: Any) -> None:
    """Register ``gui``. Qt is not imported here: every other command would pay for it."""
    p = subparsers.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument(
        "--screenshot", metavar="FILE", help="render the window offscreen once data has loaded, save a PNG, exit"
    )
    p.add_argument(
        "--size", type=parse_size, default=(1600, 1000), metavar="WxH", help="window size (default 1600x1000)"
    )
    p.add_argument(
        "--page", help="page to show: map (default; future with --what-if), home, scorecard, ..., future, forecast"
    )
    p.add_argument(
        "--what-if",
        dest="what_if",
        action="append",
        metavar="STAGE.PART=F",
        help="open the Future state page with a stage's wait or active time scaled by F (0 to 2), e.g. "
        "'Release.wait=0.5'; repeat for more stages",
    )
    p.add_argument("--theme", choices=("light", "dark"), help="theme (default: the last one used)")
    p.add_argument("--timeout", type=float, default=120.0, help="--screenshot gives up after this many seconds")
    p.add_argument(
        "--poll",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how often to check the store for data written by others, e.g. a sync service (default 5)",
    )
    p.add_argument("--demo-scale", choices=("small", "large"), default="small", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _what_if(args: argparse.Namespace, config: Any) -> dict[str, float] | None:
    """``--what-if`` as ``{"Stage.part": factor}`` checked against the first stream (None: refused, said)."""
    if not getattr(args, "what_if", None):
        return {}
    from data.metrics.whatif import ScenarioError, check_stages, parse_scenario

    try:
        scenario = parse_scenario(args.what_if)
        stream = config.stream(None)
        check_stages(scenario, stream.name, [st.name for st in stream.stages])
    except ScenarioError as exc:
        print(f"flowdeck: --what-if: {exc}", file=sys.stderr)
        return None
    out = {f.key: f.value for f in scenario.factors}
    if any(v > 2 for v in out.values()):
        print("flowdeck: --what-if: the Future state page takes factors from 0 to 2", file=sys.stderr)
        return None
    return out


def run(args: argparse.Namespace) -> int:
    """Open the window (or take the screenshot)."""
    config = config_of(args)  # a bad config is exit 2 before any window appears
    from app.main_window.pages import PAGES

    args.page = args.page or ("future" if getattr(args, "what_if", None) else "map")
    factors = _what_if(args, config)
    if factors is None:
        return 2
    if args.page not in PAGES:
        print(f"flowdeck: --page: choose from {', '.join(PAGES)}, not {args.page!r}", file=sys.stderr)
        return 2
    shot = Path(args.screenshot).resolve() if args.screenshot else None
    if shot is not None and not shot.parent.is_dir():
        # Printed here rather than raised: under ``python -m app.cli`` the CLI's UsageError class
        # is ``__main__.UsageError``, a different class from ``app.cli.UsageError``.
        print(f"flowdeck: --screenshot: directory {shot.parent} does not exist", file=sys.stderr)
        return 2

    import gc

    from PySide6.QtCore import QTimer

    from app.commands.common import open_store
    from app.controllers.report import Controller
    from app.main_window.pages import FUTURE_PAGES, PAGES, TRUST_PAGES
    from app.main_window.window import MainWindow
    from app.qt_app import qt_application, screenshot_and_exit
    from app.settings import UiSettings
    from app.theme import apply_theme

    # Reports on a big cache allocate millions of small objects on a worker thread; with the
    # default thresholds a full collection there holds the GIL for up to a second and freezes
    # the window. Collect the young generation less eagerly (memory stays bounded: refcounting
    # frees almost everything; cycles are still collected).
    gc.set_threshold(50_000, 20, 100)
    app = qt_application(args)
    settings = UiSettings()
    theme = args.theme or settings.theme
    apply_theme(app, theme)
    if not 0.2 <= args.poll <= 3600:
        print(f"flowdeck: --poll must be from 0.2 to 3600 seconds, not {args.poll:g}", file=sys.stderr)
        return 2
    allow_demo = True
    if settings.own_store and not getattr(args, "db", None) and not os.environ.get("FLOWDECK_DB"):
        # "Use my own data" was chosen: open that store, and never generate the demo into it.
        args.db, allow_demo = settings.own_store, False
    controller = Controller(
        config, lambda: open_store(args), demo_scale=args.demo_scale, poll_s=args.poll, allow_demo=allow_demo
    )
    window = MainWindow(controller, settings)
    if factors:
        window.future.set_factors(factors)
        window.tabs.setCurrentIndex(PAGES.index(args.page))
    window.theme = theme
    window.set_theme(theme)
    outcome: dict[str, Any] = {"code": 0}

    if shot is not None:
        window.resize(*args.size)
        window.tabs.setCurrentIndex(PAGES.index(args.page))
        pending = {"report", "trends", "pipelines"} | ({"comparison"} if args.page == "compare" else set())
        if args.page == "map":
            pending.add("scatter")  # the lead-time scatter under the map comes after the report
        if args.page == "home":
            pending.add("headline")
        if args.page in (*TRUST_PAGES, *FUTURE_PAGES):
            pending.add(args.page)  # computed once the page is shown and the report is in
        if args.page == "scorecard":
            pending.add("target")  # the chance of meeting the target, beside the targets

        def arrived(kind: str) -> None:
            pending.discard(kind)
            if not pending:
                # Let the layouts settle and paint once more before grabbing.
                QTimer.singleShot(100, lambda: screenshot_and_exit(app, window, shot))

        def failed(message: str) -> None:
            print(f"flowdeck: {message}", file=sys.stderr)
            outcome["code"] = 1
            app.exit(1)

        def timed_out() -> None:
            waiting = ", ".join(sorted(pending))
            failed(f"--screenshot: no data after {args.timeout:g} s (still waiting for: {waiting})")

        controller.report_ready.connect(lambda _r: arrived("report"))
        window.trust.computed.connect(arrived)
        window.future.computed.connect(arrived)
        controller.trends_ready.connect(lambda _t: arrived("trends"))
        controller.pipelines_ready.connect(lambda _p: arrived("pipelines"))
        controller.comparison_ready.connect(lambda _b, _a: arrived("comparison"))
        controller.scatter_ready.connect(lambda _s: arrived("scatter"))
        controller.headline_ready.connect(lambda _h: arrived("headline"))
        controller.error.connect(failed)
        QTimer.singleShot(int(args.timeout * 1000), timed_out)

    poller = None
    if config.sources and shot is None:
        # Live pipeline status in the app too (issue: same polling as the wall).
        from app.controllers.live import LivePoller
        from app.controllers.notify import Notifier

        poller = LivePoller(config, lambda: open_store(args))
        window.attach_live(poller, Notifier(window))
    window.show()
    controller.start()
    if poller is not None:
        poller.start()
    try:
        code = app.exec()
    finally:
        if shot is None:
            settings.sync()
        if poller is not None:
            poller.stop()
        controller.shutdown()
    return int(outcome["code"] or code)
