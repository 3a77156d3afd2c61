"""The scorecard: the DORA keys with their tiers, and the continuous-delivery figures against targets.

A tier is written out ("Elite") and coloured with a colour-blind-safe palette; a target is marked
"✓ met" or "✗ not met" in words, so nothing depends on colour alone. Names and definitions come
from :mod:`data.report.vocabulary`: every figure is defined under its value (and in its tooltip),
and the two pairs that look contradictory (deployments vs deploy days per week, success rate vs
change failure rate) say what each one counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from data.report import vocabulary
from data.report.results import Report
from widgets.format import DASH, TIER_COLOURS, fmt_days, fmt_hours, fmt_pct, fmt_rate
from widgets.i18n import translate

__all__ = ["ScoreRow", "Scorecard", "delivery_rows", "dora_rows", "targets_of"]

DEFAULT_LEAD_TIME_DAYS = 7.0
DEFAULT_SUCCESS_RATE = 1.0


@dataclass(frozen=True)
class ScoreRow:
    """One line of the scorecard: what, the value, its tier or target, and whether it is met."""

    label: str
    value: str
    tier: str | None = None  # DORA rows
    target: str | None = None  # delivery rows
    met: bool | None = None  # None: no target, or no data to judge
    note: str = ""
    # The vocabulary key, its one-line definition, and what the figure counts beside a look-alike.
    key: str = ""
    definition: str = ""
    explain: str = ""


def targets_of(report: Report) -> tuple[float, float]:
    """(requirement lead time days, production deployment success rate) from the report's notes."""
    raw: Any = report.notes.get("targets") if report.notes else None
    lead, rate = DEFAULT_LEAD_TIME_DAYS, DEFAULT_SUCCESS_RATE
    if isinstance(raw, dict):
        lead = float(raw.get("requirement_lead_time_days", lead))
        rate = float(raw.get("production_deployment_success_rate", rate))
    else:
        lead = float(getattr(raw, "requirement_lead_time_days", lead))
        rate = float(getattr(raw, "production_deployment_success_rate", rate))
    return lead, rate


def dora_rows(report: Report) -> list[ScoreRow]:
    """The four keys (2023: failed deployment recovery time; 2021: time to restore)."""
    d = report.dora
    tiers = d.tiers or {}
    dora_2021 = report.definitions.get("dora") == "2021"
    recovery_key, recovery = (
        ("time_to_restore", d.time_to_restore_median_h) if dora_2021 else ("recovery_time", d.recovery_time_median_h)
    )
    days = DASH if d.deploy_days_per_week_median is None else f"{d.deploy_days_per_week_median:.1f}"
    v = vocabulary
    return [
        ScoreRow(
            v.name("deployment_frequency"),
            translate("Scorecard", "{rate} · %n deployment(s)", "", d.deployments).format(
                rate=fmt_rate(d.deployments_per_week)
            ),
            tiers.get("deployment_frequency"),
            note=(
                translate("Scorecard", "{days} deploy days/week (median): the tier is judged on deployments/week")
                if dora_2021
                else translate("Scorecard", "{days} deploy days/week (median): the tier is judged on these")
            ).format(days=days),
            key="deployment_frequency",
            definition=v.definition("deployment_frequency"),
            explain=v.note(v.DEPLOYMENT_COUNTS),
        ),
        ScoreRow(
            v.name("lead_time_for_changes"),
            fmt_hours(d.lead_time_for_changes_median_h),
            tiers.get("lead_time_for_changes"),
            note=translate("Scorecard", "%n change(s) deployed", "", d.changes_deployed),
            key="lead_time_for_changes",
            definition=v.definition("lead_time_for_changes"),
        ),
        ScoreRow(
            v.name("change_failure_rate"),
            fmt_pct(d.change_failure_rate, 1),
            tiers.get("change_failure_rate"),
            key="change_failure_rate",
            definition=v.definition("change_failure_rate"),
            explain=v.note(v.SUCCESS_VS_FAILURE),
        ),
        ScoreRow(
            v.name(recovery_key),
            fmt_hours(recovery),
            tiers.get("recovery_time"),
            key=recovery_key,
            definition=v.definition(recovery_key),
        ),
    ]


