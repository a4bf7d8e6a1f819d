"""Finding applications again (办件查询): by number (scanned or typed), document, name or phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.decision import Outcome
from clerk_app.domain.masking import mask_id_number, mask_phone
from clerk_app.domain.numbering import parse_number
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.services.village.scope import own_point
from clerk_app.store.models import Applicant, Application


@dataclass(frozen=True)
class ApplicationRow:
    """One line of an application list, masked for the viewer's role."""

    number: str
    matter_name: str
    applicant_name: str
    applicant_doc: str
    applicant_phone: str
    outcome: str
    outcome_label: str
    status: str
    status_label: str
    received_on: date
    due_date: date | None
    due_provisional: bool
    visits: int
    clerk: str
    window: str
    organisation: bool = False  # an organisation's name, USCC and own phone are public data


def to_row(app: Application, full: bool) -> ApplicationRow:
    doc = app.applicant.doc_number
    organisation = app.applicant.kind == "legal_person"
    phone = app.applicant.phone or (app.agent.phone if app.agent else "")
    own_phone = organisation and bool(app.applicant.phone)  # the unit's, not the agent's
    return ApplicationRow(
        number=app.number, matter_name=app.matter_name, applicant_name=app.applicant.name,
        applicant_doc=doc if full or organisation else mask_id_number(doc),
        applicant_phone=phone if full or own_phone else mask_phone(phone),
        outcome=app.outcome, outcome_label=Outcome(app.outcome).label if app.outcome else "",
        status=app.status, status_label=ApplicationStatus(app.status).label,
        received_on=app.received_on, due_date=app.due_date, due_provisional=app.due_provisional,
        visits=len(app.visits), clerk=app.clerk.display_name if app.clerk else "",
        window=app.window, organisation=organisation)


def _rows_query() -> Select[Application]:
    """Applications with what a list row shows, loaded in a few queries rather than per row."""
    return select(Application).options(
        selectinload(Application.applicant), selectinload(Application.agent),
        selectinload(Application.clerk), selectinload(Application.visits))


class LookupService:
    """Read-only queries over applications."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def by_number(self, actor: Actor, text: str) -> ApplicationRow | None:
        parsed = parse_number(text)
        if parsed is None:
            return None
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            app = session.scalars(_rows_query().where(
                Application.number == str(parsed), own_point(self.ctx, actor))).first()
            return None if app is None else to_row(app, full)

    def search(self, actor: Actor, text: str, limit: int = 100) -> list[ApplicationRow]:
        """By number, applicant document number, name (or part of it) or phone."""
        text = text.strip()
        if not text:
            return []
        hit = self.by_number(actor, text)
        if hit is not None:
            return [hit]
        full = allowed(actor, Permission.SEE_FULL_ID)
        upper = text.upper()
        with self.ctx.db.reading() as session:
            people = select(Applicant.id).where(or_(
                Applicant.doc_number == upper, Applicant.phone == text,
                Applicant.name.contains(text)))
            query = (_rows_query().where(or_(
                Application.applicant_id.in_(people), Application.agent_id.in_(people),
                Application.contact_id.in_(people), Application.number.contains(upper)),
                own_point(self.ctx, actor))
                .order_by(Application.created_at.desc()).limit(limit))
            return [to_row(app, full) for app in session.scalars(query).unique()]

    def for_day(self, actor: Actor, day: date, window: str | None = None,
                clerk_id: int | None = None) -> list[ApplicationRow]:
        """Applications received on a day, at a window or by a clerk (today's list)."""
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            query = _rows_query().where(Application.received_on == day,
                                        own_point(self.ctx, actor))
            if window:
                query = query.where(Application.window == window)
            if clerk_id is not None:
                query = query.where(Application.clerk_id == clerk_id)
            rows = session.scalars(query.order_by(Application.created_at.desc())).all()
            return [to_row(app, full) for app in rows]

    def open_applications(self, actor: Actor) -> list[ApplicationRow]:
        """Applications still running against a due date, soonest first."""
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            query = _rows_query().where(Application.status.in_(
                [ApplicationStatus.ACCEPTED.value, ApplicationStatus.IN_REVIEW.value,
                 ApplicationStatus.AWAITING_CORRECTION.value]), own_point(self.ctx, actor)
            ).order_by(Application.due_date)
            return [to_row(app, full) for app in session.scalars(query)]
