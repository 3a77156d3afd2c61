"""Showing a headline figure: its value in its unit, its target in words, and the "?" beside its name.

Shared by the home page and the comparison. Names and definitions come from
:mod:`data.report.vocabulary` (one vocabulary for the app, the CLI, the PDF and the wall); a name
always carries its definition as tooltip, and the "?" button shows it on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QWidget

from data.report.results import Target
from widgets.format import DASH, fmt_days, fmt_hours, fmt_pct, fmt_rate
from widgets.i18n import translate
from widgets.scorecard import tier_text

__all__ = ["MET_COLOURS", "HelpButton", "fmt_figure", "fmt_target", "met_mark"]

# Okabe-Ito bluish green and vermillion (colour-blind safe); the mark is always in words and a shape too.
MET_COLOURS = {True: "#009E73", False: "#D55E00"}


def fmt_figure(unit: str, value: float | None) -> str:
    """``value`` in the figure's unit: a duration, days, a rate per week, a share, or days per week."""
    if value is None:
        return DASH
    shown: dict[str, Callable[[float], str]] = {
        "hours": fmt_hours,
        "days": fmt_days,
        "per_week": fmt_rate,
        "share": lambda v: fmt_pct(v, 1),
        "days_per_week": lambda v: translate("FigureText", "{0} days/week").format(f"{v:.1f}"),
    }
    return shown[unit](value) if unit in shown else f"{value:.1f}"


def fmt_target(target: Target | None, unit: str) -> str:
    """The target in words: ``≤ 7.0 d``, ``≥ 100 %``, ``High or better``; the dash for none."""
    if target is None:
        return DASH
    if target.kind == "tier":
        return translate("FigureText", "{tier} or better").format(tier=tier_text(target.tier))
    shown = fmt_pct(target.value, 0) if unit == "share" else fmt_figure(unit, target.value)
    return ("≤ " if target.kind == "max" else "≥ ") + shown


def met_mark(met: bool | None) -> str:
    """The verdict in words with a shape (never colour alone): ``✓ met``, ``✗ not met``, ``no data``."""
    if met is None:
        return translate("FigureText", "– no data")
    return translate("FigureText", "✓ met") if met else translate("FigureText", "✗ not met")


class HelpButton(QToolButton):
    """A small "?" beside a figure's name: hovering shows the definition, clicking shows it on the page.

    ``definition`` is the label it shows and hides (placed by the caller, usually under the name).
    """

    def __init__(self, name: str, definition: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.definition = definition
        self.setText("?")
        self.setCheckable(True)
        self.setAutoRaise(True)
        self.setToolTip(definition.text())
        self.setAccessibleName(translate("FigureText", "What is {name}?").format(name=name))
        self.setCursor(Qt.CursorShape.WhatsThisCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        definition.setVisible(False)
        self.toggled.connect(definition.setVisible)
