"""The future state of a value stream: scale each stage's wait and process time and see what it gives.

:class:`FactorEditor` holds one row per stage with a slider and a spin box for its wait and its process
factor (0–2: 0 removes the part, 1 keeps it, 2 doubles it); dragging one moves the other, and every
change (each keystroke too) emits ``changed``. :class:`FutureStateView` is the page: the scenario bar
(saved scenarios by name), the editor, the headline now beside the future state (lead time median and
p85, flow efficiency, share of items within the target) and two maps, the future one over the current
one. It is fed result objects only (:class:`~data.report.results.StreamResult` and
:class:`~data.report.results.WhatIfResult`): the projection is computed by the app. Texts keep the
``FutureState`` context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from data.report.results import StreamResult, WhatIfResult
from widgets.format import DASH, fmt_hours, fmt_pct
from widgets.i18n import translate
from widgets.value_stream_map import ValueStreamMap

__all__ = ["FACTOR_MAX", "FactorEditor", "FutureStateView", "change_text", "points_text"]

#: The largest factor the page offers (the config accepts the same range for a saved scenario).
FACTOR_MAX = 2.0
#: Slider positions per unit of factor: 0.01 steps.
_STEPS = 100
PARTS = ("wait", "active")


def _plain(text: str = "", *, wrap: bool = False, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if bold:
        f = label.font()
        f.setBold(True)
        label.setFont(f)
    return label


def change_text(now: float | None, future: float | None) -> str:
    """The relative change of a duration, ``−16 %``; the dash when either side has no data or now is 0."""
    if now is None or future is None or now == 0:
        return DASH
    pct = (future - now) / now * 100
    if abs(pct) < 0.05:
        return "0 %"
    return f"{'+' if pct > 0 else '−'}{abs(pct):.0f} %"


def points_text(now: float | None, future: float | None) -> str:
    """The change of a share in percentage points, ``+5.2 pt``."""
    if now is None or future is None:
        return DASH
    diff = (future - now) * 100
    if abs(diff) < 0.05:
        return translate("FutureState", "{0} pt").format("0")
    return translate("FutureState", "{0} pt").format(f"{'+' if diff > 0 else '−'}{abs(diff):.1f}")


class _Factor:
    """One part of one stage: a slider and a spin box that follow each other."""

    def __init__(self, stage: str, part: str, on_change: Callable[[], None]) -> None:
        self.stage, self.part = stage, part
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(FACTOR_MAX * _STEPS))
        self.slider.setValue(_STEPS)
        self.slider.setPageStep(25)
        self.slider.setMinimumWidth(60)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.0, FACTOR_MAX)
        self.spin.setDecimals(2)
        self.spin.setSingleStep(0.05)
        self.spin.setValue(1.0)
        self.spin.setKeyboardTracking(True)  # recompute on every keystroke, not only on Enter
        self.spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.spin.setPrefix("× ")
        part_name = translate("FutureState", "wait") if part == "wait" else translate("FutureState", "process")
        tip = translate("FutureState", "{stage} {part}: 0 removes it, 1 keeps it, 2 doubles it").format(
            stage=stage, part=part_name
        )
        self.slider.setAccessibleName(tip)
        self.spin.setAccessibleName(tip)
        self._on_change = on_change
        self.slider.valueChanged.connect(self._slid)
        self.spin.valueChanged.connect(self._typed)

    @property
    def key(self) -> str:
        return f"{self.stage}.{self.part}"

    def value(self) -> float:
        return round(self.spin.value(), 2)

    def set_value(self, value: float) -> None:
        v = min(max(value, 0.0), FACTOR_MAX)
        self.spin.blockSignals(True)
        self.slider.blockSignals(True)
        self.spin.setValue(v)
        self.slider.setValue(round(v * _STEPS))
        self.spin.blockSignals(False)
        self.slider.blockSignals(False)

    def _slid(self, position: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(position / _STEPS)
        self.spin.blockSignals(False)
        self._on_change()

    def _typed(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * _STEPS))
        self.slider.blockSignals(False)
        self._on_change()


class FactorEditor(QWidget):
    """One row per stage: its name, a wait factor and a process factor (slider and spin box each).

    Signals:
        changed(): a factor moved (dragged, typed or set); :meth:`factors` has the new values.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(8)
        self._rows: list[tuple[str, str, _Factor, _Factor, list[QWidget]]] = []
        self._quiet = False

    def set_stages(self, stages: Sequence[tuple[str, str]]) -> None:
        """Show ``(name, kind)`` stages; a stage already shown keeps its factors. Emits nothing."""
        kept = self.factors()
        while self._grid.count():
            item = self._grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self._rows = []
        heads = (
            translate("FutureState", "Stage"),
            translate("FutureState", "Wait"),
            "",
            translate("FutureState", "Process"),
            "",
        )
        for col, text in enumerate(heads):
            if text:
                self._grid.addWidget(_plain(text, bold=True), 0, col)
        for i, (name, kind) in enumerate(stages, start=1):
            label = _plain(name, wrap=True)
            label.setMinimumWidth(90)
            if kind != "status":
                label.setText(
                    translate("FutureState", "{stage} (per run)").format(stage=name)
                    if kind == "job"
                    else translate("FutureState", "{stage} (deployments)").format(stage=name)
                )
                label.setToolTip(
                    translate(
                        "FutureState",
                        "A pipeline stage is measured per run, not per item: its factor changes the map, not the "
                        "projected lead time.",
                    )
                )
            wait = _Factor(name, "wait", self._emit)
            active = _Factor(name, "active", self._emit)
            widgets: list[QWidget] = [label, wait.slider, wait.spin, active.slider, active.spin]
            for col, w in enumerate(widgets):
                self._grid.addWidget(w, i, col)
            self._rows.append((name, kind, wait, active, widgets))
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(3, 1)
        self._grid.setRowStretch(len(self._rows) + 1, 1)
        self._quiet = True
        self.set_factors(kept)
        self._quiet = False

    def stages(self) -> list[str]:
        """The stage names shown, in order."""
        return [r[0] for r in self._rows]

    def spin(self, stage: str, part: str) -> QDoubleSpinBox:
        """The spin box of ``stage``'s ``wait`` or ``active`` factor."""
        return self._factor(stage, part).spin

    def slider(self, stage: str, part: str) -> QSlider:
        """The slider of ``stage``'s ``wait`` or ``active`` factor."""
        return self._factor(stage, part).slider

    def _factor(self, stage: str, part: str) -> _Factor:
        for name, _kind, wait, active, _w in self._rows:
            if name.lower() == stage.lower():
                return wait if part == "wait" else active
        raise KeyError(stage)

    def factors(self) -> dict[str, float]:
        """``{"Release.wait": 0.5, ...}``: the factors that are not 1, in stage order."""
        out: dict[str, float] = {}
        for _name, _kind, wait, active, _w in self._rows:
            for f in (wait, active):
                if f.value() != 1.0:
                    out[f.key] = f.value()
        return out

    def pipeline_stages(self) -> list[str]:
        """Names of the stages measured per run (jobs, deployments)."""
        return [name for name, kind, *_rest in self._rows if kind != "status"]

    def set_factors(self, factors: Mapping[str, float]) -> list[str]:
        """Set the factors given (``Stage.part`` keys, stage names case-insensitive), every other one to 1;
        emits ``changed`` once. Returns the keys that name no stage shown."""
        wanted = {k.lower(): v for k, v in factors.items()}
        for _name, _kind, wait, active, _w in self._rows:
            for f in (wait, active):
                f.set_value(wanted.pop(f.key.lower(), 1.0))
        self._emit()
        return [k for k in factors if k.lower() in wanted]

    def reset(self) -> None:
        """Every factor back to 1."""
        self.set_factors({})

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit()


