"""Encryption at rest: nothing personal on disk, keys per account, recovery, damaged files, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from clerk_app.app import Services
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople, FakePerson
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings
from clerk_app.services.station.station_access import (
    StationState,
    keys_path,
    recover,
    set_up,
    sign_in,
    station_state,
)
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import (
    Database,
    DatabaseDamaged,
    KeyRejected,
    backup_database,
    is_plain_sqlite,
)
from clerk_app.store.keys import KeyFile, NoKeyCopy, new_recovery_code, normalize_recovery_code
from clerk_app.store.models import Application
from tests.sync_station import bundled_matter, confirm_intake

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PW = "admin2026x"
CLERK_PW = "clerk2026x"
SETTINGS = CentreSettings(centre_name="青石镇便民服务中心", region_code="510104",
                          station_code="001")


def new_station(folder: Path) -> tuple[Config, Services, str]:
    """A station set up as the setup dialog does it: admin + a clerk; the recovery code."""
    config = Config(data_dir=folder)
    opened = set_up(config, SETTINGS, "admin", "王管理", ADMIN_PW, log_to_file=False)
    opened.services.accounts.create(opened.actor, "zhangli", "张丽", CLERK_PW, Role.CLERK,
                                    "民生事务")
    assert opened.recovery_code
    return config, opened.services, opened.recovery_code


def probe(seed: int = 4242) -> FakePerson:
    return FakePeople(seed).person()


def take_in(services: Services, seed: int = 4242) -> str:
    clerk = services.accounts.sign_in("zhangli", CLERK_PW)
    return confirm_intake(services, clerk, bundled_matter(services), FakePeople(seed))


def personal_bytes(person: FakePerson) -> list[bytes]:
    return [person.name.encode("utf-8"), person.resident_id.encode("ascii"),
            person.mobile.encode("ascii"), person.mobile[-8:].encode("ascii")]


def files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    """Every file under `folder` whose raw bytes contain any of `needles`."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


