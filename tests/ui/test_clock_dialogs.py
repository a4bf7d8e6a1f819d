"""The clock dialogs driven by keyboard, and the due-date cell, on real services where it matters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.workdays import DueStatus, PauseKind
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.time_limits.deadlines import DeadlineRow, DeferredMaterial
from clerk_app.store.models import ClockEvent
from clerk_app.ui.lists.due_format import due_cell, due_sort_value
from clerk_app.ui.results.clock_dialogs import (
    ClockDialog,
    ExtensionDialog,
    ExtensionRequest,
    PauseRequest,
    ResumeDialog,
    ResumeRequest,
    SpecialPauseDialog,
)
from tests.factories import catalogue_doc, matter_doc
from tests.ui.conftest import focused, press, type_text

K = Qt.Key
TODAY = date(2026, 12, 1)
NUMBER = "510104001202611260000"
CODE = "510104-MZ-0001"
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")


def focus_window() -> QWidget | None:
    widget = QApplication.focusWidget()
    return widget.window() if widget is not None else None


def shown(qtbot: QtBot, dialog: ClockDialog) -> ClockDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    # the keyboard is in the dialog (not in a window an earlier test left behind)
    qtbot.waitUntil(lambda: focus_window() is dialog)
    return dialog


def test_special_pause_by_keyboard_with_a_refusal_then_success(qtbot: QtBot) -> None:
    sent: list[PauseRequest] = []
    dialog = SpecialPauseDialog(NUMBER, TODAY, sent.append)
    shown(qtbot, dialog)
    assert focused() is dialog.procedure
    press(qtbot, K.Key_End)  # the last procedure: 专家评审
    press(qtbot, K.Key_Return)
    assert sent == [] and "事由" in dialog.message.text() and focused() is dialog.reason
    type_text(qtbot, "房屋安全鉴定")
    press(qtbot, K.Key_Return)
    assert sent == [] and "预计结束日期" in dialog.message.text()
    assert focused() is dialog.expected_end and dialog.expected_end.text() == "请选择"
    press(qtbot, K.Key_Up, times=10)  # from "not chosen" to today, then 9 days on
    press(qtbot, K.Key_Return)
    assert sent == [PauseRequest(NUMBER, PauseKind.SPECIAL_PROCEDURE, "专家评审：房屋安全鉴定",
                                 TODAY + timedelta(days=9))]
    assert dialog.busy and not dialog.ok.isEnabled()
    press(qtbot, K.Key_Return)  # a second Enter while the write runs sends nothing
    assert len(sent) == 1

    dialog.failed("「窗口人员」无权暂停计时与延期，请联系中心负责人")
    assert dialog.ok.isEnabled() and "无权" in dialog.message.text()
    assert dialog.isVisible() and dialog.reason.text() == "房屋安全鉴定"
    dialog.ok.click()
    assert len(sent) == 2
    dialog.succeeded()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_escape_cancels_without_sending(qtbot: QtBot) -> None:
    sent: list[ExtensionRequest] = []
    dialog = ExtensionDialog(NUMBER, 10, sent.append)
    shown(qtbot, dialog)
    press(qtbot, K.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and sent == []


def test_extension_days_are_held_to_what_is_left(qtbot: QtBot) -> None:
    sent: list[ExtensionRequest] = []
    dialog = ExtensionDialog(NUMBER, 6, sent.append)
    shown(qtbot, dialog)
    assert focused() is dialog.days and dialog.days.value() == 6
    press(qtbot, K.Key_Up)  # cannot go beyond the six days left
    assert dialog.days.value() == 6
    press(qtbot, K.Key_Down, times=2)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "刘主任")
    press(qtbot, K.Key_Return)
    assert sent == [] and "延期理由" in dialog.message.text() and focused() is dialog.reason
    type_text(qtbot, "需实地核查家庭收入")
    press(qtbot, K.Key_Return)
    assert sent == [ExtensionRequest(NUMBER, 4, "刘主任", "需实地核查家庭收入")]

    none_left = ExtensionDialog(NUMBER, 0, sent.append)
    shown(qtbot, none_left)
    assert not none_left.ok.isEnabled() and "不能再延期" in none_left.message.text()


def test_resume_date_stays_between_the_pause_and_today(qtbot: QtBot) -> None:
    sent: list[ResumeRequest] = []
    since = TODAY - timedelta(days=3)
    dialog = ResumeDialog(NUMBER, TODAY, since, "特别程序（检测）", sent.append)
    shown(qtbot, dialog)
    assert focused() is dialog.on
    press(qtbot, K.Key_Up)  # not after today
    press(qtbot, K.Key_Down, times=5)  # not before the pause began
    press(qtbot, K.Key_Return)
    assert sent == [ResumeRequest(NUMBER, since)]


@pytest.fixture
def open_app(services: Services, admin: Actor, clerk: Actor) -> str:
    """A 低保 application accepted on Thu 26 Nov 2026 (due Thu 24 Dec)."""
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    services.ctx.clock = lambda: datetime(2026, 11, 26, 9, 30)
    draft_id, form = services.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    for mid, form_name in (("application_form", "原件"), ("id_card", "原件和复印件")):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, form_name, 1))
    form = form.with_material("income", MaterialEntry(MaterialState.DEFERRED,
                                                      promised_date=date(2026, 12, 3)))
    return services.intake.confirm(clerk, draft_id, form).application_number


def at(services: Services, day: date) -> None:
    services.ctx.clock = lambda: datetime(day.year, day.month, day.day, 10, 0)


def test_dialog_to_service_to_due_cell(qtbot: QtBot, services: Services, supervisor: Actor,
                                       open_app: str) -> None:
    at(services, date(2026, 12, 22))
    row, = services.deadlines.rows()
    text, colour, tip = due_cell(row)
    assert text == "12-24 剩2个工作日 黄灯" and colour.isValid()
    assert "承诺办结日：2026-12-24（星期四）" in tip
    assert "家庭收入及财产状况声明（承诺12-03前补交，已逾期）" in tip

    def submit(request: PauseRequest) -> None:  # what the window does, minus the worker thread
        try:
            services.clock.pause(supervisor, request.number, request.kind, request.reason,
                                 request.expected_end)
        except ValueError as exc:
            dialog.failed(str(exc))
        else:
            dialog.succeeded()

    dialog = SpecialPauseDialog(open_app, date(2026, 12, 22), submit)
    shown(qtbot, dialog)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "委托县检测站检测")
    press(qtbot, K.Key_Tab)
    press(qtbot, K.Key_Up, times=9)  # 30 Dec
    press(qtbot, K.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with services.ctx.db.reading() as session:
        event = session.scalars(select(ClockEvent)).one()
        assert (event.reason, event.expected_end) == ("听证：委托县检测站检测", date(2026, 12, 30))
    row, = services.deadlines.rows()
    text, colour, tip = due_cell(row)
    # 18 days used by 22 Dec; 2 left after 30 Dec: 31 Dec, then 4 Jan 2027 (no schedule yet)
    assert text == "暂停中（预计2027-01-04，暂定）" and colour.isValid()
    assert "特别程序暂停计时：自2026-12-22起" in tip and "以国务院公布的节假日安排为准" in tip

    services.clock.resume(supervisor, open_app, date(2026, 12, 22))
    at(services, date(2026, 12, 28))
    row, = services.deadlines.rows()
    assert due_cell(row)[0] == "逾期2个工作日 红灯"


def row_of(status: DueStatus, remaining: int | None, due: date | None, *,
           provisional: bool = False, as_of: date = TODAY) -> DeadlineRow:
    return DeadlineRow(
        number=NUMBER, matter_name="最低生活保障申请", applicant_name="张秀英", window="民生事务",
        clerk="张丽", status="accepted", accepted_on=date(2026, 11, 26), due_date=due,
        provisional=provisional, due_status=status, remaining=remaining, as_of=as_of,
        yellow_days=2, deferred=(DeferredMaterial("收入证明", None, False),))


def test_due_cell_words_and_order() -> None:
    normal = row_of(DueStatus.NORMAL, 8, date(2026, 12, 11))
    today = row_of(DueStatus.YELLOW, 0, TODAY)
    weekend = row_of(DueStatus.RED, 0, date(2026, 12, 4), as_of=date(2026, 12, 5))
    next_year = row_of(DueStatus.NORMAL, 12, date(2027, 1, 11), provisional=True)
    assert due_cell(normal)[0] == "12-11 剩8个工作日" and not due_cell(normal)[1].isValid()
    assert due_cell(today)[0] == "12-01 今日到期 黄灯"
    assert due_cell(weekend)[0] == "已逾期 红灯"
    assert due_cell(next_year)[0] == "2027-01-11（暂定） 剩12个工作日"
    assert "收入证明（承诺未约定日期前补交）" in due_cell(normal)[2]
    paused = row_of(DueStatus.PAUSED, None, None)
    ordered = sorted([paused, normal, today, weekend], key=due_sort_value)
    assert ordered == [weekend, today, normal, paused]
