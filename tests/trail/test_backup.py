"""Backups that restore: round trip through `backup`/`restore` (rows and chain as they were),
no plaintext in an encrypted backup, refusal of another station's, altered, cut or
chain-broken files (the database untouched), the current database kept until the restored one
opened, rotation and the second folder."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.station import backup as backup_service
from clerk_app.services.station.audit_trail import verify_session
from clerk_app.services.station.backup import BackupService, restore_database
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.store.backup import (
    CHUNK_BYTES,
    DAILY,
    MAGIC,
    BrokenBackup,
    DatabaseFacts,
    ForeignBackup,
    read_header,
    seal_file,
    unseal_file,
    write_backup,
)
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import Database, backup_database
from tests.conftest import TEST_PASSWORD
from tests.sync_station import bundled_matter, confirm_intake


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)


def _cli(data_dir: Path, *args: str) -> int:
    return cli_main(["--data-dir", str(data_dir), "--user", "admin", *args])


def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with db.engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"))]
        return {table: [tuple(row) for row in connection.execute(
            text(f'SELECT * FROM "{table}" ORDER BY 1'))] for table in tables}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_change_restore_gives_back_every_row_and_the_chain(
        services: Services, clerk: Actor, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = bundled_matter(services)
    for _ in range(3):
        confirm_intake(services, clerk, code)
    key = services.ctx.db.key
    assert key is not None  # the station database is encrypted
    services.close()
    file = tmp_path / "station.clkbak"
    assert _cli(data_dir, "backup", "--out", str(file)) == 0
    assert "备份完成" in capsys.readouterr().out
    db = Database(data_dir / "clerk.sqlite", key)
    before = _snapshot(db)
    db.close()
    assert len(before["applications"]) == 3
    # what was copied: everything up to the entry that records the backup itself
    assert before["audit_log"][-1][4] == "backup_made"  # (id, at, user_id, username, action…)
    before["audit_log"].pop()

    changed = Database(data_dir / "clerk.sqlite", key)  # things change after the backup
    with changed.transaction() as session:
        session.execute(text("DELETE FROM application_materials"))
        session.execute(text("UPDATE applications SET status = 'cancelled'"))
        session.execute(text("UPDATE users SET display_name = '改过的名字'"))
    changed.close()

    assert _cli(data_dir, "restore", str(file)) == 0
    said = capsys.readouterr()
    assert "恢复完成" in said.out and "哈希链相符" in said.out

    db = Database(data_dir / "clerk.sqlite", key)
    after = _snapshot(db)
    with db.reading() as session:
        chain = verify_session(session)
    db.close()
    for table, rows in before.items():
        if table != "audit_log":
            assert after[table] == rows, table
    assert after["audit_log"][:len(before["audit_log"])] == before["audit_log"]
    added = after["audit_log"][len(before["audit_log"]):]
    assert [row[4] for row in added] == ["database_restored"]
    assert chain.ok and chain.checked == len(after["audit_log"])
    assert not list(data_dir.glob("clerk.sqlite.*"))  # nothing left aside or half-written
    safety = list((data_dir / "backups").glob("clerk-pre-restore-*.clkbak"))
    assert len(safety) == 1  # the database as it was before the restore, kept as a backup


def test_an_encrypted_backup_holds_no_personal_data_in_the_clear(
        services: Services, clerk: Actor, tmp_path: Path) -> None:
    person = FakePeople(424242).person()
    confirm_intake(services, clerk, bundled_matter(services), FakePeople(424242))
    result = BackupService(services.ctx).back_up(SYSTEM_ACTOR, out=tmp_path / "b.clkbak")
    raw = result.path.read_bytes()
    assert raw.startswith(MAGIC) and result.header.encrypted
    for secret in (person.name, person.resident_id, person.mobile, person.resident_id[-6:]):
        assert secret.encode("utf-8") not in raw
        assert secret.encode("utf-16-le") not in raw
    # the same search finds a name in the backup of a plain (unencrypted) database
    plain = tmp_path / "plain"
    unseal = tmp_path / "inner.sqlite"
    unseal_file(result.path, unseal, services.ctx.db.key)  # SQLCipher pages: still opaque
    assert person.name.encode("utf-8") not in unseal.read_bytes()
    plain_db = Database(plain / "clerk.sqlite")
    with plain_db.transaction() as session:
        session.execute(text("CREATE TABLE t (name TEXT)"))
        session.execute(text("INSERT INTO t VALUES (:n)"), {"n": person.name})
    plain_db.close()
    write_backup(plain / "clerk.sqlite", tmp_path / "plain.clkbak", None, "manual", "now")
    assert person.name.encode("utf-8") in (tmp_path / "plain.clkbak").read_bytes()


def test_a_backup_of_another_station_is_refused_in_words(
        services: Services, clerk: Actor, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.clkbak"
    inner = tmp_path / "inner.sqlite"
    other_key = DataKey.generate()
    db = Database(inner, other_key)
    db.close()
    write_backup(inner, other, other_key, "manual", "2026-12-01T09:00:00")
    with pytest.raises(ForeignBackup, match="来自其他站点"):
        unseal_file(other, tmp_path / "x.sqlite", services.ctx.db.key)
    confirm_intake(services, clerk, bundled_matter(services))
    key = services.ctx.db.key
    services.close()
    db = Database(data_dir / "clerk.sqlite", key)
    before = _snapshot(db)["applications"]
    db.close()
    assert _cli(data_dir, "restore", str(other)) == 1
    assert "未恢复，本站数据库保持原样：该备份文件来自其他站点" in capsys.readouterr().err
    db = Database(data_dir / "clerk.sqlite", key)
    assert _snapshot(db)["applications"] == before
    db.close()
    assert not (data_dir / "backups").exists()  # refused before anything was written
    assert not list(data_dir.glob("clerk.sqlite.*"))


def _sealed(tmp_path: Path, key: DataKey | None, size: int) -> tuple[Path, bytes]:
    source = tmp_path / "source.bin"
    data = os.urandom(size)
    source.write_bytes(data)
    out = tmp_path / "sealed.clkbak"
    seal_file(source, out, key, "manual", "2026-12-06T08:00:00",
              DatabaseFacts("510104001", "0009", {"seq": 3, "hash": "a" * 64}))
    return out, data


@pytest.mark.parametrize("encrypted", [True, False])
def test_the_container_detects_cut_altered_and_reordered_records(
        tmp_path: Path, encrypted: bool) -> None:
    key = DataKey.generate() if encrypted else None
    file, data = _sealed(tmp_path, key, CHUNK_BYTES * 2 + 1000)  # three records
    assert unseal_file(file, tmp_path / "back.bin", key).station == "510104001"
    assert (tmp_path / "back.bin").read_bytes() == data
    whole = file.read_bytes()
    _, _, start = read_header(file)
    record = 5 + CHUNK_BYTES + (16 if encrypted else 0)
    cases = {
        "cut inside": whole[:-100],
        "last record gone": whole[:start + 2 * record],
        "byte flipped": whole[:start + 5000] + bytes([whole[start + 5000] ^ 1])
        + whole[start + 5001:],
        "records swapped": whole[:start] + whole[start + record:start + 2 * record]
        + whole[start:start + record] + whole[start + 2 * record:],
        "header edited": whole.replace(b"510104001", b"510104002", 1),
    }
    for name, broken in cases.items():
        bad = tmp_path / "bad.clkbak"
        bad.write_bytes(broken)
        with pytest.raises(BrokenBackup):
            unseal_file(bad, tmp_path / "out.bin", key)
        assert not (tmp_path / "out.bin").exists(), name


def test_a_backup_whose_chain_was_edited_is_refused(
        services: Services, clerk: Actor, tmp_path: Path) -> None:
    confirm_intake(services, clerk, bundled_matter(services))
    with services.ctx.db.transaction() as session:
        session.execute(text("UPDATE audit_log SET action = 'nothing' WHERE id = 2"))
    file = BackupService(services.ctx).back_up(SYSTEM_ACTOR, out=tmp_path / "b.clkbak").path
    config, key = services.ctx.config, services.ctx.db.key
    services.close()
    before = _digest(config.database_path)
    with pytest.raises(BrokenBackup, match="第 2 号记录"):
        restore_database(config, key, file, SYSTEM_ACTOR)
    assert _digest(config.database_path) == before


def test_the_current_database_comes_back_when_the_restored_one_does_not_open(
        services: Services, clerk: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    file = BackupService(services.ctx).back_up(SYSTEM_ACTOR, out=tmp_path / "b.clkbak").path
    number = confirm_intake(services, clerk, bundled_matter(services))
    config, key = services.ctx.config, services.ctx.db.key
    services.close()

    def fails(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_service, "Database", fails)
    with pytest.raises(OSError):
        restore_database(config, key, file, SYSTEM_ACTOR)
    db = Database(config.database_path, key)
    try:
        with db.reading() as session:
            assert session.execute(text("SELECT count(*) FROM applications WHERE number = :n"),
                                   {"n": number}).scalar() == 1
    finally:
        db.close()
    assert not list(config.data_dir.glob("clerk.sqlite.*"))


def test_daily_backups_rotate_and_go_to_the_second_folder(
        services: Services, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    services.ctx.config.backup_mirror_dir = str(usb)
    moment = [datetime(2026, 12, 1, 8, 0)]
    services.ctx.clock = lambda: moment[0]
    backups = BackupService(services.ctx)
    first = backups.run_daily_if_due(SYSTEM_ACTOR)
    assert first is not None and "文件夹不存在" in first.warning  # no stick: a warning only
    assert backups.run_daily_if_due(SYSTEM_ACTOR) is None  # not a day old yet
    usb.mkdir()
    for day in range(1, 10):
        moment[0] = datetime(2026, 12, 1, 8, 0) + timedelta(days=day, minutes=day)
        made = backups.run_daily_if_due(SYSTEM_ACTOR)
        assert made is not None and made.warning == "" and made.mirrored is not None
    kept = sorted(p.name for p in backups.folder.glob(f"clerk-{DAILY}-*"))
    assert len(kept) == 7 and kept[-1].startswith("clerk-daily-20261210")
    assert sorted(p.name for p in usb.glob("clerk-daily-*")) == kept
    assert read_header(backups.folder / kept[-1])[0].kind == DAILY


def test_pre_migration_backups_are_sealed_under_the_key(tmp_path: Path) -> None:
    key = DataKey.generate()
    path = tmp_path / "clerk.sqlite"
    Database(path, key).close()
    made = backup_database(path, keep=2, key=key)
    assert made is not None
    header = read_header(made)[0]
    assert header.encrypted and header.kind == "pre-migration" and header.schema
    for _ in range(3):
        backup_database(path, keep=2, key=key)
    assert len(list((tmp_path / "backups").glob("clerk-pre-migration-*"))) == 2


def test_config_defaults_keep_a_week() -> None:
    config = Config()
    assert config.backup_keep_daily == 7 and config.backup_keep_pre_migration == 5


def test_a_damaged_database_is_restored_from_its_backup(
        services: Services, clerk: Actor, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    number = confirm_intake(services, clerk, bundled_matter(services))
    file = BackupService(services.ctx).back_up(SYSTEM_ACTOR, out=tmp_path / "b.clkbak").path
    key = services.ctx.db.key
    services.close()
    path = data_dir / "clerk.sqlite"
    for side in (path.with_name("clerk.sqlite-wal"), path.with_name("clerk.sqlite-shm")):
        side.unlink(missing_ok=True)
    raw = bytearray(path.read_bytes())
    for offset in range(8192, len(raw), 4096):  # flip a byte in every page but the first two
        raw[offset + 100] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert _cli(data_dir, "audit", "verify") == 1
    assert "已损坏或被改动" in capsys.readouterr().err  # the keys' words, no traceback

    assert _cli(data_dir, "restore", str(file)) == 0
    said = capsys.readouterr()
    assert "当前数据库已损坏" in said.err and "恢复完成" in said.out
    db = Database(path, key)
    try:
        with db.reading() as session:
            assert session.execute(text("SELECT count(*) FROM applications WHERE number = :n"),
                                   {"n": number}).scalar() == 1
            assert verify_session(session).ok
    finally:
        db.close()


def test_only_an_administrator_restores(services: Services, clerk: Actor, data_dir: Path,
                                        tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    file = BackupService(services.ctx).back_up(SYSTEM_ACTOR, out=tmp_path / "b.clkbak").path
    services.close()
    code = cli_main(["--data-dir", str(data_dir), "--user", "zhangli", "restore", str(file)])
    assert code == 1 and "修改中心设置" in capsys.readouterr().err
    assert not list(data_dir.glob("clerk.sqlite.*"))
