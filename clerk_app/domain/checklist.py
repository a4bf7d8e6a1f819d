"""Material checklist (材料清单) evaluation: which materials apply and what is still wrong.

Pure functions over a `Matter` and the clerk's record of each material. The decision rules that
build on this live in `clerk_app.domain.decision`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clerk_app.domain.catalogue import ConditionSubject, MaterialRequirement, Matter, Requirement
from clerk_app.i18n import _


class ApplicantType(StrEnum):
    """自然人 or 法人/其他组织."""

    NATURAL_PERSON = "natural_person"
    LEGAL_PERSON = "legal_person"

    @property
    def label(self) -> str:
        return _("自然人") if self is ApplicantType.NATURAL_PERSON else _("法人或其他组织")


class MaterialState(StrEnum):
    """What the clerk recorded for one material at the counter."""

    RECEIVED = "received"  # 已收取
    E_LICENCE = "e_licence"  # 电子证照已核验
    DEFERRED = "deferred"  # 容缺
    COMMITTED = "committed"  # 告知承诺
    WAIVED = "waived"  # 免交
    MISSING = "missing"  # 缺失
    DEFECTIVE = "defective"  # 不符合要求

    @property
    def label(self) -> str:
        return {
            MaterialState.RECEIVED: _("已收取"),
            MaterialState.E_LICENCE: _("电子证照已核验"),
            MaterialState.DEFERRED: _("容缺"),
            MaterialState.COMMITTED: _("告知承诺"),
            MaterialState.WAIVED: _("免交"),
            MaterialState.MISSING: _("缺失"),
            MaterialState.DEFECTIVE: _("不符合要求"),
        }[self]

    @property
    def satisfies(self) -> bool:
        """Whether the material counts as provided for an acceptance."""
        return self in (MaterialState.RECEIVED, MaterialState.E_LICENCE, MaterialState.WAIVED)


@dataclass(frozen=True)
class MaterialEntry:
    """The clerk's record of one material (材料收取情况)."""

    state: MaterialState = MaterialState.MISSING
    form_received: str = ""  # 原件 / 复印件 / 原件和复印件
    copies_received: int = 0
    promised_date: date | None = None  # 容缺: the date the applicant promises
    note: str = ""  # 免交 reason, or what is wrong when 不符合要求


@dataclass(frozen=True)
class ChecklistContext:
    """Facts about the application that decide which conditional materials apply."""

    applicant_type: ApplicantType = ApplicantType.NATURAL_PERSON
    has_agent: bool = False
    clerk_applies: frozenset[str] = frozenset()  # ids of `clerk` conditions judged to hold


@dataclass(frozen=True)
class MaterialProblem:
    """One material that blocks acceptance, with what exactly is required (补正内容)."""

    material: MaterialRequirement
    state: MaterialState
    required: str


@dataclass(frozen=True)
class RuleViolation:
    """A state the clerk recorded that the matter does not allow."""

    material_id: str
    message: str


