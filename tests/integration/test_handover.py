"""Result handover at the window on a real SQLite file: readiness, collectors, 送达回证, visits.

`back_office_decides` stands in, in tests only, for the sync puller that brings a back-office
status (已办结/不予许可) down from the platform; the other result tests import these helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.domain.application import ApplicationStatus, apply_platform_status
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState
from clerk_app.domain.fake_people import FakeCompany, FakePeople, FakePerson
from clerk_app.domain.handover import (
    Collector,
    CollectorRole,
    OwedMaterial,
    ResultItem,
    ResultState,
    deferred_blocks_result,
    readiness_problems,
)
from clerk_app.domain.masking import mask_id_number
from clerk_app.domain.numbering import format_number
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.results.handover import HandoverService, ResultsError
from clerk_app.services.results.owed import OwedService
from clerk_app.services.results.postal import PostalService
from clerk_app.services.results.ratings import RatingService
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied
from clerk_app.store.models import Application, AuditEntry, HandoverRecord, OutboxEvent, Visit
from tests.conftest import TEST_PASSWORD
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"  # 最低生活保障申请, 承诺件 of 20 working days, window or post
INSTANT = "510104-SB-0002"  # a 即办件, result at the window only
NOW = datetime(2026, 11, 26, 9, 30)  # Thursday; 20 working days later is 2026-12-24
LATER = datetime(2026, 12, 10, 15, 0)
_people = FakePeople(seed=62026)
APPLICANT: FakePerson = _people.person()
AGENT: FakePerson = _people.person()
STRANGER: FakePerson = _people.person()
CONTACT: FakePerson = _people.person()
COMPANY: FakeCompany = _people.company()


@dataclass
class Results:
    """The services of issue 6 built on the test station's services."""

    services: Services
    handover: HandoverService
    postal: PostalService
    owed: OwedService
    ratings: RatingService

    def at(self, moment: datetime) -> None:
        self.services.ctx.clock = lambda: moment


def results_for(services: Services) -> Results:
    handover = HandoverService(services.ctx, services.catalogue, services.notices)
    return Results(services, handover, PostalService(services.ctx, services.catalogue, handover),
                   OwedService(services.ctx, services.catalogue),
                   RatingService(services.ctx, services.calendar.calendar))


def result_matters() -> dict[str, object]:
    instant = matter_doc(code=INSTANT, name="老年人优待证办理", handling="immediate",
                         promised_limit={"days": 0, "unit": "working"},
                         delivery=["窗口领取"], result="老年人优待证")
    return catalogue_doc(matter_doc(code=CODE), instant)


@pytest.fixture
def svc(services: Services, admin: Actor) -> Results:
    services.catalogue.import_document(admin, result_matters())
    services.ctx.clock = lambda: NOW
    return results_for(services)


def person_input(person: FakePerson) -> PersonInput:
    return PersonInput(person.name, "resident_id", person.resident_id, person.mobile,
                       person.address)


def take_in(svc: Results, clerk: Actor, *, code: str = CODE, agent: FakePerson | None = None,
            deferred_until: date | None = None, company: bool = False) -> str:
    """Confirm an intake at the counter (a visit); returns the application number."""
    draft_id, form = svc.services.intake.start(clerk, code)
    materials = {
        "application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
        "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
        "income": MaterialEntry(MaterialState.DEFERRED, promised_date=deferred_until)
        if deferred_until else MaterialEntry(MaterialState.RECEIVED, "原件", 1),
    }
    if agent is not None:
        materials["proxy"] = MaterialEntry(MaterialState.RECEIVED, "原件", 1)
    form = replace(form, applicant=person_input(APPLICANT), materials=materials,
                   has_agent=agent is not None,
                   agent=person_input(agent) if agent else PersonInput())
    if company:
        form = replace(form, applicant_type=ApplicantType.LEGAL_PERSON, applicant=PersonInput(
            COMPANY.name, "uscc", COMPANY.uscc, COMPANY.phone, COMPANY.address,
            COMPANY.legal_representative), contact=person_input(CONTACT))
    return svc.services.intake.confirm(clerk, draft_id, form).application_number


def back_office_decides(services: Services, number: str,
                        status: ApplicationStatus) -> ApplicationStatus:
    """Stands in for the sync puller (tests only): apply a back-office status in a transaction."""
    with services.ctx.db.transaction() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        app.status = apply_platform_status(ApplicationStatus(app.status), status).value
        return ApplicationStatus(app.status)


