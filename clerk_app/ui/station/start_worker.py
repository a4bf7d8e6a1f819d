"""Start-up work off the GUI thread before any services exist (key unwrapping, conversion).

The TaskManager needs open services; sign-in runs before them: argon2id takes ~0.2 s and a
conversion minutes, so each runs on Qt's global thread pool and reports back (result, error,
progress) through queued signals to the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from clerk_app.i18n import _

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str, float)


class _Job(QRunnable):
    def __init__(self, task: Callable[[Callable[[str, float], None]], Any],
                 signals: _Signals) -> None:
        super().__init__()
        self.task = task
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.task(self.signals.progress.emit)
        except Exception as exc:
            log.info("start-up task failed: %s", type(exc).__name__)
            if not getattr(exc, "__module__", "").startswith("clerk_app"):
                from clerk_app.ui.errors import safe_traceback

                log.error("start-up task error:\n%s", safe_traceback(exc))
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class StartWorker(QObject):
    """Runs one task at a time; `task(progress)` may call `progress(stage, fraction)`.

    Signals:
        done(object): the task's result (GUI thread).
        failed(object): the exception it raised (GUI thread).
        progress(str, float): a stage name and how far it is (GUI thread).
    """

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.done.connect(self._finish_ok)
        self._signals.failed.connect(self._finish_error)
        self._signals.progress.connect(self.progress)
        self.running = False

    def start(self, task: Callable[[Callable[[str, float], None]], Any]) -> None:
        self.running = True
        QThreadPool.globalInstance().start(_Job(task, self._signals))

    def _finish_ok(self, result: object) -> None:
        self.running = False
        self.done.emit(result)

    def _finish_error(self, exc: object) -> None:
        self.running = False
        self.failed.emit(exc)

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the pool is idle (tests, and the end of the program)."""
        return QThreadPool.globalInstance().waitForDone(msecs)


def start_error_text(exc: object) -> str:
    """What the clerk reads when a start-up task failed (program faults stay in the log)."""
    from clerk_app.store.db_file import DatabaseUnavailable  # light: before the window loads

    # AccountError is a ValueError: no import of the accounts service on the GUI thread here
    if isinstance(exc, DatabaseUnavailable | ValueError | PermissionError) and str(exc):
        return str(exc)
    if isinstance(exc, OSError):
        return _("无法读写数据目录：{reason}").format(reason=exc.strerror or type(exc).__name__)
    return _("启动时程序出错（详情已记入日志），请联系技术支持")
