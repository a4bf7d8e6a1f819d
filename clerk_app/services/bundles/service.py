"""Bundle intake (一件事一次办): assess the shared list per member, confirm it all at once.

One confirmation is one transaction: the bundle row (its own 办件编号), every member decided as a
normal application (own number, decision, clock, status, visit, audit entry and event), each
document stored once and mapped to the member rows it stands for, and a `bundle.confirmed`
event that carries the bundle and its members so each department can pick up its part.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.bundles import (
    Bundle,
    BundleAssessment,
    MemberDue,
    MergedChecklist,
    assess,
    due_dates,
    line_applies,
    member_context,
    merge,
)
from clerk_app.domain.bundles import bundle_status as derived_status
from clerk_app.domain.catalogue import Handling, Matter
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.domain.numbering import parse_number
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.bundles.definitions import BundleCatalogue
from clerk_app.services.bundles.form import BundleForm
from clerk_app.services.intake.intake import Assessment, IntakeError, IntakeService
from clerk_app.services.intake.intake_form import (
    FieldProblem,
    IntakeForm,
    PersonInput,
    form_problems,
)
from clerk_app.services.intake.records import next_number
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import load_settings
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.store.models import (
    Application,
    ApplicationMaterial,
    BundleCase,
    BundleDraft,
    BundleMaterial,
    BundleMaterialUse,
)

log = logging.getLogger(__name__)

_FINISHED = frozenset({ApplicationStatus.COMPLETED.value, ApplicationStatus.DENIED.value,
                       ApplicationStatus.RETURNED.value, ApplicationStatus.REFUSED.value,
                       ApplicationStatus.HANDED_OVER.value, ApplicationStatus.DELIVERED.value})


@dataclass(frozen=True)
class BundleFormAssessment:
    """The bundle's members assessed, plus the people on the form."""

    bundle: Bundle
    result: BundleAssessment
    field_problems: tuple[FieldProblem, ...]
    to_decide: frozenset[str]  # members decided by this confirmation

    @property
    def checklist(self) -> MergedChecklist:
        return self.result.checklist

    @property
    def blockers(self) -> tuple[str, ...]:
        return tuple(f"「{m.matter.name}」{b}" for m in self.result.members
                     if m.matter.code in self.to_decide for b in m.check.blockers)

    @property
    def can_confirm(self) -> bool:
        return not self.blockers and not self.field_problems


@dataclass(frozen=True)
class MemberResult:
    """One member as the confirmation left it."""

    number: str
    matter_code: str
    matter_name: str
    outcome: Outcome
    status: ApplicationStatus
    due_date: date | None
    due_provisional: bool


@dataclass(frozen=True)
class BundleConfirmResult:
    """What a confirmed bundle intake wrote."""

    number: str
    members: tuple[MemberResult, ...]
    trips: int


class _MemberWriter(IntakeService):
    """The single-matter writes, with due dates counted the bundle's way (waits_for, cap)."""

    def __init__(self, base: IntakeService, dues: Mapping[str, MemberDue]) -> None:
        super().__init__(base.ctx, base.catalogue, base.calendar)
        self.dues = dues

    def _set_due(self, session: Session, app: Application, matter: Matter,
                 outcome: Outcome, today: date) -> None:
        due = self.dues.get(app.matter_code)
        if due is None or not outcome.is_acceptance:
            super()._set_due(session, app, matter, outcome, today)
            return
        app.due_date, app.due_provisional = due.due, due.provisional


