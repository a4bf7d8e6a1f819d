"""A day at the counter without a leak: the real main window, offscreen, for a whole day's work.

Intakes typed by keyboard (受理, 一次性补正告知 with a note, 不予受理 with reason and basis),
each notice previewed and closed, reopen-by-scan of earlier cases, 出件 of cases the back
office completed with the applicant's rating, list refreshes, and sync rounds against the
reference platform. Every SAMPLE_EVERY cases it records the resident memory (RSS) and the
number of live Qt objects, and prints the curve. After the warm-up the memory may grow less
than 30 MB and the object count stays flat; the station's log has no warning or error.

The full day (1,000 intakes, 200 scans, 100 handovers) runs with CLERK_SOAK_CASES=1000; CI
runs a reduced count (the default) that still crosses several samples after the warm-up.
Run: CLERK_SOAK_CASES=1000 python -m pytest tests/soak -s -m slow -p no:cacheprovider --timeout=5400
(the full day takes about 30 minutes on 2 cores: past the suite's 600 s per-test limit)
"""

from __future__ import annotations

import ctypes
import gc
import os
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople, FakePerson
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from clerk_app.ui.main_window import MainWindow
from clerk_app.ui.results.handover_dialog import HandoverDialog
from tests.conftest import TEST_PASSWORD, station_key
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform, start_platform
from tests.sync_station import register
from tests.ui.conftest import close_notice, focused, idle, press, type_text
from tests.ui.test_intake_window import checklist_keys, choose_dibao
from tests.ui.test_scan_and_lookup import close_view, opened, scan

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads the resident memory from /proc")]

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
CASES = int(os.environ.get("CLERK_SOAK_CASES", "40"))
SAMPLE_EVERY = 100 if CASES >= 500 else 10
WARM_UP = SAMPLE_EVERY  # the first sample is the baseline: caches, fonts, first dialogs
SCAN_EVERY = 5  # 200 reopen-by-scan in 1,000 cases
HANDOVER_EVERY = 10  # 100 handovers in 1,000 cases
SYNC_EVERY = 10
GROWTH_LIMIT_MB = 30.0
TRIM = bool(os.environ.get("CLERK_SOAK_TRIM"))  # diagnostic: RSS after glibc's malloc_trim
TRACE = bool(os.environ.get("CLERK_SOAK_TRACE"))  # print where Python allocations grew
BUNDLED = Path(__file__).resolve().parents[2] / "resources/catalogue/sample_catalogue.json"


def print_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> None:
    """Where Python's allocations grew after the warm-up, by the first frame in clerk_app."""
    stats = after.compare_to(before, "traceback")
    print("\nPython allocations grown since the warm-up (CLERK_SOAK_TRACE):")
    for stat in stats[:12]:
        print(f"{stat.size_diff / 1024:10.1f} KiB {stat.count_diff:7} blocks")
        for frame in list(stat.traceback)[-6:]:  # the innermost frames
            print(f"      {frame.filename.split('site-packages/')[-1]}:{frame.lineno}")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def live_qt_objects() -> int:
    """Top-level widgets and every QObject below them (dialogs not deleted show up here)."""
    tops = QApplication.topLevelWidgets()
    return len(tops) + sum(len(top.findChildren(QObject)) for top in tops)


