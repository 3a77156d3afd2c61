"""The Sources dialog: configured sources with their sync state, and a form to add, edit or remove one.

A view only (ARCHITECTURE.md layers): it never reads or writes flowdeck.toml, the keyring or the
network. It emits :attr:`SourcesDialog.save_requested`, :attr:`~SourcesDialog.remove_requested` and
:attr:`~SourcesDialog.test_requested` with plain values; the app performs them on worker threads and
answers through :meth:`~SourcesDialog.save_finished`, :meth:`~SourcesDialog.test_finished` and
:meth:`~SourcesDialog.set_sources`. Every remote or user text is shown as plain text.

The field model (kinds, per-kind fields, :class:`SourceRow`) lives in :mod:`widgets.source_fields`;
the add/edit form is a :class:`widgets.source_form.SourceForm` the dialog owns (``source_form``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.format import DASH, fmt_local, plain_tooltip
from widgets.i18n import translate
from widgets.source_fields import SourceRow, field_of_error, token_text
from widgets.source_form import SourceForm

__all__ = [
    "SourcesDialog",
]


class SourcesDialog(QDialog):
    """Sources list (name, kind, URL, last sync, last error, token) and an add/edit form.

    Signals:
        save_requested(object, object, object): original name (None for a new source), the
            ``[[sources]]`` table, the token typed (None: keep the stored one).
        remove_requested(str): the source to remove (after the user confirmed).
        test_requested(object, object): the table as in the form, the token typed (or None).
    """

    save_requested = Signal(object, object, object)
    remove_requested = Signal(str)
    test_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, *, config_path: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("SourcesDialog", "Sources"))
        self.resize(1100, 680)
        self.rows: list[SourceRow] = []
        #: Asks before removing; tests replace it.
        self.confirm: Callable[[str], bool] = self._ask

        self.keyring_label = QLabel(self)
        self.keyring_label.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_label.setWordWrap(True)
        self.path_label = QLabel(
            translate("SourcesDialog", "Config file: {path}").format(path=config_path) if config_path else "", self
        )
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                translate("SourcesDialog", "Name"),
                translate("SourcesDialog", "Kind"),
                "URL",
                translate("SourcesDialog", "Last sync"),
                translate("SourcesDialog", "Last error"),
                translate("SourcesDialog", "Token"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.add_button = QPushButton(translate("SourcesDialog", "Add"), self)
        self.add_button.clicked.connect(self.new_source)
        self.remove_button = QPushButton(translate("SourcesDialog", "Remove…"), self)
        self.remove_button.clicked.connect(self._remove)
        self.remove_button.setEnabled(False)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        list_buttons.addStretch(1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(list_buttons)

        self.form_box = QGroupBox(translate("SourcesDialog", "New source"), self)
        box_layout = QVBoxLayout(self.form_box)
        self.source_form = SourceForm(self.form_box)
        self.error_label = QLabel(self.form_box)
        self.error_label.setObjectName("errorBanner")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.spinner = QProgressBar(self.form_box)
        self.spinner.setRange(0, 0)  # indeterminate: a network round trip has no known length
        self.spinner.setMaximumWidth(90)
        self.spinner.setVisible(False)
        self.result_label = QLabel(self.form_box)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.test_button = QPushButton(translate("SourcesDialog", "Test connection"), self.form_box)
        self.test_button.clicked.connect(self._test)
        self.save_button = QPushButton(translate("SourcesDialog", "Save"), self.form_box)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.spinner)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        # Messages live outside the form grid so a long (wrapped) one gets the height it needs.
        box_layout.addWidget(self.error_label)
        box_layout.addLayout(self.source_form.form)
        box_layout.addLayout(actions)
        box_layout.addWidget(self.result_label)
        box_layout.addStretch(1)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.form_box)
        splitter.setSizes([560, 540])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_label)
        layout.addWidget(self.path_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.new_source()

    # -- user actions --

    def _save(self) -> None:
        self.show_error("")
        self.result_label.setText(translate("SourcesDialog", "Saving…"))
        self.save_button.setEnabled(False)
        form = self.source_form
        self.save_requested.emit(form.original, form.form_table(self.rows), form.token())

    def _test(self) -> None:
        self.show_error("")
        self.result_label.setText(translate("SourcesDialog", "Testing the connection…"))
        self.spinner.setVisible(True)
        self.test_button.setEnabled(False)
        self.test_requested.emit(self.source_form.form_table(self.rows), self.source_form.token())

    def _remove(self) -> None:
        name = self.source_form.original
        if name is not None and self.confirm(name):
            self.result_label.setText(translate("SourcesDialog", "Removing {name}…").format(name=name))
            self.remove_requested.emit(name)

    def _ask(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            translate("SourcesDialog", "Remove source"),
            translate("SourcesDialog", "Remove the source {name} from the config file and its keyring token?").format(
                name=repr(name)
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def new_source(self) -> None:
        """Empty the form for a new source."""
        self.table.clearSelection()
        self.load_form(None)

    def load_form(self, row: SourceRow | None) -> None:
        """Fill the form from ``row`` (edit) or empty it (new)."""
        self.source_form.load(row)
        self.show_error("")
        self.result_label.setText("")
        self.remove_button.setEnabled(row is not None)

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.load_form(self.rows[rows[0].row()])

    # -- answers from the app --

    def set_keyring(self, backend: str, secure: bool, message: str) -> None:
        """Say which keyring holds tokens; when it is not a real one, say so plainly."""
        self.keyring_label.setObjectName("" if secure else "demoBanner")
        self.keyring_label.setText(
            translate("SourcesDialog", "Tokens: {message}").format(message=message)
            if secure
            else translate(
                "SourcesDialog",
                "{message} Flowdeck keeps no token in a file: use the environment variable named under the "
                "token field. (Keyring backend: {backend})",
            ).format(message=message, backend=backend)
        )
        self.keyring_label.style().unpolish(self.keyring_label)
        self.keyring_label.style().polish(self.keyring_label)
        self.source_form.set_keyring_secure(secure)

    def set_sources(self, rows: list[SourceRow]) -> None:
        """List ``rows``; the form keeps editing the same source when it is still there."""
        self.rows = list(rows)
        editing = self.source_form.original
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            error = " ".join((r.last_error or "").split()) or DASH
            cells = (
                r.name,
                r.kind,
                r.url,
                fmt_local(r.last_sync) if r.last_sync else translate("SourcesDialog", "never"),
                error,
                token_text(r.token),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)  # table items are plain text
                if c == 4 and r.last_error:
                    item.setToolTip(plain_tooltip(r.last_error))
                self.table.setItem(i, c, item)
        self.table.resizeColumnsToContents()
        index = next((i for i, r in enumerate(rows) if r.name == editing), None)
        if index is not None:
            self.table.selectRow(index)  # signals blocked: the form keeps what the user sees (and the result)
        self.table.blockSignals(False)
        if index is None and editing is not None:
            self.new_source()

    def show_error(self, message: str) -> None:
        """Show a validation error above the form and mark the field it names ("" clears)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        bad = field_of_error(message) if message else None
        for key, w in self.source_form.fields.items():
            w.setStyleSheet("border: 2px solid #D55E00;" if key == bad else "")
            w.setToolTip(plain_tooltip(message) if key == bad else "")
        self.error_field = bad

    def save_finished(self, ok: bool, message: str, name: str | None = None) -> None:
        """The app saved (``ok``) or refused; ``message`` says what happened (an error names the field)."""
        self.save_button.setEnabled(True)
        if ok:
            self.result_label.setText(message)
            self.source_form.saved(name)
            self.remove_button.setEnabled(True)
        else:
            self.result_label.setText("")
            self.show_error(message)

    def test_finished(self, ok: bool, message: str) -> None:
        """Show the outcome of "Test connection" (an error text arrives already redacted)."""
        self.spinner.setVisible(False)
        self.test_button.setEnabled(True)
        self.result_label.setText(
            (
                translate("SourcesDialog", "Connected: {message}")
                if ok
                else translate("SourcesDialog", "Failed: {message}")
            ).format(message=message)
        )

    def remove_finished(self, ok: bool, message: str) -> None:
        """The source was removed (the list follows by :meth:`set_sources`) or could not be."""
        if ok:
            self.new_source()
            self.result_label.setText(message)
        else:
            self.show_error(message)
