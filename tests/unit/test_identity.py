"""Tests for identity document numbers (clerk_app.domain.identity) and fake_people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.identity import (
    USCC_ALPHABET,
    DocumentType,
    birth_date_of,
    resident_id_check_char,
    resident_id_facts,
    sex_of,
    upgrade_legacy_resident_id,
    uscc_check_char,
    validate_document,
    validate_foreign_permanent_resident,
    validate_hk_macao_permit,
    validate_hmt_residence_permit,
    validate_mobile,
    validate_passport,
    validate_phone,
    validate_resident_id,
    validate_taiwan_permit,
    validate_uscc,
)

STANDARD_EXAMPLE = "11010519491231002X"  # GB 11643-1999's own example
USCC_EXAMPLE = "91350100M000100Y43"  # GB 32100-2015's own example
TODAY = date(2025, 6, 1)


def with_check(first17: str) -> str:
    """A full 18-character number: ``first17`` plus its MOD 11-2 check character."""
    return first17 + resident_id_check_char(first17)


def with_wrong_check(first17: str) -> str:
    """``first17`` plus a check character that is not the right one."""
    return first17 + ("0" if resident_id_check_char(first17) != "0" else "1")


# --- 居民身份证 -------------------------------------------------------------------------


def test_standard_example_is_valid_and_parsed() -> None:
    result = validate_resident_id(STANDARD_EXAMPLE, TODAY)
    assert result.ok and result.reason == "" and result.normalized == STANDARD_EXAMPLE
    facts = resident_id_facts(STANDARD_EXAMPLE, TODAY)
    assert facts is not None
    assert (facts.region_code, facts.birth_date, facts.sex, facts.legacy) == (
        "110105",
        date(1949, 12, 31),
        "女",
        False,
    )
    assert birth_date_of(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert sex_of(STANDARD_EXAMPLE) == "女"


def test_input_is_normalized() -> None:
    result = validate_resident_id(" 110105 19491231 002x ", TODAY)
    assert result.ok and result.normalized == STANDARD_EXAMPLE
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert validate_resident_id(full_width, TODAY).normalized == STANDARD_EXAMPLE


def test_wrong_check_char_names_the_expected_one() -> None:
    result = validate_resident_id("110105194912310021", TODAY)
    assert not result.ok
    assert result.reason == "第18位校验码应为X，请核对号码"
    expected = resident_id_check_char("51010419900307123")
    result = validate_resident_id(with_wrong_check("51010419900307123"), TODAY)
    assert result.reason == f"第18位校验码应为{expected}，请核对号码"


@pytest.mark.parametrize(
    ("birth", "ok"),
    [("20000229", True), ("20240229", True), ("19000229", False), ("20230229", False)],
)
def test_february_29_only_in_leap_years(birth: str, ok: bool) -> None:
    result = validate_resident_id(with_check(f"510104{birth}123"), TODAY)
    assert result.ok is ok
    if not ok:
        assert result.reason == f"出生日期{birth}不存在"


def test_impossible_dates_are_named() -> None:
    result = validate_resident_id(with_check("51010420250230123"), TODAY)
    assert result.reason == "出生日期20250230不存在"
    assert validate_resident_id(with_check("51010419901301123")).reason == "出生日期19901301不存在"


def test_birth_date_in_the_future_is_rejected_with_injected_today() -> None:
    number = with_check("51010420250602123")
    assert not validate_resident_id(number, today=date(2025, 6, 1)).ok
    assert "晚于今天" in validate_resident_id(number, today=date(2025, 6, 1)).reason
    assert validate_resident_id(number, today=date(2025, 6, 2)).ok


def test_birth_before_1900_is_rejected() -> None:
    result = validate_resident_id(with_check("51010418991231123"), TODAY)
    assert not result.ok and "早于1900年" in result.reason
    assert validate_resident_id(with_check("51010419000101123"), TODAY).ok


@pytest.mark.parametrize(
    ("number", "reason_part"),
    [
        ("11010519491231002", "号码应为18位（或15位旧号），现为17位"),
        ("1101051949123100", "现为16位"),
        ("", "请填写证件号码"),
        ("1101051949123A002X", "第14位“A”无效"),
        ("X10105194912310021", "第1位“X”无效"),
    ],
)
def test_shape_errors(number: str, reason_part: str) -> None:
    result = validate_resident_id(number, TODAY)
    assert not result.ok and reason_part in result.reason


def test_province_prefix_must_be_plausible() -> None:
    for prefix in ("00", "10", "16", "71", "80", "83"):
        result = validate_resident_id(with_check(prefix + "010519491231002"), TODAY)
        assert not result.ok, prefix
    assert "不是省级行政区划代码" in validate_resident_id(with_check("71010519491231002")).reason
    assert "外国人永久居留身份证" in validate_resident_id(with_check("91101119800101123")).reason
    assert "港澳台居民居住证" in validate_resident_id(with_check("81000019940823002")).reason


def test_legacy_15_digit_numbers() -> None:
    legacy = "110105491231002"
    assert validate_resident_id(legacy, TODAY).ok
    facts = resident_id_facts(legacy, TODAY)
    assert facts is not None and facts.legacy
    assert (facts.birth_date, facts.sex) == (date(1949, 12, 31), "女")
    assert sex_of("510104850307123") == "男"
    assert upgrade_legacy_resident_id(legacy) == STANDARD_EXAMPLE
    bad = validate_resident_id("110105490230002", TODAY)
    assert not bad.ok and bad.reason == "出生日期19490230不存在"
    assert not validate_resident_id("11010549123100X", TODAY).ok


def test_parsers_return_none_for_invalid_numbers() -> None:
    assert birth_date_of("110105194912310021") is None
    assert sex_of("not a number") is None
    assert resident_id_facts("") is None


def test_check_char_helper_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        resident_id_check_char("1234")
    with pytest.raises(ValueError):
        resident_id_check_char("1101051949123100X")


# --- 港澳台居民居住证, 永居证, 通行证, 护照 -----------------------------------------------------


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_hmt_residence_permit_prefixes(prefix: str) -> None:
    number = with_check(f"{prefix}19940823002")
    assert validate_hmt_residence_permit(number, TODAY).ok
    assert birth_date_of(number) == date(1994, 8, 23)
    assert not validate_hmt_residence_permit(with_wrong_check(number[:17]), TODAY).ok


def test_hmt_residence_permit_rejects_other_regions_and_shapes() -> None:
    assert validate_hmt_residence_permit("810000199408230021", TODAY).ok  # published sample
    result = validate_hmt_residence_permit(with_check("84000019940823002"), TODAY)
    assert not result.ok and "810000" in result.reason
    assert not validate_hmt_residence_permit(STANDARD_EXAMPLE, TODAY).ok
    assert not validate_hmt_residence_permit(with_check("81000020230229002"), TODAY).ok
    assert "现为15位" in validate_hmt_residence_permit("810000940823002", TODAY).reason


def test_foreign_permanent_resident_2023_form() -> None:
    assert validate_foreign_permanent_resident(with_check("91184019850615012"), TODAY).ok
    wrong_check = with_wrong_check("91184019850615012")
    assert "第18位校验码应为" in validate_foreign_permanent_resident(wrong_check, TODAY).reason
    citizen = validate_foreign_permanent_resident(STANDARD_EXAMPLE, TODAY)
    assert not citizen.ok and "9开头" in citizen.reason
    assert not validate_foreign_permanent_resident(with_check("91184019850230012"), TODAY).ok


def test_foreign_permanent_resident_2017_form() -> None:
    assert validate_foreign_permanent_resident("usa310085061501", TODAY).normalized == (
        "USA310085061501"
    )
    assert validate_foreign_permanent_resident("USA310085061501", TODAY).ok
    for bad in ("US1310085061501", "USA31008506150X", "USA31008506150"):
        assert not validate_foreign_permanent_resident(bad, TODAY).ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("H12345678", True),
        ("M87654321", True),
        ("h12345678", True),
        ("H1234567800", True),
        ("H1234567", False),
        ("H123456789", False),
        ("K12345678", False),
        ("HA1234567", False),
    ],
)
def test_hk_macao_permit_shapes(number: str, ok: bool) -> None:
    assert validate_hk_macao_permit(number).ok is ok


def test_hk_macao_permit_tells_apart_the_mainland_permit() -> None:
    assert "往来港澳通行证" in validate_hk_macao_permit("C12345678").reason


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("12345678", True),
        ("１２３４５６７８", True),
        ("1234567801", True),
        ("1234567801(B)", True),
        ("1234567801（B）", True),
        ("1234567", False),
        ("123456789", False),
        ("T1234567", False),
    ],
)
def test_taiwan_permit_shapes(number: str, ok: bool) -> None:
    assert validate_taiwan_permit(number).ok is ok


@pytest.mark.parametrize(
    ("number", "chinese_ok", "any_ok"),
    [
        ("E12345678", True, True),
        ("EA1234567", True, True),
        ("ef1234567", True, True),
        ("G12345678", True, True),
        ("EI1234567", False, True),
        ("E1234567", False, True),
        ("X1234567", False, True),
        ("AB12345", False, True),
        ("ABCDEFGH", False, False),
        ("E12", False, False),
        ("AB-12345", False, False),
    ],
)
def test_passport_shapes(number: str, chinese_ok: bool, any_ok: bool) -> None:
    assert validate_passport(number, chinese=True).ok is chinese_ok
    assert validate_passport(number).ok is any_ok


# --- 统一社会信用代码 --------------------------------------------------------------------


def test_uscc_standard_example() -> None:
    assert validate_uscc(USCC_EXAMPLE).ok
    assert validate_uscc(USCC_EXAMPLE.lower()).normalized == USCC_EXAMPLE
    assert uscc_check_char(USCC_EXAMPLE[:17]) == "3"


def test_uscc_single_change_is_rejected() -> None:
    assert validate_uscc("91350100M000100Y44").reason == "第18位校验码应为3，请核对代码"
    for position in range(18):
        for ch in USCC_ALPHABET:
            if ch != USCC_EXAMPLE[position]:
                changed = USCC_EXAMPLE[:position] + ch + USCC_EXAMPLE[position + 1 :]
                assert not validate_uscc(changed).ok, changed


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_letters_outside_the_alphabet(letter: str) -> None:
    first17 = "91350100" + letter + "000100Y4"
    result = validate_uscc(first17 + "3")
    assert not result.ok
    assert result.reason.startswith(f"第9位“{letter}”")


def test_uscc_authority_category_and_region_codes() -> None:
    def code(first17: str) -> str:
        return first17 + uscc_check_char(first17)

    for valid in ("12", "53", "92", "93", "N2", "Y1", "31", "A1"):
        assert validate_uscc(code(valid + "510603MA6XXXXX0")).ok, valid
    assert "登记管理部门代码“B”" in validate_uscc(code("B1510603MA6XXXXX0")).reason
    assert "机构类别代码“4”" in validate_uscc(code("94510603MA6XXXXX0")).reason
    assert "机构类别代码“2”" in validate_uscc(code("Y2510603MA6XXXXX0")).reason
    assert "行政区划码" in validate_uscc(code("9151060AMA6XXXXX0")).reason
    assert "现为17位" in validate_uscc(USCC_EXAMPLE[:17]).reason


# --- 电话 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "normalized"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 19912345678", "19912345678"),
    ],
)
def test_valid_mobiles(phone: str, normalized: str) -> None:
    result = validate_mobile(phone)
    assert result.ok and result.normalized == normalized


@pytest.mark.parametrize(
    ("phone", "reason_part"),
    [
        ("12812345678", "13至19开头"),
        ("1381234567", "现为10位"),
        ("138123456789", "现为12位"),
        ("1381234567a", "只能由数字"),
        ("", "请填写"),
    ],
)
def test_invalid_mobiles(phone: str, reason_part: str) -> None:
    result = validate_mobile(phone)
    assert not result.ok and reason_part in result.reason


@pytest.mark.parametrize(
    ("phone", "normalized"),
    [
        ("0838-1234567", "0838-1234567"),
        ("08382345678", "0838-2345678"),
        ("010 12345678", "010-12345678"),
        ("028-88888888", "028-88888888"),
        ("13812345678", "13812345678"),
    ],
)
def test_valid_phones(phone: str, normalized: str) -> None:
    result = validate_phone(phone)
    assert result.ok and result.normalized == normalized


@pytest.mark.parametrize(
    "phone", ["0838-12345", "838-1234567", "010-1234567", "0838-0234567", "12345"]
)
def test_invalid_phones(phone: str) -> None:
    assert not validate_phone(phone).ok


# --- dispatch and labels ------------------------------------------------------------------

SAMPLES = {
    DocumentType.RESIDENT_ID: (STANDARD_EXAMPLE, "110105194912310021"),
    DocumentType.HMT_RESIDENCE_PERMIT: ("810000199408230021", STANDARD_EXAMPLE),
    DocumentType.FOREIGN_PERMANENT_RESIDENT: ("USA310085061501", STANDARD_EXAMPLE),
    DocumentType.HK_MACAO_PERMIT: ("H12345678", "12345678"),
    DocumentType.TAIWAN_PERMIT: ("12345678", "H12345678"),
    DocumentType.PASSPORT: ("E12345678", "E-1"),
    DocumentType.USCC: (USCC_EXAMPLE, STANDARD_EXAMPLE),
}


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_validate_document_dispatches(doc_type: DocumentType) -> None:
    valid, invalid = SAMPLES[doc_type]
    assert validate_document(doc_type, valid, TODAY).ok
    assert not validate_document(doc_type, invalid, TODAY).ok


def test_labels_are_distinct_chinese_names() -> None:
    labels = [doc_type.label for doc_type in DocumentType]
    assert len(set(labels)) == len(labels)
    assert DocumentType.RESIDENT_ID.label == "居民身份证"
    assert DocumentType("uscc").is_organisation and not DocumentType.PASSPORT.is_organisation


# --- properties -----------------------------------------------------------------------

PROVINCES = ["11", "13", "21", "23", "31", "37", "44", "46", "50", "51", "54", "61", "65"]


@st.composite
def valid_resident_ids(draw: st.DrawFn) -> str:
    """Resident ID numbers built from the parts and completed by resident_id_check_char."""
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    return with_check(f"{region}{born:%Y%m%d}{sequence:03d}")


@given(valid_resident_ids())
def test_numbers_completed_by_check_char_validate(number: str) -> None:
    assert validate_resident_id(number, TODAY).ok
    facts = resident_id_facts(number, TODAY)
    assert facts is not None
    assert facts.birth_date.strftime("%Y%m%d") == number[6:14]
    assert facts.sex == ("男" if int(number[16]) % 2 else "女")


@given(valid_resident_ids(), st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_is_caught(
    number: str, position: int, data: st.DataObject
) -> None:
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([ch for ch in allowed if ch != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    assert not validate_resident_id(changed, TODAY).ok


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), st.integers(0, 17), st.data())
def test_uscc_check_char_catches_single_changes(
    first17: str, position: int, data: st.DataObject
) -> None:
    code = first17 + uscc_check_char(first17)
    replacement = data.draw(st.sampled_from([ch for ch in USCC_ALPHABET if ch != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    assert uscc_check_char(changed[:17]) != changed[17]


@given(st.integers(min_value=0, max_value=2**32))
def test_fake_people_are_valid_and_deterministic(seed: int) -> None:
    fakes, again = FakePeople(seed), FakePeople(seed)
    for _ in range(3):
        person, company = fakes.person(), fakes.company()
        assert person == again.person() and company == again.company()
        assert validate_resident_id(person.resident_id, TODAY).ok
        assert birth_date_of(person.resident_id) == person.birth_date
        assert sex_of(person.resident_id) == person.sex
        assert date(1945, 1, 1) <= person.birth_date <= date(2006, 12, 31)
        assert validate_mobile(person.mobile).ok
        assert 2 <= len(person.name) <= 4 and "镇" in person.address
        assert validate_uscc(company.uscc).ok
        assert validate_phone(company.phone).ok and not validate_mobile(company.phone).ok
        expected_category = {"企业": "1", "个体工商户": "2", "农民专业合作社": "3"}[
            company.category
        ]
        assert company.uscc[:2] == "9" + expected_category


def test_fake_people_birth_range_and_seeds_differ() -> None:
    day = date(1990, 5, 17)
    fixed = FakePeople(1, born_from=day, born_to=day)
    assert all(fixed.person().birth_date == day for _ in range(5))
    assert FakePeople(1).person() != FakePeople(2).person()
    with pytest.raises(ValueError):
        FakePeople(1, born_from=day, born_to=day - timedelta(days=1))


@given(st.sampled_from(list(DocumentType)), st.text())
def test_validators_never_raise_and_explain_every_refusal(
    doc_type: DocumentType, text: str
) -> None:
    result = validate_document(doc_type, text, TODAY)
    assert result.ok == (result.reason == "")
    phone = validate_phone(text)
    assert phone.ok == (phone.reason == "")
