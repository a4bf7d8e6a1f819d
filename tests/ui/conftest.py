"""UI test helpers: the real main window of a signed-in clerk, driven by key events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.services.station.context import Actor
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.scan_catcher import ScanCatcher

NOW = datetime(2026, 11, 26, 9, 30)  # a Thursday, a working day
VALID_ID = "11010519491231002X"
AGENT_ID = "110105198001010032"  # made up, valid check digit


@pytest.fixture
def station(services: Services) -> Services:
    """The services with a fixed clock (the bundled catalogue is loaded)."""
    services.ctx.clock = lambda: NOW
    return services


WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, station: Services, clerk: Actor) -> Iterator[WindowFactory]:
    """Build (and afterwards close) main windows of the clerk; each one shown and active."""
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(station, clerk)
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.taskman.idle)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


def idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every queued database task has finished and been delivered."""
    qtbot.waitUntil(window.taskman.idle, timeout=10_000)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          times: int = 1) -> None:
    """A key pressed on whatever has the focus (as the clerk's keyboard would)."""
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)
        QApplication.processEvents()  # item delegates commit an edit by a queued call
        settle(qtbot)


def scan_catchers() -> list[ScanCatcher]:
    return [c for top in QApplication.topLevelWidgets() for c in top.findChildren(ScanCatcher)]


def settle(qtbot: QtBot) -> None:
    """Wait for keystrokes the ScanCatcher holds back (digits outside a text field, for one
    scanner gap) to reach their widget, as they do for the clerk a few milliseconds later."""
    qtbot.waitUntil(lambda: not any(c.holding for c in scan_catchers()), timeout=2_000)
    QApplication.processEvents()


def type_text(qtbot: QtBot, text: str) -> None:
    """Type into the focused widget: ASCII as key clicks, anything else as an input method
    (拼音/五笔) commit, which is how Chinese text reaches a widget."""
    run = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii() and ch.isprintable():
            run += ch
            continue
        if run:
            qtbot.keyClicks(focused(), run)
            run = ""
        if ch != "\0":
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(focused(), event)


def close_notice(qtbot: QtBot, window: MainWindow, *, rating: bool = True) -> int:
    """After a confirmation: the notice's preview opens (returns its page count); Esc closes it,
    then the rating offered on this (only) screen, and the keyboard is back in the window."""
    flow = window.notice_flow
    qtbot.waitUntil(lambda: flow.preview_dialog is not None and flow.preview_dialog.isVisible(),
                    timeout=10_000)
    preview = flow.preview_dialog
    assert preview is not None
    pages = preview.document.pageCount()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: flow.preview_dialog is None or not preview.isVisible())
    if rating:
        qtbot.waitUntil(lambda: flow.rating_dialog is not None and flow.rating_dialog.isVisible(),
                        timeout=10_000)
        dialog = flow.rating_dialog
        assert dialog is not None
        dialog.reject()  # the applicant walked away; nothing is recorded
    idle(qtbot, window)
    window.activateWindow()  # the window manager's job once the dialogs are gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return pages
