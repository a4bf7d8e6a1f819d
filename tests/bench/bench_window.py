"""The counter never waits: key press to a painted screen, through the real main window.

Drives the real `MainWindow` and `SupervisorScreen` offscreen over a demo centre (300 cases a
day for 10 days by default, made through the real intake writes) and times, 30 times each:

- confirm (Ctrl+Enter on a filled 低保 intake) -> the notice preview shown with its page;
- open a case (Ctrl+L, the number, Enter) -> the case view shown with its content;
- supervisor figures over the 10 days -> the figures painted;
- the daily-log preview of one busy day -> the preview painted.

"Painted" is the last paint event of the screen once its content is there and nothing has
painted for 150 ms (what an outside observer calls visually complete), minus that quiet time.
Baseline in the same run: a plain QDialog with a label, shown on a key press and painted.
Prints p50/p95 per row, the load average and versions. No timing is asserted.

Run: python -m pytest tests/bench/bench_window.py -s -p no:cacheprovider
     (CLERK_BENCH_PER_DAY=300, CLERK_BENCH_DAYS=10, CLERK_BENCH_REPS=30 to change the size)
Profile a row: py-spy record -o window.svg -- python -m pytest tests/bench/bench_window.py -s
"""

from __future__ import annotations

import os
import platform
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import PySide6
import pytest
import sqlalchemy
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.demo import generate_demo
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.services.station.station_access import unlock
from clerk_app.services.supervision.figures import FiguresService
from clerk_app.services.supervision.reports import ReportService
from clerk_app.store.cipher import DataKey
from clerk_app.store.models import Application
from clerk_app.ui.errors import ErrorReporter
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.supervisor.screen import SupervisorScreen
from clerk_app.ui.taskman import TaskManager
from tests.bench.stats import percentile
from tests.conftest import TEST_PASSWORD, station_key
from tests.soak.test_day_at_counter import fill_person
from tests.ui.conftest import close_notice, focused, idle, press, type_text
from tests.ui.test_intake_window import checklist_keys, choose_dibao

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
PER_DAY = int(os.environ.get("CLERK_BENCH_PER_DAY", "300"))
DAYS = int(os.environ.get("CLERK_BENCH_DAYS", "10"))
REPS = int(os.environ.get("CLERK_BENCH_REPS", "30"))
NOW = datetime(2026, 11, 26, 17, 0)
QUIET_S = 0.15
EXISTING = os.environ.get("CLERK_BENCH_CENTRE", "")
PASSWORD = os.environ.get("CLERK_BENCH_PASSWORD", TEST_PASSWORD)


class PaintClock(QObject):
    """Remembers when any widget inside a watched top-level window last painted."""

    def __init__(self) -> None:
        super().__init__()
        self.last_paint = 0.0
        self.watched: QWidget | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.Type.Paint and self.watched is not None
                and isinstance(obj, QWidget) and obj.window() is self.watched):
            self.last_paint = time.perf_counter()
        return False

    def painted_after(self, ready: Callable[[], QWidget | None], timeout: float = 20.0) -> float:
        """Process events until `ready()` gives the window, then until it has not painted for
        QUIET_S; the time of its last paint."""
        deadline = time.perf_counter() + timeout
        while (window := ready()) is None:
            QApplication.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the screen never became ready")
            time.sleep(0.001)
        self.watched = window
        self.last_paint = 0.0
        window.update()
        while time.perf_counter() < deadline:
            QApplication.processEvents()
            if self.last_paint and time.perf_counter() - self.last_paint > QUIET_S:
                break
            time.sleep(0.002)
        self.watched = None
        return self.last_paint


def open_station(folder: Path, key: DataKey) -> Services:
    """The station's services on its encrypted database, as the window opens them."""
    return open_services(Config(data_dir=folder), key=key, log_to_file=False)


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DataKey]:
    """A demo centre: PER_DAY cases a day over DAYS days, through the real intake writes (or
    the one in CLERK_BENCH_CENTRE, made by `setup` + `demo` with accounts zhangli and liuzr
    whose password is CLERK_BENCH_PASSWORD)."""
    if EXISTING:
        return Path(EXISTING), unlock(Config(data_dir=Path(EXISTING)), "zhangli", PASSWORD)
    folder = tmp_path_factory.mktemp("bench_centre")
    key = station_key(folder)
    services = open_station(folder, key)
    services.ctx.clock = lambda: NOW
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001",
        address="青石镇人民路18号", phone="028-84561234"), first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", PASSWORD)
    services.accounts.create(admin, "zhangli", "张丽", PASSWORD, Role.CLERK, "民生事务")
    services.accounts.create(admin, "liuzr", "刘主任", PASSWORD, Role.SUPERVISOR, "")
    began = time.perf_counter()
    generate_demo(services, PER_DAY * DAYS, DAYS, seed=16)
    print(f"\ndemo centre: {PER_DAY * DAYS} cases over {DAYS} days made in "
          f"{time.perf_counter() - began:.0f} s")
    services.close()
    return folder, key


@pytest.fixture
def station(tmp_path: Path, centre: tuple[Path, DataKey]) -> Iterator[Services]:
    folder, key = centre
    for part in folder.iterdir():
        if part.is_file():
            shutil.copy2(part, tmp_path / part.name)
    services = open_station(tmp_path, key)
    with services.ctx.db.reading() as session:  # the demo's last day is "today"
        last = session.scalar(select(func.max(Application.received_on)))
    today = datetime.combine(last, NOW.time()) if last else NOW
    services.ctx.clock = lambda: today
    yield services
    services.close()


