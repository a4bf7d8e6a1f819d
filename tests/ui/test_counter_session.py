"""The session: change own password, switch user, log out, and Ctrl+Q mid-intake asks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.station.session import ChangePasswordDialog, SwitchUserDialog
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import idle, press
from tests.ui.test_intake_window import choose_dibao

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_q_mid_intake_asks_and_no_keeps_the_window(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    asked: list[str] = []
    window.session.ask = lambda _parent, title, text: asked.append(text) or False
    assert not window.session.intake_open()  # nothing open: Ctrl+Q just quits
    choose_dibao(qtbot, window)
    press(qtbot, K.Key_Q, CTRL)
    assert asked and "草稿已自动保存" in asked[0]
    assert window.isVisible()  # the clerk said no
    window.session.ask = lambda _parent, title, text: True
    press(qtbot, K.Key_Q, CTRL)
    assert not window.isVisible()


def test_change_own_password(qtbot: QtBot, window: MainWindow, station: Services,
                             clerk: Actor) -> None:
    dialog = window.session.change_password()
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.old.setText("wrong-password")
    dialog.new.setText("newpass2026x")
    dialog.again.setText("newpass2026y")
    dialog.submit()
    assert "不一致" in dialog.message.text()
    dialog.again.setText("newpass2026x")
    dialog.submit()
    idle(qtbot, window)
    assert "原密码不正确" in dialog.message.text()
    dialog.old.setText(TEST_PASSWORD)
    dialog.submit()
    idle(qtbot, window)
    assert dialog.changed
    assert station.accounts.sign_in(clerk.username, "newpass2026x").username == clerk.username
    try:
        station.accounts.sign_in(clerk.username, TEST_PASSWORD)
        raise AssertionError("the old password still works")
    except AccountError:
        pass


def test_switch_user_gives_the_next_clerk_their_own_window(
        qtbot: QtBot, window: MainWindow, station: Services, supervisor: Actor) -> None:
    replaced: list[MainWindow] = []
    window.session.replaced = replaced.append
    dialog = window.session.switch_user()
    assert isinstance(dialog, SwitchUserDialog)
    dialog.username.setText(supervisor.username)
    dialog.password.setText("not-the-password")
    dialog.submit()
    idle(qtbot, window)
    assert dialog.isVisible() and dialog.message.text()  # said in words, still there
    dialog.password.setText(TEST_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(replaced), timeout=10_000)
    new = replaced[0]
    qtbot.addWidget(new)
    assert new.actor.username == supervisor.username and new.isVisible()
    assert not window.isVisible()
    assert QApplication.activeModalWidget() is None
    new.close()


def test_log_out_and_nobody_signs_in_closes_the_window(qtbot: QtBot,
                                                        window: MainWindow) -> None:
    dialog = window.session.switch_user(logging_out=True)
    assert dialog is not None
    central = window.centralWidget()
    assert central is not None and not central.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: not window.isVisible())
