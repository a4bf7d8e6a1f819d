"""`AttachmentService`: pages of an application's materials — add, list, reorder, remove.

Every write is one transaction with its audit entry and, for an application, one outbox
event `attachments.changed` carrying the material's whole ordered page list (the platform
keeps the list of the highest sequence number, so a replay or a late event cannot reorder
pages backwards). Pages may be reordered and removed until the application is accepted;
after that they may only be added. A page file is removed only when no material of any
application (or open draft) refers to it any more.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clerk_app.domain.numbering import parse_number
from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import (
    ATTACHMENT_CAP,
    PDF,
    PreparedPage,
    human_size,
)
from clerk_app.services.attachments.page_files import PageFiles
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.store.cipher import DataKey
from clerk_app.store.models import Application, ApplicationMaterial, Draft, MaterialPage, PageFile

log = logging.getLogger(__name__)

EVENT_TYPE = "attachments.changed"
_CLOSED = frozenset({"refused"})
# who may attach pages: the counter's intake and the village agent's 代收 (when that exists)
_CAPTURE = tuple(p for p in Permission if p.value in ("intake", "collect"))


class AttachmentError(ValueError):
    """The pages cannot be changed as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class PageInfo:
    """One attached page as lists and the large view show it."""

    id: int
    material_id: str
    position: int
    sha256: str
    media_type: str
    size: int
    width: int
    height: int
    page_count: int
    colour: bool
    original_name: str

    @property
    def is_pdf(self) -> bool:
        return self.media_type == PDF


@dataclass(frozen=True)
class MaterialPages:
    """The pages of one material, whether they may still be rearranged, and what will be sent."""

    material_id: str
    pages: tuple[PageInfo, ...]
    editable: bool

    @property
    def total(self) -> int:
        return sum(page.size for page in self.pages)

    def statement(self) -> str:
        """What will be sent to the platform for this material, against the 2 MB cap."""
        if not self.pages:
            return _("未附页面")
        over = [i for i, page in enumerate(self.pages, start=1) if page.size > ATTACHMENT_CAP]
        text = _("{n} 个附件，共 {size}").format(n=len(self.pages), size=human_size(self.total))
        if over:
            return text + _("；第 {pages} 个超过部分平台单个附件 2 MB 的上限，可能需要拆分").format(
                pages="、".join(str(i) for i in over))
        return text + _("，每个均不超过 2 MB")


@dataclass(frozen=True)
class _Owner:
    application: Application | None
    draft_id: int | None

    def where(self) -> Any:
        if self.application is not None:
            return MaterialPage.application_id == self.application.id
        return MaterialPage.draft_id == self.draft_id


