"""Shipped SVG icons (``resources/icons``) and the pipeline-state vocabulary shared by every view."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from widgets.i18n import QT_TRANSLATE_NOOP, translate

__all__ = ["ICON_DIR", "STATE_COLOURS", "STATE_ORDER", "STATE_TEXT", "icon", "icon_path", "state_icon", "state_text"]

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"

#: Okabe-Ito colours; every state is also written out and has its own icon shape.
STATE_COLOURS: dict[str, str] = {
    "failed": "#D55E00",
    "running": "#0072B2",
    "queued": "#56B4E9",
    "success": "#009E73",
    "cancelled": "#888888",
    "unknown": "#888888",
}
STATE_TEXT: dict[str, str] = {
    "failed": QT_TRANSLATE_NOOP("Pipeline", "Failed"),
    "running": QT_TRANSLATE_NOOP("Pipeline", "Running"),
    "queued": QT_TRANSLATE_NOOP("Pipeline", "Queued"),
    "success": QT_TRANSLATE_NOOP("Pipeline", "Passed"),
    "cancelled": QT_TRANSLATE_NOOP("Pipeline", "Cancelled"),
    "unknown": QT_TRANSLATE_NOOP("Pipeline", "Unknown"),
}


def state_text(state: str) -> str:
    """A pipeline state in words, in the installed language (``failed`` -> "Failed")."""
    return translate("Pipeline", STATE_TEXT[state]) if state in STATE_TEXT else state


#: Failing first, then what is moving, then the rest.
STATE_ORDER: dict[str, int] = {"failed": 0, "running": 1, "queued": 2, "unknown": 3, "cancelled": 4, "success": 5}


def icon_path(name: str) -> Path:
    """The SVG file of icon ``name``."""
    return ICON_DIR / f"{name}.svg"


@cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (cached; needs a QGuiApplication)."""
    return QIcon(str(icon_path(name)))


def state_icon(state: str) -> QIcon:
    """The icon of a pipeline state (``unknown`` for anything unexpected)."""
    return icon(state if state in STATE_COLOURS else "unknown")
