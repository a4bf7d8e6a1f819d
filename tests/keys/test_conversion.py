"""A plain database of an earlier version is encrypted at an administrator's first sign-in; a kill
-9 at any moment of the conversion leaves a database that opens (plain or encrypted)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from clerk_app.app import open_services
from clerk_app.config import Config
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.services.station.station_access import (
    StationState,
    keys_path,
    sign_in,
    station_state,
)
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.store.backup import (
    PRE_MIGRATION,
    SUFFIX,
    is_plain_backup,
    read_header,
    unseal_file,
)
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import Database, backup_database, is_plain_sqlite
from clerk_app.store.keys import KeyFile, NoKeyCopy
from clerk_app.store.models import Application
from tests.keys.test_at_rest import (
    ADMIN_PW,
    CLERK_PW,
    files_holding,
    personal_bytes,
    probe,
    take_in,
)

ROOT = Path(__file__).resolve().parents[2]
INTAKES = 3
USER_VERSION = 7


def make_plain_station(folder: Path, filler_rows: int = 0) -> Path:
    """A station as the version before encryption left it: plain file, accounts, intakes,
    a plain backup taken before a migration; optionally filler to make the export long."""
    services = open_services(Config(data_dir=folder), key=None, log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", ADMIN_PW)
    services.accounts.create(admin, "zhangli", "张丽", CLERK_PW, Role.CLERK, "民生事务")
    for seed in range(INTAKES):
        take_in(services, 4242 + seed)
    with services.ctx.db.engine.begin() as connection:
        connection.execute(text(f"PRAGMA user_version = {USER_VERSION}"))
        if filler_rows:
            connection.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, b BLOB)"))
            connection.execute(text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)"
                " INSERT INTO filler (b) SELECT randomblob(300) FROM n"), {"rows": filler_rows})
    services.close()
    backup_database(Config(data_dir=folder).database_path)  # as migrations of old did: plain
    return folder


def count_applications(path: Path, key: DataKey | None) -> int:
    db = Database(path, key)
    try:
        with db.reading() as session:
            return int(session.scalar(select(func.count(Application.id))) or 0)
    finally:
        db.close()


def assert_fully_encrypted(folder: Path) -> None:
    path = Config(data_dir=folder).database_path
    assert not is_plain_sqlite(path)
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.endswith((".plain",
                                                                           ".encrypting")))
    assert leftovers == []
    needles = [n for seed in range(INTAKES) for n in personal_bytes(probe(4242 + seed))]
    assert files_holding(folder, needles) == []
    assert [p.name for p in (folder / "backups").glob("*") if is_plain_sqlite(p)
            or is_plain_backup(p)] == []


def test_an_administrator_sign_in_converts_a_plain_database(tmp_path: Path,
                                                            cheap_kdf: None) -> None:
    folder = make_plain_station(tmp_path / "old")
    config = Config(data_dir=folder)
    needles = personal_bytes(probe(4242))
    assert files_holding(folder, needles)  # the old file shows them: the check can fail
    assert station_state(config) is StationState.PLAIN
    with pytest.raises(AccountError, match="须由管理员登录"):
        sign_in(config, "zhangli", CLERK_PW, log_to_file=False)
    assert station_state(config) is StationState.PLAIN  # nothing happened
    stages: list[str] = []
    opened = sign_in(config, "admin", ADMIN_PW, log_to_file=False,
                     progress=lambda stage, _f: stages.append(stage))
    assert {"export", "verify", "swap", "shred", "backups", "done"} <= set(stages)
    assert opened.recovery_code and opened.needs_reset == ["zhangli"]
    services = opened.services
    assert services.ctx.db.key is not None
    with services.ctx.db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA user_version")).scalar() == USER_VERSION
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    with services.ctx.db.reading() as session:
        assert session.scalar(select(func.count(Application.id))) == INTAKES
    assert_fully_encrypted(folder)
    # the copy taken before the migration is kept, sealed under the data key, and restorable
    kept = sorted((folder / "backups").glob(f"clerk-{PRE_MIGRATION}-*{SUFFIX}"))
    assert kept, sorted(p.name for p in (folder / "backups").iterdir())
    headers = [read_header(p)[0] for p in kept]
    assert all(h.encrypted for h in headers)
    copy = tmp_path / "restored.sqlite"
    unseal_file(kept[0], copy, services.ctx.db.key)
    assert count_applications(copy, services.ctx.db.key) == INTAKES
    with pytest.raises(NoKeyCopy):  # no copy yet for the clerk ...
        KeyFile.load(keys_path(config)).unlock("zhangli", CLERK_PW)
    services.accounts.sign_in("zhangli", CLERK_PW)  # ... until a sign-in on the open session
    services.close()
    sign_in(config, "zhangli", CLERK_PW, log_to_file=False).services.close()


CHILD = r"""
import os, signal, sys
from pathlib import Path
from clerk_app.store import conversion
from clerk_app.store.backup import is_plain_backup
from clerk_app.store.cipher import DataKey

path, key = Path(sys.argv[1]), DataKey(bytes.fromhex(sys.argv[2]))
stage, at = sys.argv[3], float(sys.argv[4])

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if stage == "after-link":
    real_link = os.link
    def link(a, b):
        real_link(a, b)
        die()
    os.link = link
if stage == "after-replace":
    real_replace = os.replace
    def replace(a, b):
        real_replace(a, b)
        if str(b) == str(path):
            die()
    os.replace = replace
if stage == "mid-shred":
    def shred(target):
        size = target.stat().st_size
        with target.open("rb+") as handle:
            handle.write(bytes(size // 2))
            handle.flush()
            os.fsync(handle.fileno())
        die()
    conversion.shred = shred

def progress(name, fraction):
    if name == stage and fraction >= at:
        die()

conversion.convert_to_encrypted(path, key, progress)
print("finished")
"""

KILL_POINTS = [("export", 0.0), ("export", 0.3), ("verify", 0.0), ("after-link", 0.0),
               ("after-replace", 0.0), ("swap", 0.0), ("mid-shred", 0.0), ("backups", 0.0),
               ("done", 1.0)]


@pytest.mark.slow
def test_kill_9_at_any_moment_of_the_conversion_leaves_a_database_that_opens(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, cheap_kdf: None) -> None:
    template = make_plain_station(tmp_path_factory.mktemp("plain"), filler_rows=40_000)
    for stage, at in KILL_POINTS:
        folder = tmp_path / f"{stage}-{at}"
        shutil.copytree(template, folder)
        config = Config(data_dir=folder)
        key = DataKey.generate()
        keys = KeyFile.create(keys_path(config), key)  # as the admin's sign-in writes it
        keys.new_recovery(key)
        keys.put_account("admin", ADMIN_PW, key)
        keys.save()
        child = subprocess.run([sys.executable, "-c", CHILD, str(config.database_path),
                                key.raw.hex(), stage, str(at)], cwd=ROOT, capture_output=True,
                               text=True, timeout=300)
        assert child.returncode == -signal.SIGKILL, (stage, child.stdout, child.stderr)
        path = config.database_path
        assert path.exists(), stage
        plain = is_plain_sqlite(path)
        assert count_applications(path, None if plain else key) == INTAKES, stage
        # the next start: the administrator signs in and whatever was left is finished
        opened = sign_in(config, "admin", ADMIN_PW, log_to_file=False)
        assert (opened.recovery_code is not None) == plain, stage
        with opened.services.ctx.db.reading() as session:
            assert session.scalar(select(func.count(Application.id))) == INTAKES
        assert opened.services.ctx.db.integrity_ok(), stage
        opened.services.close()
        assert_fully_encrypted(folder)
        os.sync()