def actor(services: Services, username: str) -> Actor:
    return services.accounts.sign_in(username, PASSWORD)


def summary(label: str, values: list[float], baseline: list[float]) -> str:
    p50, p95 = percentile(values, 50) * 1e3, percentile(values, 95) * 1e3
    b50 = percentile(baseline, 50) * 1e3
    return (f"{label:44}{p50:9.0f} ms{p95:9.0f} ms   {p50 / b50:6.1f}x the bare dialog "
            f"(n={len(values)})")


def bare_dialog_times(qtbot: QtBot, clock: PaintClock) -> list[float]:
    """Baseline: a key press shows a plain dialog with a label; until it is painted."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(400, 300)
    host.show()
    qtbot.waitExposed(host)
    times = []
    for _ in range(REPS):
        shown: list[QDialog] = []

        def show_dialog(shown: list[QDialog] = shown) -> None:
            dialog = QDialog(host)
            QVBoxLayout(dialog).addWidget(QLabel("办件编号 5101040012026112600001X"))
            dialog.resize(900, 600)
            dialog.show()
            shown.append(dialog)

        t0 = time.perf_counter()
        show_dialog()
        end = clock.painted_after(lambda shown=shown: shown[0] if shown else None)
        times.append(end - t0)
        shown[0].close()
        shown[0].deleteLater()
    return times


def test_window_latencies(qtbot: QtBot, station: Services) -> None:
    clock = PaintClock()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(clock)
    baseline = bare_dialog_times(qtbot, clock)

    clerk = actor(station, "zhangli")
    taskman = TaskManager(ErrorReporter(lambda: None))
    window = MainWindow(station, clerk, taskman=taskman, reporter=taskman.reporter)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    idle(qtbot, window)

    confirm_times = []
    flow = window.notice_flow
    people = FakePeople(seed=16)
    for _ in range(REPS):
        choose_dibao(qtbot, window)
        fill_person(qtbot, window, people.person())
        checklist_keys(qtbot, window, "11111")
        idle(qtbot, window)
        t0 = time.perf_counter()
        qtbot.keyClick(focused(), K.Key_Return, CTRL)

        def preview_ready() -> QWidget | None:
            dialog = flow.preview_dialog
            return dialog if dialog is not None and dialog.isVisible() \
                and dialog.document.pageCount() > 0 else None

        end = clock.painted_after(preview_ready)
        confirm_times.append(end - t0)
        close_notice(qtbot, window)

    with station.ctx.db.reading() as session:
        numbers = session.scalars(select(Application.number).order_by(
            Application.id.desc()).limit(REPS * 3)).all()[REPS::2][:REPS]
    open_times = []
    for number in numbers:
        press(qtbot, K.Key_L, CTRL)
        type_text(qtbot, number)
        t0 = time.perf_counter()
        qtbot.keyClick(focused(), K.Key_Return)

        def view_ready() -> QWidget | None:
            view = window.applications.dialog
            return view if view is not None and view.isVisible() \
                and view.details is not None else None

        end = clock.painted_after(view_ready)
        open_times.append(end - t0)
        qtbot.keyClick(focused(), K.Key_Escape)
        qtbot.waitUntil(lambda: window.applications.dialog is None)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.close()

    reports = ReportService(station.ctx, station.calendar.calendar)
    today = station.ctx.today()
    screen = SupervisorScreen(reports, FiguresService(reports), actor(station, "liuzr"),
                              taskman, today)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(taskman.idle, timeout=20_000)
    figures_times, log_times = [], []
    for _ in range(REPS):
        screen.default_range(today, DAYS)
        screen.figures = None
        t0 = time.perf_counter()
        screen.refresh()
        end = clock.painted_after(lambda: screen if screen.figures is not None
                                  and taskman.idle() else None)
        figures_times.append(end - t0)
    busiest = today - timedelta(days=1)
    for _ in range(REPS):
        screen.set_range(busiest, busiest)
        screen.log = None
        t0 = time.perf_counter()
        screen.build_log()
        end = clock.painted_after(lambda: screen if screen.log is not None
                                  and screen.preview.document.pageCount() > 0
                                  and taskman.idle() else None)
        log_times.append(end - t0)
    log_cases = screen.log.totals.count if screen.log is not None else 0
    figures_cases = screen.figures.total if screen.figures is not None else 0
    taskman.shutdown()

    print(f"\nwindow latencies, {PER_DAY}/day x {DAYS} days, {REPS} reps, offscreen 1366x768;"
          f" load {os.getloadavg()[0]:.2f}; python {platform.python_version()}, "
          f"PySide6 {PySide6.__version__}, SQLAlchemy {sqlalchemy.__version__}")
    print(f"{'':44}{'p50':>12}{'p95':>12}")
    print(summary("bare dialog shown + painted (baseline)", baseline, baseline))
    print(summary("confirm -> notice preview painted (<=200)", confirm_times, baseline))
    print(summary("Ctrl+L + Enter -> case view painted (<=100)", open_times, baseline))
    print(summary(f"supervisor figures, {DAYS} days (<=500)", figures_times, baseline))
    print(summary(f"daily-log preview, {log_cases} cases (<=1000)", log_times, baseline))
    print(f"figures over {figures_cases} cases")
