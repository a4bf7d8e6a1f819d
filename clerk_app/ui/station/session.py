"""The signed-in session of the main window: change own password, switch user, log out, quit.

修改密码 calls `AccountService.change_own_password` (which re-wraps the user's own copy of the
data key); 切换用户 and 注销 sign another user in with `AccountService.sign_in` (off the GUI
thread: the password hash is deliberately slow) and replace the main window with one for that
user, on the same services, task manager and sync worker. Leaving with an intake still open
(Ctrl+Q, 切换用户, 注销) asks first: the draft is kept either way, but the clerk should know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.accounts import AccountService
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

if TYPE_CHECKING:
    from clerk_app.ui.main_window import MainWindow

Asker = Callable[[QWidget, str, str], bool]


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """A window-modal question with Chinese buttons; No is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(_("确定"))
    box.button(QMessageBox.StandardButton.No).setText(_("取消"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


class ChangePasswordDialog(QDialog):
    """The signed-in user's own password: the old one, the new one twice."""

    def __init__(self, accounts: AccountService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts, self.actor, self.taskman = accounts, actor, taskman
        self.changed = False
        self.setWindowTitle(_("修改密码"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("用户：{name}（{user}）").format(
            name=actor.display_name, user=actor.username)))
        form = QFormLayout()
        self.old, self.new, self.again = _password_edit(), _password_edit(), _password_edit()
        form.addRow(_("原密码(&O)"), self.old)
        form.addRow(_("新密码(&N)"), self.new)
        form.addRow(_("再次输入新密码(&R)"), self.again)
        layout.addLayout(form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(_("修改"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        old, new = self.old.text(), self.new.text()
        if not old or not new:
            self.message.show_error(_("请填写原密码和新密码"))
            return
        if new != self.again.text():
            self.message.show_error(_("两次输入的新密码不一致"))
            self.again.selectAll()
            self.again.setFocus()
            return
        self.ok.setEnabled(False)
        self.message.show_note(_("正在修改……"))
        self.taskman.write(lambda: self.accounts.change_own_password(self.actor, old, new),
                           on_success=lambda _none: self._done(), on_error=self._failed,
                           context=_("修改密码"))

    def _done(self) -> None:
        self.changed = True
        self.message.show_ok(_("密码已修改，下次登录请使用新密码"))
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        if is_user_error(exc):
            self.message.show_error("\n".join(problems_of(exc)))
            self.old.selectAll()
            self.old.setFocus()
        else:
            self.message.clear_message()


class SwitchUserDialog(QDialog):
    """Another user signs in on this station (the data stays open)."""

    def __init__(self, accounts: AccountService, taskman: TaskManager, *, logging_out: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts, self.taskman = accounts, taskman
        self.actor: Actor | None = None
        self.setWindowTitle(_("登录") if logging_out else _("切换用户"))
        layout = QVBoxLayout(self)
        if logging_out:
            layout.addWidget(plain_label(_("已注销。请登录，或按“退出”关闭程序。")))
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.password = _password_edit()
        form.addRow(_("用户名(&U)"), self.username)
        form.addRow(_("密码(&P)"), self.password)
        layout.addLayout(form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(_("登录"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("退出") if logging_out else _("取消"),
                          QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.show_error(_("请输入用户名和密码"))
            return
        self.ok.setEnabled(False)
        self.message.show_note(_("正在核对……"))
        self.taskman.write(lambda: self.accounts.sign_in(username, password),
                           on_success=self._signed_in, on_error=self._failed,
                           context=_("登录"))

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        if is_user_error(exc):
            self.message.show_error("\n".join(problems_of(exc)))
            self.password.selectAll()
            self.password.setFocus()
        else:
            self.message.clear_message()


class Session(QObject):
    """修改密码, 切换用户, 注销 and 退出 for `window`.

    `ask(parent, title, text) -> bool` asks for a confirmation (replaceable in tests);
    `replaced(new_window)` is called with the window of the user who signed in.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ask: Asker = ask_yes_no
        self.replaced: Callable[[MainWindow], None] = lambda _window: None
        self.dialog: QDialog | None = None  # the dialog on screen (tests look at it)

    # -- leaving --------------------------------------------------------------------------

    def intake_open(self) -> bool:
        """An intake is on screen and not confirmed yet."""
        return bool(self.window.page.loaded and not self.window.controller.done)

    def may_leave(self, what: str) -> bool:
        """Ask before leaving an open intake (its draft is kept in any case)."""
        if not self.intake_open():
            return True
        return self.ask(self.window, what, _(
            "正在录入的办件尚未确认。草稿已自动保存，下次登录后可在“未完成的草稿”中继续。\n"
            "确定要{what}吗？").format(what=what))

    def quit(self) -> None:
        """Ctrl+Q / 退出."""
        if self.may_leave(_("退出")):
            self.window.leaving_asked = True
            self.window.close()

    # -- password -------------------------------------------------------------------------

    def change_password(self) -> ChangePasswordDialog:
        window = self.window
        dialog = ChangePasswordDialog(window.services.accounts, window.actor, window.taskman,
                                      window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._show(dialog)
        return dialog

    # -- another user ---------------------------------------------------------------------

    def switch_user(self, *, logging_out: bool = False) -> SwitchUserDialog | None:
        """切换用户 (the window stays if nobody signs in) or 注销 (the program ends if nobody
        signs in)."""
        what = _("注销") if logging_out else _("切换用户")
        if not self.may_leave(what):
            return None
        window = self.window
        dialog = SwitchUserDialog(window.services.accounts, window.taskman,
                                  logging_out=logging_out, parent=window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        central = window.centralWidget()
        if logging_out and central is not None:
            central.setEnabled(False)  # nothing of the last user's on hand
        dialog.finished.connect(lambda _code: self._after_sign_in(dialog, logging_out))
        self._show(dialog)
        return dialog

    def _after_sign_in(self, dialog: SwitchUserDialog, logging_out: bool) -> None:
        actor = dialog.actor
        window = self.window
        if actor is None:
            if logging_out:
                window.leaving_asked = True
                window.close()
            return
        self.replaced(replace_window(window, actor))

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.destroyed.connect(lambda *_args: setattr(self, "dialog", None))
        dialog.open()


def replace_window(old: MainWindow, actor: Actor) -> MainWindow:
    """A main window for `actor` on the same services, tasks and sync; the old one closes.

    The new window is shown before the old one closes, so the application does not end."""
    from clerk_app.ui.main_window import MainWindow
    from clerk_app.ui.supervisor import IdleLock

    new = MainWindow(old.services, actor, taskman=old.taskman, reporter=old.reporter,
                     settings=old.settings, sync=getattr(old, "sync", None))
    # the task manager lives on: whoever owned it (the old window in tests) hands it over
    new._owns_taskman, old._owns_taskman = old._owns_taskman, False
    for lock in old.findChildren(IdleLock):
        IdleLock(new, old.services.accounts, actor, old.taskman,
                 lock.interval_ms / 60_000).install()
        lock.uninstall()
    if old.isMaximized():
        new.showMaximized()
    else:
        new.resize(old.size())
        new.show()
    new.activateWindow()
    old.leaving_asked = True
    old.close()
    new.offer_drafts()
    return new
