"""平台连接设置: the platform address, an optional CA bundle, and station registration.

The address and CA bundle are machine settings (settings.json); the environment variable
CLERK_PLATFORM_URL overrides the address, and the dialog says so. Registration sends the
one-time key on the sync worker's thread; the outcome comes back as a message. Only a role
allowed to change the centre's settings may save or register.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.sync.transport import address_problem, parse_pins
from clerk_app.ui.qt_locale import documents_dir
from clerk_app.ui.station.sync_worker import SyncClient
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label

ENV_URL = "CLERK_PLATFORM_URL"


def url_problem(url: str) -> str:
    """What is wrong with a platform address, in Chinese ("" when usable or empty): plain
    http:// is refused except for loopback (clerk_app/sync/transport.py)."""
    return address_problem(url)


def save_platform_settings(config: Config, url: str, ca_bundle: str,
                           pins: str | None = None) -> None:
    """Write the address, CA bundle and pins to settings.json (an env override stays)."""
    config.platform_url = url
    config.ca_bundle = ca_bundle
    if pins is not None:
        config.platform_pins = pins
    config.save()
    override = os.environ.get(ENV_URL)
    if override:
        config.platform_url = override


class PlatformSettingsDialog(QDialog):
    """Platform address, CA bundle, and registering the station with a key."""

    def __init__(self, config: Config, sync: SyncClient, taskman: TaskManager, actor: Actor,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.sync = sync
        self.taskman = taskman
        self.setWindowTitle(_("平台连接设置"))
        self.setMinimumWidth(520)
        self.may_edit = allowed(actor, Permission.SETTINGS)
        override = os.environ.get(ENV_URL)
        self.url = QLineEdit(config.platform_url)
        self.url.setPlaceholderText("https://zwfw.example.gov.cn")
        self.ca_bundle = QLineEdit(config.ca_bundle)
        self.ca_bundle.setPlaceholderText(_("留空则使用系统证书"))
        browse = QPushButton(_("浏览…"))
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        self.pins = QLineEdit(config.platform_pins)
        self.pins.setPlaceholderText(_("可选：平台证书公钥的 SHA-256（base64），多个用逗号分隔"))
        self.key = QLineEdit()
        self.key.setPlaceholderText(_("平台管理员提供的一次性注册码，如 ABCD-EFGH-…"))
        self.register_button = QPushButton(_("注册站点"))
        self.register_button.clicked.connect(self.register)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.register_button)
        form = QFormLayout()
        form.addRow(_("平台地址"), self.url)
        form.addRow(_("CA 证书文件"), ca_row)
        form.addRow(_("证书公钥指纹"), self.pins)
        form.addRow(_("注册码"), key_row)
        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if override:
            layout.addWidget(plain_label(_("注意：环境变量 {name} 指定了平台地址（{url}），"
                                           "它优先于此处保存的地址。").format(
                name=ENV_URL, url=override), wrap=True))
        if not self.may_edit:
            layout.addWidget(plain_label(_("只有管理员或中心负责人可以修改平台连接设置。"),
                                         wrap=True))
            for widget in (self.url, self.ca_bundle, self.pins, self.key, browse,
                           self.register_button, self.save_button):
                widget.setEnabled(False)
        layout.addWidget(plain_label(_("提示：站点的接入凭证与办件数据一起加密保存在本机数据库中。"
                                       "填写证书公钥指纹后，只有持有该公钥的平台才能收到数据。"),
                                     wrap=True))
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        sync.registered.connect(self._registered)

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("选择 CA 证书文件"), self.ca_bundle.text() or documents_dir(), _("证书 (*.pem *.crt *.cer);;所有文件 (*)"))
        if path:
            self.ca_bundle.setText(path)

    def _checked(self) -> tuple[str, str] | None:
        url, ca = self.url.text().strip(), self.ca_bundle.text().strip()
        problem = url_problem(url)
        if not problem and ca and not Path(ca).is_file():
            problem = _("找不到 CA 证书文件：{path}").format(path=ca)
        if not problem:
            try:
                parse_pins(self.pins.text())
            except ValueError as exc:
                problem = str(exc)
        if problem:
            self.message.show_error(problem)
            return None
        return url, ca

    def save(self, then_register: bool = False) -> None:
        """Save the address and CA bundle (off the GUI thread), then tell the worker."""
        checked = self._checked()
        if checked is None or not self.may_edit:
            self.register_button.setEnabled(self.may_edit)
            return
        url, ca = checked
        key = self.key.text().strip() if then_register else ""

        def saved(_result: object) -> None:
            self.sync.refresh_state()
            if key:
                self.message.show_note(_("正在向平台注册本站点…"))
                self.sync.register_station(key)
            else:
                self.message.show_ok(_("已保存"))

        pins = ", ".join(sorted(parse_pins(self.pins.text())))
        self.taskman.write(lambda: save_platform_settings(self.config, url, ca, pins),
                           on_success=saved, context=_("保存平台连接设置"))

    def register(self) -> None:
        """Save, then register with the key typed."""
        if not self.key.text().strip():
            self.message.show_error(_("请填写平台管理员提供的注册码"))
            return
        if not self.url.text().strip() and not os.environ.get(ENV_URL):
            self.message.show_error(_("请先填写平台地址"))
            return
        self.register_button.setEnabled(False)
        self.save(then_register=True)

    def _registered(self, ok: bool, message: str) -> None:
        self.register_button.setEnabled(self.may_edit)
        if ok:
            self.key.clear()
            self.message.show_ok(message)
        else:
            self.message.show_error(message)
