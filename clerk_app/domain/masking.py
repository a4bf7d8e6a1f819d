"""Masking (脱敏) of personal information on lists and printouts that others can see.

Every function accepts any text (or None) and never raises; what it cannot parse it hides.
"""

from __future__ import annotations

import re
import unicodedata

from clerk_app.domain.identity import validate_mobile

STAR = "*"
HIDDEN_TAIL = "****"


def _compact(text: str | None) -> str:
    """NFKC-folded, whitespace removed, letters upper-cased; None becomes ""."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace()).upper()


def _keep_ends(value: str, prefix: int, suffix: int, min_hidden: int) -> str:
    """Keep up to ``prefix``/``suffix`` characters, hiding at least ``min_hidden``."""
    n = len(value)
    hidden = min(n, max(min_hidden, 1))
    suffix = max(0, min(suffix, n - hidden))
    prefix = max(0, min(prefix, n - hidden - suffix))
    return value[:prefix] + STAR * (n - prefix - suffix) + value[n - suffix :]


def mask_id_number(number: str | None) -> str:
    """Mask an identity document number, always hiding any birth date it carries.

    - 18 characters (居民身份证, 居住证, 2023 永居证, 统一社会信用代码): first 6 and last 4
      kept, e.g. 510104********123X (characters 7-14, the birth date, hidden).
    - 15 digits (legacy 身份证: region, YYMMDD, sequence): first 6 and last 3 kept.
    - 15 characters starting with 3 letters (2017 永居证): nationality and last 2 kept.
    - anything else (passports, permits): a 1-2 character prefix and up to the last 4 kept,
      at least half of the characters hidden; 3 characters or fewer are hidden entirely.
    """
    value = _compact(number)
    n = len(value)
    if n == 18:
        return _keep_ends(value, 6, 4, 8)
    if n == 15 and value.isdigit():
        return _keep_ends(value, 6, 3, 6)
    if n == 15 and value[:3].isalpha():
        return _keep_ends(value, 3, 2, 10)
    if n <= 3:
        return STAR * n
    return _keep_ends(value, 2 if n > 10 else 1, 4, max(4, n // 2))


_LANDLINE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9][0-9]))-?([0-9]{7,8})")


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: mobiles 138****5678, landlines 0838-***4567 (area code kept)."""
    mobile = validate_mobile(phone or "")
    if mobile.ok:
        return _keep_ends(mobile.normalized, 3, 4, 4)
    value = _compact(phone)
    landline = _LANDLINE.fullmatch(value)
    if landline:
        local = landline.group(2)
        return f"{landline.group(1)}-{_keep_ends(local, 0, 4, 3)}"
    if len(value) <= 3:
        return STAR * len(value)
    return _keep_ends(value, 0, 4, max(4, (len(value) + 1) // 2))


def mask_name(name: str | None) -> str:
    """Mask a personal name: 张三丰 -> 张*丰, 李四 -> 李*, 欧阳娜娜 -> 欧**娜, 张 -> *."""
    value = (name or "").strip()
    n = len(value)
    if n <= 1:
        return STAR * n
    if n == 2:
        return value[0] + STAR
    return value[0] + STAR * (n - 2) + value[-1]


# Endings of administrative units, longest first, with their level:
# 1 province, 2 prefecture, 3 county, 4 township. "市" is 2, or 3 after a prefecture.
_UNIT_LEVELS: dict[str, int] = {
    "特别行政区": 1, "自治区": 1, "省": 1,
    "自治州": 2, "地区": 2, "盟": 2, "市": 2,
    "县": 3, "旗": 3, "区": 3,
    "街道": 4, "苏木": 4, "乡": 4, "镇": 4,
}  # fmt: skip
_UNIT = re.compile(r"([^\W\d_]{1,15}?)(" + "|".join(_UNIT_LEVELS) + ")")
# Places that end like a district but are below township level.
_NOT_A_UNIT = ("社区", "小区", "校区", "景区", "片区", "街区", "厂区", "园区")
_STREET_WORDS = re.compile(r"路|巷|弄|号|村|组|栋|楼|室|单元|大道")


def mask_address(address: str | None) -> str:
    """Keep the divisions down to the township (乡/镇/街道) and hide the rest as ****.

    The address is read from the left as a chain of administrative units (省/自治区/
    特别行政区, 市/自治州/地区/盟, 县/区/旗/县级市, 乡/镇/街道/苏木), each deeper than the
    one before. Reading stops at the first part that is not such a unit (a village, a road,
    a house number, a 社区 or 小区) or after the township; all that follows becomes
    "****", whatever its length. An address with no recognisable division is hidden whole.
    """
    value = "".join((address or "").split())
    kept_end, level, position = 0, 0, 0
    while level < 4:
        match = _UNIT.match(value, position)
        if match is None:
            break
        token, ending = match.group(0), match.group(2)
        if token.endswith(_NOT_A_UNIT) or _STREET_WORDS.search(match.group(1)):
            break
        unit_level = _UNIT_LEVELS[ending]
        if ending == "市" and level >= 2:
            unit_level = 3
        if unit_level <= level:
            break
        level, position, kept_end = unit_level, match.end(), match.end()
    kept = value[:kept_end]
    return kept if kept_end == len(value) else kept + HIDDEN_TAIL
