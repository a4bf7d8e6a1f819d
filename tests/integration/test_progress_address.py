"""The progress address and 查询码 secret at the station: from registration, kept across
syncs with an ETag, a platform without the route is no failure, the setting overrides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clerk_app.app import Services
from clerk_app.domain.check_code import check_code, decode_secret, encode_secret
from clerk_app.services.intake.progress_link import NoticeProgress, notice_progress
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import load_settings, save_settings
from clerk_app.sync.api import PlatformAdapter, PlatformRejected
from clerk_app.sync.engine import SyncEngine, adapter_factory
from clerk_app.sync.progress_address import (
    STATE_PROGRESS_ETAG,
    STATE_PROGRESS_SECRET,
    STATE_PROGRESS_URL,
    ProgressAddress,
    keep_progress_address,
)
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import open_station, register

NAMES = [STATE_PROGRESS_URL, STATE_PROGRESS_SECRET, STATE_PROGRESS_ETAG]


@pytest.fixture
def services(tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
             back_office: BackOffice) -> Iterator[Services]:
    station = open_station(tmp_path / "station", station_code, reference_platform.url,
                           load_sample=False)
    register(station, back_office, station_code)
    yield station
    station.close()


def _progress(services: Services, override: str, number: str) -> NoticeProgress:
    with services.ctx.db.reading() as session:
        assert isinstance(session, Session)
        return notice_progress(session, override, number)


def test_sync_keeps_the_address_and_asks_with_its_etag(
    services: Services, reference_platform: RunningPlatform
) -> None:
    stored = services.sync_store.get_values(NAMES)
    assert stored[STATE_PROGRESS_URL] == f"{reference_platform.url}/q"
    secret = stored[STATE_PROGRESS_SECRET]
    engine = SyncEngine.for_station(services.ctx.config, services.sync_store)
    assert engine.run_once(force=True).exit_code == 0
    etag = services.sync_store.get_values(NAMES)[STATE_PROGRESS_ETAG]
    assert etag.startswith('W/"progress-')
    adapter = adapter_factory(services.ctx.config)(
        services.sync_store.get_values(["station_token"])["station_token"])
    try:
        again = adapter.progress_address(etag)
    finally:
        adapter.close()
    assert again.not_modified  # an unchanged address costs a 304
    assert engine.run_once(force=True).exit_code == 0
    assert services.sync_store.get_values(NAMES)[STATE_PROGRESS_SECRET] == secret


def test_a_platform_without_the_route_still_syncs(services: Services) -> None:
    factory = adapter_factory(services.ctx.config)

    class Older:
        """The real adapter of a platform that does not serve /v1/progress-address."""

        def __init__(self, inner: PlatformAdapter) -> None:
            self.inner = inner

        def progress_address(self, etag: str | None) -> ProgressAddress:
            raise PlatformRejected("HTTP 404", "接口不存在。", 404, "not_found")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    engine = SyncEngine(lambda token: Older(factory(token)),
                        services.sync_store, configured=lambda: True)
    assert engine.run_once(force=True).exit_code == 0
    assert services.sync_store.get_values(NAMES)[STATE_PROGRESS_URL]


def test_unusable_or_unchanged_answers_change_nothing(services: Services) -> None:
    before = services.sync_store.get_values(NAMES)
    assert not keep_progress_address(services.sync_store, ProgressAddress(not_modified=True))
    assert not keep_progress_address(services.sync_store, ProgressAddress("ftp://x", "y" * 43))
    assert not keep_progress_address(services.sync_store,
                                     ProgressAddress("https://a.example/q", "not base64 !"))
    assert services.sync_store.get_values(NAMES) == before
    new_secret = encode_secret(b"n" * 32)
    assert keep_progress_address(services.sync_store,
                                 ProgressAddress("https://a.example/q", new_secret, 'W/"x"'))
    assert services.sync_store.get_values(NAMES) == {
        STATE_PROGRESS_URL: "https://a.example/q", STATE_PROGRESS_SECRET: new_secret,
        STATE_PROGRESS_ETAG: 'W/"x"'}


def test_the_centre_setting_overrides_the_address_not_the_code(services: Services) -> None:
    number = "51010400120261206000017"
    secret = decode_secret(services.sync_store.get_values(NAMES)[STATE_PROGRESS_SECRET])
    code = check_code(secret, number)
    given = _progress(services, "", number)
    assert given.check_code == code and given.progress_link.endswith(f"?n={number}&c={code}")
    save_settings(services.ctx, SYSTEM_ACTOR, replace(
        load_settings(services.ctx), qr_base_url="https://zwfw.example.gov.cn/jd/"))
    override = _progress(services, load_settings(services.ctx).qr_base_url, number)
    assert override == NoticeProgress(f"https://zwfw.example.gov.cn/jd/{number}?c={code}",
                                      "https://zwfw.example.gov.cn/jd/", code)


def test_no_address_no_link(tmp_path: Path) -> None:
    station = open_station(tmp_path / "alone", "510104099", load_sample=False)
    try:
        assert _progress(station, "", "51010409920261206000017") == NoticeProgress()
    finally:
        station.close()
