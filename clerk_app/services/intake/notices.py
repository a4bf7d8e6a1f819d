"""Notices of an application (通知书): what to print for a decision, printing and reprinting.

The wording and layout live in `clerk_app.documents` and resources/notices; this module only
turns an application into `NoticeData`, numbers the notice (文书编号) once per decision, and
audits every print and reprint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.documents.notice_data import (
    CentreInfo,
    CommitmentItem,
    Handover,
    LegalPerson,
    MaterialLine,
    MaterialStatus,
    NoticeData,
    NoticeKind,
    PersonLine,
    Remedies,
)
from clerk_app.domain.catalogue import Matter
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.domain.identity import DocumentType
from clerk_app.domain.masking import mask_id_number, mask_phone
from clerk_app.domain.numbering import parse_number
from clerk_app.i18n import _
from clerk_app.services.intake.progress_link import notice_progress
from clerk_app.services.intake.serials import decision_serial
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import CentreSettings, load_settings
from clerk_app.services.village.point import PointSettings, load_point
from clerk_app.services.village.scope import visible
from clerk_app.store.models import Applicant, Application, Decision

log = logging.getLogger(__name__)

NOTICE_FOR_OUTCOME = {
    Outcome.DONE_ON_SPOT: NoticeKind.ON_THE_SPOT,
    Outcome.ACCEPTED: NoticeKind.ACCEPTANCE,
    Outcome.ACCEPTED_DEFERRED: NoticeKind.DEFERRED_ACCEPTANCE,
    Outcome.ACCEPTED_ON_COMMITMENT: NoticeKind.COMMITMENT,
    Outcome.CORRECTION: NoticeKind.CORRECTION,
    Outcome.REFUSED: NoticeKind.REFUSAL,
}
# 一式两份: the applicant's copy and the window's file copy (masked).
DEFAULT_COPIES = ("申请人留存", "窗口存档")

_STATUS = {
    MaterialState.RECEIVED: MaterialStatus.RECEIVED,
    MaterialState.E_LICENCE: MaterialStatus.RECEIVED,
    MaterialState.WAIVED: MaterialStatus.RECEIVED,
    MaterialState.MISSING: MaterialStatus.MISSING,
    MaterialState.DEFECTIVE: MaterialStatus.DEFECTIVE,
    MaterialState.DEFERRED: MaterialStatus.DEFERRED,
    MaterialState.COMMITTED: MaterialStatus.COMMITTED,
}


class NoticeError(LookupError):
    """No such application or notice; the message is for the clerk."""


@dataclass(frozen=True)
class RenderedNotice:
    """A rendered notice and what the clerk should know before printing it."""

    number: str
    kind: NoticeKind
    pdf: bytes
    unprintable: tuple[str, ...]  # characters no bundled font has (shown as boxes)


def _doc_label(doc_type: str) -> str:
    try:
        return DocumentType(doc_type).label
    except ValueError:
        return doc_type


def _person(row: Applicant, full_on_own_copy: bool) -> PersonLine:
    masked_id = mask_id_number(row.doc_number)
    masked_phone = mask_phone(row.phone)
    return PersonLine(
        name=row.name, document_label=_doc_label(row.doc_type),
        document_number=row.doc_number if full_on_own_copy else masked_id,
        phone=row.phone if full_on_own_copy else masked_phone, address=row.address,
        document_number_masked=masked_id, phone_masked=masked_phone)


def _organisation(row: Applicant) -> PersonLine:
    """An organisation as the applicant: its name, 统一社会信用代码, own phone and 住所 are
    public data and print in full on every copy."""
    return PersonLine(
        name=row.name, document_label=_doc_label(row.doc_type), document_number=row.doc_number,
        phone=row.phone, address=row.address, document_number_masked=row.doc_number,
        phone_masked=row.phone)


def _remedies(matter: Matter) -> Remedies | None:
    """The refusal's remedies from the catalogue's data; None (a general sentence) without."""
    remedy = matter.remedy
    if remedy is None:
        return None
    return Remedies(review_body=remedy.review_body, court=remedy.court,
                    review_days=remedy.review_days, litigation_months=remedy.litigation_months,
                    recheck_body=remedy.recheck_body)


def _requirement(matter: Matter, material_id: str, note: str) -> str:
    """What the notice's 要求 column says of a material: the clerk's note, else the
    catalogue's own requirement (form, copies and notes)."""
    if note.strip():
        return note
    try:
        item = matter.material(material_id)
    except KeyError:
        return ""
    text = _("{form}{copies}份").format(form=item.form, copies=item.copies)
    return f"{text}；{item.notes}" if item.notes else text


def centre_info(settings: CentreSettings) -> CentreInfo:
    """The centre as its notices name it (出具机构), from its settings."""
    seal = Path(settings.seal_image) if settings.seal_image else None
    return CentreInfo(name=settings.centre_name, address=settings.address, phone=settings.phone,
                      seal_image=seal if seal and seal.exists() else None,
                      qr_base_url=settings.qr_base_url, serial_prefix=settings.notice_serial_prefix)


def issuing_body(settings: CentreSettings, point: PointSettings) -> CentreInfo:
    """Who a notice is from: the centre, or at a village point the point itself (a matter
    delegated to the village, 下放到村, is decided there; the result is collected there, and
    the centre's seal is never printed on it)."""
    centre = centre_info(settings)
    if not point.is_village:
        return centre
    return replace(centre, name=point.point_name or centre.name, address="",
                   phone=point.point_phone or centre.phone, seal_image=None)




