"""Notices of real applications: the right notice per outcome, serials, audited (re)prints."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.intake.notices import NoticeError
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied, Role
from clerk_app.store.models import AuditEntry, Decision
from tests.conftest import TEST_PASSWORD
from tests.factories import catalogue_doc, matter_doc

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")

CODE = "510104-MZ-0001"
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")
ROOT = Path(__file__).resolve().parents[2]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return "".join(text.split())  # table cells wrap: compare without white space


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    services.ctx.clock = lambda: datetime(2026, 11, 26, 10, 0)
    return services


def entries(**states: MaterialEntry) -> dict[str, MaterialEntry]:
    base = {"application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
            "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
            "income": MaterialEntry(MaterialState.RECEIVED, "原件", 1)}
    base.update(states)
    return base


def confirm(svc: Services, clerk: Actor, **changes: object) -> str:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT, materials=entries())
    form = replace(form, **changes)  # type: ignore[arg-type]
    return svc.intake.confirm(clerk, draft_id, form).application_number


def test_acceptance_notice_has_the_promised_date_and_number(svc: Services, clerk: Actor,
                                                            tmp_path: Path) -> None:
    number = confirm(svc, clerk)
    rendered = svc.notices.render(clerk, number)
    assert rendered.kind is NoticeKind.ACCEPTANCE and rendered.unprintable == ()
    text = pdf_text(rendered.pdf, tmp_path)
    assert "受理通知书" in text and number in text and "最低生活保障申请" in text
    assert "二〇二六年十二月二十四日" in text  # 20 working days after 11-26
    assert "张秀英" in text and "青石镇便民服务中心" in text
    assert "110105********002X" in text  # the archive copy masks the ID number


def test_correction_notice_lists_every_problem(svc: Services, clerk: Actor,
                                               tmp_path: Path) -> None:
    number = confirm(svc, clerk, materials=entries(
        income=MaterialEntry(MaterialState.MISSING),
        id_card=MaterialEntry(MaterialState.DEFECTIVE, note="复印件模糊")))
    rendered = svc.notices.render(clerk, number)
    assert rendered.kind is NoticeKind.CORRECTION
    text = pdf_text(rendered.pdf, tmp_path)
    assert "一次性补正告知书" in text
    assert "家庭收入及财产状况声明" in text and "复印件模糊" in text


def test_refusal_notice_has_reason_basis_body_and_remedies(svc: Services, clerk: Actor,
                                                           tmp_path: Path) -> None:
    number = confirm(svc, clerk, refusal=Refusal(
        RefusalGround.NOT_OUR_MATTER, "申请事项不属于本中心受理范围",
        "《中华人民共和国行政许可法》第三十二条", "某县民政局"))
    text = pdf_text(svc.notices.render(clerk, number).pdf, tmp_path)
    assert "不予受理通知书" in text and "某县民政局" in text
    assert "行政复议" in text and "行政诉讼" in text


def test_deferred_notice_carries_the_promised_date(svc: Services, clerk: Actor,
                                                   tmp_path: Path) -> None:
    number = confirm(svc, clerk, materials=entries(
        income=MaterialEntry(MaterialState.DEFERRED, promised_date=date(2026, 12, 3))))
    rendered = svc.notices.render(clerk, number)
    assert rendered.kind is NoticeKind.DEFERRED_ACCEPTANCE
    text = pdf_text(rendered.pdf, tmp_path)
    assert "容缺承诺书" in text and "2026年12月3日" in text


def test_serial_is_fixed_per_decision_and_reprints_are_marked_and_audited(
        svc: Services, clerk: Actor, tmp_path: Path) -> None:
    first = confirm(svc, clerk)
    second = confirm(svc, clerk)
    svc.notices.render(clerk, first)
    svc.notices.render(clerk, second)
    reprint = svc.notices.render(clerk, first, reprint=True)
    text = pdf_text(reprint.pdf, tmp_path)
    assert "补" in text and "补打时间" in text
    with svc.ctx.db.reading() as session:
        serials = [d.notice_serial for d in session.scalars(select(Decision).order_by(Decision.id))]
        assert serials == ["青便受〔2026〕0001号", "青便受〔2026〕0002号"]
        actions = [a.action for a in session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == first, AuditEntry.action.like("notice_%")))]
        assert actions == ["notice_printed", "notice_reprinted"]
    assert "青便受〔2026〕0001号" in text


def test_reprint_needs_permission_and_unknown_numbers_are_explained(
        svc: Services, admin: Actor) -> None:
    agent = svc.accounts.create(admin, "cunwang", "王代办", "village2026", Role.AGENT, "")
    # an agent decides only matters delegated to village points (issue 11)
    svc.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE, version=2,
                                                                  village_decides=True)))
    number = confirm(svc, agent)
    svc.notices.render(agent, number, reprint=True)  # agents may reprint their own notices
    with pytest.raises(NoticeError):
        svc.notices.render(agent, "51010400120261126999990")
    reader = replace(agent, role="nobody")
    with pytest.raises(PermissionDenied):
        svc.notices.render(reader, number, reprint=True)


def test_markup_in_a_name_prints_literally(svc: Services, clerk: Actor, tmp_path: Path) -> None:
    number = confirm(svc, clerk, applicant=replace(APPLICANT, name="<b>张&三</b>"))
    assert "<b>张&三</b>" in pdf_text(svc.notices.render(clerk, number).pdf, tmp_path)


def test_cli_writes_the_notice_as_a_reprint(svc: Services, clerk: Actor, data_dir: Path,
                                            tmp_path: Path) -> None:
    number = confirm(svc, clerk)
    out = tmp_path / "out.pdf"
    env = {**os.environ, "CLERK_PASSWORD": TEST_PASSWORD}  # signs in as --user zhangli
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                           "--user", "zhangli", "notice", number, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert number in pdf_text(out.read_bytes(), tmp_path)
    missing = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir),
                              "notice", "123", "--user", "zhangli", "--out", str(out)],
                             capture_output=True, text=True, cwd=ROOT, env=env)
    assert missing.returncode == 1 and "找不到办件编号" in missing.stderr


def test_form_round_trip_is_lossless() -> None:
    form = IntakeForm(CODE, 1, applicant=APPLICANT, materials=entries(
        income=MaterialEntry(MaterialState.DEFERRED, promised_date=date(2026, 12, 3))),
        refusal=Refusal(RefusalGround.OTHER, "理由", "依据"), clerk_applies=frozenset({"x"}))
    assert IntakeForm.from_dict(form.to_dict()) == form
