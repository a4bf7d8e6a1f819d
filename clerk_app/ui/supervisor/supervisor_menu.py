"""The 管理 menu of the main window: the supervisor's screen, accounts and AB岗.

Entries are shown to every role; roles without the permission get the service's refusal in
words (a hidden button is not a permission), and the entries are disabled for them as a hint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QVBoxLayout, QWidget

from clerk_app.app import Services
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.supervision.windows import known_windows
from clerk_app.ui.taskman import TaskManager

SUPERVISOR_KEY = "Ctrl+Shift+G"


class SupervisorWindow(QDialog):
    """The supervisor's screen in its own window (负责人工作台)."""

    def __init__(self, screen: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("负责人工作台：台账与统计"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(screen)
        self.resize(1300, 720)


def install_supervisor_menu(window: QMainWindow, services: Services, actor: Actor,
                            taskman: TaskManager, window_names: tuple[str, ...],
                            open_application: Callable[[str], object],
                            today: Callable[[], date]) -> QMenu:
    """Add the 管理(&J) menu before 帮助 and return it."""
    menu = QMenu(_("管理(&J)"), window)
    # the supervisor's tools (QtCharts, reportlab, openpyxl) load when first opened

    def screen() -> None:
        from clerk_app.ui.supervisor import SupervisorScreen

        view = SupervisorScreen(services.reports, services.figures, actor, taskman, today())
        view.open_application.connect(open_application)
        SupervisorWindow(view, window).show()

    def accounts() -> None:
        from clerk_app.ui.supervisor import AccountsDialog

        def show(windows: tuple[str, ...]) -> None:
            dialog = AccountsDialog(services.accounts, actor, taskman, windows, window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            dialog.open()

        # the windows as 中心设置 has them now (and any an account works at)
        taskman.read(lambda: known_windows(services.ctx), on_success=show,
                     context=_("读取窗口列表"))

    def reassign() -> None:
        from clerk_app.ui.supervisor import HandoverDialog

        dialog = HandoverDialog(services.reassign, actor, taskman, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    for label, keys, slot, permission in (
            (_("台账与统计…"), SUPERVISOR_KEY, screen, Permission.OWN_LOG),
            (_("账号管理…"), "", accounts, Permission.MANAGE_ACCOUNTS),
            (_("AB岗移交…"), "", reassign, Permission.REASSIGN)):
        action = QAction(label, window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False, s=slot: s())
        action.setEnabled(allowed(actor, permission))
        window.addAction(action)
        menu.addAction(action)
    menu.addSeparator()  # 备份与恢复: anyone may back up now; the settings are the admin's
    backup_action = QAction(_("备份与恢复…"), window)
    backup_action.triggered.connect(lambda _checked=False: open_backup_dialog(
        services, actor, taskman, window))
    menu.addAction(backup_action)
    actions = window.menuBar().actions()
    window.menuBar().insertMenu(actions[-1], menu)
    return menu


def open_backup_dialog(services: Services, actor: Actor, taskman: TaskManager,
                       parent: QWidget) -> QDialog:
    from clerk_app.services.station.backup import BackupService
    from clerk_app.ui.station.backup_dialog import BackupDialog

    dialog = BackupDialog(BackupService(services.ctx), actor, taskman, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
