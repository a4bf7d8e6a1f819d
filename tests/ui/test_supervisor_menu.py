"""The 管理 menu: the supervisor's screen opens from the main window; entries follow the role."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.services.station.context import Actor
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.supervisor.supervisor_menu import SupervisorWindow


def _menu_actions(window: MainWindow) -> dict[str, bool]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("管理"))
    return {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}


def test_clerk_sees_the_log_but_not_account_management(window: MainWindow) -> None:
    assert _menu_actions(window) == {"台账与统计…": True, "账号管理…": False, "AB岗移交…": False,
                                     "备份与恢复…": True}


def test_supervisor_opens_the_screen_from_the_menu(qtbot: QtBot, station: Services,
                                                   supervisor: Actor) -> None:
    window = MainWindow(station, supervisor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # accounts are the administrator's (管理员); the supervisor hands work over (AB岗)
    assert _menu_actions(window) == {"台账与统计…": True, "账号管理…": False, "AB岗移交…": True,
                                     "备份与恢复…": True}
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("管理"))
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, SupervisorWindow) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    window.close()
