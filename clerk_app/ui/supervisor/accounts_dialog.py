"""Account management (账号管理): create, disable/enable, reset a password; role and window.

Only the service decides who may do this (Permission.MANAGE_ACCOUNTS); a refusal comes back
as a message here, like any other problem the user can fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.supervision.accounts import AccountInfo, AccountService
from clerk_app.ui.supervisor.models import accounts_model
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    return field


class AccountsDialog(QDialog):
    """The accounts of this station, and the three things done to them."""

    def __init__(self, accounts: AccountService, actor: Actor, taskman: TaskManager,
                 window_names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts, self.actor, self.taskman = accounts, actor, taskman
        self.setWindowTitle(_("账号管理"))
        layout = QVBoxLayout(self)
        self.model = accounts_model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.toggle_button = QPushButton(_("停用 / 启用所选账号(&D)"))
        actions.addWidget(self.toggle_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self._create_box(window_names))
        layout.addWidget(self._reset_box())
        self.message = MessageLine()
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.resize(720, 620)
        self.reload()

    def _create_box(self, window_names: Sequence[str]) -> QGroupBox:
        box = QGroupBox(_("新建账号"))
        form = QFormLayout(box)
        self.new_username = QLineEdit()
        self.new_username.setMaxLength(40)
        self.new_name = QLineEdit()
        self.new_role = QComboBox()
        for role in Role:
            self.new_role.addItem(role.label, role.value)
        self.new_window = QComboBox()
        self.new_window.setEditable(True)
        self.new_window.addItems(["", *window_names])
        self.new_password = password_field()
        self.new_password_again = password_field()
        self.create_button = QPushButton(_("新建(&N)"))
        form.addRow(_("用户名"), self.new_username)
        form.addRow(_("姓名"), self.new_name)
        form.addRow(_("角色"), self.new_role)
        form.addRow(_("窗口"), self.new_window)
        form.addRow(_("初始密码"), self.new_password)
        form.addRow(_("再次输入"), self.new_password_again)
        form.addRow("", self.create_button)
        self.create_button.clicked.connect(self.create_account)
        return box

    def _reset_box(self) -> QGroupBox:
        box = QGroupBox(_("重置所选账号的密码（同时解除锁定）"))
        row = QHBoxLayout(box)
        self.reset_password = password_field()
        self.reset_button = QPushButton(_("重置密码(&R)"))
        row.addWidget(self.reset_password, 1)
        row.addWidget(self.reset_button)
        self.reset_button.clicked.connect(self.reset_selected)
        return box

    # -- actions ----------------------------------------------------------------------------

    def selected(self) -> AccountInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def reload(self) -> None:
        self.taskman.read(lambda: self.accounts.list_accounts(self.actor),
                          on_success=self.model.set_items, on_error=self._failed,
                          context=_("读取账号"))

    def _run(self, job: Callable[[], Any], done: str, context: str) -> None:
        self.message.show_note(_("正在处理……"))

        def finished(_result: object) -> None:
            self.message.show_ok(done)
            self.reload()

        self.taskman.write(job, on_success=finished, on_error=self._failed, context=context)

    def create_account(self) -> None:
        username, name = self.new_username.text().strip(), self.new_name.text().strip()
        password = self.new_password.text()
        if password != self.new_password_again.text():
            self.message.show_error(_("两次输入的密码不一致"))
            return
        role = Role(self.new_role.currentData())
        window = self.new_window.currentText().strip()
        self._run(lambda: self.accounts.create(self.actor, username, name, password, role,
                                               window),
                  _("已新建账号「{u}」").format(u=username), _("新建账号"))
        self.new_password.clear()
        self.new_password_again.clear()

    def toggle_selected(self) -> None:
        account = self.selected()
        if account is None:
            self.message.show_error(_("请先在上面的列表中选择账号"))
            return
        active = not account.active
        done = _("已启用「{u}」") if active else _("已停用「{u}」")
        self._run(lambda: self.accounts.set_active(self.actor, account.username, active),
                  done.format(u=account.username), _("停用或启用账号"))

    def reset_selected(self) -> None:
        account = self.selected()
        if account is None:
            self.message.show_error(_("请先在上面的列表中选择账号"))
            return
        password = self.reset_password.text()
        self._run(lambda: self.accounts.reset_password(self.actor, account.username, password),
                  _("已重置「{u}」的密码").format(u=account.username), _("重置密码"))
        self.reset_password.clear()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, (ValueError, PermissionError)):
            self.message.show_error(str(exc))
        else:
            self.message.clear_message()
