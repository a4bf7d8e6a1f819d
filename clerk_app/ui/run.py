"""Start the desktop application: fonts, services, first-start setup, sign-in, main window."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.documents.fonts import preload as preload_notice_fonts
from clerk_app.i18n import _
from clerk_app.services.settings import load_settings
from clerk_app.ui.errors import ErrorReporter, safe_traceback
from clerk_app.ui.fonts import install_fonts
from clerk_app.ui.login_dialog import LoginDialog
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.qt_locale import install_chinese
from clerk_app.ui.setup_dialog import SetupDialog
from clerk_app.ui.supervisor import IdleLock
from clerk_app.ui.sync_worker import SyncClient, station_sync
from clerk_app.ui.taskman import TaskManager

log = logging.getLogger(__name__)


def _install_excepthook(reporter: ErrorReporter) -> None:
    """Exceptions escaping a Qt slot: logged and shown; the clerk carries on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, Exception):
            sys.__excepthook__(kind, exc, tb)
            return
        try:
            reporter.program_error(exc, _("处理界面操作"))
        except Exception:  # the dialog itself failed: at least the log has it
            log.critical("unhandled error:\n%s", safe_traceback(exc))

    sys.excepthook = hook


def _sign_in(services: Services, taskman: TaskManager, sync: SyncClient) -> MainWindow | None:
    if not services.accounts.has_accounts():
        setup = SetupDialog(services.accounts, services.ctx, taskman)
        if setup.exec() != QDialog.DialogCode.Accepted:
            return None
    settings = load_settings(services.ctx)
    login = LoginDialog(services.accounts, taskman, settings.centre_name)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        return None
    return MainWindow(services, login.actor, taskman=taskman, reporter=taskman.reporter,
                      settings=settings, sync=sync)


def run_gui(config: Config, argv: list[str] | None = None) -> int:
    """Run the counter application until the clerk quits; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Clerk")
    app.setApplicationDisplayName(_("窗口受理"))
    install_fonts(app)
    install_chinese(app)  # Qt's own buttons and dialogs in Chinese, zh_CN dates
    reporter = ErrorReporter(QApplication.activeWindow)
    previous_hook = sys.excepthook
    try:
        services = open_services(config)
    except Exception as exc:
        log.critical("cannot open the station database:\n%s", safe_traceback(exc))
        QMessageBox.critical(None, _("无法启动"), _(
            "无法打开本站数据库（{path}）。请联系技术支持；不要删除数据目录中的任何文件。").format(
                path=config.database_path))
        return 1
    _install_excepthook(reporter)
    taskman = TaskManager(reporter)
    taskman.read(preload_notice_fonts, context=_("准备通知书字体"))  # first print without the wait
    sync = station_sync(services)
    try:
        window = _sign_in(services, taskman, sync)
        if window is None:
            return 0
        window.showMaximized()
        idle_lock = IdleLock(window, services.accounts, window.actor, taskman,
                             config.idle_lock_minutes)
        idle_lock.install()
        window.offer_drafts()
        sync.start()
        return app.exec()
    finally:
        if not sync.shutdown():
            log.info("waiting for the running sync request to end")
            sync.wait()
        taskman.shutdown()
        services.close()
        sys.excepthook = previous_hook