def collector(person: FakePerson, role: CollectorRole = CollectorRole.APPLICANT,
              **changes: object) -> Collector:
    base = Collector(role, person.name, "resident_id", person.resident_id, id_checked=True,
                     authorisation_checked=role is not CollectorRole.APPLICANT)
    return replace(base, **changes)  # type: ignore[arg-type]


def counts(services: Services, number: str) -> tuple[int, int, list[str]]:
    """Visits, handovers and outbox event types of an application."""
    with services.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        handovers = session.scalar(select(func.count(HandoverRecord.id)).where(
            HandoverRecord.application_id == app.id)) or 0
        types = list(session.scalars(select(OutboxEvent.type).where(
            OutboxEvent.application_no == number).order_by(OutboxEvent.seq)))
        return len(app.visits), handovers, types


ITEMS = [ResultItem("低保审批结果通知", 1), ResultItem("最低生活保障证", 1)]


def test_applicant_collects_the_result_on_a_second_trip(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    assert back_office_decides(svc.services, number, ApplicationStatus.COMPLETED) is (
        ApplicationStatus.COMPLETED)
    svc.at(LATER)
    ready = svc.handover.readiness(number)
    assert ready.ready and ready.status is ApplicationStatus.COMPLETED
    assert [i.text for i in ready.suggested_items] == ["低保审批结果通知 1份"]
    assert ready.applicant_document.endswith(mask_id_number(APPLICANT.resident_id))

    result = svc.handover.hand_over(clerk, number, collector(APPLICANT), ITEMS)
    assert result.status is ApplicationStatus.HANDED_OVER and result.visits == 2
    assert result.new_trip and result.rating_visit_id is not None
    assert result.receipt.documents == ("低保审批结果通知 1份", "最低生活保障证 1份")
    assert APPLICANT.name in result.receipt.recipient and "申请人本人" in result.receipt.recipient
    visits, handovers, types = counts(svc.services, number)
    assert (visits, handovers) == (2, 1)  # 跑动次数: intake + handover
    assert types == ["application.confirmed", "result.handed_over"]
    with svc.services.ctx.db.reading() as session:
        purposes = [v.purpose for v in session.scalars(select(Visit).order_by(Visit.id))]
        assert purposes == ["intake", "handover"]
        event = session.scalars(select(OutboxEvent).where(
            OutboxEvent.type == "result.handed_over")).one()
        assert event.payload["items"] == [{"name": "低保审批结果通知", "count": 1},
                                          {"name": "最低生活保障证", "count": 1}]
        assert event.payload["collector"]["role"] == "applicant"
        assert event.payload["status"] == "handed_over" and event.payload["visits"] == 2
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "result_handed_over")).one()
        assert entry.before is not None and entry.before["status"] == "completed"
        assert entry.after is not None and entry.after["status"] == "handed_over"
    again = svc.handover.readiness(number)
    assert not again.ready and "不能重复出件" in again.problems[0]
    with pytest.raises(ResultsError):
        svc.handover.hand_over(clerk, number, collector(APPLICANT), ITEMS)


def test_agent_collects_with_authorisation_and_id(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk, agent=AGENT)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    untick = collector(AGENT, CollectorRole.AGENT, authorisation_checked=False)
    with pytest.raises(ResultsError) as refused:
        svc.handover.hand_over(clerk, number, untick, ITEMS)
    assert any("授权委托书" in p for p in refused.value.problems)
    assert counts(svc.services, number)[:2] == (1, 0)  # nothing written

    result = svc.handover.hand_over(clerk, number, collector(AGENT, CollectorRole.AGENT), ITEMS)
    assert result.visits == 2
    assert AGENT.name in result.receipt.recipient
    assert f"受{APPLICANT.name}委托代领" in result.receipt.recipient
    assert "授权委托书" in result.receipt.note


