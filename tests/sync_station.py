"""A station for sync tests and benchmarks: its own database, a clerk, real intakes, and the
checks every sync scenario ends with (exactly once at the platform, outbox drained, both
databases whole)."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.checklist import MaterialEntry, MaterialState, applies
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store.cipher import DataKey
from clerk_app.store.models import Application, OutboxEvent
from clerk_app.sync.engine import adapter_factory
from clerk_app.sync.registration import register_station
from tests.platform.backoffice import BackOffice

PASSWORD = "counter2026"
BUNDLED_MATTER = "最低生活保障申请"


def open_station(data_dir: Path, station_code: str, platform_url: str = "", *,
                 read_timeout: float = 5.0, load_sample: bool = True) -> Services:
    """Services on `data_dir`, set up as `station_code` (region 6 digits + station 3)."""
    config = Config(data_dir=data_dir, platform_url=platform_url, connect_timeout_s=2.0,
                    read_timeout_s=read_timeout)
    services = open_services(config, key=_station_key(data_dir), load_sample=load_sample,
                             log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code=station_code[:6],
        station_code=station_code[6:]), first_setup=True)
    return services


# Each station in this process is encrypted as users run it; its key is kept here so that a
# test can close and reopen the station (a subprocess would sign in with PASSWORD instead).
_KEYS: dict[Path, DataKey] = {}


def _station_key(data_dir: Path) -> DataKey:
    folder = data_dir.resolve()
    if folder not in _KEYS:
        from clerk_app.store.keys import KeyFile, key_file_path
        from tests.conftest import station_key

        path = key_file_path(Config(data_dir=data_dir).database_path)
        if path.exists():  # a copy of a station made here (benches copy a template)
            keys = KeyFile.load(path)
            known = next((key for key in _KEYS.values() if keys.matches(key)), None)
            if known is None:
                raise RuntimeError(f"{path}: a station this process did not make")
            _KEYS[folder] = known
        else:
            _KEYS[folder] = station_key(data_dir)
    return _KEYS[folder]


def make_clerk(services: Services) -> Actor:
    """An administrator and a clerk (password PASSWORD); returns the clerk."""
    admin = services.accounts.create_first_admin("admin", "王管理", PASSWORD)
    return services.accounts.create(admin, "zhangli", "张丽", PASSWORD, Role.CLERK, "民生事务")


def register(services: Services, office: BackOffice, station_code: str) -> None:
    """Register the station with a fresh one-time key."""
    key = office.issue_registration_key(station_code, "测试站点")
    register_station(services.sync_store, adapter_factory(services.ctx.config), key)


def bundled_matter(services: Services) -> str:
    """The code of the bundled catalogue's 最低生活保障 matter."""
    return next(m.code for m in services.catalogue.current_matters()
                if m.name == BUNDLED_MATTER)


def confirm_intake(services: Services, clerk: Actor, code: str,
                   people: FakePeople | None = None) -> str:
    """Start, fill (every applicable material received) and confirm one intake; its number."""
    draft_id, form = services.intake.start(clerk, code)
    return confirm_draft(services, clerk, draft_id, form, people)


def confirm_draft(services: Services, clerk: Actor, draft_id: int, form: IntakeForm,
                  people: FakePeople | None = None) -> str:
    """Fill an open draft for a made-up applicant (every material received) and confirm it."""
    person = (people or FakePeople(random.randrange(1 << 30))).person()
    matter = services.catalogue.matter(form.matter_code, form.matter_version)
    form = replace(form, applicant=PersonInput(
        person.name, "resident_id", person.resident_id, person.mobile, person.address))
    for material in matter.materials:
        if applies(material, form.context()):
            form = form.with_material(material.id, MaterialEntry(
                MaterialState.RECEIVED, material.form, material.copies))
    return services.intake.confirm(clerk, draft_id, form).application_number


def station_numbers(services: Services) -> list[str]:
    """Every confirmed application number of the station."""
    with services.ctx.db.reading() as session:
        return list(session.scalars(select(Application.number).order_by(Application.id)))


def outbox_ids(services: Services) -> list[str]:
    with services.ctx.db.reading() as session:
        return list(session.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.seq)))


def sqlite_integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of a SQLite file, read-only."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def check_exactly_once(services: Services, office: BackOffice, station_code: str,
                       platform_db: Path) -> None:
    """Every event of the station is at the platform exactly once, each confirmed application
    is there, the outbox is drained, and both databases pass `PRAGMA integrity_check`."""
    waiting, _oldest, parked = services.sync_store.outbox_summary()
    assert (waiting, parked) == (0, 0), f"outbox not drained: {waiting} waiting, {parked} parked"
    at_platform = office.event_ids(station_code)
    assert len(at_platform) == len(set(at_platform)), "an event is stored twice"
    assert sorted(at_platform) == sorted(outbox_ids(services)), "events missing or foreign"
    for number in station_numbers(services):
        projected = office.application(number)
        assert projected is not None, f"{number} missing at the platform"
        assert projected["station"] == station_code
    assert services.ctx.db.integrity_ok()
    assert sqlite_integrity(platform_db) == "ok"
