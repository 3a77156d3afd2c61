"""What a user reads on a widget, and whether it is in the expected language (the i18n and clipping tests)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QTreeWidget,
    QWidget,
)

from data.config.parse import load_config
from data.store.store import Store
from tests.helpers import samples
from tests.helpers.wall import view

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
IDENTIFIERS = re.compile(
    r"\S+\.(?:md|toml|qss|pem|crt|cer)\b|--[\w-]+|\b\w+(?:\.\w+){2,}\b|\bFLOWDECK_\w+|\b[0-9a-f]{7,40}\b"
)
#: Proper nouns, products, file types, key names and identifiers that stay as they are in Chinese.
ALLOWED = {
    "flowdeck", "dora", "github", "gitlab", "jenkins", "cctray", "jira", "jql", "url", "png", "pdf", "csv", "pem",
    "api", "utc", "devlake", "metrics", "caict", "ctrl", "alt", "shift", "home", "end", "enter", "esc", "eta",
    "sha", "path", "db", "wip", "null", "cloud", "data", "center", "http", "https",
}  # fmt: skip


def _strings(obj: Any, out: set[str]) -> None:
    """Every string inside a result (dataclasses, tuples, dicts), for the remote-text whitelist."""
    if isinstance(obj, str):
        out.add(obj)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            _strings(getattr(obj, f.name), out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _strings(k, out)
            _strings(v, out)
    elif isinstance(obj, (tuple, list, set, frozenset)):
        for v in obj:
            _strings(v, out)


def data_words(store: Store | None = None) -> set[str]:
    """Words of remote or configured text (stream/stage/pipeline/repo names, titles): shown as they are."""
    texts: set[str] = set()
    _strings([samples.report(), samples.pipelines(), view().statuses], texts)
    config = load_config(None)
    for s in config.streams:
        texts.add(s.name)
        texts.update(st.name for st in s.stages)
    if store is not None:
        for rows in (store.deployments(), store.pipeline_runs()):
            for r in rows:
                texts.update(str(getattr(r, a, "") or "") for a in ("repo", "source", "environment", "pipeline",
                                                                    "status", "id", "branch"))  # fmt: skip
        texts.update(w.source for w in store.work_items())
    return {w.lower() for t in texts for w in WORD.findall(t)}


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Words of three letters or more that are neither allowed nor data (an untranslated string)."""
    # File names (docs/trust.md) and command-line options (--db) are the same in every language.
    # So are dotted module names (keyring.backends.null.Keyring), variable names and commit hashes.
    text = IDENTIFIERS.sub(" ", text)
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED and w.lower() not in allowed]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of what a user reads on ``root`` now: labels, buttons, group boxes, tabs, combo items,
    menus and actions, table/tree headings, tooltips and the window title."""
    out: list[tuple[str, str]] = []

    def add(where: str, text: str | None) -> None:
        if text:
            out.append((where, text))

    add("window title", root.windowTitle())
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        name = type(w).__name__
        tip = w.toolTip()
        if tip and not tip.startswith("<qt>"):  # <qt> tooltips carry remote text (plain_tooltip)
            add(f"{name} tooltip", tip)
        if isinstance(w, QLabel):
            add("QLabel", w.text())
        elif isinstance(w, QAbstractButton):
            add(name, w.text())
        elif isinstance(w, QGroupBox):
            add("QGroupBox", w.title())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                add("tab", w.tabText(i))
        elif isinstance(w, QComboBox) and w.objectName() != "streamCombo":
            for i in range(w.count()):
                add("combo item", w.itemText(i))
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            for c in range(m.columnCount()):
                if not (hasattr(w, "isColumnHidden") and w.isColumnHidden(c)):
                    add(f"{name} heading", m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        if isinstance(w, QTreeWidget):
            for i in range(w.topLevelItemCount()):
                add("tree section", w.topLevelItem(i).text(0))
    if isinstance(root, QMainWindow):
        for menu_action in root.menuBar().actions():
            add("menu", menu_action.text())
            menu = menu_action.menu()
            for a in menu.actions() if menu is not None else []:
                add("action", a.text())
                add("action tooltip", a.toolTip())
    return out


def untranslated(root: QWidget, allowed: set[str]) -> list[str]:
    return [f"{where}: {text!r}" for where, text in visible_texts(root) if english_words(text, allowed)]


def chinese(root: QWidget) -> list[str]:
    # The maturity table's 领域 column is the CAICT's own Chinese name, shown in English too (by design).
    return [f"{where}: {text!r}" for where, text in visible_texts(root) if CJK.search(text) and text != "领域"]
