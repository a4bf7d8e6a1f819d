"""Builders of catalogue documents for tests (made-up but realistic)."""

from __future__ import annotations

from typing import Any

from clerk_app.domain.catalogue import Matter, parse_matter


def material(mid: str, name: str, **extra: Any) -> dict[str, Any]:
    base = {"id": mid, "name": name, "form": "原件", "copies": 1, "medium": "纸质",
            "source": "申请人自备", "requirement": "required", "core": True,
            "deferrable": False, "commitment_allowed": False, "e_licence": None, "notes": "", "sample": None}
    base.update(extra)
    return base


def matter_doc(**extra: Any) -> dict[str, Any]:
    doc = {
        "code": "510104-MZ-0001", "version": 1, "name": "最低生活保障申请", "kind": "行政给付",
        "windows": ["民生事务"], "accepting_body": "青石镇人民政府",
        "deciding_body": "某县民政局", "legal_basis": ["《社会救助暂行办法》第十一条"],
        "conditions": ["共同生活的家庭成员人均收入低于当地最低生活保障标准"],
        "quantity_limit": "无数量限制", "handling": "promised",
        "legal_limit": {"days": 30, "unit": "working"},
        "promised_limit": {"days": 20, "unit": "working"},
        "fee": {"charged": False, "standard": "不收费",
                "basis": "《社会救助暂行办法》未设定收费"},
        "delivery": ["窗口领取", "邮寄送达"], "result": "低保审批结果通知", "visits": 1,
        "flags": {"max_one_trip": True, "zero_visit": False, "one_window": True,
                  "online": False},
        "procedure": ["申请", "受理", "审核", "审批"], "special_steps": [],
        "remedies": "对决定不服的，可依法申请行政复议或者提起行政诉讼",
        "consult_phone": "028-84561234", "complaint_phone": "12345", "address": "青石镇便民服务中心民生事务窗口",
        "hours": "工作日 8:30-12:00，14:00-17:30",
        "faq": [], "status": "active",
        "materials": [
            material("application_form", "最低生活保障申请书"),
            material("id_card", "申请人居民身份证", form="原件和复印件", e_licence="居民身份证"),
            material("income", "家庭收入及财产状况声明", core=False, deferrable=True,
                     commitment_allowed=True),
            material("proxy", "授权委托书", requirement="conditional",
                     condition={"text": "委托他人办理的提供", "when": "agent"}, core=False),
            material("disability", "残疾人证", requirement="conditional", core=False,
                     condition={"text": "家庭成员有残疾的提供", "when": "clerk"},
                     e_licence="残疾人证"),
        ],
    }
    doc.update(extra)
    return doc


def make_matter(**extra: Any) -> Matter:
    problems: list[str] = []
    matter = parse_matter(matter_doc(**extra), problems)
    assert problems == []
    return matter


def catalogue_doc(*matters: dict[str, Any]) -> dict[str, Any]:
    return {"format": "clerk-catalogue/1", "published_at": "2026-11-01T08:00:00+08:00",
            "issuer": "测试县政务服务管理局", "matters": list(matters)}
