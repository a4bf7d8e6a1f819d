"""Uploading material pages after the events (图片后传): ask the platform which pages it holds
and how many bytes of each, then send the rest in chunks that resume from the last byte the
platform acknowledged — after a cut link, a kill -9 or a platform restart alike. The same
content is never sent twice (pages are named by their SHA-256, which the platform checks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, select, update

from clerk_app.i18n import _
from clerk_app.services.attachments.page_files import PageDamaged
from clerk_app.services.attachments.service import AttachmentService
from clerk_app.services.station.context import ServiceContext
from clerk_app.store.models import MaterialPage, PageFile
from clerk_app.sync.api import PlatformError

log = logging.getLogger(__name__)

CHUNK_BYTES = 32 * 1024  # about 4 s at 64 kbit/s: a cut loses at most this much
STATUS_BATCH = 200

PAGE_STATUS_SHAPE: dict[str, Any] = {
    "type": "object", "required": ["pages"],
    "properties": {"pages": {"type": "array", "items": {
        "type": "object", "required": ["sha256", "received", "complete"],
        "properties": {"sha256": {"type": "string"}, "received": {"type": "integer"},
                       "complete": {"type": "boolean"}}}}},
}
ATTACHMENTS_SHAPE: dict[str, Any] = {
    "type": "object", "required": ["pages"],
    "properties": {"pages": {"type": "array", "items": {
        "type": "object",
        "required": ["material", "material_id", "page", "sha256", "size", "media_type", "received"],
        "properties": {"material": {"type": "integer"}, "material_id": {"type": "string"},
                       "page": {"type": "integer"},
                       "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                       "size": {"type": "integer"}, "media_type": {"type": "string"},
                       "received": {"type": "boolean"}}}}},
}
PAGE_CHUNK_SHAPE: dict[str, Any] = {
    "type": "object", "required": ["received", "complete"],
    "properties": {"received": {"type": "integer"}, "complete": {"type": "boolean"}},
}


class PageOffsetMismatch(PlatformError):
    """The platform holds a different number of bytes of the page than the chunk assumed."""

    default_message = "平台已收到的页面字节数与本机不一致，将从平台记录处续传。"

    def __init__(self, received: int) -> None:
        super().__init__(f"page offset mismatch, platform holds {received} bytes")
        self.received = received


class PageTransport(Protocol):
    """What the uploader needs from the platform adapter."""

    def page_status(self, hashes: Sequence[str]) -> dict[str, tuple[int, bool]]: ...

    def put_page_chunk(self, sha256: str, offset: int, size: int, media_type: str,
                       chunk: bytes) -> tuple[int, bool]: ...


@dataclass(frozen=True)
class PendingPage:
    """A page referenced by an application that the platform has not acknowledged whole."""

    sha256: str
    size: int
    media_type: str
    offset: int


@dataclass
class UploadTally:
    """What one upload run did."""

    pages_sent: int = 0
    pages_known: int = 0
    bytes_sent: int = 0
    chunks: int = 0
    damaged: int = 0
    resumed_at: dict[str, int] = field(default_factory=dict)


class StationPages:
    """The station's side: which pages wait, their bytes, and what the platform acknowledged."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.attachments = AttachmentService(ctx)

    def pending_pages(self) -> list[PendingPage]:
        """Pages of applications not yet held whole by the platform, oldest first."""
        with self.ctx.db.reading() as session:
            first = (select(MaterialPage.sha256, func.min(MaterialPage.id).label("first"))
                     .where(MaterialPage.application_id.is_not(None))
                     .group_by(MaterialPage.sha256).subquery())
            rows = session.execute(
                select(PageFile).join(first, first.c.sha256 == PageFile.sha256)
                .where(PageFile.uploaded_at.is_(None)).order_by(first.c.first)).scalars().all()
            return [PendingPage(r.sha256, r.size, r.media_type, r.upload_offset) for r in rows]

    def page_bytes(self, sha256: str) -> bytes:
        return self.attachments.page_bytes(sha256)

    def note_offset(self, sha256: str, offset: int) -> None:
        with self.ctx.db.transaction() as session:
            session.execute(update(PageFile).where(PageFile.sha256 == sha256)
                            .values(upload_offset=offset))

    def mark_uploaded(self, hashes: Iterable[str]) -> None:
        hashes = list(hashes)
        if not hashes:
            return
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            session.execute(update(PageFile).where(PageFile.sha256.in_(hashes))
                            .values(uploaded_at=now, upload_offset=PageFile.size))

    def summary(self) -> tuple[int, int]:
        """(pages waiting, bytes still to send) for the indicator and `sync export`."""
        pending = self.pending_pages()
        return len(pending), sum(p.size - p.offset for p in pending)


def station_pages_of(store: object) -> StationPages | None:
    """The page source of a station sync store (None for a store without a database)."""
    ctx = getattr(store, "ctx", None)
    return StationPages(ctx) if isinstance(ctx, ServiceContext) else None


def upload_pages(transport: PageTransport, source: StationPages, *,
                 chunk_bytes: int = CHUNK_BYTES,
                 check_cancel: Callable[[], None] = lambda: None,
                 say: Callable[[str], None] = lambda _text: None) -> UploadTally:
    """Send every waiting page the platform lacks, chunk by chunk, resuming where it stopped."""
    tally = UploadTally()
    pending = source.pending_pages()
    if not pending:
        return tally
    held: dict[str, tuple[int, bool]] = {}
    for start in range(0, len(pending), STATUS_BATCH):
        check_cancel()
        held.update(transport.page_status([p.sha256 for p in pending[start:start + STATUS_BATCH]]))
    known = [p.sha256 for p in pending if held.get(p.sha256, (0, False))[1]]
    source.mark_uploaded(known)
    tally.pages_known = len(known)
    waiting = [p for p in pending if p.sha256 not in set(known)]
    for number, page in enumerate(waiting, start=1):
        say(_("正在上传材料页面（{i}/{n}）").format(i=number, n=len(waiting)))
        try:
            _send_page(transport, source, page, held.get(page.sha256, (0, False))[0],
                       chunk_bytes, check_cancel, tally)
        except PageDamaged:  # one unreadable file must not hold back the other pages
            log.warning("page %s… unreadable at the station: skipped", page.sha256[:8])
            tally.damaged += 1
    return tally


def _send_page(transport: PageTransport, source: StationPages, page: PendingPage, offset: int,
               chunk_bytes: int, check_cancel: Callable[[], None], tally: UploadTally) -> None:
    data = source.page_bytes(page.sha256)
    if offset:
        tally.resumed_at[page.sha256] = offset
    mismatches = 0
    while True:
        check_cancel()
        chunk = data[offset:offset + chunk_bytes]
        try:
            received, complete = transport.put_page_chunk(
                page.sha256, offset, len(data), page.media_type, chunk)
        except PageOffsetMismatch as exc:
            mismatches += 1
            if mismatches > 3:
                raise
            offset = exc.received
            continue
        tally.chunks += 1
        tally.bytes_sent += len(chunk)
        if complete:
            source.mark_uploaded([page.sha256])
            tally.pages_sent += 1
            return
        offset = received
        source.note_offset(page.sha256, offset)
