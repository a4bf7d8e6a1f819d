"""A full disk at the counter (SQLITE_FULL provoked with PRAGMA max_page_count): the clerk
reads words, not a traceback in stacked "程序出错" dialogs; the typed form stays in the
window; the draft is saved by itself once there is space again; the confirm then works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event, select, text

from clerk_app.app import Services
from clerk_app.store.models import Draft
from clerk_app.ui.errors import ProgramErrorDialog
from clerk_app.ui.main_window import MainWindow
from tests.ui.conftest import idle, press
from tests.ui.test_intake_window import checklist_keys, choose_dibao, fill_applicant

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
WORDS = "磁盘空间已满，本次录入仍在窗口中，请清理空间后重试"


class FullDisk:
    """Every new database connection may not grow the file past its present size."""

    def __init__(self, services: Services) -> None:
        self.engine = services.ctx.db.engine
        self.pages = 0

    def _limit(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {self.pages}")

    def fill(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        with self.engine.connect() as connection:
            connection.execute(text("VACUUM"))  # no free pages left to reuse
            self.pages = int(connection.execute(text("PRAGMA page_count")).scalar() or 0)
        self.engine.dispose()
        event.listen(self.engine, "connect", self._limit)

    def free(self) -> None:
        event.remove(self.engine, "connect", self._limit)
        self.engine.dispose()


@pytest.fixture
def disk(station: Services) -> Iterator[FullDisk]:
    full = FullDisk(station)
    yield full
    if event.contains(full.engine, "connect", full._limit):
        full.free()


def _word_boxes(window: MainWindow) -> list[QMessageBox]:
    return [d for d in window.reporter.open_dialogs
            if isinstance(d, QMessageBox) and WORDS in d.text()]


def test_a_full_disk_is_said_in_words_and_nothing_typed_is_lost(
        qtbot: QtBot, window: MainWindow, station: Services, disk: FullDisk) -> None:
    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window, name="张秀英")
    checklist_keys(qtbot, window, "11111")
    idle(qtbot, window)
    disk.fill()

    press(qtbot, K.Key_Return, CTRL)  # confirm: the disk refuses the transaction
    idle(qtbot, window)
    assert not window.controller.done
    assert len(_word_boxes(window)) == 1
    assert not [d for d in window.reporter.open_dialogs if isinstance(d, ProgramErrorDialog)]
    assert window.reporter.program_errors == 0
    assert window.page.applicant.person.name.text() == "张秀英"  # the form stays

    window.controller._retry_save.setInterval(300)
    address = window.page.applicant.person.address
    address.setText("青石镇人民路18号附2号" * 60)
    address.setFocus()
    qtbot.keyClick(address, Qt.Key.Key_End)
    qtbot.keyClicks(address, "Z")  # an edit the clerk typed: a draft save
    idle(qtbot, window)
    qtbot.wait(50)
    assert window.controller._save_failing
    assert len(_word_boxes(window)) == 1  # one message, not one per failed save
    assert window.reporter.program_errors == 0

    disk.free()  # the clerk made room
    qtbot.waitUntil(lambda: not window.controller._save_failing, timeout=10_000)
    idle(qtbot, window)
    with station.ctx.db.reading() as session:
        drafts = session.scalars(select(Draft)).all()
    assert any(str(d.data).count("附2号") == 60 for d in drafts)  # the newest text reached the disk

    for box in _word_boxes(window):
        box.done(0)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.controller.confirm()
    idle(qtbot, window)
    assert window.controller.done


def test_a_read_only_data_folder_is_said_in_words(
        qtbot: QtBot, window: MainWindow, station: Services) -> None:
    """A write-protected USB stick: SQLite answers SQLITE_READONLY (provoked with
    PRAGMA query_only on every new connection)."""
    engine = station.ctx.db.engine

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")

    choose_dibao(qtbot, window)
    fill_applicant(qtbot, window, name="张秀英")
    checklist_keys(qtbot, window, "11111")
    idle(qtbot, window)
    engine.dispose()
    event.listen(engine, "connect", read_only)
    try:
        press(qtbot, K.Key_Return, CTRL)
        idle(qtbot, window)
        boxes = [d for d in window.reporter.open_dialogs
                 if isinstance(d, QMessageBox) and "数据文件夹只读" in d.text()]
        assert len(boxes) == 1 and window.reporter.program_errors == 0
        assert not window.controller.done
        assert window.page.applicant.person.name.text() == "张秀英"
        assert "数据文件夹只读" in window.status.currentMessage()
    finally:
        event.remove(engine, "connect", read_only)
        engine.dispose()
    for box in window.reporter.open_dialogs:
        box.close()
    window.controller.confirm()  # the protection switched off: the same form confirms
    idle(qtbot, window)
    assert window.controller.done