@dataclass(frozen=True)
class ChecklistEvaluation:
    """The result of checking every material of a matter."""

    applicable: tuple[MaterialRequirement, ...]
    not_applicable: tuple[MaterialRequirement, ...]
    problems: tuple[MaterialProblem, ...]
    deferred: tuple[tuple[MaterialRequirement, date | None], ...]
    committed: tuple[MaterialRequirement, ...]
    violations: tuple[RuleViolation, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return not self.problems


def applies(material: MaterialRequirement, context: ChecklistContext) -> bool:
    """Whether a material is required for this application."""
    if material.requirement is Requirement.REQUIRED or material.condition is None:
        return True
    subject = material.condition.subject
    if subject is ConditionSubject.AGENT:
        return context.has_agent
    if subject is ConditionSubject.LEGAL_PERSON:
        return context.applicant_type is ApplicantType.LEGAL_PERSON
    if subject is ConditionSubject.NATURAL_PERSON:
        return context.applicant_type is ApplicantType.NATURAL_PERSON
    return material.id in context.clerk_applies


def _required_text(material: MaterialRequirement) -> str:
    """What the applicant must bring for a material, in words."""
    text = _("{form}{copies}份").format(form=material.form, copies=material.copies)
    if material.medium != "纸质":
        text += _("（{medium}）").format(medium=material.medium)
    if material.notes:
        text += _("；{notes}").format(notes=material.notes)
    return text


def _check_entry(
    material: MaterialRequirement, entry: MaterialEntry, today: date
) -> tuple[MaterialProblem | None, RuleViolation | None]:
    state = entry.state
    required = _required_text(material)
    if state is MaterialState.MISSING:
        return MaterialProblem(material, state, _("请补交：{req}").format(req=required)), None
    if state is MaterialState.DEFECTIVE:
        if not entry.note.strip():
            return None, RuleViolation(material.id, _("「{name}」标为不符合要求，请写明问题所在").format(
                name=material.name))
        return MaterialProblem(material, state, _("{wrong}。应提交：{req}").format(
            wrong=entry.note.strip(), req=required)), None
    if state is MaterialState.RECEIVED and entry.copies_received < material.copies:
        return MaterialProblem(material, state, _("份数不足：应交{need}份，实交{got}份。应提交：{req}").format(
            need=material.copies, got=entry.copies_received, req=required)), None
    if state is MaterialState.RECEIVED and material.form == "原件和复印件" and (
            entry.form_received and entry.form_received != "原件和复印件"):
        return MaterialProblem(material, state, _("应同时提交原件和复印件，实收{got}").format(
            got=entry.form_received)), None
    if state is MaterialState.E_LICENCE and not material.e_licence:
        return None, RuleViolation(material.id, _("「{name}」没有可替代的电子证照").format(
            name=material.name))
    if state is MaterialState.DEFERRED:
        if not material.deferrable:
            return None, RuleViolation(material.id, _("「{name}」不允许容缺").format(name=material.name))
        if entry.promised_date is None:
            return None, RuleViolation(material.id, _("「{name}」容缺时须填写承诺补交日期").format(
                name=material.name))
        if entry.promised_date <= today:
            return None, RuleViolation(material.id, _("「{name}」的承诺补交日期应晚于今天").format(
                name=material.name))
    if state is MaterialState.COMMITTED and not material.commitment_allowed:
        return None, RuleViolation(material.id, _("「{name}」不适用告知承诺").format(name=material.name))
    if state is MaterialState.WAIVED and not entry.note.strip():
        return None, RuleViolation(material.id, _("「{name}」免交时须写明理由").format(name=material.name))
    return None, None


def evaluate(
    matter: Matter,
    entries: Mapping[str, MaterialEntry],
    context: ChecklistContext,
    today: date,
) -> ChecklistEvaluation:
    """Check every material of the matter; missing entries count as 缺失."""
    applicable: list[MaterialRequirement] = []
    not_applicable: list[MaterialRequirement] = []
    problems: list[MaterialProblem] = []
    deferred: list[tuple[MaterialRequirement, date | None]] = []
    committed: list[MaterialRequirement] = []
    violations: list[RuleViolation] = []
    for material in matter.materials:
        if not applies(material, context):
            not_applicable.append(material)
            continue
        applicable.append(material)
        entry = entries.get(material.id, MaterialEntry())
        problem, violation = _check_entry(material, entry, today)
        if problem:
            problems.append(problem)
        if violation:
            violations.append(violation)
        if entry.state is MaterialState.DEFERRED:
            deferred.append((material, entry.promised_date))
        elif entry.state is MaterialState.COMMITTED:
            committed.append(material)
    core = [m for m in applicable if m.core]
    deferred_ids = {m.id for m, _d in deferred}
    if core and all(m.id in deferred_ids for m in core):
        violations.append(RuleViolation("", _("核心材料不能全部容缺，至少应收取一项核心材料")))
    return ChecklistEvaluation(
        applicable=tuple(applicable),
        not_applicable=tuple(not_applicable),
        problems=tuple(problems),
        deferred=tuple(deferred),
        committed=tuple(committed),
        violations=tuple(violations),
    )
