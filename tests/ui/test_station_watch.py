"""The window's housekeeping: the daily backup written off the GUI thread and recorded, the
second folder's absence said in words, and the free-space warning shown once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.store.backup import read_header
from clerk_app.store.models import AuditEntry
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import idle


def test_daily_backup_and_free_space_from_the_window(
        qtbot: QtBot, window: MainWindow, station: Services, tmp_path: Path) -> None:
    config = station.ctx.config
    config.backup_mirror_dir = str(tmp_path / "no-usb-stick")
    config.free_space_warning_mb = 10**9  # no disk has that much: the warning must show
    watch = window.watch
    assert watch.first.isActive() and watch.timer.interval() == 3_600_000

    watch.check()
    idle(qtbot, window)
    made = watch.last_backup
    assert made is not None and made.path.parent == config.data_dir / "backups"
    assert read_header(made.path)[0].kind == "daily"
    assert "U盘可能未插入" in made.warning
    with station.ctx.db.reading() as session:
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "backup_made")).one().entity_id == "daily"
    warnings = [d for d in window.reporter.open_dialogs
                if isinstance(d, QMessageBox) and "磁盘剩余空间不足" in d.text()]
    assert len(warnings) == 1

    watch.last_backup = None
    watch.check()  # an hour later: nothing due, the warning is not repeated in a dialog
    idle(qtbot, window)
    assert watch.last_backup is None
    assert len([d for d in window.reporter.open_dialogs
                if isinstance(d, QMessageBox) and "磁盘剩余空间不足" in d.text()]) == 1
    assert "磁盘剩余空间不足" in window.status.currentMessage()
