"""Demo data (演示数据): realistic made-up applications over the last days, every outcome.

Applications go through the same checks and writes as a real intake (`IntakeService.write`),
in batches of one transaction each, so the benchmarks and the supervisor's log see real rows.
Every person is invented by `FakePeople` (valid check digits, nobody real).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.catalogue import ConditionSubject, MaterialRequirement, Matter
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState, applies
from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.identity import DocumentType
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import load_settings
from clerk_app.store.models import Application, User, Visit

DEMO_PASSWORD = "demo2026pass"
_CLERKS = (("chenjing", "陈静", "社会保障"), ("lihua", "李华", "民生事务"),
           ("zhaomin", "赵敏", "综合服务"), ("sunqiang", "孙强", "商事登记"))
_PLAN = ((Outcome.ACCEPTED, 50), (Outcome.CORRECTION, 16), (Outcome.ACCEPTED_DEFERRED, 12),
         (Outcome.ACCEPTED_ON_COMMITMENT, 8), (Outcome.REFUSED, 6))
_REFUSALS = (
    Refusal(RefusalGround.NOT_OUR_MATTER, "申请事项属于县级部门直接受理范围，不属于本中心受理权限",
            "《中华人民共和国行政许可法》第三十二条第一款第（二）项", "县政务服务中心对应部门窗口"),
    Refusal(RefusalGround.NOT_ELIGIBLE, "申请人户籍不在本镇，不符合申请条件",
            "《中华人民共和国行政许可法》第三十二条", ""),
)
BATCH = 200


def _demo_clerks(services: Services) -> list[Actor]:
    """The demo's clerks, created once (password DEMO_PASSWORD)."""
    actors = []
    with services.ctx.db.reading() as session:
        existing = {u.username: u for u in session.scalars(select(User))}
    for username, name, window in _CLERKS:
        user = existing.get(username)
        if user is None:
            actors.append(services.accounts.create(
                SYSTEM_ACTOR, username, name, DEMO_PASSWORD, Role.CLERK, window))
        else:
            actors.append(Actor(user.id, user.username, user.display_name, user.role,
                                user.window))
    return actors


def _entry_for(material: MaterialRequirement, state: MaterialState, day: date,
               rng: random.Random) -> MaterialEntry:
    if state is MaterialState.RECEIVED:
        form = "原件和复印件" if material.form == "原件和复印件" else material.form
        return MaterialEntry(state, form, material.copies)
    if state is MaterialState.DEFERRED:
        return MaterialEntry(state, promised_date=day + timedelta(days=rng.randint(3, 10)))
    if state is MaterialState.DEFECTIVE:
        return MaterialEntry(state, note="复印件不清晰，无法辨认")
    return MaterialEntry(state)


def _materials(matter: Matter, form: IntakeForm, plan: Outcome, day: date,
               rng: random.Random) -> dict[str, MaterialEntry]:
    applicable = [m for m in matter.materials if applies(m, form.context())]
    states = {m.id: MaterialState.RECEIVED for m in applicable}
    if plan is Outcome.CORRECTION and applicable:
        for material in rng.sample(applicable, k=min(len(applicable), rng.randint(1, 2))):
            states[material.id] = rng.choice((MaterialState.MISSING, MaterialState.DEFECTIVE))
    elif plan is Outcome.ACCEPTED_DEFERRED:
        deferrable = [m for m in applicable if m.deferrable]
        if deferrable:
            states[rng.choice(deferrable).id] = MaterialState.DEFERRED
    elif plan is Outcome.ACCEPTED_ON_COMMITMENT:
        committable = [m for m in applicable if m.commitment_allowed]
        if committable:
            states[rng.choice(committable).id] = MaterialState.COMMITTED
    e_licensed = [m for m in applicable if m.e_licence and states[m.id] is MaterialState.RECEIVED]
    for material in e_licensed[:1]:
        if rng.random() < 0.4:
            states[material.id] = MaterialState.E_LICENCE
    return {mid: _entry_for(matter.material(mid), state, day, rng) for mid, state in states.items()}


