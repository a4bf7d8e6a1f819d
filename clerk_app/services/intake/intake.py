"""Counter intake (窗口受理): drafts, the checklist decision and its one-transaction confirmation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus, move, status_after
from clerk_app.domain.catalogue import Handling, Matter
from clerk_app.domain.checklist import (
    ApplicantType,
    ChecklistEvaluation,
    MaterialEntry,
    MaterialState,
    evaluate,
)
from clerk_app.domain.decision import DecisionCheck, Outcome, check_decision, propose_outcome
from clerk_app.domain.numbering import parse_number
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.intake.intake_form import (
    FieldProblem,
    IntakeForm,
    PersonInput,
    form_problems,
)
from clerk_app.services.intake.records import next_number, write_materials, write_people
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission
from clerk_app.services.station.settings import CentreSettings, load_settings
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.services.time_limits.due import compute_due
from clerk_app.services.village.powers import require_any, require_decision
from clerk_app.store.models import (
    Applicant,
    Application,
    ClockEvent,
    Decision,
    Draft,
    Visit,
)

log = logging.getLogger(__name__)


class IntakeError(ValueError):
    """The intake cannot be confirmed as it stands; `problems` says what to fix, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Assessment:
    """The checklist evaluated for a form: what is missing, the outcome and why."""

    matter: Matter
    evaluation: ChecklistEvaluation
    proposed: Outcome
    check: DecisionCheck
    field_problems: tuple[FieldProblem, ...]

    @property
    def can_confirm(self) -> bool:
        return self.check.allowed and not self.field_problems


@dataclass(frozen=True)
class ConfirmResult:
    """What a confirmed intake wrote."""

    application_number: str
    outcome: Outcome
    status: ApplicationStatus
    due_date: date | None
    due_provisional: bool
    visits: int


