"""Sign-in (登录) with a local account; the service's messages (wrong password, lockout) shown."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.accounts import AccountService
from clerk_app.services.context import Actor
from clerk_app.ui.errors import is_user_error, problems_of
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label


class LoginDialog(QDialog):
    """Username and password; `actor` is set when the dialog is accepted."""

    def __init__(self, accounts: AccountService, taskman: TaskManager, centre_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.taskman = taskman
        self.actor: Actor | None = None
        self.setWindowTitle(_("登录 — 窗口受理"))
        layout = QVBoxLayout(self)
        heading = plain_label(centre_name or _("窗口受理客户端"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("用户名(&U)"), self.username)
        form.addRow(_("密码(&P)"), self.password)
        layout.addLayout(form)
        self.error = MessageLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("登录 (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(400, 0)

    def _submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.error.show_error(_("请输入用户名和密码"))
            return
        self.buttons.setEnabled(False)
        self.error.show_note(_("正在登录……"))
        self.taskman.write(lambda: self.accounts.sign_in(username, password),
                           on_success=self._signed_in, on_error=self._failed,
                           context=_("登录"))

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if is_user_error(exc):
            self.error.show_error("\n".join(problems_of(exc)))
        else:
            self.error.clear_message()
