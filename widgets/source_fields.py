"""The Sources dialog's field model: source kinds, which fields each kind shows, and the row type.

Pure values and helpers (no widgets): :data:`KINDS`, :data:`KIND_FIELDS`, :data:`FORM_KEYS`, the URL
placeholders per kind, :class:`SourceRow` (one configured source as the dialog lists it),
:func:`field_of_error` and the text helpers the form uses. :mod:`widgets.sources_dialog` re-exports
the public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from widgets.i18n import translate

__all__ = [
    "FORM_KEYS",
    "KINDS",
    "KIND_FIELDS",
    "LIST_KEYS",
    "NUMBER_KEYS",
    "URL_HINTS",
    "SourceRow",
    "field_of_error",
    "labels_text",
    "split_list",
    "token_text",
]

KINDS = ("github", "gitlab", "jenkins", "jira", "cctray")

#: kind -> the kind-specific fields the form shows (the common ones are always shown).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "github": ("repos", "status_labels", "lookback_days"),
    "gitlab": ("projects", "lookback_days"),
    "jenkins": ("user", "jobs", "deployment_pattern"),
    "jira": ("user", "projects", "jql", "incident_types"),
    "cctray": ("timezone",),
}
LIST_KEYS = ("repos", "projects", "jobs", "incident_types")
_TEXTS = ("user", "deployment_pattern", "jql", "timezone", "ca_bundle", "proxy")
# Numeric fields; lookback_days (how far back a first sync reads) only for the kinds that show it.
NUMBER_KEYS = ("interval_s", "timeout_s", "lookback_days")
#: Every key the form edits; other keys of an edited table are kept as they were.
FORM_KEYS = ("name", "kind", "url", *LIST_KEYS, *_TEXTS, *NUMBER_KEYS, "status_labels", "system_trust")

URL_HINTS = {
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


def split_list(text: str) -> list[str]:
    """The non-empty items of a comma- or newline-separated field."""
    return [v.strip() for v in re.split(r"[,\n]", text) if v.strip()]


def labels_text(value: Any) -> str:
    """A ``status_labels`` table as the form's lines (``label = status``)."""
    if not isinstance(value, dict):
        return ""
    return "\n".join(f"{k} = {v}" for k, v in value.items())


def token_text(where: str) -> str:
    """Where a token comes from, in words of the installed language (``env NAME`` keeps the name)."""
    if where == "no token":
        return translate("SourcesDialog", "no token")
    if where == "keyring":
        return translate("SourcesDialog", "keyring")
    if where.startswith("env "):
        return translate("SourcesDialog", "env {name}").format(name=where[4:])
    return where
