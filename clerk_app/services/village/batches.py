"""At the village point: 代办回执, choosing cases to carry, the 材料交接单 and what is 在途."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.masking import mask_id_number, mask_name
from clerk_app.domain.numbering import parse_number
from clerk_app.domain.village import format_batch_number, parse_batch_number, transit_overdue
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.services.station.settings import load_settings
from clerk_app.services.village.errors import VillageError
from clerk_app.services.village.point import load_point
from clerk_app.services.village.powers import require_any
from clerk_app.services.village.scope import own_point
from clerk_app.store.models import Application, Collection, HandoverBatch, HandoverBatchItem

if TYPE_CHECKING:  # the papers' modules load reportlab: on first print, not at start-up
    from clerk_app.documents.village_paper import MaterialLine
    from clerk_app.documents.village_receipt import ReceiptData
    from clerk_app.documents.village_slip import SlipData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseRow:
    """A village case in a list (applicant masked)."""

    number: str
    matter_name: str
    applicant_masked: str
    status_label: str
    collected_at: datetime | None
    missing: int
    batch: str = ""
    sent_on: date | None = None
    overdue: bool = False  # 在途 longer than the rule allows


def material_lines(app: Application) -> tuple[MaterialLine, ...]:
    from clerk_app.documents.village_paper import MaterialLine

    return tuple(MaterialLine(m.name, m.form_required, m.copies_required, m.form_received,
                              m.copies_received, MaterialState(m.state).label)
                 for m in app.materials if m.applicable)


def find_case(session: Session, ctx: ServiceContext, actor: Actor, number: str) -> Application:
    parsed = parse_number(number)
    app = None if parsed is None else session.scalars(select(Application).where(
        Application.number == str(parsed), own_point(ctx, actor))).first()
    if app is None:
        raise VillageError([_("本代办点没有办件编号为 {n} 的办件").format(n=number)])
    return app


class VillageBatchService:
    """Receipts, hand-over slips and the 在途 watch at a village point."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: Callable[[], WorkCalendar]) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar

    # -- 代办回执 -------------------------------------------------------------------------

    def receipt_data(self, actor: Actor, number: str) -> ReceiptData:
        from clerk_app.documents.village_receipt import ReceiptData

        require_any(self.ctx, actor, Permission.COLLECT, Permission.INTAKE)
        point = load_point(self.ctx)
        settings = load_settings(self.ctx)
        with self.ctx.db.reading() as session:
            app = find_case(session, self.ctx, actor, number)
            row = session.scalars(select(Collection).where(
                Collection.application_id == app.id)).first()
            if row is None:
                raise VillageError([_("办件 {n} 不是代办点代收的办件").format(n=app.number)])
            matter = self.catalogue.matter(app.matter_code, app.matter_version)
            expected = self.calendar().add_working_days(row.collected_at.date(),
                                                        point.transit_days)
            limit = matter.promised_limit
            promised = (_("即时办结") if limit.days == 0
                        else _("承诺{d}内办结").format(d=limit.label))
            return ReceiptData(
                number=app.number, point_name=row.point_name, centre_name=settings.centre_name,
                matter_name=app.matter_name, applicant_name=app.applicant.name,
                applicant_doc_masked=mask_id_number(app.applicant.doc_number),
                collected_at=row.collected_at, agent_name=row.agent_name,
                agent_phone=row.agent_phone, materials=material_lines(app),
                missing=tuple(p["name"] for p in row.problems), appearance=tuple(row.appearance),
                expected_at_centre=expected, promised_days_text=promised,
                visits=len(app.visits))

    def receipt_pdf(self, actor: Actor, number: str) -> bytes:
        """The 代办回执 (printing is audited)."""
        data = self.receipt_data(actor, number)
        from clerk_app.documents.village_receipt import render_receipt

        pdf = render_receipt(data)
        with self.ctx.db.transaction() as session:
            audit(session, actor, "village_receipt_printed", "application", data.number,
                  self.ctx.now())
        return pdf

    # -- choosing and carrying ------------------------------------------------------------

    def to_carry(self, actor: Actor) -> list[CaseRow]:
        """代收 cases of this point not yet on a slip, oldest first."""
        require(self.ctx, actor, Permission.COLLECT)
        with self.ctx.db.reading() as session:
            rows = session.execute(select(Application, Collection).join(
                Collection, Collection.application_id == Application.id).where(
                Application.status == ApplicationStatus.COLLECTED.value,
                own_point(self.ctx, actor)).options(selectinload(Application.applicant))
                .order_by(Collection.collected_at)).all()
            return [CaseRow(a.number, a.matter_name, mask_name(a.applicant.name),
                            ApplicationStatus(a.status).label, c.collected_at, len(c.problems))
                    for a, c in rows]

    def make_batch(self, actor: Actor, numbers: Sequence[str]) -> str:
        """Put the chosen cases on a new slip: they become 在途 (one transaction, audited,
        outbox `village.batch_sent`). Returns the slip number."""
        require(self.ctx, actor, Permission.COLLECT)
        if not numbers:
            raise VillageError([_("请先勾选要送交中心的办件")])
        settings = load_settings(self.ctx)
        point = load_point(self.ctx)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            apps = [find_case(session, self.ctx, actor, n) for n in numbers]
            wrong = [a.number for a in apps if a.status != ApplicationStatus.COLLECTED.value]
            if wrong:
                raise VillageError([_("办件 {n} 不是待送交的代收件").format(n=n) for n in wrong])
            number = self._next_batch_number(session, settings.region_code,
                                             settings.station_code, now.date())
            batch = HandoverBatch(number=number, station_code=settings.station_id,
                                  origin="local", agent_name=actor.display_name,
                                  created_at=now, sent_on=now.date(), received_by="")
            session.add(batch)
            for position, app in enumerate(apps):
                batch.items.append(HandoverBatchItem(application_id=app.id, position=position))
                app.status = move(ApplicationStatus(app.status),
                                  ApplicationStatus.IN_TRANSIT).value
                app.updated_at = now
            session.flush()
            payload = {"number": number, "cases": [a.number for a in apps],
                       "agent_name": actor.display_name, "agent_phone": point.point_phone,
                       "point_name": point.point_name, "sent_on": now.date().isoformat()}
            audit(session, actor, "handover_batch_created", "handover_batch", number, now,
                  after=payload)
            emit(session, "village.batch_sent", number, payload, now)
        log.info("hand-over slip made with %d cases", len(numbers))
        return number

    @staticmethod
    def _next_batch_number(session: Session, region: str, station: str, day: date) -> str:
        prefix = f"{region}{station}{day:%Y%m%d}"
        used = session.scalars(select(HandoverBatch.number).where(
            HandoverBatch.number.like(prefix + "%"))).all()
        sequences = [b.sequence for n in used if (b := parse_batch_number(n)) is not None]
        return format_batch_number(region, station, day, max(sequences, default=0) + 1)

    def slip_data(self, actor: Actor, number: str) -> SlipData:
        from clerk_app.documents.village_slip import SlipCase, SlipData

        require_any(self.ctx, actor, Permission.COLLECT, Permission.INTAKE)
        settings = load_settings(self.ctx)
        point = load_point(self.ctx)
        with self.ctx.db.reading() as session:
            batch = session.scalars(select(HandoverBatch).where(
                HandoverBatch.number == number)).first()
            if batch is None:
                raise VillageError([_("没有编号为 {n} 的交接单").format(n=number)])
            cases = tuple(SlipCase(i.application.number, i.application.matter_name,
                                   mask_name(i.application.applicant.name),
                                   material_lines(i.application)) for i in batch.items)
            return SlipData(number=batch.number, point_name=point.point_name,
                            centre_name=settings.centre_name, agent_name=batch.agent_name,
                            agent_phone=point.point_phone, created_at=batch.created_at,
                            cases=cases)

    def slip_pdf(self, actor: Actor, number: str) -> bytes:
        """The 材料交接单 (printing is audited)."""
        data = self.slip_data(actor, number)
        from clerk_app.documents.village_slip import render_slip

        pdf = render_slip(data)
        with self.ctx.db.transaction() as session:
            audit(session, actor, "handover_slip_printed", "handover_batch", number,
                  self.ctx.now())
        return pdf

    # -- 在途 ------------------------------------------------------------------------------

    def in_transit(self, actor: Actor) -> list[CaseRow]:
        """Cases on a slip the centre has not checked in yet; `overdue` after the rule's
        working days (flagged to the agent and, on their screen, the supervisor)."""
        if not (allowed(actor, Permission.COLLECT) or allowed(actor, Permission.CENTRE_LOG)):
            require(self.ctx, actor, Permission.COLLECT)
        point = load_point(self.ctx)
        today = self.ctx.today()
        calendar = self.calendar()
        with self.ctx.db.reading() as session:
            rows = session.execute(select(Application, HandoverBatch).join(
                HandoverBatchItem, HandoverBatchItem.application_id == Application.id).join(
                HandoverBatch, HandoverBatch.id == HandoverBatchItem.batch_id).where(
                Application.status == ApplicationStatus.IN_TRANSIT.value,
                own_point(self.ctx, actor)).options(selectinload(Application.applicant))
                .order_by(HandoverBatch.sent_on, Application.number)).all()
            return [CaseRow(a.number, a.matter_name, mask_name(a.applicant.name),
                            ApplicationStatus(a.status).label, None, 0, b.number, b.sent_on,
                            transit_overdue(calendar, b.sent_on, today, point.transit_days))
                    for a, b in rows]
