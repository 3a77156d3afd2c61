"""The one QApplication of a Flowdeck process, set up the same way for the app and the wall, and the
``--screenshot`` both take once their data has loaded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

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


def screenshot_and_exit(app: QApplication, window: QWidget, path: Path) -> None:
    """Save ``window`` as a PNG at ``path``, say where (or, on stderr, that it could not), and end the
    event loop: exit code 0 when saved, 1 when not."""
    pixmap = window.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        print(f"flowdeck: cannot write the screenshot {path}", file=sys.stderr)
        app.exit(1)
        return
    print(f"flowdeck: screenshot saved to {path} ({pixmap.width()}x{pixmap.height()})")
    app.exit(0)
