"""Sync by file (同步文件): export what the platform has not acknowledged, relay a file.

`export_sync_file` writes every waiting outbox event and every page the platform does not
hold whole into one file sealed to the platform's public key (clerk_app/sync/sync_file.py);
nothing is marked as sent — only the platform's word does that, at the station's next
contact (it asks which events the platform holds, `/v1/events/held`, and which pages,
`/v1/pages/status`, so neither goes twice).
`relay_sync_file` hands a file, unopened, to the platform from any registered station.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.journal import audit
from clerk_app.services.station.sync_store import StationSyncStore
from clerk_app.sync.page_upload import StationPages
from clerk_app.sync.state import STATE_LAST_EXPORT, STATE_TOKEN
from clerk_app.sync.sync_file import (
    MAGIC,
    STATE_SYNC_FILE_KEY,
    FilePage,
    SyncFileContent,
    parse_public_key,
    seal,
)

log = logging.getLogger(__name__)

MAX_EVENTS = 1_000_000


class SyncFileProblem(ValueError):
    """The file cannot be written or relayed; the message says why, in Chinese."""


@dataclass(frozen=True)
class ExportResult:
    """What went into a sync file."""

    path: Path
    events: int
    pages: int
    page_bytes: int
    size: int


def export_sync_file(store: StationSyncStore, actor: Actor, out: Path) -> ExportResult:
    """Write the waiting events and pages into `out`, sealed to the platform's key."""
    values = store.get_values([STATE_TOKEN, STATE_SYNC_FILE_KEY])
    token, key_text = values.get(STATE_TOKEN, ""), values.get(STATE_SYNC_FILE_KEY, "")
    station = store.station_id()
    if not token or not station:
        raise SyncFileProblem(_("本站尚未在平台注册，不能导出同步文件（先在有网络时注册一次）"))
    if not key_text:
        raise SyncFileProblem(_("平台在注册时没有提供同步文件公钥，请重新注册站点后再导出"))
    platform_key = parse_public_key(key_text)
    events = store.pending_events(MAX_EVENTS)
    source = StationPages(store.ctx)
    pages = [FilePage(p.sha256, p.media_type, source.page_bytes(p.sha256))
             for p in source.pending_pages()]
    if not events and not pages:
        raise SyncFileProblem(_("没有需要导出的数据：平台已确认收到本站的全部记录和材料页面"))
    now = store.ctx.now()
    blob = seal(SyncFileContent(station, token, now.astimezone().isoformat(), events, pages),
                platform_key)
    out = out.expanduser()
    temp = out.with_name(out.name + ".part")
    try:
        with temp.open("wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise SyncFileProblem(_("无法写出同步文件 {path}：{reason}").format(
            path=out, reason=exc.strerror or type(exc).__name__)) from exc
    with store.ctx.db.transaction() as session:
        audit(session, actor, "sync_file_exported", "sync_file", out.name, now,
              after={"events": len(events), "pages": len(pages), "bytes": len(blob)})
    store.set_values({STATE_LAST_EXPORT: now.isoformat()})
    log.info("sync file exported: %d events, %d pages, %d bytes", len(events), len(pages),
             len(blob))
    return ExportResult(out, len(events), len(pages), sum(len(p.data) for p in pages), len(blob))


def read_sync_file(path: Path) -> bytes:
    """The file's bytes after a first look (the platform does the real check)."""
    try:
        blob = path.expanduser().read_bytes()
    except OSError as exc:
        raise SyncFileProblem(_("无法读取文件 {path}：{reason}").format(
            path=path, reason=exc.strerror or type(exc).__name__)) from exc
    if not blob.startswith(MAGIC):
        raise SyncFileProblem(_("{name} 不是 Clerk 同步文件").format(name=path.name))
    return blob


def relay_sync_file(adapter: Any, blob: bytes) -> dict[str, Any]:
    """Send a sync file to the platform unopened; the platform's answer (what it added)."""
    return dict(adapter.upload_sync_file(blob))
