"""``flowdeck sync`` on a terminal asks for a missing token (for that run only), never for kinds that need none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli import main
from tests.helpers.server import FakeServer, Reply


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _config(path: Path, url: str) -> Path:
    path.write_text(
        f'[[sources]]\nname = "ci"\nkind = "jira"\nurl = "{url}"\nuser = "me@example.com"\n\n'
        f'[[sources]]\nname = "feed"\nkind = "cctray"\nurl = "{url}/cctray.xml"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("tty", [True, False])
def test_sync_asks_for_a_missing_token_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tty: bool
) -> None:
    for name in ("FLOWDECK_TOKEN_CI", "FLOWDECK_TOKEN_FEED"):
        monkeypatch.delenv(name, raising=False)
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return "typed-SENTINEL-5"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("sys.stdin", _Tty() if tty else io.StringIO())
    with FakeServer() as srv:
        srv.route("GET", r".*", Reply.json({"errorMessages": ["nope"]}, status=401))
        cfg = _config(tmp_path / "flowdeck.toml", srv.url)
        rc = main(["--db", str(tmp_path / "s.db"), "--config", str(cfg), "sync"])
        sent = [r.headers.get("Authorization", "") for r in srv.requests]
    out, err = capsys.readouterr()
    assert rc == 1  # both sources answer 401
    if tty:
        assert asked == ["Token for ci (used for this run only): "]  # the CCTray feed is not asked
        assert any(h.startswith("Basic ") for h in sent)  # the typed token went to the configured host
    else:
        assert asked == []
    assert "typed-SENTINEL-5" not in out + err
