"""The Sources dialog's add/edit form: building the per-kind fields, filling them, reading them back.

:class:`SourceForm` is owned by :class:`widgets.sources_dialog.SourcesDialog`: it builds the rows of
the form (only the current kind's specific fields are visible) in the group box it is given, loads
a :class:`SourceRow` into it, turns it back into a ``[[sources]]`` table and says where the token
goes. The dialog adds :attr:`SourceForm.form` to the box's layout. Its texts keep the
``SourcesDialog`` translation context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from widgets.i18n import translate
from widgets.source_fields import (
    FORM_KEYS,
    KIND_FIELDS,
    KINDS,
    LIST_KEYS,
    NUMBER_KEYS,
    URL_HINTS,
    SourceRow,
    labels_text,
    split_list,
)

__all__ = ["SourceForm"]


class SourceForm:
    """The add/edit form of the Sources dialog: one source being edited (``original``) or a new one.

    Args:
        form_box: the group box the fields live in; its title says which source is edited.
    """

    def __init__(self, form_box: QGroupBox) -> None:
        self.form_box = form_box
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        # The source being edited; None: a new one.
        self.original: str | None = None
        # False when the keyring is not a real OS keyring: no token is typed here, the hint names the variable.
        self.keyring_secure = True
        self._build_form()

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
        # How far back the first sync reads; the default is the app's (set_lookback_default), shown as the
        # placeholder so an empty field visibly means "the default".
        f.addRow(translate("SourcesDialog", "First sync reads back (days)"), self._line("lookback_days"))
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

    def set_lookback_default(self, days: int) -> None:
        """Show ``days`` as what an empty "First sync reads back" field means (the app passes its default)."""
        self._text("lookback_days").setPlaceholderText(str(days))

    def _kind_changed(self, kind: str) -> None:
        specific = {k for fields in KIND_FIELDS.values() for k in fields}
        for key in specific:
            self.form.setRowVisible(self.fields[key], key in KIND_FIELDS.get(kind, ()))
        url = self.fields["url"]
        assert isinstance(url, QLineEdit)
        url.setPlaceholderText(URL_HINTS.get(kind, ""))

    def _pick_ca(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.form_box.window(),
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

    def set_keyring_secure(self, secure: bool) -> None:
        """Whether tokens can be stored in the OS keyring (if not, the token field is off and the hint says why)."""
        self.keyring_secure = secure
        self._update_token_hint()

    def saved(self, name: str | None) -> None:
        """The source was saved (as ``name`` when given): edit it from now on; the typed token is gone."""
        self.original = name or self.original
        self._text("token").clear()
        self.form_box.setTitle(translate("SourcesDialog", "Edit source {name}").format(name=self.original))
        self._update_token_hint()

    def load(self, row: SourceRow | None) -> None:
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
                w.setPlainText(labels_text(value))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
        kind = self.fields["kind"]
        assert isinstance(kind, QComboBox)
        kind.setCurrentText(str(table.get("kind") or "github"))
        self._kind_changed(kind.currentText())
        self._update_token_hint()

    def form_table(self, rows: Sequence[SourceRow]) -> dict[str, Any]:
        """The ``[[sources]]`` table the form describes (keys the form does not show are kept from the
        edited source's row among ``rows``)."""
        base = {}
        if self.original is not None:
            for r in rows:
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
        for key in LIST_KEYS:
            if key in shown and (values := split_list(self._text(key).text())):
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
        specific = {k for fields in KIND_FIELDS.values() for k in fields}
        for key in NUMBER_KEYS:
            text = self._text(key).text().strip()
            if text and (key in shown or key not in specific):
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

    def token(self) -> str | None:
        """The token typed (None: none, keep the stored one)."""
        text = self._text("token").text()
        return text if text.strip() else None
