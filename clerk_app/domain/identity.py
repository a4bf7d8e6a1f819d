"""Identity document numbers (证件号码): shapes, check characters and parsed facts.

What each rule rests on (looked up in public texts while writing this module):

- 居民身份证 (GB 11643-1999): 6-digit region code, YYYYMMDD, 3-digit sequence (odd male,
  even female), MOD 11-2 check; citizens' numbers begin 1-8 (province order of GB/T 2260).
  Legacy 15-digit numbers (GB 11643-1989): region, YYMMDD (19xx), sequence, no check.
- 港澳台居民居住证: the same 18-character structure with region 810000 (香港), 820000 (澳门)
  or 830000 (台湾).
- 外国人永久居留身份证: the National Immigration Administration's 2023 machine-readable rules
  say the card issued from 2023-12-01 has 18 characters (17 digits + MOD 11-2 check, the same
  as a citizen's number) beginning with 9, the former 3 Latin letters of nationality becoming
  a numeric code; the 2017 card (3 Latin letters + 12 digits) stays valid. The birth date at
  characters 7-14 of the 18-character form is taken from public card-reading code, not from
  the official text.
- 港澳居民来往内地通行证: the Ministry of Public Security's 2010 rule gives H (Hong Kong) or
  M (Macao) + 10 digits (8-digit lifelong number + 2-digit renewal count); the current card
  prints H/M + the 8-digit lifelong number (seen in public validators, not in an official
  text). Not to be confused with 往来港澳通行证 (mainland residents, C + 8).
- 台湾居民来往大陆通行证: since 2008-09-25 "一人一号", the 8-digit lifelong number; older
  permits printed 10 digits (lifelong number + issue count) and an issuing-office code in
  brackets.
- 中国普通护照: E + 8 digits (before April 2017), E + a letter other than I/O + 7 digits
  (after), older G + 8 digits. Foreign passports get a lenient shape check only.
- 统一社会信用代码 (GB 32100-2015 with amendment No. 1): alphabet 0-9 and A-Z without
  I O S V Z; authority codes 1 2 3 4 5 6 7 8 9 A N Y, each with its category codes (table
  below); 6-digit region code; MOD 31 check with weights 3^i mod 31.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from clerk_app.i18n import _

Sex = Literal["男", "女"]


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of checking one number: ``reason`` is Chinese and empty when ``ok``."""

    ok: bool
    reason: str = ""
    normalized: str = ""


@dataclass(frozen=True)
class ResidentIdFacts:
    """What a valid 公民身份号码 (or 居住证 number) says about its holder."""

    region_code: str
    birth_date: date
    sex: Sex
    legacy: bool


class DocumentType(StrEnum):
    """Kinds of identity document (证件类型) accepted at the counter."""

    RESIDENT_ID = "resident_id"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    PASSPORT = "passport"
    USCC = "uscc"

    @property
    def label(self) -> str:
        """Chinese name of the document."""
        labels = {
            DocumentType.RESIDENT_ID: _("居民身份证"),
            DocumentType.HMT_RESIDENCE_PERMIT: _("港澳台居民居住证"),
            DocumentType.FOREIGN_PERMANENT_RESIDENT: _("外国人永久居留身份证"),
            DocumentType.HK_MACAO_PERMIT: _("港澳居民来往内地通行证"),
            DocumentType.TAIWAN_PERMIT: _("台湾居民来往大陆通行证"),
            DocumentType.PASSPORT: _("护照"),
            DocumentType.USCC: _("统一社会信用代码"),
        }
        return labels[self]

    @property
    def is_organisation(self) -> bool:
        """True for codes that identify an organisation rather than a person."""
        return self is DocumentType.USCC


_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_ID_CHECK_CHARS = "10X98765432"
# Province codes of GB/T 2260 by region: 华北 1x, 东北 2x, 华东 3x, 中南 4x, 西南 5x, 西北 6x.
_CITIZEN_PROVINCES = frozenset(
    str(code)
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for code in range(first, last + 1)
)
_HMT_REGIONS = frozenset(("810000", "820000", "830000"))  # 香港, 澳门, 台湾
_EARLIEST_BIRTH = date(1900, 1, 1)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 32100-2015 (amendment No. 1): registering authority -> its organisation categories.
USCC_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级/村级/乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

