"""One window per data directory: a second start asks the running one to come to the front.

The first process holds a lock file in the data directory (QLockFile: a lock left by a
killed process is taken over) and listens on a local socket named after a hash of the
directory's path; a later process that cannot take the lock connects there, says
"activate" and exits. Two data directories (two stations on one PC) never meet.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QLockFile, QObject, QThread, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from clerk_app.store.instance_lock import LOCK_NAME

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
CONNECT_FOR_MS = 3_000  # the first process may still be starting up


def server_name(data_dir: Path) -> str:
    """The local socket's name for a data directory (same path, same name)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()
    return f"clerk-{digest[:24]}"


class SingleInstance(QObject):
    """The claim of one process on a data directory.

    Signals:
        activate_requested(): a second start asked this one to come to the front.
    """

    activate_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self.lock: QLockFile | None = None
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True when this process is the data directory's one window (it listens from now
        on); False when another one holds it and was asked to come to the front."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            lock = QLockFile(str(self.data_dir / LOCK_NAME))
            lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
            locked = lock.tryLock(0)
        except OSError:
            lock, locked = None, True  # an unwritable folder: the database will say so
        if not locked:
            if self._ask_running_one():
                return False
            log.warning("data directory locked, but no window answered; starting anyway")
        self.lock = lock
        self._listen()
        return True

    def _ask_running_one(self) -> bool:
        deadline = QDeadlineTimer(CONNECT_FOR_MS)
        while not deadline.hasExpired():
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(500):
                socket.write(ACTIVATE)
                socket.flush()
                socket.waitForBytesWritten(1_000)
                socket.disconnectFromServer()
                log.info("another window has this data directory: asked it to the front")
                return True
            QThread.msleep(100)
        return False

    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)  # a socket file left by a killed process
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("single-instance socket not available: %s", server.errorString())
            return
        server.newConnection.connect(self._connected)
        self.server = server

    def _connected(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
            self.activate_requested.emit()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
        if self.lock is not None:
            self.lock.unlock()


def bring_to_front(widget: QWidget | None = None) -> None:
    """Show the given window (else the visible top-level one: sign-in or main) in front."""
    target = widget or next((w for w in QApplication.topLevelWidgets()
                             if w.isVisible() and w.isWindow()), None)
    if target is None:
        return
    if target.isMinimized():
        target.showNormal()
    target.raise_()
    target.activateWindow()
