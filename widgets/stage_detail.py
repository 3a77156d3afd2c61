"""The items behind a stage's numbers: a sortable table with ticket links, and a histogram.

The summary line and the histogram's axis use one unit (hours or days, from the stage's largest
time; pyqtgraph's SI prefixes, which wrote "kh", are off).

The table is a real model (``StageItemsModel``) over the frozen :class:`data.report.results.StageItem`
rows, with a sort role that carries native values, behind a ``QSortFilterProxyModel``. Table
views render model text as plain text, so remote titles show literally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from data.report.results import StageItem, StageResult
from widgets.format import fmt_hours, fmt_in_unit, fmt_local, fmt_pct, plain_tooltip, time_unit
from widgets.i18n import translate
from widgets.plot_theme import colours, style_plot

__all__ = ["StageDetailDialog", "StageDetailWidget", "StageItemsModel", "histogram_bins", "open_in_browser"]

_Index = QModelIndex | QPersistentModelIndex


def _header(section: int) -> str:
    """The translated column heading (``StageItemsModel.HEADERS`` holds the English source)."""
    return (
        translate("StageDetail", "Key"),
        translate("StageDetail", "Title"),
        translate("StageDetail", "Wait"),
        translate("StageDetail", "Process"),
        translate("StageDetail", "Total"),
        translate("StageDetail", "Visits"),
        translate("StageDetail", "Completed"),
    )[section]


class StageItemsModel(QAbstractTableModel):
    """Rows of :class:`StageItem`; ``SortRole`` returns native values, ``ItemRole`` the item."""

    COL_KEY = 0
    COL_TITLE = 1
    COL_WAIT = 2
    COL_ACTIVE = 3
    COL_TOTAL = 4
    COL_VISITS = 5
    COL_COMPLETED = 6
    HEADERS = ("Key", "Title", "Wait", "Process", "Total", "Visits", "Completed")

    SortRole = Qt.ItemDataRole.UserRole
    ItemRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StageItem] = []

    def set_rows(self, rows: Sequence[StageItem]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[StageItem]:
        """The items, in model order."""
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Items (a table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _header(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911 - one per role
        """Text for display, native values for sorting, the item itself for callers."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        col = index.column()
        if role == self.ItemRole:
            return item
        if role == self.SortRole:
            native: tuple[Any, ...] = (
                item.key,
                item.title.lower(),
                item.wait_h,
                item.active_h,
                item.wait_h + item.active_h,
                item.visits,
                item.completed_at.timestamp() if item.completed_at else -1.0,
            )
            return native[col]
        if role == Qt.ItemDataRole.DisplayRole:
            shown = (
                item.key,
                item.title,
                fmt_hours(item.wait_h),
                fmt_hours(item.active_h),
                fmt_hours(item.wait_h + item.active_h),
                str(item.visits),
                fmt_local(item.completed_at),
            )
            return shown[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.COL_KEY, self.COL_TITLE):
            return plain_tooltip(
                translate("StageDetail", "{title}\nOpen {url}").format(title=item.title, url=item.url)
                if item.url
                else item.title
            )
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_KEY and item.url:
            return QColor("#0072B2")
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= self.COL_WAIT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def histogram_bins(hours: Sequence[float], bins: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Counts and edges of time in stage (hours); one bin when every value is the same."""
    values = np.asarray(hours, dtype=float)
    if values.size == 0:
        return np.zeros(0), np.zeros(1)
    lo, hi = float(values.min()), float(values.max())
    if hi <= lo:
        hi = lo + 1.0
    counts, edges = np.histogram(values, bins=min(bins, max(1, values.size)), range=(lo, hi))
    return counts.astype(float), edges


class StageDetailWidget(QWidget):
    """Summary line, filter box, the items table and the distribution of time in stage.

    Signals:
        open_url(str): the user asked to open a ticket (double-click or Enter on a row).
    """

    open_url = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = StageItemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(StageItemsModel.SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(translate("StageDetail", "Filter by key or title…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(StageItemsModel.COL_TOTAL, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StageItemsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._activated)
        self.plot = pg.PlotWidget(self)
        self.plot.setMinimumHeight(160)
        self.plot.setLabel("bottom", translate("StageDetail", "time in stage (wait + process), hours"))
        self.plot.setLabel("left", translate("StageDetail", "items"))
        # Hours or days, never "kh": the unit is chosen per stage (set_stage), not by SI prefix.
        for name in ("left", "bottom"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        self.unit = "h"
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        # Created once; every stage is shown with setData (pyqtgraph #2348: never clear and re-plot).
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=(0, 114, 178, 140), pen=(0, 114, 178))
        self.plot.addItem(self.bars)
        self.set_dark(False)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plot)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.filter)
        layout.addWidget(splitter)

    def set_dark(self, dark: bool) -> None:
        """Follow the window's theme."""
        self.plot.setBackground(colours(dark)[0])
        style_plot(self.plot.getPlotItem(), dark)

    def set_stage(self, stage: StageResult) -> None:
        """Show ``stage``'s items."""
        self.model.set_rows(stage.details)
        unit = time_unit([stage.wait_median_h, stage.wait_p85_h, stage.active_median_h, stage.active_p85_h])
        summary = translate(
            "StageDetail",
            "{name}: %n item(s) · wait median {wait} (p85 {wait85}) · process median {process} (p85 {process85})"
            " · WIP {wip} · %C&A {ca}",
            "",
            stage.items,
        ).format(
            name=stage.name,
            wait=fmt_in_unit(stage.wait_median_h, unit),
            wait85=fmt_in_unit(stage.wait_p85_h, unit),
            process=fmt_in_unit(stage.active_median_h, unit),
            process85=fmt_in_unit(stage.active_p85_h, unit),
            wip=stage.wip,
            ca=fmt_pct(stage.complete_accurate),
        )
        if not stage.details:
            summary = translate("StageDetail", "{summary} · no item-level detail available for this stage").format(
                summary=summary
            )
        self.summary.setText(summary)
        totals = [i.wait_h + i.active_h for i in stage.details]
        counts, edges = histogram_bins(totals)
        self.unit = time_unit(totals)
        self.plot.setLabel(
            "bottom",
            translate("StageDetail", "time in stage (wait + process), days")
            if self.unit == "d"
            else translate("StageDetail", "time in stage (wait + process), hours"),
        )
        if counts.size:
            self.bars.setData(edges / 24.0 if self.unit == "d" else edges, counts)
        else:
            self.bars.setData([0.0, 1.0], [0.0])
        self.plot.enableAutoRange()

    def _activated(self, index: QModelIndex) -> None:
        item = self.proxy.data(index, StageItemsModel.ItemRole)
        if isinstance(item, StageItem) and item.url:
            self.open_url.emit(item.url)


def open_in_browser(url: str) -> bool:
    """Open a ticket link with the desktop's handler (http and https only)."""
    qurl = QUrl(url)
    if qurl.scheme() not in ("http", "https"):
        return False
    return QDesktopServices.openUrl(qurl)


class StageDetailDialog(QDialog):
    """A non-modal window with one stage's detail; ``url_opener`` is injectable for tests."""

    def __init__(
        self,
        stage: StageResult,
        parent: QWidget | None = None,
        *,
        url_opener: Callable[[str], object] = open_in_browser,
        export_csv: Callable[[StageResult], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setWindowTitle(
            translate("StageDetail", "Stage: {name}").format(name=stage.name)
        )  # window titles are plain text
        self.resize(900, 600)
        self.detail = StageDetailWidget(self)
        self.detail.open_url.connect(url_opener)
        self.detail.set_stage(stage)
        hint = QLabel(translate("StageDetail", "Double-click a row (or press Enter) to open the ticket."), self)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        if export_csv is not None:
            csv_button = buttons.addButton(
                translate("StageDetail", "Export items as CSV…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            csv_button.clicked.connect(lambda: export_csv(self.stage))
        layout = QVBoxLayout(self)
        layout.addWidget(self.detail)
        layout.addWidget(hint)
        layout.addWidget(buttons)
