"""The main window's Help dialogs: the keyboard shortcuts table (F1) and About Flowdeck.

Both take the window as parent; their texts stay in the ``MainWindow`` translation context.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.main_window.pages import SHORTCUTS
from widgets.i18n import translate

__all__ = ["show_about", "show_shortcuts"]


def show_shortcuts(parent: QWidget) -> QDialog:
    """Help → Keyboard shortcuts: a non-modal table of :data:`app.main_window.pages.SHORTCUTS`."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(translate("MainWindow", "Keyboard shortcuts"))
    table = QTableWidget(len(SHORTCUTS), 2, dialog)
    table.setHorizontalHeaderLabels([translate("MainWindow", "Keys"), translate("MainWindow", "Does")])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for row, (keys, what) in enumerate(SHORTCUTS):
        table.setItem(row, 0, QTableWidgetItem(translate("MainWindow", keys)))
        table.setItem(row, 1, QTableWidgetItem(translate("MainWindow", what)))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(560, 420)
    dialog.show()
    return dialog


def show_about(parent: QWidget) -> None:
    """Help → About Flowdeck (modal)."""
    box = QMessageBox(parent)
    box.setWindowTitle(translate("MainWindow", "About Flowdeck"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        translate(
            "MainWindow",
            "Flowdeck — where delivery time goes.\nA value-stream dashboard over your CI and ticket systems.",
        )
    )
    box.exec()
