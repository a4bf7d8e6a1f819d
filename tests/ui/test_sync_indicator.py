"""The sync indicator's states, the worker thread (the GUI never waits on the platform), the
queue resuming by itself, and the main window's wiring (indicator, 立即同步/F9, refreshes)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.services.station.context import Actor
from clerk_app.sync.backoff import Backoff
from clerk_app.sync.engine import SyncEngine, SyncReport, adapter_factory
from clerk_app.sync.registration import register_station
from clerk_app.sync.state import Phase, SyncState
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.station.sync_indicator import SyncIndicator
from clerk_app.ui.station.sync_worker import SyncClient
from tests.faults.proxy import Fault, FaultProxy
from tests.platform.backoffice import BackOffice
from tests.sync_station import bundled_matter, confirm_intake, make_clerk, open_station, register

NOW = datetime(2026, 11, 26, 10, 0).astimezone()


def test_indicator_says_each_state_in_words_and_colour(qtbot: QtBot) -> None:
    indicator = SyncIndicator(lambda: NOW)
    qtbot.addWidget(indicator)
    looks: dict[str, str] = {}
    cases = [
        (SyncState(Phase.ONLINE, last_success_at=NOW, now=NOW), ["在线", "已全部上传"]),
        (SyncState(Phase.ONLINE, waiting=3, oldest_waiting_at=NOW - timedelta(minutes=7),
                   now=NOW), ["在线", "待上传 3 条", "7 分钟"]),
        (SyncState(Phase.OFFLINE, waiting=12, oldest_waiting_at=NOW - timedelta(hours=30),
                   last_error="暂时连不上政务服务平台", last_error_at=NOW, now=NOW),
         ["离线", "待上传 12 条", "1 天"]),
        (SyncState(Phase.SYNCING, progress="正在下载办件状态（已 200 条）", now=NOW),
         ["同步中", "已 200 条"]),
        (SyncState(Phase.NOT_REGISTERED, token_revoked=True, last_error="凭证已被平台注销",
                   now=NOW), ["未注册"]),
        (SyncState(Phase.ONLINE, parked=2, clock_offset_s=-400, now=NOW),
         ["2 条被平台退回", "本机时间不准"]),
    ]
    for state, words in cases:
        indicator.show_state(state)
        for word in words:
            assert word in indicator.text, (word, indicator.text)
        looks[indicator.text] = indicator.button.styleSheet()
        assert indicator.busy.isVisibleTo(indicator) == (state.phase is Phase.SYNCING)
    assert len(looks) == len(cases)  # every state reads differently, not by colour alone
    assert len(set(looks.values())) >= 3
    indicator.show_state(cases[2][0])
    tip = indicator.button.toolTip()
    assert "暂时连不上政务服务平台" in tip and "上次成功同步：从未" in tip
    assert "超过 24 小时" in tip and "F9" in tip
    with qtbot.waitSignal(indicator.sync_requested, timeout=1000):
        qtbot.mouseClick(indicator.button, Qt.MouseButton.LeftButton)


class RecordingEngine(SyncEngine):
    """The real engine, noting the thread each run happens on."""

    threads: list[threading.Thread]

    def run_once(self, force: bool = False) -> SyncReport:
        self.threads.append(threading.current_thread())
        return super().run_once(force)


@pytest.fixture
def synced_station(tmp_path: Path, station_code: str, fault_proxy: FaultProxy,
                   back_office: BackOffice) -> Iterator[tuple[Services, Actor]]:
    services = open_station(tmp_path / "station", station_code, fault_proxy.url,
                            read_timeout=30)
    clerk = make_clerk(services)
    register(services, back_office, station_code)
    yield services, clerk
    services.close()


def _client(services: Services) -> tuple[SyncClient, RecordingEngine]:
    config = services.ctx.config
    engine = RecordingEngine(adapter_factory(config), services.sync_store,
                             backoff=Backoff(base=0.2, factor=2, cap=0.5))
    engine.threads = []

    def register(key: str) -> object:
        return register_station(services.sync_store, adapter_factory(config), key)

    return SyncClient(engine, 600, register), engine  # type: ignore[arg-type]


def _phase(client: SyncClient) -> Phase | None:
    return client.state.phase if client.state is not None else None


def test_worker_thread_syncs_and_the_gui_never_waits(
        qtbot: QtBot, synced_station: tuple[Services, Actor], fault_proxy: FaultProxy) -> None:
    services, clerk = synced_station
    number = confirm_intake(services, clerk, bundled_matter(services))
    client, engine = _client(services)
    states: list[SyncState] = []
    client.state_changed.connect(states.append)
    try:
        client.start()  # syncs on start
        qtbot.waitUntil(lambda: _phase(client) is Phase.ONLINE, timeout=20_000)
        assert client.state is not None and client.state.waiting == 0
        assert any(s.phase is Phase.SYNCING for s in states)
        assert engine.threads and all(t is not threading.main_thread() for t in engine.threads)

        # The platform stalls: the worker waits for it, the GUI thread keeps working.
        confirm_intake(services, clerk, "510104-MZ-0001")  # the platform's catalogue now
        fault_proxy.inject_always(Fault.stall(60))
        ticks: list[int] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        client.sync_now()
        qtbot.waitUntil(lambda: _phase(client) is Phase.SYNCING, timeout=5_000)
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=10_000)
        assert _phase(client) is Phase.SYNCING  # still waiting on the stalled platform
        timer.stop()

        # The link drops; the queue resumes by itself once it is back (no restart, no click).
        fault_proxy.clear_faults()
        fault_proxy.go_offline()
        qtbot.waitUntil(lambda: _phase(client) is Phase.OFFLINE, timeout=10_000)
        assert client.state is not None and "连不上" in client.state.last_error
        assert client.state.waiting == 1
        runs = client.worker.runs
        fault_proxy.offline = False
        qtbot.waitUntil(lambda: _phase(client) is Phase.ONLINE, timeout=20_000)
        assert client.worker.runs > runs
        assert client.state is not None and client.state.waiting == 0
        assert number  # the first intake was sent on start
    finally:
        assert client.shutdown(20_000)


def test_main_window_shows_sync_and_f9_syncs_now(
        qtbot: QtBot, synced_station: tuple[Services, Actor], back_office: BackOffice) -> None:
    services, clerk = synced_station
    client, _engine = _client(services)
    window = MainWindow(services, clerk, sync=client)
    qtbot.addWidget(window)
    try:
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        indicator = window.sync_indicator
        assert indicator in window.status.findChildren(SyncIndicator)
        assert window.sync_action.shortcut().toString() == "F9"
        assert "立即同步" in [a.text() for m in window.menuBar().actions() if m.menu()
                            for a in m.menu().actions()]  # type: ignore[union-attr]
        client.start()
        qtbot.waitUntil(lambda: "在线" in indicator.text, timeout=20_000)
        number = confirm_intake(services, clerk, "510104-MZ-0001")
        client.refresh_state()
        qtbot.waitUntil(lambda: "待上传 1 条" in indicator.text, timeout=5_000)
        runs = client.worker.runs
        qtbot.keyClick(window, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: client.worker.runs > runs and "已全部上传" in indicator.text,
                        timeout=20_000)
        assert back_office.application(number) is not None
        back_office.set_status(number, "completed")
        with qtbot.waitSignal(client.applications_changed, timeout=20_000):
            indicator.button.click()
    finally:
        assert client.shutdown(20_000)
        window.close()
