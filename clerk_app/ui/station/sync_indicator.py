"""The always-visible sync indicator of the status bar: words first, colour second.

It shows the phase (在线/离线/同步中/未注册/未设置平台), how many events wait and the age of the
oldest, parked events and a wrong station clock; the tooltip adds the last success and the
last error in Chinese. A click (or F9, the window's 立即同步 action) asks for a sync now. During
a long pull a small busy bar and what is being fetched are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from clerk_app.i18n import _
from clerk_app.sync.state import Phase, Severity, SyncState
from clerk_app.ui.widgets import tooltip

SYNC_NOW_KEY = "F9"
AGE_REFRESH_MS = 30_000

# (mark, text colour, background): the mark and the words differ per phase as well.
_LOOK = {
    Severity.OK: ("#1e7d32", "#e8f5e9"),
    Severity.BUSY: ("#0b57d0", "#e8f0fe"),
    Severity.WARNING: ("#8a5300", "#fff4e0"),
    Severity.ERROR: ("#b3261e", "#fce8e6"),
}
_MARKS = {
    Phase.ONLINE: "●", Phase.OFFLINE: "○", Phase.SYNCING: "↻",
    Phase.NOT_CONFIGURED: "⚠", Phase.NOT_REGISTERED: "⚠",
}



def _local_now() -> datetime:
    """The station's wall clock, timezone-aware (as the sync engine reads it)."""
    return datetime.now().astimezone()

class SyncIndicator(QWidget):
    """Status-bar widget showing a `SyncState`.

    Signals:
        sync_requested(): the clerk clicked it (立即同步).
    """

    sync_requested = Signal()

    def __init__(self, clock: Callable[[], datetime] = _local_now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.state: SyncState | None = None
        self.button = QToolButton(self)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F9 is the keyboard's way
        self.button.clicked.connect(self.sync_requested.emit)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # indeterminate: a pull does not know its size
        self.busy.setMaximumWidth(70)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.button)
        layout.addWidget(self.busy)
        self._ages = QTimer(self)
        self._ages.timeout.connect(self._refresh_ages)
        self._ages.start(AGE_REFRESH_MS)
        self.show_state(SyncState(Phase.OFFLINE, last_error=_("尚未与平台联系")))

    @property
    def text(self) -> str:
        return self.button.text()

    def show_state(self, state: SyncState) -> None:
        """Show a state (a slot for `SyncClient.state_changed`)."""
        self.state = state
        mark = _MARKS[state.phase]
        headline = state.headline()
        self.button.setText(f"{mark} {headline}")
        fg, bg = _LOOK[state.severity]
        self.button.setStyleSheet(
            f"QToolButton {{ color: {fg}; background: {bg}; border-radius: 3px; "
            f"padding: 1px 6px; }}")
        lines = state.details()
        lines.append(_("点击或按 {key} 立即同步").format(key=SYNC_NOW_KEY))
        self.button.setToolTip(tooltip("\n".join(lines)))
        self.button.setAccessibleName(_("同步状态：{text}").format(text=headline))
        self.busy.setVisible(state.phase is Phase.SYNCING and bool(state.progress))

    def _refresh_ages(self) -> None:
        if self.state is not None and self.state.phase is not Phase.SYNCING:
            self.show_state(replace(self.state, now=self.clock()))
