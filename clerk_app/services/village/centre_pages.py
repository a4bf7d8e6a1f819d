"""At the centre: a village case's material pages, fetched from the platform and kept here.

The clerk checks each case of a 材料交接单 against its paper and its images. The page lists
are the village point's (its `attachments.changed` events); a page already held here is not
fetched again. Kept pages belong to the case like pages captured at the counter, so the
checklist shows them when the clerk decides the case, and they are never uploaded back."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import PDF
from clerk_app.services.attachments.service import AttachmentService, MaterialPages
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.village.errors import VillageError
from clerk_app.store.models import Application, MaterialPage, PageFile

PageListing = Callable[[str], list[dict[str, Any]]]
PageGetter = Callable[[str], bytes]
_BEFORE_DECISION = {ApplicationStatus.IN_TRANSIT.value, ApplicationStatus.CENTRE_RECEIVED.value}


@dataclass(frozen=True)
class ListedPage:
    """One page as the village point listed it."""

    material_id: str
    material_no: int
    sha256: str
    media_type: str
    size: int
    received: bool  # the platform holds it whole


@dataclass(frozen=True)
class FetchedPage:
    """A page's bytes fetched from the platform (hash checked by the adapter) and its facts."""

    data: bytes
    width: int
    height: int
    page_count: int
    colour: bool


@dataclass(frozen=True)
class CasePages:
    """What the platform lists for a case and what came with this fetch."""

    number: str
    listed: tuple[ListedPage, ...]
    fetched: dict[str, FetchedPage]

    @property
    def waiting(self) -> int:
        """Pages the village point has not finished uploading yet."""
        return sum(1 for page in self.listed if not page.received)


class CentrePages:
    """Fetching (off the GUI thread) and keeping a village case's pages at the centre."""

    def __init__(self, ctx: ServiceContext, attachments: AttachmentService) -> None:
        self.ctx = ctx
        self.attachments = attachments

    def fetch(self, actor: Actor, number: str, listing: PageListing,
              get_page: PageGetter) -> CasePages:
        """The case's page list and the pages not held here (network and disk: a worker)."""
        require(self.ctx, actor, Permission.INTAKE)
        listed = tuple(_listed(item) for item in listing(number) if _usable(item))
        files = self.attachments.files
        fetched: dict[str, FetchedPage] = {}
        for page in listed:
            if page.received and page.sha256 not in fetched and not files.exists(page.sha256):
                fetched[page.sha256] = _facts(get_page(page.sha256), page.media_type)
        return CasePages(number, listed, fetched)

    def keep(self, actor: Actor, pages: CasePages) -> dict[str, MaterialPages]:
        """Store the fetched pages and give the case the point's page lists (one transaction,
        audited; no outbox event: the platform has them). Before the centre's decision a
        material's list is replaced by the point's; after it, pages are only added."""
        require(self.ctx, actor, Permission.INTAKE)
        files = self.attachments.files
        for sha256, fetched in pages.fetched.items():
            files.write(sha256, fetched.data)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = session.scalars(select(Application).where(
                Application.number == pages.number)).first()
            if app is None:
                raise VillageError([_("本站没有办件 {n}，请先扫描交接单").format(n=pages.number)])
            before_decision = app.status in _BEFORE_DECISION
            known = {m.material_id for m in app.materials}
            changed: dict[str, list[str]] = {}
            for material_id in dict.fromkeys(p.material_id for p in pages.listed):
                wanted = [p for p in pages.listed if p.material_id == material_id and p.received
                          and (p.sha256 in pages.fetched
                               or session.get(PageFile, p.sha256) is not None)]
                if material_id not in known or not wanted:
                    continue
                rows = list(session.scalars(select(MaterialPage).where(
                    MaterialPage.application_id == app.id,
                    MaterialPage.material_id == material_id).order_by(MaterialPage.position)))
                if [r.sha256 for r in rows] == [p.sha256 for p in wanted]:
                    continue
                if before_decision:
                    for row in rows:
                        session.delete(row)
                    rows = []
                    session.flush()
                held, position = {r.sha256 for r in rows}, len(rows)
                for page in (p for p in wanted if p.sha256 not in held):
                    self._page_file(session, page, pages.fetched.get(page.sha256), now)
                    session.add(MaterialPage(
                        application_id=app.id, material_id=material_id, position=position,
                        sha256=page.sha256, original_name=_("代办点第 {n} 项材料").format(
                            n=page.material_no), added_at=now, added_by=actor.user_id))
                    held.add(page.sha256)
                    position += 1
                changed[material_id] = [p.sha256 for p in wanted]
            if changed:
                session.flush()
                audit(session, actor, "village_pages_received", "application", app.number, now,
                      after={"materials": changed})
        self.attachments.collect_unreferenced()
        return self.attachments.application_pages(pages.number)

    def material_names(self, number: str) -> dict[str, str]:
        """Material id → 「N 名称」 (N as numbered in the checklist), in checklist order."""
        with self.ctx.db.reading() as session:
            app = session.scalars(select(Application).where(
                Application.number == number)).first()
            if app is None:
                return {}
            return {m.material_id: f"{m.position + 1} {m.name}"
                    for m in sorted(app.materials, key=lambda m: m.position)}

    @staticmethod
    def _page_file(session: Session, page: ListedPage, fetched: FetchedPage | None,
                   now: datetime) -> None:
        if session.get(PageFile, page.sha256) is not None or fetched is None:
            return
        session.add(PageFile(sha256=page.sha256, media_type=page.media_type,
                             size=len(fetched.data), width=fetched.width, height=fetched.height,
                             page_count=fetched.page_count, colour=fetched.colour,
                             created_at=now, upload_offset=len(fetched.data), uploaded_at=now))
        session.flush()


def _usable(item: dict[str, Any]) -> bool:
    return (isinstance(item.get("sha256"), str) and isinstance(item.get("material_id"), str)
            and isinstance(item.get("received"), bool))


def _listed(item: dict[str, Any]) -> ListedPage:
    return ListedPage(item["material_id"], int(item.get("material") or 0), item["sha256"],
                      str(item.get("media_type") or ""), int(item.get("size") or 0),
                      item["received"])


def _facts(data: bytes, media_type: str) -> FetchedPage:
    """Width, height, pages and colour of a fetched page; VillageError when it is unusable."""
    try:
        if media_type == PDF or data[:5] == b"%PDF-":
            from pypdf import PdfReader
            from pypdf.errors import PyPdfError

            try:
                return FetchedPage(data, 0, 0, len(PdfReader(io.BytesIO(data)).pages), True)
            except PyPdfError as exc:
                raise ValueError("unreadable PDF") from exc
        with Image.open(io.BytesIO(data)) as image:
            return FetchedPage(data, image.width, image.height, 1, image.mode != "L")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise VillageError([_("平台发来的材料页面无法打开（{kind}），请稍后重试").format(
            kind=type(exc).__name__)]) from exc