class AttachmentService:
    """Pages of materials, stored content-addressed in `data_dir/pages`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def files(self) -> PageFiles:
        key: DataKey | None = getattr(self.ctx.db, "key", None)
        return PageFiles(self.ctx.config.data_dir / "pages", key)

    # -- reading ----------------------------------------------------------------------------

    def material_id_of(self, number: str, material_no: int) -> str:
        """The id of material N (1-based, as numbered in the checklist) of an application."""
        with self.ctx.db.reading() as session:
            app = _application(session, number)
            materials = sorted(app.materials, key=lambda m: m.position)
            if not 1 <= material_no <= len(materials):
                raise AttachmentError(_("办件 {n} 的材料清单只有 {k} 项，没有第 {i} 项").format(
                    n=app.number, k=len(materials), i=material_no))
            return materials[material_no - 1].material_id

    def application_pages(self, number: str) -> dict[str, MaterialPages]:
        """Every material's pages of an application, by material id."""
        with self.ctx.db.reading() as session:
            app = _application(session, number)
            return self._by_material(session, _Owner(app, None), _editable(app))

    def draft_pages(self, draft_id: int) -> dict[str, MaterialPages]:
        """Every material's pages of a draft (before confirmation)."""
        with self.ctx.db.reading() as session:
            return self._by_material(session, _Owner(None, draft_id), True)

    def page_bytes(self, sha256: str) -> bytes:
        """The normalized bytes of a page (unsealed, hash checked)."""
        return self.files.read(sha256)

    # -- writing ----------------------------------------------------------------------------

    def add_to_application(self, actor: Actor, number: str, material_id: str,
                           pages: Sequence[PreparedPage]) -> list[PageInfo]:
        """Append pages to a material of an application (allowed at any stage, audited)."""
        _require_capture(self.ctx, actor)
        self._write_files(pages)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = _application(session, number)
            _check_visible(self.ctx, actor, app)
            _material(app, material_id)
            added = self._append(session, _Owner(app, None), material_id, pages, actor, now)
            self._changed(session, actor, app, material_id, "attachments_added", now,
                          {"pages": [p.sha256 for p in pages]})
        return added

    def add_to_draft(self, actor: Actor, draft_id: int, material_id: str,
                     pages: Sequence[PreparedPage]) -> list[PageInfo]:
        """Append pages to a material of a draft; they move to the application at confirmation."""
        _require_capture(self.ctx, actor)
        self._write_files(pages)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            if session.get(Draft, draft_id) is None:
                raise AttachmentError(_("草稿已不存在（可能已确认或被放弃），请重新打开办件"))
            added = self._append(session, _Owner(None, draft_id), material_id, pages, actor, now)
            audit(session, actor, "attachments_added", "draft", str(draft_id), now,
                  after={"material_id": material_id, "pages": [p.sha256 for p in pages]})
        return added

    def reorder(self, actor: Actor, page_ids: Sequence[int], *, number: str | None = None,
                draft_id: int | None = None) -> None:
        """Put the pages of one material in the given order (all of them, each once)."""
        _require_capture(self.ctx, actor)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            owner = self._owner(session, actor, number, draft_id, changing=True)
            rows = [session.get(MaterialPage, page_id) for page_id in page_ids]
            if not rows or any(r is None for r in rows):
                raise AttachmentError(_("页面已不存在，请刷新后重试"))
            material_id = rows[0].material_id  # type: ignore[union-attr]
            current = self._rows(session, owner, material_id)
            if sorted(r.id for r in current) != sorted(page_ids):
                raise AttachmentError(_("页面已被改动，请刷新后重试"))
            before = [r.sha256 for r in current]
            for position, row in enumerate(rows):
                row.position = position  # type: ignore[union-attr]
            self._after_change(session, actor, owner, material_id, "attachments_reordered", now,
                               {"before": before})

    def remove(self, actor: Actor, page_id: int, *, number: str | None = None,
               draft_id: int | None = None) -> None:
        """Take a page off its material; its file goes when nothing else refers to it."""
        _require_capture(self.ctx, actor)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            owner = self._owner(session, actor, number, draft_id, changing=True)
            row = session.get(MaterialPage, page_id)
            if row is None or not _belongs(row, owner):
                raise AttachmentError(_("页面已不存在，请刷新后重试"))
            material_id, sha = row.material_id, row.sha256
            session.delete(row)
            session.flush()
            for position, rest in enumerate(self._rows(session, owner, material_id)):
                rest.position = position
            self._after_change(session, actor, owner, material_id, "attachment_removed", now,
                               {"removed": sha})
        self.collect_unreferenced()

    def adopt_draft_pages(self, session: Session, actor: Actor, draft_id: int,
                          number: str, now: datetime) -> int:
        """Move a confirmed draft's pages to its application (inside the confirmation's
        transaction) and emit one event per material; returns how many pages moved."""
        rows = list(session.scalars(select(MaterialPage).where(
            MaterialPage.draft_id == draft_id)))
        if not rows:
            return 0
        app = _application(session, number)
        offset: dict[str, int] = {}
        for row in sorted(rows, key=lambda r: (r.material_id, r.position)):
            if row.material_id not in offset:
                offset[row.material_id] = len(self._rows(session, _Owner(app, None),
                                                         row.material_id))
            row.application_id, row.draft_id = app.id, None
            row.position += offset[row.material_id]
        session.flush()
        for material_id in sorted(offset):
            self._changed(session, actor, app, material_id, "attachments_added", now,
                          {"from_draft": draft_id})
        return len(rows)

    def collect_unreferenced(self) -> int:
        """Remove page files (and rows) no application or open draft refers to; returns how many."""
        with self.ctx.db.transaction() as session:
            open_drafts = select(Draft.id)
            stale = session.scalars(select(MaterialPage).where(
                MaterialPage.application_id.is_(None),
                MaterialPage.draft_id.not_in(open_drafts))).all()
            for row in stale:
                session.delete(row)
            session.flush()
            used = select(MaterialPage.sha256)
            orphans = list(session.scalars(select(PageFile).where(
                PageFile.sha256.not_in(used))))
            for page in orphans:
                session.delete(page)
            hashes = [page.sha256 for page in orphans]
        for sha in hashes:  # after the commit: a rolled-back removal keeps its file
            self.files.remove(sha)
        if hashes:
            log.info("removed %d unreferenced page file(s)", len(hashes))
        return len(hashes)

    # -- internals --------------------------------------------------------------------------

    def _write_files(self, pages: Sequence[PreparedPage]) -> None:
        if not pages:
            raise AttachmentError(_("没有可添加的页面"))
        files = self.files
        for page in pages:
            files.write(page.sha256, page.data)

    def _owner(self, session: Session, actor: Actor, number: str | None,
               draft_id: int | None, *, changing: bool) -> _Owner:
        if number is not None:
            app = _application(session, number)
            _check_visible(self.ctx, actor, app)
            if changing and not _editable(app):
                raise AttachmentError(_("办件 {n} 已受理，材料页面只能补充，不能删除或调整顺序")
                                      .format(n=app.number))
            return _Owner(app, None)
        if draft_id is None:
            raise ValueError("number or draft_id")
        return _Owner(None, draft_id)

    def _rows(self, session: Session, owner: _Owner, material_id: str) -> list[MaterialPage]:
        return list(session.scalars(select(MaterialPage).where(
            owner.where(), MaterialPage.material_id == material_id)
            .order_by(MaterialPage.position, MaterialPage.id)))

    def _append(self, session: Session, owner: _Owner, material_id: str,
                pages: Sequence[PreparedPage], actor: Actor, now: datetime) -> list[PageInfo]:
        start = session.scalar(select(func.count()).select_from(MaterialPage).where(
            owner.where(), MaterialPage.material_id == material_id)) or 0
        added: list[tuple[MaterialPage, PageFile]] = []
        for offset, page in enumerate(pages):
            stored = session.get(PageFile, page.sha256)
            if stored is None:
                stored = PageFile(sha256=page.sha256, media_type=page.media_type, size=page.size,
                                  width=page.width, height=page.height,
                                  page_count=page.page_count, colour=page.colour,
                                  created_at=now, upload_offset=0)
                session.add(stored)
                session.flush()  # the page row before the rows that refer to it
            row = MaterialPage(
                application_id=owner.application.id if owner.application else None,
                draft_id=owner.draft_id, material_id=material_id, position=start + offset,
                sha256=page.sha256, original_name=page.original_name[:200], added_at=now,
                added_by=actor.user_id)
            session.add(row)
            added.append((row, stored))
        session.flush()
        return [_info(row, stored) for row, stored in added]

    def _after_change(self, session: Session, actor: Actor, owner: _Owner, material_id: str,
                      action: str, now: datetime, detail: dict[str, Any]) -> None:
        if owner.application is not None:
            self._changed(session, actor, owner.application, material_id, action, now, detail)
        else:
            audit(session, actor, action, "draft", str(owner.draft_id), now,
                  after={"material_id": material_id, **detail})

    def _changed(self, session: Session, actor: Actor, app: Application, material_id: str,
                 action: str, now: datetime, detail: dict[str, Any]) -> None:
        session.flush()
        material = _material(app, material_id)
        rows = self._rows(session, _Owner(app, None), material_id)
        pages = [{"sha256": r.sha256, **_page_facts(session, r.sha256)} for r in rows]
        payload = {"material_id": material_id, "material_name": material.name,
                   "material_no": material.position + 1, "pages": pages}
        audit(session, actor, action, "application", app.number, now,
              after={"material_id": material_id, "pages": [p["sha256"] for p in pages],
                     **detail})
        emit(session, EVENT_TYPE, app.number, payload, now)

    def _by_material(self, session: Session, owner: _Owner,
                     editable: bool) -> dict[str, MaterialPages]:
        rows = session.execute(select(MaterialPage, PageFile).join(
            PageFile, PageFile.sha256 == MaterialPage.sha256).where(owner.where())
            .order_by(MaterialPage.material_id, MaterialPage.position, MaterialPage.id)).all()
        grouped: dict[str, list[PageInfo]] = {}
        for row, page in rows:
            grouped.setdefault(row.material_id, []).append(_info(row, page))
        return {mid: MaterialPages(mid, tuple(pages), editable)
                for mid, pages in grouped.items()}


