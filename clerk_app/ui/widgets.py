"""Small shared widgets and helpers: plain-text labels, message lines, safe tooltips."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QWidget

ERROR_COLOUR = "#b3261e"
NOTE_COLOUR = "#5f6368"
OK_COLOUR = "#1e7d32"


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A label that shows its text literally (user text may contain `<b>` or `&`)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


class MessageLine(QLabel):
    """A one-field message under an input: an error (red), a note (grey) or nothing (hidden)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_COLOUR)

    def show_note(self, text: str) -> None:
        self._show(text, NOTE_COLOUR)

    def show_ok(self, text: str) -> None:
        self._show(text, OK_COLOUR)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    def _show(self, text: str, colour: str) -> None:
        if not text:
            self.clear_message()
            return
        self.setStyleSheet(f"color: {colour};")
        self.setText(text)
        self.show()


def tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt renders tooltips as rich text when they look like it)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def h_line(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def fit_to_screen(window: QWidget, title_bar: int = 32) -> None:
    """Shrink a window that would not fit its screen (1366x768 with a task bar)."""
    area = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    window.resize(min(window.width(), area.width()),
                  min(window.height(), area.height() - title_bar))


def shortcut_text(label: str, keys: str) -> str:
    """A button text with its shortcut visible, e.g. 确认 (Ctrl+Enter)."""
    return f"{label} ({keys})"


def qdate(day: date) -> QDate:
    """A QDate for a Python date (typed for every supported PySide6)."""
    return QDate(day.year, day.month, day.day)