class BundleService:
    """Start, assess, confirm and reopen bundle intakes."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService, intake: IntakeService,
                 calendar: Callable[[], WorkCalendar]) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.intake = intake
        self.calendar = calendar
        self.definitions = BundleCatalogue(ctx)
        self._merged: dict[tuple[object, ...], MergedChecklist] = {}

    # -- the form -------------------------------------------------------------------------

    def start(self, actor: Actor, code: str) -> BundleForm:
        """A new bundle form (the bundle's current version)."""
        require(self.ctx, actor, Permission.INTAKE)
        try:
            bundle = self.definitions.bundle(code)
        except KeyError as exc:
            raise IntakeError([_("目录中没有编码为 {code} 的一件事").format(code=code)]) from exc
        if not bundle.active:
            raise IntakeError([_("「{name}」已停用：{reason}").format(
                name=bundle.name, reason=bundle.withdrawn_reason or _("未说明原因"))])
        return self.start_form(bundle)

    def start_form(self, bundle: Bundle) -> BundleForm:
        """An empty form of `bundle` with its members' current versions (read once here, so
        that assessing on every keystroke reads no disk)."""
        versions = {m.matter_code: self.catalogue.matter(m.matter_code).version
                    for m in bundle.members}
        return BundleForm(bundle_code=bundle.code, bundle_version=bundle.version,
                          member_versions=versions)

    def bundle(self, form: BundleForm) -> Bundle:
        return self.definitions.bundle(form.bundle_code, form.bundle_version)

    def members(self, bundle: Bundle, form: BundleForm) -> dict[str, Matter]:
        """Each member's matter: the version taken in, else the current one."""
        return {m.matter_code: self.catalogue.matter(
            m.matter_code, form.member_versions.get(m.matter_code)) for m in bundle.members}

    def checklist(self, form: BundleForm) -> MergedChecklist:
        """The merged list of the form's bundle, members and choices (built once for each:
        assessing on every keystroke only re-evaluates the entries)."""
        key = (form.bundle_code, form.bundle_version,
               tuple(sorted(form.member_versions.items())), tuple(sorted(form.chosen)))
        cached = self._merged.get(key)
        if cached is None:
            bundle = self.bundle(form)
            cached = merge(bundle, self.members(bundle, form), form.chosen)
            if len(self._merged) > 64:
                self._merged.clear()
            self._merged[key] = cached
        return cached

    def statuses(self, form: BundleForm) -> dict[str, str]:
        """The statuses of the members already taken in (for `assess` on the GUI thread)."""
        return self._statuses(form)

    def assess(self, form: BundleForm, today: date | None = None,
               statuses: Mapping[str, str] | None = None) -> BundleFormAssessment:
        """Every member's checklist and outcome (no writes). `statuses` are those of members
        already taken in: only those awaiting a correction are decided again."""
        today = today or self.ctx.today()
        checklist = self.checklist(form)
        result = assess(checklist, form.materials, form.context(), today, form.refusals)
        if statuses is None:
            statuses = self._statuses(form)
        to_decide = frozenset(
            m.code for m in checklist.members
            if m.code not in statuses
            or statuses[m.code] == ApplicationStatus.AWAITING_CORRECTION.value)
        return BundleFormAssessment(result.checklist.bundle, result,
                                    tuple(form_problems(form.people(), today)), to_decide)

    def _statuses(self, form: BundleForm) -> dict[str, str]:
        if not form.member_numbers:
            return {}
        with self.ctx.db.reading() as session:
            rows = session.execute(select(Application.matter_code, Application.status).where(
                Application.number.in_(form.member_numbers.values()))).all()
        return dict(rows)

    # -- drafts (kept as typed: a crash loses nothing) -------------------------------------

    def save_draft(self, actor: Actor, draft_id: int | None, form: BundleForm,
                   revision: int) -> int:
        """Save the form as typed; an older revision never overwrites a newer one. Returns
        the draft's id (a new one when `draft_id` is None or gone)."""
        with self.ctx.db.transaction() as session:
            draft = session.get(BundleDraft, draft_id) if draft_id is not None else None
            if draft is None:
                draft = BundleDraft(user_id=actor.user_id, bundle_code=form.bundle_code,
                                    bundle_number=form.bundle_number, data=form.to_dict(),
                                    revision=revision, updated_at=self.ctx.now())
                session.add(draft)
                session.flush()
                return draft.id
            if draft.revision < revision:
                draft.data = form.to_dict()
                draft.revision = revision
                draft.updated_at = self.ctx.now()
            return draft.id

    def resume_or_start(self, actor: Actor, code: str) -> tuple[int | None, int, BundleForm]:
        """The actor's unconfirmed draft of this bundle (typed before a crash or a close), else
        a new form: (draft id or None, its revision, the form)."""
        require(self.ctx, actor, Permission.INTAKE)
        with self.ctx.db.reading() as session:
            draft = session.scalars(select(BundleDraft).where(
                BundleDraft.user_id == actor.user_id, BundleDraft.bundle_code == code,
                BundleDraft.bundle_number.is_(None)).order_by(
                BundleDraft.updated_at.desc(), BundleDraft.id.desc())).first()
            if draft is not None:
                return draft.id, draft.revision, BundleForm.from_dict(draft.data)
        return None, 0, self.start(actor, code)

    def discard_draft(self, actor: Actor, draft_id: int) -> None:
        with self.ctx.db.transaction() as session:
            draft = session.get(BundleDraft, draft_id)
            if draft is not None and draft.user_id == actor.user_id:
                session.delete(draft)
                audit(session, actor, "bundle_draft_discarded", "bundle_draft", str(draft_id),
                      self.ctx.now())

    # -- confirmation ---------------------------------------------------------------------

    def confirm(self, actor: Actor, form: BundleForm,
                draft_id: int | None = None) -> BundleConfirmResult:
        """Write the bundle and every member decided now in one transaction; IntakeError lists
        every problem (naming the member) when it may not be confirmed."""
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        checked = self.assess(form, now.date())
        problems = [p.message for p in checked.field_problems] + list(checked.blockers)
        refused = any(checked.result.member(c).check.outcome is Outcome.REFUSED
                      for c in checked.to_decide)
        require(self.ctx, actor, Permission.REFUSE if refused else Permission.INTAKE)
        if not settings.configured:
            problems.append(_("本站尚未完成站点设置（中心名称、区划代码、站点编码），请联系管理员"))
        if not checked.to_decide:
            problems.append(_("该一件事没有待补正的成员事项"))
        if problems:
            raise IntakeError(problems)
        with self.ctx.db.transaction() as session:
            result = self.write_intake(session, actor, form, checked, now,
                                       settings.region_code, settings.station_code)
            if draft_id is not None:
                draft = session.get(BundleDraft, draft_id)
                if draft is not None:
                    session.delete(draft)
        log.info("bundle confirmed: members=%s", len(result.members))
        return result

    def write_intake(self, session: Session, actor: Actor, form: BundleForm,
                     checked: BundleFormAssessment, now: datetime, region: str,
                     station: str) -> BundleConfirmResult:
        """The writes of one confirmation, inside the caller's transaction (demo data too)."""
        today = now.date()
        bundle = checked.bundle
        if form.bundle_number:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == form.bundle_number)).one()
            before = _bundle_snapshot(case)
            event = "bundle.decided"
        else:
            case = BundleCase(
                number=next_number(session, region, station, today), bundle_code=bundle.code,
                bundle_version=bundle.version, bundle_name=bundle.name,
                station_code=region + station, window=actor.window, applicant_id=0,
                clerk_id=actor.user_id, chosen=sorted(form.chosen), clerk_conditions=[],
                combined_limit_days=bundle.combined_limit.days if bundle.combined_limit
                else None, received_on=today, trips=0, created_at=now, updated_at=now)
            before = None
            event = "bundle.confirmed"
        existing = {a.matter_code: a for a in case.members} if before is not None else {}
        dues = self._dues(checked, existing, today)
        writer = _MemberWriter(self.intake, dues)
        members: list[Application] = []
        for assessed in checked.result.members:
            code = assessed.matter.code
            app = existing.get(code)
            if code in checked.to_decide:
                member_form = self._member_form(form, assessed.matter, assessed.entries,
                                                checked, app)
                single = Assessment(assessed.matter, assessed.evaluation, assessed.proposed,
                                    assessed.check, ())
                written = writer.write(session, actor, member_form, single, now, region,
                                       station)
                app = session.scalars(select(Application).where(
                    Application.number == written.application_number)).one()
            elif app is not None and code in dues and app.due_date != dues[code].due and (
                    ApplicationStatus(app.status).is_open):
                app.due_date, app.due_provisional = dues[code].due, dues[code].provisional
            assert app is not None
            members.append(app)
        if before is None:
            case.applicant_id = members[0].applicant_id
            session.add(case)
            session.flush()
        for app in members:
            app.bundle_id = case.id
        case.clerk_conditions = sorted(form.clerk_applies)
        case.trips += 1
        case.updated_at = now
        if bundle.combined_limit is not None and case.combined_due is None:
            accepted = [a.accepted_on for a in members if a.accepted_on is not None]
            if accepted:
                case.combined_due = self.calendar().due_date(
                    min(accepted), bundle.combined_limit.days)
        session.flush()
        self._write_materials(session, case, checked, form, members)
        session.flush()
        session.refresh(case)
        after = _bundle_snapshot(case)
        audit(session, actor, event.replace(".", "_"), "bundle", case.number, now, before, after)
        emit(session, event, case.number, after, now)
        return BundleConfirmResult(case.number, tuple(
            MemberResult(a.number, a.matter_code, a.matter_name, Outcome(a.outcome),
                         ApplicationStatus(a.status), a.due_date, a.due_provisional)
            for a in members), case.trips)

    def _dues(self, checked: BundleFormAssessment, existing: Mapping[str, Application],
              today: date) -> dict[str, MemberDue]:
        """Due dates of the members accepted now or before, counted the bundle's way."""
        checklist = checked.checklist
        accepted: dict[str, date] = {}
        done: dict[str, date] = {}
        for assessed in checked.result.members:
            code = assessed.matter.code
            app = existing.get(code)
            if code in checked.to_decide:
                outcome = assessed.check.outcome
                if outcome.is_acceptance:
                    accepted[code] = today
                if outcome is Outcome.DONE_ON_SPOT or (
                        outcome.is_acceptance and assessed.matter.handling is Handling.IMMEDIATE
                        and not assessed.waiting_for and not any(
                            p in {m.code for m in checklist.members}
                            for p in checklist.bundle.member(code).waits_for)):
                    done[code] = today
            elif app is not None and app.accepted_on is not None:
                accepted[code] = app.accepted_on
                if app.status in _FINISHED:
                    finished = getattr(app, "finished_at", None)
                    done[code] = finished.date() if finished else app.updated_at.date()
        limits = {m.code: m.promised_limit for m in checklist.members}
        return due_dates(checklist, limits, accepted, done, self.calendar())

    @staticmethod
    def _member_form(form: BundleForm, matter: Matter, entries: Mapping[str, MaterialEntry],
                     checked: BundleFormAssessment, app: Application | None) -> IntakeForm:
        context = member_context(checked.checklist, matter.code, form.context())
        return IntakeForm(
            matter_code=matter.code, matter_version=matter.version,
            applicant_type=form.applicant_type, applicant=form.applicant, contact=form.contact,
            agent=form.agent, has_agent=form.has_agent, materials=dict(entries),
            clerk_applies=context.clerk_applies, delivery_method=form.delivery_method,
            overrides=dict(form.overrides), refusal=form.refusals.get(matter.code),
            application_number=app.number if app is not None else None)

    @staticmethod
    def _write_materials(session: Session, case: BundleCase, checked: BundleFormAssessment,
                         form: BundleForm, members: list[Application]) -> None:
        by_code = {a.matter_code: a for a in members}
        rows = {m.line_id: m for m in case.materials}
        for position, line in enumerate(checked.checklist.lines):
            entry = form.materials.get(line.id, MaterialEntry())
            row = rows.get(line.id)
            if row is None:
                row = BundleMaterial(line_id=line.id, position=position,
                                     name=line.requirement.name,
                                     form_required=line.requirement.form,
                                     copies_required=line.requirement.copies,
                                     produced_by=line.produced_by or "")
                case.materials.append(row)
            row.applicable = line_applies(line, form.context(), checked.checklist)
            if line.produced_by:
                entry = MaterialEntry(MaterialState.WAIVED, note=_("由成员事项办理结果共享"))
            row.state = entry.state.value
            row.form_received = entry.form_received
            row.copies_received = entry.copies_received
            row.promised_date = entry.promised_date
            row.note = entry.note
            used = {u.application_material_id for u in row.uses}
            for matter, material in line.uses:
                app = by_code.get(matter.code)
                if app is None:
                    continue
                target = next((m for m in app.materials if m.material_id == material.id), None)
                if target is not None and target.id is not None and target.id not in used:
                    row.uses.append(BundleMaterialUse(application_material_id=target.id))

    # -- the applicant comes back ---------------------------------------------------------

    def numbers(self) -> frozenset[str]:
        """Every bundle's number and every member's (the window routes scans with it)."""
        with self.ctx.db.reading() as session:
            own = session.scalars(select(BundleCase.number)).all()
            members = session.scalars(select(Application.number).where(
                Application.bundle_id.is_not(None))).all()
        return frozenset([*own, *members])

    def is_bundle_number(self, number: str) -> bool:
        """Whether `number` is a bundle's own number (not a member's)."""
        parsed = parse_number(number)
        if parsed is None:
            return False
        with self.ctx.db.reading() as session:
            return session.scalars(select(BundleCase.id).where(
                BundleCase.number == str(parsed))).first() is not None

    def bundle_number_of(self, number: str) -> str | None:
        """The bundle number for a bundle's or a member's number (None when it is neither)."""
        parsed = parse_number(number)
        if parsed is None:
            return None
        text = str(parsed)
        with self.ctx.db.reading() as session:
            direct = session.scalars(select(BundleCase.number).where(
                BundleCase.number == text)).first()
            if direct is not None:
                return direct
            return session.scalars(select(BundleCase.number).join(
                Application, Application.bundle_id == BundleCase.id).where(
                Application.number == text)).first()

    def reopen(self, actor: Actor, number: str) -> BundleForm:
        """The form of a bundle whose members wait for a correction (scanned or typed: the
        bundle's number or any member's)."""
        require(self.ctx, actor, Permission.INTAKE)
        bundle_number = self.bundle_number_of(number)
        if bundle_number is None:
            raise IntakeError([_("本站没有编号为 {n} 的一件事").format(n=number.strip())])
        with self.ctx.db.reading() as session:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == bundle_number)).one()
            if not any(a.status == ApplicationStatus.AWAITING_CORRECTION.value
                       for a in case.members):
                raise IntakeError([_("「{name}」没有待补正的成员事项，无需补交材料").format(
                    name=case.bundle_name)])
            first = case.members[0]
            return BundleForm(
                bundle_code=case.bundle_code, bundle_version=case.bundle_version,
                chosen=frozenset(case.chosen or ()),
                applicant_type=ApplicantType(first.applicant_type),
                applicant=_person(first.applicant),
                contact=_person(first.contact) if first.contact else PersonInput(),
                agent=_person(first.agent) if first.agent else PersonInput(),
                has_agent=first.agent is not None,
                materials={m.line_id: MaterialEntry(
                    MaterialState(m.state), m.form_received, m.copies_received,
                    m.promised_date, m.note) for m in case.materials if not m.produced_by},
                clerk_applies=frozenset(case.clerk_conditions or ()),
                delivery_method=first.delivery_method,
                overrides=dict(first.override_reasons or {}),
                bundle_number=case.number,
                member_versions={**{m.matter_code: self.catalogue.matter(m.matter_code).version
                                    for m in self.definitions.bundle(
                                        case.bundle_code, case.bundle_version).members},
                                 **{a.matter_code: a.matter_version for a in case.members}},
                member_numbers={a.matter_code: a.number for a in case.members})


