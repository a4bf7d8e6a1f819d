"""The whole life of an application through the real main window and the real reference platform:
keyboard intake, sync up, the back office completes it, sync down, a scan, 出件 with its
送达回证, 好差评 非常满意, and the handover and the rating synced up to the platform."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.handover import CollectorRole
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store.models import (
    Application,
    AuditEntry,
    HandoverRecord,
    OutboxEvent,
    Rating,
    Visit,
)
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.results.application_dialog import Action
from clerk_app.ui.results.handover_dialog import HandoverDialog
from tests.integration.test_handover import AGENT
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import register
from tests.ui.conftest import VALID_ID, close_notice, focused, idle, press, type_text
from tests.ui.test_intake_window import checklist_keys, choose_dibao, fill_applicant
from tests.ui.test_notices_and_results import preview_of
from tests.ui.test_scan_and_lookup import opened, scan

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
LATER = datetime(2026, 12, 10, 15, 0)


@pytest.fixture
def services(data_dir: Path, station_code: str,
             reference_platform: RunningPlatform) -> Iterator[Services]:
    """The suite's station, but set up as `station_code` and pointed at the platform."""
    svc = open_services(Config(data_dir=data_dir, platform_url=reference_platform.url,
                               connect_timeout_s=2.0, read_timeout_s=5.0), log_to_file=False)
    save_settings(svc.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code=station_code[:6],
        station_code=station_code[6:], address="青石镇人民路18号", phone="028-84561234",
        notice_serial_prefix="青便受", qr_base_url="https://zwfw.example.gov.cn/q/"),
        first_setup=True)
    yield svc
    svc.close()


@pytest.fixture
def engine(station: Services, back_office: BackOffice, station_code: str) -> SyncEngine:
    """The station registered at the platform, and its sync pump (run synchronously)."""
    register(station, back_office, station_code)
    return SyncEngine(adapter_factory(station.ctx.config), station.sync_store,
                      lambda: station.ctx.clock().astimezone(), random.Random(7),
                      configured=lambda: bool(station.ctx.config.platform_url))


def status_of(services: Services, number: str) -> str:
    with services.ctx.db.reading() as session:
        return session.scalars(select(Application.status).where(
            Application.number == number)).one()


def sync(engine: SyncEngine) -> None:
    report = engine.run_once(force=True)
    assert report.outcome is Outcome.DONE and report.exit_code == 0, report.state.last_error


AGENT_ID, AGENT_NAME = AGENT.resident_id, AGENT.name  # a made-up person, valid number


def keyboard_intake(qtbot: QtBot, window: MainWindow, *, agent: bool) -> str:
    """A 低保 intake typed at the window (with an agent: his person and 授权委托书 too)."""
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    materials = "11111"
    if agent:
        press(qtbot, K.Key_G, ALT)  # 代理人/代办员代为申请(&G)
        qtbot.waitUntil(window.page.applicant.has_agent.isChecked)
        person = window.page.applicant.agent
        person.doc_number.setFocus()
        type_text(qtbot, AGENT_ID)
        press(qtbot, K.Key_Tab)
        assert focused() is person.name
        type_text(qtbot, AGENT_NAME)
        press(qtbot, K.Key_Tab)
        assert focused() is person.phone
        type_text(qtbot, AGENT.mobile)
        materials = "1111111"  # + 授权委托书, 代理人身份证
    checklist_keys(qtbot, window, materials)
    entries = window.page.checklist_model.entries()
    if agent:
        assert entries["power_of_attorney"].state is MaterialState.RECEIVED
    assessment = window.controller.last_assessment
    assert assessment is not None and assessment.can_confirm, window.page.decision.blockers.text()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done
    number = window.page.decision.result_number.text().split()[-1]
    close_notice(qtbot, window)  # the 受理通知书; the applicant does not rate the intake
    return number


