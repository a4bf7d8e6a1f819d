"""Result handover at the window (统一窗口出件): readiness, the collector check, the 送达回证.

A handover is one transaction: the handover row, the visit (跑动) it is part of, the status
已出件, an audit entry and the outbox event `result.handed_over`. A trip is one calendar day:
a result handed over on the day of another service on the same application (a 即办件 decided
and handed over at once, or deferred materials brought in and the result collected) joins that
day's visit instead of counting a second trip.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.documents.notice_data import Handover, NoticeKind
from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.handover import (
    ApplyingParty,
    Collector,
    CollectorRole,
    OwedMaterial,
    ResultItem,
    ResultState,
    collector_problems,
    default_items,
    deferred_blocks_result,
    items_problems,
    readiness_problems,
)
from clerk_app.domain.identity import DocumentType, normalize_number
from clerk_app.domain.masking import mask_id_number
from clerk_app.domain.numbering import parse_number
from clerk_app.i18n import _
from clerk_app.services.intake.notices import NoticeService, RenderedNotice
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import load_settings
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.store.models import (
    Application,
    HandoverRecord,
    PostalDelivery,
    Rating,
    Visit,
)

log = logging.getLogger(__name__)

SERVICE_RECEIPT_COPIES = ("送达机关存档",)  # signed by the recipient, kept on file


class ResultsError(ValueError):
    """A handover, delivery or rating that cannot be done as asked; `problems` are Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Readiness:
    """Whether an application's result can be handed over now, and what the clerk needs."""

    number: str
    matter_name: str
    status: ApplicationStatus
    problems: tuple[str, ...]
    due_date: date | None
    due_provisional: bool
    applicant_type: str
    applicant_name: str
    applicant_document: str  # label and masked number, for the clerk to compare
    agent_name: str
    delivery_method: str
    owed: tuple[OwedMaterial, ...]
    suggested_items: tuple[ResultItem, ...]
    notes: tuple[str, ...]
    visits: int

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class HandoverResult:
    """What a handover wrote, and what the 送达回证 prints."""

    handover_id: int
    number: str
    status: ApplicationStatus
    visits: int
    new_trip: bool
    receipt: Handover
    rating_visit_id: int | None  # the visit to rate now (None: already rated today)


def find_application(session: Session, number: str) -> Application:
    """The application with this number (typed or scanned), or ResultsError."""
    parsed = parse_number(number)
    if parsed is None:
        raise ResultsError([_("办件编号「{n}」格式或校验位不对，请核对").format(n=number.strip())])
    app = session.scalars(select(Application).where(Application.number == str(parsed))).first()
    if app is None:
        raise ResultsError([_("本站没有办件编号为 {n} 的办件").format(n=str(parsed))])
    return app


def owed_materials(app: Application) -> tuple[OwedMaterial, ...]:
    """The 容缺 materials of an application still owed."""
    return tuple(OwedMaterial(m.material_id, m.name, m.promised_date) for m in app.materials
                 if m.applicable and m.state == MaterialState.DEFERRED.value)


def trip_visit(session: Session, app: Application, now: datetime, purpose: str,
               clerk_id: int) -> tuple[Visit, bool]:
    """Today's visit of this application (one trip per day), created when there is none."""
    for visit in reversed(app.visits):
        if visit.visited_at.date() == now.date():
            return visit, False
    visit = Visit(application_id=app.id, visited_at=now, purpose=purpose, clerk_id=clerk_id)
    app.visits.append(visit)
    session.flush()
    return visit, True


def _doc_label(doc_type: str) -> str:
    try:
        return DocumentType(doc_type).label
    except ValueError:
        return doc_type


def _party(app: Application) -> ApplyingParty:
    return ApplyingParty(app.applicant_type, app.applicant.name, app.applicant.doc_type,
                         app.applicant.doc_number)


