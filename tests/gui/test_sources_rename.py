"""Renaming a source in the Sources dialog moves its keyring token to the new name (issue #12).

Before, the token stayed under the old name: the renamed source synced without a token and the
orphaned secret stayed in the keyring for good.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QLineEdit

from app.controllers.sources import SourcesController
from data import secrets
from tests.helpers.memory_keyring import LockedKeyring, MemoryKeyring

CONFIG = '# ours\n[[sources]]\nname = "jira"\nkind = "jira"\nurl = "https://jira.example"\nprojects = ["PAY"]\n'
ENV = ("FLOWDECK_TOKEN_JIRA", "FLOWDECK_TOKEN_JIRA_PROD")


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    previous = keyring.get_keyring()
    for name in ENV:
        monkeypatch.delenv(name, raising=False)

    def use(backend: Any) -> Any:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


@pytest.fixture
def sources(qtbot: Any, controller: Any, tmp_path: Path) -> Iterator[tuple[SourcesController, Path]]:
    path = tmp_path / "flowdeck.toml"
    path.write_text(CONFIG, encoding="utf-8")
    s = SourcesController(controller, path)
    yield s, path
    s.shutdown()


def _rename(qtbot: Any, s: SourcesController, new: str, token: str = "") -> Any:
    dialog = s.open(None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: s.pool.active() == 0 and dialog.table.rowCount() == 1, timeout=5000)
    dialog.table.selectRow(0)
    assert dialog.source_form.original == "jira"
    name = dialog.source_form.fields["name"]
    assert isinstance(name, QLineEdit)
    name.setText(new)
    token_w = dialog.source_form.fields["token"]
    assert isinstance(token_w, QLineEdit)
    token_w.setText(token)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled() and s.pool.active() == 0, timeout=10_000)
    return dialog


def test_renaming_moves_the_stored_token(qtbot: Any, sources: Any, use_keyring: Any, controller: Any) -> None:
    s, path = sources
    kr = use_keyring(MemoryKeyring())
    kr.store[("flowdeck", "jira")] = "old-jira-secret"
    dialog = _rename(qtbot, s, "jira-prod")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["sources"][0]["name"] == "jira-prod"
    assert kr.store == {("flowdeck", "jira-prod"): "old-jira-secret"}
    text = dialog.result_label.text()
    assert "moved from 'jira' to 'jira-prod'" in text and "old-jira-secret" not in text
    assert secrets.get_token("jira-prod") == "old-jira-secret"
    assert dialog.table.item(0, 5).text() == "keyring"


def test_renaming_with_a_new_token_removes_the_old_entry(qtbot: Any, sources: Any, use_keyring: Any) -> None:
    s, _path = sources
    kr = use_keyring(MemoryKeyring())
    kr.store[("flowdeck", "jira")] = "old-jira-secret"
    _rename(qtbot, s, "jira-prod", token="new-jira-secret")
    assert kr.store == {("flowdeck", "jira-prod"): "new-jira-secret"}


def test_a_keyring_that_cannot_be_written_is_said_and_keeps_the_old_entry(
    qtbot: Any, sources: Any, use_keyring: Any
) -> None:
    s, path = sources
    kr = use_keyring(LockedKeyring())
    kr.store[("flowdeck", "jira")] = "old-jira-secret"
    dialog = _rename(qtbot, s, "jira-prod")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["sources"][0]["name"] == "jira-prod"
    assert kr.store == {("flowdeck", "jira"): "old-jira-secret"}  # nothing lost
    text = dialog.result_label.text()
    assert "NOT moved" in text and "flowdeck auth set jira-prod" in text and "old-jira-secret" not in text


def test_an_environment_token_under_the_old_name_is_pointed_out(
    qtbot: Any, sources: Any, use_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, _path = sources
    use_keyring(MemoryKeyring())
    monkeypatch.setenv("FLOWDECK_TOKEN_JIRA", "env-jira-secret")
    dialog = _rename(qtbot, s, "jira-prod")
    text = dialog.result_label.text()
    assert "FLOWDECK_TOKEN_JIRA" in text and "FLOWDECK_TOKEN_JIRA_PROD" in text and "env-jira-secret" not in text


def test_saving_without_renaming_touches_no_token(qtbot: Any, sources: Any, use_keyring: Any) -> None:
    s, _path = sources
    kr = use_keyring(MemoryKeyring())
    kr.store[("flowdeck", "jira")] = "old-jira-secret"
    dialog = _rename(qtbot, s, "jira")
    assert kr.store == {("flowdeck", "jira"): "old-jira-secret"}
    assert "moved" not in dialog.result_label.text()


def test_move_token_directly(use_keyring: Any) -> None:
    kr = use_keyring(MemoryKeyring())
    assert secrets.move_token("a", "b") is False  # nothing stored: nothing to move
    kr.store[("flowdeck", "a")] = "tok-a"
    assert secrets.move_token("a", "b") is True
    assert kr.store == {("flowdeck", "b"): "tok-a"}
    locked = use_keyring(LockedKeyring())
    locked.store[("flowdeck", "a")] = "tok-a"
    with pytest.raises(secrets.SecretsError, match="still stored under 'a'") as info:
        secrets.move_token("a", "b")
    assert "tok-a" not in str(info.value)
    assert locked.store == {("flowdeck", "a"): "tok-a"}
