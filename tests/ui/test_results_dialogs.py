"""The handover, rating and postal dialogs and the owed list, driven with pytest-qt offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.documents.notice_data import NoticeKind
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.handover import CollectorRole
from clerk_app.domain.rating import RatingItem, RatingLevel, SkipReason
from clerk_app.services.intake.notices import RenderedNotice
from clerk_app.services.station.context import Actor
from clerk_app.store.models import Application, FollowUp, Rating
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.lists.owed_list import OwedList
from clerk_app.ui.results.handover_dialog import HandoverDialog
from clerk_app.ui.results.postal_dialog import PostalDialog
from clerk_app.ui.results.rating_dialog import RatingDialog
from clerk_app.ui.taskman import TaskManager
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed
from tests.integration.test_handover import (
    AGENT,
    APPLICANT,
    LATER,
    STRANGER,
    Results,
    back_office_decides,
    counts,
    take_in,
)
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)

K = Qt.Key


@pytest.fixture
def taskman(qtbot: QtBot) -> Iterator[TaskManager]:
    manager = TaskManager(ErrorReporter())
    yield manager
    qtbot.waitUntil(manager.idle, timeout=10_000)
    manager.shutdown()


def idle(qtbot: QtBot, taskman: TaskManager) -> None:
    qtbot.waitUntil(taskman.idle, timeout=10_000)


def status_of(svc: Results, number: str) -> str:
    with svc.services.ctx.db.reading() as session:
        return session.scalars(select(Application.status).where(
            Application.number == number)).one()


def test_handover_dialog_agent_collects_and_the_receipt_is_previewed(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    require_poppler()
    number = take_in(svc, clerk, agent=AGENT)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    previews: list[RenderedNotice] = []
    dialog = HandoverDialog(svc.handover, clerk, taskman, previews.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.number, number)  # a barcode scanner types the number and Enter
    qtbot.keyClick(dialog.number, K.Key_Return)
    idle(qtbot, taskman)
    assert "办理结果可以领取" in dialog.verdict.text()
    assert not dialog.role_buttons[CollectorRole.UNIT_CONTACT].isEnabled()
    assert dialog.items.items()[0].name == "低保审批结果通知"

    dialog.role_buttons[CollectorRole.AGENT].click()
    assert dialog.auth_checked.isVisible()
    qtbot.keyClicks(dialog.doc_number, AGENT.resident_id[:10])
    assert dialog.doc_message.isVisible() and "应为18位" in dialog.doc_message.text()
    qtbot.keyClicks(dialog.doc_number, AGENT.resident_id[10:])
    assert "有效" not in dialog.doc_message.text()  # well-formed is not yet the right one
    dialog.name.setText(AGENT.name)
    dialog.id_checked.click()
    qtbot.waitUntil(lambda: "授权委托书" in dialog.entitlement.text(), timeout=5_000)
    dialog.auth_checked.click()
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=5_000)

    with qtbot.waitSignal(dialog.handed_over, timeout=10_000) as handed:
        qtbot.keyClick(dialog, K.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert handed.args[0].visits == 2
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=10_000)
    idle(qtbot, taskman)
    assert previews[0].kind is NoticeKind.SERVICE_RECEIPT
    text = squeezed(pdf_text(previews[0].pdf))
    assert AGENT.name in text and "低保审批结果通知1份" in text
    assert status_of(svc, number) == ApplicationStatus.HANDED_OVER.value
    assert not dialog.confirm_button.isEnabled() and dialog.reprint_button.isVisible()
    assert "状态：已出件" in dialog.summary.text()  # the header is not left at 已办结


def test_handover_dialog_refuses_an_unready_result(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    number = take_in(svc, clerk)
    svc.at(LATER)
    dialog = HandoverDialog(svc.handover, clerk, taskman, lambda _r: None, number=number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "承诺于" in dialog.verdict.text(), timeout=10_000)
    assert "承诺于 2026-12-24 办结" in dialog.verdict.text()
    assert not dialog.confirm_button.isEnabled() and not dialog.collector_box.isEnabled()
    dialog.number.setText("51010400120261126000099")
    qtbot.keyClick(dialog.number, K.Key_Return)
    qtbot.waitUntil(lambda: "格式或校验位" in dialog.verdict.text()
                    or "没有办件编号" in dialog.verdict.text(), timeout=10_000)


def test_handover_dialog_shows_why_a_collector_is_refused(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    number = take_in(svc, clerk)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    dialog = HandoverDialog(svc.handover, clerk, taskman, lambda _r: None, number=number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.confirm_button.isEnabled(), timeout=10_000)
    assert dialog.name.text() == APPLICANT.name  # 本人: prefilled from the application
    dialog.doc_number.setText(STRANGER.resident_id)
    dialog.id_checked.setChecked(True)
    dialog.confirm()
    qtbot.waitUntil(lambda: "不一致" in dialog.problems.text(), timeout=10_000)
    assert dialog.confirm_button.isEnabled()
    assert counts(svc.services, number)[:2] == (1, 0)
    # the right document now: the stale refusal goes, one verdict stays, and it is green
    dialog.doc_number.setText(APPLICANT.resident_id)
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=10_000)
    assert dialog.problems.text() == "" and dialog.doc_message.text() == ""


def test_rating_dialog_keys_and_a_poor_rating_opening_a_follow_up(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    number = take_in(svc, clerk)
    screen = QGuiApplication.primaryScreen()
    dialog = RatingDialog(svc.ratings, clerk, taskman, number, screen=screen,
                          service_line="最低生活保障申请 · 民生事务窗口 · 张丽", close_after_ms=50)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.screen() is screen
    assert screen.availableGeometry().contains(dialog.frameGeometry().center())
    assert not dialog.submit_button.isEnabled()
    dialog.comment.setFocus()
    qtbot.keyClicks(dialog.comment, "5")  # typed into the comment, not a level
    assert dialog.level() is None and dialog.comment.toPlainText() == "5"
    dialog.comment.clear()
    dialog.submit_button.setFocus()
    qtbot.keyClick(dialog, K.Key_4)
    assert dialog.level() is RatingLevel.SATISFIED
    qtbot.keyClick(dialog, K.Key_1)
    assert dialog.level() is RatingLevel.VERY_DISSATISFIED
    assert "15 个工作日内回访整改" in dialog.hint.text()
    dialog.item_stars[RatingItem.ATTITUDE].stars[1].click()
    dialog.comment.setPlainText("窗口无人")
    with qtbot.waitSignal(dialog.rated, timeout=10_000) as rated:
        qtbot.keyClick(dialog, K.Key_Return)
    result = rated.args[0]
    assert result.level is RatingLevel.VERY_DISSATISFIED and result.follow_up_id is not None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    with svc.services.ctx.db.reading() as session:
        rating = session.scalars(select(Rating)).one()
        assert (rating.level, rating.comment, rating.items) == (1, "窗口无人", {"attitude": 2})
        assert session.scalars(select(FollowUp)).one().closed_at is None


def test_rating_dialog_records_a_declined_rating(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    number = take_in(svc, clerk)
    dialog = RatingDialog(svc.ratings, clerk, taskman, number, close_after_ms=-1)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.skip_box.isVisible()
    dialog.skip_button.click()
    assert dialog.skip_box.isVisible()
    dialog.skip_reason.setCurrentIndex(dialog.skip_reason.findData(SkipReason.DECLINED.value))
    with qtbot.waitSignal(dialog.skipped, timeout=10_000):
        dialog.skip_confirm.click()
    assert dialog.thanks.text() == "已登记：本次服务未评价"
    assert svc.ratings.pending_visit(number) is None
    again = RatingDialog(svc.ratings, clerk, taskman, number, close_after_ms=-1)
    qtbot.addWidget(again)
    again.choose(RatingLevel.VERY_SATISFIED)
    again.submit()
    qtbot.waitUntil(lambda: "一次一评" in again.message.text(), timeout=10_000)


def test_postal_dialog_chooses_dispatches_and_confirms(
        qtbot: QtBot, svc: Results, clerk: Actor, taskman: TaskManager) -> None:
    number = take_in(svc, clerk)
    dialog = PostalDialog(svc.postal, svc.handover, clerk, taskman, number=number,
                          today=svc.services.ctx.today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.choose_box.isEnabled(), timeout=10_000)
    assert dialog.recipient.text() == APPLICANT.name and not dialog.dispatch_box.isEnabled()
    qtbot.keyClicks(dialog.phone, "1381234")
    assert "11位手机号码" in dialog.phone_message.text()
    dialog.choose()
    qtbot.waitUntil(lambda: "请填写邮寄地址" in dialog.message.text(), timeout=10_000)
    dialog.phone.setText(APPLICANT.mobile)
    dialog.address.setText("四川省成都市锦江区青石镇柳溪村3组12号")
    dialog.choose()
    qtbot.waitUntil(lambda: "待寄出" in dialog.summary.text(), timeout=10_000)
    assert "暂不能寄出" in dialog.message.text() and not dialog.dispatch_box.isEnabled()

    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.dispatch_box.isEnabled(), timeout=10_000)
    dialog.tracking.setText("SF1234567890")
    dialog.courier.setCurrentText("顺丰速运")
    dialog.dispatch()
    qtbot.waitUntil(lambda: dialog.deliver_box.isEnabled(), timeout=10_000)
    assert "顺丰速运 SF1234567890" in dialog.summary.text()
    assert dialog.delivered_on.date().toString("yyyy-MM-dd") == LATER.date().isoformat()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        dialog.deliver_button.click()
    qtbot.waitUntil(lambda: "已签收" in dialog.summary.text(), timeout=10_000)
    assert status_of(svc, number) == ApplicationStatus.DELIVERED.value
    assert counts(svc.services, number)[0] == 1  # no visit for a posted result


def test_owed_list_model_calls_and_receipt(qtbot: QtBot, qtmodeltester: object, svc: Results,
                                           clerk: Actor, taskman: TaskManager) -> None:
    first = take_in(svc, clerk, deferred_until=date(2026, 12, 3))
    take_in(svc, clerk, deferred_until=date(2026, 11, 30))
    take_in(svc, clerk, deferred_until=date(2026, 12, 20))  # not due yet
    svc.at(LATER)
    widget = OwedList(svc.owed, clerk, taskman)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(widget.model)  # type: ignore[attr-defined]
    assert widget.model.index(0, 4).data() == "10 天"  # most overdue first
    assert widget.model.index(1, 0).data() == first
    assert "****" in widget.model.index(0, 6).data()
    assert widget.title.text() == "逾期未补交的容缺材料：2 项"
    widget.all_box.click()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(widget.model)  # type: ignore[attr-defined]
    widget.all_box.click()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=10_000)

    widget.table.selectRow(1)
    widget.show_phone()
    qtbot.waitUntil(lambda: APPLICANT.mobile in widget.message.text(), timeout=10_000)
    with qtbot.waitSignal(widget.received, timeout=10_000) as received:
        widget.receive()
    assert received.args == [first]
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=10_000)
    assert counts(svc.services, first)[0] == 2  # the material was brought in: a trip
