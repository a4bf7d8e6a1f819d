"""First start (首次启动): the station setup and the administrator account, in one dialog.

Submitting makes the data key, the key file and the encrypted database off the GUI thread
(clerk_app/services/station_access.py `set_up`); `opened` then holds the services, the
administrator and the recovery code to show once.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.settings import CentreSettings, validate_settings
from clerk_app.services.station.station_access import Opened, set_up
from clerk_app.ui.station.start_worker import StartWorker, start_error_text
from clerk_app.ui.widgets import MessageLine, plain_label

DEFAULT_WINDOWS = "社会保障、民生事务、综合服务"


def split_windows(text: str) -> tuple[str, ...]:
    """Window names typed as 社会保障、民生事务 (or with commas, semicolons or spaces)."""
    return tuple(part for part in (p.strip() for p in re.split(r"[、,，;；\s]+", text)) if part)


class SetupDialog(QDialog):
    """Centre name, region and station codes, windows; the administrator's account."""

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.opened: Opened | None = None
        self.actor: Actor | None = None
        self.worker = StartWorker(self)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.setWindowTitle(_("首次使用：站点设置"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("本机第一次使用，请填写站点信息并创建管理员账号。办件编号由"
                                       "“行政区划代码 + 站点编码”开头，同一区划内各站点编码不得重复。"),
                                     wrap=True))
        station = QGroupBox(_("站点"))
        form = QFormLayout(station)
        self.centre_name = QLineEdit()
        self.centre_name.setPlaceholderText(_("如：青石镇便民服务中心"))
        self.region_code = QLineEdit()
        self.region_code.setPlaceholderText(_("6位数字，如 510104"))
        self.region_code.setMaxLength(6)
        self.station_code = QLineEdit()
        self.station_code.setPlaceholderText(_("3位数字，如 001"))
        self.station_code.setMaxLength(3)
        self.windows = QLineEdit(DEFAULT_WINDOWS)
        self.address = QLineEdit()
        self.phone = QLineEdit()
        form.addRow(_("中心名称(&C)"), self.centre_name)
        form.addRow(_("行政区划代码(&R)"), self.region_code)
        form.addRow(_("站点编码(&S)"), self.station_code)
        form.addRow(_("窗口（用顿号分隔）(&W)"), self.windows)
        form.addRow(_("中心地址"), self.address)
        form.addRow(_("咨询电话"), self.phone)
        layout.addWidget(station)
        admin = QGroupBox(_("管理员账号"))
        admin_form = QFormLayout(admin)
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("字母或数字，如 admin"))
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("至少8位，须同时包含字母和数字"))
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        admin_form.addRow(_("用户名(&U)"), self.username)
        admin_form.addRow(_("姓名(&N)"), self.display_name)
        admin_form.addRow(_("密码(&P)"), self.password)
        admin_form.addRow(_("再次输入密码"), self.password_again)
        layout.addWidget(admin)
        self.errors = MessageLine()
        layout.addWidget(self.errors)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("完成设置 (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 0)

    def settings(self) -> CentreSettings:
        return CentreSettings(
            centre_name=self.centre_name.text().strip(),
            region_code=self.region_code.text().strip(),
            station_code=self.station_code.text().strip(),
            window_names=split_windows(self.windows.text()) or CentreSettings().window_names,
            address=self.address.text().strip(), phone=self.phone.text().strip())

    def _submit(self) -> None:
        settings = self.settings()
        problems = validate_settings(settings)
        if not self.username.text().strip():
            problems.append(_("请填写管理员用户名"))
        if not self.display_name.text().strip():
            problems.append(_("请填写管理员姓名"))
        if self.password.text() != self.password_again.text():
            problems.append(_("两次输入的密码不一致"))
        if problems:
            self.errors.show_error("\n".join(problems))
            return
        self.buttons.setEnabled(False)
        self.errors.show_note(_("正在生成数据密钥并建立加密数据库……"))
        username, name, password = (self.username.text(), self.display_name.text(),
                                    self.password.text())
        config = self.config
        self.worker.start(lambda progress: set_up(config, settings, username, name, password,
                                                  progress=progress))

    def _done(self, opened: object) -> None:
        assert isinstance(opened, Opened)
        self.opened = opened
        self.actor = opened.actor
        self.accept()

    def _failed(self, exc: object) -> None:
        self.buttons.setEnabled(True)
        self.errors.show_error(start_error_text(exc))
