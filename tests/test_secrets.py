"""Tokens: env var over keyring, honest refusal without a real keyring, nothing ever logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from data import secrets
from data.connectors.redact import redact
from tests.helpers.memory_keyring import LockedKeyring, MemoryKeyring


@pytest.fixture
def use_backend() -> Iterator[object]:
    previous = keyring.get_keyring()

    def use(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


def test_memory_backend_round_trip(use_backend, monkeypatch) -> None:
    monkeypatch.delenv("FLOWDECK_TOKEN_GH_MAIN", raising=False)
    kr = use_backend(MemoryKeyring())
    assert secrets.backend_info().secure
    assert secrets.get_token("gh-main") is None
    secrets.set_token("gh-main", "  ghp_memorytoken1  ")
    assert kr.store[("flowdeck", "gh-main")] == "ghp_memorytoken1"
    assert secrets.get_token("gh-main") == "ghp_memorytoken1"
    assert secrets.clear_token("gh-main") is True
    assert secrets.clear_token("gh-main") is False
    assert secrets.get_token("gh-main") is None


def test_env_var_wins_over_keyring(use_backend, monkeypatch) -> None:
    use_backend(MemoryKeyring())
    secrets.set_token("gh-main", "from-keyring-1")
    monkeypatch.setenv("FLOWDECK_TOKEN_GH_MAIN", "from-env-22")
    assert secrets.env_name("gh-main") == "FLOWDECK_TOKEN_GH_MAIN"
    assert secrets.get_token("gh-main") == "from-env-22"
    # and the env token is registered for redaction
    assert redact("x from-env-22 y") == "x *** y"


def test_fail_backend_refuses_and_explains(use_backend) -> None:
    use_backend(keyring.backends.fail.Keyring())
    info = secrets.backend_info()
    assert not info.secure and "No OS keyring" in info.message
    assert secrets.get_token("jira") is None
    with pytest.raises(secrets.SecretsError) as exc:
        secrets.set_token("jira", "tok-fail-backend")
    assert "FLOWDECK_TOKEN_JIRA" in str(exc.value)
    assert "tok-fail-backend" not in str(exc.value)
    assert secrets.clear_token("jira") is False


def test_null_backend_is_not_secure(use_backend) -> None:
    use_backend(keyring.backends.null.Keyring())
    info = secrets.backend_info()
    assert not info.secure and "null" in info.message
    with pytest.raises(secrets.SecretsError):
        secrets.set_token("jira", "tok-null")


def test_keyrings_alt_counts_as_not_secure(use_backend) -> None:
    # keyrings.alt is not installed (and must never be depended on): fake a backend from that package.
    Plain = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    use_backend(Plain())
    info = secrets.backend_info()
    assert not info.secure and "keyrings.alt" in info.message
    with pytest.raises(secrets.SecretsError):
        secrets.set_token("gh", "tok-plain")


def test_locked_keyring_error_is_clear_and_token_free(use_backend, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    use_backend(LockedKeyring())
    with pytest.raises(secrets.SecretsError) as exc:
        secrets.set_token("gh", "tok-locked-777")
    assert "PasswordSetError" in str(exc.value) and "FLOWDECK_TOKEN_GH" in str(exc.value)
    assert "tok-locked-777" not in str(exc.value)
    assert all("tok-locked-777" not in r.getMessage() for r in caplog.records)


def test_empty_token_is_rejected(use_backend) -> None:
    use_backend(MemoryKeyring())
    with pytest.raises(secrets.SecretsError, match="empty"):
        secrets.set_token("gh", "   ")
