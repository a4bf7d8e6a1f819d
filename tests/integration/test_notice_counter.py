"""Notices of real applications, as issue 10 found them wrong: the applicant block of an
organisation, the 容缺 table's 要求, remedies and legal basis from the catalogue, and one serial
series per kind of document."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from clerk_app.app import Services
from clerk_app.documents.notice_data import Handover, NoticeKind
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.masking import mask_id_number
from clerk_app.domain.remedy import LICENCE_REFUSAL_BASIS, refusal_basis
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.intake.serials import serial_prefix
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.settings import load_settings, save_settings
from tests.factories import catalogue_doc, matter_doc

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")

CODE = "510104-MZ-0001"
SERVICE_CODE = "510104-RS-0002"
REMEDY = {"review_body": "青石县人民政府", "court": "青石县人民法院"}
PEOPLE = FakePeople(seed=10)
PERSON = PEOPLE.person()
CONTACT = PEOPLE.person()
COMPANY = PEOPLE.company()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return "".join(text.split())


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(
        matter_doc(code=CODE, remedy=REMEDY),
        matter_doc(code=SERVICE_CODE, name="社会保障卡申领", kind="公共服务",
                   deciding_body="青石县人力资源和社会保障局",
                   legal_basis=["《中华人民共和国社会保险法》第五十八条：用人单位应当……"],
                   remedy={**REMEDY, "recheck_body": "青石县人力资源和社会保障局"})))
    services.ctx.clock = lambda: datetime(2026, 11, 26, 10, 0)
    return services


def entries(**states: MaterialEntry) -> dict[str, MaterialEntry]:
    base = {"application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
            "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
            "income": MaterialEntry(MaterialState.RECEIVED, "原件", 1)}
    base.update(states)
    return base


def confirm(svc: Services, clerk: Actor, code: str = CODE, **changes: object) -> str:
    draft_id, form = svc.intake.start(clerk, code)
    form = replace(form, applicant=PersonInput(PERSON.name, "resident_id", PERSON.resident_id,
                                               PERSON.mobile, PERSON.address),
                   materials=entries())
    form = replace(form, **changes)  # type: ignore[arg-type]
    return svc.intake.confirm(clerk, draft_id, form).application_number


def test_an_organisations_notice_names_the_unit_its_representative_and_the_contact(
        svc: Services, clerk: Actor, tmp_path: Path) -> None:
    number = confirm(
        svc, clerk, applicant_type=ApplicantType.LEGAL_PERSON,
        applicant=PersonInput(COMPANY.name, "uscc", COMPANY.uscc, COMPANY.phone, COMPANY.address,
                              COMPANY.legal_representative),
        contact=PersonInput(CONTACT.name, "resident_id", CONTACT.resident_id, CONTACT.mobile),
        materials=entries(income=MaterialEntry(MaterialState.DEFERRED,
                                               promised_date=date(2026, 12, 3))))
    rendered = svc.notices.render(clerk, number)
    assert rendered.kind is NoticeKind.DEFERRED_ACCEPTANCE
    text = pdf_text(rendered.pdf, tmp_path)
    assert f"申请单位{COMPANY.name}（统一社会信用代码：{COMPANY.uscc}）" in text
    assert f"法定代表人{COMPANY.legal_representative}单位电话{COMPANY.phone}" in text
    # the archive copy masks the contact's ID, in the contact's own row
    assert f"经办人{CONTACT.name}居民身份证：{mask_id_number(CONTACT.resident_id)}" in text
    assert f"申请人{CONTACT.name}" not in text
    # the 容缺 table's 要求 column says what the catalogue asks of the material
    assert "家庭收入及财产状况声明原件1份" in text


def test_a_licence_refusal_and_a_service_refusal_cite_their_own_basis() -> None:
    assert refusal_basis("行政许可", ["《市场主体登记管理条例》第三条"]) == LICENCE_REFUSAL_BASIS
    assert refusal_basis("公共服务", ["《中华人民共和国社会保险法》第五十八条：用人单位……"]) == (
        "《中华人民共和国社会保险法》第五十八条")
    assert refusal_basis("行政给付", ["", "《社会救助暂行办法》第十一条"]) == "《社会救助暂行办法》第十一条"


def test_refusal_prints_the_remedy_data_as_one_sentence(svc: Services, clerk: Actor,
                                                         tmp_path: Path) -> None:
    number = confirm(svc, clerk, SERVICE_CODE, refusal=Refusal(
        RefusalGround.NOT_ELIGIBLE, "申请人已持有有效的社会保障卡",
        refusal_basis("公共服务", ["《中华人民共和国社会保险法》第五十八条：……"])))
    text = pdf_text(svc.notices.render(clerk, number).pdf, tmp_path)
    assert "依据《中华人民共和国社会保险法》第五十八条的规定，决定不予受理。" in text
    assert ("如对本决定有异议，可以向青石县人力资源和社会保障局申请复核；对本决定不服的，也可以自知道本"
            "决定之日起六十日内向青石县人民政府申请行政复议，或者自知道或者应当知道本决定之日起六个月内"
            "向青石县人民法院提起行政诉讼。") in text
    assert "对办理结果有异议的" not in text  # the free-text remedies is never pasted in
    assert "行政许可法" not in text


def test_each_kind_of_document_has_its_own_series_and_prefix(svc: Services, clerk: Actor,
                                                            tmp_path: Path) -> None:
    accepted = confirm(svc, clerk)
    corrected = confirm(svc, clerk, materials=entries(income=MaterialEntry(MaterialState.MISSING)))
    refused = confirm(svc, clerk, refusal=Refusal(RefusalGround.NOT_ELIGIBLE, "不符合条件",
                                                  "《社会救助暂行办法》第十一条"))
    serials = {n: svc.notices.render(clerk, n) for n in (accepted, corrected, refused)}
    texts = {n: pdf_text(r.pdf, tmp_path) for n, r in serials.items()}
    assert "青便受〔2026〕0001号" in texts[accepted]  # the centre's own 受理 prefix goes on
    assert "补正〔2026〕0001号" in texts[corrected] and "受〔" not in texts[corrected]
    assert "不予受理〔2026〕0001号" in texts[refused]
    handover = Handover(documents=("受理通知书",), recipient=PERSON.name, place="窗口",
                        method="直接送达", servers="张丽")
    receipt = svc.notices.render(clerk, accepted, NoticeKind.SERVICE_RECEIPT, handover=handover)
    again = svc.notices.render(clerk, accepted, NoticeKind.SERVICE_RECEIPT, handover=handover)
    other = svc.notices.render(clerk, corrected, NoticeKind.SERVICE_RECEIPT, handover=handover)
    assert "送达〔2026〕0001号" in pdf_text(receipt.pdf, tmp_path)
    assert "送达〔2026〕0001号" in pdf_text(again.pdf, tmp_path)  # taken once per decision
    assert "送达〔2026〕0002号" in pdf_text(other.pdf, tmp_path)
    assert "青便受〔2026〕0001号" in pdf_text(svc.notices.render(clerk, accepted).pdf, tmp_path)


def test_prefixes_are_set_per_centre(svc: Services) -> None:
    settings = load_settings(svc.ctx)
    save_settings(svc.ctx, SYSTEM_ACTOR, replace(settings, serial_prefixes=(
        ("service_receipt", "青石送"),)), first_setup=True)
    settings = load_settings(svc.ctx)
    assert serial_prefix(settings, "service_receipt") == "青石送"
    assert serial_prefix(settings, "correction") == "补正"
    assert serial_prefix(settings, "acceptance") == "青便受"
