"""open_connector: the one way a syncer, a poller or a connection test gets a source's connector and token."""

from __future__ import annotations

import pytest

from data.config.model import SourceConfig
from data.config.parse import parse_config
from data.connectors.base import ConnectorError
from data.sync.run import open_connector


def _source(kind: str = "jenkins", name: str = "ci") -> SourceConfig:
    return parse_config({"sources": [{"name": name, "kind": kind, "url": "http://127.0.0.1:9"}]}).sources[0]


class _Built:
    def __init__(self, source: SourceConfig, token: str | None) -> None:
        self.source, self.token = source, token


def _factory(source: SourceConfig, token: str | None) -> _Built:
    return _Built(source, token)


def test_a_typed_token_wins_then_the_lookup_then_the_question() -> None:
    asked: list[str] = []

    def ask(source: SourceConfig) -> str | None:
        asked.append(source.name)
        return "typed-at-prompt"

    def stored(name: str) -> str | None:
        return {"ci": "stored-ci"}.get(name)

    typed = open_connector(_source(), "from-form", token_for=stored, ask=ask, factory=_factory)
    assert typed.token == "from-form"
    kept = open_connector(_source(), token_for=stored, ask=ask, factory=_factory)
    assert kept.token == "stored-ci"
    assert asked == []
    prompted = open_connector(_source(name="other"), token_for=stored, ask=ask, factory=_factory)
    assert prompted.token == "typed-at-prompt" and asked == ["other"]
    assert open_connector(_source(name="other"), token_for=stored, factory=_factory).token is None


def test_default_lookup_is_the_environment_then_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDECK_TOKEN_CI", "env-token-41")
    built = open_connector(_source(), factory=_factory)
    assert built.token == "env-token-41"


def test_default_factory_builds_the_kind_and_names_an_unknown_one() -> None:
    connector = open_connector(_source("cctray", "feed"), token_for=lambda _n: None)
    try:
        assert type(connector).__name__ == "CCTrayConnector" and connector.source == "feed"
    finally:
        connector.close()
    bad = SourceConfig(name="x", kind="nope", url="http://127.0.0.1:9")
    with pytest.raises(ConnectorError, match="no connector for source kind 'nope'"):
        open_connector(bad, token_for=lambda _n: None)
