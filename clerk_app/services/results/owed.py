"""Deferred 容缺 materials still owed (容缺材料催补): the list to call from, and their receipt.

The list shows phones masked unless the viewer may see full numbers (Permission.SEE_FULL_ID);
a clerk who must call shows one number at a time (`phone_for_call`), and that viewing is
audited (个人信息保护法: who viewed what).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.handover import deferred_blocks_result
from clerk_app.domain.masking import mask_phone
from clerk_app.i18n import _
from clerk_app.services.results.handover import ResultsError, find_application, trip_visit
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.services.village.scope import is_agent, own_point
from clerk_app.store.models import Application, ApplicationMaterial

log = logging.getLogger(__name__)

_FINISHED = (ApplicationStatus.REFUSED.value, ApplicationStatus.HANDED_OVER.value,
             ApplicationStatus.DELIVERED.value)


@dataclass(frozen=True)
class OwedRow:
    """One deferred material still owed, with whom to call."""

    number: str
    matter_name: str
    material_id: str
    material_name: str
    promised_date: date | None
    days_overdue: int  # natural days after the promised date (0: not overdue yet)
    applicant_name: str
    contact_name: str  # who to ask for: the applicant, the unit's 经办人 or the agent
    phone: str  # masked unless the viewer may see full numbers
    status_label: str
    blocks_result: bool
    window: str


def _contact(app: Application) -> tuple[str, str]:
    """Who to call about the application, and their phone."""
    for person in (app.contact, app.applicant, app.agent):
        if person is not None and person.phone:
            return person.name, person.phone
    return app.applicant.name, ""


class OwedService:
    """Deferred materials owed after their promised date, and receiving them."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue

    def _blocks(self, app: Application) -> bool:
        try:
            return deferred_blocks_result(
                self.catalogue.matter(app.matter_code, app.matter_version).raw)
        except KeyError:
            return True

    def owed(self, actor: Actor, *, overdue_only: bool = True,
             window: str | None = None) -> list[OwedRow]:
        """Deferred materials still owed (by default only those past their promised date),
        most overdue first."""
        today = self.ctx.today()
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            query = (select(ApplicationMaterial).join(Application).where(
                ApplicationMaterial.state == MaterialState.DEFERRED.value,
                ApplicationMaterial.applicable.is_(True),
                Application.status.not_in(_FINISHED), own_point(self.ctx, actor)))
            if overdue_only:
                query = query.where(ApplicationMaterial.promised_date < today)
            if window:
                query = query.where(Application.window == window)
            rows = []
            for material in session.scalars(query):
                app = material.application
                name, phone = _contact(app)
                promised = material.promised_date
                rows.append(OwedRow(
                    number=app.number, matter_name=app.matter_name,
                    material_id=material.material_id, material_name=material.name,
                    promised_date=promised,
                    days_overdue=max(0, (today - promised).days) if promised else 0,
                    applicant_name=app.applicant.name, contact_name=name,
                    phone=phone if full else mask_phone(phone),
                    status_label=ApplicationStatus(app.status).label,
                    blocks_result=self._blocks(app), window=app.window))
        rows.sort(key=lambda r: (-r.days_overdue, r.promised_date or today, r.number))
        return rows

    def phone_for_call(self, actor: Actor, number: str) -> str:
        """The full phone to call about an application's owed materials (audited)."""
        if is_agent(actor) or not (allowed(actor, Permission.INTAKE)
                                   or allowed(actor, Permission.HANDOVER)):
            require(self.ctx, actor, Permission.INTAKE)  # an agent never reveals full phones
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            _name, phone = _contact(app)
            if not phone:
                raise ResultsError([_("办件 {n} 没有登记联系电话").format(n=app.number)])
            audit(session, actor, "phone_viewed", "application", app.number, now,
                  after={"purpose": "owed_materials_call"})
        return phone

    def receive_deferred(self, actor: Actor, number: str, material_id: str, *,
                         copies: int | None = None, counts_as_visit: bool = True) -> int:
        """The deferred material arrives: mark it received (one transaction with audit and
        outbox `application.material_received`). Brought to the counter it is a trip (one a
        day, shared with a handover the same day); sent by post, `counts_as_visit=False`.
        Returns the application's number of visits."""
        require(self.ctx, actor, Permission.INTAKE)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            material = next((m for m in app.materials if m.material_id == material_id), None)
            if material is None:
                raise ResultsError([_("办件 {n} 没有编号为「{m}」的材料").format(
                    n=app.number, m=material_id)])
            if material.state != MaterialState.DEFERRED.value or not material.applicable:
                raise ResultsError([_("材料「{m}」不是待补交的容缺材料（当前：{s}）").format(
                    m=material.name, s=MaterialState(material.state).label)])
            if app.status in _FINISHED:
                raise ResultsError([_("该办件当前为「{s}」，不再收取材料").format(
                    s=ApplicationStatus(app.status).label)])
            if copies is not None and not 1 <= copies <= 99:
                raise ResultsError([_("份数应为 1–99")])
            before = application_snapshot(app)
            material.state = MaterialState.RECEIVED.value
            material.form_received = material.form_required
            material.copies_received = copies if copies is not None else material.copies_required
            material.note = _("容缺材料于 {d} 补交").format(d=now.date().isoformat())
            if counts_as_visit:
                trip_visit(session, app, now, "deferred_material", actor.user_id)
            app.updated_at = now
            session.flush()
            session.refresh(app)
            after = application_snapshot(app)
            audit(session, actor, "deferred_material_received", "application", app.number, now,
                  before, after)
            emit(session, "application.material_received", app.number,
                 {"number": app.number, "material_id": material_id,
                  "received_at": now.isoformat(), "visits": len(app.visits),
                  "materials": after["materials"]}, now)
            visits = len(app.visits)
        log.info("deferred material received (visit counted: %s)", counts_as_visit)
        return visits
