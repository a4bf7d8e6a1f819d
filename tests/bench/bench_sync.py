"""Sync over a 2G-class link: the fault proxy capped at 64 kbit/s each way with 600 ms round
trips, in front of the reference platform.

1. 1,000 confirmed applications (demo intakes) pushed by `SyncEngine.run_once` (gzip batches
   bounded by count and bytes): wall time, bytes on the wire per application, requests.
   Baseline, in the same run through the same proxy: a naive client POSTing each application
   as plain JSON (a batch of one, no gzip, keep-alive). The naive client is timed on a sample
   of the applications (it needs about a second each) and scaled to 1,000.
2. An unchanged catalogue check (ETag, 304): bytes and time.
3. 10 changed matters out of a 5,000-matter catalogue: bytes and time of the delta pull,
   against the full catalogue download as the baseline.

Run: python -m tests.bench.bench_sync [--runs 3] [--naive-sample 60]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import func, select, update

from clerk_app.app import Services
from clerk_app.services.station.demo import generate_demo
from clerk_app.store.models import OutboxEvent
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.engine import Outcome, SyncEngine
from clerk_app.sync.http_batching import encode_json
from clerk_app.sync.ports import CURSOR_CATALOGUE, CURSOR_CATALOGUE_ETAG
from tests.bench.stats import median
from tests.faults.proxy import FaultProxy
from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import sample_catalogue, sample_matter, write_catalogue
from tests.sync_station import open_station, register

STATION = "510104001"
APPLICATIONS = 1000
BANDWIDTH = 64_000  # bits per second, each way
ONE_WAY = 0.3  # seconds: 600 ms round trip


def _slow_link(proxy: FaultProxy) -> None:
    proxy.set_bandwidth(BANDWIDTH)
    proxy.set_latency(ONE_WAY)
    proxy.reset_counters()


def _fast_link(proxy: FaultProxy) -> None:
    proxy.set_bandwidth(None)
    proxy.set_latency(0.0)


def _template(folder: Path) -> Path:
    """A station database with exactly APPLICATIONS confirmed applications."""
    services = open_station(folder, STATION)
    seed = 2026
    while _events(services) < APPLICATIONS:
        generate_demo(services, APPLICATIONS - _events(services), 1, seed=seed)
        seed += 1
    services.close()
    return folder


def _events(services: Services) -> int:
    with services.ctx.db.reading() as session:
        return int(session.scalar(select(func.count(OutboxEvent.seq))) or 0)


def _copy_station(template: Path, target: Path, url: str) -> Services:
    shutil.copytree(template, target)
    services = open_station(target, STATION, url, read_timeout=120)
    return services


def _platform(folder: Path, catalogue: Path | None = None) -> tuple[RunningPlatform, FaultProxy]:
    folder.mkdir(parents=True, exist_ok=True)
    platform = start_platform(folder, catalogue=catalogue or write_catalogue(
        folder / "catalogue.json"))
    proxy = FaultProxy("127.0.0.1", platform.port)
    proxy.start()
    return platform, proxy


def _ours(template: Path, work: Path) -> dict[str, float]:
    """One push of every application by the engine over the slow link."""
    platform, proxy = _platform(work / "platform")
    services = _copy_station(template, work / "station", proxy.url)
    try:
        office = platform.back_office()
        register(services, office, STATION)
        engine = SyncEngine.for_station(services.ctx.config, services.sync_store,
                                        rng=random.Random(1))
        with services.ctx.db.transaction() as session:  # first contact without the outbox
            session.execute(update(OutboxEvent).values(sent_at=func.current_timestamp()))
        assert engine.run_once().outcome is Outcome.DONE
        with services.ctx.db.transaction() as session:
            session.execute(update(OutboxEvent).values(sent_at=None))
        _slow_link(proxy)
        started = time.perf_counter()
        report = engine.run_once()
        wall = time.perf_counter() - started
        counters = proxy.counters
        assert report.outcome is Outcome.DONE and report.pushed == APPLICATIONS, report
        assert len(office.event_ids(STATION)) == APPLICATIONS
        unchanged = _unchanged_catalogue(services, proxy)
        office.close()
        return {"wall": wall, "bytes": counters.bytes_up + counters.bytes_down,
                "requests": counters.requests, **unchanged}
    finally:
        services.close()
        proxy.stop()
        platform.stop()


def _unchanged_catalogue(services: Services, proxy: FaultProxy) -> dict[str, float]:
    """The ETag check of an unchanged catalogue over the slow link."""
    store = services.sync_store
    token = store.get_values(["station_token"])["station_token"]
    with ClerkSyncV1Adapter(proxy.url, token=token, read_timeout=60) as adapter:
        proxy.reset_counters()
        started = time.perf_counter()
        delta = adapter.pull_catalogue(store.get_cursor(CURSOR_CATALOGUE),
                                       store.get_cursor(CURSOR_CATALOGUE_ETAG))
        wall = time.perf_counter() - started
    assert delta.not_modified
    counters = proxy.counters
    return {"etag_bytes": counters.bytes_up + counters.bytes_down, "etag_wall": wall}


def _naive(template: Path, work: Path, sample: int) -> dict[str, float]:
    """A naive client: one plain-JSON POST per application, over the same slow link."""
    platform, proxy = _platform(work / "naive-platform")
    services = _copy_station(template, work / "naive-station", proxy.url)
    try:
        office = platform.back_office()
        register(services, office, STATION)
        token = services.sync_store.get_values(["station_token"])["station_token"]
        events = services.sync_store.pending_events(sample)
        _slow_link(proxy)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        for event in events:
            answer = session.post(f"{proxy.url}/v1/events", data=encode_json({"events": [event]}),
                                  headers={"Content-Type": "application/json"}, timeout=(10, 60))
            assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "applied"
        wall = time.perf_counter() - started
        session.close()
        counters = proxy.counters
        office.close()
        return {"wall": wall / len(events) * APPLICATIONS,
                "bytes": (counters.bytes_up + counters.bytes_down) / len(events) * APPLICATIONS,
                "requests": counters.requests / len(events) * APPLICATIONS}
    finally:
        services.close()
        proxy.stop()
        platform.stop()


def _big_catalogue(path: Path, size: int) -> Path:
    document = sample_catalogue()
    document["matters"] = [sample_matter(f"510104-ZZ-{n:05d}", f"测试事项{n:05d}号")
                           for n in range(size)]
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def _catalogue_delta(work: Path, runs: int) -> dict[str, list[float]]:
    """10 matters changed out of 5,000: the delta pull against the full download."""
    work.mkdir(parents=True, exist_ok=True)
    catalogue = _big_catalogue(work / "big-catalogue.json", 5000)
    platform, proxy = _platform(work / "big-platform", catalogue)
    services = open_station(work / "big-station", STATION, proxy.url, read_timeout=120)
    figures: dict[str, list[float]] = {"full_bytes": [], "full_requests": [], "delta_bytes": [],
                                       "delta_wall": [], "delta_requests": []}
    try:
        office = platform.back_office()
        register(services, office, STATION)
        engine = SyncEngine.for_station(services.ctx.config, services.sync_store,
                                        rng=random.Random(1))
        _fast_link(proxy)
        proxy.reset_counters()
        assert engine.run_once().catalogue_changed
        full = proxy.counters
        figures["full_bytes"].append(full.bytes_up + full.bytes_down)
        figures["full_requests"].append(full.requests)
        for run in range(runs):
            for n in range(10):
                matter = sample_matter(f"510104-ZZ-{run * 10 + n:05d}", f"测试事项（第{run + 2}版）")
                del matter["version"]
                office.publish_matter(matter)
            _slow_link(proxy)
            started = time.perf_counter()
            report = engine.run_once()
            wall = time.perf_counter() - started
            counters = proxy.counters
            assert report.catalogue_changed and report.outcome is Outcome.DONE
            figures["delta_bytes"].append(counters.bytes_up + counters.bytes_down)
            figures["delta_wall"].append(wall)
            figures["delta_requests"].append(counters.requests)
            _fast_link(proxy)
        office.close()
        return figures
    finally:
        services.close()
        proxy.stop()
        platform.stop()


def _median_of(rows: list[dict[str, float]], key: str) -> float:
    return median([row[key] for row in rows])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_sync")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=60)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        template = _template(root / "template")
        ours: list[dict[str, float]] = []
        naive: list[dict[str, float]] = []
        for run in range(args.runs):
            work = root / f"run{run}"
            ours.append(_ours(template, work))
            naive.append(_naive(template, work, args.naive_sample))
        delta = _catalogue_delta(root / "catalogue", args.runs)

    print(f"sync over {BANDWIDTH // 1000} kbit/s each way, {ONE_WAY * 2000:.0f} ms round trip; "
         f"medians of {args.runs} runs")
    wall, naive_wall = _median_of(ours, "wall"), _median_of(naive, "wall")
    per_app = _median_of(ours, "bytes") / APPLICATIONS
    naive_per_app = _median_of(naive, "bytes") / APPLICATIONS
    print(f"  push {APPLICATIONS} applications (engine):    wall {wall:8.1f} s   "
         f"{per_app:6.0f} B/application   {_median_of(ours, 'requests'):5.0f} requests")
    print(f"  naive baseline (1 plain POST each, {args.naive_sample} timed, scaled): wall "
         f"{naive_wall:8.1f} s   {naive_per_app:6.0f} B/application   "
         f"{_median_of(naive, 'requests'):5.0f} requests")
    print(f"  ratio vs naive baseline: {naive_wall / wall:5.1f}x faster, "
         f"{naive_per_app / per_app:5.1f}x fewer bytes   (targets: >= 5x faster, <= 500 B/app)")
    print(f"  unchanged catalogue check (ETag, 304): {_median_of(ours, 'etag_bytes'):5.0f} B on "
         f"the wire, {_median_of(ours, 'etag_wall') * 1000:6.0f} ms   (target: < 1 KB)")
    full_bytes = median(delta["full_bytes"])
    delta_bytes = median(delta["delta_bytes"])
    print(f"  10 of 5,000 matters changed: sync run {median(delta['delta_wall']):6.1f} s, "
         f"{delta_bytes:8.0f} B, {median(delta['delta_requests']):3.0f} requests; "
         f"full catalogue {full_bytes:9.0f} B ({median(delta['full_requests']):.0f} requests); "
         f"ratio vs full download: {full_bytes / delta_bytes:5.1f}x fewer bytes")


if __name__ == "__main__":
    main()
