"""Background work off the GUI thread: one database writer, a small pool of readers.

Like Anki's `aqt/taskman.py`: SQLite wants one writer at a time, so every write runs on a
single-worker executor in the order it was queued; reads (lists, look-ups) use a separate small
pool. Results and failures come back to the GUI thread through a Qt signal (queued
connection), where the caller's callbacks run. Failures the clerk caused (USER_ERRORS) are
shown as clear messages unless the caller handles them; faults of the program are always
logged and reported in a dialog that lets the clerk carry on.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from clerk_app.store.faults import known_fault
from clerk_app.ui.errors import ErrorReporter, is_user_error, safe_traceback

log = logging.getLogger(__name__)

T = TypeVar("T")
READERS = 2
THREAD_START_WAIT_S = 5.0


@dataclass
class _Finished:
    future: Future[Any]
    context: str
    on_success: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None
    report: bool = True
    then: Callable[[], None] | None = None


class TaskManager(QObject):
    """Runs tasks on worker threads and hands their outcome back to the GUI thread.

    Signals:
        busy_changed(bool): True while any task is queued or running.
        _finished(object): internal; a finished task, delivered on the GUI thread.
    """

    busy_changed = Signal(bool)
    _finished = Signal(object)

    def __init__(self, reporter: ErrorReporter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reporter = reporter
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clerk-db-write")
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="clerk-db-read")
        self._pending = 0
        self._closed = False
        self._held: list[Callable[[], None]] | None = None
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- queueing ---------------------------------------------------------------------------

    def write(self, task: Callable[[], T], on_success: Callable[[T], None] | None = None,
              on_error: Callable[[Exception], None] | None = None, *, context: str,
              report: bool = True, then: Callable[[], None] | None = None) -> None:
        """Queue a database write; writes run one at a time, in order.

        `context` says what was being done, in Chinese, for the error dialog and the log.
        `on_error` runs for any failure; user errors are shown by default only without it.
        With `report=False` a program fault is logged but left to `on_error` to show (for
        frequent background work such as draft saves, which must not open a dialog per key).
        `then` runs after the outcome was handled, whether the task succeeded or failed.
        """
        self._submit(self._writer, task, on_success, on_error, context, report, then)

    def read(self, task: Callable[[], T], on_success: Callable[[T], None] | None = None,
             on_error: Callable[[Exception], None] | None = None, *, context: str) -> None:
        """Run a read-only query off the GUI thread."""
        self._submit(self._readers, task, on_success, on_error, context, True)

    def _submit(self, pool: ThreadPoolExecutor, task: Callable[[], Any],
                on_success: Callable[[Any], None] | None,
                on_error: Callable[[Exception], None] | None, context: str,
                report: bool, then: Callable[[], None] | None = None) -> None:
        if self._closed:
            log.warning("task refused after shutdown: %s", context)
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def start() -> None:
            future = pool.submit(task)
            future.add_done_callback(
                lambda f: self._finished.emit(_Finished(f, context, on_success, on_error, report,
                                                             then)))

        if self._held is not None:
            self._held.append(start)
        else:
            start()

    def hold(self) -> None:
        """Keep queued tasks from starting until `release` (at start-up: the window's first
        loads wait for its first paint instead of competing with it for the GIL)."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        """Start the held tasks, in the order they were queued."""
        held, self._held = self._held, None
        for start in held or []:
            start()

    # -- delivery on the GUI thread ---------------------------------------------------------

    def _deliver(self, finished: _Finished) -> None:
        self._pending -= 1
        try:
            exc = finished.future.exception()
            if exc is None:
                if finished.on_success is not None:
                    finished.on_success(finished.future.result())
            elif not isinstance(exc, Exception):
                raise exc
            else:
                self._failed(exc, finished)
        except Exception as callback_exc:  # a bug in a callback: report, keep the loop alive
            self.reporter.program_error(callback_exc, finished.context)
        finally:
            if finished.then is not None:
                try:
                    finished.then()
                except Exception as callback_exc:
                    self.reporter.program_error(callback_exc, finished.context)
            if self._pending == 0:
                self.busy_changed.emit(False)

    def _failed(self, exc: Exception, finished: _Finished) -> None:
        fault = known_fault(exc)
        if fault is not None:  # disk full, folder gone, locked: words, once, not a traceback
            self.reporter.known_fault(fault)
            if finished.on_error is not None:
                finished.on_error(exc)
            return
        if is_user_error(exc):
            if finished.on_error is not None:
                finished.on_error(exc)
            else:
                self.reporter.user_error(exc)
            return
        if finished.report or finished.on_error is None:
            self.reporter.program_error(exc, finished.context)
        else:
            log.error("program error while %s:\n%s", finished.context, safe_traceback(exc))
        if finished.on_error is not None:
            finished.on_error(exc)

    def start_threads(self) -> None:
        """Start the worker threads now, before the window queues its first reads: a thread
        started while another worker runs Python makes the GUI thread wait for the GIL
        (~20 ms a thread at start-up)."""
        for pool, count in ((self._writer, 1), (self._readers, READERS)):
            ready = threading.Barrier(count)
            for _ in range(count):  # each waits for the others: `count` threads, not one reused
                pool.submit(ready.wait, THREAD_START_WAIT_S)

    # -- state and shutdown -----------------------------------------------------------------

    def idle(self) -> bool:
        """No task queued, running, or waiting for delivery."""
        return self._pending == 0

    def shutdown(self) -> None:
        """Finish queued writes (drafts must reach the disk), then stop the workers."""
        if self._closed:
            return
        self.release()  # a write held at start-up still reaches the disk
        self._closed = True
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(RuntimeError, TypeError):
            self._finished.disconnect(self._deliver)
