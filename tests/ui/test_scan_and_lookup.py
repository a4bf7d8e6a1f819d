"""Scanning a notice's barcode anywhere in the main window, and 办件查询 by the applicant."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.masking import mask_id_number, mask_phone
from clerk_app.services.station.context import Actor
from clerk_app.store.models import Draft
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.results.application_dialog import Action, ApplicationDialog
from clerk_app.ui.results.application_search import ApplicationSearchDialog, SearchResultsModel
from tests.integration.test_handover import APPLICANT, Results, take_in
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)
from tests.ui.conftest import WindowFactory, focused, idle, press, settle, type_text
from tests.ui.test_intake_window import choose_dibao

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def number(svc: Results, clerk: Actor) -> str:
    """A 低保 application accepted at the counter (2026-11-26)."""
    return take_in(svc, clerk)


def scan(qtbot: QtBot, text: str) -> None:
    """A USB scanner: the characters a millisecond apart, then Enter, into the focused widget."""
    qtbot.keyClicks(focused(), text)
    qtbot.keyClick(focused(), K.Key_Return)


def opened(qtbot: QtBot, window: MainWindow, number: str) -> ApplicationDialog:
    qtbot.waitUntil(lambda: window.applications.dialog is not None
                    and window.applications.dialog.details is not None, timeout=10_000)
    view = window.applications.dialog
    assert view is not None and view.isVisible()
    assert view.number.text() == number and view.details is not None
    return view


def close_view(qtbot: QtBot, window: MainWindow) -> None:
    view = window.applications.dialog
    assert view is not None
    qtbot.keyClick(focused(), K.Key_Escape)
    qtbot.waitUntil(lambda: window.applications.dialog is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_scan_into_a_text_field_opens_the_application_and_restores_the_field(
        qtbot: QtBot, window: MainWindow, station: Services, number: str) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    press(qtbot, K.Key_Tab)
    assert focused() is person.name
    type_text(qtbot, "张秀英")
    idle(qtbot, window)
    scan(qtbot, number)
    view = opened(qtbot, window, number)
    assert view.matter.text() == "最低生活保障申请"
    assert "已受理" in view.summary.text()
    assert focused() is view.buttons[Action.POST]  # the first action that applies
    close_view(qtbot, window)
    assert focused() is person.name and person.name.text() == "张秀英"
    idle(qtbot, window)
    with station.ctx.db.reading() as session:  # the draft holds the name, not the digits
        assert session.scalars(select(Draft)).one().data["applicant"]["name"] == "张秀英"


def test_scan_with_the_checklist_focused_changes_no_material(
        qtbot: QtBot, window: MainWindow, number: str) -> None:
    choose_dibao(qtbot, window)
    press(qtbot, K.Key_2, Qt.KeyboardModifier.AltModifier)
    assert focused() is window.page.checklist
    model = window.page.checklist_model
    before = [model.entry(row).state for row in range(model.rowCount())]
    scan(qtbot, number)
    opened(qtbot, window, number)
    assert [model.entry(row).state for row in range(model.rowCount())] == before
    close_view(qtbot, window)
    press(qtbot, K.Key_1)  # a digit typed by hand still reaches the checklist
    assert model.entry(0).state is MaterialState.RECEIVED


def test_slow_typing_of_the_same_digits_is_not_a_scan(
        qtbot: QtBot, window: MainWindow, number: str) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    press(qtbot, K.Key_Tab)
    assert focused() is person.name
    for ch in number:  # a person types: tens of milliseconds between keys
        qtbot.keyClicks(focused(), ch)
        qtbot.wait(45)
    qtbot.keyClick(focused(), K.Key_Return)
    settle(qtbot)
    idle(qtbot, window)
    assert window.applications.dialog is None
    assert person.name.text() == number


def test_typed_number_in_the_lookup_field_opens_it_too(
        qtbot: QtBot, window: MainWindow, number: str) -> None:
    press(qtbot, K.Key_L, CTRL)
    for ch in number:
        qtbot.keyClicks(focused(), ch)
        qtbot.wait(40)
    press(qtbot, K.Key_Return)
    view = opened(qtbot, window, number)
    assert view.buttons[Action.REPRINT].isEnabled()
    assert not view.buttons[Action.HAND_OVER].isEnabled()  # no result yet
    assert not view.buttons[Action.PAUSE].isVisible()  # a clerk does not stop the clock


def lookup(qtbot: QtBot, window: MainWindow, text: str) -> ApplicationSearchDialog:
    press(qtbot, K.Key_L, CTRL)
    assert focused() is window.lookup.field
    type_text(qtbot, text)
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: window.search_dialog is not None, timeout=5_000)
    dialog = window.search_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10_000)
    return dialog


def test_a_second_scan_while_the_view_is_open_shows_that_application(
        qtbot: QtBot, window: MainWindow, svc: Results, clerk: Actor, number: str) -> None:
    other = take_in(svc, clerk)
    window.applications.open(number)
    view = opened(qtbot, window, number)
    scan(qtbot, other)
    qtbot.waitUntil(lambda: view.details is not None and view.details.number == other,
                    timeout=10_000)
    assert window.applications.dialog is view and view.isVisible()


def test_a_scan_never_rates_in_the_rating_dialog(
        qtbot: QtBot, window: MainWindow, svc: Results, clerk: Actor, number: str) -> None:
    other = take_in(svc, clerk)
    window.notice_flow.offer_rating(number)
    qtbot.waitUntil(lambda: window.notice_flow.rating_dialog is not None, timeout=10_000)
    rating = window.notice_flow.rating_dialog
    assert rating is not None
    rating.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rating)
    scan(qtbot, other)  # the digits 1-5 would choose a level, Enter would submit
    opened(qtbot, window, other)
    assert rating.level() is None and rating.finished_with is None
    assert svc.ratings.pending_visit(number) is not None


def test_owed_list_row_opens_the_application(
        qtbot: QtBot, make_window: WindowFactory, svc: Results, clerk: Actor) -> None:
    owing = take_in(svc, clerk, deferred_until=date(2026, 11, 30))
    svc.at(datetime(2026, 12, 3, 10, 0))
    window = make_window()
    press(qtbot, K.Key_F8)
    owed = window.lists.owed_list
    qtbot.waitUntil(lambda: owed.model.rowCount() == 1, timeout=10_000)
    assert focused() is owed.table
    press(qtbot, K.Key_Return)
    view = opened(qtbot, window, owing)
    assert view.buttons[Action.REOPEN].isEnabled()  # the 容缺 material can be brought in
    assert "逾期未补" in view.materials.item(2, 1).text()


@pytest.mark.parametrize("how", ["document", "name", "phone"])
def test_lookup_by_applicant_is_masked_for_a_clerk_and_full_for_a_supervisor(
        qtbot: QtBot, make_window: WindowFactory, station: Services, supervisor: Actor,
        number: str, how: str) -> None:
    text = {"document": APPLICANT.resident_id, "name": APPLICANT.name,
            "phone": APPLICANT.mobile}[how]
    window = make_window()
    dialog = lookup(qtbot, window, text)
    row = dialog.model.row(0)
    assert row.number == number
    assert dialog.model.index(0, 3).data() == mask_id_number(APPLICANT.resident_id)
    assert dialog.model.index(0, 4).data() == mask_phone(APPLICANT.mobile)
    assert focused() is dialog.table
    press(qtbot, K.Key_Return)  # Enter on the row opens the application
    opened(qtbot, window, number)
    window.close()

    boss = MainWindow(station, supervisor)
    qtbot.addWidget(boss)
    boss.resize(1366, 740)
    boss.show()
    qtbot.waitExposed(boss)
    boss.activateWindow()
    idle(qtbot, boss)
    dialog = lookup(qtbot, boss, text)
    assert dialog.model.index(0, 3).data() == APPLICANT.resident_id
    assert dialog.model.index(0, 4).data() == APPLICANT.mobile
    boss.close()


def test_search_results_model(qtmodeltester: object, station: Services, clerk: Actor,
                              number: str) -> None:
    model = SearchResultsModel()
    model.set_rows(station.lookup.search(clerk, APPLICANT.name))
    assert model.rowCount() == 1
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
