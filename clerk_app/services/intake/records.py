"""The rows an intake writes: the application's number, its people and its checklist.

One set of rules for every way a case is captured: at the counter (intake.py), 代收 at a
village point (village/collection.py) and a village case checked in at the centre
(village/centre.py). Each function works inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.catalogue import Matter
from clerk_app.domain.checklist import ApplicantType, MaterialEntry
from clerk_app.domain.numbering import format_number
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.store.models import Applicant, Application, ApplicationMaterial, NumberCounter


def next_number(session: Session, region: str, station: str, today: date) -> str:
    """Allocate the next application number for the station's date."""
    key = today.strftime("%Y%m%d")
    counter = session.get(NumberCounter, key)
    if counter is None:
        counter = NumberCounter(day_key=key, last=0)
        session.add(counter)
    counter.last += 1
    session.flush()
    return format_number(region, station, today, counter.last)


def upsert_person(session: Session, person: PersonInput, kind: str, now: datetime) -> Applicant:
    """The applicant row of this document (created or brought up to date)."""
    number = person.doc_number.strip().upper()
    row = session.scalars(select(Applicant).where(
        Applicant.doc_type == person.doc_type, Applicant.doc_number == number)).first()
    if row is None:
        row = Applicant(kind=kind, doc_type=person.doc_type, doc_number=number, name="",
                        updated_at=now)
        session.add(row)
    row.kind = kind
    row.name = person.name.strip()
    row.phone = person.phone.strip()
    row.address = person.address.strip()
    row.legal_representative = person.legal_representative.strip()
    row.updated_at = now
    return row


def write_people(session: Session, app: Application, form: IntakeForm, now: datetime) -> None:
    """The applicant, an organisation's 经办人 and the 代理人, as the form has them."""
    app.applicant = upsert_person(session, form.applicant, form.applicant_type.value, now)
    app.contact = (upsert_person(session, form.contact, "natural_person", now)
                   if form.applicant_type is ApplicantType.LEGAL_PERSON
                   and not form.contact.empty else None)
    app.agent = (upsert_person(session, form.agent, "natural_person", now)
                 if form.has_agent and not form.agent.empty else None)


def write_materials(app: Application, matter: Matter, applicable: Collection[str],
                    form: IntakeForm) -> None:
    """The checklist rows: one per catalogue material, marked applicable or not."""
    existing = {m.material_id: m for m in app.materials}
    for position, material in enumerate(matter.materials):
        entry = form.materials.get(material.id, MaterialEntry())
        row = existing.get(material.id)
        if row is None:
            row = ApplicationMaterial(material_id=material.id, position=position,
                                      name=material.name, form_required=material.form,
                                      copies_required=material.copies)
            app.materials.append(row)
        row.applicable = material.id in applicable
        row.state = entry.state.value
        row.form_received = entry.form_received
        row.copies_received = entry.copies_received
        row.promised_date = entry.promised_date
        row.note = entry.note
