"""At the centre: a scanned 材料交接单 opens the batch; each case is checked in (中心已收件)
and then decided as at the counter (intake.reopen / confirm) — the centre's 受理 starts the
clock. Every check-in is audited and sent back to the village point through the platform."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.masking import mask_name
from clerk_app.domain.numbering import parse_number
from clerk_app.domain.village import parse_batch_number, transit_overdue
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.intake.records import upsert_person
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.services.village.batches import VillageError
from clerk_app.services.village.point import load_point
from clerk_app.store.models import (
    Applicant,
    Application,
    ApplicationMaterial,
    Collection,
    HandoverBatch,
    HandoverBatchItem,
    Visit,
)

log = logging.getLogger(__name__)
BatchFetcher = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class IncomingCase:
    """One case of an opened slip, as the receiving clerk checks it against the paper."""

    number: str
    matter_name: str
    applicant_masked: str
    status: ApplicationStatus
    materials: tuple[tuple[str, str, int, int], ...]  # name, form, received, required
    missing: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class PendingSlip:
    """A slip a village point sent that the centre has not fully checked in (在途)."""

    number: str
    point_name: str
    agent_name: str
    sent_on: date | None
    cases: int
    waiting: int
    overdue: bool  # still 在途 after the working-day rule


@dataclass(frozen=True)
class IncomingBatch:
    number: str
    point_name: str
    agent_name: str
    sent_on: date
    cases: tuple[IncomingCase, ...]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _checked(document: dict[str, Any], number: str) -> list[dict[str, Any]]:
    """The cases of a platform answer, or VillageError when it is not what was asked."""
    cases = document.get("cases")
    if document.get("number") != number or not isinstance(cases, list) or not isinstance(
            document.get("batch"), dict):
        raise VillageError([_("平台返回的交接单内容不完整，请稍后再试")])
    good = []
    for case in cases:
        snap = case.get("snapshot") if isinstance(case, dict) else None
        if (isinstance(snap, dict) and parse_number(_text(case.get("application_no")))
                and isinstance(snap.get("matter"), dict) and isinstance(snap.get("applicant"),
                                                                        dict)):
            good.append(case)
    if len(good) != len(cases):
        raise VillageError([_("交接单中有办件数据不完整，请代办点重新同步后再试")])
    return good


def _person(session: Session, data: dict[str, Any] | None, now: datetime) -> Applicant | None:
    if not data or not _text(data.get("doc_number")):
        return None
    person = PersonInput(name=_text(data.get("name")), doc_type=_text(data.get("doc_type")),
                         doc_number=_text(data.get("doc_number")),
                         phone=_text(data.get("phone")), address=_text(data.get("address")),
                         legal_representative=_text(data.get("legal_representative")))

    return upsert_person(session, person, _text(data.get("kind")) or "natural_person", now)


class CentreBatchService:
    """Opening and checking in 材料交接单 at the centre."""

    def __init__(self, ctx: ServiceContext,
                 calendar: Callable[[], WorkCalendar] | None = None) -> None:
        self.ctx = ctx
        self.calendar = calendar or WorkCalendar.bundled

    def pending(self, actor: Actor, listing: Callable[[], list[dict[str, Any]]]
                ) -> list[PendingSlip]:
        """The centre's slips still 在途, from the platform (`listing`: network, call off the
        GUI thread); `overdue` after the point's working-day rule (default 3)."""
        if not (allowed(actor, Permission.INTAKE) or allowed(actor, Permission.CENTRE_LOG)):
            require(self.ctx, actor, Permission.INTAKE)
        limit = load_point(self.ctx).transit_days
        today, calendar = self.ctx.today(), self.calendar()
        slips = []
        for item in listing():
            try:
                sent: date | None = date.fromisoformat(_text(item.get("sent_on")))
            except ValueError:
                sent = None
            slips.append(PendingSlip(
                _text(item.get("number")), _text(item.get("point_name")),
                _text(item.get("agent_name")), sent, int(item.get("cases") or 0),
                int(item.get("waiting") or 0),
                sent is not None and transit_overdue(calendar, sent, today, limit)))
        return slips

    def open_batch(self, actor: Actor, number: str, fetch: BatchFetcher) -> IncomingBatch:
        """Fetch the slip from the platform (network: call off the GUI thread) and keep its
        cases here as 在途 until checked in (audited). VillageError in words otherwise."""
        require(self.ctx, actor, Permission.INTAKE)
        parsed = parse_batch_number(number)
        if parsed is None:
            raise VillageError([_("交接单编号「{n}」格式或校验位不对").format(n=number)])
        number = str(parsed)
        if not self.known(number):
            document = fetch(number)
            self._import(actor, number, document)
        return self.batch(actor, number)

    def known(self, number: str) -> bool:
        """The slip was opened here before (no need to ask the platform)."""
        with self.ctx.db.reading() as session:
            return session.scalars(select(HandoverBatch.id).where(
                HandoverBatch.number == number)).first() is not None

    def _import(self, actor: Actor, number: str, document: dict[str, Any]) -> None:
        cases = _checked(document, number)
        info: dict[str, Any] = document["batch"]
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            if session.scalars(select(HandoverBatch.id).where(
                    HandoverBatch.number == number)).first() is not None:
                return
            sent = _text(info.get("sent_on"))
            batch = HandoverBatch(number=number, station_code=_text(document.get("station")),
                                  origin="imported", agent_name=_text(info.get("agent_name")),
                                  created_at=now,
                                  sent_on=date.fromisoformat(sent) if sent else now.date(),
                                  received_by="")
            session.add(batch)
            for position, case in enumerate(cases):
                app = self._case(session, actor, case, now)
                batch.items.append(HandoverBatchItem(application_id=app.id, position=position))
            session.flush()
            audit(session, actor, "handover_batch_opened", "handover_batch", number, now,
                  after={"cases": [c["application_no"] for c in cases]})

    def _case(self, session: Session, actor: Actor, case: dict[str, Any],
              now: datetime) -> Application:
        snap: dict[str, Any] = case["snapshot"]
        number = case["application_no"]
        app = session.scalars(select(Application).where(Application.number == number)).first()
        if app is not None:
            if app.status == ApplicationStatus.AWAITING_CORRECTION.value:
                self._corrections(session, app, snap)  # carried again after 一次性补正
            return app
        applicant = _person(session, snap.get("applicant"), now)
        if applicant is None:
            raise VillageError([_("办件 {n} 缺少申请人信息").format(n=number)])
        matter = snap["matter"]
        received = _text(snap.get("received_on"))
        app = Application(
            number=number, station_code=_text(snap.get("station")), window=actor.window,
            matter_code=_text(matter.get("code")), matter_version=int(matter.get("version", 1)),
            matter_name=_text(matter.get("name")), status=ApplicationStatus.IN_TRANSIT.value,
            outcome="", applicant_type=_text(snap.get("applicant_type")) or "natural_person",
            clerk_id=actor.user_id,
            received_on=date.fromisoformat(received) if received else now.date(),
            delivery_method=_text(snap.get("delivery_method")) or "窗口领取",
            created_at=now, updated_at=now)
        app.applicant = applicant
        app.contact = _person(session, snap.get("contact"), now)
        app.agent = _person(session, snap.get("agent"), now)
        raw_village = snap.get("village")
        village: dict[str, Any] = raw_village if isinstance(raw_village, dict) else {}
        raw_forms = village.get("forms")
        forms: dict[str, Any] = raw_forms if isinstance(raw_forms, dict) else {}
        for position, m in enumerate(snap.get("materials") or []):
            promised = _text(m.get("promised_date"))
            app.materials.append(ApplicationMaterial(
                material_id=_text(m.get("id")), position=position, name=_text(m.get("name")),
                applicable=bool(m.get("applicable", True)), state=_text(m.get("state")),
                form_required=_text(forms.get(_text(m.get("id")))) or _text(m.get("form_received")),
                form_received=_text(m.get("form_received")),
                copies_required=int(m.get("copies_required") or 1),
                copies_received=int(m.get("copies_received") or 0),
                promised_date=date.fromisoformat(promised) if promised else None,
                note=_text(m.get("note"))))
        session.add(app)
        session.flush()
        collected = _text(village.get("collected_at"))
        session.add(Collection(
            application_id=app.id, point_code=app.station_code,
            point_name=_text(village.get("point_name")), agent_id=None,
            agent_name=_text(village.get("agent_name")),
            agent_phone=_text(village.get("agent_phone")),
            collected_at=datetime.fromisoformat(collected) if collected else now,
            problems=list(village.get("problems") or []),
            appearance=list(village.get("appearance") or [])))
        # the applicant's trip to the village point is the case's trip here too (跑动次数)
        session.add(Visit(application_id=app.id, visited_at=datetime.fromisoformat(collected)
                          if collected else now, purpose="village_intake", clerk_id=actor.user_id))
        session.flush()
        return app

    @staticmethod
    def _corrections(session: Session, app: Application, snap: dict[str, Any]) -> None:
        """The village received the corrections: the case is 在途 again with the materials as
        the agent ticked them now."""
        states = {_text(m.get("id")): m for m in snap.get("materials") or []
                  if isinstance(m, dict)}
        for row in app.materials:
            m = states.get(row.material_id)
            if m is None:
                continue
            row.state = _text(m.get("state")) or row.state
            row.form_received = _text(m.get("form_received"))
            row.copies_received = int(m.get("copies_received") or 0)
            row.note = _text(m.get("note"))
        app.status = move(ApplicationStatus(app.status), ApplicationStatus.IN_TRANSIT).value
        raw_village = snap.get("village")
        village: dict[str, Any] = raw_village if isinstance(raw_village, dict) else {}
        collection = session.scalars(select(Collection).where(
            Collection.application_id == app.id)).first()
        if collection is not None:
            collection.problems = list(village.get("problems") or [])
        collected = _text(village.get("collected_at"))
        if collected and not any(v.visited_at == datetime.fromisoformat(collected)
                                 for v in app.visits):
            app.visits.append(Visit(visited_at=datetime.fromisoformat(collected),
                                    purpose="village_intake", clerk_id=app.clerk_id))
        session.flush()

    def batch(self, actor: Actor, number: str) -> IncomingBatch:
        require(self.ctx, actor, Permission.INTAKE)
        with self.ctx.db.reading() as session:
            batch = session.scalars(select(HandoverBatch).where(
                HandoverBatch.number == number)).first()
            if batch is None:
                raise VillageError([_("本站没有编号为 {n} 的交接单").format(n=number)])
            cases = []
            point_name = ""
            for item in batch.items:
                app = item.application
                collection = session.scalars(select(Collection).where(
                    Collection.application_id == app.id)).first()
                point_name = point_name or (collection.point_name if collection else "")
                cases.append(IncomingCase(
                    app.number, app.matter_name, mask_name(app.applicant.name),
                    ApplicationStatus(app.status),
                    tuple((m.name, m.form_received, m.copies_received, m.copies_required)
                          for m in app.materials if m.applicable),
                    tuple(p.get("name", "") for p in (collection.problems if collection else []))))
            return IncomingBatch(batch.number, point_name, batch.agent_name, batch.sent_on,
                                 tuple(cases))

    def receive(self, actor: Actor, batch_number: str, case_number: str) -> None:
        """The clerk checked the case's paper against the slip: 中心已收件 (one transaction,
        audited, outbox `village.case_received` so the point sees it arrived)."""
        require(self.ctx, actor, Permission.INTAKE)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            item = session.scalars(select(HandoverBatchItem).join(HandoverBatch).join(
                Application, Application.id == HandoverBatchItem.application_id).where(
                HandoverBatch.number == batch_number, Application.number == case_number)).first()
            if item is None:
                raise VillageError([_("交接单 {b} 上没有办件 {n}").format(
                    b=batch_number, n=case_number)])
            app = item.application
            if app.status != ApplicationStatus.IN_TRANSIT.value:
                return  # already checked in: a second scan changes nothing
            before = application_snapshot(app)
            app.status = move(ApplicationStatus(app.status),
                              ApplicationStatus.CENTRE_RECEIVED).value
            app.updated_at = now
            item.received_at = now
            batch = item.batch
            if all(i.received_at is not None for i in batch.items):
                batch.received_at, batch.received_by = now, actor.display_name
            session.flush()
            audit(session, actor, "village_case_received", "application", app.number, now,
                  before, {"status": app.status, "batch": batch_number})
            emit(session, "village.case_received", app.number,
                 {"number": app.number, "batch": batch_number, "received_by": actor.display_name,
                  "received_at": now.isoformat()}, now)
        log.info("village case checked in at the centre")