@pytest.mark.parametrize("collector", ["applicant", "agent"])
def test_life_of_an_application(
        qtbot: QtBot, window: MainWindow, station: Services, engine: SyncEngine,
        back_office: BackOffice, reference_platform: RunningPlatform, station_code: str,
        collector: str) -> None:
    agent = collector == "agent"
    # 1. Intake at the window, by keyboard.
    number = keyboard_intake(qtbot, window, agent=agent)
    assert status_of(station, number) == ApplicationStatus.ACCEPTED.value

    # 2. Up to the platform.
    sync(engine)
    projected = back_office.application(number)
    assert projected is not None and projected["station"] == station_code
    assert projected["last_event_type"] == "application.confirmed"

    # 3. Two weeks later the back office completes it; the next exchange brings it down.
    station.ctx.clock = lambda: LATER  # a trip is a calendar day: the collection is a 2nd one
    back_office.set_status(number, "completed", "审批通过", "县民政局")
    report = engine.run_once(force=True)
    assert report.outcome is Outcome.DONE and report.moved == 1
    assert status_of(station, number) == ApplicationStatus.COMPLETED.value

    # 4. The collector comes back with the notice: a scan opens the application; 出件.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    scan(qtbot, number)
    view = opened(qtbot, window, number)
    assert view.buttons[Action.HAND_OVER].isEnabled()
    press(qtbot, K.Key_C, ALT)  # 出件(&C)
    qtbot.waitUntil(lambda: isinstance(window.applications.child, HandoverDialog), timeout=5_000)
    dialog = window.applications.child
    assert isinstance(dialog, HandoverDialog)
    qtbot.waitUntil(lambda: dialog.readiness is not None, timeout=10_000)
    assert "办理结果可以领取" in dialog.verdict.text(), dialog.verdict.text()
    qtbot.waitUntil(lambda: focused() is dialog.doc_number)
    if agent:
        dialog.role_buttons[CollectorRole.AGENT].click()
        assert dialog.name.text() == ""
        dialog.doc_number.setFocus()
        qtbot.keyClicks(focused(), AGENT_ID)
        dialog.name.setFocus()
        type_text(qtbot, AGENT_NAME)
    else:
        qtbot.keyClicks(focused(), VALID_ID)
        assert dialog.name.text() == "张秀英"  # the applicant in person
    dialog.id_checked.setFocus()
    press(qtbot, K.Key_Space)  # 已核验领取人身份证件原件
    assert dialog.id_checked.isChecked()
    if agent:
        qtbot.waitUntil(lambda: "授权委托书" in dialog.entitlement.text(), timeout=5_000)
        dialog.auth_checked.setFocus()
        press(qtbot, K.Key_Space)  # 已核验授权委托书
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=5_000)
    press(qtbot, K.Key_Return, CTRL)
    preview = preview_of(qtbot, window)  # the 送达回证
    idle(qtbot, window)
    assert preview.rendered.kind is NoticeKind.SERVICE_RECEIPT
    assert preview.document.pageCount() > 0
    result = dialog.handover_result
    assert result is not None and result.visits == 2 and result.new_trip
    if agent:
        assert AGENT_NAME in result.receipt.recipient
        assert "受张秀英委托代领" in result.receipt.recipient
    else:
        assert "张秀英" in result.receipt.recipient and "申请人本人" in result.receipt.recipient
    qtbot.keyClick(focused(), K.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.keyClick(dialog, K.Key_Escape)  # leaving 出件: the rating of that visit is offered

    # 5. The applicant rates 非常满意 (5) and submits (Enter).
    flow = window.notice_flow
    qtbot.waitUntil(lambda: flow.rating_dialog is not None and flow.rating_dialog.isVisible(),
                    timeout=10_000)
    rating = flow.rating_dialog
    assert rating is not None and rating.number == number
    qtbot.keyClick(rating, K.Key_5)
    level = rating.level()
    assert level is not None and level.value == 5 and level.label == "非常满意"
    qtbot.keyClick(rating, K.Key_Return)
    qtbot.waitUntil(lambda: rating.finished_with is not None, timeout=10_000)
    assert rating.thanks.text() == "感谢您的评价！"
    idle(qtbot, window)

    # 6. All of it in the station's database…
    with station.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        assert app.status == ApplicationStatus.HANDED_OVER.value
        visits = session.scalars(select(Visit).where(
            Visit.application_id == app.id).order_by(Visit.id)).all()
        assert [v.purpose for v in visits] == ["intake", "handover"]
        handover = session.scalars(select(HandoverRecord).where(
            HandoverRecord.application_id == app.id)).one()
        assert handover.visit_id == visits[1].id
        assert handover.collector_role == collector
        assert handover.collector_doc_number == (AGENT_ID if agent else VALID_ID)
        assert handover.collector_name == (AGENT_NAME if agent else "张秀英")
        assert handover.authorisation_checked is agent
        (rated,) = session.scalars(select(Rating).where(Rating.application_id == app.id)).all()
        assert rated.level == 5 and rated.visit_id == visits[1].id
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "result_handed_over", AuditEntry.entity_id == number)).one()
        assert entry.before is not None and entry.before["status"] == "completed"
        assert entry.after is not None and entry.after["status"] == "handed_over"
        events = {e.type: e.event_id for e in session.scalars(select(OutboxEvent).where(
            OutboxEvent.application_no == number).order_by(OutboxEvent.seq))}
        assert list(events) == ["application.confirmed", "result.handed_over",
                                "rating.recorded"]

    # …and, after one more exchange, at the platform.
    sync(engine)
    assert station.sync_store.outbox_summary()[:3:2] == (0, 0)  # nothing waiting or parked
    store = reference_platform.open_store()
    try:
        at_platform = store.event_ids(station_code)
        projected = store.application(number)
    finally:
        store.close()
    assert sorted(at_platform) == sorted(events.values())
    assert projected is not None  # the platform's status is the back office's own
    assert (projected["status"], projected["last_event_type"]) == ("completed", "rating.recorded")
