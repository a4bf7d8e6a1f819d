"""Material pages in the real window: add from files (Ctrl+J), thumbnails, large view, delete,
no document camera here, and the pages moving to the application at confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.store.models import MaterialPage, OutboxEvent
from clerk_app.ui.attachments.page_viewer import PageViewer
from clerk_app.ui.main_window import MainWindow
from tests.attachments.samples import document_page, photo_jpeg
from tests.ui.conftest import close_notice, idle, press
from tests.ui.test_intake_window import checklist_keys, choose_dibao, fill_applicant

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_pages_added_viewed_removed_and_carried_to_the_application(
        qtbot: QtBot, window: MainWindow, station: Services, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    strip = window.page.pages_strip
    # the camera is looked for once the window is up (QtMultimedia loads then)
    qtbot.waitUntil(lambda: strip.camera_button.text() == "未检测到高拍仪", timeout=5_000)
    assert not strip.camera_button.isEnabled()
    photos = [photo_jpeg(tmp_path / f"IMG_{i}.JPG", document_page(900, 1200, seed=i))
              for i in (1, 2)]
    asked: list[str] = []

    def choose(_parent: object, _title: str, folder: str, _filter: str) -> tuple[list[str], str]:
        asked.append(folder)
        return [str(p) for p in photos], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window)
    checklist_keys(qtbot, window, "1")  # 申请书 received; the cursor moves to 身份证
    idle(qtbot, window)
    assert "身份证" in strip.title.text()
    press(qtbot, K.Key_J, CTRL)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: strip.list.count() == 2, timeout=15_000)
    assert asked and asked[0]  # the Documents folder
    assert "2 个附件" in strip.statement.text()
    assert not strip.list.item(0).icon().isNull()

    press(qtbot, K.Key_J, CTRL | Qt.KeyboardModifier.ShiftModifier)
    viewer = window.pages.viewer
    assert isinstance(viewer, PageViewer) and viewer.isVisible()
    qtbot.waitUntil(lambda: bool(viewer.pixmaps), timeout=10_000)
    assert "第 1/2 页" in viewer.caption.text()
    qtbot.keyClick(viewer, K.Key_Right, CTRL)  # the first page becomes the second
    qtbot.keyClick(viewer, K.Key_Delete)  # and is removed
    idle(qtbot, window)
    viewer.close()
    idle(qtbot, window)
    qtbot.waitUntil(lambda: strip.list.count() == 1, timeout=10_000)

    window.activateWindow()
    window.page.checklist.setFocus()
    QApplication.processEvents()
    checklist_keys(qtbot, window, "11111")
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done
    number = window.page.decision.result_number.text().split()[-1]
    close_notice(qtbot, window)
    with station.ctx.db.reading() as session:
        rows = session.scalars(select(MaterialPage)).all()
        assert [(r.material_id, r.draft_id is None, r.original_name) for r in rows] == [
            ("id_card", True, "IMG_2.JPG")]
        types = session.scalars(select(OutboxEvent.type).where(
            OutboxEvent.application_no == number).order_by(OutboxEvent.seq)).all()
        assert types == ["application.confirmed", "attachments.changed"]

    # accepted: the strip now shows the application's pages; they may only be added
    window.activateWindow()
    window.page.checklist.setFocus()
    window.page.checklist.setCurrentIndex(window.page.checklist_model.index(1, 0))
    qtbot.waitUntil(lambda: strip.list.count() == 1, timeout=10_000)
    press(qtbot, K.Key_J, CTRL)
    qtbot.waitUntil(lambda: strip.list.count() == 3, timeout=15_000)
    press(qtbot, K.Key_J, CTRL | Qt.KeyboardModifier.ShiftModifier)
    viewer = window.pages.viewer
    assert viewer is not None and not viewer.editable and "只能补充" in viewer.help.text()
    qtbot.keyClick(viewer, K.Key_Delete)  # refused: nothing happens
    viewer.close()
    idle(qtbot, window)
    assert len(station.attachments.application_pages(number)["id_card"].pages) == 3


def test_document_camera_captures_pages_in_order(qtbot: QtBot, tmp_path: Path) -> None:
    """No camera here: the dialog still builds on Qt Multimedia; frames handed to it as the
    camera would (imageCaptured) come back in order and normalize like any page."""
    from PySide6.QtGui import QImage

    from clerk_app.services.attachments.normalize import prepare_bytes
    from clerk_app.ui.attachments.camera import DocumentCamera, camera_available, jpeg_of

    assert not camera_available()
    dialog = DocumentCamera()
    qtbot.addWidget(dialog)
    frames = []
    for seed in (1, 2):
        path = tmp_path / f"frame{seed}.png"
        document_page(800, 600, seed=seed).save(path)
        frames.append(QImage(str(path)))
    qtbot.keyClick(dialog, K.Key_Space)  # not ready without a camera: nothing is captured
    assert dialog.images == []
    for number, frame in enumerate(frames, start=1):
        dialog.capture.imageCaptured.emit(number, frame)
    assert "已拍摄 2 页" in dialog.counter.text()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, K.Key_Return)
    pages = [prepare_bytes(jpeg_of(image), f"高拍仪第{i}页") for i, image in
             enumerate(dialog.images, start=1)]
    assert [(p.width, p.height) for p in pages] == [(800, 600), (800, 600)]
    assert pages[0].sha256 != pages[1].sha256