_CN_PASSPORT = re.compile(r"E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}")
_FOREIGN_PASSPORT = re.compile(r"(?=.*[0-9])[A-Z0-9]{5,20}")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"(010|02[0-9])-?([1-9][0-9]{7})|(0[3-9][0-9]{2})-?([1-9][0-9]{6,7})")


def normalize_number(text: str) -> str:
    """Full-width to half-width, whitespace removed, letters upper-cased."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace()).upper()


def resident_id_check_char(first17: str) -> str:
    """MOD 11-2 check character (GB 11643-1999) of 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def uscc_check_char(first17: str) -> str:
    """MOD 31 check character (GB 32100-2015) of the first 17 characters."""
    if len(first17) != 17 or any(ch not in USCC_ALPHABET for ch in first17):
        raise ValueError("need exactly 17 characters of the USCC alphabet")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def upgrade_legacy_resident_id(number15: str) -> str:
    """Turn a 15-digit legacy number into its 18-character form (19 + check char)."""
    number = normalize_number(number15)
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        raise ValueError("need a 15-digit legacy number")
    first17 = number[:6] + "19" + number[6:]
    return first17 + resident_id_check_char(first17)


def _fail(reason: str, normalized: str) -> ValidationResult:
    return ValidationResult(ok=False, reason=reason, normalized=normalized)


def _birth_date_problem(yyyymmdd: str, today: date) -> str:
    """Reason why an 8-digit birth date is unacceptable, or "" when it is fine."""
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return _("出生日期{date}不存在").format(date=yyyymmdd)
    if born < _EARLIEST_BIRTH:
        return _("出生日期{date}早于1900年，请核对号码").format(date=yyyymmdd)
    if born > today:
        return _("出生日期{date}晚于今天，请核对号码").format(date=yyyymmdd)
    return ""


def _check_18(number: str, today: date) -> str:
    """Birth date and MOD 11-2 problems of an 18-character number with digits 1-17."""
    problem = _birth_date_problem(number[6:14], today)
    if problem:
        return problem
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        return _("第18位校验码应为{expected}，请核对号码").format(expected=expected)
    return ""


def _shape_18(number: str) -> str:
    """Problem with the characters of an 18-character ID-style number, or ""."""
    for position, ch in enumerate(number, start=1):
        allowed = "0123456789X" if position == 18 else "0123456789"
        if ch not in allowed:
            return _("第{position}位“{char}”无效：号码只能是数字，最后一位可以是X").format(
                position=position, char=ch
            )
    return ""


def validate_resident_id(number: str, today: date | None = None) -> ValidationResult:
    """Check a 居民身份证 number, 18 characters or the 15-digit legacy form.

    ``today`` (default: the real date) is the latest acceptable birth date.
    """
    today = today or date.today()
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if len(value) not in (15, 18):
        return _fail(_("号码应为18位（或15位旧号），现为{count}位").format(count=len(value)), value)
    if len(value) == 15 and not (value.isascii() and value.isdigit()):
        return _fail(_("15位旧号只能由数字组成"), value)
    problem = _shape_18(value) if len(value) == 18 else ""
    if problem:
        return _fail(problem, value)
    if len(value) == 18 and value[0] == "9":
        return _fail(_("9开头的是外国人永久居留身份证号码，请改选该证件类型"), value)
    if len(value) == 18 and value[:6] in _HMT_REGIONS:
        return _fail(
            _("{prefix}开头的是港澳台居民居住证号码，请改选该证件类型").format(prefix=value[:6]),
            value,
        )
    if value[:2] not in _CITIZEN_PROVINCES:
        return _fail(
            _("前两位{code}不是省级行政区划代码，请核对号码").format(code=value[:2]), value
        )
    if len(value) == 15:
        problem = _birth_date_problem("19" + value[6:12], today)
    else:
        problem = _check_18(value, today)
    return _fail(problem, value) if problem else ValidationResult(True, "", value)