def run_cli(data_dir: Path, *args: str, password: str | None = None,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLERK_PASSWORD"}
    if password is not None:
        env["CLERK_PASSWORD"] = password
    env.update(extra_env or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture
def station(tmp_path: Path, cheap_kdf: None) -> tuple[Config, Services, str]:
    config, services, code = new_station(tmp_path / "data")
    yield config, services, code
    services.close()


def test_nothing_personal_in_the_database_its_wal_or_backups(
        station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    person = probe()
    take_in(services)
    needles = personal_bytes(person)
    wal = config.database_path.with_name("clerk.sqlite-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the intake is (also) in the WAL now
    backup_database(config.database_path, key=services.ctx.db.key)  # a migration's copy
    assert files_holding(config.data_dir, needles) == []
    # and the check can fail: the same intake in a plain database shows up in its bytes
    with services.ctx.db.reading() as session:
        number = session.scalar(select(Application.number))
    assert number and not files_holding(config.data_dir, [number.encode()])
    services.close()
    plain = Database(config.data_dir / "plain.sqlite", None)
    with plain.transaction() as session:
        session.execute(text("INSERT INTO settings(key, value) VALUES ('probe', :v)"),
                        {"v": json.dumps(person.name, ensure_ascii=False)})
    plain.close()
    assert files_holding(config.data_dir, needles[:1]) == [f"plain.sqlite: {needles[0]!r}"]


def test_the_database_does_not_open_without_the_key(
        station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    services.close()
    assert not is_plain_sqlite(config.database_path)
    for key in (None, DataKey.generate()):
        with pytest.raises(KeyRejected, match="密码或密钥不正确"):
            Database(config.database_path, key)


def test_wrong_password_unknown_user_and_disabled_account(
        station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    admin = services.accounts.sign_in("admin", ADMIN_PW)
    services.accounts.create(admin, "lihua", "李华", CLERK_PW, Role.CLERK, "社会保障")
    services.accounts.set_active(admin, "lihua", False)
    services.close()
    with pytest.raises(KeyRejected, match="^密码或密钥不正确$"):
        sign_in(config, "zhangli", "wrong2026x", log_to_file=False)
    with pytest.raises(NoKeyCopy):
        sign_in(config, "nobody", CLERK_PW, log_to_file=False)
    with pytest.raises(NoKeyCopy):  # disabling removed the copy: the old password opens nothing
        sign_in(config, "lihua", CLERK_PW, log_to_file=False)
    opened = sign_in(config, "zhangli", CLERK_PW, log_to_file=False)
    assert opened.actor.username == "zhangli" and opened.services.ctx.db.key is not None
    opened.services.close()


def test_password_change_rewraps_only_that_copy_and_admin_reset(
        station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    before = KeyFile.load(keys_path(config))
    clerk = services.accounts.sign_in("zhangli", CLERK_PW)
    with pytest.raises(AccountError, match="原密码不正确"):
        services.accounts.change_own_password(clerk, "wrong2026x", "newclerk2026")
    services.accounts.change_own_password(clerk, CLERK_PW, "newclerk2026")
    after = KeyFile.load(keys_path(config))
    admin_id, clerk_id = before.account_id("admin"), before.account_id("zhangli")
    assert after.accounts[admin_id] == before.accounts[admin_id]
    assert after.accounts[clerk_id] != before.accounts[clerk_id]
    admin = services.accounts.sign_in("admin", ADMIN_PW)
    services.accounts.reset_password(admin, "zhangli", "reset2026pw")
    services.close()
    with pytest.raises(KeyRejected):
        sign_in(config, "zhangli", CLERK_PW, log_to_file=False)
    with pytest.raises(KeyRejected):
        sign_in(config, "zhangli", "newclerk2026", log_to_file=False)
    opened = sign_in(config, "zhangli", "reset2026pw", log_to_file=False)
    opened.services.close()
    opened = sign_in(config, "admin", ADMIN_PW, log_to_file=False)
    opened.services.close()


def test_recovery_code_gives_an_administrator_a_new_password(
        station: tuple[Config, Services, str]) -> None:
    config, services, code = station
    number = take_in(services)
    services.close()
    assert normalize_recovery_code(code.lower().replace("-", " ")) == code
    with pytest.raises(KeyRejected, match="恢复码不正确"):
        recover(config, new_recovery_code(), "admin", "recover2026x", log_to_file=False)
    with pytest.raises(KeyRejected, match="不含 0、O、1、I、L、U"):
        recover(config, "O" * 30, "admin", "recover2026x", log_to_file=False)
    with pytest.raises(AccountError, match="不是启用中的管理员"):
        recover(config, code, "zhangli", "recover2026x", log_to_file=False)
    opened = recover(config, code.lower(), "admin", "recover2026x", log_to_file=False)
    with opened.services.ctx.db.reading() as session:
        assert session.scalar(select(Application.number)) == number
    opened.services.close()
    opened = sign_in(config, "admin", "recover2026x", log_to_file=False)
    opened.services.close()


def test_damaged_file_is_said_in_words(station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    take_in(services)
    services.close()
    data = bytearray(config.database_path.read_bytes())
    data[100] ^= 0x5A  # page 1: the key check itself fails
    config.database_path.write_bytes(data)
    with pytest.raises(DatabaseDamaged, match="已损坏或被改动.*restore"):
        sign_in(config, "admin", ADMIN_PW, log_to_file=False)
    done = run_cli(config.data_dir, "--user", "admin", "results", "owed", password=ADMIN_PW)
    assert done.returncode == 1 and "已损坏或被改动" in done.stderr
    assert "Traceback" not in done.stderr and "pgno" not in done.stderr


def test_a_flipped_page_later_in_the_file_is_said_in_words(
        station: tuple[Config, Services, str]) -> None:
    config, services, _code = station
    take_in(services)
    services.close()
    data = bytearray(config.database_path.read_bytes())
    page = len(data) // 4096 - 2
    data[page * 4096 + 200] ^= 0x01
    config.database_path.write_bytes(data)
    key = KeyFile.load(keys_path(config)).unlock("admin", ADMIN_PW)
    db = Database(config.database_path, key)
    try:
        assert not db.integrity_ok()
        with pytest.raises(DatabaseDamaged, match="restore"), db.reading() as session:
            for table in ("applications", "applicants", "audit_log", "matters", "outbox"):
                session.execute(text(f"SELECT * FROM {table}")).all()
    finally:
        db.close()


def test_readers_and_the_writer_keep_their_connections(
        station: tuple[Config, Services, str]) -> None:
    """QueuePool: threads do not close each other's connections (SingletonThreadPool would)."""
    _config, services, _code = station
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                with services.ctx.db.reading() as session:
                    session.scalar(select(func.count(Application.id)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for seed in range(3):
        take_in(services, seed)
    for thread in threads:
        thread.join()
    assert errors == []
    assert type(services.ctx.db.engine.pool).__name__ == "QueuePool"


def test_cli_user_password_recovery_code_and_machine_copy(tmp_path: Path) -> None:
    """setup prints the recovery code; --user with CLERK_PASSWORD; a wrong password exits 1
    with 密码或密钥不正确; the machine copy lets a scheduled job run without a password."""
    data = tmp_path / "station"
    keystore = {"PYTHON_KEYRING_BACKEND": "tests.keys.file_keyring.FileKeyring",
                "CLERK_TEST_KEYRING": str(tmp_path / "keystore.json"),
                "PYTHONPATH": str(ROOT)}
    done = run_cli(data, "setup", "--centre-name", "青石镇便民服务中心", "--region", "510104",
                   "--station", "001", "--admin", "admin", "--password", ADMIN_PW)
    assert done.returncode == 0, done.stderr
    code = done.stdout.split("不要存放在这台电脑上：")[1].split()[0]
    assert normalize_recovery_code(code) == code and len(code) == 35
    assert station_state(Config(data_dir=data)) is StationState.ENCRYPTED
    wrong = run_cli(data, "--user", "admin", "results", "owed", password="wrong2026x")
    assert wrong.returncode == 1 and wrong.stderr.strip() == "密码或密钥不正确"
    nobody = run_cli(data, "results", "owed", extra_env=keystore)  # no --user, no machine copy
    assert nobody.returncode == 1 and "--user" in nobody.stderr
    on = run_cli(data, "--user", "admin", "keys", "machine", "on", password=ADMIN_PW,
                 extra_env=keystore)
    assert on.returncode == 0 and "Windows 登录一样安全" in on.stdout, on.stderr
    stored = json.loads((tmp_path / "keystore.json").read_text())
    assert len(stored) == 1 and KeyFile.load(keys_path(Config(data_dir=data))).machine_copy
    job = run_cli(data, "results", "owed", extra_env=keystore)
    assert job.returncode == 0 and "没有逾期未补交" in job.stdout, job.stderr
    off = run_cli(data, "results", "owed", "--user", "admin", password=ADMIN_PW,
                  extra_env=keystore)
    assert off.returncode == 0, off.stderr
    fresh = run_cli(tmp_path / "none", "results", "owed")
    assert fresh.returncode == 3 and not (tmp_path / "none" / "clerk.sqlite").exists()


def test_machine_copy_off_removes_it(station: tuple[Config, Services, str],
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    from clerk_app.store import machine_key
    from clerk_app.store.machine_key import MachineCopyUnavailable
    from tests.keys.file_keyring import FileKeyring

    config, services, _code = station
    monkeypatch.setenv("CLERK_TEST_KEYRING", str(tmp_path / "keystore.json"))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        keys = KeyFile.load(keys_path(config))
        key = services.ctx.db.key
        assert key is not None
        machine_key.store(keys, key)
        assert machine_key.load(KeyFile.load(keys_path(config))) == key
        machine_key.remove(KeyFile.load(keys_path(config)))
        with pytest.raises(MachineCopyUnavailable, match="未开启"):
            machine_key.load(KeyFile.load(keys_path(config)))
        assert json.loads((tmp_path / "keystore.json").read_text()) == {}
    finally:
        keyring.set_keyring(previous)


def test_a_missing_database_beside_a_key_file_is_said_not_recreated(
        station: tuple[Config, Services, str]) -> None:
    from clerk_app.services.station.station_access import DatabaseMissing

    config, services, _code = station
    services.close()
    config.database_path.unlink()
    with pytest.raises(DatabaseMissing, match="找不到本站数据库文件"):
        sign_in(config, "admin", ADMIN_PW, log_to_file=False)
    assert not config.database_path.exists()


def test_the_key_is_the_first_statement_on_every_connection(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Traced on the SQLCipher connections themselves: each new pooled connection (writer and
    reader threads) runs `pragma key` before anything else, the WAL pragmas after it."""
    import sqlcipher3

    real_connect = sqlcipher3.connect
    traces: list[list[str]] = []

    def traced(*args: object, **kwargs: object) -> object:
        connection = real_connect(*args, **kwargs)
        statements: list[str] = []
        traces.append(statements)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlcipher3, "connect", traced)
    key = DataKey.generate()
    db = Database(tmp_path / "clerk.sqlite", key)
    try:
        def read() -> None:
            with db.reading() as session:
                session.execute(text("SELECT count(*) FROM settings")).scalar()
                threading.Event().wait(0.2)  # hold the connection so others need their own

        threads = [threading.Thread(target=read) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        db.close()
    assert len(traces) >= 3
    for statements in traces:
        assert statements[0].lower().startswith("pragma key="), statements[:2]
        assert any("journal_mode=WAL" in s for s in statements)
        assert key.raw.hex() not in "".join(statements[1:])


def test_keys_recover_and_status_commands(station: tuple[Config, Services, str],
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from clerk_app.cli import main as cli_main

    config, services, code = station
    admin = services.accounts.sign_in("admin", ADMIN_PW)
    services.accounts.create(admin, "lihua", "李华", CLERK_PW, Role.CLERK, "社会保障")
    services.accounts.set_active(admin, "lihua", False)
    services.accounts.set_active(admin, "lihua", True)  # re-enabled: no copy until a reset
    services.close()
    data = ["--data-dir", str(config.data_dir)]
    monkeypatch.setenv("CLERK_RECOVERY_CODE", new_recovery_code())
    monkeypatch.setenv("CLERK_NEW_PASSWORD", "newadmin2026")
    assert cli_main([*data, "keys", "recover", "--admin", "admin"]) == 1
    assert "恢复码不正确" in capsys.readouterr().err
    monkeypatch.setenv("CLERK_RECOVERY_CODE", code.replace("-", " "))
    assert cli_main([*data, "keys", "recover", "--admin", "admin"]) == 0
    monkeypatch.setenv("CLERK_PASSWORD", "newadmin2026")
    assert cli_main([*data, "--user", "admin", "keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "本机副本：未开启" in out and "尚无密钥副本（需管理员重置密码）：lihua" in out
