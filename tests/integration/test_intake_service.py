"""Intake through the services on a real SQLite file: one transaction, audit, outbox, visits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.domain.catalogue import CatalogueError
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.domain.numbering import parse_number
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied, Role
from clerk_app.store.models import (
    Application,
    AuditEntry,
    Decision,
    Draft,
    MatterRecord,
    OutboxEvent,
    Visit,
)
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"
NOW = datetime(2026, 11, 26, 9, 30)
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    services.ctx.clock = lambda: NOW
    return services


def complete(form: IntakeForm) -> IntakeForm:
    for mid, entry in {
        "application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
        "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
        "income": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
    }.items():
        form = form.with_material(mid, entry)
    return form


def test_confirm_writes_everything_in_one_transaction(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = complete(replace(form, applicant=APPLICANT))
    result = svc.intake.confirm(clerk, draft_id, form)
    assert result.outcome is Outcome.ACCEPTED
    assert parse_number(result.application_number) is not None
    assert result.application_number.startswith("51010400120261126")
    # 20 working days from Thu 2026-11-26: counting starts 11-27 -> 2026-12-24 (no holidays)
    assert result.due_date == date(2026, 12, 24)
    with svc.ctx.db.reading() as session:
        app = session.scalars(select(Application)).one()
        assert app.status == "accepted" and app.accepted_on == NOW.date()
        assert app.matter_version == 1
        assert {m.material_id: m.state for m in app.materials}["income"] == "received"
        assert session.scalar(select(func.count(Decision.id))) == 1
        assert session.scalar(select(func.count(Visit.id))) == 1
        assert session.scalar(select(func.count(Draft.id))) == 0
        event = session.scalars(select(OutboxEvent)).one()
        assert event.type == "application.confirmed"
        assert event.payload["applicant"]["doc_number"] == "11010519491231002X"
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "application_accepted")).one()
        assert entry.username == "zhangli" and entry.before is None
        assert entry.after is not None and entry.after["number"] == app.number


def test_correction_then_comeback_on_the_same_number(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    form = form.with_material("application_form", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    first = svc.intake.confirm(clerk, draft_id, form)
    assert first.outcome is Outcome.CORRECTION and first.due_date is None
    with svc.ctx.db.reading() as session:
        decision = session.scalars(select(Decision)).one()
        assert [p["material_id"] for p in decision.problems] == ["id_card", "income"]

    svc.ctx.clock = lambda: NOW + timedelta(days=1)
    draft_id, again = svc.intake.reopen(clerk, first.application_number)
    assert again.application_number == first.application_number
    assert again.applicant.name == "张秀英"
    second = svc.intake.confirm(clerk, draft_id, complete(again))
    assert second.application_number == first.application_number
    assert second.outcome is Outcome.ACCEPTED and second.visits == 2
    with svc.ctx.db.reading() as session:
        assert session.scalar(select(func.count(Application.id))) == 1
        app = session.scalars(select(Application)).one()
        assert app.accepted_on == date(2026, 11, 27)
        types = [e.type for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))]
        assert types == ["application.confirmed", "application.decided"]


def test_numbers_continue_when_the_clock_goes_back(svc: Services, clerk: Actor) -> None:
    numbers = []
    for moment in (NOW, NOW + timedelta(days=1), NOW):  # the station clock is set back a day
        svc.ctx.clock = lambda m=moment: m
        draft_id, form = svc.intake.start(clerk, CODE)
        numbers.append(svc.intake.confirm(
            clerk, draft_id, complete(replace(form, applicant=APPLICANT))).application_number)
    assert len(set(numbers)) == 3
    assert numbers[0][17:22] == "00001" and numbers[2][17:22] == "00002"


def test_invalid_id_blocks_until_a_reason_is_typed(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    bad = replace(APPLICANT, doc_number="110105194912310021")
    form = complete(replace(form, applicant=bad))
    with pytest.raises(IntakeError) as info:
        svc.intake.confirm(clerk, draft_id, form)
    assert "校验" in str(info.value)
    form = replace(form, overrides={"applicant.doc_number": "老证件号码，公安系统可查"})
    result = svc.intake.confirm(clerk, draft_id, form)
    with svc.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(
            Application.number == result.application_number)).one()
        assert app.override_reasons == {"applicant.doc_number": "老证件号码，公安系统可查"}


def test_refusal_requires_permission_and_reason(svc: Services, admin: Actor) -> None:
    agent = svc.accounts.create(admin, "cunwang", "王代办", "village2026", Role.AGENT, "")
    draft_id, form = svc.intake.start(agent, CODE)
    form = replace(form, applicant=APPLICANT, refusal=Refusal(
        RefusalGround.NOT_OUR_MATTER, "属于县级直接受理", "行政许可法第三十二条", "县民政局"))
    with pytest.raises(PermissionDenied):
        svc.intake.confirm(agent, draft_id, form)
    with svc.ctx.db.reading() as session:
        denied = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "permission_denied")).one()
        assert denied.username == "cunwang"
        assert session.scalar(select(func.count(Application.id))) == 0


def test_drafts_survive_and_stale_revisions_are_dropped(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    assert svc.intake.save_draft(draft_id, replace(form, applicant=APPLICANT), 2)
    assert not svc.intake.save_draft(draft_id, form, 1)
    (restored_id, restored, _at), = svc.intake.drafts(clerk)
    assert restored_id == draft_id and restored.applicant == APPLICANT


def test_returning_applicant_is_prefilled(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    svc.intake.confirm(clerk, draft_id, complete(replace(form, applicant=APPLICANT)))
    found = svc.intake.find_applicant("resident_id", "11010519491231002x")
    assert found == APPLICANT


def test_bad_catalogue_leaves_the_old_one_whole(svc: Services, admin: Actor) -> None:
    broken = matter_doc(code="510104-MZ-0002", name="临时救助申请")
    broken["materials"][1]["copies"] = 0
    good_update = matter_doc(code=CODE, version=2, name="最低生活保障申请（修订）")
    with pytest.raises(CatalogueError) as info:
        svc.catalogue.import_document(admin, catalogue_doc(good_update, broken))
    assert "510104-MZ-0002" in str(info.value) and "copies" in str(info.value)
    with svc.ctx.db.reading() as session:
        rows = session.scalars(select(MatterRecord).where(MatterRecord.code == CODE)).all()
        assert [(r.version, r.current) for r in rows] == [(1, True)]
        assert session.scalars(select(MatterRecord).where(
            MatterRecord.code == "510104-MZ-0002")).first() is None


def test_application_keeps_the_version_it_began_with(svc: Services, clerk: Actor,
                                                     admin: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    svc.catalogue.import_document(admin, catalogue_doc(matter_doc(
        code=CODE, version=2, name="最低生活保障申请（修订）")))
    result = svc.intake.confirm(clerk, draft_id, complete(replace(form, applicant=APPLICANT)))
    with svc.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(
            Application.number == result.application_number)).one()
        assert (app.matter_version, app.matter_name) == (1, "最低生活保障申请")
    assert svc.catalogue.matter(CODE).version == 2


def test_withdrawn_matter_is_not_offered(svc: Services, clerk: Actor, admin: Actor) -> None:
    svc.catalogue.import_document(admin, catalogue_doc(matter_doc(
        code=CODE, version=2, status="withdrawn", withdrawn_reason="调整为县级办理")))
    with pytest.raises(IntakeError) as info:
        svc.intake.start(clerk, CODE)
    assert "调整为县级办理" in str(info.value)


@pytest.mark.parametrize(("name", "problem"), [
    ("<b>张&三</b>", None), ("王🙂五", "无法打印"), ("䶮𠈌", None),
    ("李\x07四", "控制字符"), ("", "请填写申请人姓名")])
def test_odd_names_get_a_message_or_are_kept_literally(svc: Services, clerk: Actor, name: str,
                                                      problem: str | None) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = complete(replace(form, applicant=replace(APPLICANT, name=name, address="镇" * 2000)))
    if problem is not None:
        with pytest.raises(IntakeError) as info:
            svc.intake.confirm(clerk, draft_id, form)
        assert any(problem in p for p in info.value.problems)
        assert [d[0] for d in svc.intake.drafts(clerk)] == [draft_id]  # nothing lost
        return
    result = svc.intake.confirm(clerk, draft_id, form)
    with svc.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(
            Application.number == result.application_number)).one()
        assert app.applicant.name == name and len(app.applicant.address) == 2000


def test_overlong_address_is_refused_with_its_length(svc: Services, clerk: Actor) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = complete(replace(form, applicant=replace(APPLICANT, address="镇" * 2001)))
    with pytest.raises(IntakeError) as info:
        svc.intake.confirm(clerk, draft_id, form)
    assert any("2001" in p and "过长" in p for p in info.value.problems)
