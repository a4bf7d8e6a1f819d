"""Matters and their material checklists (政务服务事项与申请材料), as plain data.

The catalogue document format (`clerk-catalogue/1`) is described in docs/catalogue-format.md
and resources/catalogue/catalogue.schema.json; this module turns a parsed JSON document into
typed, immutable objects and reports every problem in Chinese, naming the matter and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from clerk_app.domain.remedy import Remedy
from clerk_app.i18n import _

CATALOGUE_FORMAT = "clerk-catalogue/1"


class Handling(StrEnum):
    """即办件 (decided on the spot) or 承诺件 (decided within the promised days)."""

    IMMEDIATE = "immediate"
    PROMISED = "promised"

    @property
    def label(self) -> str:
        return _("即办件") if self is Handling.IMMEDIATE else _("承诺件")


class Requirement(StrEnum):
    """必要 (always required) or 视情况 (required when a condition holds)."""

    REQUIRED = "required"
    CONDITIONAL = "conditional"


class ConditionSubject(StrEnum):
    """Who or what decides whether a conditional material applies."""

    AGENT = "agent"  # someone applies on another's behalf (委托代理)
    LEGAL_PERSON = "legal_person"
    NATURAL_PERSON = "natural_person"
    CLERK = "clerk"  # the clerk judges it at the counter


MATTER_KINDS = (
    "行政许可",
    "行政确认",
    "行政给付",
    "行政裁决",
    "行政奖励",
    "其他行政权力",
    "公共服务",
)
MATERIAL_FORMS = ("原件", "复印件", "原件和复印件")
MATERIAL_MEDIA = ("纸质", "电子", "纸质或电子")
MATERIAL_SOURCES = ("申请人自备", "政府部门核发", "其他")
APPLICANT_KINDS = ("自然人", "法人", "非法人组织")
DELIVERY_WAYS = ("窗口领取", "邮寄送达", "电子送达")


@dataclass(frozen=True)
class TimeLimit:
    """A time limit (时限) in working or natural days."""

    days: int
    natural: bool = False

    @property
    def label(self) -> str:
        unit = _("个自然日") if self.natural else _("个工作日")
        return f"{self.days}{unit}"


@dataclass(frozen=True)
class Condition:
    """The condition under which a conditional material is required, in words."""

    text: str
    subject: ConditionSubject


@dataclass(frozen=True)
class MaterialRequirement:
    """One application material (申请材料) and what the matter asks of it."""

    id: str
    name: str
    form: str
    copies: int
    medium: str
    source: str
    requirement: Requirement
    condition: Condition | None
    core: bool
    deferrable: bool
    commitment_allowed: bool
    e_licence: str | None
    notes: str = ""
    sample: str | None = None

    @property
    def requirement_label(self) -> str:
        """The requirement in words, as the checklist and notices show it."""
        if self.requirement is Requirement.CONDITIONAL and self.condition is not None:
            return _("视情况：{condition}").format(condition=self.condition.text)
        return _("必要")


@dataclass(frozen=True)
class SpecialStep:
    """特殊环节: a step whose time may not count toward the limit."""

    name: str
    days: int
    basis: str
    charged: bool
    counts_toward_limit: bool
    natural: bool = False
    in_person: bool = False  # 本人到场 (e.g. 残疾评定): the applicant must appear for this step
    place: str = ""  # where the applicant must appear


@dataclass(frozen=True)
class Matter:
    """A matter (政务服务事项) with its service guide (服务指南), one version of it."""

    code: str
    version: int
    name: str
    kind: str
    windows: tuple[str, ...]
    accepting_body: str
    deciding_body: str
    legal_basis: tuple[str, ...]
    conditions: tuple[str, ...]
    quantity_limit: str
    handling: Handling
    legal_limit: TimeLimit | None
    promised_limit: TimeLimit
    fee_charged: bool
    fee_standard: str
    fee_basis: str
    delivery: tuple[str, ...]
    result: str
    visits: int
    max_one_trip: bool
    zero_visit: bool
    one_window: bool
    online: bool
    procedure: tuple[str, ...]
    special_steps: tuple[SpecialStep, ...]
    remedies: str
    consult_phone: str
    complaint_phone: str
    address: str
    hours: str
    faq: tuple[tuple[str, str], ...]
    active: bool
    withdrawn_reason: str
    materials: tuple[MaterialRequirement, ...]
    keywords: tuple[str, ...] = ()  # 简称/俗称, searchable like the name
    applicant_kinds: tuple[str, ...] = ()  # 服务对象: 自然人/法人/非法人组织; empty = any
    village_decides: bool = False  # 下放到村便民服务点: an agent may decide it at the village
    remedy: Remedy | None = None  # 救济途径 as data (review body, court, periods, 复核)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def material(self, material_id: str) -> MaterialRequirement:
        for item in self.materials:
            if item.id == material_id:
                return item
        raise KeyError(material_id)

    @property
    def in_person_steps(self) -> tuple[SpecialStep, ...]:
        """Steps the applicant must attend in person (本人到场), e.g. a disability assessment."""
        return tuple(step for step in self.special_steps if step.in_person)


class CatalogueError(ValueError):
    """A catalogue document is not acceptable; `problems` lists every problem in Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            shown += "\n" + _("……另有 {n} 处问题").format(n=more)
        super().__init__(shown)


