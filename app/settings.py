"""UI state kept between runs (geometry, splitters, theme, the home page's baseline, the user's own
store) in an INI QSettings.

Preferences that change how a figure is computed (definitions, targets) belong in flowdeck.toml, not
here; the baseline only chooses which period the home page compares with.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from app import paths

__all__ = ["UiSettings"]


class UiSettings:
    """A thin typed wrapper over ``QSettings`` at :func:`app.paths.settings_file`."""

    def __init__(self, path: str | None = None) -> None:
        self._s = QSettings(path or str(paths.settings_file()), QSettings.Format.IniFormat)

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore geometry and dock/toolbar state; False when nothing was saved."""
        geometry = self._s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
            state = self._s.value("window/state")
            if isinstance(state, QByteArray):
                window.restoreState(state)
            return True
        return False

    def save_window(self, window: QMainWindow) -> None:
        """Remember geometry and state."""
        self._s.setValue("window/geometry", window.saveGeometry())
        self._s.setValue("window/state", window.saveState())
        self._s.sync()

    @property
    def theme(self) -> str:
        """``light`` or ``dark``."""
        value = str(self._s.value("ui/theme", "light"))
        return value if value in ("light", "dark") else "light"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("ui/theme", value)

    @property
    def baseline(self) -> str:
        """The home page's baseline: ``first4`` (default), ``first8`` or ``custom:YYYY-MM-DD:YYYY-MM-DD``."""
        return str(self._s.value("ui/baseline", "first4"))

    @baseline.setter
    def baseline(self, value: str) -> None:
        self._s.setValue("ui/baseline", value)

    @property
    def own_store(self) -> str | None:
        """The store the user chose for their own data ("Use my own data"), opened at the next start."""
        value = self._s.value("store/own", "")
        return str(value) if value else None

    @own_store.setter
    def own_store(self, url: str | None) -> None:
        self._s.setValue("store/own", url or "")
        self._s.sync()

    def sync(self) -> None:
        """Write to disk now."""
        self._s.sync()

    def file_name(self) -> str:
        """Where the settings live."""
        return self._s.fileName()
