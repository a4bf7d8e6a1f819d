"""Provisional due dates across the year end, made definitive by a calendar import."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.calendar_import import CalendarImportError
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.holiday_rules import statutory_holidays
from clerk_app.domain.workdays import PauseKind
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.store.models import Application, AuditEntry
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0009"
APPLICANT = PersonInput("李建国", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇河西街2号")


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(
        code=CODE, promised_limit={"days": 10, "unit": "working"})))
    return services


def at(services: Services, day: date) -> None:
    services.ctx.clock = lambda: datetime(day.year, day.month, day.day, 9, 0)


def accept(services: Services, clerk: Actor, day: date) -> str:
    at(services, day)
    draft_id, form = services.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    for mid, form_name in (("application_form", "原件"), ("id_card", "原件和复印件"),
                           ("income", "原件")):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, form_name, 1))
    return services.intake.confirm(clerk, draft_id, form).application_number


def due_of(services: Services, number: str) -> tuple[date | None, bool]:
    with services.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        return app.due_date, app.due_provisional


def made_up_2027(**changes: Any) -> dict[str, Any]:
    """A made-up 2027 schedule (not the State Council's): the statutory days plus Mon 4 Jan off."""
    holidays = {h.date: h.name for h in statutory_holidays(2027)}
    holidays[date(2027, 1, 4)] = "元旦"
    for extra in (date(2027, 2, 9), date(2027, 2, 10), date(2027, 2, 11)):
        holidays[extra] = "春节"
    document = {
        "format": "clerk-calendar/1", "year": 2027, "source": "测试用虚构安排",
        "published_at": "2026-11-10",
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(holidays.items())],
        "workdays": [{"date": "2027-02-20", "name": "春节"}],
    }
    document.update(changes)
    return document


def test_year_end_due_date_is_provisional_until_2027_arrives(
        svc: Services, clerk: Actor, supervisor: Actor, tmp_path: Path) -> None:
    earlier = accept(svc, clerk, date(2026, 11, 26))  # due 10 Dec 2026: no 2027 day counted
    number = accept(svc, clerk, date(2026, 12, 25))
    # 28-31 Dec, then 2027 by the fallback (1 Jan off): 4-8 Jan, 11 Jan = the 10th day
    assert due_of(svc, number) == (date(2027, 1, 11), True)
    row = next(r for r in svc.deadlines.rows() if r.number == number)
    assert row.provisional and row.due_date == date(2027, 1, 11)

    bad = tmp_path / "bad-2027.json"
    bad.write_text(json.dumps(made_up_2027(workdays=[{"date": "2027-01-05", "name": "x"}])),
                   encoding="utf-8")
    with pytest.raises(CalendarImportError, match="不是周末"):
        svc.due_dates.import_file(supervisor, bad)
    assert due_of(svc, number) == (date(2027, 1, 11), True)  # all or nothing

    good = tmp_path / "cn-2027.json"
    good.write_text(json.dumps(made_up_2027(), ensure_ascii=False), encoding="utf-8")
    at(svc, date(2026, 12, 28))
    update = svc.due_dates.import_file(supervisor, good)
    assert update.years == [2027] and update.changed == 1
    # with Mon 4 Jan off too, the 10th working day is Tue 12 Jan, and it is definitive
    assert due_of(svc, number) == (date(2027, 1, 12), False)
    row = next(r for r in svc.deadlines.rows() if r.number == number)
    assert not row.provisional and row.due_date == date(2027, 1, 12)
    assert due_of(svc, earlier) == (date(2026, 12, 10), False)
    with svc.ctx.db.reading() as session:
        imported = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "calendar_imported")).one()
        assert imported.username == "liuzr" and imported.entity_id == "2027"
        assert imported.after == {"years": [2027], "source": "cn-2027.json"}
        recomputed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "due_dates_recomputed")).one()
        # only the applications whose count can reach 2027 are read
        assert recomputed.after == {"read": 1, "changed": 1, "years": [2027]}
    assert svc.due_dates.recompute_all() == 0  # nothing left to move


def test_any_import_path_recomputes_and_paused_dates_follow(
        svc: Services, clerk: Actor, supervisor: Actor) -> None:
    number = accept(svc, clerk, date(2026, 12, 21))  # 10th working day: Tue 5 Jan (fallback)
    other = accept(svc, clerk, date(2026, 12, 21))
    assert due_of(svc, number) == (date(2027, 1, 5), True)
    at(svc, date(2026, 12, 23))
    svc.clock.pause(supervisor, other, PauseKind.SPECIAL_PROCEDURE, "检测",
                    date(2026, 12, 30))
    # the platform's path: CalendarService directly (as a puller would call it)
    svc.calendar.import_payload(supervisor, [made_up_2027()], source="platform")
    assert due_of(svc, number) == (date(2027, 1, 6), False)
    row = next(r for r in svc.deadlines.rows() if r.number == other)
    assert row.due_date is None and row.pause is not None
    # 2 days used (22, 23 Dec); 8 left after 30 Dec: 31 Dec, 5-8 Jan, 11-13 Jan
    assert row.expected_due == date(2027, 1, 13) and not row.provisional
