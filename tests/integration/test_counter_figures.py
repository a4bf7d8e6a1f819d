"""Supervisor figures that do not mislead: the finishing time is recorded (never guessed),
容缺 overdue agrees with the owed list, and an organisation's public data is not masked."""

from __future__ import annotations

import importlib.util
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, select

from clerk_app.app import Services
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.figures import FiguresService
from clerk_app.services.supervision.reports import LogQuery, LogScope, ReportService
from clerk_app.store.database import Database
from clerk_app.store.models import Applicant, Application, AuditEntry, User
from clerk_app.sync.api import StatusChange
from tests.factories import catalogue_doc, matter_doc

CODE, ON_SPOT = "510104-MZ-0001", "510104-MZ-0002"
NOW = datetime(2026, 11, 26, 10, 0)
PERSON = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678")


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(
        matter_doc(code=CODE),
        matter_doc(code=ON_SPOT, name="高龄津贴申领", handling="immediate",
                   promised_limit={"days": 0, "unit": "working"})))
    services.ctx.clock = lambda: NOW
    return services


def at(svc: Services, moment: datetime) -> None:
    svc.ctx.clock = lambda: moment


def confirm(svc: Services, clerk: Actor, code: str = CODE, **changes: object) -> str:
    draft_id, form = svc.intake.start(clerk, code)
    form = replace(form, applicant=PERSON)
    for mid, form_name in (("application_form", "原件"), ("id_card", "原件和复印件"),
                           ("income", "原件")):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, form_name, 1))
    form = replace(form, **changes)  # type: ignore[arg-type]
    return svc.intake.confirm(clerk, draft_id, form).application_number


def finished_at(svc: Services, number: str) -> datetime | None:
    with svc.ctx.db.reading() as session:
        return session.scalars(select(Application.finished_at).where(
            Application.number == number)).one()


def reports(svc: Services) -> ReportService:
    return ReportService(svc.ctx, svc.calendar.calendar)


def test_finishing_time_is_recorded_when_it_happens(svc: Services, clerk: Actor) -> None:
    on_spot = confirm(svc, clerk, ON_SPOT)
    assert finished_at(svc, on_spot) == NOW  # 即办: finished when decided
    number = confirm(svc, clerk)
    assert finished_at(svc, number) is None  # accepted: running
    # the back office finished it on 1 Dec; the station hears of it on 3 Dec
    at(svc, datetime(2026, 12, 3, 9, 0))
    done = datetime(2026, 12, 1, 16, 30, tzinfo=timezone(timedelta(hours=8)))
    svc.sync_store.apply_status_changes([StatusChange(
        1, number, "completed", "审批通过", done, "县民政局")], "c1")
    recorded = finished_at(svc, number)
    assert recorded == done.astimezone().replace(tzinfo=None)
    # handing the result out later does not move the finishing time
    at(svc, datetime(2026, 12, 8, 10, 0))
    with svc.ctx.db.transaction() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        app.status, app.updated_at = "handed_over", svc.ctx.now()
    assert finished_at(svc, number) == recorded
    row = next(r for r in reports(svc).rows(clerk, LogQuery(
        date(2026, 11, 26), date(2026, 11, 26), LogScope.clerk(clerk.username)))
        if r.number == number)
    assert row.finished_on == recorded.date() and not row.finished_estimated


def test_an_unknown_finishing_day_is_never_guessed_nor_late(svc: Services, clerk: Actor,
                                                            supervisor: Actor) -> None:
    number = confirm(svc, clerk)
    at(svc, datetime(2027, 3, 1, 9, 0))  # long after the due date
    with svc.ctx.db.transaction() as session:  # an old row: finished, no time, no trail
        app = session.scalars(select(Application).where(Application.number == number)).one()
        app.status = "completed"
    assert finished_at(svc, number) is None
    query = LogQuery(date(2026, 11, 26), date(2026, 11, 26), LogScope.station())
    row = next(r for r in reports(svc).rows(supervisor, query) if r.number == number)
    assert row.finished and row.finished_on is None and row.finished_estimated
    assert row.on_time is None  # not flagged 超期 from a guess
    figures = FiguresService(reports(svc)).figures(supervisor, query.first, query.last,
                                                   LogScope.station())
    assert sum(d.finished for d in figures.trend) == 0  # no spike on any day
    assert figures.estimated_finish == 1


