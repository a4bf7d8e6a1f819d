"""First-start setup, sign-in, catalogue import and the search panel's withdrawn matters."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.config import Config
from clerk_app.services.station.context import Actor
from clerk_app.services.station.settings import load_settings
from clerk_app.store.models import MatterRecord
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.station.login_dialog import LoginDialog
from clerk_app.ui.station.setup_dialog import SetupDialog, split_windows
from clerk_app.ui.taskman import TaskManager
from tests.conftest import TEST_PASSWORD
from tests.ui.conftest import idle, press, type_text
from tests.ui.test_intake_window import K

FIXTURES = Path(__file__).parent / "fixtures"


def test_setup_dialog_creates_the_administrator_and_the_station(
        qtbot: QtBot, tmp_path: Path, cheap_kdf: None) -> None:
    dialog = SetupDialog(Config(data_dir=tmp_path / "new"))
    qtbot.addWidget(dialog)
    dialog.centre_name.setText("白鹤镇便民服务中心")
    dialog.region_code.setText("51010")
    dialog.station_code.setText("002")
    dialog.windows.setText("社会保障、民生事务，商事登记")
    dialog.username.setText("admin")
    dialog.display_name.setText("王管理")
    dialog.password.setText("counter2026")
    dialog.password_again.setText("counter2027")
    dialog.buttons.accepted.emit()
    assert "行政区划代码应为6位数字" in dialog.errors.text()
    assert "两次输入的密码不一致" in dialog.errors.text()
    dialog.region_code.setText("510105")
    dialog.password_again.setText("counter2026")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=20_000)
    opened = dialog.opened
    assert opened is not None and opened.actor.role == "admin" and opened.recovery_code
    services = opened.services
    try:
        assert services.ctx.db.key is not None  # the new station is encrypted
        settings = load_settings(services.ctx)
        assert settings.station_id == "510105002"
        assert settings.window_names == ("社会保障", "民生事务", "商事登记")
    finally:
        services.close()
    assert split_windows("  a, b；c ") == ("a", "b", "c")


def test_login_dialog_shows_the_service_messages(qtbot: QtBot, services: Services,
                                                 clerk: Actor) -> None:
    taskman = TaskManager(ErrorReporter())
    dialog = LoginDialog(services.accounts, taskman, "青石镇便民服务中心")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.username)
    type_text(qtbot, "zhangli")
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "wrong-password1")
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(taskman.idle)
    assert "用户名或密码不正确（还可尝试 4 次）" in dialog.error.text()
    assert dialog.password.text() == ""
    type_text(qtbot, TEST_PASSWORD)
    press(qtbot, K.Key_Return)
    qtbot.waitUntil(lambda: dialog.actor is not None)
    taskman.shutdown()
    assert dialog.actor is not None and dialog.actor.username == "zhangli"


def test_withdrawn_matters_are_greyed_and_not_chosen(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, K.Key_F2)
    type_text(qtbot, "liudong")
    panel = window.search_panel
    assert panel.model.rowCount() >= 1
    assert not panel.model.hit(0).active
    assert "已停用" in panel.model.index(0).data()
    press(qtbot, K.Key_Return)
    assert not window.page.loaded
    assert "没有可以受理的事项" in panel.count.text() or "已停用" in panel.count.text()


def test_search_by_initials_code_and_words(qtbot: QtBot, window: MainWindow,
                                           station: Services) -> None:
    press(qtbot, K.Key_F2)
    type_text(qtbot, "gtgsh")
    panel = window.search_panel
    names = [panel.model.hit(r).name for r in range(panel.model.rowCount())]
    assert names and all(n.startswith("个体工商户") for n in names)
    press(qtbot, K.Key_Down)
    assert window.search_panel.current_code() == panel.model.hit(1).code
    panel.field.selectAll()
    type_text(qtbot, "救助 临时")
    assert panel.model.hit(0).name == "临时救助申请"
    code = panel.model.hit(0).code
    panel.field.selectAll()
    type_text(qtbot, code)
    assert panel.model.hit(0).code == code


def test_catalogue_import_failure_keeps_the_catalogue_and_lists_problems(
        qtbot: QtBot, station: Services, supervisor: Actor, tmp_path: Path) -> None:
    window = MainWindow(station, supervisor)
    qtbot.addWidget(window)
    with station.ctx.db.reading() as session:
        before = session.scalar(select(func.count(MatterRecord.id)))
    broken = json.loads((FIXTURES / "mini_catalogue.json").read_text(encoding="utf-8"))
    broken["matters"][0]["materials"][0]["form"] = "传真件"
    del broken["matters"][1]["name"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    window.importer.import_path(path)
    idle(qtbot, window)
    box = window.reporter.open_dialogs[-1]
    assert isinstance(box, QMessageBox)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "现有事项目录未作任何改动" in box.text()
    assert "传真件" in box.text() and "name" in box.text()
    with station.ctx.db.reading() as session:
        assert session.scalar(select(func.count(MatterRecord.id))) == before

    window.importer.import_path(FIXTURES / "mini_catalogue.json")
    idle(qtbot, window)
    assert "新增 4 项" in window.reporter.open_dialogs[-1].text()  # type: ignore[attr-defined]
    assert station.matters.search("低保边缘")[0].name == "低保边缘家庭认定（旧）"
    window.close()


def test_clerk_may_not_import_a_catalogue(qtbot: QtBot, window: MainWindow) -> None:
    window.importer.import_path(FIXTURES / "mini_catalogue.json")
    idle(qtbot, window)
    box = window.reporter.open_dialogs[-1]
    assert "无权导入事项目录" in box.text()  # type: ignore[attr-defined]
