"""Registering from the window says where the notices' QR codes will point."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from clerk_app.sync.engine import SyncEngine, adapter_factory
from clerk_app.sync.registration import register_station
from clerk_app.ui.station.sync_worker import SyncWorker
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import open_station


def test_registration_message_names_the_progress_address(
    qtbot: QtBot, tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
    back_office: BackOffice,
) -> None:
    services = open_station(tmp_path / "station", station_code, reference_platform.url,
                            load_sample=False)
    try:
        config = services.ctx.config
        engine = SyncEngine.for_station(config, services.sync_store)
        worker = SyncWorker(engine, 600, lambda key: register_station(
            services.sync_store, adapter_factory(config), key))
        said: list[tuple[bool, str]] = []
        worker.registered.connect(lambda ok, message: said.append((ok, message)))
        worker.register_station(back_office.issue_registration_key(station_code))
        assert said == [(True, f"站点 {station_code} 已在平台注册；"
                               f"进度查询地址：{reference_platform.url}/q")]
    finally:
        services.close()
