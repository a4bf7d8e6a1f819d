"""The intake page as issue 10 found it: stale hints, unmarked 容缺, a refusal form that moves,
and names that cannot be printed found only after saving."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from clerk_app.domain.checklist import MaterialState
from clerk_app.ui.intake.checklist_model import Column
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import VALID_ID, focused, idle, press, type_text
from tests.ui.test_intake_window import choose_dibao, fill_applicant

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


def test_checklist_marks_what_may_be_deferred_and_the_hint_follows_the_date(
        qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    model = window.page.checklist_model
    hukou = model.row_of("hukou")
    assert "可容缺" in model.index(hukou, Column.REQUIREMENT).data()
    assert "可容缺" not in model.index(0, Column.REQUIREMENT).data()  # the 申请书 is core
    press(qtbot, K.Key_2, ALT)
    window.page.checklist.setCurrentIndex(model.index(hukou, Column.STATE))
    press(qtbot, K.Key_3)
    assert "请填写承诺补交日期" in window.page.checklist_hint.text()
    press(qtbot, K.Key_Return)  # the offered date is taken
    entry = model.entry(hukou)
    assert entry.state is MaterialState.DEFERRED and entry.promised_date is not None
    hint = window.page.checklist_hint.text()
    assert "请填写" not in hint and entry.promised_date.isoformat() in hint


def test_refusal_fields_stay_put_while_blockers_come_and_go(qtbot: QtBot,
                                                            window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    press(qtbot, K.Key_R, ALT)
    decision = window.page.decision
    qtbot.waitUntil(decision.refuse.isChecked)
    idle(qtbot, window)
    where = decision.reason.mapTo(decision, QPoint(0, 0))
    assert decision.blockers.isVisible()  # the applicant is still missing
    decision.ensure_visible(decision.reason)
    where = decision.reason.mapTo(decision, QPoint(0, 0))
    press(qtbot, K.Key_1, ALT)
    fill_applicant(qtbot, window)
    idle(qtbot, window)
    assert decision.reason.mapTo(decision, QPoint(0, 0)) == where
    assert "行政许可法" not in decision.basis.text()  # a 行政给付 cites its own basis


def test_an_emoji_in_a_name_is_refused_as_it_is_typed(qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    assert focused() is person.doc_number
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "张秀英😀")
    idle(qtbot, window)
    message = person.fields["name"].message
    assert message.isVisible() and "😀" in message.text()
    assessment = window.controller.last_assessment
    assert assessment is not None and not assessment.can_confirm
    assert any("😀" in p.message for p in assessment.field_problems)