def _form(matter: Matter, people: FakePeople, rng: random.Random, plan: Outcome,
          day: date) -> IntakeForm:
    for_units = any(m.condition and m.condition.subject is ConditionSubject.LEGAL_PERSON
                    for m in matter.materials)
    if for_units and rng.random() < 0.5:
        company = people.company()
        contact = people.person()
        form = IntakeForm(
            matter.code, matter.version, ApplicantType.LEGAL_PERSON,
            applicant=PersonInput(company.name, DocumentType.USCC.value, company.uscc,
                                  company.phone, company.address, company.legal_representative),
            contact=PersonInput(contact.name, DocumentType.RESIDENT_ID.value, contact.resident_id,
                                contact.mobile, contact.address))
    else:
        person = people.person()
        form = IntakeForm(matter.code, matter.version, applicant=PersonInput(
            person.name, DocumentType.RESIDENT_ID.value, person.resident_id, person.mobile,
            person.address))
    if rng.random() < 0.15:
        agent = people.person()
        form = replace(form, has_agent=True, agent=PersonInput(
            agent.name, DocumentType.RESIDENT_ID.value, agent.resident_id, agent.mobile,
            agent.address))
    form = replace(form, delivery_method=rng.choice(matter.delivery))
    form = replace(form, materials=_materials(matter, form, plan, day, rng))
    if plan is Outcome.REFUSED:
        form = replace(form, refusal=rng.choice(_REFUSALS))
    return form


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 480))


def generate_demo(services: Services, count: int, days: int, *, seed: int = 2026,
                  bundles: int = 0) -> int:
    """Write `count` demo applications spread over the last `days` days; returns how many.

    `bundles` more 一件事 cases (every bundle in every outcome mix, services/bundles/demo.py)
    are written besides, their members moved on by the back office like the rest."""
    rng = random.Random(seed)
    people = FakePeople(seed)
    settings = load_settings(services.ctx)
    clerks = _demo_clerks(services)
    matters = [m for m in services.catalogue.current_matters() if m.active]
    outcomes = [outcome for outcome, _weight in _PLAN]
    weights = [weight for _outcome, weight in _PLAN]
    today = services.ctx.today()
    made = 0
    pending: list[tuple[datetime, Actor, IntakeForm]] = []
    for _index in range(count):
        day = today - timedelta(days=rng.randrange(max(days, 1)))
        plan = rng.choices(outcomes, weights)[0]
        matter = rng.choice(matters)
        clerk = rng.choice(clerks)
        pending.append((_moment(day, rng), clerk, _form(matter, people, rng, plan, day)))
    pending.sort(key=lambda item: item[0])
    for start in range(0, len(pending), BATCH):
        with services.ctx.db.transaction() as session:
            for moment, clerk, form in pending[start:start + BATCH]:
                try:
                    assessment = services.intake.checked(clerk, form, moment.date(), settings)
                except IntakeError:
                    continue
                services.intake.write(session, clerk, form, assessment, moment,
                                      settings.region_code, settings.station_code)
                made += 1
    if bundles:
        from clerk_app.services.bundles.demo import generate_bundle_demo

        generate_bundle_demo(services, clerks, bundles, days, rng, people)
    _advance_back_office(services, rng, today)
    return made


def _advance_back_office(services: Services, rng: random.Random, today: date) -> None:
    """Older accepted applications move on as the back office would: 审批中, 已办结, 出件."""
    with services.ctx.db.transaction() as session:
        rows = session.scalars(select(Application).where(
            Application.status == ApplicationStatus.ACCEPTED.value,
            Application.received_on < today - timedelta(days=2))).all()
        now = services.ctx.now()
        for app in rows:
            roll = rng.random()
            if roll < 0.5:
                app.status = ApplicationStatus.COMPLETED.value
                # finished some days after it was received, not all at once today
                done_on = min(app.received_on + timedelta(days=rng.randint(1, 6)), today)
                app.finished_at = datetime.combine(done_on, time(15, rng.randint(0, 59)))
                if rng.random() < 0.6 and app.delivery_method == "窗口领取":
                    app.status = ApplicationStatus.HANDED_OVER.value
                    session.add(Visit(application_id=app.id, visited_at=now, purpose="handover",
                                      clerk_id=app.clerk_id))
            elif roll < 0.8:
                app.status = ApplicationStatus.IN_REVIEW.value
            app.updated_at = now
        audit(session, SYSTEM_ACTOR, "demo_back_office", "application", "", now,
              after={"advanced": len(rows)})
