"""The audit chain head travels with sync events and the reference platform tells when a
station's history was rewritten (even when the rewrite re-linked every hash so that the
station's own `audit verify` passes)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from clerk_app.app import Services
from clerk_app.domain.audit_chain import ChainFields, link
from clerk_app.services.station.audit_trail import AuditTrailService
from clerk_app.services.station.context import Actor
from clerk_app.store.database import Database
from clerk_app.store.models import AuditEntry, OutboxEvent
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import bundled_matter, confirm_intake, make_clerk, open_station, register

SAMPLE_MATTER = "510104-MZ-0001"


class Station:
    def __init__(self, services: Services, clerk: Actor, code: str, office: BackOffice) -> None:
        self.services, self.clerk, self.code, self.office = services, clerk, code, office

    def sync(self) -> None:
        services = self.services
        engine = SyncEngine(adapter_factory(services.ctx.config), services.sync_store,
                            lambda: services.ctx.clock().astimezone(), random.Random(7),
                            configured=lambda: True)
        report = engine.run_once(force=True)
        assert report.outcome is Outcome.DONE, report
        assert report.parked == 0

    def confirm(self) -> str:
        """One intake: the bundled sample's matter, or the platform's once it replaced it."""
        code = bundled_matter(self.services)
        if not self.services.catalogue.matter(code).active:
            code = SAMPLE_MATTER
        return confirm_intake(self.services, self.clerk, code)

    def trail(self) -> dict[str, object]:
        return self.office.audit_trail(self.code)


@pytest.fixture
def station(tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
            back_office: BackOffice) -> Iterator[Station]:
    services = open_station(tmp_path / "station", station_code, reference_platform.url)
    clerk = make_clerk(services)
    register(services, back_office, station_code)
    yield Station(services, clerk, station_code, back_office)
    services.close()


def _relink_from(db: Database, first_id: int) -> None:
    """Re-link every entry from `first_id` on, as someone who knows the scheme would."""
    with db.transaction() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        prev = None
        for entry in entries:
            if entry.id >= first_id:
                assert prev is not None
                entry.prev_hash = prev
                entry.hash = link(ChainFields(
                    entry.id, entry.at, entry.user_id, entry.username, entry.action,
                    entry.entity, entry.entity_id, entry.before, entry.after), prev)
            prev = entry.hash


def test_an_honest_station_shows_no_alert(station: Station) -> None:
    station.confirm()
    station.sync()
    station.confirm()
    station.sync()
    head = AuditTrailService(station.services.ctx).head()
    trail = station.trail()
    assert head is not None
    assert trail["last_head"] == {"seq": head.seq, "hash": head.hash}
    assert trail["alerts"] == [] and trail["rewritten"] is False


def test_events_resent_after_the_chain_grew_count_as_duplicates(station: Station) -> None:
    station.confirm()
    station.sync()
    with station.services.ctx.db.transaction() as session:  # the acknowledgement was lost
        session.execute(update(OutboxEvent).values(sent_at=None))
    station.confirm()  # the chain grows before the resend
    station.sync()  # asserts nothing was parked (no id_reused)
    assert station.trail()["alerts"] == []


def test_the_platform_tells_a_rewritten_history(station: Station) -> None:
    station.confirm()
    station.sync()
    seen = station.trail()["last_head"]
    assert isinstance(seen, dict)
    services = station.services
    with services.ctx.db.transaction() as session:  # someone edits an old entry …
        target = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "account_created").order_by(AuditEntry.id)).first()
        assert target is not None
        target.username = "nobody"
        target_id = target.id
    _relink_from(services.ctx.db, target_id)  # … and re-links the chain
    assert AuditTrailService(services.ctx).verify().ok  # the station alone cannot tell
    station.confirm()
    station.sync()
    trail = station.trail()
    assert trail["rewritten"] is True
    alert = next(a for a in trail["alerts"] if a["kind"] == "rewritten")  # type: ignore[attr-defined]
    assert alert["seq"] == seen["seq"] and alert["seen_hash"] == seen["hash"]
    assert alert["sent_hash"] != seen["hash"]
