"""Sample documents for platform tests: matters, a small catalogue, outbox events."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.platform.timefmt import CHINA


def sample_matter(code: str, name: str, version: int = 1) -> dict[str, Any]:
    """A complete `clerk-catalogue/1` matter (a 承诺件 with two materials)."""
    return {
        "code": code, "version": version, "name": name, "kind": "行政确认",
        "windows": ["民生事务"], "accepting_body": "某某镇人民政府",
        "deciding_body": "某某县民政局", "legal_basis": ["《社会救助暂行办法》第十一条"],
        "conditions": ["户籍在本镇"], "quantity_limit": "无数量限制", "handling": "promised",
        "legal_limit": {"days": 30, "unit": "working"},
        "promised_limit": {"days": 10, "unit": "working"},
        "fee": {"charged": False, "standard": "不收费", "basis": "不属于行政事业性收费项目"},
        "delivery": ["窗口领取"], "result": "审核确认结果", "visits": 1,
        "flags": {"max_one_trip": True, "zero_visit": False, "one_window": True, "online": False},
        "procedure": ["申请", "受理", "审核", "办结"], "special_steps": [],
        "remedies": "可在六十日内申请行政复议，或在六个月内提起行政诉讼。",
        "consult_phone": "0838-6201201", "complaint_phone": "12345",
        "address": "某某镇便民服务中心", "hours": "工作日 9:00—17:30", "faq": [],
        "status": "active",
        "materials": [
            {"id": "id_card", "name": "居民身份证", "form": "原件", "copies": 1, "medium": "纸质",
             "source": "政府部门核发", "requirement": "required", "core": True,
             "deferrable": False, "commitment_allowed": False, "e_licence": "居民身份证",
             "notes": "", "sample": None},
            {"id": "application_form", "name": "申请表", "form": "原件", "copies": 1,
             "medium": "纸质", "source": "申请人自备", "requirement": "required", "core": False,
             "deferrable": True, "commitment_allowed": False, "e_licence": None,
             "notes": "", "sample": "申请表样表"},
        ],
    }


def sample_catalogue() -> dict[str, Any]:
    """A small `clerk-catalogue/1` document of three matters."""
    return {
        "format": "clerk-catalogue/1",
        "published_at": "2026-11-01T08:00:00+08:00",
        "issuer": "某某县政务服务管理局",
        "matters": [
            sample_matter("510104-MZ-0001", "最低生活保障审核确认"),
            sample_matter("510104-MZ-0002", "特困人员救助供养审核确认"),
            sample_matter("510104-SB-0001", "城乡居民养老保险参保登记"),
        ],
    }


def write_catalogue(path: Path) -> Path:
    """Write `sample_catalogue()` to `path`."""
    path.write_text(json.dumps(sample_catalogue(), ensure_ascii=False), "utf-8")
    return path


def application_no(station: str, number: int, day: str = "20261126") -> str:
    """An application number of `station` (station code first, as the platform checks)."""
    return f"{station}{day}{number:05d}X"


def make_event(
    station: str, seq: int, *, event_type: str = "application.confirmed",
    number: int | None = None, payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """An outbox event; application.confirmed gets a full snapshot payload by default."""
    moment = occurred_at or datetime(2026, 11, 26, 9, 30, tzinfo=CHINA)
    if payload is None and event_type in ("application.confirmed", "application.decided"):
        payload = {
            "matter": {"code": "510104-MZ-0001", "version": 1, "name": "最低生活保障审核确认"},
            "outcome": "accepted",
            "applicant": {"kind": "natural_person", "name": "张三",
                          "id_type": "resident_id", "id_number": "11010519491231002X",
                          "phone": "13800138000"},
            "materials": [{"id": "id_card", "state": "received"},
                          {"id": "application_form", "state": "received"}],
            "due_date": "2026-12-10",
            "clerk": {"id": "zhangli", "name": "张丽"},
        }
    return {
        "id": str(uuid.uuid4()), "station": station, "seq": seq, "type": event_type,
        "application_no": application_no(station, number if number is not None else seq),
        "occurred_at": moment.isoformat(), "payload": payload or {},
    }
