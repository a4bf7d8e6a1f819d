"""AB岗移交 as the counter sees it: the work lists follow the responsible clerk."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.supervision.reassign import ReassignError, ReassignService
from clerk_app.ui.main_window import MainWindow
from tests.conftest import TEST_PASSWORD
from tests.factories import catalogue_doc, matter_doc
from tests.ui.conftest import NOW, VALID_ID, idle

CODE = "510104-MZ-0009"


def take_in(services: Services, admin: Actor, clerk: Actor) -> str:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    draft_id, form = services.intake.start(clerk, CODE)
    form = replace(form, applicant=PersonInput("张秀英", "resident_id", VALID_ID, "13812345678"))
    for mid, form_name in (("application_form", "原件"), ("id_card", "原件和复印件"),
                           ("income", "原件")):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, form_name, 1))
    return services.intake.confirm(clerk, draft_id, form).application_number


def listed(qtbot: QtBot, window: MainWindow) -> tuple[list[str], list[str]]:
    window.lists.refresh()
    idle(qtbot, window)
    today = window.lists.today_panel.model
    due = window.lists.deadline_panel.model
    return ([today.row(r).number for r in range(today.rowCount())],
            [due.row(r).number for r in range(due.rowCount())])


def test_the_b_post_clerk_sees_the_cases_and_the_a_post_clerk_no_longer(
        qtbot: QtBot, station: Services, admin: Actor, clerk: Actor, supervisor: Actor) -> None:
    assert NOW.date() == date(2026, 11, 26)
    number = take_in(station, admin, clerk)
    b_post = station.accounts.create(admin, "lihua", "李华", TEST_PASSWORD, Role.CLERK, "综合服务")
    a_window = MainWindow(station, clerk)
    b_window = MainWindow(station, b_post)
    for window in (a_window, b_window):
        qtbot.addWidget(window)
    assert listed(qtbot, a_window) == ([number], [number])
    assert listed(qtbot, b_window) == ([], [])
    ReassignService(station.ctx).hand_over(supervisor, clerk.username, "lihua", "A岗休假",
                                           [number])
    assert listed(qtbot, a_window) == ([], [])
    assert listed(qtbot, b_window) == ([number], [number])


def test_a_centre_case_is_not_handed_to_a_village_agent(
        station: Services, admin: Actor, clerk: Actor, supervisor: Actor) -> None:
    number = take_in(station, admin, clerk)
    station.accounts.create(admin, "cunwang", "王代办", TEST_PASSWORD, Role.AGENT, "")
    reassign = ReassignService(station.ctx)
    assert "cunwang" not in [c.username for c in reassign.colleagues(supervisor)]
    with pytest.raises(ReassignError, match="不能受理"):
        reassign.hand_over(supervisor, clerk.username, "cunwang", "A岗休假", [number])
