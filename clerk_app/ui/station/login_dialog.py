"""Sign-in (登录) with a local account; the service's messages (wrong password, lockout) shown.

At start (`config` given) the password first unwraps the account's copy of the data key
(argon2id, off the GUI thread) and opens the encrypted database; a plain database of an
earlier version is converted after an administrator's sign-in, with its progress shown.
In a running session (idle lock, switch user) it signs in on the open database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.station_state import forget_unlock_ahead
from clerk_app.ui.station.start_worker import StartWorker, start_error_text
from clerk_app.ui.station.unlock_ahead import UnlockAhead
from clerk_app.ui.station.warm_up import sign_in_at_start
from clerk_app.ui.widgets import MessageLine, plain_label

if TYPE_CHECKING:  # the database layer loads on a worker while this dialog waits (warm_up.py)
    from clerk_app.services.station.context import Actor
    from clerk_app.services.station.station_access import Opened
    from clerk_app.services.supervision.accounts import AccountService
    from clerk_app.ui.taskman import TaskManager

NOTE_WIDTH = 500
STAGES = {"export": _("正在加密本站数据"), "verify": _("正在校验加密后的数据库"),
          "swap": _("正在替换数据库文件"), "shred": _("正在清除未加密的旧文件"),
          "backups": _("正在清除未加密的旧备份"), "done": _("数据加密完成")}


class LoginDialog(QDialog):
    """Username and password; `actor` is set when the dialog is accepted."""

    def __init__(self, accounts: AccountService | None, taskman: TaskManager | None,
                 centre_name: str = "", parent: QWidget | None = None, *,
                 config: Config | None = None, converting: bool = False) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.taskman = taskman
        self.config = config
        self.actor: Actor | None = None
        self.opened: Opened | None = None
        self.setWindowTitle(_("登录 — 窗口受理"))
        layout = QVBoxLayout(self)
        heading = plain_label(centre_name or _("窗口受理客户端"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        if converting:
            note = plain_label(_(
                "本版本起本站数据加密保存。请管理员登录：登录后将加密现有数据，数据多时需要几分钟，"
                "期间请勿关机。其他账号需管理员在「账号管理」中重置密码后才能登录。"), wrap=True)
            note.setMinimumHeight(note.heightForWidth(NOTE_WIDTH))  # top-level: no hfw layout
            layout.addWidget(note)
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
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("登录 (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.recover_button: QPushButton | None = None
        if config is not None and not converting:
            self.recover_button = self.buttons.addButton(
                _("用恢复码找回(&R)…"), QDialogButtonBox.ButtonRole.ActionRole)
            self.recover_button.setAutoDefault(False)
            self.recover_button.clicked.connect(self._recover)
        layout.addWidget(self.buttons)
        self.worker = StartWorker(self)
        self.worker.done.connect(self._opened)
        self.worker.failed.connect(self._start_failed)
        self.worker.progress.connect(self._progress)
        self.resize(NOTE_WIDTH + 40 if converting else 440, 0)
        # at start, the key is derived as the clerk types (unlock_ahead.py)
        self.ahead = UnlockAhead(config) if config is not None and not converting else None
        if self.ahead is not None:
            self.username.textEdited.connect(self._typed)
            self.password.textEdited.connect(self._typed)

    def _typed(self) -> None:
        if self.ahead is not None:
            self.ahead.typed(self.username.text(), self.password.text())

    def _submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.error.show_error(_("请输入用户名和密码"))
            return
        self.buttons.setEnabled(False)
        self.error.show_note(_("正在登录……"))
        if self.config is not None:
            config = self.config
            if self.ahead is not None:
                self.ahead.stop()
            self.worker.start(lambda progress: sign_in_at_start(config, username, password,
                                                                progress))
            return
        assert self.accounts is not None and self.taskman is not None
        accounts = self.accounts
        self.taskman.write(lambda: accounts.sign_in(username, password),
                           on_success=self._signed_in, on_error=self._failed,
                           context=_("登录"))

    def _opened(self, opened: object) -> None:
        from clerk_app.services.station.station_access import Opened  # loaded by the task

        assert isinstance(opened, Opened)
        forget_unlock_ahead()
        self.opened = opened
        self._signed_in(opened.actor)

    def _start_failed(self, exc: object) -> None:
        forget_unlock_ahead()
        if self.ahead is not None:
            self.ahead.restart()
        self.progress.hide()
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.error.show_error(start_error_text(exc))

    def _progress(self, stage: str, fraction: float) -> None:
        self.progress.show()
        self.progress.setValue(int(fraction * 100))
        self.error.show_note(STAGES.get(stage, stage))

    def _recover(self) -> None:
        from clerk_app.ui.station.recovery_dialog import RecoverDialog

        assert self.config is not None
        dialog = RecoverDialog(self.config, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.opened is not None:
            self._opened(dialog.opened)

    def reject(self) -> None:  # never leave while the key is being unwrapped or data converted
        if not self.worker.running:
            if self.ahead is not None:
                self.ahead.stop()
            forget_unlock_ahead()
            super().reject()

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: Exception) -> None:
        from clerk_app.ui.errors import is_user_error, problems_of  # a session: loaded

        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if is_user_error(exc):
            self.error.show_error("\n".join(problems_of(exc)))
        else:
            self.error.clear_message()
