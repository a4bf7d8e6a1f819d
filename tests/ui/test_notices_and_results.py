"""Notice preview, printing and reprint; 出件 from the menu; centre settings; 在办/预警 lists."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.domain.application import ApplicationStatus
from clerk_app.services.intake.notices import RenderedNotice
from clerk_app.services.station.context import Actor
from clerk_app.services.station.settings import load_settings
from clerk_app.store.models import AuditEntry, ClockEvent
from clerk_app.ui.lists.deadline_list import DeadlineModel
from clerk_app.ui.lists.today_list import TodayModel
from clerk_app.ui.lists.work_lists import DEADLINE_TAB
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.results import pdf_print
from clerk_app.ui.results.application_dialog import Action
from clerk_app.ui.results.handover_dialog import HandoverDialog
from clerk_app.ui.results.notice_preview import NoticePreviewDialog
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed
from tests.integration.test_handover import APPLICANT, Results, back_office_decides, take_in
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)
from tests.ui.conftest import WindowFactory, focused, idle, press, type_text
from tests.ui.test_scan_and_lookup import opened

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def shown_window(qtbot: QtBot, services: Services, actor: Actor) -> MainWindow:
    window = MainWindow(services, actor)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    idle(qtbot, window)
    return window


def preview_of(qtbot: QtBot, window: MainWindow) -> NoticePreviewDialog:
    flow = window.notice_flow
    qtbot.waitUntil(lambda: flow.preview_dialog is not None
                    and flow.preview_dialog.isVisible(), timeout=10_000)
    preview = flow.preview_dialog
    assert preview is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    return preview


def test_reprint_from_the_application_view_is_previewed_marked_and_audited(
        qtbot: QtBot, svc: Results, clerk: Actor, make_window: WindowFactory) -> None:
    require_poppler()
    number = take_in(svc, clerk)
    window = make_window()
    window.applications.open(number)
    view = opened(qtbot, window, number)
    press(qtbot, K.Key_R, ALT)  # 补打通知书(&R)
    preview = preview_of(qtbot, window)
    idle(qtbot, window)
    assert preview.rendered.kind is NoticeKind.ACCEPTANCE
    assert preview.document.pageCount() > 0
    assert "补打" in squeezed(pdf_text(preview.rendered.pdf))
    assert focused() is preview.print_button
    with svc.services.ctx.db.reading() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_id == number).order_by(AuditEntry.id)))
    assert actions[-1] == "notice_reprinted"
    qtbot.waitUntil(lambda: view.decisions.rowCount() == 1 and view.decisions.item(0, 3)
                    is not None and view.decisions.item(0, 3).text().startswith("青便受"))


def test_preview_prints_to_a_printer_saves_and_says_when_no_printer(
        qtbot: QtBot, svc: Results, clerk: Actor, make_window: WindowFactory,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    number = take_in(svc, clerk)
    window = make_window()
    rendered = svc.services.notices.render(clerk, number)
    window.notice_flow.preview(rendered)
    preview = preview_of(qtbot, window)
    monkeypatch.setattr(pdf_print, "default_printer", lambda: None)
    press(qtbot, K.Key_P, CTRL | Qt.KeyboardModifier.ShiftModifier)  # 快速打印
    assert "没有安装打印机" in preview.message.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # a printer that writes a PDF
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pdf_print.set_up_printer(printer, preview.document.pagePointSize(0))
    with qtbot.waitSignal(preview.printed, timeout=20_000):
        preview.print_to(printer)
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    assert "已送往打印机" in preview.message.text()

    press(qtbot, K.Key_P, CTRL)  # the system's print dialog, any installed printer
    qtbot.waitUntil(lambda: preview.print_dialog is not None
                    and preview.print_dialog.isVisible(), timeout=5_000)
    assert preview.print_dialog is not None
    preview.print_dialog.reject()
    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)

    target = tmp_path / "saved"
    preview.choose_path = lambda _name: str(target)
    press(qtbot, K.Key_S, CTRL)
    idle(qtbot, window)
    assert (tmp_path / "saved.pdf").read_bytes() == rendered.pdf
    assert "已保存" in preview.message.text()


def test_characters_without_a_glyph_are_named_before_printing(
        qtbot: QtBot, svc: Results, clerk: Actor, make_window: WindowFactory) -> None:
    number = take_in(svc, clerk)
    window = make_window()
    rendered = svc.services.notices.render(clerk, number)
    odd = RenderedNotice(rendered.number, rendered.kind, rendered.pdf, ("\U000f0000",))
    window.notice_flow.preview(odd)
    preview = preview_of(qtbot, window)
    assert preview.glyph_warning.isVisible() and "U+F0000" in preview.glyph_warning.text()
    press(qtbot, K.Key_P, CTRL)
    question = preview.question
    assert question is not None and question.isVisible() and "仍要打印" in question.text()
    question.reject()  # 不打印
    assert preview.print_dialog is None


def test_handover_from_the_menu_up_to_the_service_receipt_preview(
        qtbot: QtBot, svc: Results, clerk: Actor, make_window: WindowFactory) -> None:
    number = take_in(svc, clerk)
    # Stands in for the sync puller: the back office finished the application.
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    window = make_window()
    press(qtbot, K.Key_F4)
    dialog = window.applications.child
    assert isinstance(dialog, HandoverDialog)
    qtbot.waitUntil(lambda: focused() is dialog.number)
    type_text(qtbot, number)
    press(qtbot, K.Key_Return)
    idle(qtbot, window)
    assert "办理结果可以领取" in dialog.verdict.text()
    assert focused() is dialog.doc_number
    type_text(qtbot, APPLICANT.resident_id)
    dialog.id_checked.click()
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=5_000)
    press(qtbot, K.Key_Return, CTRL)
    preview = preview_of(qtbot, window)
    idle(qtbot, window)
    assert preview.rendered.kind is NoticeKind.SERVICE_RECEIPT
    assert preview.document.pageCount() > 0
    assert preview.parent() is dialog
    qtbot.keyClick(focused(), K.Key_Escape)
    qtbot.keyClick(dialog, K.Key_Escape)  # leaving 出件: the rating of that visit is offered
    qtbot.waitUntil(lambda: window.notice_flow.rating_dialog is not None, timeout=10_000)
    rating = window.notice_flow.rating_dialog
    assert rating is not None and rating.number == number
    rating.reject()


def test_settings_are_saved_by_an_administrator(
        qtbot: QtBot, station: Services, admin: Actor) -> None:
    window = shown_window(qtbot, station, admin)
    press(qtbot, K.Key_S, CTRL | ALT)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: focused() is dialog.centre_name)
    dialog.centre_name.selectAll()
    type_text(qtbot, "青石镇政务服务中心")
    press(qtbot, K.Key_Y, ALT)
    assert focused() is dialog.yellow_days
    dialog.yellow_days.setValue(3)
    dialog.serial_prefix.setText("青政受")
    assert "青政受〔2026〕12号" in dialog.serial_example.text()
    press(qtbot, K.Key_S, CTRL)
    idle(qtbot, window)
    assert "已保存" in dialog.message.text()
    saved = load_settings(station.ctx)
    assert (saved.centre_name, saved.yellow_days, saved.notice_serial_prefix) == (
        "青石镇政务服务中心", 3, "青政受")
    assert saved.region_code == "510104"  # not editable here
    assert "青石镇政务服务中心" in window.windowTitle()
    assert "青石镇政务服务中心" in window.status.station.text()
    dialog.centre_name.clear()
    press(qtbot, K.Key_S, CTRL)
    idle(qtbot, window)
    assert "请填写中心名称" in dialog.message.text()
    window.close()


def test_a_clerk_is_refused_the_settings(qtbot: QtBot, window: MainWindow,
                                         station: Services) -> None:
    press(qtbot, K.Key_S, CTRL | ALT)
    dialog = window.settings_dialog
    assert dialog is not None
    assert "只有管理员" in dialog.permission_note.text()
    assert dialog.centre_name.isReadOnly() and not dialog.save_button.isEnabled()
    dialog.save()  # even past the window: the service refuses
    idle(qtbot, window)
    assert "无权修改中心设置" in dialog.message.text()
    assert load_settings(station.ctx).centre_name == "青石镇便民服务中心"


def at(services: Services, day: date) -> None:
    services.ctx.clock = lambda: datetime(day.year, day.month, day.day, 9, 30)


def test_due_column_and_status_bar_show_yellow_and_red(
        qtbot: QtBot, svc: Results, clerk: Actor, supervisor: Actor,
        qtmodeltester: object) -> None:
    at(svc.services, date(2026, 11, 19))
    late = take_in(svc, clerk)  # due 2026-12-17
    at(svc.services, date(2026, 11, 26))
    soon = take_in(svc, clerk)  # due 2026-12-24
    at(svc.services, date(2026, 12, 22))
    today = take_in(svc, clerk)
    window = shown_window(qtbot, svc.services, clerk)
    press(qtbot, K.Key_F7)
    panel = window.lists.deadline_panel
    assert window.lists.currentIndex() == DEADLINE_TAB and focused() is panel.table
    texts = {panel.model.index(r, 0).data(): panel.model.index(r, 6).data()
             for r in range(panel.model.rowCount())}
    assert texts[late] == "逾期3个工作日 红灯"
    assert texts[soon] == "12-24 剩2个工作日 黄灯"
    first = panel.proxy.index(0, 0).data()
    assert first == late  # sorted most urgent first
    assert panel.model.index(0, 6).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "承诺办结日" in panel.model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert window.status.due.text() == "预警：红灯 1 · 黄灯 1"
    panel.warnings_only.setChecked(True)
    assert panel.model.rowCount() == 2
    qtmodeltester.check(panel.model, force_py=True)  # type: ignore[attr-defined]

    today_model: TodayModel = window.today_panel.model
    assert today_model.rowCount() == 1 and today_model.index(0, 0).data() == today
    assert today_model.index(0, 5).data().endswith("剩20个工作日")
    qtmodeltester.check(today_model, force_py=True)  # type: ignore[attr-defined]
    press(qtbot, K.Key_Return)  # Enter on the 预警 row opens it
    opened(qtbot, window, late)
    window.close()

    boss = shown_window(qtbot, svc.services, supervisor)
    boss.applications.open(soon)
    view = opened(qtbot, boss, soon)
    assert "黄灯" in view.due.text()
    assert view.buttons[Action.PAUSE].isVisible() and view.buttons[Action.EXTEND].isEnabled()
    press(qtbot, K.Key_T, ALT)  # 暂停计时: the clock dialog
    qtbot.waitUntil(lambda: boss.applications.child is not None
                    and QApplication.activeWindow() is boss.applications.child)
    assert focused() is getattr(boss.applications.child, "procedure", None)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "委托县检测站检测")
    press(qtbot, K.Key_Tab)
    press(qtbot, K.Key_Up, times=5)
    press(qtbot, K.Key_Return)
    idle(qtbot, boss)
    qtbot.waitUntil(lambda: boss.applications.child is None)  # 确定: saved and closed
    qtbot.waitUntil(lambda: view.details is not None and view.buttons[Action.RESUME].isEnabled(),
                    timeout=10_000)
    assert "暂停中" in view.due.text()
    with svc.services.ctx.db.reading() as session:
        assert session.scalars(select(ClockEvent.reason)).one() == "听证：委托县检测站检测"
    qtbot.waitUntil(lambda: "红灯 1 · 黄灯 0" in boss.status.due.text(), timeout=10_000)
    boss.close()


def test_deadline_model_empty_and_sorted(qtmodeltester: object) -> None:
    model = DeadlineModel()
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
