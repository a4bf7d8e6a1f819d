"""The intake at 1366x768 (the usual counter screen), rendered offscreen: a natural person's
whole intake is on screen without scrolling, an organisation's with at most one scroll, material
names are never cut, and the lists and the search fold away while an intake is open."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget
from pytestqt.qtbot import QtBot

from clerk_app.ui.intake.checklist_model import Column
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import idle, press
from tests.ui.test_intake_window import choose_dibao

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
SCREEN = (1366, 768 - 28)  # less a task bar


def shown(widget: QWidget, window: MainWindow) -> bool:
    """`widget` is visible and no ancestor (a scroll area's viewport, a splitter, the window)
    cuts any part of it."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        clip = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        if not clip.contains(rect):
            return False
        if parent is window:
            break
        parent = parent.parentWidget()
    return True


def scroll_needed(area: QAbstractScrollArea) -> bool:
    return area.verticalScrollBar().maximum() > 0


def at_counter_size(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(*SCREEN)
    QApplication.processEvents()
    idle(qtbot, window)


def test_a_natural_persons_intake_fits_without_scrolling(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    at_counter_size(window, qtbot)
    choose_dibao(qtbot, window)
    QApplication.processEvents()
    page = window.page
    person = page.applicant.person
    for widget in (person.doc_type, person.doc_number, person.name, person.phone,
                   person.address, page.applicant.has_agent, page.applicant.delivery):
        assert shown(widget, window), widget
    assert not scroll_needed(page.applicant_area)
    decision = page.decision
    assert decision.blockers.isVisible() and "确认前须处理" in decision.blockers.text()
    for widget in (decision.outcome, decision.blockers, decision.confirm, decision.refuse):
        assert shown(widget, window), widget
    assert not scroll_needed(decision.details_area)
    # every material name whole: each row as tall as its wrapped name needs
    table, model = page.checklist, page.checklist_model
    for row in range(model.rowCount()):
        needed = table.itemDelegate().sizeHint(table.viewOptions() if hasattr(
            table, "viewOptions") else _option(table), model.index(row, Column.NAME)).height()
        assert table.rowHeight(row) >= needed, (row, model.material(row).name)
    applicable = [r for r in range(model.rowCount()) if model.applicable(r)]
    viewport = table.viewport().rect()
    for row in applicable:
        assert viewport.contains(table.visualRect(model.index(row, Column.NAME))), row
    # the header says the window in full
    meta = page.meta
    window_part = meta.text().split(" · ")[0]
    assert window_part.startswith("窗口：")
    assert meta.fontMetrics().horizontalAdvance(window_part) <= meta.width()
    # today's list and the search are folded while the intake is open
    assert window.splitter.sizes()[1] == 0 and window.sides.sizes()[0] == 0


def test_an_organisations_intake_needs_at_most_one_scroll(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    at_counter_size(window, qtbot)
    choose_dibao(qtbot, window)
    press(qtbot, K.Key_O, ALT)  # 法人或其他组织
    qtbot.waitUntil(lambda: window.page.applicant.legal.isChecked())
    press(qtbot, K.Key_G, ALT)  # and an agent
    qtbot.waitUntil(lambda: window.page.applicant.has_agent.isChecked())
    QApplication.processEvents()
    page = window.page
    area = page.applicant_area
    # one scroll at most: the applicant's fields are within twice its visible height
    assert page.applicant.sizeHint().height() <= 2 * area.viewport().height()
    # the decision and everything that blocks it stay in sight (the 补正 list below them
    # may scroll)
    for widget in (page.decision.outcome, page.decision.blockers, page.decision.confirm):
        assert shown(widget, window), widget


def test_the_promised_date_editor_shows_the_whole_date(qtbot: QtBot,
                                                       window: MainWindow) -> None:
    at_counter_size(window, qtbot)
    choose_dibao(qtbot, window)
    model = window.page.checklist_model
    press(qtbot, K.Key_2, ALT)
    table = window.page.checklist
    table.setCurrentIndex(model.index(model.row_of("hukou"), Column.STATE))
    press(qtbot, K.Key_3)  # 容缺: the date editor opens
    editor = table.indexWidget(table.currentIndex()) or QApplication.focusWidget()
    assert editor is not None
    text = editor.text() if hasattr(editor, "text") else ""
    assert len(text) == 10  # 2026-12-13
    assert editor.fontMetrics().horizontalAdvance(text) < editor.width()


def test_lists_come_back_with_f6_and_after_the_decision(qtbot: QtBot,
                                                        window: MainWindow) -> None:
    at_counter_size(window, qtbot)
    choose_dibao(qtbot, window)
    assert window.splitter.sizes()[1] == 0
    press(qtbot, K.Key_F6)
    assert window.splitter.sizes()[1] > 100
    press(qtbot, K.Key_F2)
    assert window.sides.sizes()[0] > 100  # F2: the search is back for the next matter


def _option(table):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.rect = QRect(0, 0, table.columnWidth(Column.NAME), 1000)
    return option
