"""Delivery of results by post or courier (邮寄送达): chosen, dispatched, delivered.

The applicant chooses post at intake or any time before the result is handed over, giving the
recipient, a phone and the address; when the result is ready the clerk records the courier and
the tracking number (寄出, outbox `result.posted`), and later the delivery (签收, status 已送达,
outbox `result.delivered`). No step adds a visit: the application is finished without another
trip (零跑动 for the result).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.handover import ResultItem, items_problems, readiness_problems
from clerk_app.domain.identity import validate_phone
from clerk_app.domain.masking import mask_address, mask_phone
from clerk_app.domain.rating import text_problem
from clerk_app.i18n import _
from clerk_app.services.results.handover import HandoverService, ResultsError, find_application
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.store.models import Application, PostalDelivery

log = logging.getLogger(__name__)

POSTAL = "邮寄送达"
COURIERS = ("中国邮政EMS", "顺丰速运", "京东物流", "中通快递", "圆通速递", "韵达快递",
            "申通快递", "极兔速递")
_TRACKING = re.compile(r"[0-9A-Z-]{6,30}")


class PostalStage(StrEnum):
    """Stages of a postal delivery."""

    CHOSEN = "chosen"  # 已选择邮寄，待寄出
    DISPATCHED = "dispatched"  # 已寄出
    DELIVERED = "delivered"  # 已签收
    CANCELLED = "cancelled"  # 改为窗口领取

    @property
    def label(self) -> str:
        return {PostalStage.CHOSEN: _("待寄出"), PostalStage.DISPATCHED: _("已寄出"),
                PostalStage.DELIVERED: _("已签收"),
                PostalStage.CANCELLED: _("已改为窗口领取")}[self]


@dataclass(frozen=True)
class PostalRow:
    """A postal delivery as a list shows it (phone and address masked unless allowed)."""

    number: str
    matter_name: str
    stage: str
    stage_label: str
    recipient_name: str
    recipient_phone: str
    address: str
    courier: str
    tracking_no: str
    dispatched_at: datetime | None
    delivered_on: date | None
    result_ready: bool


def _row(app: Application, postal: PostalDelivery, full: bool) -> PostalRow:
    status = ApplicationStatus(app.status)
    return PostalRow(
        number=app.number, matter_name=app.matter_name, stage=postal.stage,
        stage_label=PostalStage(postal.stage).label,
        recipient_name=postal.recipient_name,
        recipient_phone=postal.recipient_phone if full else mask_phone(postal.recipient_phone),
        address=postal.address if full else mask_address(postal.address),
        courier=postal.courier, tracking_no=postal.tracking_no,
        dispatched_at=postal.dispatched_at, delivered_on=postal.delivered_on,
        result_ready=status.result_ready)


class PostalService:
    """Choosing post, dispatching and confirming delivery of results."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 handover: HandoverService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.handover = handover

    def _postal(self, session: Session, app: Application) -> PostalDelivery | None:
        return session.scalars(select(PostalDelivery).where(
            PostalDelivery.application_id == app.id)).first()

    def choose(self, actor: Actor, number: str, recipient_name: str, phone: str,
               address: str) -> PostalRow:
        """The applicant chooses delivery by post (at intake or later), with the address."""
        require(self.ctx, actor, Permission.HANDOVER)
        now = self.ctx.now()
        problems = [p for p in (
            text_problem(recipient_name, _("收件人"), 100, required=True),
            text_problem(address, _("邮寄地址"), 500, required=True)) if p]
        checked = validate_phone(phone.strip())
        if not checked.ok:
            problems.append(_("收件人电话：{reason}").format(reason=checked.reason))
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            status = ApplicationStatus(app.status)
            try:
                offered = self.catalogue.matter(app.matter_code, app.matter_version).delivery
            except KeyError:
                offered = ()
            if POSTAL not in offered:
                problems.append(_("事项「{m}」不提供邮寄送达（可选：{ways}）").format(
                    m=app.matter_name, ways="、".join(offered) or _("无")))
            if status in (ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED,
                          ApplicationStatus.REFUSED):
                problems.append(_("该办件当前为「{s}」，不能再选择邮寄送达").format(s=status.label))
            postal = self._postal(session, app)
            if postal is not None and postal.stage in (PostalStage.DISPATCHED,
                                                       PostalStage.DELIVERED):
                problems.append(_("办理结果已寄出，不能再修改邮寄地址"))
            if problems:
                raise ResultsError(problems)
            before = application_snapshot(app)
            if postal is None:
                postal = PostalDelivery(application_id=app.id, recipient_name="",
                                        recipient_phone="", address="", chosen_at=now)
                session.add(postal)
            postal.stage = PostalStage.CHOSEN
            postal.recipient_name = recipient_name.strip()
            postal.recipient_phone = checked.normalized
            postal.address = address.strip()
            postal.chosen_at = now
            app.delivery_method = POSTAL
            app.updated_at = now
            session.flush()
            after = application_snapshot(app)
            audit(session, actor, "postal_chosen", "application", app.number, now, before,
                  {**after, "postal": self._detail(postal)})
            emit(session, "result.postal_chosen", app.number,
                 {"number": app.number, "delivery_method": POSTAL, **self._detail(postal)}, now)
            return _row(app, postal, allowed(actor, Permission.SEE_FULL_ID))

    @staticmethod
    def _detail(postal: PostalDelivery) -> dict[str, Any]:
        return {"stage": postal.stage, "recipient_name": postal.recipient_name,
                "recipient_phone": postal.recipient_phone, "address": postal.address,
                "courier": postal.courier, "tracking_no": postal.tracking_no,
                "items": postal.items,
                "dispatched_at": postal.dispatched_at.isoformat() if postal.dispatched_at
                else None,
                "delivered_on": postal.delivered_on.isoformat() if postal.delivered_on else None,
                "signed_by": postal.signed_by}

    def dispatch(self, actor: Actor, number: str, courier: str, tracking_no: str,
                 items: Sequence[ResultItem | tuple[str, int]]) -> PostalRow:
        """The result leaves by courier: courier, tracking number and what is in the envelope."""
        require(self.ctx, actor, Permission.HANDOVER)
        things = [i if isinstance(i, ResultItem) else ResultItem(str(i[0]), int(i[1]))
                  for i in items]
        tracking = "".join(tracking_no.split()).upper()
        problems = items_problems(things)
        if not courier.strip():
            problems.append(_("请选择或填写快递公司"))
        elif len(courier.strip()) > 40:
            problems.append(_("快递公司名称过长"))
        if not _TRACKING.fullmatch(tracking):
            problems.append(_("快递单号应为 6–30 位数字或字母"))
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            postal = self._postal(session, app)
            if postal is None or postal.stage != PostalStage.CHOSEN:
                problems.insert(0, _("该办件没有待寄出的邮寄送达，请先登记收件人和地址")
                                if postal is None or postal.stage == PostalStage.CANCELLED
                                else _("该办件的办理结果已寄出"))
            else:
                problems[:0] = readiness_problems(
                    self.handover.result_state(session, app), now.date())
            if problems:
                raise ResultsError(problems)
            assert postal is not None
            postal.stage = PostalStage.DISPATCHED
            postal.courier = courier.strip()
            postal.tracking_no = tracking
            postal.items = [{"name": t.name.strip(), "count": t.count} for t in things]
            postal.dispatched_at = now
            postal.dispatched_by = actor.user_id
            app.updated_at = now
            session.flush()
            detail = self._detail(postal)
            audit(session, actor, "result_posted", "application", app.number, now,
                  after={"postal": detail})
            emit(session, "result.posted", app.number, {"number": app.number, **detail}, now)
            row = _row(app, postal, allowed(actor, Permission.SEE_FULL_ID))
        log.info("result posted")
        return row

    def confirm_delivered(self, actor: Actor, number: str, delivered_on: date | None = None,
                          signed_by: str = "") -> PostalRow:
        """The courier reports delivery: the application is 已送达, without another visit."""
        require(self.ctx, actor, Permission.HANDOVER)
        now = self.ctx.now()
        day = delivered_on or now.date()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            postal = self._postal(session, app)
            problems = []
            if postal is None or postal.stage != PostalStage.DISPATCHED:
                problems.append(_("该办件没有已寄出待签收的邮件"))
            elif postal.dispatched_at is not None and day < postal.dispatched_at.date():
                problems.append(_("签收日期不能早于寄出日期 {d}").format(
                    d=postal.dispatched_at.date().isoformat()))
            if day > now.date():
                problems.append(_("签收日期不能晚于今天"))
            problem = text_problem(signed_by, _("签收人"), 100, required=False)
            if problem:
                problems.append(problem)
            if problems:
                raise ResultsError(problems)
            assert postal is not None
            before = application_snapshot(app)
            postal.stage = PostalStage.DELIVERED
            postal.delivered_on = day
            postal.signed_by = signed_by.strip()
            postal.confirmed_at = now
            app.status = move(ApplicationStatus(app.status), ApplicationStatus.DELIVERED).value
            app.updated_at = now
            session.flush()
            session.refresh(app)
            after = application_snapshot(app)
            detail = self._detail(postal)
            audit(session, actor, "result_delivered", "application", app.number, now, before,
                  {**after, "postal": detail})
            emit(session, "result.delivered", app.number,
                 {"number": app.number, "status": app.status, **detail}, now)
            return _row(app, postal, allowed(actor, Permission.SEE_FULL_ID))

    def deliveries(self, actor: Actor, stages: Sequence[str] = (PostalStage.CHOSEN,
                                                                PostalStage.DISPATCHED)
                   ) -> list[PostalRow]:
        """Postal deliveries at these stages (to post, or waiting for delivery), oldest first."""
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            rows = session.scalars(select(PostalDelivery).where(
                PostalDelivery.stage.in_(list(stages))).order_by(PostalDelivery.chosen_at)).all()
            return [_row(p.application, p, full) for p in rows]

    def of(self, actor: Actor, number: str) -> PostalRow | None:
        """The postal delivery of one application, if post was chosen."""
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            postal = self._postal(session, app)
            return None if postal is None else _row(app, postal, full)
