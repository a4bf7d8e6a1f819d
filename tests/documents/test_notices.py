"""Every notice kind rendered for several matters, checked with poppler and zxing-cpp."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from clerk_app.documents.notice_data import MaterialStatus, NoticeData, NoticeKind, PersonLine
from clerk_app.documents.notices import render_notice, unprintable_characters
from clerk_app.documents.qr import progress_url
from clerk_app.documents.text import chinese_date
from clerk_app.documents.wording import load_wording
from tests.documents.pdf_tools import (
    decode,
    page_count,
    pdf_fonts,
    pdf_text,
    raster,
    require_poppler,
    squeezed,
)
from tests.documents.samples import CENTRE, KIND_MATTERS, REPRINT_AT, all_samples, sample

SAMPLES = all_samples()


@pytest.fixture(autouse=True)
def _poppler() -> None:
    require_poppler()


@cache
def rendered(data: NoticeData, copies: tuple[str, ...] = ("申请人留存",)) -> bytes:
    return render_notice(data, copies)


def _id(data: NoticeData) -> str:
    return f"{data.kind.value}-{data.matter_name[:6]}"


def _expected_materials(data: NoticeData) -> list[str]:
    kind = data.kind
    if kind is NoticeKind.CORRECTION:
        wanted = {MaterialStatus.MISSING, MaterialStatus.DEFECTIVE}
    elif kind is NoticeKind.DEFERRED_ACCEPTANCE:
        wanted = {MaterialStatus.DEFERRED}
    elif kind in (NoticeKind.ACCEPTANCE, NoticeKind.ON_THE_SPOT, NoticeKind.MATERIAL_RECEIPT):
        wanted = {MaterialStatus.RECEIVED}
    else:
        return []
    return [line.name for line in data.materials if line.status in wanted]


def test_there_are_three_matters_for_every_kind() -> None:
    assert {data.kind for data in SAMPLES} == set(NoticeKind)
    for kind in NoticeKind:
        assert len(set(KIND_MATTERS[kind])) >= 3


@pytest.mark.parametrize("data", SAMPLES, ids=_id)
def test_text_round_trips(data: NoticeData) -> None:
    text = squeezed(pdf_text(rendered(data)))
    wording = load_wording()
    for page in wording.kinds[data.kind]:
        assert page.title in text
    addressee = data.legal_person.unit_name if data.legal_person else data.applicant.name
    assert addressee in text
    assert squeezed(data.matter_name) in text
    assert data.serial_no in text
    assert chinese_date(data.issued_on) in text
    for name in _expected_materials(data):
        assert squeezed(name) in text, name
    if data.kind is NoticeKind.CORRECTION:
        lacking = [m for m in data.materials if m.status is not MaterialStatus.RECEIVED]
        assert lacking
        for line in lacking:
            assert squeezed(line.requirement) in text
        assert "以上为需要补正的全部内容" in text
    if data.kind is NoticeKind.DEFERRED_ACCEPTANCE:
        for line in data.materials:
            if line.status is MaterialStatus.DEFERRED:
                assert line.promised_date is not None
                assert chinese_date(line.promised_date, "arabic") in text
    if data.kind is NoticeKind.ACCEPTANCE and data.due_date:
        assert chinese_date(data.due_date) in text
        assert f"{data.promised_days}个工作日" in text
    if data.kind is NoticeKind.REFUSAL:
        assert data.remedies is not None
        assert squeezed(data.refusal_reason) in text
        assert squeezed(data.refusal_basis) in text
        assert squeezed(data.redirect_body) in text
        assert f"六十日内向{data.remedies.review_body}申请行政复议" in text
        assert f"六个月内向{data.remedies.court}提起行政诉讼" in text
    if data.kind is NoticeKind.COMMITMENT:
        for item in data.commitments:
            assert squeezed(item.condition) in text
    if data.kind is NoticeKind.SERVICE_RECEIPT:
        assert data.handover is not None
        assert squeezed(data.handover.method) in text


@pytest.mark.parametrize("data", SAMPLES, ids=_id)
def test_every_font_is_embedded(data: NoticeData) -> None:
    fonts = pdf_fonts(rendered(data))
    assert fonts
    assert all(font.embedded for font in fonts), fonts
    assert all(font.type == "TrueType" for font in fonts), fonts


@pytest.mark.parametrize("kind", list(NoticeKind), ids=lambda kind: kind.value)
def test_barcode_and_qr_decode_from_a_200_dpi_raster(kind: NoticeKind) -> None:
    data = sample(kind, KIND_MATTERS[kind][0], number=400 + list(NoticeKind).index(kind))
    found = decode(raster(rendered(data), 200))
    assert (
        found.get("Code128") == data.application_no or found.get("Code 128") == data.application_no
    ), found
    url = progress_url(CENTRE.qr_base_url, data.application_no)
    assert url in found.values(), found


def test_one_notice_fits_on_one_page_per_copy() -> None:
    single = [d for d in SAMPLES if d.kind is not NoticeKind.DEFERRED_ACCEPTANCE]
    pages = [page_count(rendered(d)) for d in single]
    assert sum(1 for count in pages if count == 1) >= len(single) - 2, pages
    for data in SAMPLES:
        if data.kind is NoticeKind.DEFERRED_ACCEPTANCE:
            assert page_count(rendered(data)) == 2  # notice + 容缺承诺书


def test_copies_are_labelled_and_others_see_masked_numbers() -> None:
    data = sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记")
    pdf = rendered(data, ("申请人留存", "窗口存档", "承办部门留存"))
    assert page_count(pdf) == 3
    pages = [squeezed(text) for text in pdf_text(pdf).split("\f") if text.strip()]
    assert "第一联申请人留存" in pages[0]
    assert "第二联窗口存档" in pages[1]
    assert "第三联承办部门留存" in pages[2]
    full, masked = data.applicant.document_number, data.applicant.document_number_masked
    assert full in pages[0] and masked not in pages[0]
    for page in pages[1:]:
        assert full not in page and masked in page
        assert data.applicant.phone not in page
    agent = data.agent
    assert agent is not None
    assert agent.document_number_masked in pages[1]


def test_unknown_copy_label_is_masked_even_without_a_masked_form() -> None:
    applicant = replace(sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记").applicant)
    bare = PersonLine(applicant.name, applicant.document_label, applicant.document_number)
    data = replace(sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"), applicant=bare)
    text = squeezed(pdf_text(render_notice(data, ("街道公示",))))
    assert "第一联街道公示" in text
    assert applicant.document_number not in text
    number = applicant.document_number
    assert number[:6] + "********" + number[-4:] in text


def test_markup_typed_at_the_counter_is_printed_literally() -> None:
    base = sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记")
    applicant = replace(
        base.applicant,
        name="<b>张&三</b>",
        address='<font color="red" size="40">红字</font>&amp;&lt;<br/>',
    )
    data = replace(base, applicant=applicant, matter_name="测试<i>事项</i>&")
    text = squeezed(pdf_text(render_notice(data)))
    assert "<b>张&三</b>" in text
    assert squeezed('<font color="red" size="40">红字</font>&amp;&lt;<br/>') in text
    assert "测试<i>事项</i>&" in text


def test_rare_characters_use_the_fallback_faces() -> None:
    base = sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记")
    # 䶮 and 𠈌 are in UMing; 㐀 (Ext A) only in Droid Sans Fallback; 𫖯 (Ext C) only in HanaMinB.
    name = "刘䶮𠈌㐀𫖯"
    data = replace(base, applicant=replace(base.applicant, name=name))
    pdf = render_notice(data)
    assert name in squeezed(pdf_text(pdf))
    names = " ".join(font.name for font in pdf_fonts(pdf))
    assert "DroidSansFallback" in names and "HanaMinB" in names and "UMing" in names
    assert unprintable_characters(data) == []


def test_characters_no_font_has_are_reported_before_printing() -> None:
    base = sample(NoticeKind.REFUSAL, "个体工商户设立登记")
    data = replace(
        base,
        applicant=replace(base.applicant, name="王😀明", address="한국\x00\u202e"),
        refusal_reason="理由𗀀",
    )
    assert unprintable_characters(data) == ["😀", "한", "국", "𗀀"]
    assert render_notice(data).startswith(b"%PDF")


def test_reprint_carries_the_mark_and_time() -> None:
    data = replace(sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"), reprint_at=REPRINT_AT)
    text = squeezed(pdf_text(render_notice(data)))
    assert "补打" in text
    assert "补打时间：二〇二六年十一月二十七日09:41" in text
    plain = squeezed(pdf_text(rendered(sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"))))
    assert "补打" not in plain


def test_provisional_due_date_is_flagged() -> None:
    data = replace(
        sample(NoticeKind.ACCEPTANCE, "农村村民宅基地和建房（规划许可）审批"),
        due_date=date(2027, 1, 8),
        due_provisional=True,
    )
    text = squeezed(pdf_text(render_notice(data)))
    assert "二〇二七年一月八日" in text
    assert "节假日安排尚未公布" in text


def _seal_png(path: Path) -> Path:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 392, 392), outline=(208, 2, 27, 230), width=14)
    draw.regular_polygon((200, 200, 60), 5, fill=(208, 2, 27, 230))
    image.save(path)
    return path


def test_configured_seal_image_is_drawn(tmp_path: Path) -> None:
    seal = _seal_png(tmp_path / "seal.png")
    data = replace(
        sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"),
        centre=replace(CENTRE, seal_image=seal),
    )
    pdf = render_notice(data)
    assert b"/Subtype /Image" in pdf
    page = raster(pdf, 60, gray=False).convert("RGB")
    reds = sum(1 for r, g, b in page.get_flattened_data() if r > 150 and g < 80 and b < 80)
    assert reds > 200  # the red seal shows on the page


def test_unreadable_seal_image_falls_back_to_the_outline(tmp_path: Path) -> None:
    bad = tmp_path / "seal.png"
    bad.write_bytes(b"not a png")
    data = replace(
        sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"),
        centre=replace(CENTRE, seal_image=bad),
    )
    pdf = render_notice(data)
    assert b"/Subtype /Image" not in pdf
    assert "青川县白桦镇便民服务中心" in squeezed(pdf_text(pdf))


def test_no_copies_is_refused() -> None:
    with pytest.raises(ValueError):
        render_notice(sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记"), ())
