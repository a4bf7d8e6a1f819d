"""Backup, check and restore of a station database, encrypted and plain, next to a bare file
copy of the same database (the floor any backup pays), and `audit verify` over its chain.

A station with N demo applications (default 2,000) is built twice, under a data key and
plain. For each: the backup (SQLite backup API copy + sealed records), the check before a
restore (unseal, integrity check, chain walk), the restore's swap and reopen, and the chain
walk alone. Median of 3 runs each.

Run: python -m tests.bench.bench_backup [N]
"""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.services.station.audit_trail import AuditTrailService
from clerk_app.services.station.backup import check_backup, swap_checked
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.demo import generate_demo
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store import keys as key_store
from clerk_app.store.backup import write_backup
from clerk_app.store.cipher import DataKey
from tests.bench.stats import median

RUNS = 3


def _station(data_dir: Path, key: DataKey | None, count: int) -> Services:
    config = Config(data_dir=data_dir)
    if key is not None:
        keys = key_store.KeyFile.create(key_store.key_file_path(config.database_path), key)
        keys.save()
    services = open_services(config, key=key, log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    services.accounts.create_first_admin("admin", "王管理", "bench2026x")
    generate_demo(services, count, 30)
    return services


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _measure(label: str, services: Services, work: Path) -> None:
    config, key = services.ctx.config, services.ctx.db.key
    database = config.database_path
    size_mb = database.stat().st_size / 1e6
    out = work / f"{label}.clkbak"
    copy_s = median([_timed(lambda: shutil.copyfile(database, work / "copy.bin"))
                     for _ in range(RUNS)])
    backup_s = median([_timed(lambda: write_backup(database, out, key, "manual", "bench"))
                       for _ in range(RUNS)])
    verify = AuditTrailService(services.ctx)
    verify_s = median([_timed(verify.verify) for _ in range(RUNS)])
    entries = verify.verify().checked
    services.close()
    checks, swaps = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        checked = check_backup(config, key, out)
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        swap_checked(config, key, checked, SYSTEM_ACTOR)
        swaps.append(time.perf_counter() - start)
    print(f"{label:9} database {size_mb:7.1f} MB, {entries} audit entries, "
          f"backup file {out.stat().st_size / 1e6:7.1f} MB")
    print(f"  file copy (floor)     {copy_s:7.3f} s")
    print(f"  backup                {backup_s:7.3f} s   ({backup_s / copy_s:5.1f}x the copy)")
    print(f"  check before restore  {median(checks):7.3f} s   (unseal, integrity, chain)")
    print(f"  swap and reopen       {median(swaps):7.3f} s")
    print(f"  audit verify          {verify_s:7.3f} s")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(f"bench_backup: {count} demo applications, median of {RUNS}; load average "
          f"{os.getloadavg()[0]:.2f}; Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for label, key in (("plain", None), ("encrypted", DataKey.generate())):
            work = root / f"{label}-work"
            work.mkdir()
            _measure(label, _station(root / label, key, count), work)


if __name__ == "__main__":
    main()