class IntakeService:
    """Drafts, assessment and confirmation of intakes."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: Callable[[], WorkCalendar]) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar

    # -- drafts ---------------------------------------------------------------------------

    def start(self, actor: Actor, matter_code: str) -> tuple[int, IntakeForm]:
        """Open a new draft for a matter (its current version)."""
        require_any(self.ctx, actor, Permission.INTAKE, Permission.COLLECT)
        matter = self.catalogue.matter(matter_code)
        if not matter.active:
            raise IntakeError([_("事项「{name}」已停用：{reason}").format(
                name=matter.name, reason=matter.withdrawn_reason or _("未说明原因"))])
        form = IntakeForm(matter_code=matter.code, matter_version=matter.version,
                          delivery_method=matter.delivery[0] if matter.delivery else "窗口领取")
        return self._new_draft(actor, form), form

    def _new_draft(self, actor: Actor, form: IntakeForm) -> int:
        with self.ctx.db.transaction() as session:
            draft = Draft(user_id=actor.user_id, application_number=form.application_number,
                          matter_code=form.matter_code, matter_version=form.matter_version,
                          data=form.to_dict(), revision=0, updated_at=self.ctx.now())
            session.add(draft)
            session.flush()
            return draft.id

    def save_draft(self, draft_id: int, form: IntakeForm, revision: int) -> bool:
        """Save the form as typed; an older revision never overwrites a newer one."""
        with self.ctx.db.transaction() as session:
            draft = session.get(Draft, draft_id)
            if draft is None or draft.revision >= revision:
                return False
            draft.data = form.to_dict()
            draft.revision = revision
            draft.updated_at = self.ctx.now()
            return True

    def drafts(self, actor: Actor) -> list[tuple[int, IntakeForm, datetime]]:
        """The actor's unfinished drafts, newest first (restored after a crash).

        A window that restores one numbers its saves above `draft_revision(id)`."""
        with self.ctx.db.reading() as session:
            rows = session.scalars(select(Draft).where(Draft.user_id == actor.user_id)
                                   .order_by(Draft.updated_at.desc(), Draft.id.desc())).all()
            return [(row.id, IntakeForm.from_dict(row.data), row.updated_at) for row in rows]

    def draft_revision(self, draft_id: int) -> int:
        """The revision last saved for a draft (0 when there is none): saves continue above it."""
        with self.ctx.db.reading() as session:
            draft = session.get(Draft, draft_id)
            return 0 if draft is None else draft.revision

    def discard_draft(self, actor: Actor, draft_id: int) -> None:
        with self.ctx.db.transaction() as session:
            draft = session.get(Draft, draft_id)
            if draft is not None and draft.user_id == actor.user_id:
                session.delete(draft)
                audit(session, actor, "draft_discarded", "draft", str(draft_id), self.ctx.now())

    def find_applicant(self, doc_type: str, doc_number: str) -> PersonInput | None:
        """A returning applicant, by document: the form can be prefilled."""
        with self.ctx.db.reading() as session:
            row = session.scalars(select(Applicant).where(
                Applicant.doc_type == doc_type,
                Applicant.doc_number == doc_number.strip().upper())).first()
            return None if row is None else _person_of(row)

    # -- the applicant comes back ---------------------------------------------------------

    def reopen(self, actor: Actor, number: str) -> tuple[int, IntakeForm]:
        """Open a draft on an existing application (补正/容缺 materials brought later; a village
        case at its station before the slip, or at the centre once checked in)."""
        require_any(self.ctx, actor, Permission.INTAKE, Permission.COLLECT)
        parsed = parse_number(number)
        if parsed is None:
            raise IntakeError([_("办件编号「{n}」格式或校验位不对，请核对").format(n=number)])
        with self.ctx.db.reading() as session:
            app = session.scalars(select(Application).where(
                Application.number == str(parsed))).first()
            if app is None:
                raise IntakeError([_("本站没有办件编号为 {n} 的办件").format(n=str(parsed))])
            status = ApplicationStatus(app.status)
            deferred_open = any(m.state == MaterialState.DEFERRED.value for m in app.materials)
            if status not in (ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.COLLECTED,
                              ApplicationStatus.CENTRE_RECEIVED) and not deferred_open:
                raise IntakeError([_("该办件当前为「{s}」，无需补交材料").format(s=status.label)])
            form = IntakeForm(
                matter_code=app.matter_code, matter_version=app.matter_version,
                applicant_type=ApplicantType(app.applicant_type),
                applicant=_person_of(app.applicant),
                contact=_person_of(app.contact) if app.contact else PersonInput(),
                agent=_person_of(app.agent) if app.agent else PersonInput(),
                has_agent=app.agent is not None,
                materials={m.material_id: MaterialEntry(
                    state=MaterialState(m.state), form_received=m.form_received,
                    copies_received=m.copies_received, promised_date=m.promised_date,
                    note=m.note) for m in app.materials},
                clerk_applies=frozenset(app.clerk_conditions or ()),
                delivery_method=app.delivery_method,
                overrides=dict(app.override_reasons or {}),
                application_number=app.number)
        return self._new_draft(actor, form), form

    # -- assessment and confirmation ------------------------------------------------------

    def assess(self, form: IntakeForm, today: date | None = None) -> Assessment:
        """Evaluate the checklist and the people on the form (no writes)."""
        matter = self.catalogue.matter(form.matter_code, form.matter_version)
        today = today or self.ctx.today()
        evaluation = evaluate(matter, form.materials, form.context(), today)
        proposed = propose_outcome(matter, evaluation)
        outcome = Outcome.REFUSED if form.refusal is not None else proposed
        check = check_decision(matter, evaluation, outcome, form.refusal)
        return Assessment(matter, evaluation, proposed, check,
                          tuple(form_problems(form, today)))

    def confirm(self, actor: Actor, draft_id: int | None, form: IntakeForm) -> ConfirmResult:
        """Write the decision in one transaction: application, materials, decision, visit,
        audit entry and outbox event. Raises IntakeError with every problem when not allowed."""
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        assessment = self.checked(actor, form, now.date(), settings)
        with self.ctx.db.transaction() as session:
            result = self.write(session, actor, form, assessment, now,
                                settings.region_code, settings.station_code)
            if draft_id is not None:
                draft = session.get(Draft, draft_id)
                if draft is not None:
                    session.delete(draft)
                from clerk_app.services.attachments.service import AttachmentService
                AttachmentService(self.ctx).adopt_draft_pages(
                    session, actor, draft_id, result.application_number, now)
        log.info("application confirmed: outcome=%s status=%s", result.outcome.value,
                 result.status.value)
        return result

    def checked(self, actor: Actor, form: IntakeForm, today: date,
                settings: CentreSettings) -> Assessment:
        """Assess the form and check the actor may confirm it; IntakeError lists every problem."""
        assessment = self.assess(form, today)
        outcome = assessment.check.outcome
        require_decision(self.ctx, actor, assessment.matter, outcome)
        problems = [p.message for p in assessment.field_problems] + list(assessment.check.blockers)
        if not settings.configured:
            problems.append(_("本站尚未完成站点设置（中心名称、区划代码、站点编码），请联系管理员"))
        if problems:
            raise IntakeError(problems)
        return assessment

    def write(self, session: Session, actor: Actor, form: IntakeForm, assessment: Assessment,
              now: datetime, region: str, station: str) -> ConfirmResult:
        """The writes of one confirmation, inside the caller's transaction."""
        outcome = assessment.check.outcome
        today = now.date()
        if form.application_number:
            app = session.scalars(select(Application).where(
                Application.number == form.application_number)).one()
            before = application_snapshot(app)
            event_type = "application.decided"
        else:
            app = Application(
                number=next_number(session, region, station, today),
                station_code=region + station, window=actor.window,
                matter_code=assessment.matter.code, matter_version=assessment.matter.version,
                matter_name=assessment.matter.name, status=ApplicationStatus.DRAFT.value,
                outcome="", applicant_type=form.applicant_type.value, clerk_id=actor.user_id,
                received_on=today, created_at=now, updated_at=now)
            session.add(app)
            before = None
            event_type = "application.confirmed"
        was_carried = app.status == ApplicationStatus.CENTRE_RECEIVED.value
        with session.no_autoflush:
            write_people(session, app, form, now)
        self._write_materials(app, assessment, form)
        status = move(ApplicationStatus(app.status), status_after(outcome))
        app.status = status.value
        app.outcome = outcome.value
        app.delivery_method = form.delivery_method
        app.clerk_conditions = sorted(form.clerk_applies)
        app.override_reasons = dict(form.overrides)
        app.updated_at = now
        if outcome.is_acceptance and app.accepted_on is None:
            app.accepted_on = today
        session.flush()
        self._set_due(session, app, assessment.matter, outcome, today)
        refusal = form.refusal
        session.add(Decision(
            application_id=app.id, outcome=outcome.value,
            explanation=assessment.check.explanation,
            problems=[{"material_id": p.material.id, "name": p.material.name,
                       "state": p.state.value, "required": p.required}
                      for p in assessment.evaluation.problems],
            refusal_ground=refusal.ground.value if refusal else "",
            refusal_reason=refusal.reason if refusal else "",
            refusal_basis=refusal.legal_basis if refusal else "",
            redirect_body=refusal.redirect_body if refusal else "",
            clerk_id=actor.user_id, decided_at=now))
        if not was_carried:  # a village case: the agent carried the paper, not the applicant
            session.add(Visit(application_id=app.id, visited_at=now,
                              purpose="intake" if before is None else "resubmission",
                              clerk_id=actor.user_id))
        session.flush()
        session.refresh(app)
        after = application_snapshot(app)
        audit(session, actor, "application_" + outcome.value, "application", app.number, now,
              before, after)
        emit(session, event_type, app.number, after, now)
        return ConfirmResult(app.number, outcome, status, app.due_date, app.due_provisional,
                             len(app.visits))

    @staticmethod
    def _write_materials(app: Application, assessment: Assessment, form: IntakeForm) -> None:
        write_materials(app, assessment.matter,
                        {m.id for m in assessment.evaluation.applicable}, form)

    def _set_due(self, session: Session, app: Application, matter: Matter,
                 outcome: Outcome, today: date) -> None:
        if outcome is Outcome.DONE_ON_SPOT or (
                matter.handling is Handling.IMMEDIATE and outcome.is_acceptance):
            app.due_date, app.due_provisional = app.accepted_on, False
            return
        if app.accepted_on is None:
            app.due_date, app.due_provisional = None, False
            return
        pauses = session.scalars(select(ClockEvent).where(
            ClockEvent.application_id == app.id)).all()
        due = compute_due(self.calendar(), app.accepted_on, matter.promised_limit, list(pauses),
                          today)
        app.due_date, app.due_provisional = due.date, due.provisional


def _person_of(row: Applicant) -> PersonInput:
    return PersonInput(name=row.name, doc_type=row.doc_type, doc_number=row.doc_number,
                       phone=row.phone, address=row.address,
                       legal_representative=row.legal_representative)
