"""Page upload under faults: resets and truncation mid-chunk, kill -9 of the uploading client,
and a platform restart mid-file. Afterwards the platform's bytes hash equal to the station's
and nothing was sent twice beyond one chunk per interruption."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from clerk_app.app import Services
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import PlatformError
from clerk_app.sync.page_upload import StationPages, upload_pages
from clerk_app.sync.state import STATE_TOKEN
from tests.attachments.page_station import case_with_pages, new_page_station, scanned_page
from tests.faults.proxy import Fault, FaultProxy
from tests.platform import pages as platform_pages
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import write_catalogue

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 8 * 1024


class CountingTransport:
    """The real adapter, counting the chunk bytes put on the wire and injecting a proxy fault
    before chosen chunk requests (by their number, counted from 1)."""

    def __init__(self, adapter: ClerkSyncV1Adapter, proxy: FaultProxy | None = None,
                 faults: dict[int, Fault] | None = None) -> None:
        self.adapter, self.proxy, self.faults = adapter, proxy, dict(faults or {})
        self.calls = 0
        self.bytes_tried = 0

    def page_status(self, hashes: Sequence[str]) -> dict[str, tuple[int, bool]]:
        return self.adapter.page_status(hashes)

    def put_page_chunk(self, sha256: str, offset: int, size: int, media_type: str,
                       chunk: bytes) -> tuple[int, bool]:
        self.calls += 1
        fault = self.faults.pop(self.calls, None)
        if fault is not None and self.proxy is not None:
            self.proxy.inject(fault)
        self.bytes_tried += len(chunk)
        return self.adapter.put_page_chunk(sha256, offset, size, media_type, chunk)


def _adapter(services: Services, url: str) -> ClerkSyncV1Adapter:
    token = services.sync_store.get_cursor(STATE_TOKEN)
    return ClerkSyncV1Adapter(url, token=token, connect_timeout=2, read_timeout=3)


def _upload_until_done(source: StationPages, transport: CountingTransport,
                       limit: int = 20) -> int:
    """Run uploads until nothing waits; returns how many were cut short."""
    interruptions = 0
    for _ in range(limit):
        try:
            upload_pages(transport, source, chunk_bytes=CHUNK)
        except PlatformError:
            interruptions += 1
            continue
        if not source.pending_pages():
            return interruptions
    raise AssertionError("pages never finished uploading")


def _platform_bytes(platform_db: Path, sha256: str) -> bytes:
    from tests.platform.store import PlatformStore

    store = PlatformStore(f"sqlite:///{platform_db}")
    try:
        found = platform_pages.page_bytes(store, sha256)
        assert found is not None, "page missing at the platform"
        return found[0]
    finally:
        store.close()


def test_resets_and_truncation_mid_chunk(
        tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
        fault_proxy: FaultProxy, station_code: str) -> None:
    services, clerk = new_page_station(tmp_path, station_code, fault_proxy.url, back_office)
    pages = [scanned_page(11), scanned_page(12, colour=True)]
    case_with_pages(services, clerk, pages)
    faults = {
        3: Fault.reset_request(after_bytes=CHUNK // 2),  # the chunk never arrives whole
        7: Fault.reset_response(after_bytes=20),  # stored, but the answer is cut
        12: Fault.truncate(after_bytes=5, cut_connection=True),  # the answer breaks off
        17: Fault.reset_request(after_bytes=300),  # headers only
    }
    transport = CountingTransport(_adapter(services, fault_proxy.url), fault_proxy, faults)
    interruptions = _upload_until_done(StationPages(services.ctx), transport)
    assert interruptions == 4
    total = sum(p.size for p in pages)
    assert total < transport.bytes_tried <= total + interruptions * CHUNK
    for page in pages:
        held = _platform_bytes(reference_platform.db_path, page.sha256)
        assert hashlib.sha256(held).hexdigest() == page.sha256
        assert held == services.attachments.page_bytes(page.sha256)
    services.close()


CHILD = r"""
import sys
from pathlib import Path
from clerk_app.app import open_services
from clerk_app.config import Config
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.page_upload import StationPages, upload_pages
from clerk_app.sync.state import STATE_TOKEN

data, url = Path(sys.argv[1]), sys.argv[2]
services = open_services(Config(data_dir=data), load_sample=False, log_to_file=False)
adapter = ClerkSyncV1Adapter(url, token=services.sync_store.get_cursor(STATE_TOKEN),
                             connect_timeout=2, read_timeout=30)
print("ready", flush=True)
upload_pages(adapter, StationPages(services.ctx), chunk_bytes=8192)
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_minus_nine_mid_upload_resumes_from_the_last_acknowledged_byte(
        tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
        fault_proxy: FaultProxy, station_code: str) -> None:
    services, clerk = new_page_station(tmp_path, station_code, fault_proxy.url, back_office)
    page = scanned_page(21, colour=True)
    case_with_pages(services, clerk, [page])
    data_dir = services.ctx.config.data_dir
    services.close()
    fault_proxy.set_bandwidth(400_000)  # ~50 KB/s: the upload takes a few seconds
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), fault_proxy.url],
                             cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    store = reference_platform.open_store()
    try:
        deadline = time.monotonic() + 60
        while platform_pages.status(store, [page.sha256])[0]["received"] < page.size // 3:
            assert time.monotonic() < deadline, "the child uploaded nothing"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)  # a power cut mid-file
        child.wait(10)
        child.stdout.close()
        held_at_kill = platform_pages.status(store, [page.sha256])[0]["received"]
    finally:
        store.close()
    assert 0 < held_at_kill < page.size
    fault_proxy.set_bandwidth(None)
    from tests.attachments.page_station import open_page_station

    services = open_page_station(data_dir, station_code, fault_proxy.url)
    transport = CountingTransport(_adapter(services, fault_proxy.url))
    assert _upload_until_done(StationPages(services.ctx), transport) == 0
    # resumed where the platform stood: at most the chunk in flight at the kill again
    assert transport.bytes_tried <= page.size - held_at_kill + CHUNK
    held = _platform_bytes(reference_platform.db_path, page.sha256)
    assert held == services.attachments.page_bytes(page.sha256)
    services.close()


@pytest.mark.slow
def test_platform_restart_mid_file(tmp_path: Path, station_code: str) -> None:
    platform = start_platform(tmp_path / "platform",
                              catalogue=write_catalogue(tmp_path / "catalogue.json"))
    try:
        office = platform.back_office()
        services, clerk = new_page_station(tmp_path / "station", station_code, platform.url,
                                           office)
        page = scanned_page(31, colour=True)
        case_with_pages(services, clerk, [page])
        source = StationPages(services.ctx)
        transport = CountingTransport(_adapter(services, platform.url))
        stop_after = 5

        class Stop(Exception):
            pass

        def cancel() -> None:
            if transport.calls >= stop_after:
                raise Stop

        with pytest.raises(Stop):
            upload_pages(transport, source, chunk_bytes=CHUNK, check_cancel=cancel)
        platform.kill()  # the server loses power with half a page received
        platform = platform.restart()
        transport.adapter = _adapter(services, platform.url)
        assert _upload_until_done(source, transport) == 0
        assert transport.bytes_tried == page.size  # the chunks before the restart were kept
        assert _platform_bytes(platform.db_path, page.sha256) == page.data
        office.close()
        services.close()
    finally:
        platform.stop()
