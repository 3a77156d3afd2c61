"""Run the real app and record what its window shows when it takes its screenshot.

``python -m tests.helpers.screen_probe [flowdeck arguments with --screenshot SHOT.png]`` runs
``app.cli.main`` unchanged; the only addition is an observer on ``MainWindow.grab``: right after the
app grabs the window it writes ``SHOT.json`` beside the PNG with the current tab, the map's header and
boxes, the pipeline tiles that are fully in view and the visible labels, each with its rectangle in
window (= screenshot) pixels. tests/gui/test_e2e_xvfb.py checks that record against the demo and
the pixels of the PNG at those rectangles, so a blank, half-painted or wrong page fails.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _box(x: float, y: float, w: float, h: float) -> list[int]:
    return [round(x), round(y), round(w), round(h)]


def describe(window: Any) -> dict[str, Any]:
    """What ``window`` (an ``app.main_window.window.MainWindow``) shows, in window coordinates."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QLabel

    def origin(widget: Any) -> QPoint:
        return widget.mapTo(window, QPoint(0, 0))

    def rect_of(widget: Any) -> QRect:
        return QRect(origin(widget), widget.size())

    tabs = window.tabs
    out: dict[str, Any] = {
        "size": [window.width(), window.height()],
        "tab": tabs.tabText(tabs.currentIndex()),
        "map": None,
        "tiles": [],
        "labels": [],
    }
    if window.pages.map.isVisible():
        at = origin(window.pages.map)
        layout = window.pages.map.compute_layout()

        def moved(r: Any) -> list[int]:
            return _box(at.x() + r.x(), at.y() + r.y(), r.width(), r.height())

        out["map"] = {
            "header": [line.text for line in layout.header],
            "boxes": [
                {
                    "name": next((ln.text for ln in b.lines if ln.role == "name"), ""),
                    "lines": [ln.text for ln in b.lines],
                    "rect": moved(b.rect),
                    "bottleneck": b.bottleneck,
                    "badge": next((moved(ln.rect) for ln in b.lines if ln.role == "badge"), None),
                }
                for b in layout.boxes
            ],
            "summary": [line.text for line in layout.summary],
        }
    board = window.pages.pipelines
    if board.isVisible():
        view = rect_of(board.viewport())
        for tile in board.tiles:
            r = rect_of(tile)
            if tile.isVisible() and view.contains(r):
                out["tiles"].append(
                    {
                        "name": tile.title.text(),
                        "state": tile.status.state,
                        "words": tile.state.text(),
                        "rect": _box(r.x(), r.y(), r.width(), r.height()),
                    }
                )
    whole = window.rect()
    for label in window.findChildren(QLabel):
        r = rect_of(label)
        if label.isVisible() and label.text() and whole.contains(r):
            out["labels"].append({"text": label.text(), "rect": _box(r.x(), r.y(), r.width(), r.height())})
    return out


def main(argv: Sequence[str]) -> int:
    """``flowdeck`` with ``argv``, recording the window beside the screenshot."""
    from app.main_window.window import MainWindow

    args = list(argv)
    sidecar = Path(args[args.index("--screenshot") + 1]).with_suffix(".json")
    grab = MainWindow.grab

    def observed_grab(self: Any, *a: Any) -> Any:
        pixmap = grab(self, *a)
        sidecar.write_text(json.dumps(describe(self), ensure_ascii=False, indent=1), encoding="utf-8")
        return pixmap

    MainWindow.grab = observed_grab  # type: ignore[method-assign]
    from app.cli import main as flowdeck

    return flowdeck(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
