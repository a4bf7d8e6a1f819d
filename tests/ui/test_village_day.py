"""The agent's day through the real windows and the real reference platform: 代收 for a villager
by keyboard with phone photos added from files, the 代办回执, the 材料交接单; then at the centre
(a second station) the slip is scanned, the case checked against its paper and its photos,
checked in and accepted, and the decision arrives back at the village."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.village import parse_batch_number
from clerk_app.services.station.permissions import Role
from clerk_app.services.village.point import load_point
from clerk_app.store.models import Application, AuditEntry, MaterialPage
from clerk_app.ui.attachments.page_viewer import PageViewer
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.fonts import apply_app_font, register_bundled_fonts
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.taskman import TaskManager
from clerk_app.ui.village.centre_batch_dialog import CentreBatchDialog
from clerk_app.ui.village.paper_dialog import PaperDialog
from clerk_app.ui.village.pending_dialog import PendingSlipsDialog
from clerk_app.ui.village.point_dialogs import CarryDialog
from clerk_app.ui.village.point_settings_dialog import PointSettingsDialog
from tests.attachments.samples import document_page, photo_jpeg
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed
from tests.integration.test_village import (  # noqa: F401 - the two stations, the platform
    Point,
    _form,
    pair,
    reference_platform,
)
from tests.sync_station import PASSWORD
from tests.ui.conftest import focused, idle, press
from tests.ui.test_intake_window import checklist_keys, choose_dibao, fill_applicant
from tests.ui.test_scan_and_lookup import scan

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("CLERK_SCREENSHOTS", "")  # a folder: the screens are saved there


def _window(qtbot: QtBot, point: Point) -> MainWindow:
    app = QApplication.instance()
    if SHOTS and isinstance(app, QApplication):  # as the real start does, so Chinese shows
        apply_app_font(app, register_bundled_fonts())
    window = MainWindow(point.services, point.actor)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    idle(qtbot, window)
    return window


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def _page_hashes(point: Point, number: str) -> list[str]:
    with point.services.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        return list(session.scalars(select(MaterialPage.sha256).where(
            MaterialPage.application_id == app.id).order_by(MaterialPage.position)))


def _paper(qtbot: QtBot, window: MainWindow) -> PaperDialog:
    qtbot.waitUntil(lambda: any(isinstance(d, PaperDialog) and d.isVisible()
                                for d in window.village.dialogs), timeout=10_000)
    return next(d for d in window.village.dialogs if isinstance(d, PaperDialog)
                and d.isVisible())


@pytest.fixture
def windows(qtbot: QtBot, pair: tuple[Point, Point]  # noqa: F811
            ) -> Iterator[tuple[Point, Point]]:
    yield pair
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            top.close()


@pytest.mark.slow
def test_the_agents_day(qtbot: QtBot, windows: tuple[Point, Point], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    require_poppler()
    village, centre = windows
    photos = [photo_jpeg(tmp_path / f"IMG_{i}.JPG", document_page(1200, 1600, seed=i))
              for i in (1, 2)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",  # the file dialog's answer
                        lambda *_args: ([str(p) for p in photos], ""))
    # 1. 代收 at the village point, by keyboard: 受理 is not offered, 不予受理 disabled;
    # the 身份证 is photographed with a phone and the photos added from files (Ctrl+J)
    vw = _window(qtbot, village)
    choose_dibao(qtbot, vw)
    fill_applicant(qtbot, vw, "王小梅")
    checklist_keys(qtbot, vw, "1")  # 申请书 received; the cursor moves to 身份证
    idle(qtbot, vw)
    strip = vw.page.pages_strip
    assert "身份证" in strip.title.text()
    press(qtbot, K.Key_J, CTRL)
    qtbot.waitUntil(lambda: strip.list.count() == 2, timeout=15_000)
    assert focused() is vw.page.checklist
    for _row in range(4):
        press(qtbot, K.Key_1)
    decision = vw.page.decision
    assert decision.collect_mode and decision.confirm.text() == "代收（交中心受理）"
    assert not decision.refuse.isEnabled() and "中心作出" in decision.refuse.toolTip()
    assert decision.outcome.text() == "代收：交中心受理" and "中心将作「受理」" in (
        decision.explanation.text())
    # the status bar names the point, not only its centre
    qtbot.waitUntil(lambda: vw.status.station.text().startswith("青石村便民服务点（"))
    _shot(vw, "village-intake")
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, vw)
    assert vw.controller.done
    number = decision.result_number.text().split()[-1]
    # 2. the 代办回执 opens for printing
    receipt = _paper(qtbot, vw)
    assert receipt.number == number and receipt.document.pageCount() == 1
    text = squeezed(pdf_text(receipt.pdf))
    assert "代办回执" in text and number in text and "李强" in text
    assert decode(raster(receipt.pdf, 200)).get("Code 128") == number
    if SHOTS:
        qtbot.wait(1500)  # QPdfView renders its pages asynchronously
    _shot(receipt, "village-receipt")
    qtbot.keyClick(receipt, K.Key_Escape)
    # 3. the 材料交接单: Ctrl+Alt+J, the case is ticked, Ctrl+Enter
    vw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is vw)
    qtbot.keyClick(focused(), K.Key_J, CTRL | ALT)
    qtbot.waitUntil(lambda: any(isinstance(d, CarryDialog) and d.table.rowCount() == 1
                                for d in vw.village.dialogs), timeout=10_000)
    carry = next(d for d in vw.village.dialogs if isinstance(d, CarryDialog))
    assert carry.table.numbers(checked_only=True) == [number]
    _shot(carry, "village-carry")
    qtbot.keyClick(carry.table, K.Key_Return, CTRL)
    slip = _paper(qtbot, vw)
    batch = slip.number
    assert parse_batch_number(batch) is not None
    assert decode(raster(slip.pdf, 200)).get("Code 128") == batch
    assert "王*梅" in squeezed(pdf_text(slip.pdf))
    _shot(slip, "village-slip")
    qtbot.keyClick(slip, K.Key_Escape)
    assert village.status(number).status == "in_transit"
    village.sync()
    # 4. at the centre: the slip is scanned, the case checked in, decided as at the counter
    cw = _window(qtbot, centre)
    # before the paper arrives the centre sees the slip 在途 (Ctrl+Alt+T, from the platform)
    qtbot.keyClick(focused(), K.Key_T, CTRL | ALT)
    qtbot.waitUntil(lambda: any(isinstance(d, PendingSlipsDialog) for d in cw.village.dialogs),
                    timeout=10_000)
    pending = next(d for d in cw.village.dialogs if isinstance(d, PendingSlipsDialog))
    assert pending.table.numbers() == [batch] and "1/1" in pending.table.item(0, 4).text()
    _shot(pending, "centre-pending")
    qtbot.keyClick(pending.table, K.Key_Escape)
    cw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cw)
    cw.scan_catcher.gap = 0.25  # a loaded test machine may pause between synthetic keys
    scan(qtbot, batch)
    qtbot.waitUntil(lambda: any(isinstance(d, CentreBatchDialog) and d.batch is not None
                                for d in cw.village.dialogs), timeout=15_000)
    dialog = next(d for d in cw.village.dialogs if isinstance(d, CentreBatchDialog))
    assert dialog.table.numbers() == [number] and not dialog.decide_button.isEnabled()
    # the agent's photos, fetched from the platform, beside the paper
    qtbot.waitUntil(lambda: dialog.pages.list.count() == 2, timeout=15_000)
    assert "共 2 页" in dialog.pages.title.text()
    assert dialog.pages.list.item(0).text() == "材料2 第1页"
    assert _page_hashes(centre, number) == _page_hashes(village, number) != []
    _shot(dialog, "centre-batch")
    dialog.pages.list.setFocus()
    dialog.pages.list.setCurrentRow(1)
    qtbot.keyClick(dialog.pages.list, K.Key_Return)
    viewer = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, PageViewer) and w.isVisible())
    qtbot.waitUntil(lambda: bool(viewer.pixmaps), timeout=10_000)
    assert "第 2/2 页" in viewer.caption.text() and "逐页核对" in viewer.help.text()
    _shot(viewer, "centre-page")
    qtbot.keyClick(viewer, K.Key_Escape)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, K.Key_R, CTRL)
    qtbot.waitUntil(dialog.decide_button.isEnabled, timeout=10_000)
    qtbot.keyClick(dialog.table, K.Key_Return, CTRL)
    idle(qtbot, cw)
    qtbot.waitUntil(lambda: cw.page.loaded and cw.controller.slot is not None, timeout=10_000)
    entries = cw.page.checklist_model.entries()
    assert entries["application"].state is MaterialState.RECEIVED  # the agent's capture
    assert not cw.page.decision.collect_mode
    dialog.close()
    cw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cw)
    cw.page.decision.confirm.setFocus()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, cw)
    assert cw.controller.done, cw.page.decision.blockers.text()
    flow = cw.notice_flow
    qtbot.waitUntil(lambda: flow.preview_dialog is not None, timeout=10_000)
    flow.preview_dialog.reject()  # type: ignore[union-attr]
    with centre.services.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        assert app.status == "accepted" and app.accepted_on == centre.services.ctx.today()
        assert len(app.visits) == 1  # the village trip only
        received = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "village_case_received")).all()
        assert [e.entity_id for e in received] == [number]
    # 5. the decision arrives back at the village by sync
    centre.sync()
    village.sync()
    back = village.status(number)
    assert back.status == "accepted" and back.due_date == app.due_date
    vw.refresh_today()
    idle(qtbot, vw)
    assert [r.status_label for r in village.services.lookup.search(village.actor, number)] == [
        "已受理"]


def test_point_settings_dialog_refuses_a_nameless_village_point(
        qtbot: QtBot, windows: tuple[Point, Point]) -> None:
    _village, centre = windows
    services = centre.services
    admin = services.accounts.sign_in("admin", PASSWORD)
    taskman = TaskManager(ErrorReporter(lambda: None))
    dialog = PointSettingsDialog(services.ctx, admin, taskman)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(taskman.idle)
    assert dialog.kind.currentData() == "centre" and dialog.warn_days.value() == 3
    dialog.kind.setCurrentIndex(dialog.kind.findData("village"))
    dialog.name.clear()
    dialog.save()
    qtbot.waitUntil(taskman.idle)
    assert "代办点名称" in dialog.message.text() and dialog.isVisible()
    assert not load_point(services.ctx).is_village  # nothing changed
    dialog.name.setText("石桥村便民服务点")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    point = load_point(services.ctx)
    assert point.is_village and point.point_name == "石桥村便民服务点"
    taskman.shutdown()


def test_an_agent_on_a_centre_station_lists_nothing_of_the_clerks(
        qtbot: QtBot, windows: tuple[Point, Point]) -> None:
    _village, centre = windows
    services, clerk = centre.services, centre.actor
    draft, form = _form(services, clerk, "最低生活保障申请", 51)
    number = services.intake.confirm(clerk, draft, form).application_number
    assert [r.number for r in services.lookup.for_day(clerk, services.ctx.today())] == [number]
    admin = services.accounts.sign_in("admin", PASSWORD)
    agent = services.accounts.create(admin, "cunwang", "村王", PASSWORD, Role.AGENT, "")
    window = _window(qtbot, Point(services, agent, centre.code))
    assert window.village.open_action.isEnabled() is False  # 收件 is the centre's act
    assert "代办员不能操作" in window.village.open_action.text()
    window.lists.refresh()
    idle(qtbot, window)
    assert window.today_panel.model.rowCount() == 0  # the clerk's case is not the agent's
    assert window.lists.deadline_panel.model.rowCount() == 0
