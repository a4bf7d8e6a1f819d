"""Start the desktop application: fonts, first-start setup or sign-in (which unwraps the data key
and opens the encrypted database), the recovery code once, then services and the main window."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.station_state import StationState, station_state
from clerk_app.store.db_file import DatabaseUnavailable
from clerk_app.ui.fonts import install_fonts
from clerk_app.ui.qt_locale import install_chinese
from clerk_app.ui.station import warm_up
from clerk_app.ui.station.login_dialog import LoginDialog
from clerk_app.ui.station.single_instance import SingleInstance, bring_to_front

if TYPE_CHECKING:  # loaded by warm_up.py on a worker while the login dialog waits
    from clerk_app.services.station.station_access import Opened
    from clerk_app.ui.errors import ErrorReporter

log = logging.getLogger(__name__)
PRELOAD_AFTER_MS = 1_000
FIRST_PAINT_FALLBACK_MS = 500


def _install_excepthook(reporter: ErrorReporter) -> None:
    """Exceptions escaping a Qt slot: logged and shown; the clerk carries on."""
    from clerk_app.ui.errors import safe_traceback

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, Exception):
            sys.__excepthook__(kind, exc, tb)
            return
        try:
            reporter.program_error(exc, _("处理界面操作"))
        except Exception:  # the dialog itself failed: at least the log has it
            log.critical("unhandled error:\n%s", safe_traceback(exc))

    sys.excepthook = hook


class _AfterFirstPaint(QObject):
    """Runs `action` once, just after `widget` was first painted (or after `fallback_ms`,
    e.g. for a window started minimised): work that would compete with the first paint for
    the GIL waits until the clerk sees the screen."""

    def __init__(self, widget: QWidget, action: Callable[[], None],
                 fallback_ms: int = FIRST_PAINT_FALLBACK_MS) -> None:
        super().__init__(widget)
        self._action: Callable[[], None] | None = action
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._run)  # after the rest of this paint
        return False

    def _run(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()


def _exec_warming(dialog: QDialog) -> int:
    """The dialog, with the window's modules loading once it is on screen (warm_up.py)."""
    _AfterFirstPaint(dialog, warm_up.begin)
    return dialog.exec()


def open_station(config: Config) -> Opened | None:
    """Setup on a new station, else sign-in (converting a plain database of an earlier
    version); then the recovery code once and the accounts that need a reset."""
    state = station_state(config)
    if state is StationState.NEW:
        from clerk_app.ui.station.setup_dialog import SetupDialog  # first start only

        setup = SetupDialog(config)
        if _exec_warming(setup) != QDialog.DialogCode.Accepted or setup.opened is None:
            return None
        opened = setup.opened
    else:
        login = LoginDialog(None, None, config=config,
                            converting=state is StationState.PLAIN)
        if _exec_warming(login) != QDialog.DialogCode.Accepted or login.opened is None:
            return None
        opened = login.opened
    if opened.recovery_code:
        from clerk_app.ui.station.recovery_dialog import RecoveryCodeDialog

        RecoveryCodeDialog(opened.recovery_code).exec()
    if opened.needs_reset:
        QMessageBox.information(None, _("需要重置密码的账号"), _(
            "以下账号还没有本机的数据密钥副本，暂时不能在启动时登录：{names}。\n"
            "请在「管理 → 账号管理」中为他们重置密码（或让他们在本次运行中用「切换用户」"
            "登录一次）。").format(names="、".join(opened.needs_reset)))
    return opened


def run_gui(config: Config, argv: list[str] | None = None) -> int:
    """Run the counter application until the clerk quits; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Clerk")
    app.setApplicationDisplayName(_("窗口受理"))
    install_fonts(app)
    install_chinese(app)  # Qt's own buttons and dialogs in Chinese, zh_CN dates
    instance = SingleInstance(config.data_dir, app)  # one window per data directory
    if not instance.claim():
        return 0  # the running window was asked to come to the front
    instance.activate_requested.connect(bring_to_front)
    previous_hook = sys.excepthook
    try:
        opened = open_station(config)
    except DatabaseUnavailable as exc:  # a damaged key file or database: said in words
        QMessageBox.critical(None, _("无法启动"), str(exc))
        return 1
    except Exception as exc:
        from clerk_app.ui.errors import safe_traceback

        log.critical("cannot open the station database:\n%s", safe_traceback(exc))
        QMessageBox.critical(None, _("无法启动"), _(
            "无法打开本站数据库（{path}）。请联系技术支持；不要删除数据目录中的任何文件。").format(
                path=config.database_path))
        return 1
    if opened is None:
        return 0
    try:
        return _run_window(app, config, opened)
    finally:
        sys.excepthook = previous_hook


def _preload_notice_fonts() -> None:
    from clerk_app.documents.fonts import preload  # reportlab: off the GUI thread

    preload()


def _run_window(app: QApplication, config: Config, opened: Opened) -> int:
    """The main window on the signed-in services until the clerk quits (modules: warm_up.py)."""
    from clerk_app.services.station.settings import load_settings
    from clerk_app.ui.errors import ErrorReporter
    from clerk_app.ui.main_window import MainWindow
    from clerk_app.ui.station.sync_worker import station_sync
    from clerk_app.ui.supervisor import IdleLock
    from clerk_app.ui.taskman import TaskManager

    services = opened.services
    reporter = ErrorReporter(QApplication.activeWindow)
    _install_excepthook(reporter)
    taskman = TaskManager(reporter)
    taskman.start_threads()  # now, while no worker holds the GIL
    taskman.hold()  # the window's first loads start after its first paint
    sync = station_sync(services)
    try:
        window = MainWindow(services, opened.actor, taskman=taskman, reporter=reporter,
                            settings=opened.settings or load_settings(services.ctx), sync=sync)
        warm_up.TIMES.window_built = time.perf_counter()
        window.showMaximized()

        def after_first_paint() -> None:  # loads and the first sync round (its HTTP modules)
            taskman.release()
            sync.start()

        _AfterFirstPaint(window, after_first_paint)
        log.info("start-up: %s", warm_up.TIMES.summary())
        idle_lock = IdleLock(window, services.accounts, window.actor, taskman,
                             config.idle_lock_minutes)
        idle_lock.install()
        window.offer_drafts()
        # the first print without the font's wait; after the window's first paint and loads
        QTimer.singleShot(PRELOAD_AFTER_MS, lambda: taskman.read(
            _preload_notice_fonts, context=_("准备通知书字体")))
        return app.exec()
    finally:
        if not sync.shutdown():
            log.info("waiting for the running sync request to end")
            sync.wait()
        taskman.shutdown()
        services.close()
