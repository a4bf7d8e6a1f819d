"""The supervisor's screen at the counter's size: every tab in sight, the log readable."""

from __future__ import annotations

from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.ui.taskman import TaskManager
from tests.ui.test_supervisor import TODAY, idle, make_screen
from tests.ui.test_supervisor import station as station  # noqa: F401 (fixture)
from tests.ui.test_supervisor import taskman as taskman  # noqa: F401 (fixture)
from tests.ui.test_supervisor import template as template  # noqa: F401 (fixture)


def test_every_tab_is_in_sight_and_the_log_zooms(qtbot: QtBot, station: Services,  # noqa: F811
                                                 taskman: TaskManager) -> None:  # noqa: F811
    screen = make_screen(qtbot, station, taskman)
    screen.resize(1366, 700)
    screen.show()
    qtbot.waitExposed(screen)
    bar = screen.tabs.tabBar()
    last = bar.tabRect(bar.count() - 1)
    assert bar.rect().contains(last), "the last tab (台账预览) is behind scroll arrows"
    screen.default_range(TODAY, 14)
    screen.build_log()
    idle(qtbot, taskman)
    preview = screen.preview
    assert preview.document.status() == QPdfDocument.Status.Ready
    preview.zoom_in.click()
    assert preview.view.zoomMode() is QPdfView.ZoomMode.Custom
    bigger = preview.view.zoomFactor()
    preview.zoom_in.click()
    assert preview.view.zoomFactor() > bigger
    preview.zoom_out.click()
    assert abs(preview.view.zoomFactor() - bigger) < 1e-6
    preview.zoom_fit.click()
    assert preview.view.zoomMode() is QPdfView.ZoomMode.FitToWidth
