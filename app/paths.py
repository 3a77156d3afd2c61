"""Where the desktop app keeps its files (platformdirs); tests redirect them via XDG_* variables.

Settings (window geometry, theme) live in an INI file in the config directory rather than the
platform registry, so a test, a portable install or a support request can find them.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_log_dir

__all__ = ["config_dir", "data_dir", "log_file", "own_store_file", "settings_file", "themes_dir"]

APP = "flowdeck"


def config_dir() -> Path:
    """The user's Flowdeck config directory (flowdeck.toml, settings.ini)."""
    return Path(user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    """The user's Flowdeck data directory (the default store)."""
    return Path(user_data_dir(APP, appauthor=False))


def log_file() -> Path:
    """The log file of the command line and the app (``~/.local/state/flowdeck/log/flowdeck.log`` on
    Linux): tracebacks of unexpected errors and warnings go there, never to the terminal."""
    return Path(user_log_dir(APP, appauthor=False)) / "flowdeck.log"


def own_store_file() -> Path:
    """Where "Use my own data" puts the user's store when the default store holds the demo."""
    return data_dir() / "my-flowdeck.db"


def settings_file() -> Path:
    """The INI file behind QSettings."""
    return config_dir() / "settings.ini"


def themes_dir() -> Path:
    """The shipped QSS themes."""
    return Path(__file__).resolve().parent.parent / "resources" / "themes"
