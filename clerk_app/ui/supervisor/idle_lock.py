"""Idle screen lock (离开锁屏): after some minutes without input the window is covered and the
signed-in user types the password again.

`IdleLock` is an application-wide event filter: any key, mouse or wheel input restarts the
timer (``Config.idle_lock_minutes``; 0 turns the lock off). When it fires, an opaque cover
hides the window's content (personal data on a counter screen) and `UnlockDialog` asks for
the password, checked by `AccountService.verify_password` on the writer thread — the same
check as sign-in, so wrong passwords count towards the lockout.

Signals:
    locked(): the screen was locked.
    unlocked(): the right password was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.accounts import AccountService
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class UnlockDialog(QDialog):
    """The password of the signed-in user, again."""

    def __init__(self, accounts: AccountService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts, self.actor, self.taskman = accounts, actor, taskman
        self.setWindowTitle(_("屏幕已锁定"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("{name}（{user}）离开时间较长，屏幕已锁定。请输入密码继续。")
                                     .format(name=actor.display_name, user=actor.username),
                                     wrap=True))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.password)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("解锁 (Enter)"))
        self.buttons.accepted.connect(self.submit)
        layout.addWidget(self.buttons)

    def reject(self) -> None:  # Esc must not unlock
        return

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self.message.show_error(_("请输入密码"))
            return
        self.buttons.setEnabled(False)
        self.taskman.write(lambda: self.accounts.verify_password(self.actor, password),
                           on_success=self._checked, on_error=self._failed,
                           context=_("解锁屏幕"))

    def _checked(self, ok: bool) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        if ok:
            self.accept()
        else:
            self.message.show_error(_("密码不正确（多次输错账号将被锁定）"))
            self.password.setFocus()

    def _failed(self, _exc: Exception) -> None:
        self.buttons.setEnabled(True)


class IdleLock(QObject):
    """Locks `window` after `minutes` without input (install once after sign-in)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, accounts: AccountService, actor: Actor,
                 taskman: TaskManager, minutes: float) -> None:
        super().__init__(window)
        self.window, self.accounts, self.actor, self.taskman = window, accounts, actor, taskman
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.cover: QWidget | None = None
        self.dialog: UnlockDialog | None = None
        self.set_minutes(minutes)

    def install(self) -> IdleLock:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        return self

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()

    def set_minutes(self, minutes: float) -> None:
        self.interval_ms = int(minutes * 60_000)
        if self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        else:
            self.timer.stop()

    @property
    def is_locked(self) -> bool:
        return self.cover is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY and not self.is_locked and self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        elif (event.type() == QEvent.Type.Resize and watched is self.window
              and self.cover is not None):
            self.cover.setGeometry(self.window.rect())
        return False

    def lock(self) -> None:
        if self.is_locked:
            return
        cover = QWidget(self.window)
        cover.setAutoFillBackground(True)
        cover.setStyleSheet("background-color: #2b2b2b;")
        cover.setGeometry(self.window.rect())
        cover.show()
        cover.raise_()
        self.cover = cover
        self.dialog = UnlockDialog(self.accounts, self.actor, self.taskman, self.window)
        self.dialog.accepted.connect(self._unlock)
        self.dialog.open()
        self.dialog.password.setFocus()
        self.locked.emit()

    def _unlock(self) -> None:
        if self.cover is not None:
            self.cover.deleteLater()
            self.cover = None
        self.dialog = None
        if self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        self.unlocked.emit()