class _Reader:
    """Reads fields of one JSON object, collecting problems instead of failing at the first."""

    def __init__(self, data: Mapping[str, Any], where: str, problems: list[str]) -> None:
        self.data = data
        self.where = where
        self.problems = problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where} {_('字段')} {key}：{message}")

    def text(self, key: str, *, required: bool = True, choices: Sequence[str] = ()) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, _("缺少此项"))
            return ""
        if not isinstance(value, str):
            self.problem(key, _("应为文字"))
            return ""
        if required and not value.strip():
            self.problem(key, _("不能为空"))
        if choices and value not in choices:
            self.problem(key, _("「{value}」不是允许的取值（{choices}）").format(
                value=value, choices="、".join(choices)))
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(key, _("应为文字或 null"))
            return None
        return value

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, _("应为整数") if key in self.data else _("缺少此项"))
            return minimum
        if value < minimum:
            self.problem(key, _("不能小于 {minimum}").format(minimum=minimum))
        return value

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, _("应为 true 或 false") if key in self.data else _("缺少此项"))
            return False
        return value

    def texts(self, key: str, *, min_items: int = 0, choices: Sequence[str] = ()) -> tuple[str, ...]:
        value = self.data.get(key, [] if min_items == 0 else None)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, _("应为文字列表") if key in self.data else _("缺少此项"))
            return ()
        if len(value) < min_items:
            self.problem(key, _("至少需要 {n} 项").format(n=min_items))
        for item in value:
            if choices and item not in choices:
                self.problem(key, _("「{value}」不是允许的取值（{choices}）").format(
                    value=item, choices="、".join(choices)))
        return tuple(value)

    def objects(self, key: str, *, required: bool = True) -> list[Mapping[str, Any]]:
        value = self.data.get(key, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, _("应为对象列表") if key in self.data else _("缺少此项"))
            return []
        return value

    def obj(self, key: str) -> Mapping[str, Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(key, _("应为对象"))
            return None
        return value


def _time_limit(reader: _Reader, key: str, *, required: bool) -> TimeLimit | None:
    raw = reader.obj(key)
    if raw is None:
        if required:
            reader.problem(key, _("缺少此项"))
        return None
    sub = _Reader(raw, f"{reader.where} {key}", reader.problems)
    days = sub.integer("days")
    unit = sub.text("unit", choices=("working", "natural"))
    return TimeLimit(days=days, natural=unit == "natural")


def _material(raw: Mapping[str, Any], where: str, problems: list[str]) -> MaterialRequirement:
    r = _Reader(raw, where, problems)
    requirement_text = r.text("requirement", choices=[m.value for m in Requirement])
    requirement = Requirement(requirement_text) if requirement_text in {
        m.value for m in Requirement} else Requirement.REQUIRED
    condition: Condition | None = None
    condition_raw = r.obj("condition")
    if requirement is Requirement.CONDITIONAL:
        if condition_raw is None:
            r.problem("condition", _("「视情况」材料必须写明条件"))
        else:
            c = _Reader(condition_raw, f"{where} condition", problems)
            text = c.text("text")
            subject = c.text("when", choices=[s.value for s in ConditionSubject])
            if subject in {s.value for s in ConditionSubject}:
                condition = Condition(text=text, subject=ConditionSubject(subject))
    elif condition_raw is not None:
        r.problem("condition", _("「必要」材料不应带条件"))
    material_id = r.text("id")
    return MaterialRequirement(
        id=material_id,
        name=r.text("name"),
        form=r.text("form", choices=MATERIAL_FORMS),
        copies=r.integer("copies", minimum=1),
        medium=r.text("medium", choices=MATERIAL_MEDIA),
        source=r.text("source", choices=MATERIAL_SOURCES),
        requirement=requirement,
        condition=condition,
        core=r.flag("core"),
        deferrable=r.flag("deferrable"),
        commitment_allowed=r.flag("commitment_allowed"),
        e_licence=r.optional_text("e_licence"),
        notes=r.optional_text("notes") or "",
        sample=r.optional_text("sample"),
    )


def _remedy(reader: _Reader) -> Remedy | None:
    raw = reader.obj("remedy")
    if raw is None:
        return None
    r = _Reader(raw, f"{reader.where} remedy", reader.problems)
    remedy = Remedy(
        review_body=r.text("review_body"),
        court=r.text("court", required=False) or "有管辖权的人民法院",
        review_days=r.integer("review_days", minimum=1) if "review_days" in raw else 60,
        litigation_months=(r.integer("litigation_months", minimum=1)
                           if "litigation_months" in raw else 6),
        recheck_body=r.text("recheck_body", required=False))
    for problem in remedy.problems():
        reader.problem("remedy", problem)
    return remedy


def parse_matter(raw: Mapping[str, Any], problems: list[str], position: int = 0) -> Matter:
    """Parse one matter object; problems are appended, naming the matter and the field."""
    code = raw.get("code") if isinstance(raw.get("code"), str) else f"#{position + 1}"
    name = raw.get("name") if isinstance(raw.get("name"), str) else ""
    where = _("事项 {code}「{name}」").format(code=code, name=name)
    r = _Reader(raw, where, problems)
    fee = r.obj("fee") or {}
    flags = r.obj("flags") or {}
    fee_r = _Reader(fee, f"{where} fee", problems)
    flag_r = _Reader(flags, f"{where} flags", problems)
    handling_text = r.text("handling", choices=[h.value for h in Handling])
    handling = Handling(handling_text) if handling_text in {h.value for h in Handling} else (
        Handling.PROMISED)
    status = r.text("status", choices=("active", "withdrawn"))
    materials: list[MaterialRequirement] = []
    for index, material_raw in enumerate(r.objects("materials")):
        label = material_raw.get("name") if isinstance(material_raw.get("name"), str) else ""
        materials.append(_material(
            material_raw, f"{where} materials[{index}]「{label}」", problems))
    if not materials and "materials" in raw:
        r.problem("materials", _("至少需要一项申请材料"))
    seen: set[str] = set()
    for item in materials:
        if item.id in seen:
            r.problem("materials", _("材料编号「{id}」重复").format(id=item.id))
        seen.add(item.id)
    core = [m for m in materials if m.core]
    if core and all(m.deferrable for m in core):
        r.problem("materials", _("核心材料不能全部允许容缺"))
    special_steps = []
    for index, step_raw in enumerate(r.objects("special_steps", required=False)):
        s = _Reader(step_raw, f"{where} special_steps[{index}]", problems)
        special_steps.append(SpecialStep(
            name=s.text("name"), days=s.integer("days"), basis=s.text("basis", required=False),
            charged=s.flag("charged"), counts_toward_limit=s.flag("counts_toward_limit"),
            natural=s.text("unit", required=False, choices=("working", "natural")) == "natural",
            in_person=s.flag("in_person", default=False),
            place=s.text("place", required=False)))
    faq = []
    for index, item_raw in enumerate(r.objects("faq", required=False)):
        q = _Reader(item_raw, f"{where} faq[{index}]", problems)
        faq.append((q.text("q"), q.text("a")))
    promised = _time_limit(r, "promised_limit", required=True) or TimeLimit(0)
    if handling is Handling.IMMEDIATE and promised.days != 0:
        r.problem("promised_limit", _("即办件的承诺时限应为 0"))
    version = r.integer("version", minimum=1)
    if isinstance(raw.get("code"), str) and not re.fullmatch(r"[0-9A-Z-]{6,40}", raw["code"]):
        r.problem("code", _("事项编码应为 6–40 位数字、大写字母或连字符"))
    return Matter(
        code=str(code),
        version=version,
        name=r.text("name"),
        kind=r.text("kind", choices=MATTER_KINDS),
        windows=r.texts("windows", min_items=1),
        accepting_body=r.text("accepting_body"),
        deciding_body=r.text("deciding_body"),
        legal_basis=r.texts("legal_basis", min_items=1),
        conditions=r.texts("conditions"),
        quantity_limit=r.text("quantity_limit", required=False),
        handling=handling,
        legal_limit=_time_limit(r, "legal_limit", required=False),
        promised_limit=promised,
        fee_charged=fee_r.flag("charged"),
        fee_standard=fee_r.text("standard"),
        fee_basis=fee_r.text("basis", required=False),
        delivery=r.texts("delivery", min_items=1, choices=DELIVERY_WAYS),
        result=r.text("result", required=False),
        visits=r.integer("visits"),
        max_one_trip=flag_r.flag("max_one_trip"),
        zero_visit=flag_r.flag("zero_visit"),
        one_window=flag_r.flag("one_window"),
        online=flag_r.flag("online", default=False),
        procedure=r.texts("procedure"),
        special_steps=tuple(special_steps),
        remedies=r.text("remedies", required=False),
        consult_phone=r.text("consult_phone", required=False),
        complaint_phone=r.text("complaint_phone", required=False),
        address=r.text("address", required=False),
        hours=r.text("hours", required=False),
        faq=tuple(faq),
        active=status != "withdrawn",
        withdrawn_reason=r.optional_text("withdrawn_reason") or "",
        materials=tuple(materials),
        keywords=r.texts("keywords"),
        applicant_kinds=r.texts("applicants", choices=APPLICANT_KINDS),
        village_decides=r.flag("village_decides", default=False),
        remedy=_remedy(r),
        raw=dict(raw),
    )


def parse_catalogue(document: Any) -> list[Matter]:
    """Parse a whole catalogue document; raise CatalogueError listing every problem."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise CatalogueError([_("目录文件的顶层应为 JSON 对象")])
    if document.get("format") != CATALOGUE_FORMAT:
        problems.append(_("目录文件 format 应为「{expected}」，实为「{actual}」").format(
            expected=CATALOGUE_FORMAT, actual=document.get("format")))
    raw_matters = document.get("matters")
    if not isinstance(raw_matters, list) or not raw_matters:
        problems.append(_("目录文件缺少 matters（事项列表）或为空"))
        raise CatalogueError(problems)
    matters: list[Matter] = []
    codes: set[str] = set()
    for position, raw in enumerate(raw_matters):
        if not isinstance(raw, dict):
            problems.append(_("第 {n} 个事项不是 JSON 对象").format(n=position + 1))
            continue
        matter = parse_matter(raw, problems, position)
        if matter.code in codes:
            problems.append(_("事项编码 {code} 重复").format(code=matter.code))
        codes.add(matter.code)
        matters.append(matter)
    if problems:
        raise CatalogueError(problems)
    return matters
