"""The one QApplication of a Flowdeck process, set up the same way for the app and the wall."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

#: The desktop file and AppStream id (packaging/linux): lets the desktop match windows to the entry.
APP_ID = "io.github.flowdeck.Flowdeck"


def qt_application(args: argparse.Namespace) -> QApplication:
    """The process's QApplication with translators, names, desktop id and icon installed."""
    from data.i18n import language
    from widgets.i18n import install_translators
    from widgets.icons import icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    install_translators(app, getattr(args, "lang", None) or language())
    app.setApplicationName("Flowdeck")
    app.setOrganizationName("flowdeck")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(icon("flowdeck"))  # dialogs, the wall and the taskbar too, not only one window
    return app
