"""Bad input at the counter: a clear message, no crash, nothing typed lost."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.store.models import Application, Draft
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import VALID_ID, focused, idle, press, type_text
from tests.ui.test_intake_window import CTRL, K, choose_dibao

RARE = "䶮𠈌"  # U+4DAE (Extension A), U+2020C (Extension B)


def paste(qtbot: QtBot, text: str) -> None:
    """Paste into the focused field, as a clerk copying from another program would."""
    QApplication.clipboard().setText(text)
    widget = focused()
    widget.selectAll()  # type: ignore[attr-defined]
    press(qtbot, K.Key_V, CTRL)


def test_empty_form_is_not_confirmed_and_says_what_is_missing(
        qtbot: QtBot, window: MainWindow, station: Services) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    assert not person.fields["name"].message.isVisible()  # untouched: no red yet
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert not window.controller.done
    assert person.fields["name"].message.text() == "请填写申请人姓名"
    assert "请填写申请人证件号码" in person.fields["doc_number"].message.text()
    blockers = window.page.decision.blockers.text()
    assert "请填写申请人姓名" in blockers and "请填写联系电话" in blockers
    assert focused() is person.name or focused() is person.doc_number
    with station.ctx.db.reading() as session:
        assert session.scalars(select(Application)).all() == []


def test_markup_rare_characters_emoji_and_long_address_are_kept(
        qtbot: QtBot, window: MainWindow, station: Services) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_Tab)
    name = f"<b>{RARE}</b>&amp;"  # an emoji is refused as typed: test_counter_intake.py
    paste(qtbot, name)
    assert person.name.text() == name
    assert not person.fields["name"].message.isVisible()
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "13812345678")
    press(qtbot, K.Key_Tab)
    address = ("青石镇人民路" + RARE + "号" * 10) * 200
    address = address[:2000]
    paste(qtbot, address)
    assert person.address.text() == address
    assert not person.fields["address"].message.isVisible()
    paste(qtbot, address + "楼")
    assert "申请人地址过长（2001 字，最多 2000 字）" in person.fields["address"].message.text()
    idle(qtbot, window)
    with station.ctx.db.reading() as session:
        draft = session.scalars(select(Draft)).one()
        assert draft.data["applicant"]["name"] == name
        assert draft.data["applicant"]["address"] == address + "楼"
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert not window.controller.done
    assert "申请人地址过长" in window.page.decision.blockers.text()
    assert focused() is person.address


def test_control_characters_are_flagged_not_lost(qtbot: QtBot, window: MainWindow,
                                                 station: Services) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    press(qtbot, K.Key_M, Qt.KeyboardModifier.AltModifier)
    assert focused() is person.name
    paste(qtbot, "张\x07三\x1b")
    message = person.fields["name"].message
    assert person.name.text() == "张\x07三\x1b"  # kept as pasted: the clerk is told, not overruled
    assert "申请人姓名含有不可见的控制字符" in message.text()
    idle(qtbot, window)
    with station.ctx.db.reading() as session:
        draft = session.scalars(select(Draft)).one()
        assert draft.data["applicant"]["name"] == person.name.text()


def test_invalid_numbers_are_flagged_at_once_with_the_reason(
        qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    type_text(qtbot, "11010519491331002X")
    assert "出生日期19491331不存在" in person.fields["doc_number"].message.text()
    press(qtbot, K.Key_Tab)
    assert focused() is person.fields["doc_number"].reason  # keep it anyway, with a reason
    press(qtbot, K.Key_P, Qt.KeyboardModifier.AltModifier)
    assert focused() is person.phone
    type_text(qtbot, "12345")
    assert "请填写11位手机号码" in person.fields["phone"].message.text()
