"""``flowdeck sources``, ``auth`` and ``sync`` through the real CLI entry point."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from app.cli import main
from data.store.store import Store
from tests.helpers import github_fake as gh
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.server import FakeServer, Reply


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "flowdeck.toml"
    path.write_text('# my sources\n[definitions]\nmedian = "lower"\n', encoding="utf-8")
    return path


def test_add_list_remove(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "--config",
            str(cfg),
            "sources",
            "add",
            "gh",
            "--kind",
            "github",
            "--url",
            "https://api.github.com",
            "--repos",
            "bank/mobile, bank/core",
            "--set",
            'status_labels={"status: testing" = "Testing"}',
        ]
    )
    assert rc == 0
    text = cfg.read_text()
    assert text.startswith("# my sources\n")  # appended, the comment survives
    assert (
        'repos = [\n    "bank/mobile",\n    "bank/core",\n]' in text or 'repos = ["bank/mobile", "bank/core"]' in text
    )
    assert main(["--config", str(cfg), "sources", "list"]) == 0
    out = capsys.readouterr().out
    assert "gh" in out and "github" in out and "no token" in out
    assert main(["--config", str(cfg), "sources", "remove", "gh"]) == 0
    assert "[[sources]]" not in cfg.read_text() and 'median = "lower"' in cfg.read_text()


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--kind", "github", "--url", "ftp://x"], "sources[0].url"),
        (["--kind", "github", "--url", "https://x", "--set", "token=abc"], "tokens do not belong"),
        (["--kind", "github", "--url", "https://x", "--set", "oops"], "KEY=VALUE"),
    ],
)
def test_bad_add_exits_2_and_changes_nothing(
    cfg: Path, argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = cfg.read_text()
    assert main(["--config", str(cfg), "sources", "add", "x", *argv]) == 2
    assert needle in capsys.readouterr().err
    assert cfg.read_text() == before


def test_duplicate_and_unknown_names_exit_2(cfg: Path) -> None:
    args = ["--config", str(cfg), "sources", "add", "gh", "--kind", "github", "--url", "https://h"]
    assert main(args) == 0
    assert main(args) == 2
    assert main(["--config", str(cfg), "sources", "remove", "nope"]) == 2


def test_auth_set_without_a_real_keyring_says_so(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["--config", str(cfg), "sources", "add", "gh", "--kind", "github", "--url", "https://h"])
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO("tok-never-stored\n"))
        assert main(["--config", str(cfg), "auth", "set", "gh"]) == 1
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert "No OS keyring" in err and "FLOWDECK_TOKEN_GH" in err and "tok-never-stored" not in err


def test_auth_set_reads_stdin_and_stores_in_keyring(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main(["--config", str(cfg), "sources", "add", "gh", "--kind", "github", "--url", "https://h"])
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO("ghp_fromstdin1\n"))
        assert main(["--config", str(cfg), "auth", "set", "gh"]) == 0
        assert kr.store[("flowdeck", "gh")] == "ghp_fromstdin1"
        assert main(["--config", str(cfg), "auth", "clear", "gh"]) == 0
        assert kr.store == {}
    finally:
        keyring.set_keyring(previous)
    assert "ghp_fromstdin1" not in cfg.read_text()


def test_sync_command_syncs_and_a_failing_source_exits_1(
    cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    monkeypatch.setenv("FLOWDECK_TOKEN_GH", "SENTINEL-cli-777")
    monkeypatch.setenv("FLOWDECK_TOKEN_BROKEN", "SENTINEL-cli-777")
    with FakeServer() as srv, FakeServer() as bad:
        gh.install(srv, gh.dataset())
        bad.route("GET", ".*", Reply.json({"message": "Bad credentials"}, status=401))
        for name, url in (("gh", srv.url), ("broken", bad.url)):
            assert (
                main(
                    [
                        "--config",
                        str(cfg),
                        "sources",
                        "add",
                        name,
                        "--kind",
                        "github",
                        "--url",
                        url,
                        "--repos",
                        gh.REPO,
                        "--set",
                        "lookback_days=1200",
                        "--set",
                        "per_page=3",
                    ]
                )
                == 0
            )
        capsys.readouterr()
        rc = main(["--db", str(db), "--config", str(cfg), "sync"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "gh: ok:" in out and "broken: FAILED" in out
    assert "401" in err and "flowdeck auth set broken" in err
    assert "SENTINEL-cli-777" not in out + err
    with Store.open(f"sqlite:///{db}") as store:
        assert store.counts()["pipeline_runs"] == 8
        assert store.sync_states()["broken"]["last_error"]


def test_sync_unknown_source_and_watch_exit_2(cfg: Path) -> None:
    assert main(["--config", str(cfg), "sync", "--source", "nope"]) == 2
    assert main(["--config", str(cfg), "sync", "--watch"]) == 2


CONFIG_WITH_COMMENTS = """\
# Flowdeck for the payments team
[definitions]
median = "lower"  # the team agreed on the lower median

# GitHub: the mobile app
[[sources]]
name = "gh"
kind = "github"
url = "https://api.github.com"
repos = ["bank/mobile"]  # only this one for now
status_labels = { "status: testing" = "Testing" }

# GitLab on premises
[[sources]]
name = "gl"
kind = "gitlab"
url = "https://gitlab.example.com"
projects = ["bank/core"]

[sources.status_labels]
"workflow::qa" = "Testing"

# the CCTray wall feed
[[sources]]
name = "wall"
kind = "cctray"
url = "https://ci.example.com/cc.xml"
"""


def test_remove_keeps_every_comment_and_the_other_tables_byte_for_byte(cfg: Path) -> None:
    cfg.write_text(CONFIG_WITH_COMMENTS, encoding="utf-8")
    assert main(["--config", str(cfg), "sources", "remove", "gl"]) == 0
    # The gl table, its [sources.status_labels] sub-table and its own comment went; nothing else moved.
    assert cfg.read_text(encoding="utf-8") == CONFIG_WITH_COMMENTS.replace(
        '# GitLab on premises\n[[sources]]\nname = "gl"\nkind = "gitlab"\nurl = "https://gitlab.example.com"\n'
        'projects = ["bank/core"]\n\n[sources.status_labels]\n"workflow::qa" = "Testing"\n\n',
        "",
    )
    assert main(["--config", str(cfg), "sources", "remove", "gh"]) == 0
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith('# Flowdeck for the payments team\n[definitions]\nmedian = "lower"  # the team agreed')
    assert "# GitHub" not in text and '# the CCTray wall feed\n[[sources]]\nname = "wall"' in text
    assert main(["--config", str(cfg), "sources", "remove", "wall"]) == 0
    assert cfg.read_text(encoding="utf-8") == (
        '# Flowdeck for the payments team\n[definitions]\nmedian = "lower"  # the team agreed on the lower median\n\n'
    )


def test_remove_refuses_an_inline_sources_array_and_changes_nothing(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '# mine\nsources = [{ name = "gh", kind = "github", url = "https://h", repos = ["a/b"] }]\n'
    cfg.write_text(text, encoding="utf-8")
    assert main(["--config", str(cfg), "sources", "remove", "gh"]) == 1
    assert "remove it by hand" in capsys.readouterr().err
    assert cfg.read_text(encoding="utf-8") == text