def test_deferred_overdue_agrees_with_the_owed_list(svc: Services, clerk: Actor,
                                                    supervisor: Actor) -> None:
    def deferred(promised: date) -> str:
        return confirm(svc, clerk, materials={
            "application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
            "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
            "income": MaterialEntry(MaterialState.DEFERRED, promised_date=promised)})

    deferred(date(2026, 11, 30))  # due yesterday (as of 1 Dec): overdue
    deferred(date(2026, 12, 1))  # due today: not overdue yet
    closed = deferred(date(2026, 11, 27))
    with svc.ctx.db.transaction() as session:  # a closed case no longer owes anything
        app = session.scalars(select(Application).where(Application.number == closed)).one()
        app.status, app.updated_at = "handed_over", NOW
    at(svc, datetime(2026, 12, 1, 9, 0))
    listed = svc.owed.owed(clerk)
    figures = FiguresService(reports(svc)).figures(
        supervisor, date(2026, 11, 26), date(2026, 12, 1), LogScope.station())
    assert figures.owed_overdue == len(listed) == 1
    assert figures.owed_materials == len(svc.owed.owed(clerk, overdue_only=False)) == 2


def test_an_organisations_name_and_code_are_not_masked_in_lists(
        svc: Services, clerk: Actor) -> None:
    company = FakePeople(seed=3).company()
    confirm(svc, clerk, applicant_type=ApplicantType.LEGAL_PERSON,
            applicant=PersonInput(company.name, "uscc", company.uscc, company.phone,
                                  company.address, company.legal_representative),
            contact=PERSON)
    confirm(svc, clerk)
    rows = {r.applicant_name: r for r in svc.lookup.for_day(clerk, NOW.date())}
    unit, person = rows[company.name], rows[PERSON.name]
    assert unit.organisation and unit.applicant_doc == company.uscc
    assert unit.applicant_phone == company.phone
    assert not person.organisation and person.applicant_doc != PERSON.doc_number
    due = {r.applicant_name: r for r in svc.deadlines.rows()}
    assert due[company.name].organisation and not due[PERSON.name].organisation


def test_migration_backfills_what_is_known_and_guesses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "clerk.sqlite"
    db = Database(path)
    finished = datetime(2026, 12, 1, 16, 30)
    with db.transaction() as session:
        user = User(username="zhangli", display_name="张丽", role="clerk", password_hash="x",
                    created_at=NOW)
        person = Applicant(kind="natural_person", name="张秀英", doc_type="resident_id",
                           doc_number="11010519491231002X", updated_at=NOW)
        session.add_all([user, person])
        session.flush()
        for number, outcome in (("A1", "accepted"), ("A2", "accepted"), ("A3", "done_on_spot")):
            session.add(Application(
                number=number, station_code="510104001", matter_code=CODE, matter_version=1,
                matter_name="最低生活保障申请", status="accepted", outcome=outcome,
                applicant_type="natural_person", applicant_id=person.id, clerk_id=user.id,
                received_on=NOW.date(), created_at=NOW, updated_at=NOW))
    with db.transaction() as session:
        session.add(AuditEntry(at=datetime(2026, 12, 3, 9, 0), action="status_from_platform",
                               entity="application", entity_id="A1",
                               after={"status": "completed",
                                      "changed_at": finished.isoformat()}))
    db.close()
    connection = sqlite3.connect(path)  # as a station of the previous version left it
    connection.execute("UPDATE applications SET status = 'completed', finished_at = NULL")
    connection.execute("INSERT INTO decisions (application_id, outcome, explanation, problems,"
                       " refusal_ground, refusal_reason, refusal_basis, redirect_body, clerk_id,"
                       " decided_at, notice_serial) SELECT id, 'done_on_spot', '', '[]', '', '',"
                       " '', '', clerk_id, '2026-11-26 10:00:00.000000', '' FROM applications"
                       " WHERE number = 'A3'")
    connection.commit()
    connection.close()
    migration = _load_migration()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migration._backfill(conn)  # what `upgrade` runs after adding the column
    engine.dispose()
    db = Database(path)
    try:
        with db.reading() as session:
            got = {n: at for n, at in session.execute(
                select(Application.number, Application.finished_at)).all()}
    finally:
        db.close()
    assert got == {"A1": finished, "A2": None, "A3": NOW}  # A2: unknown, not guessed


def _load_migration() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "db" / "versions" / "0004_finished_at.py"
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
