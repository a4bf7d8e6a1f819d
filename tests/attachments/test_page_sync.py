"""Pages reach the reference platform after the events, once per content, hash-checked; the
back office lists and writes them (`python -m tests.platform.backoffice attachments`)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from clerk_app.sync.engine import Outcome, SyncEngine
from clerk_app.sync.page_upload import StationPages
from tests.attachments.page_station import case_with_pages, new_page_station, scanned_page
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform

ROOT = Path(__file__).resolve().parents[2]


def test_events_then_pages_once_and_the_back_office_sees_them(
        tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
        station_code: str) -> None:
    services, clerk = new_page_station(tmp_path / "a", station_code, reference_platform.url,
                                       back_office)
    pages = [scanned_page(1), scanned_page(2, colour=True)]
    number = case_with_pages(services, clerk, pages)
    engine = SyncEngine.for_station(services.ctx.config, services.sync_store)
    engine.page_chunk = 64 * 1024
    report = engine.run_once(force=True)
    assert report.outcome is Outcome.DONE, report.error
    assert report.pushed == 2  # application.confirmed, attachments.changed
    assert report.pages_sent == 2 and report.page_bytes == sum(p.size for p in pages)
    listed = back_office.attachments(number)
    assert [(i["material"], i["page"], i["size"], i["sha256"], i["received"]) for i in listed] == [
        (2, n, p.size, p.sha256, True) for n, p in enumerate(pages, start=1)]

    again = engine.run_once(force=True)  # nothing left: no page bytes
    assert again.outcome is Outcome.DONE and again.page_bytes == 0

    out = tmp_path / "received"
    run = subprocess.run(
        [sys.executable, "-m", "tests.platform.backoffice", "--url", reference_platform.url,
         "--admin-key", reference_platform.admin_key, "attachments", number, "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    printed = json.loads(run.stdout)
    assert [(i["material"], i["page"], i["size"], i["sha256"]) for i in printed] == [
        (2, n, p.size, p.sha256) for n, p in enumerate(pages, start=1)]
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [i["file"] for i in printed]
    assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == [
        p.sha256 for p in pages]
    assert files[0].read_bytes() == services.attachments.page_bytes(pages[0].sha256)

    # a second station with the same page content: the platform has it, nothing is re-sent
    other_code = station_code[:6] + f"{(int(station_code[6:]) + 500) % 1000:03d}"
    other, other_clerk = new_page_station(tmp_path / "b", other_code, reference_platform.url,
                                          back_office)
    case_with_pages(other, other_clerk, [pages[0]], seed=9)
    second = SyncEngine.for_station(other.ctx.config, other.sync_store).run_once(force=True)
    assert second.outcome is Outcome.DONE
    assert second.pages_sent == 0 and second.page_bytes == 0
    assert other.attachments.files.exists(pages[0].sha256)
    assert StationPages(other.ctx).pending_pages() == []  # marked as held by the platform
    services.close()
    other.close()


def test_an_unreadable_page_file_does_not_hold_back_the_others(
        tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
        station_code: str) -> None:
    services, clerk = new_page_station(tmp_path, station_code, reference_platform.url,
                                       back_office)
    pages = [scanned_page(51), scanned_page(52)]
    case_with_pages(services, clerk, pages)
    services.attachments.files.path(pages[0].sha256).write_bytes(b"damaged")
    report = SyncEngine.for_station(services.ctx.config, services.sync_store).run_once(
        force=True)
    assert report.outcome is Outcome.DONE and report.pages_sent == 1
    assert [p.sha256 for p in StationPages(services.ctx).pending_pages()] == [pages[0].sha256]
    assert back_office.page(pages[1].sha256) == pages[1].data
    services.close()
