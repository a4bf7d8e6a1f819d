"""备份与恢复 from the 管理 menu: a clerk backs up now (written off the GUI thread, recorded);
an administrator sets the second folder, how many are kept and the free-space threshold."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.services.station.backup import BackupService
from clerk_app.services.station.context import Actor
from clerk_app.store.backup import read_header
from clerk_app.store.models import AuditEntry
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.station.backup_dialog import BackupDialog
from tests.ui.conftest import idle


def _dialog(window: MainWindow) -> BackupDialog:
    return next(d for d in window.findChildren(BackupDialog) if d.isVisible())


def test_a_clerk_backs_up_now_from_the_menu(qtbot: QtBot, window: MainWindow,
                                            station: Services) -> None:
    action = next(a for a in window.findChildren(QAction) if a.text() == "备份与恢复…")
    action.trigger()
    dialog = _dialog(window)
    assert not dialog.save_button.isEnabled()  # the settings are the administrator's
    assert dialog.back_up_button.isEnabled()
    qtbot.mouseClick(dialog.back_up_button, Qt.MouseButton.LeftButton)
    idle(qtbot, window)
    made = list((station.ctx.config.data_dir / "backups").glob("clerk-manual-*.clkbak"))
    assert len(made) == 1 and read_header(made[0])[0].encrypted
    assert "备份完成" in dialog.message.text()
    with station.ctx.db.reading() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "backup_made")).one()
    assert entry.username == "zhangli"
    dialog.close()


def test_an_administrator_sets_where_and_how_many(
        qtbot: QtBot, window: MainWindow, station: Services, admin: Actor,
        tmp_path: Path) -> None:
    dialog = BackupDialog(BackupService(station.ctx), admin, window.taskman, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.save_button.isEnabled()
    dialog.mirror.setText(str(tmp_path / "usb"))  # not plugged in yet
    dialog.keep_daily.setValue(10)
    dialog.free_space.setValue(800)
    dialog.save()
    idle(qtbot, window)
    assert "U盘未插入" in dialog.message.text()
    stored = json.loads(station.ctx.config.settings_path.read_text("utf-8"))
    assert stored["backup_mirror_dir"] == str(tmp_path / "usb")
    assert stored["backup_keep_daily"] == 10 and stored["free_space_warning_mb"] == 800
