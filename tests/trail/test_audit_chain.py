"""The audit hash chain: every write links its entry, `audit verify` finds the first entry
that does not fit (edited or deleted with SQL), and the migration chains existing entries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.domain.audit_chain import GENESIS, ChainFields, link
from clerk_app.services.station.audit_trail import AuditTrailService
from clerk_app.services.station.context import Actor
from clerk_app.store.database import Database, _alembic_config, make_engine
from clerk_app.store.models import AuditEntry
from tests.conftest import TEST_PASSWORD
from tests.sync_station import bundled_matter, confirm_intake


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)


def _verify(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli_main(["--data-dir", str(data_dir), "--user", "admin", "audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_entry_links_to_the_one_before(services: Services, clerk: Actor) -> None:
    confirm_intake(services, clerk, bundled_matter(services))
    with services.ctx.db.reading() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(entries) >= 4
    assert entries[0].prev_hash == GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == before.hash
        assert len(entry.hash) == 64 and entry.hash != entry.prev_hash
    report = AuditTrailService(services.ctx).verify()
    assert report.ok and report.checked == len(entries)
    assert report.head is not None and report.head.seq == entries[-1].id


def test_verify_names_the_edited_entry(services: Services, clerk: Actor, data_dir: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    confirm_intake(services, clerk, bundled_matter(services))
    code, said = _verify(data_dir, capsys)
    with services.ctx.db.reading() as session:
        total = len(session.scalars(select(AuditEntry.id)).all())
        target = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "account_created").order_by(AuditEntry.id)).all()[-1]
    assert code == 0 and f"共 {total} 条" in said
    with services.ctx.db.transaction() as session:  # with the key, behind the services' back
        session.execute(text("UPDATE audit_log SET username = 'someone' WHERE id = :id"),
                        {"id": target.id})
    code, said = _verify(data_dir, capsys)
    assert code == 1
    assert f"第 {target.id} 号记录" in said and "account_created" in said
    assert f"{target.at:%Y-%m-%d %H:%M:%S}" in said


def test_deleting_an_entry_breaks_the_next(services: Services, clerk: Actor, data_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    confirm_intake(services, clerk, bundled_matter(services))
    with services.ctx.db.transaction() as session:
        ids = list(session.scalars(text("SELECT id FROM audit_log ORDER BY id")))
        session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[2]})
    code, said = _verify(data_dir, capsys)
    assert code == 1 and f"第 {ids[3]} 号记录" in said


def test_entries_of_one_transaction_chain_in_order(services: Services, clerk: Actor) -> None:
    """Several entries in one transaction (a confirm writes more than one) chain in id order,
    and the next transaction continues from the newest."""
    number = confirm_intake(services, clerk, bundled_matter(services))
    services.lookup.for_day(clerk, services.ctx.today())
    confirm_intake(services, clerk, bundled_matter(services))
    assert number
    assert AuditTrailService(services.ctx).verify().ok


def test_migration_chains_existing_entries(tmp_path: Path) -> None:
    path = tmp_path / "clerk.sqlite"
    engine = make_engine(path)
    command.upgrade(_alembic_config(engine), "0006")  # the schema before the chain
    engine.dispose()
    connection = sqlite3.connect(path)
    rows = [("2026-12-01 09:00:00.000000", None, "system", "settings_saved", "settings", "",
             None, '{"centre_name": "青石镇便民服务中心"}'),
            ("2026-12-01 09:05:00.000000", 2, "zhangli", "application_confirmed",
             "application", "5101040012026120100012", '{"status": "draft"}',
             '{"status": "accepted", "n": [1, 2.5]}')]
    connection.executemany(
        "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, before, "
        "after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    db = Database(path)
    try:
        with db.reading() as session:
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
            assert [e.action for e in entries] == ["settings_saved", "application_confirmed"]
            first = entries[0]
            assert first.prev_hash == GENESIS
            assert first.hash == link(ChainFields(
                first.id, first.at, None, "system", "settings_saved", "settings", "",
                None, {"centre_name": "青石镇便民服务中心"}), GENESIS)
            assert entries[1].prev_hash == first.hash
        from clerk_app.services.station.audit_trail import verify_session

        with db.reading() as session:
            report = verify_session(session)
        assert report.ok and report.checked == 2
    finally:
        db.close()


def test_many_entries_in_one_transaction_and_in_the_next(services: Services) -> None:
    from datetime import datetime

    from clerk_app.services.station.context import SYSTEM_ACTOR
    from clerk_app.services.station.journal import audit

    for round_ in range(2):
        with services.ctx.db.transaction() as session:
            for i in range(50):
                audit(session, SYSTEM_ACTOR, "status_from_platform", "application", str(i),
                      datetime(2026, 12, 6, 9, round_, i % 60), {"round": round_},
                      {"changes": [i, "已办结"], "n": (1, 2)})
    report = AuditTrailService(services.ctx).verify()
    assert report.ok
    with services.ctx.db.reading() as session:
        ids = list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    assert ids == list(range(1, len(ids) + 1)) and report.checked == len(ids)
