"""A bundle intake typed and then lost (the window closed, or the program killed) comes back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clerk_app.ui.bundles.intake_dialog import BundleIntakeDialog
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import VALID_ID, WindowFactory, focused, idle, press, type_text

K = Qt.Key


def _open_birth_bundle(qtbot: QtBot, window: MainWindow) -> BundleIntakeDialog:
    press(qtbot, K.Key_F2)
    type_text(qtbot, "出生一件事")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() > 0)
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.bundles.dialog, BundleIntakeDialog),
                    timeout=10_000)
    dialog = window.bundles.dialog
    assert isinstance(dialog, BundleIntakeDialog)
    return dialog


def test_typed_bundle_intake_survives_the_window(qtbot: QtBot,
                                                 make_window: WindowFactory) -> None:
    window = make_window()
    dialog = _open_birth_bundle(qtbot, window)
    assert focused() is dialog.applicant.person.doc_number
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_2, Qt.KeyboardModifier.AltModifier)
    press(qtbot, K.Key_1)  # 父母双方居民身份证 已收取
    qtbot.waitUntil(lambda: dialog.draft_id is not None, timeout=5_000)
    idle(qtbot, window)
    window.close()  # as good as a crash for what was typed: nothing was confirmed

    window = make_window()
    dialog = _open_birth_bundle(qtbot, window)
    assert dialog.applicant.person.doc_number.text() == VALID_ID
    assert dialog.form.materials["parents_id"].state.value == "received"
    assert "已恢复" in window.status.currentMessage()


def _can_confirm(dialog: BundleIntakeDialog) -> bool:
    return dialog.assessment is not None and dialog.assessment.can_confirm


def test_one_member_refused_with_its_own_reason_and_basis(qtbot: QtBot,
                                                          make_window: WindowFactory) -> None:
    window = make_window()
    dialog = _open_birth_bundle(qtbot, window)
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "张秀英")
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "13800138000")
    press(qtbot, K.Key_2, Qt.KeyboardModifier.AltModifier)
    assert dialog.assessment is not None
    for row, line in enumerate(dialog.assessment.checklist.lines):
        if not line.produced_by:
            dialog.lines.selectRow(row)
            press(qtbot, K.Key_1)
    assert _can_confirm(dialog), dialog.message.text()
    dialog.members.selectRow(1)  # 预防接种证办理
    dialog.refuse_button.click()  # no reason, no basis: not allowed
    assert not _can_confirm(dialog)
    assert "理由" in dialog.message.text() and "预防接种证办理" in dialog.message.text()
    dialog.refuse_ground.setCurrentIndex(dialog.refuse_ground.findData("not_eligible"))
    dialog.refuse_reason.setText("儿童已在外地建立预防接种证")
    dialog.refuse_basis.setText("《中华人民共和国疫苗管理法》第四十七条")
    dialog.refuse_button.click()
    assert _can_confirm(dialog), dialog.message.text()
    items = [dialog.members.item(r, 1) for r in range(dialog.members.rowCount())]
    labels = [item.text() if item is not None else "" for item in items]
    assert labels[1] == "不予受理" and labels.count("受理") == 3
