"""From the demo to the user's own data: "Use my own data" on the demo banner and in the File menu.

:class:`OwnData` is owned by :class:`app.main_window.window.MainWindow`. The banner button creates the
user's own store at the default place (:func:`app.controllers.own_store.default_own_store`), the menu
action asks for a file first; either way the controller switches to it on a worker, the demo file is
never written, and the choice is remembered (``UiSettings.own_store``) so the next start opens it.
Texts keep the ``MainWindow`` context.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from app.controllers.own_store import default_own_store, open_own_store
from widgets.i18n import translate

if TYPE_CHECKING:
    from app.controllers.engine import StoreInfo
    from app.controllers.report import Controller
    from app.settings import UiSettings

__all__ = ["OwnData"]


def _ask_file(parent: QWidget, proposed: Path) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(
        parent,
        translate("MainWindow", "Store for your own data"),
        str(proposed),
        translate("MainWindow", "Flowdeck store (*.db)"),
        options=QFileDialog.Option.DontConfirmOverwrite,  # an existing Flowdeck store is opened, not replaced
    )
    return Path(name) if name else None


class OwnData:
    """The "Use my own data" button and menu action, and what they do.

    Attributes:
        button: for the demo banner.
        action: for the File menu (asks for a file).
        ask_file: ``(parent, proposed) -> Path | None``; tests replace it.
        pending: the store asked for, until it is open (then it is remembered).
    """

    def __init__(self, controller: Controller, settings: UiSettings, parent: QWidget) -> None:
        self.controller = controller
        self.settings = settings
        self.parent = parent
        self.ask_file: Callable[[QWidget, Path], Path | None] = _ask_file
        self.pending: Path | None = None
        self.button = QPushButton(translate("MainWindow", "Use my own data"), parent)
        self.button.setToolTip(
            translate(
                "MainWindow",
                "Create an empty store of your own and switch to it; the demo stays as it is. "
                "Then add a source and sync.",
            )
        )
        self.button.clicked.connect(self._use_default)
        self.action = QAction(translate("MainWindow", "Use my own data…"), parent)
        self.action.setStatusTip(translate("MainWindow", "Choose a file for your own store and switch to it"))
        self.action.triggered.connect(self.pick)

    def _use_default(self) -> None:
        # Not ``connect(self.use)``: ``clicked`` passes ``checked``, which would arrive as the path.
        self.use()

    def default_path(self) -> Path:
        """Where the banner button puts the user's store (never the open demo's file)."""
        info = self.controller.info
        return default_own_store(self.controller.store if info is not None and info.demo else None)

    def pick(self) -> bool:
        """Ask for a file, then :meth:`use` it; False when the dialog was cancelled."""
        path = self.ask_file(self.parent, self.default_path())
        return self.use(path) if path is not None else False

    def use(self, path: Path | None = None) -> bool:
        """Switch to the user's store at ``path`` (default: :meth:`default_path`)."""
        path = (path or self.default_path()).expanduser().resolve()
        info, store = self.controller.info, self.controller.store
        demo = store.sqlite_path if info is not None and info.demo and store is not None else None
        url = f"sqlite:///{path}"
        if not self.controller.switch_store(lambda: open_own_store(url, demo)):
            return False
        self.pending = path
        self.button.setEnabled(False)
        return True

    def store_ready(self, info: StoreInfo) -> None:
        """The store is open: remember it when it is the one asked for; offer the button on the demo only."""
        if self.pending is not None and not info.demo:
            self.settings.own_store = f"sqlite:///{self.pending}"
            self.pending = None
        self.button.setVisible(info.demo)
        self.button.setEnabled(True)

    def failed(self) -> None:
        """The switch failed (the message is shown): the demo stays, the button works again."""
        self.pending = None
        self.button.setEnabled(True)
