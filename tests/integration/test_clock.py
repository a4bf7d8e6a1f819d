"""Clock stops, corrections after acceptance and extensions on a real SQLite file.

Each operation must move the due date by the right working days (2026 holidays as published),
write a clock_events row, an audit entry with the due date before and after, and an outbox
event, in one transaction; refusals leave nothing behind but the audit of a denied permission.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.numbering import format_number
from clerk_app.domain.workdays import PauseKind
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied
from clerk_app.services.time_limits.clock import ClockError
from clerk_app.store.models import Application, AuditEntry, ClockEvent, OutboxEvent
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"  # promised limit: 20 working days
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")
SPECIAL = PauseKind.SPECIAL_PROCEDURE


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    return services


def at(services: Services, day: date) -> None:
    services.ctx.clock = lambda: datetime(day.year, day.month, day.day, 10, 0)


def accept(services: Services, clerk: Actor, day: date) -> str:
    """Accept a complete 低保 application at the window on ``day``; its number."""
    at(services, day)
    draft_id, form = services.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    for mid, entry in {
        "application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
        "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
        "income": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
    }.items():
        form = form.with_material(mid, entry)
    return services.intake.confirm(clerk, draft_id, form).application_number


def stored(services: Services, number: str) -> tuple[date | None, bool]:
    with services.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        return app.due_date, app.due_provisional


def outbox(services: Services) -> list[tuple[str, dict[str, Any]]]:
    with services.ctx.db.reading() as session:
        return [(e.type, e.payload) for e in session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.seq))]


def audits(services: Services, action: str) -> list[AuditEntry]:
    with services.ctx.db.reading() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_special_procedure_over_national_day(svc: Services, clerk: Actor,
                                             supervisor: Actor) -> None:
    number = accept(svc, clerk, date(2026, 9, 10))
    # 20 working days from Thu 10 Sep: Sun 20 Sep and Sat 10 Oct are worked (调休),
    # 25-27 Sep (中秋) and 1-7 Oct (国庆) are not -> Wed 14 Oct
    assert stored(svc, number) == (date(2026, 10, 14), False)

    at(svc, date(2026, 9, 29))  # 13 working days used; 专家评审 ordered
    state = svc.clock.pause(supervisor, number, SPECIAL, "专家评审：房屋安全鉴定",
                            date(2026, 10, 9))
    assert state.due.date is None and state.due.paused
    assert state.due.remaining_at_pause == 7
    assert state.due.expected_date == date(2026, 10, 19)
    assert stored(svc, number) == (None, False)

    at(svc, date(2026, 10, 9))
    state = svc.clock.resume(supervisor, number, date(2026, 10, 9))
    # 30 Sep, 8 and 9 Oct are not counted: 7 left from Sat 10 Oct (worked) -> Mon 19 Oct
    assert state.due.date == date(2026, 10, 19) and not state.due.paused
    assert stored(svc, number) == (date(2026, 10, 19), False)

    with svc.ctx.db.reading() as session:
        event = session.scalars(select(ClockEvent)).one()
        assert (event.kind, event.start, event.end, event.expected_end) == (
            "special_procedure", date(2026, 9, 29), date(2026, 10, 9), date(2026, 10, 9))
        assert event.reason == "专家评审：房屋安全鉴定"
    types = [t for t, _p in outbox(svc)]
    assert types == ["application.confirmed", "clock.paused", "clock.resumed"]
    paused_payload, resumed_payload = outbox(svc)[1][1], outbox(svc)[2][1]
    assert paused_payload["due_date"] is None and paused_payload["paused"] is True
    assert paused_payload["expected_due_date"] == "2026-10-19"
    assert resumed_payload["due_date"] == "2026-10-19" and resumed_payload["end"] == "2026-10-09"
    paused, = audits(svc, "clock_paused")
    assert paused.username == "liuzr" and paused.entity_id == number
    assert paused.before is not None and paused.before["due_date"] == "2026-10-14"
    assert paused.after is not None and paused.after["due_date"] is None
    resumed, = audits(svc, "clock_resumed")
    assert resumed.after is not None and resumed.after["due_date"] == "2026-10-19"


def test_a_pause_needs_reason_and_expected_end_and_cannot_run_twice(
        svc: Services, clerk: Actor, supervisor: Actor) -> None:
    number = accept(svc, clerk, date(2026, 11, 26))
    at(svc, date(2026, 12, 1))
    with pytest.raises(ClockError, match="事由"):
        svc.clock.pause(supervisor, number, SPECIAL, "  ", date(2026, 12, 10))
    with pytest.raises(ClockError, match="预计结束日期"):
        svc.clock.pause(supervisor, number, SPECIAL, "检测", None)
    with pytest.raises(ClockError, match="不能早于今天"):
        svc.clock.pause(supervisor, number, SPECIAL, "检测", date(2026, 11, 30))
    with pytest.raises(ClockError, match="没有进行中"):
        svc.clock.resume(supervisor, number)
    svc.clock.pause(supervisor, number, SPECIAL, "检测", date(2026, 12, 10))
    with pytest.raises(ClockError, match="已因特别程序暂停"):
        svc.clock.pause(supervisor, number, SPECIAL, "鉴定", date(2026, 12, 12))
    with pytest.raises(ClockError, match="不能早于暂停开始日期"):
        svc.clock.resume(supervisor, number, date(2026, 11, 30))
    with pytest.raises(ClockError, match="不能晚于今天"):
        svc.clock.resume(supervisor, number, date(2026, 12, 2))
    with svc.ctx.db.reading() as session:
        assert session.scalar(select(func.count(ClockEvent.id))) == 1
    assert [t for t, _p in outbox(svc)] == ["application.confirmed", "clock.paused"]


def test_clerk_cannot_pause_and_the_refusal_is_audited(svc: Services, clerk: Actor) -> None:
    number = accept(svc, clerk, date(2026, 11, 26))
    with pytest.raises(PermissionDenied, match="暂停计时与延期"):
        svc.clock.pause(clerk, number, SPECIAL, "检测", date(2026, 12, 10))
    with pytest.raises(PermissionDenied):
        svc.clock.extend(clerk, number, 5, "刘主任", "需现场核查")
    denied = audits(svc, "permission_denied")
    assert [(d.username, d.entity_id) for d in denied] == [("zhangli", "pause_clock")] * 2
    with svc.ctx.db.reading() as session:
        assert session.scalar(select(func.count(ClockEvent.id))) == 0
    assert stored(svc, number) == (date(2026, 12, 24), False)
    assert [t for t, _p in outbox(svc)] == ["application.confirmed"]


def test_extension_up_to_ten_days_before_the_limit_runs_out(
        svc: Services, clerk: Actor, supervisor: Actor) -> None:
    number = accept(svc, clerk, date(2026, 11, 26))  # due Thu 24 Dec
    at(svc, date(2026, 12, 21))
    state = svc.clock.extend(supervisor, number, 4, "刘主任", "需实地核查家庭收入")
    assert state.due.date == date(2026, 12, 30) and not state.due.provisional
    assert state.extension_left == 6
    with pytest.raises(ClockError, match="最多还可延长6日"):
        svc.clock.extend(supervisor, number, 7, "刘主任", "再次核查")
    with pytest.raises(ClockError, match="批准人"):
        svc.clock.extend(supervisor, number, 2, " ", "再次核查")
    state = svc.clock.extend(supervisor, number, 6, "刘主任", "等待县局复核")
    # 31 Dec, then 2027 (schedule not published: fallback, 1 Jan off): 4-8 Jan -> provisional
    assert state.due.date == date(2027, 1, 8) and state.due.provisional
    assert stored(svc, number) == (date(2027, 1, 8), True)
    extended = [p for t, p in outbox(svc) if t == "clock.extended"]
    assert [(p["days"], p["approver"], p["due_date"]) for p in extended] == [
        (4, "刘主任", "2026-12-30"), (6, "刘主任", "2027-01-08")]
    entries = audits(svc, "clock_extended")
    assert entries[0].before is not None and entries[0].before["due_date"] == "2026-12-24"
    assert entries[1].after is not None and entries[1].after["due_provisional"] is True


def test_no_extension_once_overdue(svc: Services, clerk: Actor, supervisor: Actor) -> None:
    number = accept(svc, clerk, date(2026, 11, 26))
    at(svc, date(2026, 12, 25))
    with pytest.raises(ClockError, match="已于2026-12-24届满"):
        svc.clock.extend(supervisor, number, 3, "刘主任", "补充调查")
    assert stored(svc, number) == (date(2026, 12, 24), False)


def test_correction_after_acceptance_stops_the_clock(svc: Services, clerk: Actor) -> None:
    number = accept(svc, clerk, date(2026, 11, 26))
    at(svc, date(2026, 12, 1))  # 3 working days used (27, 30 Nov, 1 Dec)
    with pytest.raises(ClockError, match="补正的内容"):
        svc.clock.request_correction(clerk, number, "")
    state = svc.clock.request_correction(clerk, number, "收入证明缺少单位盖章")
    assert state.due.paused and state.open_pause(PauseKind.CORRECTION) is not None
    at(svc, date(2026, 12, 8))
    state = svc.clock.correction_received(clerk, number)
    # 2-8 Dec not counted (5 working days): 24 Dec + 5 -> Thu 31 Dec
    assert state.due.date == date(2026, 12, 31) and state.open_pauses == ()
    assert [t for t, _p in outbox(svc)] == [
        "application.confirmed", "clock.paused", "clock.resumed"]
    assert outbox(svc)[1][1]["kind"] == "correction"
    assert len(audits(svc, "correction_requested")) == 1
    assert len(audits(svc, "correction_received")) == 1


def test_only_open_applications_have_a_clock(svc: Services, clerk: Actor,
                                             supervisor: Actor) -> None:
    at(svc, date(2026, 11, 26))
    draft_id, form = svc.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT).with_material(
        "application_form", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    waiting = svc.intake.confirm(clerk, draft_id, form).application_number  # 待补正
    with pytest.raises(ClockError, match="待补正"):
        svc.clock.pause(supervisor, waiting, SPECIAL, "检测", date(2026, 12, 10))
    with pytest.raises(ClockError, match="没有办件编号"):
        svc.clock.state(format_number("510104", "001", date(2026, 11, 26), 999))
    with pytest.raises(ClockError, match="校验位"):
        svc.clock.state(waiting[:-1] + ("0" if waiting[-1] != "0" else "1"))
