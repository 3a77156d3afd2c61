"""The CAICT continuous-delivery maturity view, beside the DORA tiers of the same window.

Fed a :class:`data.maturity.build.MaturityView`. The caveat that it is a self-assessment aid (not an
official assessment) is always the first thing shown; each row gives its level, the evidence and
the rule that decided the level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from data.i18n import language
from widgets.format import DASH, fmt_local
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.quality_view import fill_table, plain_label, table

if TYPE_CHECKING:
    from data.maturity.results import MaturityView

__all__ = ["MaturityPanel"]

_DORA_NAMES = {
    "deployment_frequency": QT_TRANSLATE_NOOP("Maturity", "Deployment frequency"),
    "lead_time_for_changes": QT_TRANSLATE_NOOP("Maturity", "Lead time for changes"),
    "change_failure_rate": QT_TRANSLATE_NOOP("Maturity", "Change failure rate"),
    "recovery_time": QT_TRANSLATE_NOOP("Maturity", "Recovery time"),
}

#: DORA tiers as the report names them, translated where shown.
_TIERS = (
    QT_TRANSLATE_NOOP("Maturity", "elite"),
    QT_TRANSLATE_NOOP("Maturity", "high"),
    QT_TRANSLATE_NOOP("Maturity", "medium"),
    QT_TRANSLATE_NOOP("Maturity", "low"),
)


class MaturityPanel(QWidget):
    """Caveat, window line, the maturity rows table and a DORA tiers table beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caveat = plain_label("")
        f = self.caveat.font()
        f.setItalic(True)
        self.caveat.setFont(f)
        self.window_line = plain_label(translate("Maturity", "No maturity view yet."))
        self.rows = table(
            [
                translate("Maturity", "Area"),
                "领域",
                translate("Maturity", "Level"),
                translate("Maturity", "Evidence"),
                translate("Maturity", "Why this level"),
            ]
        )
        # In Chinese the CAICT title column (领域) already names the area: the translated title would repeat it.
        self.rows.setColumnHidden(0, language() == "zh_CN")
        self.dora = table([translate("Maturity", "DORA key"), translate("Maturity", "Tier")])
        body = QHBoxLayout()
        body.addWidget(self.rows, 3)
        body.addWidget(self.dora, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caveat)
        layout.addWidget(self.window_line)
        layout.addLayout(body, 1)
        self.view: MaturityView | None = None

    def set_view(self, view: MaturityView | None) -> None:
        """Show ``view`` (None clears the panel)."""
        self.view = view
        if view is None:
            self.caveat.setText("")
            self.window_line.setText(translate("Maturity", "No maturity view yet."))
            fill_table(self.rows, [])
            fill_table(self.dora, [])
            return
        self.caveat.setText(view.caveat)
        self.window_line.setText(
            translate("Maturity", "Stream {stream}: {start} – {end} (end excluded), as of {as_of}").format(
                stream=view.stream,
                start=fmt_local(view.window_from),
                end=fmt_local(view.window_to),
                as_of=fmt_local(view.as_of),
            )
        )
        fill_table(
            self.rows,
            [
                [r.title, r.title_zh, DASH if r.level is None else f"{r.level} / 5", r.evidence, r.basis]
                for r in view.rows
            ],
        )
        # Evidence is a sentence or two: wrap it in a readable column instead of one endless line.
        self.rows.setWordWrap(True)
        self.rows.setColumnWidth(3, 420)
        self.rows.setColumnWidth(4, 240)
        self.rows.resizeRowsToContents()
        fill_table(
            self.dora,
            [
                [
                    translate("Maturity", _DORA_NAMES[k]) if k in _DORA_NAMES else k,
                    translate("Maturity", v) if v else DASH,
                ]
                for k, v in view.dora_tiers.items()
            ],
        )
