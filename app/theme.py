"""The look of the app: Fusion style, a light or dark palette, and the matching QSS from ``resources/themes``."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app import paths

__all__ = ["apply_theme"]


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style, a light or dark palette, and the matching QSS."""
    app.setStyle("Fusion")
    dark = theme == "dark"
    pal = QPalette()
    if dark:
        for role, colour in (
            (QPalette.ColorRole.Window, "#252526"),
            (QPalette.ColorRole.WindowText, "#E6E6E6"),
            (QPalette.ColorRole.Base, "#1E1E1E"),
            (QPalette.ColorRole.AlternateBase, "#2A2A2A"),
            (QPalette.ColorRole.Text, "#E6E6E6"),
            (QPalette.ColorRole.Button, "#333333"),
            (QPalette.ColorRole.ButtonText, "#E6E6E6"),
            (QPalette.ColorRole.Highlight, "#56B4E9"),
            (QPalette.ColorRole.HighlightedText, "#000000"),
            (QPalette.ColorRole.ToolTipBase, "#333333"),
            (QPalette.ColorRole.ToolTipText, "#E6E6E6"),
            (QPalette.ColorRole.Mid, "#6A6A6A"),
            (QPalette.ColorRole.Link, "#56B4E9"),
            (QPalette.ColorRole.PlaceholderText, "#9A9A9A"),
        ):
            pal.setColor(role, QColor(colour))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7A7A7A"))
    else:
        pal = app.style().standardPalette()
    app.setPalette(pal)
    qss = paths.themes_dir() / f"{'dark' if dark else 'light'}.qss"
    app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.exists() else "")