def test_service_receipt_pdf_has_items_and_recipient(svc: Results, clerk: Actor) -> None:
    require_poppler()
    number = take_in(svc, clerk, agent=AGENT)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    result = svc.handover.hand_over(clerk, number, collector(AGENT, CollectorRole.AGENT), ITEMS)
    rendered = svc.handover.print_service_receipt(clerk, result.handover_id)
    assert rendered.kind is NoticeKind.SERVICE_RECEIPT and rendered.unprintable == ()
    text = squeezed(pdf_text(rendered.pdf))
    assert "送达回证" in text and number in text
    assert "低保审批结果通知1份" in text and "最低生活保障证1份" in text
    assert AGENT.name in text and f"受{APPLICANT.name}委托代领" in text
    assert mask_id_number(AGENT.resident_id) in text and AGENT.resident_id not in text
    assert "直接送达（窗口领取）" in text and "张丽" in text  # the serving clerk
    with svc.services.ctx.db.reading() as session:
        printed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "notice_printed")).one()
        assert printed.after is not None and printed.after["kind"] == "service_receipt"


def test_unready_result_is_refused_naming_the_due_date(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    svc.at(LATER)
    ready = svc.handover.readiness(number)
    assert not ready.ready and ready.due_date == date(2026, 12, 24)
    assert ready.problems == ("尚未办结（已受理）：承诺于 2026-12-24 办结",)
    with pytest.raises(ResultsError) as refused:
        svc.handover.hand_over(clerk, number, collector(APPLICANT), ITEMS)
    assert "承诺于 2026-12-24 办结" in str(refused.value)
    assert counts(svc.services, number) == (1, 0, ["application.confirmed"])
    back_office_decides(svc.services, number, ApplicationStatus.IN_REVIEW)
    svc.at(datetime(2026, 12, 28, 9, 0))  # past the promised date, still in review
    late = svc.handover.readiness(number).problems[0]
    assert "审批中" in late and "已超过承诺办结日期" in late


def test_unentitled_collectors_are_refused_with_the_reason(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    cases = {
        "申请时所用证件不一致": collector(STRANGER),
        "代领须提供申请人签名的授权委托书": collector(
            STRANGER, CollectorRole.AGENT, authorisation_checked=False),
        "请核验领取人的身份证件原件": collector(APPLICANT, id_checked=False),
        "第18位校验码": collector(APPLICANT, doc_number=APPLICANT.resident_id[:17] + (
            "0" if APPLICANT.resident_id[17] != "0" else "1")),
        "申请人为自然人": collector(STRANGER, CollectorRole.UNIT_CONTACT),
        "领取人就是申请人本人": collector(APPLICANT, CollectorRole.AGENT),
        "姓名与申请人": collector(APPLICANT, name="王五"),
    }
    for reason, who in cases.items():
        assert any(reason in p for p in svc.handover.check_collector(number, who)), reason
        with pytest.raises(ResultsError) as refused:
            svc.handover.hand_over(clerk, number, who, ITEMS)
        assert reason in str(refused.value)
    assert counts(svc.services, number)[:2] == (1, 0)
    assert svc.handover.check_collector(number, collector(APPLICANT)) == []
    with pytest.raises(ResultsError, match="至少登记一项"):
        svc.handover.hand_over(clerk, number, collector(APPLICANT), [])


def test_unit_result_goes_to_its_contact_with_authorisation(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk, company=True)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    assert "须由单位经办人" in " ".join(
        svc.handover.check_collector(number, collector(CONTACT)))
    result = svc.handover.hand_over(
        clerk, number, collector(CONTACT, CollectorRole.UNIT_CONTACT), ITEMS)
    assert f"{COMPANY.name}经办人" in result.receipt.recipient


def test_owed_deferred_material_blocks_until_received(svc: Results, clerk: Actor,
                                                      supervisor: Actor) -> None:
    number = take_in(svc, clerk, deferred_until=date(2026, 12, 3))
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    problem = svc.handover.readiness(number).problems
    assert problem == ("容缺材料「家庭收入及财产状况声明」尚未补交，承诺 2026-12-03 前补交，已逾期；"
                       "补齐后方可领取办理结果",)
    rows = svc.owed.owed(clerk)
    assert [(r.number, r.material_id, r.days_overdue) for r in rows] == [(number, "income", 7)]
    assert rows[0].phone == APPLICANT.mobile[:3] + "****" + APPLICANT.mobile[-4:]
    assert svc.owed.owed(supervisor)[0].phone == APPLICANT.mobile
    assert svc.owed.phone_for_call(clerk, number) == APPLICANT.mobile
    with svc.services.ctx.db.reading() as session:
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "phone_viewed")).one().username == "zhangli"

    assert svc.owed.receive_deferred(clerk, number, "income") == 2  # brought in: a trip
    assert svc.owed.owed(clerk, overdue_only=False) == []
    assert svc.handover.readiness(number).ready
    result = svc.handover.hand_over(clerk, number, collector(APPLICANT), ITEMS)
    assert result.visits == 2 and not result.new_trip  # the same trip as the material
    with pytest.raises(ResultsError, match="不是待补交的容缺材料"):
        svc.owed.receive_deferred(clerk, number, "income")


