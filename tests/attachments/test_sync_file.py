"""Sync by file against the reference platform: `sync export` at a village point without
network, `sync upload` from another station; each event and page applied once whatever the
order or repetition, a truncated or altered file refused whole, and the village station's
next contact sending no page bytes the platform already holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk_app.cli import main
from clerk_app.sync.engine import Outcome, SyncEngine
from clerk_app.sync.page_upload import StationPages
from clerk_app.sync.state import STATE_TOKEN
from tests.attachments.page_station import case_with_pages, scanned_page
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import PASSWORD, make_clerk, open_station, outbox_ids, register


def _cli(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), "--user", "zhangli", *args])


def test_export_relay_and_next_contact(
        tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
        station_code: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, cheap_kdf: None) -> None:
    monkeypatch.setenv("CLERK_PASSWORD", PASSWORD)
    village_dir, relay_dir = tmp_path / "village", tmp_path / "relay"
    village = open_station(village_dir, station_code, reference_platform.url)
    clerk = make_clerk(village)
    register(village, back_office, station_code)
    relay_code = station_code[:6] + f"{(int(station_code[6:]) + 700) % 1000:03d}"
    relay = open_station(relay_dir, relay_code, reference_platform.url)
    make_clerk(relay)
    register(relay, back_office, relay_code)
    relay.ctx.config.save()  # the command reads the platform address from settings.json
    relay.close()

    first_pages = [scanned_page(41), scanned_page(42, colour=True)]
    first = case_with_pages(village, clerk, first_pages, seed=41)
    file_a, file_b = tmp_path / "a.clerksync", tmp_path / "b.clerksync"
    assert _cli(village_dir, "sync", "export", "--out", str(file_a)) == 0
    assert "2 个材料页面" in capsys.readouterr().out
    blob = file_a.read_bytes()
    in_file_a = outbox_ids(village)
    token = village.sync_store.get_cursor(STATE_TOKEN) or ""
    assert first_pages[0].data[1000:1064] not in blob and token.encode() not in blob
    assert first.encode() not in blob  # the application number is not readable either

    third = scanned_page(43)
    second = case_with_pages(village, clerk, [third], seed=43)
    assert _cli(village_dir, "sync", "export", "--out", str(file_b)) == 0  # overlaps file A
    capsys.readouterr()
    assert _cli(village_dir, "sync", "--once") == 5  # no platform address on this laptop
    assert "材料页面待上传：3 页" in capsys.readouterr().out

    # a truncated and an altered copy are refused whole; nothing reaches the platform
    (tmp_path / "cut.clerksync").write_bytes(blob[:-100])
    altered = bytearray(blob)
    altered[len(altered) // 2] ^= 0x01
    (tmp_path / "altered.clerksync").write_bytes(bytes(altered))
    for name in ("cut.clerksync", "altered.clerksync"):
        assert _cli(relay_dir, "sync", "upload", str(tmp_path / name)) == 1
        assert "整个文件未采用" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    assert _cli(relay_dir, "sync", "upload", str(tmp_path / "notes.txt")) == 1
    assert "不是 Clerk 同步文件" in capsys.readouterr().err
    assert back_office.event_ids(station_code) == []

    assert _cli(relay_dir, "sync", "upload", str(file_a)) == 0
    out = capsys.readouterr().out
    assert f"站点 {station_code}" in out and "新记录 2 条" in out and "新页面 2 个" in out
    assert all(item["received"] for item in back_office.attachments(first))

    # the village station gets a network for a moment: the platform holds case 1 and its
    # pages, so only case 2's events and page go, and no byte of pages 1 and 2
    engine = SyncEngine.for_station(village.ctx.config, village.sync_store)
    report = engine.run_once(force=True)
    assert report.outcome is Outcome.DONE, report.error
    assert report.page_bytes == third.size and report.pages_sent == 1
    # the events file A carried are marked sent on the platform's word, not pushed again
    assert report.held == len(in_file_a) > 0
    assert report.pushed == len(outbox_ids(village)) - len(in_file_a)
    assert village.sync_store.outbox_summary()[0] == 0
    assert StationPages(village.ctx).pending_pages() == []

    # file B (overlapping A, and everything in it already synced) and A again add nothing
    for path in (file_b, file_a):
        assert _cli(relay_dir, "sync", "upload", str(path)) == 0
        out = capsys.readouterr().out
        assert "新记录 0 条" in out and "新页面 0 个" in out
    at_platform = back_office.event_ids(station_code)
    assert len(at_platform) == len(set(at_platform))
    assert sorted(at_platform) == sorted(outbox_ids(village))
    for number, pages in ((first, first_pages), (second, [third])):
        listed = back_office.attachments(number)
        assert [(i["sha256"], i["received"]) for i in listed] == [(p.sha256, True) for p in pages]
        assert [back_office.page(p.sha256) for p in pages] == [p.data for p in pages]

    # nothing left to export now
    assert _cli(village_dir, "sync", "export", "--out", str(tmp_path / "c.clerksync")) == 1
    assert "没有需要导出的数据" in capsys.readouterr().err
    village.close()
