"""The sync worker: the engine on its own QThread, talking to the window only through signals.

As in Electrum's Qt bridge, nothing of the worker touches a widget: `SyncWorker` lives in the
worker thread and emits; `SyncClient` lives in the GUI thread, forwards requests to the worker
by queued signals and re-emits the worker's signals there. The GUI thread never waits on the
network or on a sync transaction (each service call opens its own database session).

The worker syncs when it starts, after each confirmed intake (`request_sync`, debounced so a
burst of intakes makes one exchange), every `sync_interval_s`, on 立即同步 (`sync_now`, which
ignores a pending backoff), and by itself when a backoff ends, so the queue resumes when the
link returns without a restart.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from clerk_app.app import Services
from clerk_app.i18n import _
from clerk_app.sync.api import PlatformError, Registration
from clerk_app.sync.engine import Outcome, SyncEngine, SyncReport, adapter_factory
from clerk_app.sync.registration import register_station
from clerk_app.sync.state import Phase, SyncState

log = logging.getLogger(__name__)

DEBOUNCE_MS = 1500
"""A sync asked for after an intake waits this long for more intakes to join it."""


class SyncWorker(QObject):
    """Runs `SyncEngine.run_once` in the thread it was moved to.

    Signals:
        state_changed(object): a `SyncState` (before, during and after each run).
        applications_changed(): statuses or due dates changed: lists should refresh.
        catalogue_changed(): the catalogue changed: searches should run again.
        registered(bool, str): the outcome of a registration, in Chinese.
    """

    state_changed = Signal(object)
    applications_changed = Signal()
    catalogue_changed = Signal()
    registered = Signal(bool, str)

    def __init__(self, engine: SyncEngine, interval_s: int,
                 register: Callable[[str], Registration]) -> None:
        super().__init__()
        self.engine = engine
        self.interval_ms = max(10, int(interval_s)) * 1000
        self._register = register
        self._periodic: QTimer | None = None
        self._debounce: QTimer | None = None
        self._retry: QTimer | None = None
        self._stopped = False
        self.runs = 0

    def _timer(self, single: bool, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    @Slot()
    def start(self) -> None:
        """Set up the timers in the worker thread and sync once."""
        self._periodic = self._timer(False, self.request_now_if_due)
        self._debounce = self._timer(True, self.request_now_if_due)
        self._retry = self._timer(True, self.request_now_if_due)
        self._periodic.start(self.interval_ms)
        self._run(force=False)

    @Slot()
    def request_sync(self) -> None:
        """Sync soon (after a confirmed intake); a pending backoff is honoured."""
        if self._debounce is not None and not self._stopped:
            self._debounce.start(DEBOUNCE_MS)

    @Slot()
    def request_now_if_due(self) -> None:
        self._run(force=False)

    @Slot()
    def sync_now(self) -> None:
        """立即同步: try now, whatever the backoff says."""
        self._run(force=True)

    @Slot()
    def publish_state(self) -> None:
        """Emit the stored state (e.g. after settings changed)."""
        self.state_changed.emit(self.engine.state())

    @Slot(str)
    def register_station(self, key: str) -> None:
        """Register with a one-time key, then sync."""
        try:
            registration = self._register(key)
        except PlatformError as exc:
            self.registered.emit(False, exc.message)
            self.publish_state()
            return
        except ValueError as exc:
            self.registered.emit(False, str(exc))
            return
        except Exception as exc:
            log.error("registration failed with %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self.registered.emit(False, _("注册时程序出错，已记录在日志中。"))
            return
        message = _("站点 {station} 已在平台注册").format(station=registration.station)
        if registration.progress.url:
            message += _("；进度查询地址：{url}").format(url=registration.progress.url)
        self.registered.emit(True, message)
        self._run(force=True)

    @Slot()
    def stop(self) -> None:
        """Stop the timers (the thread then quits)."""
        self._stopped = True
        for timer in (self._periodic, self._debounce, self._retry):
            if timer is not None:
                timer.stop()

    def _run(self, force: bool) -> None:
        if self._stopped:
            return
        try:
            before = self.engine.state()
            left = None if force else self.engine.backoff_left()
            if before.phase in (Phase.NOT_CONFIGURED, Phase.NOT_REGISTERED) or left is not None:
                self.state_changed.emit(before)  # nothing to try now: no "同步中"
                if left is not None and self._retry is not None:
                    self._retry.start(int(min(left, self.interval_ms / 1000) * 1000) + 50)
                return
            self.runs += 1
            self.state_changed.emit(before.syncing())
            self.engine.progress = lambda text: self.state_changed.emit(before.syncing(text))
            report = self.engine.run_once(force=force)
        except Exception as exc:  # the engine handles its own failures; this is a bug
            log.error("sync worker failed with %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self._emit_state_safely()
            return
        finally:
            self.engine.progress = None
        self._after(report)

    def _emit_state_safely(self) -> None:
        try:
            self.state_changed.emit(self.engine.state())
        except Exception:
            log.error("sync state cannot be read")

    def _after(self, report: SyncReport) -> None:
        self.state_changed.emit(report.state)
        if report.applications_changed:
            self.applications_changed.emit()
        if report.catalogue_changed:
            self.catalogue_changed.emit()
        retry = report.retry_in_s
        if retry is not None and report.outcome in (Outcome.PARTIAL, Outcome.WAITING,
                                                    Outcome.FAILED) and self._retry is not None:
            self._retry.start(int(min(retry, self.interval_ms / 1000) * 1000) + 50)


class SyncClient(QObject):
    """The GUI thread's handle on the sync worker thread (start, requests, shutdown).

    Signals:
        state_changed(object), applications_changed(), catalogue_changed(),
        registered(bool, str): the worker's, delivered on the GUI thread.
    """

    state_changed = Signal(object)
    applications_changed = Signal()
    catalogue_changed = Signal()
    registered = Signal(bool, str)
    _start = Signal()
    _request = Signal()
    _now = Signal()
    _publish = Signal()
    _register = Signal(str)
    _stop = Signal()

    def __init__(self, engine: SyncEngine, interval_s: int,
                 register: Callable[[str], Registration], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.state: SyncState | None = None
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("clerk-sync")
        self.worker = SyncWorker(engine, interval_s, register)
        self.worker.moveToThread(self.worker_thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._start.connect(self.worker.start, queued)
        self._request.connect(self.worker.request_sync, queued)
        self._now.connect(self.worker.sync_now, queued)
        self._publish.connect(self.worker.publish_state, queued)
        self._register.connect(self.worker.register_station, queued)
        self._stop.connect(self.worker.stop, queued)
        # Also when the loop quits before the queued stop arrived: timers die in their thread.
        self.worker_thread.finished.connect(self.worker.stop,
                                            Qt.ConnectionType.DirectConnection)
        self.worker.state_changed.connect(self._state, queued)
        self.worker.applications_changed.connect(self.applications_changed.emit, queued)
        self.worker.catalogue_changed.connect(self.catalogue_changed.emit, queued)
        self.worker.registered.connect(self.registered.emit, queued)
        self._started = False

    def _state(self, state: SyncState) -> None:
        self.state = state
        self.state_changed.emit(state)

    def start(self) -> None:
        """Start the thread; the worker syncs at once."""
        if not self._started:
            self._started = True
            self.worker_thread.start()
            self._start.emit()

    def request_sync(self) -> None:
        """Sync soon (after a confirmed intake)."""
        self._request.emit()

    def sync_now(self) -> None:
        """立即同步."""
        self._now.emit()

    def refresh_state(self) -> None:
        self._publish.emit()

    def register_station(self, key: str) -> None:
        """Register with a one-time key on the worker thread; `registered` tells the outcome."""
        self._register.emit(key)

    def shutdown(self, wait_ms: int = 3000) -> bool:
        """Stop syncing: a running exchange stops at its next request; True when the thread
        ended within `wait_ms` (call `wait` for the rest; a request ends by its timeout)."""
        if not self._started:
            return True
        self.engine.cancel()
        self._stop.emit()
        self.worker_thread.quit()
        return self.worker_thread.wait(wait_ms)

    def wait(self) -> None:
        """Wait for the thread to end (bounded by the HTTP timeouts)."""
        self.worker_thread.wait()


def station_sync(services: Services, parent: QObject | None = None) -> SyncClient:
    """The sync client of this station, on the machine's settings (not started)."""
    config = services.ctx.config
    engine = SyncEngine.for_station(config, services.sync_store,
                                    clock=lambda: services.ctx.clock().astimezone())

    def register(key: str) -> Registration:
        return register_station(services.sync_store, adapter_factory(config), key)

    return SyncClient(engine, config.sync_interval_s, register, parent)
