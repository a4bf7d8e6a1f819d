"""中心设置 edits the windows and each kind's serial prefix; the accounts dialog offers every
window, including one added after setup and one an account still works at."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk_app.app import Services
from clerk_app.services.intake.serials import serial_prefix
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import load_settings, save_settings
from clerk_app.services.supervision.windows import known_windows
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.station.settings_dialog import SettingsDialog
from clerk_app.ui.supervisor import AccountsDialog
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import idle


def test_settings_dialog_edits_windows_and_serial_prefixes(qtbot: QtBot,
                                                           station: Services) -> None:
    settings = load_settings(station.ctx)
    saved: list[object] = []
    window = MainWindow(station, SYSTEM_ACTOR)
    qtbot.addWidget(window)
    dialog = SettingsDialog(settings, saved.append, window.taskman, may_edit=True)
    qtbot.addWidget(dialog)
    dialog.windows.setText("社会保障、民生事务，综合服务 商事登记")
    dialog.kind_prefixes["service_receipt"].setText("青石送")
    edited = dialog.edited()
    assert edited.window_names == ("社会保障", "民生事务", "综合服务", "商事登记")
    assert serial_prefix(edited, "service_receipt") == "青石送"
    assert serial_prefix(edited, "correction") == "补正"  # empty: the default
    assert dialog.kind_prefixes["correction"].placeholderText() == "补正"


def test_accounts_dialog_offers_every_window(qtbot: QtBot, station: Services,
                                             admin: Actor) -> None:
    settings = load_settings(station.ctx)
    save_settings(station.ctx, SYSTEM_ACTOR, replace(
        settings, window_names=(*settings.window_names, "商事登记")), first_setup=True)
    station.accounts.create(admin, "wuqiang", "吴强", TEST_PASSWORD, Role.CLERK, "退役军人服务")
    windows = known_windows(station.ctx)
    assert windows[:len(settings.window_names)] == settings.window_names
    assert "商事登记" in windows and "退役军人服务" in windows
    window = MainWindow(station, admin)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("管理"))
    next(a for a in menu.actions() if a.text() == "账号管理…").trigger()
    idle(qtbot, window)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AccountsDialog)
                  and w.isVisible())
    offered = [dialog.new_window.itemText(i) for i in range(dialog.new_window.count())]
    assert "商事登记" in offered and "退役军人服务" in offered
    dialog.close()
    window.close()
