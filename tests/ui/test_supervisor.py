"""The supervisor's screen and dialogs on the offscreen platform, on a real demo station."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.demo import DEMO_PASSWORD, generate_demo
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.services.supervision.figures import FiguresService
from clerk_app.services.supervision.reassign import ReassignService
from clerk_app.services.supervision.reports import LogQuery, LogScope, ReportService
from clerk_app.store.models import Application, User
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.supervisor import AccountsDialog, HandoverDialog, IdleLock, SupervisorScreen
from clerk_app.ui.supervisor.chart import SERIES
from clerk_app.ui.supervisor.models import NUMBER_ROLE, rows_model
from clerk_app.ui.taskman import TaskManager
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 11, 26, 17, 0)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("supervisor_station")
    services = open_services(Config(data_dir=folder), log_to_file=False)
    services.ctx.clock = lambda: NOW
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", TEST_PASSWORD)
    services.accounts.create(admin, "liuzr", "刘主任", TEST_PASSWORD, Role.SUPERVISOR, "")
    services.accounts.create(admin, "cunwang", "村王", TEST_PASSWORD, Role.AGENT, "")
    generate_demo(services, 70, 14, seed=11)
    services.close()
    return folder


@pytest.fixture
def station(tmp_path: Path, template: Path) -> Iterator[Services]:
    for part in template.glob("clerk.sqlite*"):
        shutil.copy2(part, tmp_path / part.name)
    services = open_services(Config(data_dir=tmp_path, idle_lock_minutes=10), log_to_file=False)
    services.ctx.clock = lambda: NOW
    yield services
    services.close()


def actor(services: Services, username: str) -> Actor:
    with services.ctx.db.reading() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(user.id, user.username, user.display_name, user.role, user.window)


@pytest.fixture
def taskman(qtbot: QtBot) -> Iterator[TaskManager]:
    manager = TaskManager(ErrorReporter(lambda: None))
    yield manager
    manager.shutdown()


def idle(qtbot: QtBot, taskman: TaskManager) -> None:
    qtbot.waitUntil(taskman.idle, timeout=20_000)


def make_screen(qtbot: QtBot, services: Services, taskman: TaskManager,
                username: str = "liuzr") -> SupervisorScreen:
    reports = ReportService(services.ctx, services.calendar.calendar)
    screen = SupervisorScreen(reports, FiguresService(reports), actor(services, username),
                              taskman, TODAY)
    qtbot.addWidget(screen)
    screen.resize(1366, 740)
    screen.show()
    idle(qtbot, taskman)
    return screen


def test_figures_lists_chart_and_models(qtbot: QtBot, station: Services, taskman: TaskManager,
                                        qtmodeltester: ModelTester) -> None:
    screen = make_screen(qtbot, station, taskman)
    assert screen.choices[0].label == "本站全部窗口"
    screen.default_range(TODAY, 14)
    screen.refresh()
    idle(qtbot, taskman)
    figures = screen.figures
    assert figures is not None and figures.total == 70
    assert screen.values["total"].text() == "70"
    assert screen.values["one_visit"].text() == figures.one_visit.text()
    assert "收件的办件" in screen.footnote.text()
    for model in (*screen.count_models.values(), screen.overdue_model, screen.due_soon_model):
        qtmodeltester.check(model)
    by_matter = screen.count_models["matter"]
    assert sum(int(by_matter.index(r, 1).data()) for r in range(by_matter.rowCount())) == 70
    assert len(screen.chart.series) == len(SERIES)
    assert screen.chart.series["received"].count() == 14
    assert sum(p.y() for p in screen.chart.series["received"].points()) == 70


def test_an_overdue_row_opens_its_application(qtbot: QtBot, station: Services,
                                              taskman: TaskManager) -> None:
    with station.ctx.db.transaction() as session:
        app = session.scalars(select(Application).where(
            Application.status.in_(("accepted", "in_review")))).first()
        assert app is not None
        app.due_date = TODAY - timedelta(days=3)  # 红灯
        number = app.number
    screen = make_screen(qtbot, station, taskman)
    screen.default_range(TODAY, 14)
    screen.refresh()
    idle(qtbot, taskman)
    model = screen.overdue_model
    rows = [model.index(r, 0).data(NUMBER_ROLE) for r in range(model.rowCount())]
    assert number in rows
    with qtbot.waitSignal(screen.open_application, timeout=2000) as opened:
        screen.overdue_table.activated.emit(model.index(rows.index(number), 1))
    assert opened.args == [number]


def test_log_preview_save_and_excel(qtbot: QtBot, station: Services, taskman: TaskManager,
                                    tmp_path: Path) -> None:
    screen = make_screen(qtbot, station, taskman)
    screen.default_range(TODAY, 14)
    screen.build_log()
    idle(qtbot, taskman)
    preview = screen.preview
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() >= 3 and preview.print_button.isEnabled()
    assert screen.tabs.currentWidget() is preview
    assert screen.log is not None and screen.log.totals.count == 70
    chosen = {".pdf": tmp_path / "log.pdf", ".xlsx": tmp_path / "log.xlsx"}
    preview.choose_path = lambda name, _filter: str(chosen[Path(name).suffix])
    preview.save_button.click()
    idle(qtbot, taskman)
    assert chosen[".pdf"].read_bytes() == preview.pdf
    preview.excel_button.click()
    idle(qtbot, taskman)
    assert load_workbook(chosen[".xlsx"])["台账"].max_row == 71
    assert "已导出 70 件" in screen.message.text()


def test_a_clerk_sees_only_own_scopes_and_an_agent_none(
        qtbot: QtBot, station: Services, taskman: TaskManager) -> None:
    screen = make_screen(qtbot, station, taskman, "lihua")
    assert [c.scope for c in screen.choices] == [LogScope.window("民生事务"),
                                                  LogScope.clerk("lihua")]
    idle(qtbot, taskman)
    assert screen.figures is not None and screen.figures.scope_label == "民生事务窗口"
    agent_screen = make_screen(qtbot, station, taskman, "cunwang")
    assert agent_screen.choices == [] and not agent_screen.log_button.isEnabled()
    assert "无权" in agent_screen.message.text()


def test_accounts_dialog_create_disable_reset(qtbot: QtBot, station: Services,
                                              taskman: TaskManager,
                                              qtmodeltester: ModelTester) -> None:
    dialog = AccountsDialog(station.accounts, actor(station, "admin"), taskman,
                            ["社会保障", "民生事务"])
    qtbot.addWidget(dialog)
    dialog.show()
    idle(qtbot, taskman)
    qtmodeltester.check(dialog.model)
    dialog.new_username.setText("wangfang")
    dialog.new_name.setText("王芳")
    dialog.new_role.setCurrentIndex(dialog.new_role.findData("clerk"))
    dialog.new_window.setCurrentText("社会保障")
    dialog.new_password.setText("start2026a")
    dialog.new_password_again.setText("start2026b")
    dialog.create_button.click()
    assert "不一致" in dialog.message.text()
    dialog.new_password_again.setText("start2026a")
    dialog.create_button.click()
    idle(qtbot, taskman)
    names = [dialog.model.item(r).username for r in range(dialog.model.rowCount())]
    assert "wangfang" in names and "已新建" in dialog.message.text()
    created = station.accounts.sign_in("wangfang", "start2026a")
    assert (created.role, created.window) == ("clerk", "社会保障")
    dialog.table.selectRow(names.index("wangfang"))
    dialog.toggle_button.click()
    idle(qtbot, taskman)
    assert dialog.model.item(names.index("wangfang")).active is False
    dialog.table.selectRow(names.index("wangfang"))
    dialog.reset_password.setText("short")
    dialog.reset_button.click()
    idle(qtbot, taskman)
    assert "密码至少" in dialog.message.text()


def test_accounts_dialog_for_a_supervisor_shows_the_refusal(
        qtbot: QtBot, station: Services, taskman: TaskManager) -> None:
    dialog = AccountsDialog(station.accounts, actor(station, "liuzr"), taskman, [])
    qtbot.addWidget(dialog)
    idle(qtbot, taskman)
    assert "无权" in dialog.message.text() and dialog.model.rowCount() == 0


def test_ab_handover_dialog(qtbot: QtBot, station: Services, taskman: TaskManager,
                            qtmodeltester: ModelTester) -> None:
    dialog = HandoverDialog(ReassignService(station.ctx), actor(station, "liuzr"), taskman)
    qtbot.addWidget(dialog)
    dialog.show()
    idle(qtbot, taskman)
    dialog.source.setCurrentIndex(dialog.source.findData("lihua"))
    dialog.target.setCurrentIndex(dialog.target.findData("zhaomin"))
    idle(qtbot, taskman)
    qtmodeltester.check(dialog.model)
    moving = dialog.model.rowCount()
    assert moving > 0
    assert not dialog.hand_over_button.isEnabled()  # nothing selected: nothing to hand over
    dialog.hand_over()
    assert "请先在列表中选择" in dialog.message.text()
    asked: list[str] = []
    dialog.ask = lambda text: asked.append(text) or False  # the supervisor says no
    dialog.table.selectAll()
    assert dialog.hand_over_button.isEnabled()
    assert dialog.hand_over_button.text() == f"移交 {moving} 件(&H)"
    dialog.hand_over_button.click()
    idle(qtbot, taskman)
    assert asked and f"将 {moving} 件办件" in asked[0]
    assert dialog.model.rowCount() == moving  # declined: nothing moved
    dialog.ask = lambda text: True
    dialog.hand_over_button.click()
    idle(qtbot, taskman)
    assert "移交原因" in dialog.message.text()
    dialog.reason.setText("A岗李华休假")
    dialog.hand_over_button.click()
    idle(qtbot, taskman)
    assert f"已将 {moving} 件移交给" in dialog.message.text()
    assert dialog.model.rowCount() == 0


def test_idle_lock_covers_the_window_and_asks_for_the_password(
        qtbot: QtBot, station: Services, taskman: TaskManager) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 500)
    window.show()
    clerk = actor(station, "lihua")
    lock = IdleLock(window, station.accounts, clerk, taskman, 0.002).install()
    try:
        with qtbot.waitSignal(lock.locked, timeout=3000):
            pass
        assert lock.is_locked and lock.cover is not None and lock.cover.isVisible()
        assert lock.cover.geometry() == window.rect()
        dialog = lock.dialog
        assert dialog is not None and dialog.isVisible()
        dialog.reject()  # Esc does not unlock
        assert lock.is_locked
        dialog.password.setText("not-the-password1")
        dialog.buttons.accepted.emit()
        idle(qtbot, taskman)
        assert lock.is_locked and "密码不正确" in dialog.message.text()
        dialog.password.setText(DEMO_PASSWORD)
        with qtbot.waitSignal(lock.unlocked, timeout=5000):
            dialog.buttons.accepted.emit()
        assert not lock.is_locked and lock.timer.isActive()
        # input restarts the countdown; with the lock off nothing fires
        lock.set_minutes(0.05)
        qtbot.mouseMove(window)
        assert lock.timer.remainingTime() > 2000
        lock.set_minutes(0)
        assert not lock.timer.isActive()
    finally:
        lock.uninstall()


def test_rows_model_with_qtmodeltester(qtmodeltester: ModelTester, station: Services) -> None:
    reports = ReportService(station.ctx, station.calendar.calendar)
    model = rows_model()
    rows = reports.rows(SYSTEM_ACTOR, LogQuery(TODAY - timedelta(days=13), TODAY,
                                                  LogScope.station()))
    model.set_items(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 70 and model.index(0, 0).data(NUMBER_ROLE) == rows[0].number
    assert model.index(0, 5).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignCenter)
    assert isinstance(date.fromisoformat(model.index(0, 4).data() or "2026-01-01"), date)
