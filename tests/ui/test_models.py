"""Every item model of the UI passes pytest-qt's model tester, loaded with real data."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester

from clerk_app.app import Services
from clerk_app.domain.checklist import ApplicantType, ChecklistContext, MaterialEntry, MaterialState
from clerk_app.services.intake.lookup import ApplicationRow
from clerk_app.ui.intake.checklist_model import ChecklistModel, Column, allowed_states
from clerk_app.ui.intake.matter_search import CODE_ROLE, MatterResultsModel
from clerk_app.ui.lists.today_list import TodayModel


def dibao(services: Services):  # type: ignore[no-untyped-def]
    hit = services.matters.search("dibao")[0]
    return services.catalogue.matter(hit.code)


def test_checklist_model(qtmodeltester: ModelTester, station: Services) -> None:
    model = ChecklistModel(lambda: date(2026, 11, 26))
    matter = dibao(station)
    model.load(matter, {"hukou": MaterialEntry(MaterialState.DEFERRED, promised_date=None)},
               ChecklistContext(ApplicantType.NATURAL_PERSON, True, frozenset()))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(matter.materials)
    # Edits through the model interface (as the delegates do).
    hukou = model.row_of("hukou")
    assert model.setData(model.index(hukou, Column.PROMISED), QDate(2026, 12, 3))
    assert model.entry(hukou).promised_date == date(2026, 12, 3)
    assert model.setData(model.index(0, Column.STATE), MaterialState.RECEIVED.value)
    assert model.entry(0).copies_received == matter.materials[0].copies
    assert model.setData(model.index(0, Column.COPIES), 0)
    assert not model.setData(model.index(0, Column.COPIES), 500)
    assert not model.setData(model.index(0, Column.STATE), MaterialState.DEFERRED.value)
    assert MaterialState.DEFERRED not in allowed_states(matter.materials[0])
    disability = model.row_of("disability_cert")
    assert model.setData(model.index(disability, Column.REQUIREMENT),
                         Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.applicable(disability)
    model.set_editable(False)
    assert not model.flags(model.index(0, Column.STATE)) & Qt.ItemFlag.ItemIsEditable
    qtmodeltester.check(model, force_py=True)


def test_matter_results_model(qtmodeltester: ModelTester, station: Services) -> None:
    model = MatterResultsModel()
    qtmodeltester.check(model, force_py=True)
    hits = station.matters.search("shengyu") + station.matters.search("liudong")
    assert any(not h.active for h in hits)
    model.set_hits(hits)
    qtmodeltester.check(model, force_py=True)
    withdrawn = next(row for row in range(model.rowCount()) if not model.hit(row).active)
    index = model.index(withdrawn)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsSelectable
    assert "已停用" in index.data()
    assert index.data(CODE_ROLE) == model.hit(withdrawn).code


def test_today_model(qtmodeltester: ModelTester) -> None:
    model = TodayModel()
    qtmodeltester.check(model, force_py=True)
    row = ApplicationRow(
        number="51010400120261126000017", matter_name="最低生活保障申请",
        applicant_name="<b>欧阳</b>娜娜", applicant_doc="110105********002X",
        applicant_phone="138****5678", outcome="accepted", outcome_label="受理",
        status="accepted", status_label="已受理", received_on=date(2026, 11, 26),
        due_date=date(2026, 12, 24), due_provisional=True, visits=1, clerk="张丽",
        window="民生事务")
    model.set_rows([row, row])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 2).data() == "<*********娜"  # masked, never the whole name
    assert model.index(0, 5).data() == "2026-12-24（暂定）"
