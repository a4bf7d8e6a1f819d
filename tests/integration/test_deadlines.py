"""Due-date warnings (黄灯/红灯/暂停中) of open applications on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.workdays import DueStatus, PauseKind
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import load_settings, save_settings
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"  # 20 working days
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")
Y, R, N, P = DueStatus.YELLOW, DueStatus.RED, DueStatus.NORMAL, DueStatus.PAUSED


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    return services


def at(services: Services, day: date) -> None:
    services.ctx.clock = lambda: datetime(day.year, day.month, day.day, 11, 0)


def accept(services: Services, clerk: Actor, day: date,
           income: MaterialEntry | None = None) -> str:
    at(services, day)
    draft_id, form = services.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    form = form.with_material("application_form", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    form = form.with_material("id_card", MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1))
    form = form.with_material("income", income or MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    return services.intake.confirm(clerk, draft_id, form).application_number


@pytest.mark.parametrize(("today", "yellow_days", "status", "remaining"), [
    (date(2026, 12, 19), 2, N, 4),  # Saturday: 21-24 Dec still to come
    (date(2026, 12, 21), 2, N, 3),
    (date(2026, 12, 22), 2, Y, 2),  # at most 2 working days remain -> 黄灯
    (date(2026, 12, 24), 2, Y, 0),  # the due day itself
    (date(2026, 12, 25), 2, R, -1),  # the day after -> 红灯
    (date(2026, 12, 21), 3, Y, 3),  # the centre's own threshold
    (date(2026, 12, 23), 0, N, 1),
    (date(2026, 12, 24), 0, Y, 0),
])
def test_yellow_and_red_boundaries(svc: Services, clerk: Actor, today: date, yellow_days: int,
                                   status: DueStatus, remaining: int) -> None:
    accept(svc, clerk, date(2026, 11, 26))  # due Thu 24 Dec
    save_settings(svc.ctx, SYSTEM_ACTOR, replace(load_settings(svc.ctx), yellow_days=yellow_days),
                  first_setup=True)
    at(svc, today)
    row, = svc.deadlines.rows()
    assert (row.due_date, row.due_status, row.remaining) == (date(2026, 12, 24), status, remaining)
    assert row.light == {N: "正常", Y: "黄灯", R: "红灯"}[status]
    assert svc.deadlines.counts() == (int(status is Y), int(status is R))


def test_sorted_by_urgency_counted_and_figured(svc: Services, clerk: Actor, admin: Actor,
                                               supervisor: Actor) -> None:
    other = svc.accounts.create(admin, "lihua", "李华", "counter2026", Role.CLERK, "社会保障")
    late = accept(svc, clerk, date(2026, 11, 2))  # due 30 Nov -> red on 10 Dec
    soon = accept(svc, other, date(2026, 11, 12))  # due 10 Dec -> yellow (due today)
    later = accept(svc, clerk, date(2026, 11, 16))  # due 14 Dec -> yellow (2 left)
    calm = accept(svc, clerk, date(2026, 11, 26))  # due 24 Dec -> normal
    held = accept(svc, other, date(2026, 11, 26))
    at(svc, date(2026, 12, 1))
    svc.clock.pause(supervisor, held, PauseKind.SPECIAL_PROCEDURE, "检测", date(2026, 12, 15))
    at(svc, date(2026, 12, 10))
    rows = svc.deadlines.rows()
    assert [r.number for r in rows] == [late, soon, later, calm, held]
    assert [r.due_status for r in rows] == [R, Y, Y, N, P]
    assert rows[0].remaining == -8  # 1-10 Dec: 8 working days overdue
    assert rows[-1].pause is not None and rows[-1].pause.reason == "检测"
    # 3 days used; 17 left after the expected end (15 Dec): into 2027, so provisional
    assert rows[-1].expected_due == date(2027, 1, 8) and rows[-1].provisional
    assert rows[-1].remaining is None
    assert svc.deadlines.counts() == (2, 1)
    assert svc.deadlines.counts(window="社会保障") == (1, 0)
    assert [r.number for r in svc.deadlines.rows(clerk_id=clerk.user_id)] == [late, later, calm]
    assert [r.number for r in svc.deadlines.rows(statuses=[R, Y])] == [late, soon, later]
    assert [r.number for r in svc.deadlines.rows(statuses=[P])] == [held]
    # a page at a time (a county's list): the same order, cut by the database
    for limit in range(1, 7):
        assert svc.deadlines.rows(limit=limit) == rows[:limit]
    assert svc.deadlines.rows(statuses=[Y, N], limit=2) == rows[1:3]
    figures = {(f.window, f.clerk): (f.open, f.normal, f.yellow, f.red, f.paused)
               for f in svc.deadlines.figures()}
    assert figures == {("民生事务", "张丽"): (3, 1, 1, 1, 0),
                       ("社会保障", "李华"): (2, 0, 1, 0, 1)}


def test_deferred_materials_with_their_promised_dates(svc: Services, clerk: Actor) -> None:
    deferred = MaterialEntry(MaterialState.DEFERRED, promised_date=date(2026, 12, 3))
    number = accept(svc, clerk, date(2026, 11, 26), income=deferred)
    accept(svc, clerk, date(2026, 11, 26))
    at(svc, date(2026, 12, 3))
    row = next(r for r in svc.deadlines.rows() if r.number == number)
    assert [(m.name, m.promised_date, m.overdue) for m in row.deferred] == [
        ("家庭收入及财产状况声明", date(2026, 12, 3), False)]
    assert not row.deferred_overdue
    at(svc, date(2026, 12, 4))
    rows = svc.deadlines.rows()
    assert [r.deferred_overdue for r in rows] == [True, False]
    assert sum(len(r.deferred) for r in rows) == 1

