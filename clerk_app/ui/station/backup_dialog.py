"""备份与恢复: back up now (to backups/ or a file of one's choice), where automatic backups go
(a second folder such as a USB stick), how many are kept, the free-space warning, and how to
restore. Every file and database step runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.backup import BackupResult, BackupService
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.store.backup import MANUAL, SUFFIX
from clerk_app.store.faults import known_fault
from clerk_app.ui.qt_locale import documents_dir
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.widgets import MessageLine, plain_label


def save_backup_settings(config: Config, mirror: str, keep_daily: int, keep_pre_migration: int,
                         free_space_mb: int) -> None:
    """Write the backup settings to settings.json."""
    config.backup_mirror_dir = mirror
    config.backup_keep_daily = keep_daily
    config.backup_keep_pre_migration = keep_pre_migration
    config.free_space_warning_mb = free_space_mb
    config.save()


class BackupDialog(QDialog):
    """Back up now, and the settings of automatic backups (the latter for administrators)."""

    def __init__(self, backups: BackupService, actor: Actor, taskman: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = backups
        self.config = backups.ctx.config
        self.actor = actor
        self.taskman = taskman
        self.setWindowTitle(_("备份与恢复"))
        self.setMinimumWidth(560)
        self.may_edit = allowed(actor, Permission.SETTINGS)
        config = self.config
        sealed = backups.ctx.db.key is not None
        self.mirror = QLineEdit(config.backup_mirror_dir)
        self.mirror.setPlaceholderText(_("可选：如U盘上的文件夹；未插入时只提醒，不影响本机备份"))
        browse = QPushButton(_("浏览…"))
        browse.clicked.connect(self._choose_mirror)
        mirror_row = QHBoxLayout()
        mirror_row.addWidget(self.mirror, 1)
        mirror_row.addWidget(browse)
        self.keep_daily = self._spin(1, 90, config.backup_keep_daily)
        self.keep_pre_migration = self._spin(1, 30, config.backup_keep_pre_migration)
        self.free_space = self._spin(0, 100_000, config.free_space_warning_mb, step=100)
        self.free_space.setSuffix(" MB")
        form = QFormLayout()
        form.addRow(_("本机备份文件夹"), plain_label(str(backups.folder), wrap=True))
        form.addRow(_("备份加密"), plain_label(
            _("用本站密钥加密（只能恢复到持有同一密钥的本站）") if sealed
            else _("本站数据未加密，备份也未加密"), wrap=True))
        form.addRow(_("第二备份位置"), mirror_row)
        form.addRow(_("保留每日备份（份）"), self.keep_daily)
        form.addRow(_("保留升级前备份（份）"), self.keep_pre_migration)
        form.addRow(_("磁盘空间提醒阈值"), self.free_space)
        self.message = MessageLine()
        self.back_up_button = QPushButton(_("立即备份(&B)"))
        self.back_up_button.clicked.connect(lambda: self.back_up(None))
        self.save_as_button = QPushButton(_("另存备份到…(&A)"))
        self.save_as_button.clicked.connect(self._choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存设置"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.addButton(self.back_up_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_as_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not self.may_edit:
            layout.addWidget(plain_label(_("只有管理员可以修改备份设置；任何人都可以立即备份。"),
                                         wrap=True))
            for widget in (self.mirror, browse, self.keep_daily, self.keep_pre_migration,
                           self.free_space, self.save_button):
                widget.setEnabled(False)
        layout.addWidget(plain_label(_(
            "每日自动备份：程序启动约一分钟后及之后每小时检查，最近一份超过一天即备份；"
            "升级数据结构前和恢复前也会自动备份。\n"
            "恢复：请先关闭本程序，再由管理员在命令行运行 python main.py --user 管理员账号 "
            "restore 备份文件。恢复前会校验备份文件（加密、完整性、审计记录哈希链），"
            "恢复成功前原数据库保持不动。"), wrap=True))
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int, step: int = 1) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setValue(value)
        return spin

    def _choose_mirror(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("选择第二备份位置"), self.mirror.text() or documents_dir())
        if folder:
            self.mirror.setText(folder)

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("另存备份"), str(Path(documents_dir()) / f"clerk-backup{SUFFIX}"),
            _("Clerk 备份 (*{suffix})").format(suffix=SUFFIX))
        if path:
            self.back_up(Path(path if path.endswith(SUFFIX) else path + SUFFIX))

    def back_up(self, out: Path | None) -> None:
        """Write a backup on a reader (the copy never holds the write lock), then record it."""
        self.back_up_button.setEnabled(False)
        self.save_as_button.setEnabled(False)
        self.message.show_note(_("正在备份……"))
        backups = self.backups
        self.taskman.read(lambda: backups.write_file(MANUAL, out), on_success=self._written,
                          on_error=self._failed, context=_("立即备份"))

    def _written(self, result: BackupResult) -> None:
        backups, actor = self.backups, self.actor
        self.taskman.write(lambda: backups.record(actor, result), context=_("记录备份"))
        self.back_up_button.setEnabled(True)
        self.save_as_button.setEnabled(True)
        head = result.header.audit_head
        done = _("备份完成：{path}（审计记录至第 {seq} 条）").format(
            path=result.path, seq=head["seq"] if head else 0)
        if result.warning:
            self.message.show_error(done + "\n" + result.warning)
        else:
            self.message.show_ok(done)

    def _failed(self, exc: Exception) -> None:
        self.back_up_button.setEnabled(True)
        self.save_as_button.setEnabled(True)
        fault = known_fault(exc)
        self.message.show_error(_("备份未完成：{why}").format(
            why=fault.short if fault else _("程序出错，已记录在日志中")))

    def save(self) -> None:
        """Save the settings (settings.json, off the GUI thread)."""
        if not self.may_edit:
            return
        mirror = self.mirror.text().strip()
        values = (mirror, self.keep_daily.value(), self.keep_pre_migration.value(),
                  self.free_space.value())
        config = self.config

        def write() -> bool:
            save_backup_settings(config, *values)
            return not mirror or Path(mirror).is_dir()

        def saved(there: bool) -> None:
            self.message.show_ok(_("备份设置已保存") if there else _(
                "备份设置已保存；第二备份位置现在不存在（U盘未插入？），插入后自动使用。"))

        self.taskman.write(write, on_success=saved, context=_("保存备份设置"))
