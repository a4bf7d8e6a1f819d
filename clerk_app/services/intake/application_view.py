"""One application as the window shows it when it is scanned or looked up (办件详情).

Read-only: status, decisions, materials, visits, handovers, postal stage and where the
application stands against its due date (a ``DeadlineRow``, as the 预警 list has it), masked for
the viewer's role. What the clerk may do next is worked out here once (``can_*``), so the view
and its tests need no rules of their own; each action's service still checks everything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.catalogue import Handling
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.domain.handover import CollectorRole
from clerk_app.domain.masking import mask_id_number, mask_phone
from clerk_app.domain.workdays import PauseKind
from clerk_app.i18n import _
from clerk_app.services.results.handover import ResultsError, find_application
from clerk_app.services.results.postal import PostalStage
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.station.settings import load_settings
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.clock import ClockService, ClockState
from clerk_app.services.time_limits.deadlines import DeadlineRow, DeferredMaterial, PauseInfo
from clerk_app.services.village.scope import visible
from clerk_app.store.models import (
    Application,
    ApplicationMaterial,
    HandoverRecord,
    PostalDelivery,
    User,
)

_PURPOSES = {"intake": _("受理"), "resubmission": _("补交材料"), "handover": _("领取结果"),
             "deferred_material": _("补交容缺材料")}
_CLOSED = (ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED,
           ApplicationStatus.REFUSED, ApplicationStatus.DRAFT)


@dataclass(frozen=True)
class DecisionLine:
    """One decision taken on the application (受理决定), oldest first."""

    outcome_label: str
    decided_at: datetime
    clerk: str
    serial: str  # 文书编号 of its notice ("" until first printed)
    explanation: str


@dataclass(frozen=True)
class MaterialLine:
    """One applicable material and its state."""

    name: str
    state_label: str
    promised_date: date | None
    note: str
    owed: bool  # 容缺, still to be brought
    overdue: bool  # owed past the promised date


@dataclass(frozen=True)
class VisitLine:
    """One trip of the applicant (跑动)."""

    visited_at: datetime
    purpose: str
    clerk: str


@dataclass(frozen=True)
class ClockInfo:
    """The clock of an open application, for 暂停计时 / 恢复计时 / 延期."""

    special_pause_since: date | None  # a 特别程序 pause running since this day
    special_pause_reason: str
    extension_left: int
    paused: bool


@dataclass(frozen=True)
class ApplicationDetails:
    """Everything the application view shows, masked for the viewer."""

    number: str
    matter_code: str
    matter_name: str
    status: ApplicationStatus
    outcome_label: str
    applicant_name: str
    applicant_document: str
    applicant_phone: str
    agent_name: str
    window: str
    clerk: str
    received_on: date
    accepted_on: date | None
    due_date: date | None
    due_provisional: bool
    due: DeadlineRow | None  # for due_format.due_cell while the application runs
    delivery_method: str
    decisions: tuple[DecisionLine, ...]
    materials: tuple[MaterialLine, ...]
    visits: tuple[VisitLine, ...]
    handovers: tuple[tuple[int, datetime, str], ...]  # id, time, collector's role
    postal_stage: PostalStage | None
    clock: ClockInfo | None
    may_reprint: bool
    may_pause_clock: bool

    @property
    def can_reopen(self) -> bool:
        """补交材料: a correction is awaited, 容缺 materials are still owed, or a village case
        is still at its point (代收, before the slip)."""
        return self.status in (ApplicationStatus.AWAITING_CORRECTION,
                               ApplicationStatus.COLLECTED) or (
            any(m.owed for m in self.materials) and self.status not in _CLOSED)

    @property
    def can_hand_over(self) -> bool:
        return self.status.result_ready

    @property
    def can_post(self) -> bool:
        return self.status not in _CLOSED or self.postal_stage is PostalStage.DISPATCHED

    @property
    def has_notice(self) -> bool:
        return bool(self.decisions)


def _material(m: ApplicationMaterial, today: date) -> MaterialLine:
    owed = m.state == MaterialState.DEFERRED.value
    return MaterialLine(m.name, MaterialState(m.state).label, m.promised_date, m.note, owed,
                        owed and m.promised_date is not None and m.promised_date < today)


class ApplicationViewService:
    """Reads one application for the application view."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 calendar: CalendarService, clock: ClockService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock

    def details(self, actor: Actor, number: str) -> ApplicationDetails:
        """The application with this number (typed or scanned); ResultsError when unknown."""
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            if not visible(self.ctx, actor, app):  # an agent: their own point's cases only
                raise ResultsError([_("本代办点没有办件编号为 {n} 的办件").format(n=app.number)])
            handovers = session.scalars(select(HandoverRecord).where(
                HandoverRecord.application_id == app.id).order_by(HandoverRecord.id)).all()
            postal = session.scalars(select(PostalDelivery).where(
                PostalDelivery.application_id == app.id)).first()
            clerk_ids = {d.clerk_id for d in app.decisions} | {v.clerk_id for v in app.visits}
            names = {uid: name for uid, name in session.execute(
                select(User.id, User.display_name).where(User.id.in_(clerk_ids)))}
            details = self._details(app, actor, names, self.ctx.today())
            details = replace(details, handovers=tuple(
                (h.id, h.handed_at, CollectorRole(h.collector_role).label) for h in handovers),
                postal_stage=PostalStage(postal.stage) if postal is not None else None)
            timed = details.status.is_open and app.accepted_on is not None and (
                self._handling(app) is not Handling.IMMEDIATE)
        if not timed:
            return details
        state = self.clock.state(details.number)
        special = state.open_pause(PauseKind.SPECIAL_PROCEDURE)
        clock = ClockInfo(special.start if special else None, special.reason if special else "",
                          state.extension_left, bool(state.open_pauses))
        return replace(details, clock=clock, due=self._deadline(details, state))


    def _handling(self, app: Application) -> Handling | None:
        try:
            return self.catalogue.matter(app.matter_code, app.matter_version).handling
        except KeyError:
            return None

    @staticmethod
    def _details(app: Application, actor: Actor, names: dict[int, str],
                 today: date) -> ApplicationDetails:
        full = allowed(actor, Permission.SEE_FULL_ID)
        person = app.contact if app.applicant_type == "legal_person" and app.contact else (
            app.applicant)
        phone = person.phone or (app.agent.phone if app.agent else "")
        doc = app.applicant.doc_number
        return ApplicationDetails(
            number=app.number, matter_code=app.matter_code, matter_name=app.matter_name,
            status=ApplicationStatus(app.status),
            outcome_label=Outcome(app.outcome).label if app.outcome else "",
            applicant_name=app.applicant.name,
            applicant_document=doc if full else mask_id_number(doc),
            applicant_phone=phone if full else mask_phone(phone),
            agent_name=app.agent.name if app.agent else "", window=app.window,
            clerk=app.clerk.display_name if app.clerk else "", received_on=app.received_on,
            accepted_on=app.accepted_on, due_date=app.due_date,
            due_provisional=app.due_provisional, due=None, delivery_method=app.delivery_method,
            decisions=tuple(DecisionLine(
                Outcome(d.outcome).label, d.decided_at, names.get(d.clerk_id, ""),
                d.notice_serial, d.explanation) for d in app.decisions),
            materials=tuple(_material(m, today)
                            for m in sorted(app.materials, key=lambda m: m.position)
                            if m.applicable),
            visits=tuple(VisitLine(v.visited_at, _PURPOSES.get(v.purpose, v.purpose),
                                   names.get(v.clerk_id, "")) for v in app.visits),
            handovers=(), postal_stage=None, clock=None,
            may_reprint=allowed(actor, Permission.REPRINT),
            may_pause_clock=allowed(actor, Permission.PAUSE_CLOCK))

    def _deadline(self, details: ApplicationDetails, state: ClockState) -> DeadlineRow | None:
        """Where an open application stands, as the 预警 list shows it."""
        if details.accepted_on is None:
            return None
        cal = self.calendar.calendar()
        today = self.ctx.today()
        yellow_days = load_settings(self.ctx).yellow_days
        due = details.due_date
        pause, expected, provisional = None, None, details.due_provisional
        if due is None and state.open_pauses:
            first = min(state.open_pauses, key=lambda p: p.start)
            pause = PauseInfo(first.kind, first.start, first.reason, first.expected_end)
            expected, provisional = state.due.expected_date, state.due.provisional
        owed = tuple(DeferredMaterial(m.name, m.promised_date, m.overdue)
                     for m in details.materials if m.owed)
        return DeadlineRow(
            number=details.number, matter_name=details.matter_name,
            applicant_name=details.applicant_name, window=details.window, clerk=details.clerk,
            status=details.status.value, accepted_on=details.accepted_on, due_date=due,
            provisional=provisional, due_status=cal.due_status(due, today, yellow_days),
            remaining=None if due is None else cal.remaining_working_days(today, due),
            as_of=today, yellow_days=yellow_days, pause=pause, expected_due=expected,
            deferred=owed)
