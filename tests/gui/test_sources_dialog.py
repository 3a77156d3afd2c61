"""The Sources dialog against a real flowdeck.toml in a temp dir, a memory keyring and fake servers."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from app.controllers.sources import SourcesController
from data.config.parse import load_config
from data.records import PipelineRun
from data.store.store import Store
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.onprem_fakes import FakeJenkins, cctray_feed, synthetic_builds
from tests.helpers.server import FakeServer, Reply

COMMENTED = """# my sources — keep this comment
[[sources]]
name = "gocd"
kind = "cctray"
url = "https://gocd.example/go/cctray.xml"
# the next one is Jira
"""


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    for name in ("FLOWDECK_TOKEN_CI", "FLOWDECK_TOKEN_GH", "FLOWDECK_TOKEN_GOCD"):
        monkeypatch.delenv(name, raising=False)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def sources(qtbot: Any, controller: Any, tmp_path: Path) -> Iterator[tuple[SourcesController, Path]]:
    path = tmp_path / "conf" / "flowdeck.toml"
    s = SourcesController(controller, path)
    yield s, path
    s.shutdown()


def _set(dialog: Any, key: str, value: Any) -> None:
    w = dialog.source_form.fields[key]
    if isinstance(w, QComboBox):
        w.setCurrentText(value)
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText(value)
    elif isinstance(w, QCheckBox):
        w.setChecked(value)
    else:
        assert isinstance(w, QLineEdit)
        w.setText(value)


def _open(qtbot: Any, s: SourcesController) -> Any:
    dialog = s.open(None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: s.pool.active() == 0, timeout=5000)
    return dialog


def _save(qtbot: Any, s: SourcesController, dialog: Any) -> None:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled() and s.pool.active() == 0, timeout=10_000)


def test_add_github_source_writes_toml_and_stores_token(qtbot, sources, memory_keyring, controller) -> None:
    s, path = sources
    dialog = _open(qtbot, s)
    assert "OS keyring" in dialog.keyring_label.text() and "MemoryKeyring" in dialog.keyring_label.text()
    _set(dialog, "name", "gh")
    _set(dialog, "kind", "github")
    _set(dialog, "url", "https://api.github.com")
    _set(dialog, "repos", "bank/mobile, bank/core")
    _set(dialog, "status_labels", "status: in review = In Review\nstatus: testing = Testing")
    _set(dialog, "interval_s", "120")
    _set(dialog, "proxy", "http://proxy:3128")
    _set(dialog, "system_trust", True)
    _set(dialog, "token", "ghp_sentinel_123")
    with qtbot.waitSignal(controller.config_changed, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: s.pool.active() == 0 and dialog.table.rowCount() == 1, timeout=10_000)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert raw["sources"] == [
        {
            "name": "gh",
            "kind": "github",
            "url": "https://api.github.com",
            "repos": ["bank/mobile", "bank/core"],
            "status_labels": {"status: in review": "In Review", "status: testing": "Testing"},
            "interval_s": 120,
            "proxy": "http://proxy:3128",
            "system_trust": True,
        }
    ]
    assert "ghp_sentinel_123" not in path.read_text(encoding="utf-8")
    assert memory_keyring.store[("flowdeck", "gh")] == "ghp_sentinel_123"
    assert [x.name for x in controller.config.sources] == ["gh"]  # the controller reloaded the config
    assert dialog.table.item(0, 5).text() == "keyring"
    assert dialog.table.item(0, 3).text() == "never"
    assert "The token is in the OS keyring" in dialog.result_label.text()
    assert dialog.source_form.fields["token"].text() == ""  # the typed token does not linger in the form


def test_invalid_input_names_the_field_and_writes_nothing(qtbot, sources, memory_keyring) -> None:
    s, path = sources
    path.parent.mkdir(parents=True)
    path.write_text(COMMENTED, encoding="utf-8")
    dialog = _open(qtbot, s)
    _set(dialog, "name", "ci")
    _set(dialog, "kind", "jenkins")
    _set(dialog, "url", "ftp://ci.example")
    _set(dialog, "token", "tok")
    _save(qtbot, s, dialog)
    assert dialog.error_label.isVisible() or not dialog.isVisible()
    assert "sources[1].url" in dialog.error_label.text() and "http(s) URL" in dialog.error_label.text()
    assert dialog.error_field == "url"
    assert "D55E00" in dialog.source_form.fields["url"].styleSheet()
    # A bad kind-specific option (the connector's own check) is refused the same way.
    _set(dialog, "url", "https://ci.example")
    _set(dialog, "deployment_pattern", "(unclosed")
    _save(qtbot, s, dialog)
    assert dialog.error_field == "deployment_pattern"
    assert "not a valid regular expression" in dialog.error_label.text()
    # A name taken already.
    _set(dialog, "deployment_pattern", "")
    _set(dialog, "name", "gocd")
    _save(qtbot, s, dialog)
    assert "already exists" in dialog.error_label.text() and dialog.error_field == "name"
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert memory_keyring.store == {}


def test_edit_keeps_comments_and_unknown_keys_then_remove(qtbot, sources, memory_keyring, controller) -> None:
    s, path = sources
    path.parent.mkdir(parents=True)
    path.write_text(
        COMMENTED + '[[sources]]\nname = "jira"\nkind = "jira"\nurl = "https://jira.example"\noverlap_s = 600\n',
        encoding="utf-8",
    )
    memory_keyring.store[("flowdeck", "jira")] = "old"
    dialog = _open(qtbot, s)
    assert dialog.table.rowCount() == 2
    dialog.table.selectRow(1)
    assert dialog.source_form.original == "jira" and dialog.source_form.fields["url"].text() == "https://jira.example"
    form = dialog.source_form
    assert form.form.isRowVisible(form.fields["jql"]) and not form.form.isRowVisible(form.fields["repos"])
    _set(dialog, "projects", "PAY, OPS")
    _set(dialog, "incident_types", "Incident, 故障")
    _set(dialog, "user", "li@bank.example")
    _save(qtbot, s, dialog)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED), text  # the other source and both comments untouched
    jira = tomllib.loads(text)["sources"][1]
    assert jira == {
        "name": "jira",
        "kind": "jira",
        "url": "https://jira.example",
        "user": "li@bank.example",
        "projects": ["PAY", "OPS"],
        "incident_types": ["Incident", "故障"],
        "overlap_s": 600,  # a key the form does not show survives the edit
    }
    assert memory_keyring.store[("flowdeck", "jira")] == "old"  # an empty token field keeps the stored one
    # Remove (confirmed): the block is cut out, the keyring entry removed, the rest unchanged.
    dialog.confirm = lambda _name: True
    with qtbot.waitSignal(controller.config_changed, timeout=10_000):
        dialog.remove_button.click()
    qtbot.waitUntil(lambda: s.pool.active() == 0 and dialog.table.rowCount() == 1, timeout=10_000)
    # The comment right above the Jira table was its own and goes with it (as `flowdeck sources remove`).
    assert path.read_text(encoding="utf-8") == COMMENTED.replace("# the next one is Jira\n", "")
    assert ("flowdeck", "jira") not in memory_keyring.store
    assert [x.name for x in controller.config.sources] == ["gocd"]


def test_null_keyring_is_said_plainly_and_the_token_refused(qtbot, sources, monkeypatch) -> None:
    s, path = sources
    monkeypatch.delenv("FLOWDECK_TOKEN_GOCD", raising=False)
    dialog = _open(qtbot, s)  # the test session's keyring is the null backend
    assert "keeps no token in a file" in dialog.keyring_label.text() and "null" in dialog.keyring_label.text()
    _set(dialog, "name", "gocd")
    assert not dialog.source_form.fields["token"].isEnabled()
    assert "FLOWDECK_TOKEN_GOCD" in dialog.source_form.token_hint.text()
    # Even if a token reaches the app, it is refused with the reason, and the config is still saved.
    _set(dialog, "kind", "cctray")
    _set(dialog, "url", "https://gocd.example/go/cctray.xml")
    dialog.save_requested.emit(None, dialog.source_form.form_table(dialog.rows), "secret-token-xyz")
    qtbot.waitUntil(lambda: s.pool.active() == 0 and dialog.table.rowCount() == 1, timeout=10_000)
    assert "NOT stored" in dialog.result_label.text() and "FLOWDECK_TOKEN_GOCD" in dialog.result_label.text()
    assert "secret-token-xyz" not in dialog.result_label.text()
    assert "secret-token-xyz" not in path.read_text(encoding="utf-8")
    assert dialog.table.item(0, 5).text() == "no token"


def test_test_connection_success_and_403_without_the_token(qtbot, sources, memory_keyring) -> None:
    s, _path = sources
    fake = FakeJenkins(jobs={"app": synthetic_builds(2)}, user="svc", token="right-token")
    with FakeServer() as srv:
        fake.install(srv)
        dialog = _open(qtbot, s)
        _set(dialog, "name", "ci")
        _set(dialog, "kind", "jenkins")
        _set(dialog, "url", srv.url)
        _set(dialog, "user", "svc")
        _set(dialog, "token", "right-token")
        dialog.test_button.click()
        assert dialog.spinner.isVisible() or s.pool.active() == 0
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        assert dialog.result_label.text().startswith("Connected: Jenkins 2.440.1 as svc: 1 top-level job(s)")
        assert not dialog.spinner.isVisible()
        _set(dialog, "token", "wrong-token-sentinel")
        dialog.test_button.click()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        text = dialog.result_label.text()
        assert text.startswith("Failed: ") and "403" in text, text
        assert "wrong-token-sentinel" not in text
        assert srv.requests[-1].headers["Authorization"].startswith("Basic ")
    # The CCTray form against a feed: plain-text result (the feed's "<b>" project name is not rendered).
    with FakeServer() as srv:
        srv.route("GET", "/cc.xml", Reply.text(cctray_feed([{"name": "<b>x</b>", "activity": "Sleeping"}]),
                                               content_type="application/xml"))  # fmt: skip
        _set(dialog, "kind", "cctray")
        _set(dialog, "url", srv.url + "/cc.xml")
        _set(dialog, "token", "")
        dialog.test_button.click()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        assert dialog.result_label.text() == "Connected: CCTray feed with 1 project(s)"


def test_list_shows_last_sync_and_error(qtbot, controller, tmp_path, memory_keyring, monkeypatch) -> None:
    from datetime import UTC, datetime

    path = tmp_path / "flowdeck.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    with qtbot.waitSignal(controller.store_ready, timeout=10_000):
        controller.start()
    with controller.store.writer() as w:
        w.upsert([PipelineRun("gocd", "p", "1", 1, "completed", "success")])
        t = datetime(2026, 3, 1, tzinfo=UTC)
        w.set_sync_state("gocd", attempt_at=t, success_at=t)
        w.set_sync_state("gocd", error="gocd: TLS verification with gocd.example failed <b>x</b>")
    monkeypatch.setenv("FLOWDECK_TOKEN_GOCD", "from-env")
    s = SourcesController(controller, path)
    try:
        dialog = _open(qtbot, s)
        assert dialog.table.item(0, 3).text() != "never"
        assert dialog.table.item(0, 4).text() == "gocd: TLS verification with gocd.example failed <b>x</b>"
        assert dialog.table.item(0, 5).text() == "env FLOWDECK_TOKEN_GOCD"
    finally:
        s.shutdown()
    assert isinstance(controller.store, Store)
    assert load_config(path).sources[0].name == "gocd"


def test_a_list_posted_before_shutdown_never_reaches_a_deleted_dialog(sources, qtbot, memory_keyring):
    """The window closes (shutdown) while the list is loading: the answer is dropped, not shown."""
    import shiboken6

    s, _path = sources
    dialog = s.open()
    qtbot.waitUntil(lambda: s.pool.active() == 0, timeout=10_000)
    delivered: list[object] = []
    s._run(lambda: 42, lambda ok, value: delivered.append((ok, value)))
    assert s.pool.wait(10_000)  # the answer is posted, not yet delivered
    s.shutdown()
    shiboken6.delete(dialog)
    qtbot.wait(100)
    assert delivered == []
