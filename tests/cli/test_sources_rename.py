"""``flowdeck sources rename OLD NEW``: the table is renamed in place and the keyring token moves along
(issue #12: a renamed source's token stayed under the old name, so the source synced without it)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.cli import main
from tests.helpers.memory_keyring import LockedKeyring, MemoryKeyring

CONFIG = """# keep me
[[sources]]
name = "jira"
kind = "jira"
url = "http://127.0.0.1:9/jira"
projects = ["PAY"]

# the feed
[[sources]]
name = "feed"
kind = "cctray"
url = "http://127.0.0.1:9/cc.xml"
"""


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("FLOWDECK_TOKEN_JIRA", "FLOWDECK_TOKEN_JIRA_PROD"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    path = tmp_path / "flowdeck.toml"
    path.write_text(CONFIG, encoding="utf-8")
    yield path
    keyring.set_keyring(previous)


def test_rename_moves_the_token_and_keeps_the_rest(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    kr.store[("flowdeck", "jira")] = "jira-secret-1"
    assert main(["--config", str(cfg), "sources", "rename", "jira", "jira-prod"]) == 0
    out = capsys.readouterr().out
    assert "moved in the OS keyring from 'jira' to 'jira-prod'" in out and "jira-secret-1" not in out
    assert kr.store == {("flowdeck", "jira-prod"): "jira-secret-1"}
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith('# keep me\n[[sources]]\nname = "jira-prod"\n') and "# the feed" in text
    assert [s["name"] for s in tomllib.loads(text)["sources"]] == ["jira-prod", "feed"]
    assert "jira-secret-1" not in text


def test_rename_with_a_locked_keyring_says_so_and_exits_1(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kr = LockedKeyring()
    keyring.set_keyring(kr)
    kr.store[("flowdeck", "jira")] = "jira-secret-1"
    assert main(["--config", str(cfg), "sources", "rename", "jira", "jira-prod"]) == 1
    captured = capsys.readouterr()
    assert "NOT moved" in captured.err and "flowdeck auth set jira-prod" in captured.err
    assert "jira-secret-1" not in captured.out + captured.err
    assert kr.store == {("flowdeck", "jira"): "jira-secret-1"}  # nothing lost


def test_rename_points_out_the_old_environment_variable(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("FLOWDECK_TOKEN_JIRA", "env-secret-2")
    assert main(["--config", str(cfg), "sources", "rename", "jira", "jira-prod"]) == 0
    out = capsys.readouterr().out
    assert "FLOWDECK_TOKEN_JIRA is set" in out and "FLOWDECK_TOKEN_JIRA_PROD" in out and "env-secret-2" not in out


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [("nope", "x", "no source named 'nope'"), ("jira", "feed", "already exists"), ("jira", "a b", "sources[0].name")],
)
def test_bad_renames_exit_2_and_change_nothing(
    cfg: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, needle: str
) -> None:
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    kr.store[("flowdeck", "jira")] = "jira-secret-1"
    assert main(["--config", str(cfg), "sources", "rename", old, new]) == 2
    assert needle in capsys.readouterr().err
    assert cfg.read_text(encoding="utf-8") == CONFIG
    assert kr.store == {("flowdeck", "jira"): "jira-secret-1"}
