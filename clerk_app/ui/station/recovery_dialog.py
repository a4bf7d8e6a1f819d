"""The recovery code: shown once after setup or conversion, and typed back to regain access (找回)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.station_access import Opened, recover
from clerk_app.ui.station.start_worker import StartWorker, start_error_text
from clerk_app.ui.widgets import MessageLine, plain_label


class RecoveryCodeDialog(QDialog):
    """The code in large letters; closes only after 已抄写 is ticked."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("恢复码 — 只显示这一次"))
        layout = QVBoxLayout(self)
        note = plain_label(_(
            "本站数据已加密保存。如果全部管理员都忘记了密码，只有这个恢复码能找回本站数据。"
            "请现在抄写两份，交乡镇（中心）负责人保管，不要存放在这台电脑上或拍照上传。"
            "恢复码不区分大小写，不含容易混淆的 0、O、1、I、L、U。"), wrap=True)
        note.setMinimumHeight(note.heightForWidth(640))
        layout.addWidget(note)
        self.code = QLabel(code.replace("-", " - "))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.8)
        font.setWeight(QFont.Weight.Bold)
        self.code.setFont(font)
        layout.addWidget(self.code)
        self.setMinimumWidth(max(680, self.code.sizeHint().width() + 60))
        self.copied = QCheckBox(_("我已抄写恢复码，并核对无误(&C)"))
        layout.addWidget(self.copied)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("已抄写"))
        self.ok.setEnabled(False)
        self.copied.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.copied.setFocus()

    def reject(self) -> None:  # Esc or the close box: only once the code is copied
        if self.copied.isChecked():
            self.accept()


class RecoverDialog(QDialog):
    """Recovery code + an administrator's user name + a new password; `opened` on success."""

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.opened: Opened | None = None
        self.setWindowTitle(_("用恢复码找回"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_(
            "输入设置本站时打印的恢复码，为一个管理员账号设置新密码。找回会记入审计日志。"),
            wrap=True))
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("至少8位，须同时包含字母和数字"))
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("恢复码(&R)"), self.code)
        form.addRow(_("管理员用户名(&U)"), self.username)
        form.addRow(_("新密码(&P)"), self.password)
        form.addRow(_("再次输入新密码"), self.password_again)
        layout.addLayout(form)
        self.error = MessageLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("找回并登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.worker = StartWorker(self)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.resize(520, 0)

    def _submit(self) -> None:
        code, user = self.code.text().strip(), self.username.text().strip()
        password = self.password.text()
        if not code or not user or not password:
            self.error.show_error(_("请填写恢复码、管理员用户名和新密码"))
            return
        if password != self.password_again.text():
            self.error.show_error(_("两次输入的密码不一致"))
            return
        self.buttons.setEnabled(False)
        self.error.show_note(_("正在核对恢复码……"))
        config = self.config
        self.worker.start(lambda _progress: recover(config, code, user, password))

    def _done(self, opened: object) -> None:
        assert isinstance(opened, Opened)
        self.opened = opened
        self.accept()

    def _failed(self, exc: object) -> None:
        self.buttons.setEnabled(True)
        self.error.show_error(start_error_text(exc))
