"""A whole intake through the real main window, by keyboard only, checked in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.services.intake.notices import NoticeError
from clerk_app.store.models import Application, AuditEntry, Decision, Draft, OutboxEvent
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.results.application_dialog import Action
from tests.ui.conftest import VALID_ID, close_notice, focused, idle, press, type_text

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
DIBAO = "最低生活保障申请"


def choose_dibao(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, K.Key_F2)
    assert focused() is window.search_panel.field
    type_text(qtbot, "dibao")
    assert window.search_panel.model.hit(0).name == DIBAO
    press(qtbot, K.Key_Return)
    idle(qtbot, window)
    assert window.page.title.text() == DIBAO


def fill_applicant(qtbot: QtBot, window: MainWindow, name: str = "张秀英") -> None:
    person = window.page.applicant.person
    assert focused() is person.doc_number
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_Tab)
    assert focused() is person.name
    type_text(qtbot, name)
    press(qtbot, K.Key_Tab)
    assert focused() is person.phone
    type_text(qtbot, "13812345678")
    press(qtbot, K.Key_Tab)
    assert focused() is person.address
    type_text(qtbot, "青石镇人民路18号")


def checklist_keys(qtbot: QtBot, window: MainWindow, keys: str) -> None:
    """Alt+2 to the checklist, then one digit per applicable material, top to bottom."""
    press(qtbot, K.Key_2, ALT)
    assert focused() is window.page.checklist
    for digit in keys:
        press(qtbot, getattr(K, f"Key_{digit}"))


def test_whole_intake_by_keyboard(qtbot: QtBot, window: MainWindow, station: Services) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    checklist_keys(qtbot, window, "11111")
    entries = window.page.checklist_model.entries()
    assert {entries[m].state for m in ("application", "id_card", "hukou", "income_statement",
                                        "econ_authorisation")} == {MaterialState.RECEIVED}
    assert window.controller.last_assessment is not None
    assert window.controller.last_assessment.can_confirm, window.page.decision.blockers.text()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done
    number = window.page.decision.result_number.text().split()[-1]
    assert close_notice(qtbot, window) > 0  # the 受理通知书 was previewed

    with station.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        assert app.status == ApplicationStatus.ACCEPTED.value
        assert app.outcome == Outcome.ACCEPTED.value
        assert app.applicant.name == "张秀英"
        assert app.applicant.doc_number == VALID_ID
        assert app.window == "民生事务"
        assert app.due_date is not None
        states = {m.material_id: (m.state, m.applicable) for m in app.materials}
        assert states["hukou"] == ("received", True)
        assert states["power_of_attorney"] == ("missing", False)
        assert [d.outcome for d in app.decisions] == ["accepted"]
        assert len(app.visits) == 1
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "application", AuditEntry.entity_id == number)).all()
        assert [a.action for a in audit] == ["application_accepted", "notice_printed"]
        events = session.scalars(select(OutboxEvent).where(
            OutboxEvent.application_no == number)).all()
        assert [e.type for e in events] == ["application.confirmed"]
        assert session.scalars(select(Draft)).all() == []
    assert window.today_panel.model.rowCount() == 1
    assert window.today_panel.model.row(0).number == number
    assert window.today_panel.model.index(0, 2).data() == "张*英"


def test_a_notice_that_cannot_be_made_is_said_and_today_s_list_still_shows_the_case(
        qtbot: QtBot, window: MainWindow, station: Services,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args: object, **_kwargs: object) -> None:
        raise NoticeError("通知书模板缺失，请联系技术支持")

    monkeypatch.setattr(station.notices, "render", refused)
    shown: list[str] = []
    monkeypatch.setattr(window.taskman.reporter, "user_error",
                        lambda exc, title="": shown.append(str(exc)))
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    checklist_keys(qtbot, window, "11111")
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done and window.notice_flow.preview_dialog is None
    assert shown == ["通知书模板缺失，请联系技术支持"]
    number = window.page.decision.result_number.text().split()[-1]
    assert [window.today_panel.model.row(0).number] == [number]


def test_correction_then_reopen_and_accept_on_the_same_number(
        qtbot: QtBot, window: MainWindow, station: Services) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    # 申请书 已收取, 身份证 已收取, 户口簿 缺失, 收入申报 已收取, 授权书 不符合要求 (note opens)
    checklist_keys(qtbot, window, "11617")
    type_text(qtbot, "缺少申请人签字")
    press(qtbot, K.Key_Return)
    entries = window.page.checklist_model.entries()
    assert entries["econ_authorisation"].note == "缺少申请人签字"
    decision = window.page.decision
    assert "一次性补正告知" in decision.outcome.text()
    assert "共 2 项" in decision.correction_title.text()
    assert "居民户口簿：请补交：原件和复印件1份" in decision.correction.text()
    assert "家庭经济状况核对授权书：缺少申请人签字。应提交：原件1份" in decision.correction.text()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    number = decision.result_number.text().split()[-1]
    close_notice(qtbot, window)
    with station.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        assert app.status == ApplicationStatus.AWAITING_CORRECTION.value
        assert app.due_date is None

    # The applicant comes back: Ctrl+L, the number, Enter: the application opens;
    # 补交材料 (Alt+B) takes it back into the intake.
    press(qtbot, K.Key_L, CTRL)
    assert focused() is window.lookup.field
    type_text(qtbot, number)
    press(qtbot, K.Key_Return)
    idle(qtbot, window)
    view = window.applications.dialog
    assert view is not None and view.isVisible() and view.number.text() == number
    assert view.buttons[Action.REOPEN].isEnabled() and focused() is view.buttons[Action.REOPEN]
    press(qtbot, K.Key_B, ALT)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: window.applications.dialog is None)  # a mnemonic clicks animated
    idle(qtbot, window)
    assert window.page.form().application_number == number
    assert number in window.page.meta.text()
    assert focused() is window.page.checklist
    model = window.page.checklist_model
    assert model.entry(model.row_of("hukou")).state is MaterialState.MISSING
    assert window.page.applicant.person.name.text() == "张秀英"
    # Down to 户口簿 (row 2) and 授权书 (row 4): 已收取.
    window.page.checklist.setCurrentIndex(model.index(0, 3))
    press(qtbot, K.Key_Down, times=2)
    press(qtbot, K.Key_1)
    press(qtbot, K.Key_Down)
    press(qtbot, K.Key_1)
    assert window.controller.last_assessment is not None
    assert window.controller.last_assessment.proposed is Outcome.ACCEPTED
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert decision.result_number.text().split()[-1] == number
    close_notice(qtbot, window)
    assert "跑动次数：2" in decision.result_details.text()
    with station.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        assert app.status == ApplicationStatus.ACCEPTED.value
        assert [d.outcome for d in app.decisions] == ["correction", "accepted"]
        assert len(app.visits) == 2
        assert app.due_date is not None
        events = session.scalars(select(OutboxEvent).where(
            OutboxEvent.application_no == number).order_by(OutboxEvent.seq)).all()
        assert [e.type for e in events] == ["application.confirmed", "application.decided"]
    assert window.today_panel.model.rowCount() == 1
    assert window.today_panel.model.index(0, 6).data() == "2"


def test_refusal_needs_reason_and_basis(qtbot: QtBot, window: MainWindow,
                                        station: Services) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    press(qtbot, K.Key_R, ALT)
    decision = window.page.decision
    qtbot.waitUntil(decision.refuse.isChecked)  # a mnemonic clicks with a short animation
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert not window.controller.done
    assert "请填写不予受理的理由" in decision.blockers.text()
    assert "请填写不予受理的法律依据" not in decision.blockers.text()  # prefilled (below)
    with station.ctx.db.reading() as session:
        assert session.scalars(select(Application)).all() == []
    assert focused() is decision.reason
    type_text(qtbot, "申请人户籍不在本镇")
    # the basis starts as the matter's own 设定依据 (a 行政给付, not 行政许可法 第三十二条)
    assert decision.basis.text().startswith("《社会救助暂行办法》")
    decision.basis.clear()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert not window.controller.done
    assert "法律依据" in decision.blockers.text()
    assert focused() is decision.basis
    type_text(qtbot, "《社会救助暂行办法》第十一条")
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done
    close_notice(qtbot, window)
    with station.ctx.db.reading() as session:
        app = session.scalars(select(Application)).one()
        assert app.status == ApplicationStatus.REFUSED.value
        refusal = session.scalars(select(Decision).where(Decision.application_id == app.id)).one()
        assert refusal.refusal_reason == "申请人户籍不在本镇"
        assert refusal.refusal_basis == "《社会救助暂行办法》第十一条"
        assert refusal.refusal_ground == "not_eligible"


def test_invalid_number_needs_a_reason_to_be_kept(qtbot: QtBot, window: MainWindow,
                                                  station: Services) -> None:
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    type_text(qtbot, "110105194912310021")  # wrong check character
    message = person.fields["doc_number"].message
    assert message.isVisible()
    assert "第18位校验码应为X" in message.text()
    reason = person.fields["doc_number"].reason
    assert reason is not None and reason.isVisible()
    press(qtbot, K.Key_Tab)
    assert focused() is reason
    type_text(qtbot, "证件所载号码如此，已核对原件")
    assert window.page.form().overrides == {"applicant.doc_number": "证件所载号码如此，已核对原件"}
    assert "已说明理由" in message.text()
    press(qtbot, K.Key_Tab)
    assert focused() is person.name
    assessment = window.controller.last_assessment
    assert assessment is not None
    assert not any(p.field == "applicant.doc_number" for p in assessment.field_problems)


def test_returning_applicant_is_prefilled(qtbot: QtBot, window: MainWindow,
                                          station: Services) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    checklist_keys(qtbot, window, "11111")
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    close_notice(qtbot, window)
    choose_dibao(qtbot, window)
    person = window.page.applicant.person
    assert person.name.text() == ""
    type_text(qtbot, VALID_ID.lower())
    idle(qtbot, window)
    assert person.name.text() == "张秀英"
    assert person.phone.text() == "13812345678"
    assert person.found_note.isVisible()


def test_agent_makes_the_power_of_attorney_required(qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    model = window.page.checklist_model
    row = model.row_of("power_of_attorney")
    assert not model.applicable(row)
    press(qtbot, K.Key_G, ALT)
    qtbot.waitUntil(window.page.applicant.has_agent.isChecked)
    assert model.applicable(row)
    assert model.applicable(model.row_of("agent_id_card"))
    assessment = window.controller.last_assessment
    assert assessment is not None
    assert "授权委托书" in {p.material.name for p in assessment.evaluation.problems}
    # A condition the clerk judges: Space on its row.
    press(qtbot, K.Key_2, ALT)
    disability = model.row_of("disability_cert")
    window.page.checklist.setCurrentIndex(model.index(disability, 3))
    assert not model.applicable(disability)
    press(qtbot, K.Key_Space)
    assert model.applicable(disability)
    assert window.page.form().clerk_applies == frozenset({"disability_cert"})


def test_only_allowed_states_are_offered(qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    checklist_keys(qtbot, window, "3")  # 申请书 is not deferrable
    model = window.page.checklist_model
    assert model.entry(0).state is MaterialState.MISSING
    assert "不能选「容缺」" in window.page.checklist_hint.text()
    window.page.checklist.setCurrentIndex(model.index(model.row_of("hukou"), 3))
    press(qtbot, K.Key_3)  # 户口簿 may be deferred: the promised date opens for editing
    press(qtbot, K.Key_Return)
    entry = model.entry(model.row_of("hukou"))
    assert entry.state is MaterialState.DEFERRED
    assert entry.promised_date is not None and entry.promised_date > station_today()


def station_today():  # type: ignore[no-untyped-def]
    from tests.ui.conftest import NOW

    return NOW.date()


def test_draft_saved_while_typing_and_restored(qtbot: QtBot, make_window,  # type: ignore[no-untyped-def]
                                               station: Services) -> None:
    window = make_window()
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window, name="李<b>四</b>&")
    checklist_keys(qtbot, window, "11")
    idle(qtbot, window)
    with station.ctx.db.reading() as session:
        draft = session.scalars(select(Draft)).one()
        assert draft.data["applicant"]["name"] == "李<b>四</b>&"
        assert draft.data["materials"]["id_card"]["state"] == "received"
        saved_revision = draft.revision
    assert saved_revision > 0
    window.close()

    again = make_window()
    again.offer_drafts()
    qtbot.waitUntil(lambda: again.drafts_dialog is not None and again.drafts_dialog.isVisible())
    dialog = again.drafts_dialog
    assert dialog is not None
    assert "最低生活保障申请" in dialog.list.item(0).text()
    qtbot.keyClick(dialog.list, K.Key_Return)
    idle(qtbot, again)
    again.activateWindow()  # the window manager's job once the dialog is gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again)
    person = again.page.applicant.person
    assert focused() is person.doc_number
    assert person.name.text() == "李<b>四</b>&"
    assert again.page.checklist_model.entry(1).state is MaterialState.RECEIVED
    # Typing on goes on saving over the restored draft (revisions continue above the stored one).
    press(qtbot, K.Key_A, ALT)
    assert focused() is person.address
    press(qtbot, K.Key_End)
    type_text(qtbot, "2栋")
    idle(qtbot, again)
    with station.ctx.db.reading() as session:
        draft = session.scalars(select(Draft)).one()
        assert draft.data["applicant"]["address"] == "青石镇人民路18号2栋"
        assert draft.revision > saved_revision


def test_markup_in_user_text_is_shown_literally(qtbot: QtBot, window: MainWindow) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window, name="<b>王</b>&amp;五")
    checklist_keys(qtbot, window, "11117")
    type_text(qtbot, "<i>签名</i>不清")
    press(qtbot, K.Key_Return)
    assert "<i>签名</i>不清" in window.page.decision.correction.text()
    from PySide6.QtWidgets import QLabel

    labels = [w for w in window.findChildren(QLabel) if "<" in w.text() and w.isVisible()]
    assert labels, "some label shows the typed markup"
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert window.page.applicant.person.name.text() == "<b>王</b>&amp;五"
    assert focused() is window.page.checklist  # the note editor closed, back on the table