class NoticeService:
    """Builds, renders and audits the notices of applications."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue

    def render(self, actor: Actor, number: str, kind: NoticeKind | None = None, *,
               reprint: bool = False, copies: tuple[str, ...] = DEFAULT_COPIES,
               handover: Handover | None = None, view_only: bool = False) -> RenderedNotice:
        """Render the current notice of an application (or `kind`) for printing, auditing it.

        A reprint (补打) needs Permission.REPRINT and carries the visible mark and time;
        `view_only` renders for reading on screen and is audited as a view."""
        if reprint:
            require(self.ctx, actor, Permission.REPRINT)
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        issuer = issuing_body(settings, load_point(self.ctx))
        with self.ctx.db.transaction() as session:
            app = self._application(session, number)
            if not visible(self.ctx, actor, app):  # an agent: their own point's cases only
                raise NoticeError(_("找不到办件编号为 {n} 的办件，请核对编号").format(n=number))
            decision = app.decisions[-1] if app.decisions else None
            if decision is None:
                raise NoticeError(_("办件 {n} 尚未作出受理决定，没有通知书").format(n=app.number))
            own_kind = NOTICE_FOR_OUTCOME[Outcome(decision.outcome)]
            kind = kind or own_kind
            serial = decision_serial(session, settings, decision, kind.value, own_kind.value)
            data = self._data(app, decision, kind, settings, reprint_at=now if reprint else None,
                              handover=handover, serial=serial, issuer=issuer)
            progress = notice_progress(session, settings.qr_base_url, app.number)
            data = replace(data, progress_link=progress.progress_link,
                           progress_address=progress.progress_address,
                           check_code=progress.check_code)
            action = ("notice_reprinted" if reprint else
                      "notice_viewed" if view_only else "notice_printed")
            audit(session, actor, action,
                  "application", app.number, now,
                  after={"kind": kind.value, "serial": serial,
                         "copies": list(copies)})
        from clerk_app.documents.notices import render_notice, unprintable_characters

        pdf = render_notice(data, copies)  # reportlab is imported on the first notice
        log.info("notice rendered: kind=%s reprint=%s", kind.value, reprint)
        return RenderedNotice(app.number, kind, pdf, tuple(unprintable_characters(data)))

    def _application(self, session: Session, number: str) -> Application:
        parsed = parse_number(number)
        app = None if parsed is None else session.scalars(select(Application).where(
            Application.number == str(parsed))).first()
        if app is None:
            raise NoticeError(_("找不到办件编号为 {n} 的办件，请核对编号").format(n=number))
        return app

    def _data(self, app: Application, decision: Decision, kind: NoticeKind,
              settings: CentreSettings, *, reprint_at: datetime | None,
              handover: Handover | None, serial: str, issuer: CentreInfo) -> NoticeData:
        matter = self.catalogue.matter(app.matter_code, app.matter_version)
        required = {p["material_id"]: p["required"] for p in decision.problems or []}
        materials = tuple(
            MaterialLine(
                name=m.name, form=m.form_required, copies_required=m.copies_required,
                copies_received=m.copies_received, status=_STATUS[MaterialState(m.state)],
                requirement=required.get(m.material_id) or _requirement(
                    matter, m.material_id, m.note),
                promised_date=m.promised_date,
                state_label=MaterialState(m.state).label if m.state in (
                    "e_licence", "waived") else "")
            for m in app.materials if m.applicable)
        full = settings.applicant_copy_full_id
        is_unit = app.applicant_type == "legal_person"
        unit = LegalPerson(app.applicant.name, app.applicant.doc_number,
                           app.applicant.legal_representative) if is_unit else None
        applicant = _organisation(app.applicant) if is_unit else _person(app.applicant, full)
        contact = _person(app.contact, full) if is_unit and app.contact else None
        return NoticeData(
            kind=kind, centre=issuer, application_no=app.number,
            serial_no=serial, matter_name=app.matter_name,
            matter_code=app.matter_code, applicant=applicant, contact=contact,
            received_on=app.received_on, issued_on=decision.decided_at.date(),
            agent=_person(app.agent, full) if app.agent else None, legal_person=unit,
            materials=materials, accepted_on=app.accepted_on, due_date=app.due_date,
            due_provisional=app.due_provisional,
            promised_days=matter.promised_limit.days or None,  # 即办件: no limit to promise
            promised_natural=matter.promised_limit.natural,
            delivery_method=app.delivery_method, result_description=matter.result,
            refusal_reason=decision.refusal_reason, refusal_basis=decision.refusal_basis,
            redirect_body=decision.redirect_body, remedies=_remedies(matter),
            consult_phone=matter.consult_phone or settings.phone,
            complaint_phone=matter.complaint_phone or settings.complaint_phone,
            clerk_name=app.clerk.display_name if app.clerk else "", window_name=app.window,
            handling_body=matter.deciding_body, handover=handover, reprint_at=reprint_at,
            commitments=tuple(CommitmentItem(condition=_("{name}所证明的事项属实").format(
                name=m.name), material_replaced=m.name)
                for m in app.materials if m.applicable and m.state == MaterialState.COMMITTED))