def validate_hmt_residence_permit(number: str, today: date | None = None) -> ValidationResult:
    """Check a 港澳台居民居住证 number (810000/820000/830000 + GB 11643 structure)."""
    today = today or date.today()
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if len(value) != 18:
        return _fail(_("居住证号码应为18位，现为{count}位").format(count=len(value)), value)
    problem = _shape_18(value)
    if problem:
        return _fail(problem, value)
    if value[:6] not in _HMT_REGIONS:
        return _fail(
            _("港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头"), value
        )
    problem = _check_18(value, today)
    return _fail(problem, value) if problem else ValidationResult(True, "", value)


def validate_foreign_permanent_resident(number: str, today: date | None = None) -> ValidationResult:
    """Check a 外国人永久居留身份证 number: 2023 form (9 + 17) or 2017 form (3 letters + 12)."""
    today = today or date.today()
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if len(value) == 15:
        if re.fullmatch(r"[A-Z]{3}[0-9]{12}", value):
            return ValidationResult(True, "", value)
        return _fail(_("2017版永居证号码应为3位英文字母加12位数字"), value)
    if len(value) != 18:
        return _fail(
            _("永居证号码应为18位（2017版为15位），现为{count}位").format(count=len(value)), value
        )
    problem = _shape_18(value)
    if problem:
        return _fail(problem, value)
    if value[0] != "9":
        return _fail(_("18位永居证号码应以9开头"), value)
    problem = _check_18(value, today)
    return _fail(problem, value) if problem else ValidationResult(True, "", value)


def validate_hk_macao_permit(number: str) -> ValidationResult:
    """Check a 港澳居民来往内地通行证 number: H/M + 8 digits (old cards: + 10 digits)."""
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if value[0] == "C":
        return _fail(_("C开头的是内地居民的往来港澳通行证，不是港澳居民来往内地通行证"), value)
    if value[0] not in "HM":
        return _fail(_("通行证号码应以H（香港居民）或M（澳门居民）开头"), value)
    if not re.fullmatch(r"[HM]([0-9]{8}|[0-9]{10})", value):
        return _fail(_("H或M后应为8位数字（旧证为10位）"), value)
    return ValidationResult(True, "", value)


def validate_taiwan_permit(number: str) -> ValidationResult:
    """Check a 台湾居民来往大陆通行证 number: 8 digits (old: 10 digits, bracketed office code)."""
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if re.fullmatch(r"[0-9]{8}|[0-9]{10}(\([0-9A-Z]{1,2}\))?", value):
        return ValidationResult(True, "", value)
    return _fail(_("台胞证号码应为8位数字（旧证为10位数字，可带括号内的签发机关代码）"), value)


def validate_passport(number: str, *, chinese: bool = False) -> ValidationResult:
    """Check a passport number: Chinese ordinary passport shape, else (unless ``chinese``) foreign."""
    value = normalize_number(number)
    if not value:
        return _fail(_("请填写证件号码"), value)
    if _CN_PASSPORT.fullmatch(value):
        return ValidationResult(True, "", value)
    if chinese:
        return _fail(
            _("中国普通护照号码应为E加8位数字、E加1个字母（I、O除外）加7位数字，或G加8位数字"),
            value,
        )
    if _FOREIGN_PASSPORT.fullmatch(value):
        return ValidationResult(True, "", value)
    return _fail(_("护照号码应为5至20位英文字母和数字，且含数字"), value)


