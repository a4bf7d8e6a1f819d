"""Barcode scans anywhere in the main window (扫码打开办件).

A USB barcode scanner types like a keyboard: the characters of the 办件编号 a few milliseconds
apart, then Enter. `ScanCatcher` is an application event filter that recognises such a burst
(every keystroke less than `gap_ms` after the one before, at least `MIN_LENGTH` characters,
ending in Enter, and a valid application number with its check character) wherever the focus
is in the windows it watches, takes the keystrokes back from the focused widget and emits
`scanned(number)`.

Taking the keystrokes back: a text field (line edit, text box, editable combo, spin box) gets
its text as it was before the burst (and `textEdited`, so drafts save the restored text). In
any other widget a digit can act at once (in the checklist, 1–7 set a material's state), so
digits there are held for `gap_ms`: if no burst follows they are delivered as typed, unchanged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from clerk_app.domain.numbering import parse_number
from clerk_app.domain.village import parse_batch_number

log = logging.getLogger(__name__)

GAP_MS = 30
MIN_LENGTH = 10
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_CHARS = frozenset("0123456789Xx")


@dataclass
class _Snapshot:
    """What a text widget held before the burst began, and how to put it back."""

    widget: QWidget
    restore: Callable[[], None]


def _snapshot(widget: QWidget) -> _Snapshot | None:
    """A way back to the widget's present content (None: not a text widget)."""
    if isinstance(widget, QComboBox) and widget.isEditable() and widget.lineEdit():
        combo_edit = widget.lineEdit()
        return _line_snapshot(widget, combo_edit) if combo_edit is not None else None
    if isinstance(widget, QComboBox):
        index = widget.currentIndex()
        return _Snapshot(widget, lambda: widget.setCurrentIndex(index))
    if isinstance(widget, QLineEdit):
        return _line_snapshot(widget, widget)
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        text, cursor = widget.toPlainText(), widget.textCursor().position()
        return _Snapshot(widget, lambda: _restore_text_box(widget, text, cursor))
    if isinstance(widget, QDateTimeEdit):
        moment = QDateTime(widget.dateTime())
        return _Snapshot(widget, lambda: widget.setDateTime(moment))
    if isinstance(widget, QSpinBox):
        number = widget.value()
        return _Snapshot(widget, lambda: widget.setValue(number))
    if isinstance(widget, QDoubleSpinBox):
        amount = widget.value()
        return _Snapshot(widget, lambda: widget.setValue(amount))
    return None


def _line_snapshot(owner: QWidget, edit: QLineEdit) -> _Snapshot:
    text, cursor = edit.text(), edit.cursorPosition()

    def restore() -> None:
        if edit.text() != text:
            edit.setText(text)
            edit.textEdited.emit(text)  # listeners (draft saving) see the restored text
        edit.setCursorPosition(cursor)

    return _Snapshot(owner, restore)


def _restore_text_box(box: QPlainTextEdit | QTextEdit, text: str, cursor: int) -> None:
    if box.toPlainText() != text:
        box.setPlainText(text)
    moved = box.textCursor()
    moved.setPosition(min(cursor, len(text)))
    box.setTextCursor(moved)


class ScanCatcher(QObject):
    """Recognises scanned application numbers in the windows `watches` accepts.

    Signals:
        scanned(str): the application number read (normalised, check character verified).
        batch_scanned(str): a 材料交接单 number read (21 characters, same check character).
    """

    scanned = Signal(str)
    batch_scanned = Signal(str)

    def __init__(self, watches: Callable[[QWidget], bool], *, gap_ms: int = GAP_MS,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watches = watches
        self.gap = gap_ms / 1000
        self.clock = clock
        self._text = ""
        self._last = float("-inf")
        self._target: QWidget | None = None
        self._snapshot: _Snapshot | None = None
        self._held: list[QKeyEvent] = []
        self._replaying = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(gap_ms)
        self._flush_timer.timeout.connect(self.release_held)

    @property
    def holding(self) -> bool:
        """Keystrokes are held back, waiting to see whether a scan follows."""
        return bool(self._held)

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def remove(self) -> None:
        self.release_held()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- the filter ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        focus = QApplication.focusWidget() or QApplication.activeWindow()
        if watched is not focus or focus is None or not isinstance(event, QKeyEvent):
            return False  # the same key on its way up to the parents, or not for a widget
        try:
            if not self.watches(focus):
                self._reset()
                return False
        except RuntimeError:  # a watched window is being deleted
            return False
        return self._key(focus, event)

    def _key(self, focus: QWidget, event: QKeyEvent) -> bool:
        now = self.clock()
        fast = now - self._last < self.gap and focus is self._target
        self._last = now
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if event.key() in _ENTER and plain and fast:
            return self._enter(focus)
        text = event.text()
        if not plain or event.isAutoRepeat() or len(text) != 1 or text not in _CHARS:
            self.release_held()
            self._reset()
            return False
        if not fast:
            self.release_held()
            self._reset()
            self._target = focus
            self._snapshot = _snapshot(focus)
        self._text += text
        if self._snapshot is None:  # not a text widget: hold the key a moment
            self._held.append(QKeyEvent(event.type(), event.key(), event.modifiers(), text))
            self._flush_timer.start()
            return True
        return False

    def _enter(self, focus: QWidget) -> bool:
        text = self._text
        parsed = parse_number(text) if len(text) >= MIN_LENGTH else None
        batch = parse_batch_number(text) if parsed is None and len(text) >= MIN_LENGTH else None
        if parsed is None and batch is None:
            self.release_held()
            self._reset()
            return False
        self._flush_timer.stop()
        self._held.clear()
        if self._snapshot is not None:
            self._snapshot.restore()
        self._reset()
        if batch is not None:
            log.info("hand-over slip number scanned")
            self.batch_scanned.emit(str(batch))
            return True
        log.info("application number scanned")
        self.scanned.emit(str(parsed))
        return True

    # -- held keys -----------------------------------------------------------------------------

    def release_held(self) -> None:
        """Deliver the held keystrokes, as typed, to the widget they were meant for."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        target = self._target
        if not held or target is None:
            return
        self._replaying = True
        try:
            for event in held:
                QApplication.sendEvent(target, event)
        except RuntimeError:  # the widget went away meanwhile
            log.debug("held keys dropped: their widget is gone")
        finally:
            self._replaying = False

    def _reset(self) -> None:
        self._text = ""
        self._snapshot = None
        if not self._held:
            self._target = None


def watched_by(*windows: Any) -> Callable[[QWidget], bool]:
    """A `watches` predicate: the focus is in one of these top-level windows (or their kinds)."""
    def watches(widget: QWidget) -> bool:
        top = widget.window()
        return any(top is w or (isinstance(w, type) and isinstance(top, w)) for w in windows)
    return watches
