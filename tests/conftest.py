"""Shared test set-up: headless Qt, isolated paths and keyring, fixture location, stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.paths import FIXTURES
from tests.helpers.pg import fresh_pg_database, pg_base_url

# Before anything imports Qt: render offscreen (pytest-qt has no ini option for this).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's keyring, store or config from a test.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
os.environ.pop("FLOWDECK_DB", None)
os.environ.pop("FLOWDECK_CONFIG", None)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The recorded payloads in ../shared/fixtures (FLOWDECK_FIXTURES overrides); never copied here."""
    if not FIXTURES.is_dir():
        pytest.fail(f"recorded fixtures not found at {FIXTURES}; set FLOWDECK_FIXTURES")
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point platformdirs (data, config, state) at a temporary home for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL: an SQLite file, and the test PostgreSQL cluster when it runs."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'flowdeck.db'}"
        return
    yield from fresh_pg_database(pg_base_url())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite store URL (for tests that are about one machine)."""
    return f"sqlite:///{tmp_path / 'flowdeck.db'}"
