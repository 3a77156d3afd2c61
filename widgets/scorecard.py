"""The scorecard: the DORA keys with their tiers, and the continuous-delivery figures against targets.

A tier is written out ("Elite") and coloured with a colour-blind-safe palette; a target is marked
"✓ met" or "✗ not met" in words, so nothing depends on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

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
    recovery = (
        (translate("Scorecard", "Time to restore (median)"), d.time_to_restore_median_h)
        if dora_2021
        else (translate("Scorecard", "Failed deployment recovery time (median)"), d.recovery_time_median_h)
    )
    days = DASH if d.deploy_days_per_week_median is None else f"{d.deploy_days_per_week_median:.1f}"
    return [
        ScoreRow(
            translate("Scorecard", "Deployment frequency"),
            translate("Scorecard", "{rate} · %n deployment(s)", "", d.deployments).format(
                rate=fmt_rate(d.deployments_per_week)
            ),
            tiers.get("deployment_frequency"),
            note=translate("Scorecard", "median deploy days/week {days}").format(days=days),
        ),
        ScoreRow(
            translate("Scorecard", "Lead time for changes (median)"),
            fmt_hours(d.lead_time_for_changes_median_h),
            tiers.get("lead_time_for_changes"),
            note=translate("Scorecard", "%n change(s) deployed", "", d.changes_deployed),
        ),
        ScoreRow(
            translate("Scorecard", "Change failure rate"),
            fmt_pct(d.change_failure_rate, 1),
            tiers.get("change_failure_rate"),
        ),
        ScoreRow(recovery[0], fmt_hours(recovery[1]), tiers.get("recovery_time")),
    ]


def delivery_rows(report: Report) -> list[ScoreRow]:
    """The bank's figures, with the targets (defaults: ≤ 7 days, 100 %)."""
    x = report.delivery
    lead_days, rate_target = targets_of(report)
    rate = x.production_deployment_success_rate
    lead_h = x.requirement_lead_time_median_h
    return [
        ScoreRow(
            translate("Scorecard", "Production deployment success rate"),
            fmt_pct(rate, 1),
            target=f"≥ {rate_target * 100:.0f} %",
            met=None if rate is None else rate >= rate_target - 1e-9,
            note=translate("Scorecard", "{ok} succeeded, {failed} failed").format(
                ok=x.production_deployments_succeeded, failed=x.production_deployments_failed
            ),
        ),
        ScoreRow(
            translate("Scorecard", "Release cadence"),
            translate("Scorecard", "{rate} · median gap {gap}").format(
                rate=fmt_rate(x.releases_per_week), gap=fmt_days(x.release_gap_median_days)
            ),
        ),
        ScoreRow(
            translate("Scorecard", "Requirement lead time (median)"),
            fmt_hours(lead_h),
            target=translate("Scorecard", "≤ {days} days").format(days=f"{lead_days:g}"),
            met=None if lead_h is None else lead_h <= lead_days * 24 + 1e-9,
            note=translate(
                "Scorecard", "{unlinked} of %n item(s) not linked to a deployment", "", x.requirements_completed
            ).format(unlinked=x.requirement_lead_time_unlinked),
        ),
        ScoreRow(translate("Scorecard", "Delivery time (median)"), fmt_hours(x.delivery_time_median_h)),
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


def _label(text: str, *, bold: bool = False, big: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if bold or big:
        f = label.font()
        f.setBold(bold)
        if big:
            f.setPointSizeF(f.pointSizeF() * 1.4)
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
    """DORA and delivery figures for one report; rebuilt on :meth:`set_report` (a few dozen labels)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dora = QGroupBox(translate("Scorecard", "DORA keys"), self)
        self._delivery = QGroupBox(translate("Scorecard", "Continuous delivery (targets)"), self)
        self._dora_grid = QGridLayout(self._dora)
        self._delivery_grid = QGridLayout(self._delivery)
        self.caption = _label(translate("Scorecard", "Loading…"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
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
        for i, r in enumerate(dora):
            self._dora_grid.addWidget(_label(r.label, bold=True), 2 * i, 0)
            self._dora_grid.addWidget(_label(r.value, big=True), 2 * i, 1)
            self._dora_grid.addWidget(_badge(tier_text(r.tier), TIER_COLOURS.get(r.tier or "")), 2 * i, 2)
            if r.note:
                self._dora_grid.addWidget(_label(r.note), 2 * i + 1, 1, 1, 2)
        for i, r in enumerate(delivery):
            self._delivery_grid.addWidget(_label(r.label, bold=True), 2 * i, 0)
            self._delivery_grid.addWidget(_label(r.value, big=True), 2 * i, 1)
            if r.target is not None:
                colour = None if r.met is None else ("#009E73" if r.met else "#D55E00")
                self._delivery_grid.addWidget(
                    _badge(
                        translate("Scorecard", "{mark} (target {target})").format(
                            mark=met_text(r.met), target=r.target
                        ),
                        colour,
                    ),
                    2 * i,
                    2,
                )
            if r.note:
                self._delivery_grid.addWidget(_label(r.note), 2 * i + 1, 1, 1, 2)
        for grid in (self._dora_grid, self._delivery_grid):
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