def delivery_rows(report: Report) -> list[ScoreRow]:
    """The bank's figures, with the targets (defaults: ≤ 7 days, 100 %)."""
    x = report.delivery
    lead_days, rate_target = targets_of(report)
    rate = x.production_deployment_success_rate
    lead_h = x.requirement_lead_time_median_h
    v = vocabulary
    return [
        ScoreRow(
            v.name("production_deployment_success_rate"),
            fmt_pct(rate, 1),
            target=f"≥ {rate_target * 100:.0f} %",
            met=None if rate is None else rate >= rate_target - 1e-9,
            note=translate("Scorecard", "{ok} succeeded, {failed} failed").format(
                ok=x.production_deployments_succeeded, failed=x.production_deployments_failed
            ),
            key="production_deployment_success_rate",
            definition=v.definition("production_deployment_success_rate"),
            explain=v.note(v.SUCCESS_VS_FAILURE),
        ),
        ScoreRow(
            v.name("release_cadence"),
            translate("Scorecard", "{rate} · median gap {gap}").format(
                rate=fmt_rate(x.releases_per_week), gap=fmt_days(x.release_gap_median_days)
            ),
            key="release_cadence",
            definition=" ".join((v.definition("releases_per_week"), v.definition("release_gap"))),
        ),
        ScoreRow(
            v.name("requirement_lead_time"),
            fmt_hours(lead_h),
            target=translate("Scorecard", "≤ {days} days").format(days=f"{lead_days:g}"),
            met=None if lead_h is None else lead_h <= lead_days * 24 + 1e-9,
            note=translate(
                "Scorecard", "{unlinked} of %n item(s) not linked to a deployment", "", x.requirements_completed
            ).format(unlinked=x.requirement_lead_time_unlinked),
            key="requirement_lead_time",
            definition=v.definition("requirement_lead_time"),
        ),
        ScoreRow(
            v.name("delivery_time"),
            fmt_hours(x.delivery_time_median_h),
            key="delivery_time",
            definition=v.definition("delivery_time"),
        ),
    ]


def tier_text(tier: str | None) -> str:
    """ "Elite", "High", … or "no data"."""
    if not tier:
        return translate("Scorecard", "no data")
    names = {
        "elite": translate("Scorecard", "Elite"),
        "high": translate("Scorecard", "High"),
        "medium": translate("Scorecard", "Medium"),
        "low": translate("Scorecard", "Low"),
    }
    return names.get(tier, tier.capitalize())


def met_text(met: bool | None) -> str:
    """The target mark in words (never colour alone)."""
    if met is None:
        return translate("Scorecard", "no data")
    return translate("Scorecard", "✓ met") if met else translate("Scorecard", "✗ not met")


