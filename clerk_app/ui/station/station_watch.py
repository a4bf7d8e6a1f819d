"""Housekeeping of the open window, off the GUI thread: the daily backup when one is due and
the free-space warning, a minute after start and then every hour."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from clerk_app.app import Services
from clerk_app.i18n import _
from clerk_app.services.station.backup import BackupResult, BackupService
from clerk_app.services.station.context import Actor
from clerk_app.store.faults import known_fault, low_space_warning
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.taskman import TaskManager

log = logging.getLogger(__name__)

FIRST_CHECK_MS = 60_000  # let the window settle first
EVERY_MS = 3_600_000


class StationWatch(QObject):
    """Runs `check` a minute after start and hourly; says what it found in the status bar
    (and once in a message when the disk runs low)."""

    def __init__(self, services: Services, actor: Actor, taskman: TaskManager,
                 reporter: ErrorReporter, say: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = services.ctx.config
        self.backups = BackupService(services.ctx)
        self.actor = actor
        self.taskman = taskman
        self.reporter = reporter
        self.say = say
        self.space_warning = ""  # the words shown last ("" while there is room)
        self.last_backup: BackupResult | None = None
        self.first = QTimer(self, singleShot=True)
        self.first.timeout.connect(self.check)
        self.timer = QTimer(self, interval=EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self, first_after_ms: int = FIRST_CHECK_MS) -> None:
        self.first.start(first_after_ms)
        self.timer.start()

    def check(self) -> None:
        config = self.config
        self.taskman.read(lambda: low_space_warning(config.data_dir, config.free_space_warning_mb),
                          on_success=self._space_checked, context=_("检查磁盘剩余空间"))
        self.taskman.read(self.backups.daily_file_if_due, on_success=self._backed_up,
                          on_error=self._backup_failed, context=_("每日自动备份"))

    def _space_checked(self, words: str) -> None:
        if words and not self.space_warning:
            self.reporter.message(_("磁盘空间不足"), [words])
        if words:
            self.say(words)
        self.space_warning = words

    def _backed_up(self, result: BackupResult | None) -> None:
        if result is None:
            return
        self.last_backup = result
        backups, actor = self.backups, self.actor
        self.taskman.write(lambda: backups.record(actor, result), context=_("记录每日备份"))
        self.say(result.warning or _("已完成每日自动备份"))

    def _backup_failed(self, exc: Exception) -> None:
        fault = known_fault(exc)
        self.say(_("每日自动备份未完成：{why}").format(
            why=fault.short if fault else _("程序出错，已记录在日志中")))