@pytest.fixture(scope="module")
def reference_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The reference platform serving the station's own (bundled) catalogue, so the sync
    rounds keep 最低生活保障申请 on offer all day."""
    running = start_platform(tmp_path_factory.mktemp("platform"), catalogue=BUNDLED)
    yield running
    running.stop()


@pytest.fixture
def services(data_dir: Path, station_code: str,
             reference_platform: RunningPlatform) -> Iterator[Services]:
    """A station with its log file (checked at the end), pointed at the reference platform."""
    config = Config(data_dir=data_dir, platform_url=reference_platform.url,
                    connect_timeout_s=2.0, read_timeout_s=5.0)
    svc = open_services(config, key=station_key(data_dir), log_to_file=True)
    save_settings(svc.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code=station_code[:6],
        station_code=station_code[6:], address="青石镇人民路18号", phone="028-84561234"),
        first_setup=True)
    yield svc
    svc.close()


@pytest.fixture
def clerk(services: Services) -> Actor:
    admin = services.accounts.create_first_admin("admin", "王管理", TEST_PASSWORD)
    return services.accounts.create(admin, "zhangli", "张丽", TEST_PASSWORD, Role.CLERK,
                                    "民生事务")


def fill_person(qtbot: QtBot, window: MainWindow, person: FakePerson) -> None:
    """The applicant's fields typed one after the other (a returning applicant is prefilled
    from the first one, so each field is focused rather than reached by Tab)."""
    form = window.page.applicant.person
    for field, text in ((form.doc_number, person.resident_id), (form.name, person.name),
                        (form.phone, person.mobile), (form.address, person.address)):
        field.setFocus()
        field.selectAll()
        type_text(qtbot, text)
        press(qtbot, K.Key_Tab)


def intake(qtbot: QtBot, window: MainWindow, kind: int, person: FakePerson) -> str:
    """One 低保 intake by keyboard for `person`: 0 受理, 1 一次性补正告知, 2 不予受理; its
    number."""
    choose_dibao(qtbot, window)
    fill_person(qtbot, window, person)
    decision = window.page.decision
    if kind == 0:
        checklist_keys(qtbot, window, "11111")
    elif kind == 1:
        checklist_keys(qtbot, window, "11617")
        type_text(qtbot, "缺少申请人签字")
        press(qtbot, K.Key_Return)
    else:
        decision.refuse.click()  # Alt+R at the counter
        decision.reason.setFocus()
        type_text(qtbot, "申请人户籍不在本镇")
        decision.basis.setFocus()
        type_text(qtbot, "《社会救助暂行办法》第十一条")
    assessment = window.controller.last_assessment
    assert assessment is not None and (kind == 2 or assessment.can_confirm), \
        decision.blockers.text()
    press(qtbot, K.Key_Return, CTRL)
    idle(qtbot, window)
    assert window.controller.done, decision.blockers.text()
    number = decision.result_number.text().split()[-1]
    close_notice(qtbot, window)
    return number


def hand_over(qtbot: QtBot, window: MainWindow, number: str, person: FakePerson) -> None:
    """出件 to the applicant in person, the 送达回证 closed, the rating given (满意)."""
    scan(qtbot, number)
    opened(qtbot, window, number)
    press(qtbot, K.Key_C, ALT)
    qtbot.waitUntil(lambda: isinstance(window.applications.child, HandoverDialog), timeout=5_000)
    dialog = window.applications.child
    assert isinstance(dialog, HandoverDialog)
    qtbot.waitUntil(lambda: dialog.readiness is not None, timeout=10_000)
    qtbot.waitUntil(lambda: focused() is dialog.doc_number)
    qtbot.keyClicks(focused(), person.resident_id)
    dialog.id_checked.setFocus()
    press(qtbot, K.Key_Space)
    qtbot.waitUntil(lambda: dialog.entitlement.text() == "领取人核验通过", timeout=5_000)
    press(qtbot, K.Key_Return, CTRL)
    flow = window.notice_flow
    qtbot.waitUntil(lambda: flow.preview_dialog is not None and flow.preview_dialog.isVisible(),
                    timeout=10_000)
    preview = flow.preview_dialog
    assert preview is not None
    qtbot.keyClick(focused(), K.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    qtbot.keyClick(dialog, K.Key_Escape)
    qtbot.waitUntil(lambda: flow.rating_dialog is not None and flow.rating_dialog.isVisible(),
                    timeout=10_000)
    rating = flow.rating_dialog
    assert rating is not None
    qtbot.keyClick(rating, K.Key_4)
    qtbot.keyClick(rating, K.Key_Return)
    qtbot.waitUntil(lambda: rating.finished_with is not None, timeout=10_000)
    rating.close()
    idle(qtbot, window)
    view = window.applications.dialog
    if view is not None:  # the case view the 出件 was started from
        qtbot.keyClick(view, K.Key_Escape)
        qtbot.waitUntil(lambda: window.applications.dialog is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_a_day_at_the_counter_without_a_leak(
        qtbot: QtBot, services: Services, clerk: Actor, back_office: BackOffice,
        station_code: str, data_dir: Path) -> None:
    register(services, back_office, station_code)
    engine = SyncEngine(adapter_factory(services.ctx.config), services.sync_store,
                        lambda: services.ctx.clock().astimezone(), random.Random(7),
                        configured=lambda: bool(services.ctx.config.platform_url))
    window = MainWindow(services, clerk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.scan_catcher.gap = 0.25  # a loaded machine may pause between synthetic keys
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    idle(qtbot, window)

    people = FakePeople(seed=16)
    accepted: list[tuple[str, FakePerson]] = []
    numbers: list[str] = []
    curve: list[tuple[int, float, int]] = []
    handovers = scans = 0
    traced: tracemalloc.Snapshot | None = None
    for case in range(1, CASES + 1):
        person = people.person()
        number = intake(qtbot, window, case % 3, person)
        numbers.append(number)
        if case % 3 == 0:
            accepted.append((number, person))
        if case % SCAN_EVERY == 0:
            earlier = numbers[random.Random(case).randrange(len(numbers))]
            scan(qtbot, earlier)
            opened(qtbot, window, earlier)
            close_view(qtbot, window)
            scans += 1
        if case % SYNC_EVERY == 0:
            report = engine.run_once(force=True)
            assert report.outcome is Outcome.DONE, report.state.last_error
            window.refresh_today()
            idle(qtbot, window)
        if case % HANDOVER_EVERY == 0 and accepted:
            ready, applicant = accepted.pop(0)
            back_office.set_status(ready, "completed", "审批通过", "县民政局")
            assert engine.run_once(force=True).outcome is Outcome.DONE
            hand_over(qtbot, window, ready, applicant)
            handovers += 1
        if case % SAMPLE_EVERY == 0:
            gc.collect()
            QApplication.processEvents()
            curve.append((case, rss_mb(), live_qt_objects()))
            if TRIM:
                ctypes.CDLL("libc.so.6").malloc_trim(0)
                print(f"case {case}: RSS {curve[-1][1]:.1f} MB, after malloc_trim {rss_mb():.1f} MB")
            if TRACE and case == WARM_UP:
                tracemalloc.start(25)
                traced = tracemalloc.take_snapshot()
    if TRACE and traced is not None:
        print_growth(traced, tracemalloc.take_snapshot())

    print(f"\nsoak: {CASES} intakes, {scans} reopen-by-scan, {handovers} handovers with "
          f"ratings, {CASES // SYNC_EVERY} sync rounds")
    print(f"{'cases':>7}{'RSS MB':>10}{'Qt objects':>12}")
    for case, rss, objects in curve:
        print(f"{case:7}{rss:10.1f}{objects:12}")
    base_case, base_rss, base_objects = next(p for p in curve if p[0] >= WARM_UP)
    growth = max(rss for _, rss, _ in curve) - base_rss
    print(f"growth after case {base_case}: {growth:.1f} MB (limit {GROWTH_LIMIT_MB} MB); "
          f"Qt objects {base_objects} -> {curve[-1][2]}")
    assert len(curve) >= 3
    assert growth < GROWTH_LIMIT_MB
    assert curve[-1][2] <= base_objects + 5, "Qt objects pile up: a dialog or model is kept"
    problems = [line for line in (data_dir / "logs" / "clerk.log").read_text(
        encoding="utf-8").splitlines() if " WARNING " in line or " ERROR " in line]
    assert problems == []
