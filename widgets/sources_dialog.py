"""The Sources dialog: configured sources with their sync state, and a form to add, edit or remove one.

A view only (ARCHITECTURE.md layers): it never reads or writes flowdeck.toml, the keyring or the
network. It emits :attr:`SourcesDialog.save_requested`, :attr:`~SourcesDialog.remove_requested` and
:attr:`~SourcesDialog.test_requested` with plain values; the app performs them on worker threads and
answers through :meth:`~SourcesDialog.save_finished`, :meth:`~SourcesDialog.test_finished` and
:meth:`~SourcesDialog.set_sources`. Every remote or user text is shown as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
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

__all__ = ["KINDS", "KIND_FIELDS", "SourceRow", "SourcesDialog", "field_of_error"]

KINDS = ("github", "gitlab", "jenkins", "jira", "cctray")

#: kind -> the kind-specific fields the form shows (the common ones are always shown).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "github": ("repos", "status_labels"),
    "gitlab": ("projects",),
    "jenkins": ("user", "jobs", "deployment_pattern"),
    "jira": ("user", "projects", "jql", "incident_types"),
    "cctray": ("timezone",),
}
_LISTS = ("repos", "projects", "jobs", "incident_types")
_TEXTS = ("user", "deployment_pattern", "jql", "timezone", "ca_bundle", "proxy")
_NUMBERS = ("interval_s", "timeout_s")
#: Every key the form edits; other keys of an edited table are kept as they were.
FORM_KEYS = ("name", "kind", "url", *_LISTS, *_TEXTS, *_NUMBERS, "status_labels", "system_trust")

_URL_HINTS = {
    "github": "https://api.github.com  (Enterprise: https://HOST/api/v3)",
    "gitlab": "https://gitlab.example.com",
    "jenkins": "https://ci.example.com",
    "jira": "https://bank.atlassian.net or https://jira.example.com",
    "cctray": "https://gocd.example.com/go/cctray.xml",
}


@dataclass(frozen=True)
class SourceRow:
    """One configured source as the dialog lists it (the app builds these off the GUI thread)."""

    name: str
    kind: str
    url: str
    last_sync: datetime | None = None
    last_error: str | None = None
    #: Where the token comes from: "keyring", "env FLOWDECK_TOKEN_X", or "no token".
    token: str = "no token"
    env_name: str = ""
    #: The ``[[sources]]`` table as written, so editing keeps keys the form does not show.
    table: dict[str, Any] = field(default_factory=dict)


def field_of_error(message: str) -> str | None:
    """The form field a config error names (``sources[2].url: …`` -> ``url``), if any."""
    m = re.search(r"sources(?:\[\d+\])?\.([A-Za-z_]+)", message)
    if m:
        return m.group(1)
    for key in FORM_KEYS:
        if re.search(rf"(?<![\w.]){re.escape(key)}:", message):
            return key
    # Connectors name their own options in prose ("no repos configured (repos = [...])").
    for key in sorted({k for fields in KIND_FIELDS.values() for k in fields}):
        if re.search(rf"\b{re.escape(key)}\b", message):
            return key
    return None


def _split(text: str) -> list[str]:
    return [v.strip() for v in re.split(r"[,\n]", text) if v.strip()]


def _labels_text(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return "\n".join(f"{k} = {v}" for k, v in value.items())


def _token_text(where: str) -> str:
    """Where a token comes from, in words of the installed language (``env NAME`` keeps the name)."""
    if where == "no token":
        return translate("SourcesDialog", "no token")
    if where == "keyring":
        return translate("SourcesDialog", "keyring")
    if where.startswith("env "):
        return translate("SourcesDialog", "env {name}").format(name=where[4:])
    return where


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
        self.original: str | None = None  # the source being edited; None: a new one
        self.keyring_secure = True
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
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self._build_form()
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
        box_layout.addLayout(self.form)
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

    # -- form --

    def _line(self, key: str, placeholder: str = "", *, password: bool = False) -> QLineEdit:
        w = QLineEdit(self.form_box)
        w.setPlaceholderText(placeholder)
        if password:
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields[key] = w
        return w

    def _build_form(self) -> None:
        f = self.form
        f.addRow(
            translate("SourcesDialog", "Name"), self._line("name", translate("SourcesDialog", "letters, digits, - _ ."))
        )
        kind = QComboBox(self.form_box)
        kind.addItems(list(KINDS))
        kind.currentTextChanged.connect(self._kind_changed)
        self.fields["kind"] = kind
        f.addRow(translate("SourcesDialog", "Kind"), kind)
        f.addRow(translate("SourcesDialog", "URL"), self._line("url"))
        f.addRow(translate("SourcesDialog", "Repositories"), self._line("repos", "owner/repo, owner/other"))
        labels = QPlainTextEdit(self.form_box)
        labels.setPlaceholderText(translate("SourcesDialog", "one per line: status: in review = In Review"))
        labels.setMaximumHeight(70)
        self.fields["status_labels"] = labels
        f.addRow(translate("SourcesDialog", "Status labels"), labels)
        f.addRow(
            translate("SourcesDialog", "Projects"),
            self._line("projects", translate("SourcesDialog", "PAY, OPS  (GitLab: group/project or numeric ids)")),
        )
        f.addRow(
            translate("SourcesDialog", "User"),
            self._line("user", translate("SourcesDialog", "Jenkins user / Jira Cloud e-mail (Data Center: empty)")),
        )
        f.addRow(
            translate("SourcesDialog", "Jobs"),
            self._line("jobs", translate("SourcesDialog", "globs over full job names, e.g. mobile/*; empty: all")),
        )
        f.addRow(translate("SourcesDialog", "Deployment pattern"), self._line("deployment_pattern", "(?i)deploy"))
        f.addRow(
            translate("SourcesDialog", "JQL"),
            self._line("jql", translate("SourcesDialog", "type in (Story, Bug)  (no ORDER BY)")),
        )
        f.addRow(translate("SourcesDialog", "Incident types"), self._line("incident_types", "Incident, 故障"))
        f.addRow(
            translate("SourcesDialog", "Time zone"),
            self._line("timezone", translate("SourcesDialog", "Asia/Shanghai (feeds whose times carry no zone)")),
        )
        f.addRow(translate("SourcesDialog", "Sync interval (s)"), self._line("interval_s", "30"))
        f.addRow(translate("SourcesDialog", "Timeout (s)"), self._line("timeout_s", "30"))
        ca = self._line("ca_bundle", translate("SourcesDialog", "company CA bundle (PEM)"))
        browse = QPushButton(translate("SourcesDialog", "Browse…"), self.form_box)
        browse.clicked.connect(self._pick_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(ca, 1)
        ca_row.addWidget(browse)
        self.ca_row = QWidget(self.form_box)
        self.ca_row.setLayout(ca_row)
        ca_row.setContentsMargins(0, 0, 0, 0)
        f.addRow(translate("SourcesDialog", "CA bundle"), self.ca_row)
        f.addRow(translate("SourcesDialog", "Proxy"), self._line("proxy", "http://proxy:3128"))
        trust = QCheckBox(translate("SourcesDialog", "Trust the operating system's certificate store"), self.form_box)
        self.fields["system_trust"] = trust
        f.addRow(translate("SourcesDialog", "System trust"), trust)
        token = self._line("token", "", password=True)
        f.addRow(translate("SourcesDialog", "Token"), token)
        self.token_hint = QLabel(self.form_box)
        self.token_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.token_hint.setWordWrap(True)
        f.addRow("", self.token_hint)
        self.fields["name"].textChanged.connect(lambda _t: self._update_token_hint())  # type: ignore[attr-defined]

    def _kind_changed(self, kind: str) -> None:
        specific = {k for fields in KIND_FIELDS.values() for k in fields}
        for key in specific:
            self.form.setRowVisible(self.fields[key], key in KIND_FIELDS.get(kind, ()))
        url = self.fields["url"]
        assert isinstance(url, QLineEdit)
        url.setPlaceholderText(_URL_HINTS.get(kind, ""))

    def _pick_ca(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            translate("SourcesDialog", "CA bundle (PEM)"),
            "",
            translate("SourcesDialog", "PEM files (*.pem *.crt *.cer);;All (*)"),
        )
        if name:
            self._text("ca_bundle").setText(name)

    def _text(self, key: str) -> QLineEdit:
        w = self.fields[key]
        assert isinstance(w, QLineEdit)
        return w

    def _update_token_hint(self) -> None:
        name = self._text("name").text().strip() or "<name>"  # an environment variable name is ASCII in every language
        env = "FLOWDECK_TOKEN_" + re.sub(r"[^A-Z0-9]", "_", name.upper())
        token = self._text("token")
        if not self.keyring_secure:
            token.setEnabled(False)
            token.setPlaceholderText(translate("SourcesDialog", "no OS keyring: not stored here"))
            self.token_hint.setText(
                translate(
                    "SourcesDialog", "Set the environment variable {env} for Flowdeck instead (never a file)."
                ).format(env=env)
            )
        else:
            token.setEnabled(True)
            token.setPlaceholderText(
                translate("SourcesDialog", "leave empty to keep the stored token")
                if self.original
                else translate("SourcesDialog", "API token")
            )
            self.token_hint.setText(
                translate("SourcesDialog", "Stored in the OS keyring; {env} in the environment wins over it.").format(
                    env=env
                )
            )

    def new_source(self) -> None:
        """Empty the form for a new source."""
        self.table.clearSelection()
        self.load_form(None)

    def load_form(self, row: SourceRow | None) -> None:
        """Fill the form from ``row`` (edit) or empty it (new)."""
        self.original = row.name if row else None
        table = row.table if row else {}
        self.form_box.setTitle(
            translate("SourcesDialog", "Edit source {name}").format(name=row.name)
            if row
            else translate("SourcesDialog", "New source")
        )
        for key, w in self.fields.items():
            value = table.get(key)
            if isinstance(w, QLineEdit):
                if isinstance(value, list):
                    w.setText(", ".join(str(v) for v in value))
                else:
                    w.setText("" if value is None else str(value))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(_labels_text(value))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
        kind = self.fields["kind"]
        assert isinstance(kind, QComboBox)
        kind.setCurrentText(str(table.get("kind") or "github"))
        self._kind_changed(kind.currentText())
        self.show_error("")
        self.result_label.setText("")
        self.remove_button.setEnabled(row is not None)
        self._update_token_hint()

    def form_table(self) -> dict[str, Any]:
        """The ``[[sources]]`` table the form describes (keys the form does not show are kept)."""
        base = {}
        if self.original is not None:
            for r in self.rows:
                if r.name == self.original:
                    base = {k: v for k, v in r.table.items() if k not in FORM_KEYS}
        kind = self.fields["kind"]
        assert isinstance(kind, QComboBox)
        out: dict[str, Any] = {
            "name": self._text("name").text().strip(),
            "kind": kind.currentText(),
            "url": self._text("url").text().strip(),
        }
        shown = set(KIND_FIELDS.get(kind.currentText(), ()))
        for key in _LISTS:
            if key in shown and (values := _split(self._text(key).text())):
                out[key] = values
        for key in ("user", "deployment_pattern", "jql", "timezone"):
            if key in shown and (text := self._text(key).text().strip()):
                out[key] = text
        if "status_labels" in shown:
            labels_w = self.fields["status_labels"]
            assert isinstance(labels_w, QPlainTextEdit)
            labels: dict[str, str] = {}
            for line in labels_w.toPlainText().splitlines():
                label, sep, status = line.rpartition("=")
                if sep and label.strip() and status.strip():
                    labels[label.strip()] = status.strip()
                elif line.strip():
                    labels[line.strip()] = ""  # parse_config names it rather than the line vanishing
            if labels:
                out["status_labels"] = labels
        for key in _NUMBERS:
            text = self._text(key).text().strip()
            if text:
                try:
                    out[key] = float(text) if "." in text else int(text)
                except ValueError:
                    out[key] = text  # the validator names the field and what it expected
        for key in ("ca_bundle", "proxy"):
            if text := self._text(key).text().strip():
                out[key] = text
        trust = self.fields["system_trust"]
        assert isinstance(trust, QCheckBox)
        if trust.isChecked():
            out["system_trust"] = True
        return {**out, **base}

    def _token(self) -> str | None:
        text = self._text("token").text()
        return text if text.strip() else None

    # -- user actions --

    def _save(self) -> None:
        self.show_error("")
        self.result_label.setText(translate("SourcesDialog", "Saving…"))
        self.save_button.setEnabled(False)
        self.save_requested.emit(self.original, self.form_table(), self._token())

    def _test(self) -> None:
        self.show_error("")
        self.result_label.setText(translate("SourcesDialog", "Testing the connection…"))
        self.spinner.setVisible(True)
        self.test_button.setEnabled(False)
        self.test_requested.emit(self.form_table(), self._token())

    def _remove(self) -> None:
        if self.original is not None and self.confirm(self.original):
            self.result_label.setText(translate("SourcesDialog", "Removing {name}…").format(name=self.original))
            self.remove_requested.emit(self.original)

    def _ask(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            translate("SourcesDialog", "Remove source"),
            translate("SourcesDialog", "Remove the source {name} from the config file and its keyring token?").format(
                name=repr(name)
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.load_form(self.rows[rows[0].row()])

    # -- answers from the app --

    def set_keyring(self, backend: str, secure: bool, message: str) -> None:
        """Say which keyring holds tokens; when it is not a real one, say so plainly."""
        self.keyring_secure = secure
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
        self._update_token_hint()

    def set_sources(self, rows: list[SourceRow]) -> None:
        """List ``rows``; the form keeps editing the same source when it is still there."""
        self.rows = list(rows)
        editing = self.original
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
                _token_text(r.token),
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
        for key, w in self.fields.items():
            w.setStyleSheet("border: 2px solid #D55E00;" if key == bad else "")
            w.setToolTip(plain_tooltip(message) if key == bad else "")
        self.error_field = bad

    def save_finished(self, ok: bool, message: str, name: str | None = None) -> None:
        """The app saved (``ok``) or refused; ``message`` says what happened (an error names the field)."""
        self.save_button.setEnabled(True)
        if ok:
            self.result_label.setText(message)
            self.original = name or self.original
            self._text("token").clear()
            self.form_box.setTitle(translate("SourcesDialog", "Edit source {name}").format(name=self.original))
            self.remove_button.setEnabled(True)
            self._update_token_hint()
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
