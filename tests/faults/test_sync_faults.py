"""The sync pump under faults: randomized rounds through the fault proxy (every fault mode),
kill -9 of a child client process at random moments, and kills and restarts of the platform.

After every scenario: each confirmed application is at the platform exactly once with all its
events, the station's outbox is drained, back-office statuses arrived forward-only, the
catalogues agree, and `PRAGMA integrity_check` is ok on both databases.

Round counts are fixed (reproducible from the seeds) and sized for CI (about 300 rounds in a
few minutes); `CLERK_FAULT_ROUNDS=N` multiplies them for a soak run.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.application import ApplicationStatus, apply_platform_status
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.station.context import Actor
from clerk_app.services.station.sync_store import PLATFORM_STATUS
from clerk_app.store.models import Application, MatterRecord
from clerk_app.sync.engine import Outcome, SyncEngine
from tests.faults.proxy import Fault, FaultKind, FaultProxy
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import sample_matter, write_catalogue
from tests.sync_station import (
    confirm_intake,
    make_clerk,
    open_station,
    outbox_ids,
    register,
    sqlite_integrity,
)

ROOT = Path(__file__).resolve().parents[2]
SCALE = max(1, int(os.environ.get("CLERK_FAULT_ROUNDS", "1")))
MATTER = "510104-MZ-0001"
READ_TIMEOUT = 0.5  # a stall costs this much; the platform answers in milliseconds


def every_fault(rng: random.Random) -> list[Fault]:
    """One of each fault mode of the proxy, with random parameters."""
    return [
        Fault.reset_request(after_bytes=rng.randint(0, 400)),
        Fault.reset_response(after_bytes=rng.randint(0, 400)),
        Fault.reply(500),  # a gateway's HTML error page
        Fault.reply(502),
        Fault.reply(503, retry_after=rng.randint(1, 120)),
        Fault.reply(429, retry_after=rng.randint(1, 30)),
        Fault.stall(30),
        Fault.stall(30, before_upstream=True),
        Fault.truncate(after_bytes=rng.randint(0, 200), cut_connection=rng.random() < 0.5),
        Fault.corrupt(offset=rng.randint(0, 120), count=rng.randint(1, 8)),
        Fault.duplicate(),
    ]


@dataclass
class FaultStation:
    """A station whose every expectation is tracked: statuses set by the back office."""

    services: Services
    clerk: Actor
    code: str
    office: BackOffice
    platform_db: Path
    people: FakePeople
    statuses: dict[str, list[str]] = field(default_factory=dict)
    initial: dict[str, str] = field(default_factory=dict)

    def engine(self, seed: int, **kwargs: int) -> SyncEngine:
        engine = SyncEngine.for_station(self.services.ctx.config, self.services.sync_store,
                                        rng=random.Random(seed))
        for name, value in kwargs.items():
            setattr(engine, name, value)
        return engine

    def confirm(self) -> str:
        number = confirm_intake(self.services, self.clerk, MATTER, self.people)
        self.initial[number] = self.station_status(number)
        return number

    def station_status(self, number: str) -> str:
        with self.services.ctx.db.reading() as session:
            return session.scalars(select(Application.status).where(
                Application.number == number)).one()

    def remember_confirmed(self) -> None:
        """Applications confirmed by another process (the killed child)."""
        with self.services.ctx.db.reading() as session:
            for number, status in session.execute(select(Application.number,
                                                         Application.status)):
                self.initial.setdefault(number, status)

    def check(self) -> None:
        """The invariants of every scenario."""
        waiting, _oldest, parked = self.services.sync_store.outbox_summary()
        assert (waiting, parked) == (0, 0), f"{waiting} waiting, {parked} parked"
        connection = sqlite3.connect(f"file:{self.platform_db}?mode=ro", uri=True, timeout=30)
        try:
            ids = [row[0] for row in connection.execute(
                "SELECT id FROM events WHERE station = ?", (self.code,))]
            numbers = {row[0] for row in connection.execute(
                "SELECT application_no FROM applications WHERE station = ?", (self.code,))}
            versions = dict(connection.execute(
                "SELECT code, version FROM catalogue_matters WHERE status = 'active'"))
        finally:
            connection.close()
        assert len(ids) == len(set(ids)), "an event is at the platform twice"
        assert sorted(ids) == sorted(outbox_ids(self.services)), "events missing at the platform"
        assert numbers == set(self.initial), "confirmed applications missing at the platform"
        for number, changes in self.statuses.items():
            expected = ApplicationStatus(self.initial[number])
            for status in changes:
                expected = apply_platform_status(expected, PLATFORM_STATUS[status])
            assert self.station_status(number) == expected.value, number
        with self.services.ctx.db.reading() as session:
            held = dict(session.execute(select(MatterRecord.code, MatterRecord.version).where(
                MatterRecord.current.is_(True), MatterRecord.active.is_(True))).all())
        assert held == versions, "the station's catalogue differs from the platform's"
        assert self.services.ctx.db.integrity_ok()
        assert sqlite_integrity(self.platform_db) == "ok"


def new_station(tmp_path: Path, code: str, url: str, office: BackOffice,
                platform_db: Path, read_timeout: float = READ_TIMEOUT) -> FaultStation:
    services = open_station(tmp_path / f"station-{code}", code, url, read_timeout=read_timeout)
    clerk = make_clerk(services)
    register(services, office, code)
    return FaultStation(services, clerk, code, office, platform_db, FakePeople(int(code)))


def converge(station: FaultStation, engine: SyncEngine, proxy: FaultProxy,
             attempts: int = 5) -> list[Outcome]:
    """Run until everything is exchanged: `attempts` runs through the faults, then the link
    stops misbehaving (and answers may take their time) until it is done."""
    outcomes: list[Outcome] = []
    config = station.services.ctx.config
    short = config.read_timeout_s
    try:
        for attempt in range(attempts + 8):
            if attempt == attempts:
                proxy.clear_faults()
                proxy.offline = False
                config.read_timeout_s = 10.0
            report = engine.run_once(force=True)  # 立即同步: no real waiting in a test
            outcomes.append(report.outcome)
            if report.outcome is Outcome.DONE:
                return outcomes
    finally:
        config.read_timeout_s = short
    raise AssertionError(f"no convergence: {outcomes}")


@pytest.fixture
def station_factory(tmp_path: Path, reference_platform: RunningPlatform,
                    back_office: BackOffice) -> Iterator[list[FaultStation]]:
    made: list[FaultStation] = []
    yield made
    for station in made:
        station.services.close()


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_randomized_rounds_through_a_faulty_link(
        seed: int, tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
        back_office: BackOffice, fault_proxy: FaultProxy,
        station_factory: list[FaultStation]) -> None:
    station = new_station(tmp_path, station_code, fault_proxy.url, back_office,
                          reference_platform.db_path)
    station_factory.append(station)
    rng = random.Random(seed)
    engine = station.engine(seed, batch_count=rng.choice([2, 5, 50]))
    converge(station, engine, fault_proxy)  # first contact: the platform's catalogue
    synced: list[str] = []
    faults_seen: set[str] = set()
    for round_ in range(100 * SCALE):
        for _ in range(rng.randint(0, 3)):
            station.confirm()
        if synced and rng.random() < 0.3:  # the back office moves some applications
            number = rng.choice(synced)
            status = rng.choice(["in_review", "completed", "returned", "in_review"])
            station.office.set_status(number, status)
            station.statuses.setdefault(number, []).append(status)
        if rng.random() < 0.05:
            station.office.publish_matter({
                k: v for k, v in sample_matter("510104-SB-0001", f"城乡居民养老保险参保登记{round_}")
                .items() if k != "version"})
        fault_proxy.set_latency(rng.uniform(0, 0.01))
        faults = every_fault(rng)
        if round_ % 3:  # a stall costs a read timeout: in one round of three only
            faults = [f for f in faults if f.kind is not FaultKind.STALL]
        fault_proxy.random_faults(seed * 1000 + round_, rng.uniform(0.2, 0.7), faults)
        if rng.random() < 0.05:
            fault_proxy.go_offline()  # the link drops for a while
        converge(station, engine, fault_proxy)
        faults_seen.update(fault_proxy.counters.faults)
        station.check()
        synced = list(station.initial)
    assert len(faults_seen) == 7  # every fault mode happened


CHILD = r"""
import random, sys
from pathlib import Path
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.station.station_access import sign_in
from clerk_app.sync.engine import SyncEngine
from tests.sync_station import PASSWORD, confirm_intake

