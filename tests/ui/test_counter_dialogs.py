"""Dialogs opened from dialogs: the applicant can rate after 出件 from the application view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk_app.domain.application import ApplicationStatus
from clerk_app.services.station.context import Actor
from clerk_app.ui.results.application_dialog import Action
from clerk_app.ui.results.handover_dialog import HandoverDialog
from tests.integration.test_handover import APPLICANT, Results, back_office_decides, take_in
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)
from tests.ui.conftest import WindowFactory, focused, idle, press, type_text
from tests.ui.test_notices_and_results import preview_of
from tests.ui.test_scan_and_lookup import opened

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_rating_after_handover_from_the_application_view_takes_input(
        qtbot: QtBot, svc: Results, clerk: Actor, make_window: WindowFactory) -> None:
    number = take_in(svc, clerk)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    window = make_window()
    window.applications.open(number)  # Ctrl+L and the number
    view = opened(qtbot, window, number)
    view.buttons[Action.HAND_OVER].click()
    qtbot.waitUntil(lambda: isinstance(window.applications.child, HandoverDialog), timeout=5_000)
    dialog = window.applications.child
    assert isinstance(dialog, HandoverDialog)
    qtbot.waitUntil(lambda: dialog.readiness is not None, timeout=10_000)
    dialog.doc_number.setFocus()
    type_text(qtbot, APPLICANT.resident_id)
    dialog.id_checked.click()
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=5_000)
    press(qtbot, K.Key_Return, CTRL)
    preview = preview_of(qtbot, window)  # the 送达回证, over the 出件 dialog
    qtbot.keyClick(focused(), K.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.keyClick(dialog, K.Key_Escape)
    flow = window.notice_flow
    qtbot.waitUntil(lambda: flow.rating_dialog is not None and flow.rating_dialog.isVisible(),
                    timeout=10_000)
    rating = flow.rating_dialog
    assert rating is not None
    assert window.applications.dialog is not None  # the application view is still open
    # Qt delivers input only to the topmost modal dialog and its own children: that must be
    # the rating, not the application view hidden behind it.
    modal = QApplication.activeModalWidget()
    assert modal is rating or (modal is not None and modal.isAncestorOf(rating)), modal
    idle(qtbot, window)
    rating.reject()