def _label(text: str, *, bold: bool = False, big: bool = False, small: bool = False, italic: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if bold or big or small or italic:
        f = label.font()
        f.setBold(bold)
        f.setItalic(italic)
        if big:
            f.setPointSizeF(f.pointSizeF() * 1.4)
        elif small:
            f.setPointSizeF(f.pointSizeF() * 0.92)
        label.setFont(f)
    return label


def _badge(text: str, colour: str | None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setMinimumWidth(90)
    if colour:
        # Black text on the light Okabe-Ito colours reads in both themes (contrast ≥ 4.5:1).
        label.setStyleSheet(f"background:{colour}; color:#000; border-radius:4px; padding:2px 8px; font-weight:bold;")
    else:
        label.setStyleSheet("border:1px solid palette(mid); border-radius:4px; padding:2px 8px;")
    return label


class Scorecard(QWidget):
    """DORA and delivery figures for one report; rebuilt on :meth:`set_report` (a few dozen labels).

    The figures scroll when the window is low (1280×720); :attr:`content` is the whole card, for
    exports.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = QWidget(self)
        self._dora = QGroupBox(translate("Scorecard", "DORA keys"), self.content)
        self._delivery = QGroupBox(translate("Scorecard", "Continuous delivery (targets)"), self.content)
        self._dora_grid = QGridLayout(self._dora)
        self._delivery_grid = QGridLayout(self._delivery)
        self.caption = _label(translate("Scorecard", "Loading…"))
        self.hint = _label(
            translate("Scorecard", "Home shows these figures against a baseline, with their weekly trend."),
            small=True,
        )
        layout = QVBoxLayout(self.content)
        layout.addWidget(self.caption)
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        row.addWidget(self._dora, 1)
        #: The target forecast, in words, under the targets (set by the app: :meth:`set_target_forecast`).
        self.target_forecast = _label("")
        self.target_forecast.setVisible(False)
        targets = QVBoxLayout()
        targets.addWidget(self._delivery)
        targets.addWidget(self.target_forecast)
        row.addLayout(targets, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.rows: list[ScoreRow] = []

    @staticmethod
    def _clear(grid: QGridLayout) -> None:
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def set_report(self, report: Report | None) -> None:
        """Show ``report``'s DORA and delivery figures."""
        self._clear(self._dora_grid)
        self._clear(self._delivery_grid)
        if report is None:
            self.caption.setText(translate("Scorecard", "No data"))
            self.rows = []
            return
        median = report.definitions.get("median", "interpolated")
        self.caption.setText(
            translate("Scorecard", "DORA {year} definitions · median {median} · production deployments only").format(
                year=report.definitions.get("dora", "2023"),
                median=translate("Scorecard", "interpolated") if median == "interpolated" else median,
            )
        )
        dora, delivery = dora_rows(report), delivery_rows(report)
        self.rows = dora + delivery
        self._fill(self._dora_grid, dora, lambda r: _badge(tier_text(r.tier), TIER_COLOURS.get(r.tier or "")))
        self._fill(self._delivery_grid, delivery, self._target_badge)

    @staticmethod
    def _target_badge(r: ScoreRow) -> QLabel | None:
        if r.target is None:
            return None
        colour = None if r.met is None else ("#009E73" if r.met else "#D55E00")
        text = translate("Scorecard", "{mark} (target {target})").format(mark=met_text(r.met), target=r.target)
        return _badge(text, colour)

    @staticmethod
    def _fill(grid: QGridLayout, rows: list[ScoreRow], badge: Callable[[ScoreRow], QLabel | None]) -> None:
        """Per figure: name, value and badge; then what it counted, its definition, and what it is not."""
        line = 0
        for r in rows:
            name = _label(r.label, bold=True)
            name.setToolTip(r.definition)
            grid.addWidget(name, line, 0)
            value = _label(r.value, big=True)
            value.setToolTip(r.definition)
            mark = badge(r)
            # Without a badge the value may use its column too (a long cadence line need not wrap).
            grid.addWidget(value, line, 1, 1, 1 if mark is not None else 2)
            if mark is not None:
                grid.addWidget(mark, line, 2)
            line += 1
            for text, kind in ((r.note, "note"), (r.definition, "definition"), (r.explain, "explain")):
                if text:
                    extra = _label(text, small=kind != "note", italic=kind == "explain")
                    extra.setObjectName(f"score_{kind}")
                    grid.addWidget(extra, line, 1 if kind == "note" else 0, 1, 2 if kind == "note" else 3)
                    line += 1
            grid.setRowMinimumHeight(line, 8)  # air between figures
            line += 1
        grid.setRowStretch(line, 1)  # spare height below the last figure, not between them
        grid.setColumnStretch(1, 1)

    def set_target_forecast(self, text: str) -> None:
        """The chance of meeting the lead-time target, as a sentence (empty: hidden)."""
        self.target_forecast.setText(text)
        self.target_forecast.setVisible(bool(text))

    def texts(self) -> list[str]:
        """Every string shown (for tests and the PDF report)."""
        out: list[str] = []
        for grid in (self._dora_grid, self._delivery_grid):
            for i in range(grid.count()):
                item = grid.itemAt(i)
                w = item.widget() if item is not None else None
                if isinstance(w, QLabel):
                    out.append(w.text())
        return out