def validate_uscc(code: str) -> ValidationResult:
    """Check a 统一社会信用代码 (GB 32100-2015), e.g. 91350100M000100Y43."""
    value = normalize_number(code)
    if not value:
        return _fail(_("请填写统一社会信用代码"), value)
    if len(value) != 18:
        return _fail(_("统一社会信用代码应为18位，现为{count}位").format(count=len(value)), value)
    for position, ch in enumerate(value, start=1):
        if ch not in USCC_ALPHABET:
            return _fail(
                _("第{position}位“{char}”不是统一社会信用代码的字符（不使用I、O、S、V、Z）").format(
                    position=position, char=ch
                ),
                value,
            )
    categories = USCC_CATEGORIES.get(value[0])
    if categories is None:
        return _fail(_("第1位登记管理部门代码“{char}”不存在").format(char=value[0]), value)
    if value[1] not in categories:
        return _fail(
            _("第2位机构类别代码“{char}”与登记管理部门代码“{dept}”不符").format(
                char=value[1], dept=value[0]
            ),
            value,
        )
    if not value[2:8].isdigit():
        return _fail(_("第3至8位应为登记管理机关行政区划码（6位数字）"), value)
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return _fail(_("第18位校验码应为{expected}，请核对代码").format(expected=expected), value)
    return ValidationResult(True, "", value)


def validate_mobile(phone: str) -> ValidationResult:
    """Check a mainland mobile number: 11 digits 1[3-9]…, optional +86/0086 prefix."""
    value = normalize_number(phone).replace("-", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            value = value[len(prefix) :]
    if not value:
        return _fail(_("请填写手机号码"), value)
    if not (value.isascii() and value.isdigit()):
        return _fail(_("手机号码只能由数字组成"), value)
    if len(value) != 11:
        return _fail(_("手机号码应为11位，现为{count}位").format(count=len(value)), value)
    if not _MOBILE.fullmatch(value):
        return _fail(_("手机号码应以13至19开头"), value)
    return ValidationResult(True, "", value)


def validate_phone(phone: str) -> ValidationResult:
    """Check a mobile number or a landline with area code (normalized 0838-1234567)."""
    mobile = validate_mobile(phone)
    if mobile.ok:
        return mobile
    value = normalize_number(phone)
    match = _LANDLINE.fullmatch(value)
    if match is None:
        return _fail(_("请填写11位手机号码，或带区号的固定电话（如0838-1234567）"), value)
    area = match.group(1) or match.group(3)
    local = match.group(2) or match.group(4)
    return ValidationResult(True, "", f"{area}-{local}")


def validate_document(
    doc_type: DocumentType, number: str, today: date | None = None
) -> ValidationResult:
    """Check ``number`` by the rules of ``doc_type``."""
    match doc_type:
        case DocumentType.RESIDENT_ID:
            return validate_resident_id(number, today)
        case DocumentType.HMT_RESIDENCE_PERMIT:
            return validate_hmt_residence_permit(number, today)
        case DocumentType.FOREIGN_PERMANENT_RESIDENT:
            return validate_foreign_permanent_resident(number, today)
        case DocumentType.HK_MACAO_PERMIT:
            return validate_hk_macao_permit(number)
        case DocumentType.TAIWAN_PERMIT:
            return validate_taiwan_permit(number)
        case DocumentType.PASSPORT:
            return validate_passport(number)
        case DocumentType.USCC:
            return validate_uscc(number)


def resident_id_facts(number: str, today: date | None = None) -> ResidentIdFacts | None:
    """Region, birth date and sex of a valid 居民身份证 or 港澳台居民居住证 number, else None."""
    result = validate_resident_id(number, today)
    if not result.ok:
        result = validate_hmt_residence_permit(number, today)
    if not result.ok:
        return None
    value = result.normalized
    legacy = len(value) == 15
    digits = "19" + value[6:12] if legacy else value[6:14]
    sequence_digit = int(value[14] if legacy else value[16])
    return ResidentIdFacts(
        region_code=value[:6],
        birth_date=date(int(digits[:4]), int(digits[4:6]), int(digits[6:])),
        sex="男" if sequence_digit % 2 else "女",
        legacy=legacy,
    )


def birth_date_of(resident_id: str) -> date | None:
    """Birth date encoded in a valid resident ID (or residence permit) number."""
    facts = resident_id_facts(resident_id)
    return facts.birth_date if facts else None


def sex_of(resident_id: str) -> Sex | None:
    """Sex encoded in a valid resident ID (odd sequence: 男, even: 女)."""
    facts = resident_id_facts(resident_id)
    return facts.sex if facts else None
