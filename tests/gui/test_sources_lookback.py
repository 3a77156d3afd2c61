"""The Sources dialog chooses how far back a GitHub/GitLab source's first sync reads (issue #12)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.controllers.sources import SourcesController
from data.config.model import DEFAULT_LOOKBACK_DAYS


@pytest.fixture
def sources(qtbot: Any, controller: Any, tmp_path: Path) -> Iterator[tuple[SourcesController, Path]]:
    path = tmp_path / "flowdeck.toml"
    s = SourcesController(controller, path)
    yield s, path
    s.shutdown()


def _open(qtbot: Any, s: SourcesController) -> Any:
    dialog = s.open(None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: s.pool.active() == 0, timeout=5000)
    return dialog


def _text(dialog: Any, key: str) -> QLineEdit:
    w = dialog.source_form.fields[key]
    assert isinstance(w, QLineEdit)
    return w


def _kind(dialog: Any, kind: str) -> None:
    w = dialog.source_form.fields["kind"]
    assert isinstance(w, QComboBox)
    w.setCurrentText(kind)


def _save(qtbot: Any, s: SourcesController, dialog: Any) -> None:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled() and s.pool.active() == 0, timeout=10_000)


def test_the_lookback_field_is_shown_for_github_and_gitlab_with_the_default(qtbot: Any, sources: Any) -> None:
    s, _path = sources
    dialog = _open(qtbot, s)
    lookback = _text(dialog, "lookback_days")
    for kind, shown in (("github", True), ("gitlab", True), ("jenkins", False), ("jira", False), ("cctray", False)):
        _kind(dialog, kind)
        assert dialog.source_form.form.isRowVisible(lookback) is shown, kind
    assert lookback.placeholderText() == str(DEFAULT_LOOKBACK_DAYS)


def test_a_chosen_lookback_is_written_and_read_back(qtbot: Any, sources: Any) -> None:
    s, path = sources
    dialog = _open(qtbot, s)
    _text(dialog, "name").setText("gl")
    _kind(dialog, "gitlab")
    _text(dialog, "url").setText("https://gitlab.example.com")
    _text(dialog, "projects").setText("bank/mobile")
    _text(dialog, "lookback_days").setText("365")
    _save(qtbot, s, dialog)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["sources"][0]["lookback_days"] == 365
    dialog.table.selectRow(0)
    assert _text(dialog, "lookback_days").text() == "365"


def test_a_bad_lookback_names_the_field_and_writes_nothing(qtbot: Any, sources: Any) -> None:
    s, path = sources
    dialog = _open(qtbot, s)
    _text(dialog, "name").setText("gh")
    _kind(dialog, "github")
    _text(dialog, "url").setText("https://api.github.com")
    _text(dialog, "repos").setText("bank/mobile")
    for bad in ("ninety", "-5", "0", "nan"):
        _text(dialog, "lookback_days").setText(bad)
        _save(qtbot, s, dialog)
        assert dialog.error_field == "lookback_days", (bad, dialog.error_label.text())
        assert not path.exists()


def test_an_empty_lookback_writes_no_key_and_other_kinds_never_get_one(qtbot: Any, sources: Any) -> None:
    s, path = sources
    dialog = _open(qtbot, s)
    _text(dialog, "name").setText("gh")
    _kind(dialog, "github")
    _text(dialog, "url").setText("https://api.github.com")
    _text(dialog, "repos").setText("bank/mobile")
    _save(qtbot, s, dialog)
    assert "lookback_days" not in tomllib.loads(path.read_text(encoding="utf-8"))["sources"][0]
    dialog.new_source()
    _text(dialog, "lookback_days").setText("400")  # typed while GitHub was shown, then the kind changes
    _text(dialog, "name").setText("feed")
    _kind(dialog, "cctray")
    _text(dialog, "url").setText("https://gocd.example/go/cctray.xml")
    _save(qtbot, s, dialog)
    assert "lookback_days" not in tomllib.loads(path.read_text(encoding="utf-8"))["sources"][1]