class FutureStateView(QWidget):
    """The Future state page.

    Signals:
        changed(): a factor changed (the app projects and calls :meth:`show_projection`).
        save_requested(str): save the factors as a scenario of this name.
        delete_requested(str): delete the saved scenario of this name.
        scenario_chosen(str): a saved scenario was picked (the app applies its factors).
    """

    changed = Signal()
    save_requested = Signal(str)
    delete_requested = Signal(str)
    scenario_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = _plain(translate("FutureState", "Computed when this page is shown."), wrap=True)
        # Scenario bar: pick a saved one, name and save the one on screen, delete, reset.
        self.scenarios = QComboBox()
        self.scenarios.setObjectName("scenarioCombo")
        self.scenarios.setMinimumContentsLength(14)
        self.scenarios.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scenarios.activated.connect(self._chosen)
        self.name = QLineEdit()
        self.name.setPlaceholderText(translate("FutureState", "Scenario name"))
        self.name.setMaxLength(80)
        self.save_button = QPushButton(translate("FutureState", "Save scenario"))
        self.delete_button = QPushButton(translate("FutureState", "Delete"))
        self.reset_button = QPushButton(translate("FutureState", "Reset to now"))
        self.save_button.clicked.connect(self._save)
        self.delete_button.clicked.connect(self._delete)
        self.name.returnPressed.connect(self._save)
        bar = QHBoxLayout()
        bar.addWidget(_plain(translate("FutureState", "Scenario:")))
        bar.addWidget(self.scenarios)
        bar.addWidget(self.name, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.reset_button)

        self.editor = FactorEditor()
        self.editor.changed.connect(self.changed)
        self.reset_button.clicked.connect(self.editor.reset)
        hint = _plain(
            translate(
                "FutureState",
                "Drag a slider or type a factor from 0 to 2 for each stage's wait and process time: 0 removes "
                "it, 0.5 halves it, 1 keeps it.",
            ),
            wrap=True,
        )

        # The headline: now beside the future state.
        self.headline = QGridLayout()
        self.headline.setHorizontalSpacing(14)
        self._cells: dict[tuple[str, str], QLabel] = {}
        columns = (
            "",
            translate("FutureState", "Now"),
            translate("FutureState", "Future state"),
            translate("FutureState", "Change"),
        )
        for col, text in enumerate(columns):
            if text:
                self.headline.addWidget(_plain(text, bold=True), 0, col)
        self._row_labels: dict[str, QLabel] = {}
        for row, key in enumerate(("median", "p85", "efficiency", "within"), start=1):
            self._row_labels[key] = _plain(wrap=True)
            self.headline.addWidget(self._row_labels[key], row, 0)
            for col, part in enumerate(("now", "future", "change"), start=1):
                cell = _plain(DASH, bold=part == "future")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._cells[(key, part)] = cell
                self.headline.addWidget(cell, row, col)
        self.headline.setColumnStretch(0, 1)
        self._set_row_labels(7.0)
        self.items_note = _plain(wrap=True)
        self.not_modelled = _plain(wrap=True)
        self.not_modelled.setObjectName("notModelled")
        self.not_modelled.setFrameShape(QFrame.Shape.StyledPanel)
        self.not_modelled.setVisible(False)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(hint)
        left_layout.addWidget(self.editor)
        left_layout.addLayout(self.headline)
        left_layout.addWidget(self.items_note)
        left_layout.addWidget(self.not_modelled)
        left_layout.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setWidget(left)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._left, self._left_scroll = left, left_scroll
        self._fit_left()

        # The maps: the future state over the current one.
        self.future_title = _plain(translate("FutureState", "Future state"), bold=True)
        self.future_map = ValueStreamMap()
        self.future_map.setAccessibleName(translate("FutureState", "Future-state value-stream map"))
        self.future_map.set_stream(None, translate("FutureState", "Computed when this page is shown."))
        self.now_title = _plain(translate("FutureState", "Now"), bold=True)
        self.now_map = ValueStreamMap()
        self.now_map.set_stream(None, translate("FutureState", "Computed when this page is shown."))
        for m in (self.future_map, self.now_map):
            m.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no drill-down here: the Map page has it
            m.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        maps = QWidget()
        maps_layout = QVBoxLayout(maps)
        maps_layout.addWidget(self.future_title)
        maps_layout.addWidget(self.future_map)
        maps_layout.addWidget(self.now_title)
        maps_layout.addWidget(self.now_map)
        maps_layout.addStretch(1)
        self.maps_scroll = QScrollArea()
        self.maps_scroll.setWidgetResizable(True)
        self.maps_scroll.setWidget(maps)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left_scroll)
        split.addWidget(self.maps_scroll)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.splitter = split

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.set_scenarios([])

    # -- scenarios --

    def set_scenarios(self, names: Sequence[str], current: str | None = None) -> None:
        """The saved scenarios offered (``current`` selected; None: "unsaved")."""
        self.scenarios.blockSignals(True)
        self.scenarios.clear()
        self.scenarios.addItem(translate("FutureState", "(not saved)"), None)
        for n in names:
            self.scenarios.addItem(n, n)
        index = self.scenarios.findData(current) if current is not None else 0
        self.scenarios.setCurrentIndex(max(0, index))
        self.scenarios.blockSignals(False)
        self.delete_button.setEnabled(bool(names))

    def _chosen(self, index: int) -> None:
        name = self.scenarios.itemData(index)
        if isinstance(name, str):
            self.name.setText(name)
            self.scenario_chosen.emit(name)

    def _save(self) -> None:
        name = self.name.text().strip() or (self.scenarios.currentData() or "")
        if not name:
            self.set_status(translate("FutureState", "Type a name for the scenario first."))
            self.name.setFocus()
            return
        self.save_requested.emit(name)

    def _delete(self) -> None:
        name = self.scenarios.currentData() or self.name.text().strip()
        if name:
            self.delete_requested.emit(name)

    # -- figures --

    def set_status(self, text: str) -> None:
        """The line above the page (what is computed, or what went wrong)."""
        self.status.setText(text)

    def _set_row_labels(self, target_days: float) -> None:
        self._row_labels["median"].setText(translate("FutureState", "Lead time (median)"))
        self._row_labels["p85"].setText(translate("FutureState", "Lead time (p85)"))
        self._row_labels["efficiency"].setText(translate("FutureState", "Flow efficiency"))
        self._row_labels["within"].setText(
            translate("FutureState", "Items within {days} days").format(days=f"{target_days:g}")
        )

    def _fit_left(self) -> None:
        """The editor column is as wide as its content needs: it never scrolls sideways nor clips."""
        bar = self._left_scroll.verticalScrollBar().sizeHint().width()
        need = self._left.minimumSizeHint().width() + bar + 2 * self._left_scroll.frameWidth() + 2
        self._left_scroll.setMinimumWidth(need)

    def set_current(self, stream: StreamResult | None, placeholder: str | None = None) -> None:
        """The stream as it is now: its stages in the editor (factors kept by name) and the current map."""
        self.now_map.set_stream(stream, placeholder)
        stages = [(s.name, s.kind) for s in stream.stages] if stream is not None else []
        if [n for n, _k in stages] != self.editor.stages():
            self.editor.set_stages(stages)
            self._fit_left()
        if stream is None:
            self.future_map.set_stream(None, placeholder)

    def show_projection(self, now: StreamResult, result: WhatIfResult | None, future: StreamResult | None) -> None:
        """The headline (now, future state, change), the not-modelled note and the future map."""
        target = result.target_days if result is not None else 7.0
        self._set_row_labels(target)
        self._fit_left()
        rows: dict[str, tuple[float | None, float | None, Callable[[float | None], str]]] = {
            "median": (now.lead_time_median_h, result.lead_time_median_h if result else None, fmt_hours),
            "p85": (now.lead_time_p85_h, result.lead_time_p85_h if result else None, fmt_hours),
            "efficiency": (now.flow_efficiency, result.flow_efficiency if result else None, fmt_pct),
        }
        for key, (a, b, fmt) in rows.items():
            self._cells[(key, "now")].setText(fmt(a))
            self._cells[(key, "future")].setText(fmt(b))
            change = points_text(a, b) if key == "efficiency" else change_text(a, b)
            self._cells[(key, "change")].setText(change)
        within_now = result.within_target_share_now if result else None
        within = result.within_target_share if result else None
        self._cells[("within", "now")].setText(fmt_pct(within_now, 1))
        self._cells[("within", "future")].setText(fmt_pct(within, 1))
        self._cells[("within", "change")].setText(points_text(within_now, within))
        self.items_note.setText(
            translate("FutureState", "Projected over the %n item(s) completed in the window.", "", result.items)
            if result is not None
            else ""
        )
        listed = list(result.not_modelled) if result is not None else []
        if listed:
            stages = translate("FutureState", ", ").join(k.rsplit(".", 1)[0] for k in listed)
            self.not_modelled.setText(
                translate(
                    "FutureState",
                    "⚠ Not modelled per item: {stages}. A pipeline stage is measured per run, so its factor "
                    "changes the map's boxes but no item's lead time in the figures above.",
                ).format(stages=stages)
            )
        self.not_modelled.setVisible(bool(listed))
        self.future_map.set_stream(future, translate("FutureState", "No completed items in this window"))

    def headline_texts(self) -> dict[tuple[str, str], str]:
        """``(row, column) -> text`` of the headline (rows ``median``, ``p85``, ``efficiency``, ``within``;
        columns ``now``, ``future``, ``change``), for tests and the PDF."""
        return {k: v.text() for k, v in self._cells.items()}
