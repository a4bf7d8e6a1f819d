"""Thumbnails of stored pages, made on a worker thread (Pillow) and shown as QPixmaps."""

from __future__ import annotations

import io

from PIL import Image
from PySide6.QtGui import QPixmap

from clerk_app.services.attachments.service import AttachmentService, PageInfo

THUMB_SIDE = 56
VIEW_SIDE = 1400  # a page in the large view (stored pages may be 2,000 px)


def thumbnail_bytes(service: AttachmentService, page: PageInfo, side: int = THUMB_SIDE) -> bytes:
    """A small JPEG of an image page (empty for a PDF: the strip draws a label instead)."""
    if page.is_pdf:
        return b""
    image = Image.open(io.BytesIO(service.page_bytes(page.sha256)))
    image.draft("L" if image.mode == "L" else "RGB", (side * 2, side * 2))
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def pixmap_of(data: bytes) -> QPixmap:
    """A pixmap from JPEG bytes (GUI thread: small images only)."""
    pixmap = QPixmap()
    if data:
        pixmap.loadFromData(data, "JPEG")
    return pixmap
