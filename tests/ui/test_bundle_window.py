"""新生儿出生一件事 through the real main window and the real reference platform: one intake with
one document missing → one bundle notice with one 一次性告知 list; the applicant returns, the
clerk scans the notice, completes, every member is accepted; a back-office status for one
member arrives by sync; 出件 of the finished member."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store.models import Application, BundleCase, OutboxEvent
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from clerk_app.ui.bundles.intake_dialog import BundleIntakeDialog
from clerk_app.ui.bundles.view_dialog import BundleViewDialog
from clerk_app.ui.main_window import MainWindow
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import register
from tests.ui.conftest import VALID_ID, focused, idle, press, type_text
from tests.ui.test_scan_and_lookup import scan

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "sample_catalogue.json"
RETURN = datetime(2026, 11, 27, 10, 0)
LATER = datetime(2026, 12, 1, 15, 0)


@pytest.fixture
def services(data_dir: Path, station_code: str,
             reference_platform: RunningPlatform) -> Iterator[Services]:
    svc = open_services(Config(data_dir=data_dir, platform_url=reference_platform.url,
                               connect_timeout_s=2.0, read_timeout_s=5.0), log_to_file=False)
    save_settings(svc.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code=station_code[:6],
        station_code=station_code[6:], address="青石镇人民路18号", phone="028-84561234",
        notice_serial_prefix="青便受", qr_base_url="https://zwfw.example.gov.cn/q/"),
        first_setup=True)
    yield svc
    svc.close()


@pytest.fixture
def engine(station: Services, back_office: BackOffice, station_code: str) -> SyncEngine:
    register(station, back_office, station_code)
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    birth = next(b for b in sample["bundles"] if b["name"] == "新生儿出生一件事")
    members = {m["matter"] for m in birth["members"]}
    for matter in sample["matters"]:  # the platform's catalogue has the bundle's members
        if matter["code"] in members:
            back_office.publish_matter(matter)
    return SyncEngine(adapter_factory(station.ctx.config), station.sync_store,
                      lambda: station.ctx.clock().astimezone(), random.Random(7),
                      configured=lambda: bool(station.ctx.config.platform_url))


def sync(engine: SyncEngine) -> int:
    report = engine.run_once(force=True)
    assert report.outcome is Outcome.DONE and report.exit_code == 0, report.state.last_error
    return report.moved


def intake_dialog(qtbot: QtBot, window: MainWindow) -> BundleIntakeDialog:
    qtbot.waitUntil(lambda: isinstance(window.bundles.dialog, BundleIntakeDialog)
                    and window.bundles.dialog.isVisible(), timeout=10_000)
    dialog = window.bundles.dialog
    assert isinstance(dialog, BundleIntakeDialog)
    return dialog


def mark(qtbot: QtBot, dialog: BundleIntakeDialog, missing: set[str]) -> None:
    """Alt+2, then a digit per document: 1 已收取, 6 缺失; shared-from-a-member rows skipped."""
    press(qtbot, K.Key_2, ALT)
    assert focused() is dialog.lines
    assert dialog.assessment is not None
    for row, line in enumerate(dialog.assessment.checklist.lines):
        if line.produced_by:
            continue
        dialog.lines.selectRow(row)
        press(qtbot, K.Key_6 if line.id in missing else K.Key_1)


def bundle_notice_text(qtbot: QtBot, window: MainWindow) -> str:
    def shown() -> bool:
        preview = window.bundles.preview
        return preview is not None and preview.isVisible()

    qtbot.waitUntil(shown, timeout=10_000)
    preview = window.bundles.preview
    assert preview is not None
    text = squeezed(pdf_text(preview.rendered.pdf))
    assert preview.document.pageCount() >= 1
    qtbot.keyClick(preview, K.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    idle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return text


def statuses(services: Services) -> dict[str, str]:
    with services.ctx.db.reading() as session:
        return dict(session.execute(select(Application.matter_name, Application.status)).all())


def test_birth_bundle_through_the_window(
        qtbot: QtBot, window: MainWindow, station: Services, engine: SyncEngine,
        back_office: BackOffice) -> None:
    require_poppler()
    # 1. Search the bundle by its short name and open its one intake.
    press(qtbot, K.Key_F2)
    type_text(qtbot, "出生一件事")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() > 0)
    assert window.search_panel.model.hit(0).name == "新生儿出生一件事"
    press(qtbot, K.Key_Return)
    dialog = intake_dialog(qtbot, window)
    person = dialog.applicant.person
    assert focused() is person.doc_number
    type_text(qtbot, VALID_ID)
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "张秀英")
    press(qtbot, K.Key_Tab)
    type_text(qtbot, "13800138000")
    mark(qtbot, dialog, {"hukou"})  # the 户口簿 is not brought
    assert dialog.assessment is not None and dialog.assessment.can_confirm, \
        dialog.message.text()
    press(qtbot, K.Key_Return, CTRL)
    text = bundle_notice_text(qtbot, window)
    assert "一次性告知" in text and text.count("居民户口簿") == 1
    for name in ("出生医学证明首次签发", "预防接种证办理", "出生登记（新生儿入户）",
                 "城乡居民基本医疗保险参保登记"):
        assert name in text
    with station.ctx.db.reading() as session:
        case = session.scalars(select(BundleCase)).one()
        number, members = case.number, {a.matter_name: a.number for a in case.members}
    assert statuses(station)["出生登记（新生儿入户）"] == "awaiting_correction"
    assert statuses(station)["出生医学证明首次签发"] == "accepted"
    assert sync(engine) == 0
    projected = back_office.application(members["出生医学证明首次签发"])
    assert projected is not None and projected["last_event_type"] == "application.confirmed"

    # 2. The applicant returns with the 户口簿: the clerk scans the notice's barcode.
    station.ctx.clock = lambda: RETURN
    scan(qtbot, number)
    qtbot.waitUntil(lambda: isinstance(window.bundles.dialog, BundleViewDialog), timeout=10_000)
    view = window.bundles.dialog
    assert isinstance(view, BundleViewDialog) and view.details.number == number
    assert view.reopen_button.isEnabled()
    qtbot.keyClick(view, K.Key_F5)
    dialog = intake_dialog(qtbot, window)
    assert dialog.form.bundle_number == number
    assert focused() is dialog.lines and dialog.assessment is not None
    row = next(i for i, line in enumerate(dialog.assessment.checklist.lines)
               if line.id == "hukou")
    dialog.lines.selectRow(row)
    press(qtbot, K.Key_1)
    assert dialog.assessment is not None and dialog.assessment.can_confirm, \
        dialog.message.text()
    press(qtbot, K.Key_Return, CTRL)
    text = bundle_notice_text(qtbot, window)
    assert "一次性告知" not in text
    assert set(statuses(station).values()) == {"accepted"}
    with station.ctx.db.reading() as session:
        assert session.scalars(select(BundleCase.trips)).one() == 2
    sync(engine)

    # 3. The back office finishes 出生医学证明; the status arrives by sync, for that member only.
    station.ctx.clock = lambda: LATER
    back_office.set_status(members["出生医学证明首次签发"], "completed", "已签发", "县卫生健康局")
    assert sync(engine) == 1
    assert statuses(station)["出生医学证明首次签发"] == "completed"
    assert statuses(station)["预防接种证办理"] == "accepted"

    # 4. 出件 of the finished member (the applicant asks to take it now: 先行出件).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    scan(qtbot, members["预防接种证办理"])  # a member's number opens the bundle too
    qtbot.waitUntil(lambda: isinstance(window.bundles.dialog, BundleViewDialog)
                    and window.bundles.dialog.isVisible(), timeout=10_000)
    view = window.bundles.dialog
    assert isinstance(view, BundleViewDialog)
    assert not view.all_button.isEnabled() and view.early_button.isEnabled()
    view.collector_name.setText("张秀英")
    view.collector_doc.setText(VALID_ID)
    view.id_checked.setChecked(True)
    view.early_button.click()
    idle(qtbot, window)
    qtbot.waitUntil(lambda: isinstance(window.bundles.dialog, BundleViewDialog)
                    and window.bundles.dialog is not view, timeout=10_000)
    assert statuses(station)["出生医学证明首次签发"] == "handed_over"
    assert statuses(station)["出生登记（新生儿入户）"] == "accepted"
    with station.ctx.db.reading() as session:
        assert session.scalars(select(BundleCase.trips)).one() == 3
        types = session.scalars(select(OutboxEvent.type)).all()
    assert types.count("bundle.confirmed") == 1 and types.count("bundle.decided") == 1
    sync(engine)
