"""代收: a village agent receives a case on the villager's behalf, tells at once everything
missing (一次性告知), and keeps it for the hand-over slip; one transaction per write."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.village import appearance_lines
from clerk_app.i18n import _
from clerk_app.services.intake.intake import Assessment, IntakeError, IntakeService
from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.services.intake.records import next_number, write_materials, write_people
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import load_settings
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.services.village.point import PointSettings, load_point
from clerk_app.store.models import Application, Collection, Draft, Visit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CollectResult:
    """What a 代收 wrote: the number, what is still missing and what needs the applicant."""

    application_number: str
    missing: tuple[str, ...]
    appearance: tuple[str, ...]
    visits: int


def collection_payload(row: Collection) -> dict[str, object]:
    """The village part of an event payload (the centre rebuilds the case from it)."""
    return {"point_code": row.point_code, "point_name": row.point_name,
            "agent_name": row.agent_name, "agent_phone": row.agent_phone,
            "collected_at": row.collected_at.isoformat(), "problems": list(row.problems),
            "appearance": list(row.appearance)}


class CollectionService:
    """代收 at a village point."""

    def __init__(self, ctx: ServiceContext, intake: IntakeService) -> None:
        self.ctx = ctx
        self.intake = intake

    def collect(self, actor: Actor, draft_id: int | None, form: IntakeForm) -> CollectResult:
        """Write the case as 代收 (application, people, materials, visit, collection record,
        audit entry, outbox event) in one transaction. The checklist's problems do not block:
        they are what the receipt tells the applicant to bring. IntakeError lists problems."""
        require(self.ctx, actor, Permission.COLLECT)
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        point = load_point(self.ctx)
        assessment = self.intake.assess(form, now.date())
        problems = [p.message for p in assessment.field_problems]
        if form.refusal is not None:
            problems.append(_("代收不能作不予受理：不予受理由中心作出"))
        if not settings.configured:
            problems.append(_("本站尚未完成站点设置（中心名称、区划代码、站点编码），请联系管理员"))
        if not assessment.matter.active:
            problems.append(_("事项「{name}」已停用").format(name=assessment.matter.name))
        if problems:
            raise IntakeError(problems)
        with self.ctx.db.transaction() as session:
            result = self._write(session, actor, form, assessment, point, now)
            if draft_id is not None:
                draft = session.get(Draft, draft_id)
                if draft is not None:
                    session.delete(draft)
                from clerk_app.services.attachments.service import AttachmentService
                AttachmentService(self.ctx).adopt_draft_pages(  # the villager's photos
                    session, actor, draft_id, result.application_number, now)
        log.info("case collected for the centre (missing=%d)", len(result.missing))
        return result

    def _write(self, session: Session, actor: Actor, form: IntakeForm, assessment: Assessment,
               point: PointSettings, now: datetime) -> CollectResult:
        settings = load_settings(self.ctx)
        matter = assessment.matter
        if form.application_number:
            app = session.scalars(select(Application).where(
                Application.number == form.application_number)).one()
            village_case = session.scalars(select(Collection.id).where(
                Collection.application_id == app.id)).first() is not None
            correcting = (app.status == ApplicationStatus.AWAITING_CORRECTION.value
                          and village_case)  # the centre asked; the villager brought them
            if app.status != ApplicationStatus.COLLECTED.value and not correcting:
                raise IntakeError([_("办件 {n} 当前为「{s}」，代办点不能再改").format(
                    n=app.number, s=ApplicationStatus(app.status).label)])
            before = application_snapshot(app)
        else:
            app = Application(
                number=next_number(session, settings.region_code, settings.station_code,
                                    now.date()),
                station_code=settings.station_id, window=actor.window or point.point_name,
                matter_code=matter.code, matter_version=matter.version, matter_name=matter.name,
                status=ApplicationStatus.DRAFT.value, outcome="",
                applicant_type=form.applicant_type.value, clerk_id=actor.user_id,
                received_on=now.date(), created_at=now, updated_at=now)
            session.add(app)
            before = None
        with session.no_autoflush:
            write_people(session, app, form, now)
        write_materials(app, assessment.matter,
                        {m.id for m in assessment.evaluation.applicable}, form)
        app.status = move(ApplicationStatus(app.status), ApplicationStatus.COLLECTED).value
        app.delivery_method = form.delivery_method
        app.clerk_conditions = sorted(form.clerk_applies)
        app.override_reasons = dict(form.overrides)
        app.due_date, app.due_provisional, app.accepted_on = None, False, None
        app.updated_at = now
        session.flush()
        missing = [{"material_id": p.material.id, "name": p.material.name,
                    "state": p.state.value, "required": p.required}
                   for p in assessment.evaluation.problems]
        appearance = appearance_lines(matter)
        row = session.scalars(select(Collection).where(
            Collection.application_id == app.id)).first()
        if row is None:
            row = Collection(application_id=app.id, point_code=settings.station_id,
                             collected_at=now)
            session.add(row)
        row.collected_at = now  # the latest 代收 (corrections brought later are one too)
        row.point_name = point.point_name or settings.centre_name
        row.agent_id, row.agent_name = actor.user_id, actor.display_name
        row.agent_phone = point.point_phone
        row.problems, row.appearance = missing, appearance
        # the applicant's trip to the village point counts (跑动次数); one a day
        if not any(v.visited_at.date() == now.date() for v in app.visits):
            session.add(Visit(application_id=app.id, visited_at=now, purpose="village_intake",
                              clerk_id=actor.user_id))
        session.flush()
        session.refresh(app)
        after = application_snapshot(app)
        audit(session, actor, "application_collected", "application", app.number, now,
              before, after)
        emit(session, "application.collected", app.number,
             {**after, "village": {**collection_payload(row), "forms": {
                 m.material_id: m.form_required for m in app.materials}}}, now)
        return CollectResult(app.number, tuple(m["name"] for m in missing),
                             tuple(appearance), len(app.visits))