data, url, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
opened = sign_in(Config(data_dir=data, platform_url=url, connect_timeout_s=2, read_timeout_s=2),
                 "zhangli", PASSWORD, load_sample=False, log_to_file=False)  # encrypted station
services, clerk = opened.services, opened.actor
engine = SyncEngine.for_station(services.ctx.config, services.sync_store,
                                rng=random.Random(seed))
engine.batch_count = 3
rng, people = random.Random(seed), FakePeople(seed)
print("ready", flush=True)
while True:
    for _ in range(rng.randint(1, 4)):
        confirm_intake(services, clerk, "510104-MZ-0001", people)
    engine.run_once(force=True)
"""


def _start_child(data_dir: Path, url: str, seed: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), url, str(seed)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", "child client did not start"
    return child


def test_kill_minus_nine_of_the_client_at_random_moments(
        tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
        back_office: BackOffice, fault_proxy: FaultProxy,
        station_factory: list[FaultStation]) -> None:
    station = new_station(tmp_path, station_code, fault_proxy.url, back_office,
                          reference_platform.db_path)
    station_factory.append(station)
    engine = station.engine(5)
    converge(station, engine, fault_proxy)
    data_dir = station.services.ctx.config.data_dir
    rng = random.Random(2026)
    for round_ in range(14 * SCALE):
        fault_proxy.set_latency(rng.uniform(0.005, 0.03))
        fault_proxy.random_faults(round_, rng.uniform(0.0, 0.3), every_fault(rng))
        child = _start_child(data_dir, fault_proxy.url, round_)
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(child.pid, signal.SIGKILL)  # a power cut at a random moment
        child.wait(10)
        assert child.stdout is not None
        child.stdout.close()
        station.remember_confirmed()
        if station.initial and rng.random() < 0.4:
            number = rng.choice(sorted(station.initial))
            if back_office.application(number) is not None:
                back_office.set_status(number, "completed")
                station.statuses.setdefault(number, []).append("completed")
        converge(station, engine, fault_proxy)
        station.check()
    assert len(station.initial) > 14


def test_platform_killed_and_restarted_during_sync(
        tmp_path: Path, station_code: str) -> None:
    platform = start_platform(tmp_path / "platform",
                              catalogue=write_catalogue(tmp_path / "catalogue.json"))
    proxy = FaultProxy("127.0.0.1", platform.port)
    proxy.start()
    office = platform.back_office()
    station = new_station(tmp_path, station_code, proxy.url, office, platform.db_path,
                          read_timeout=10)
    try:
        engine = station.engine(3, batch_count=2)
        converge(station, engine, proxy)
        proxy.set_latency(0.02)
        rng = random.Random(99)
        for round_ in range(6 * SCALE):
            for _ in range(rng.randint(5, 15)):
                station.confirm()
            runner = threading.Thread(target=engine.run_once, kwargs={"force": True})
            runner.start()
            time.sleep(rng.uniform(0.0, 0.4))
            if round_ % 2:
                platform.kill()  # a power cut of the server
            else:
                platform.stop()  # an orderly restart (SIGTERM)
            runner.join(30)
            assert not runner.is_alive()
            platform = platform.restart()
            office.close()
            office = station.office = platform.back_office()
            converge(station, engine, proxy)
            station.check()
    finally:
        station.services.close()
        office.close()
        proxy.stop()
        platform.stop()