class HandoverService:
    """Readiness of results, handover at the window and the 送达回证."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 notices: NoticeService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.notices = notices

    # -- reading --------------------------------------------------------------------------

    def readiness(self, number: str) -> Readiness:
        """Whether the result of `number` can be handed over, and why not (names masked)."""
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            return self._readiness(session, app, self.ctx.today())

    def result_state(self, session: Session, app: Application) -> ResultState:
        try:
            blocks = deferred_blocks_result(
                self.catalogue.matter(app.matter_code, app.matter_version).raw)
        except KeyError:
            blocks = True
        last = session.scalars(select(HandoverRecord).where(
            HandoverRecord.application_id == app.id).order_by(HandoverRecord.id.desc())).first()
        postal = session.scalars(select(PostalDelivery).where(
            PostalDelivery.application_id == app.id)).first()
        posted = postal.dispatched_at.date() if postal and postal.dispatched_at else None
        return ResultState(
            status=ApplicationStatus(app.status), due_date=app.due_date,
            due_provisional=app.due_provisional, owed=owed_materials(app),
            deferred_blocks=blocks, handed_over_on=last.handed_at.date() if last else None,
            posted_on=posted)

    def _readiness(self, session: Session, app: Application, today: date) -> Readiness:
        state = self.result_state(session, app)
        try:
            result_text = self.catalogue.matter(app.matter_code, app.matter_version).result
        except KeyError:
            result_text = ""
        notes = []
        postal = session.scalars(select(PostalDelivery).where(
            PostalDelivery.application_id == app.id)).first()
        if postal is not None and postal.stage == "chosen":
            notes.append(_("申请人曾选择邮寄送达（尚未寄出）；窗口领取后不再寄出"))
        applicant = app.applicant
        return Readiness(
            number=app.number, matter_name=app.matter_name, status=state.status,
            problems=tuple(readiness_problems(state, today)), due_date=app.due_date,
            due_provisional=app.due_provisional, applicant_type=app.applicant_type,
            applicant_name=applicant.name,
            applicant_document=f"{_doc_label(applicant.doc_type)} "
                               f"{mask_id_number(applicant.doc_number)}",
            agent_name=app.agent.name if app.agent else "",
            delivery_method=app.delivery_method, owed=state.owed,
            suggested_items=default_items(state.status, result_text), notes=tuple(notes),
            visits=len(app.visits))

    def check_collector(self, number: str, collector: Collector) -> list[str]:
        """Why `collector` may not take this result (for live feedback; no writes)."""
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            return collector_problems(collector, _party(app), self.ctx.today())

    # -- handing over ---------------------------------------------------------------------

    def hand_over(self, actor: Actor, number: str, collector: Collector,
                  items: Sequence[ResultItem | tuple[str, int]], *,
                  note: str = "") -> HandoverResult:
        """Hand the result to `collector` in one transaction; ResultsError says why not."""
        require(self.ctx, actor, Permission.HANDOVER)
        things = [i if isinstance(i, ResultItem) else ResultItem(str(i[0]), int(i[1]))
                  for i in items]
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            ready = self._readiness(session, app, now.date())
            problems = list(ready.problems)
            if not problems:
                problems += collector_problems(collector, _party(app), now.date())
                problems += items_problems(things)
            if problems:
                raise ResultsError(problems)
            before = application_snapshot(app)
            visit, new_trip = trip_visit(session, app, now, "handover", actor.user_id)
            record = HandoverRecord(
                application_id=app.id, visit_id=visit.id, handed_at=now,
                collector_role=collector.role.value, collector_name=collector.name.strip(),
                collector_doc_type=collector.doc_type,
                collector_doc_number=normalize_number(collector.doc_number),
                collector_phone=collector.phone.strip(),
                authorisation_checked=collector.authorisation_checked,
                items=[{"name": t.name.strip(), "count": t.count} for t in things],
                note=note.strip(), clerk_id=actor.user_id)
            session.add(record)
            postal = session.scalars(select(PostalDelivery).where(
                PostalDelivery.application_id == app.id)).first()
            if postal is not None and postal.stage == "chosen":
                postal.stage = "cancelled"
            app.status = move(ApplicationStatus(app.status), ApplicationStatus.HANDED_OVER).value
            app.updated_at = now
            session.flush()
            session.refresh(app)
            after = application_snapshot(app)
            detail = self._event_detail(record, visit, actor)
            audit(session, actor, "result_handed_over", "application", app.number, now,
                  before, {**after, "handover": detail})
            emit(session, "result.handed_over", app.number, {**detail, "number": app.number,
                                                               "status": app.status,
                                                               "visits": len(app.visits)}, now)
            rated = session.scalars(select(Rating.id).where(Rating.visit_id == visit.id)).first()
            receipt = self._receipt(app, record, actor.display_name, settings.centre_name)
            result = HandoverResult(record.id, app.number, ApplicationStatus(app.status),
                                    len(app.visits), new_trip, receipt,
                                    None if rated is not None else visit.id)
        log.info("result handed over: role=%s new_trip=%s", collector.role.value, new_trip)
        return result

    @staticmethod
    def _event_detail(record: HandoverRecord, visit: Visit, actor: Actor) -> dict[str, object]:
        return {"handover_id": record.id, "visit_id": visit.id,
                "handed_at": record.handed_at.isoformat(),
                "collector": {"role": record.collector_role, "name": record.collector_name,
                              "doc_type": record.collector_doc_type,
                              "doc_number": record.collector_doc_number,
                              "authorisation_checked": record.authorisation_checked},
                "items": record.items, "note": record.note, "clerk": actor.username}

    @staticmethod
    def _receipt(app: Application, record: HandoverRecord, server: str,
                 centre: str) -> Handover:
        role = CollectorRole(record.collector_role)
        document = f"{_doc_label(record.collector_doc_type)} " \
                   f"{mask_id_number(record.collector_doc_number)}"
        if role is CollectorRole.APPLICANT:
            recipient = _("{name}（申请人本人，{doc}）").format(name=record.collector_name,
                                                             doc=document)
            note = ""
        elif role is CollectorRole.AGENT:
            recipient = _("{name}（受{applicant}委托代领，{doc}）").format(
                name=record.collector_name, applicant=app.applicant.name, doc=document)
            note = _("代领：已核验授权委托书及代领人身份证件")
        else:
            recipient = _("{name}（{unit}经办人，{doc}）").format(
                name=record.collector_name, unit=app.applicant.name, doc=document)
            note = _("单位领取：已核验授权委托书及经办人身份证件")
        if record.note:
            note = f"{note}；{record.note}" if note else record.note
        items = tuple(ResultItem(i["name"], int(i["count"])).text for i in record.items)
        place = "".join(p for p in (centre, app.window and _("{w}窗口").format(w=app.window)) if p)
        return Handover(documents=items, recipient=recipient, place=place,
                        method=_("直接送达（窗口领取）"), servers=server, note=note)

    def receipt(self, handover_id: int) -> Handover:
        """The 送达回证 contents of a recorded handover."""
        settings = load_settings(self.ctx)
        with self.ctx.db.reading() as session:
            record = session.get(HandoverRecord, handover_id)
            if record is None:
                raise ResultsError([_("找不到该出件记录")])
            return self._receipt(record.application, record, record.clerk.display_name,
                                 settings.centre_name)

    def print_service_receipt(self, actor: Actor, handover_id: int, *,
                              reprint: bool = False) -> RenderedNotice:
        """Render the 送达回证 of a handover for the collector's signature (audited)."""
        require(self.ctx, actor, Permission.HANDOVER)
        receipt = self.receipt(handover_id)
        with self.ctx.db.reading() as session:
            record = session.get(HandoverRecord, handover_id)
            assert record is not None  # receipt() found it
            number = record.application.number
        return self.notices.render(actor, number, NoticeKind.SERVICE_RECEIPT, reprint=reprint,
                                   copies=SERVICE_RECEIPT_COPIES, handover=receipt)

    def handovers(self, number: str) -> list[tuple[int, datetime, str]]:
        """The handovers of an application: id, time and the collector's role label."""
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            rows = session.scalars(select(HandoverRecord).where(
                HandoverRecord.application_id == app.id).order_by(HandoverRecord.id)).all()
            return [(r.id, r.handed_at, CollectorRole(r.collector_role).label) for r in rows]
