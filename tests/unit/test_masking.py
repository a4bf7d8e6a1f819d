"""Tests for masking of personal information (clerk_app.domain.masking)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.identity import resident_id_check_char
from clerk_app.domain.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("51010419900307123X", "510104********123X"),
        ("11010519491231002x", "110105********002X"),
        ("110105 19491231 002X", "110105********002X"),
        ("110105491231002", "110105******002"),
        ("USA310085061501", "USA**********01"),
        ("E12345678", "E****5678"),
        ("H1234567800", "H1*****7800"),
        ("12345678", "****5678"),
        ("ABC", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(number: str | None, masked: str) -> None:
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0838-1234567", "0838-***4567"),
        ("010 12345678", "010-****5678"),
        ("12345", "****5"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张*丰"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧**娜"),
        ("阿依古丽·买买提", "阿******提"),
        (" 王五 ", "王*"),
        ("张", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("四川省德阳市旌阳区青溪镇禾坪村3组12号", "四川省德阳市旌阳区青溪镇****"),
        ("北京市朝阳区建国门外街道某某大街1号院2号楼", "北京市朝阳区建国门外街道****"),
        ("四川省成都市都江堰市灌口街道幸福路8号", "四川省成都市都江堰市灌口街道****"),
        ("内蒙古自治区锡林郭勒盟正蓝旗上都镇", "内蒙古自治区锡林郭勒盟正蓝旗上都镇"),
        ("四川省凉山彝族自治州昭觉县竹核乡竹核村", "四川省凉山彝族自治州昭觉县竹核乡****"),
        ("德阳市旌阳区幸福社区5栋2单元301", "德阳市旌阳区****"),
        ("德阳市锦绣小区3栋", "德阳市****"),
        ("四川省德阳市青溪镇禾丰乡某村", "四川省德阳市青溪镇****"),
        ("四川省德阳市人民路12号", "四川省德阳市****"),
        ("四川省德阳市旌阳区高新区某某园1号", "四川省德阳市旌阳区****"),
        ("禾坪村3组12号", "****"),
        ("😀 somewhere", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_address(address: str | None, masked: str) -> None:
    assert mask_address(address) == masked


def test_ambiguous_names_hide_more_rather_than_less() -> None:
    # 新乡市 reads as a 乡 named 新: the city is hidden, never the house number shown.
    assert mask_address("河南省新乡市红旗区某某路1号") == "河南省新乡****"


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """Valid 18-character resident ID numbers."""
    region = draw(st.sampled_from(["110105", "310101", "510104", "510603", "650102"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 6, 1)))
    first17 = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + resident_id_check_char(first17)


@given(resident_ids())
def test_masked_id_never_shows_the_birth_date(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[14:]
    assert number[6:14] not in masked


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), st.integers(0, 999))
def test_masked_legacy_id_never_shows_the_birth_date(born: date, sequence: int) -> None:
    number = f"510104{born:%y%m%d}{sequence:03d}"
    masked = mask_id_number(number)
    assert masked == "510104******" + number[12:]


@given(st.integers(min_value=0, max_value=10_000))
def test_fake_people_masked(seed: int) -> None:
    person = FakePeople(seed).person()
    masked_id = mask_id_number(person.resident_id)
    assert masked_id[6:14] == "********"
    assert f"{person.birth_date:%Y%m%d}" not in masked_id
    assert mask_phone(person.mobile) == person.mobile[:3] + "****" + person.mobile[7:]
    assert mask_address(person.address).endswith("镇****")
    assert "*" in mask_name(person.name)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle(mobile: str) -> None:
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[7:]


@given(st.one_of(st.none(), st.text()))
def test_masking_never_raises_and_always_hides_something(text: str | None) -> None:
    for mask in (mask_id_number, mask_phone, mask_name, mask_address):
        result = mask(text)
        assert isinstance(result, str)
    compact = "".join((text or "").split())
    if compact:
        assert "*" in mask_id_number(text)
        assert "*" in mask_phone(text)
        assert "*" in mask_name(text)
        masked_address = mask_address(text)
        kept = masked_address.removesuffix("****")
        assert compact.startswith(kept)
