"""Benchmark: encryption at rest — the same station plain and SQLCipher-encrypted, side by side.

Run from the repository root:  python -m tests.bench.bench_at_rest [--size 5000]
[--big 100000] [--runs 15] [--seed-count 300]

One plain station of SIZE applications is made (demo intakes, then copied up to the size, as
bench_daily_log does); a copy is converted to SQLCipher, so both hold the same rows. Then, in
the same run and interleaved, on each: the intake commit (start + confirm of one application),
the today list, the application search, the matter search index build and the 30-day daily
log. Baseline = the plain station as before (Python's sqlite3); a second baseline, "plain*",
is the same plain file through SQLCipher's own SQLite build without a key and with the same
page cache, so the ratio against it is the cost of encryption alone (the two SQLite builds
differ in version). Target: no user-visible step more than 1.5x slower.
Then: converting a BIG-application plain database, and signing in (argon2id unwrapping of the
key copy, and the whole sign-in that opens the database).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import event

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.services.station.station_access import keys_path, sign_in
from clerk_app.services.supervision.reports import LogQuery, LogScope
from clerk_app.store import database
from clerk_app.store.cipher import DataKey
from clerk_app.store.conversion import convert_to_encrypted
from clerk_app.store.keys import DEFAULT_COST, KeyFile
from tests.bench.bench_daily_log import DAYS, NOW, fill
from tests.bench.stats import median
from tests.sync_station import bundled_matter, confirm_intake

PASSWORD = "admin2026x"


def plain_station(folder: Path, size: int, seed_count: int) -> float:
    """A plain station of `size` applications; returns the seconds it took."""
    started = time.perf_counter()
    services = open_services(Config(data_dir=folder), key=None, log_to_file=False)
    services.ctx.clock = lambda: NOW
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    services.accounts.create_first_admin("admin", "王管理", PASSWORD)
    fill(services, size, min(seed_count, size))
    services.close()
    return time.perf_counter() - started


def encrypted_copy(plain: Path, folder: Path) -> tuple[DataKey, float]:
    """The same station converted to SQLCipher (key file with the admin's copy)."""
    shutil.copytree(plain, folder)
    key = DataKey.generate()
    keys = KeyFile.create(keys_path(Config(data_dir=folder)), key)
    keys.new_recovery(key)
    keys.put_account("admin", PASSWORD, key)
    keys.save()
    report = convert_to_encrypted(Config(data_dir=folder).database_path, key)
    return key, report.seconds


def opened(folder: Path, key: DataKey | None, *, same_engine: bool = False
           ) -> tuple[Services, Actor]:
    if same_engine:  # plain file through sqlcipher3 (no key), same page cache as encrypted
        original = database.create_engine

        def unkeyed(url: Any, **kwargs: Any) -> Any:
            engine = original(url, module=sqlcipher3, **kwargs)
            event.listen(engine, "connect", lambda c, _r: c.execute(
                f"PRAGMA cache_size = -{database.ENCRYPTED_CACHE_KIB}"))
            return engine

        database.create_engine = unkeyed  # type: ignore[assignment]
        try:
            services = open_services(Config(data_dir=folder), key=None, log_to_file=False)
        finally:
            database.create_engine = original  # type: ignore[assignment]
    else:
        services = open_services(Config(data_dir=folder), key=key, log_to_file=False)
    services.ctx.clock = lambda: NOW
    return services, services.accounts.sign_in("admin", PASSWORD)


def timed(job: Callable[[], Any]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def compare(label: str, jobs: dict[str, Callable[[int], Any]], runs: int) -> float:
    """Run the stations' jobs alternately; print medians and the ratios to both baselines."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for run in range(runs):
        for name, job in (jobs.items() if run % 2 == 0 else reversed(jobs.items())):
            times[name].append(timed(lambda job=job, run=run: job(run)))
    plain, same, encrypted = (median(times[n]) for n in ("plain", "plain*", "encrypted"))
    ratio = encrypted / plain if plain else float("nan")
    verdict = "ok" if max(ratio, encrypted / same) <= 1.5 else "OVER 1.5x"
    print(f"  {label:30} plain {plain * 1000:8.2f} ms  plain* {same * 1000:8.2f} ms  "
          f"encrypted {encrypted * 1000:8.2f} ms  x{ratio:4.2f} / x{encrypted / same:4.2f}*"
          f"  {verdict}")
    return ratio


def user_steps(stations: dict[str, tuple[Services, Actor]], runs: int) -> None:
    day, first = NOW.date(), NOW.date() - timedelta(days=DAYS - 1)
    code = bundled_matter(next(iter(stations.values()))[0])

    def per(make: Callable[[Services, Actor, int], Any]) -> dict[str, Callable[[int], Any]]:
        return {name: (lambda run, s=s, a=a: make(s, a, run))
                for name, (s, a) in stations.items()}

    for services, _actor in stations.values():  # the copied days hold numbers the counters
        services.ctx.clock = lambda: NOW + timedelta(days=1)  # do not know: take in tomorrow
    compare("intake commit (start + confirm)", per(
        lambda s, a, run: confirm_intake(s, a, code, FakePeople(10_000 + run))), runs)
    for services, _actor in stations.values():
        services.ctx.clock = lambda: NOW
    compare("today list", per(lambda s, a, _run: s.lookup.for_day(a, day)), runs)
    compare("application search «张»", per(lambda s, a, _run: s.lookup.search(a, "张")), runs)
    compare("matter search index build", per(lambda s, _a, _run: s.matters.refresh()), runs)
    compare(f"daily log, {DAYS} days", per(lambda s, a, _run: s.reports.daily_log(
        a, LogQuery(first, day, LogScope.station()))), max(3, runs // 3))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed-count", type=int, default=300)
    args = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"encryption at rest — Python {platform.python_version()}, SQLite "
          f"{sqlite3.sqlite_version} (plain), SQLCipher {sqlcipher3.sqlite_version} / "
          f"cipher {cipher_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        made = plain_station(root / "plain", args.size, args.seed_count)
        key, converted = encrypted_copy(root / "plain", root / "encrypted")
        print(f"station of {args.size} applications made in {made:.1f} s; converted to "
              f"SQLCipher in {converted:.2f} s "
              f"({(root / 'encrypted' / 'clerk.sqlite').stat().st_size / 2**20:.1f} MiB)")
        shutil.copytree(root / "plain", root / "plain-same-engine")
        stations = {"plain": opened(root / "plain", None),
                    "plain*": opened(root / "plain-same-engine", None, same_engine=True),
                    "encrypted": opened(root / "encrypted", key)}
        print(f"user-visible steps, medians of {args.runs} runs (baseline: plain SQLite):")
        try:
            user_steps(stations, args.runs)
        finally:
            for services, _actor in stations.values():
                services.close()

        big = root / "big"
        made = plain_station(big, args.big, args.seed_count)
        size = (big / "clerk.sqlite").stat().st_size / 2**20
        key = DataKey.generate()
        keys = KeyFile.create(keys_path(Config(data_dir=big)), key)
        keys.put_account("admin", PASSWORD, key)
        keys.save()
        report = convert_to_encrypted(big / "clerk.sqlite", key)
        print(f"conversion of a {args.big}-application database ({size:.1f} MiB plain, made in "
              f"{made:.0f} s): {report.seconds:.2f} s "
              f"(baseline: a plain copy of the file {copy_seconds(big):.2f} s)")

        keyfile = KeyFile.load(keys_path(Config(data_dir=root / "encrypted")))
        unwrap = [timed(lambda: keyfile.unlock("admin", PASSWORD)) for _ in range(5)]
        full = []
        for _ in range(3):
            started = time.perf_counter()
            result = sign_in(Config(data_dir=root / "encrypted"), "admin", PASSWORD,
                             log_to_file=False)
            full.append(time.perf_counter() - started)
            result.services.close()
        plain_open = []
        for _ in range(3):
            started = time.perf_counter()
            services, _actor = opened(root / "plain", None)
            plain_open.append(time.perf_counter() - started)
            services.close()
        print(f"sign-in: argon2id unwrap (t={DEFAULT_COST.time_cost}, "
              f"m={DEFAULT_COST.memory_kib // 1024} MiB, p={DEFAULT_COST.parallelism}) median "
              f"{median(unwrap) * 1000:.0f} ms; whole sign-in with opening the encrypted "
              f"database median {median(full) * 1000:.0f} ms (baseline: plain open + sign-in "
              f"{median(plain_open) * 1000:.0f} ms)")


def copy_seconds(folder: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(folder / "clerk.sqlite", folder / "copy.sqlite")
    with (folder / "copy.sqlite").open("rb+") as handle:
        os.fsync(handle.fileno())
    return time.perf_counter() - started


def cipher_version() -> str:
    connection = sqlcipher3.connect(":memory:")
    try:
        return str(connection.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        connection.close()


if __name__ == "__main__":
    main()
