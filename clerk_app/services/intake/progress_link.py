"""The progress QR of a notice (进度查询二维码): link, printed address and 查询码 of one number.

The address is the centre setting `qr_base_url` when set, else the one the platform gave at
registration (sync_state); the 查询码 comes from the station's secret, offline. Without an
address there is nothing: no QR, no code, no footer sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.check_code import check_code, progress_link
from clerk_app.store.models import SyncState
from clerk_app.sync.progress_address import PROGRESS_STATE_NAMES, link_source


@dataclass(frozen=True)
class NoticeProgress:
    """What a notice prints about the progress page ("" everywhere when there is none)."""

    progress_link: str = ""
    progress_address: str = ""
    check_code: str = ""


def stored_progress_values(session: Session) -> dict[str, str]:
    """The progress address, secret and ETag kept in sync_state."""
    rows = session.scalars(select(SyncState).where(SyncState.name.in_(PROGRESS_STATE_NAMES)))
    return {row.name: row.value for row in rows}


def notice_progress(session: Session, override_url: str, number: str) -> NoticeProgress:
    """Link, printed address and 查询码 for `number` (empty when no address is known)."""
    source = link_source(stored_progress_values(session), override_url)
    if source is None or not number:
        return NoticeProgress()
    code = check_code(source.secret, number) if source.secret is not None else ""
    return NoticeProgress(progress_link(source.url, number, code), source.url, code)