def _require_capture(ctx: ServiceContext, actor: Actor) -> None:
    if not any(allowed(actor, permission) for permission in _CAPTURE):
        require(ctx, actor, Permission.INTAKE)  # audits the refusal and raises


def _check_visible(ctx: ServiceContext, actor: Actor, app: Application) -> None:
    """An agent touches only their own point's cases (the village scope rule)."""
    from clerk_app.services.village.scope import visible

    if not visible(ctx, actor, app):
        raise AttachmentError(_("本代办点没有办件编号为 {n} 的办件").format(n=app.number))


def _application(session: Session, number: str) -> Application:
    parsed = parse_number(number.strip())
    if parsed is None:
        raise AttachmentError(_("办件编号「{n}」格式或校验位不对，请核对").format(n=number))
    app = session.scalars(select(Application).where(Application.number == str(parsed))).first()
    if app is None:
        raise AttachmentError(_("本站没有办件编号为 {n} 的办件").format(n=str(parsed)))
    return app


def _material(app: Application, material_id: str) -> ApplicationMaterial:
    for material in app.materials:
        if material.material_id == material_id:
            return material
    raise AttachmentError(_("办件 {n} 没有这项材料").format(n=app.number))


def _editable(app: Application) -> bool:
    """Pages may be rearranged until the application is accepted (or closed by a refusal)."""
    return app.accepted_on is None and app.status not in _CLOSED


def _belongs(row: MaterialPage, owner: _Owner) -> bool:
    if owner.application is not None:
        return row.application_id == owner.application.id
    return row.draft_id == owner.draft_id


def _page_facts(session: Session, sha256: str) -> dict[str, Any]:
    page = session.get(PageFile, sha256)
    assert page is not None
    return {"size": page.size, "media_type": page.media_type, "page_count": page.page_count}


def _info(row: MaterialPage, page: PageFile) -> PageInfo:
    return PageInfo(row.id, row.material_id, row.position, row.sha256, page.media_type,
                    page.size, page.width, page.height, page.page_count, page.colour,
                    row.original_name)
