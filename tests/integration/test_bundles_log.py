"""Bundles in the daily log (a bundle line, its members indented) and the 一件事 figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.application import ApplicationStatus, apply_platform_status
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.supervision.reports import LogFormat, LogQuery, LogScope
from clerk_app.store.models import Application
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed

NOW = datetime(2026, 12, 7, 9, 30)
PEOPLE = FakePeople(seed=132029)


def _bundle(services: Services, clerk: Actor, name: str, without: tuple[str, ...] = ()) -> str:
    service = services.bundles
    code = next(b.code for b in service.definitions.current() if b.name == name)
    form = service.start(clerk, code)
    p = PEOPLE.person()
    form = replace(form, applicant=PersonInput(p.name, "resident_id", p.resident_id, p.mobile,
                                               p.address), materials={
        line.id: MaterialEntry(MaterialState.RECEIVED, line.requirement.form,
                               line.requirement.copies)
        for line in service.checklist(form).lines if line.id not in without})
    return service.confirm(clerk, form).number


def _finish_all(services: Services) -> None:
    with services.ctx.db.transaction() as session:
        for app in session.scalars(select(Application)):
            if app.status in ("accepted", "in_review"):
                app.status = apply_platform_status(ApplicationStatus(app.status),
                                                   ApplicationStatus.COMPLETED).value


@pytest.fixture
def day(services: Services) -> date:
    services.ctx.clock = lambda: NOW
    return NOW.date()


def test_log_prints_each_bundle_with_its_members_indented(
        services: Services, clerk: Actor, supervisor: Actor, day: date) -> None:
    require_poppler()
    one = _bundle(services, clerk, "退休一件事")
    two = _bundle(services, clerk, "新生儿出生一件事", without=("hukou",))
    log, pdf = services.reports.export(supervisor, LogQuery.day(day, LogScope.station()),
                                       LogFormat.PDF)
    assert {line.number for line in log.bundles} == {one, two}
    assert sum(1 for r in log.rows if r.bundle == two) == 4
    text = squeezed(pdf_text(pdf))
    assert "一件事：退休一件事（2项）" in text and "一件事：新生儿出生一件事（4项）" in text
    assert "└出生登记（新生儿入户）" in text
    assert "一件事2件（成员事项6项，已计入上表）" in text


def test_figure_counts_bundles_finished_with_at_most_one_trip(
        services: Services, clerk: Actor, supervisor: Actor, day: date) -> None:
    _bundle(services, clerk, "退休一件事")
    second = _bundle(services, clerk, "新生儿出生一件事", without=("hukou",))
    form = services.bundles.reopen(clerk, second)
    services.bundles.confirm(clerk, form.with_material("hukou", MaterialEntry(
        MaterialState.RECEIVED, "原件", 1)))  # a second trip
    figure = services.figures.figures(supervisor, day, day, LogScope.station()).bundles
    assert figure is not None
    assert (figure.bundles, figure.members, figure.finished, figure.one_trip) == (2, 6, 0, 0)
    _finish_all(services)
    figure = services.figures.figures(supervisor, day, day, LogScope.station()).bundles
    assert figure is not None
    assert (figure.finished, figure.one_trip) == (2, 1)
    assert "最多跑一次 1 件（50%）" in figure.text()


def test_demo_writes_bundles_of_every_outcome_mix(services: Services, day: date) -> None:
    from clerk_app.services.station.demo import generate_demo
    from clerk_app.store.models import BundleCase

    generate_demo(services, 10, 5, seed=3, bundles=20)
    with services.ctx.db.reading() as session:
        cases = session.scalars(select(BundleCase)).all()
        assert len(cases) == 20
        names = {c.bundle_name for c in cases}
        mixes = {frozenset(a.outcome for a in c.members) for c in cases}
    assert names == {"新生儿出生一件事", "开办餐饮店一件事", "退休一件事", "身后一件事"}
    outcomes = set().union(*mixes)
    assert {"accepted", "correction", "refused"} <= outcomes
    assert any("correction" in m and "refused" in m for m in mixes)
    assert any(m <= {"accepted", "done_on_spot"} for m in mixes)


def test_workbook_names_each_member_s_bundle_and_counts_bundles(
        services: Services, clerk: Actor, supervisor: Actor, day: date) -> None:
    import io

    from openpyxl import load_workbook

    from clerk_app.documents.daily_log_xlsx import COLUMNS

    number = _bundle(services, clerk, "退休一件事")
    _log, data = services.reports.export(supervisor, LogQuery.day(day, LogScope.station()),
                                         LogFormat.XLSX)
    book = load_workbook(io.BytesIO(data))
    sheet = book["台账"]
    column = [title for title, _w in COLUMNS].index("所属一件事")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert values == [number, number]
    totals = {row[0].value: row[1].value for row in book["汇总"].iter_rows() if row}
    assert totals["一件事（件）"] == 1 and totals["一件事成员事项（项，已计入上表）"] == 2
