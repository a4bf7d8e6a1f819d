"""Remedies as data (`remedy`) for the sample matters: review body, court, periods, 复核.

Since the 2023 行政复议法 (第二十四条) the people's government at the county level reviews the acts
of its departments, and of the town governments below it; the city government reviews a body of
the city. A 人民调解委员会 does not act as an administration and a 行政裁决 has periods of its
own, so those matters get no `remedy` and their notice names no body.
"""

from __future__ import annotations

from typing import Any

from _sample_common import COUNTY


def _body_name(deciding: str) -> str:
    return deciding.replace("（", "(").split("(")[0]


def remedy_for(matter: dict[str, Any]) -> dict[str, Any] | None:
    """The `remedy` object of a sample matter, or None where the notice must not name one."""
    deciding = _body_name(matter["deciding_body"])
    if "调解委员会" in deciding or matter["kind"] == "行政裁决":
        return None
    government = COUNTY
    city, sep, _rest = deciding.partition("市")
    if sep and not deciding.startswith(COUNTY) and "县" not in city and len(city) <= 4:
        government = city + "市"  # a body of the city (e.g. 住房公积金管理中心)
    remedy: dict[str, Any] = {
        "review_body": f"{government}人民政府",
        "court": f"{COUNTY}人民法院",
        "review_days": 60,
        "litigation_months": 6,
    }
    if matter["kind"] == "公共服务":
        remedy["recheck_body"] = deciding  # 对办理结果有异议的, 可以向办理部门申请复核
    return remedy


def with_remedy(matter: dict[str, Any]) -> dict[str, Any]:
    """`matter` with its `remedy` right after the free-text `remedies` (kept when already set)."""
    if "remedy" in matter:
        return matter
    remedy = remedy_for(matter)
    out: dict[str, Any] = {}
    for key, value in matter.items():
        out[key] = value
        if key == "remedies" and remedy is not None:
            out["remedy"] = remedy
    return out
