"""The bundle notice through the real tools: pdftotext reads it, zxing-cpp reads its barcode."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from clerk_app.app import Services
from clerk_app.domain.checklist import ApplicantType, MaterialEntry, MaterialState
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.masking import mask_id_number
from clerk_app.services.bundles.notice import BundleNoticeError, BundleNoticeService
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed

NOW = datetime(2026, 12, 7, 9, 30)
OWNER = FakePeople(seed=132028).person()


def _take_in(services: Services, clerk: Actor, name: str, without: tuple[str, ...] = (),
             refuse: dict[int, Refusal] | None = None, **people: object) -> str:
    service = services.bundles
    code = next(b.code for b in service.definitions.current() if b.name == name)
    form = service.start(clerk, code)
    bundle = service.bundle(form)
    form = replace(form, chosen=frozenset(m.matter_code for m in bundle.members))
    materials = {line.id: MaterialEntry(MaterialState.RECEIVED, line.requirement.form,
                                        line.requirement.copies)
                 for line in service.checklist(form).lines
                 if line.id not in without and line.id.split(".")[-1] not in without}
    refusals = {bundle.members[i].matter_code: r for i, r in (refuse or {}).items()}
    form = replace(form, materials=materials, refusals=refusals, applicant=PersonInput(
        OWNER.name, "resident_id", OWNER.resident_id, OWNER.mobile, OWNER.address))
    form = replace(form, **people)  # type: ignore[arg-type]
    return service.confirm(clerk, form).number


@pytest.fixture
def notices(services: Services) -> BundleNoticeService:
    require_poppler()
    services.ctx.clock = lambda: NOW
    return BundleNoticeService(services.ctx, services.catalogue, services.bundles)


def test_one_notice_with_every_member_and_one_list_of_what_is_missing(
        services: Services, clerk: Actor, notices: BundleNoticeService) -> None:
    number = _take_in(services, clerk, "新生儿出生一件事", without=("hukou", "first_doses"))
    rendered = notices.render(clerk, number)
    text = squeezed(pdf_text(rendered.pdf))
    assert "一件事办理告知书" in text and "新生儿出生一件事" in text
    for member in ("出生医学证明首次签发", "预防接种证办理", "出生登记（新生儿入户）",
                   "城乡居民基本医疗保险参保登记", "社会保障卡申领"):
        assert member in text
    assert "一次性告知" in text
    assert text.count("居民户口簿") == 1 and "乙肝疫苗和卡介苗首针接种记录" in text
    assert "补齐材料后受理" in text and "须待" in text
    assert OWNER.resident_id not in text and mask_id_number(OWNER.resident_id) in text
    assert "5个工作日" in text
    # the bundle number as Code 128, and the centre's progress address (+ number) as QR
    assert sorted(decode(raster(rendered.pdf, 200)).values()) == [
        number, f"https://zwfw.example.gov.cn/q/{number}"]
    assert "扫描左上方二维码可查询办理进度" in text
    assert rendered.data.serial and rendered.data.serial in text  # its own 文书编号
    member = rendered.data.members[2].number
    again = notices.render(clerk, member, reprint=True)  # a member's number finds it
    assert again.number == number and again.data.serial == rendered.data.serial
    assert "补打" in pdf_text(again.pdf)


def test_a_refused_member_carries_its_reason_basis_and_remedies(
        services: Services, clerk: Actor, notices: BundleNoticeService) -> None:
    refusal = Refusal(RefusalGround.NOT_ELIGIBLE, "招牌位于历史文化街区核心保护范围内",
                      "《城市市容和环境卫生管理条例》第十一条")
    number = _take_in(services, clerk, "开办餐饮店一件事", refuse={3: refusal})
    text = squeezed(pdf_text(notices.render(clerk, number).pdf))
    assert "「户外招牌设置审批」不予受理" in text
    assert "历史文化街区核心保护范围内" in text and "第十一条" in text
    assert "行政复议" in text and "行政诉讼" in text
    assert "一次性告知" not in text  # nothing is missing
    assert "食品经营许可（新办）" in text and "受理" in text


def test_an_organisations_notice_names_its_code_representative_and_contact(
        services: Services, clerk: Actor, notices: BundleNoticeService) -> None:
    company = FakePeople(seed=7).company()
    contact = FakePeople(seed=8).person()
    number = _take_in(
        services, clerk, "开办餐饮店一件事", applicant_type=ApplicantType.LEGAL_PERSON,
        applicant=PersonInput(company.name, "uscc", company.uscc, company.phone, company.address,
                              legal_representative=company.legal_representative),
        contact=PersonInput(contact.name, "resident_id", contact.resident_id, contact.mobile,
                            contact.address))
    text = squeezed(pdf_text(notices.render(clerk, number).pdf))
    assert squeezed(company.name) in text and company.uscc in text  # public data: in full
    assert f"法定代表人：{company.legal_representative}" in text
    assert f"经办人：{contact.name}" in text and mask_id_number(contact.resident_id) in text
    assert contact.resident_id not in text and contact.mobile not in text
    assert f"窗口经办人：{clerk.display_name}" in text


def test_unknown_number(notices: BundleNoticeService, clerk: Actor) -> None:
    with pytest.raises(BundleNoticeError, match="没有编号"):
        notices.render(clerk, "not a number")