def test_denial_is_served_even_with_materials_owed(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk, deferred_until=date(2026, 12, 3))
    back_office_decides(svc.services, number, ApplicationStatus.DENIED)
    svc.at(LATER)
    ready = svc.handover.readiness(number)
    assert ready.ready and [i.name for i in ready.suggested_items] == ["不予许可决定书"]
    assert len(svc.owed.owed(clerk)) == 1  # still listed until the application is finished
    svc.handover.hand_over(clerk, number, collector(APPLICANT), ready.suggested_items)
    assert svc.owed.owed(clerk) == []


def test_instant_matter_is_handed_over_in_the_same_trip(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk, code=INSTANT)
    ready = svc.handover.readiness(number)
    assert ready.ready and ready.status is ApplicationStatus.COMPLETED
    result = svc.handover.hand_over(clerk, number, collector(APPLICANT),
                                    [ResultItem("老年人优待证", 1)])
    assert result.visits == 1 and not result.new_trip
    svc.services.ctx.clock = lambda: NOW + timedelta(minutes=5)
    assert svc.ratings.pending_visit(number) == result.rating_visit_id


def test_malformed_and_unknown_numbers(svc: Results, clerk: Actor) -> None:
    with pytest.raises(ResultsError, match="格式或校验位不对"):
        svc.handover.readiness("12345")
    take_in(svc, clerk)
    unknown = format_number("510104", "001", NOW.date(), 999)
    with pytest.raises(ResultsError, match="本站没有办件编号"):
        svc.handover.readiness(unknown)


def test_handover_needs_the_permission(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    guest = replace(clerk, role="guest")
    with pytest.raises(PermissionDenied):
        svc.handover.hand_over(guest, number, collector(APPLICANT), ITEMS)
    with pytest.raises(PermissionDenied):
        svc.handover.print_service_receipt(guest, 1)
    with svc.services.ctx.db.reading() as session:
        assert session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "permission_denied")) == 2
    assert counts(svc.services, number)[:2] == (1, 0)


def test_cli_prints_the_owed_list_masked_and_the_figures(
        svc: Results, clerk: Actor, data_dir: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    number = take_in(svc, clerk, deferred_until=date(2026, 12, 3))
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    assert cli_main(["--data-dir", str(data_dir), "--user", "zhangli", "results", "owed",
                     "--all"]) == 0
    out = capsys.readouterr().out
    assert number in out and "家庭收入及财产状况声明" in out and "阻止出件" in out
    assert APPLICANT.mobile not in out and APPLICANT.mobile[-4:] in out
    assert cli_main(["--data-dir", str(data_dir), "results", "figures", "--user", "zhangli",
                     "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    assert "★★★★★ 非常满意：0" in capsys.readouterr().out
    assert cli_main(["--data-dir", str(data_dir), "--user", "zhangli", "results", "figures",
                     "--from", "2026-11-30", "--to", "2026-11-01"]) == 1


def test_a_matter_may_let_the_result_go_before_deferred_materials() -> None:
    owed = (OwedMaterial("income", "家庭收入及财产状况声明", date(2026, 12, 3)),)
    state = ResultState(ApplicationStatus.COMPLETED, date(2026, 12, 24), False, owed)
    assert len(readiness_problems(state, LATER.date())) == 1
    assert deferred_blocks_result({}) and deferred_blocks_result({"deferred_before_result": 1})
    assert not deferred_blocks_result({"deferred_before_result": False})
    relaxed = replace(state, deferred_blocks=False)
    assert readiness_problems(relaxed, LATER.date()) == []
    paused = ResultState(ApplicationStatus.ACCEPTED, None, False)
    assert "暂停计时" in readiness_problems(paused, LATER.date())[0]
    provisional = ResultState(ApplicationStatus.ACCEPTED, date(2027, 1, 20), True)
    assert readiness_problems(provisional, LATER.date()) == [
        "尚未办结（已受理）：承诺于 2027-01-20 办结（暂定）"]
