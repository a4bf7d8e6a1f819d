"""The progress QR on a notice: with an address it carries number and 查询码, with none there
is no QR and no footer sentence promising one (checked with pdftotext and zxing-cpp)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk_app.documents.notice_data import NoticeKind
from clerk_app.documents.notices import render_notice
from clerk_app.domain.check_code import check_code, progress_link
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed
from tests.documents.samples import KIND_MATTERS, sample

FOOTER_QR = "扫描左上方二维码可查询办理进度"
ADDRESS = "https://zwfw.example.gov.cn/q"


@pytest.fixture(autouse=True)
def _poppler() -> None:
    require_poppler()


def test_no_address_no_qr_and_no_footer_promise() -> None:
    data = sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记")
    data = replace(data, centre=replace(data.centre, qr_base_url=""))
    pdf = render_notice(data)
    text = squeezed(pdf_text(pdf))
    assert FOOTER_QR not in text and "查询码" not in text and "扫码查询办理进度" not in text
    assert "咨询电话" in text
    found = decode(raster(pdf, 200))
    assert not [value for value in found.values() if value.startswith("http")], found


@pytest.mark.parametrize("kind", [NoticeKind.ACCEPTANCE, NoticeKind.CORRECTION,
                                  NoticeKind.REFUSAL])
def test_address_and_code_print_beside_the_qr(kind: NoticeKind) -> None:
    data = sample(kind, KIND_MATTERS[kind][0])
    code = check_code(b"k" * 32, data.application_no)
    link = progress_link(ADDRESS, data.application_no, code)
    data = replace(data, centre=replace(data.centre, qr_base_url=""), progress_link=link,
                   progress_address=ADDRESS, check_code=code)
    pdf = render_notice(data)
    text = squeezed(pdf_text(pdf))
    assert f"查询码：{code}" in text and f"或访问{ADDRESS}" in text and FOOTER_QR in text
    assert link in decode(raster(pdf, 200)).values()


def test_a_centre_address_without_a_secret_prints_the_qr_without_a_code() -> None:
    data = sample(NoticeKind.ACCEPTANCE, "个体工商户设立登记")
    data = replace(data, centre=replace(data.centre, qr_base_url="https://zwfw.example.gov.cn/q/"))
    pdf = render_notice(data)
    text = squeezed(pdf_text(pdf))
    assert "查询码" not in text and FOOTER_QR in text
    expected = progress_link("https://zwfw.example.gov.cn/q/", data.application_no)
    assert expected in decode(raster(pdf, 200)).values()
