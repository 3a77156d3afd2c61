"""Light and dark colours for pyqtgraph plots (which ignore the Qt palette and QSS)."""

from __future__ import annotations

import pyqtgraph as pg

__all__ = ["colours", "style_plot"]


def colours(dark: bool) -> tuple[str, str]:
    """(background, foreground) for plots."""
    return ("#1E1E1E", "#DDDDDD") if dark else ("#FFFFFF", "#222222")


def style_plot(plot: pg.PlotItem, dark: bool) -> None:
    """Axis, text and title colours of one plot for the theme."""
    _, fg = colours(dark)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))
    title = plot.titleLabel.text
    if title:
        plot.setTitle(title, color=fg)