def _person(row: object) -> PersonInput:
    return PersonInput(name=row.name, doc_type=row.doc_type,  # type: ignore[attr-defined]
                       doc_number=row.doc_number, phone=row.phone,  # type: ignore[attr-defined]
                       address=row.address,  # type: ignore[attr-defined]
                       legal_representative=row.legal_representative)  # type: ignore[attr-defined]


def bundle_status(case: BundleCase) -> str:
    """`finished` when every member is, `correction` when one awaits a correction, else `open`."""
    return derived_status([a.status for a in case.members])


def _bundle_snapshot(case: BundleCase) -> dict[str, object]:
    """The bundle and its members for the audit trail and the outbox (抄告相关)."""
    return {
        "number": case.number,
        "station": case.station_code,
        "bundle": {"code": case.bundle_code, "version": case.bundle_version,
                   "name": case.bundle_name},
        "status": bundle_status(case),
        "chosen": list(case.chosen or ()),
        "combined_limit_days": case.combined_limit_days,
        "combined_due": case.combined_due.isoformat() if case.combined_due else None,
        "trips": case.trips,
        "members": [application_snapshot(a) for a in case.members],
        "materials": [{"line": m.line_id, "name": m.name, "state": m.state,
                       "copies_required": m.copies_required,
                       "copies_received": m.copies_received,
                       "produced_by": m.produced_by or None,
                       "serves": sorted(_number_of(u) for u in m.uses)}
                      for m in case.materials],
    }


def _number_of(use: BundleMaterialUse) -> str:
    material: ApplicationMaterial = use.application_material
    return f"{material.application.number}:{material.material_id}"


def with_chosen(form: BundleForm, code: str, chosen: bool) -> BundleForm:
    """The form with an optional member ticked or not."""
    picked = set(form.chosen)
    (picked.add if chosen else picked.discard)(code)
    return replace(form, chosen=frozenset(picked))
