"""A page that can stand aside for a message: what to add when there is no data for it yet.

:class:`EmptyState` holds a page and a centred plain-text message; :meth:`EmptyState.show_message`
shows the message in place of the page (a page of dashes says nothing), ``None`` shows the page again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

__all__ = ["EmptyState"]


class EmptyState(QStackedWidget):
    """``page`` (index 0) or :attr:`message` (index 1)."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.message = QLabel(self)
        self.message.setObjectName("emptyState")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.message.setFont(font)
        self.addWidget(page)
        self.addWidget(self.message)

    def show_message(self, text: str | None) -> None:
        """Show ``text`` instead of the page, or the page when ``text`` is None or empty."""
        self.message.setText(text or "")
        self.setCurrentIndex(1 if text else 0)

    def showing_message(self) -> bool:
        """True while the message stands in for the page."""
        return self.currentIndex() == 1
