"""The intake form as plain data: what the clerk has typed so far, saved as a draft (草稿)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from clerk_app.domain import identity
from clerk_app.domain.checklist import ApplicantType, ChecklistContext, MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.i18n import _
from clerk_app.services.intake import printability


@dataclass(frozen=True)
class PersonInput:
    """A natural person or an organisation as typed at the counter."""

    name: str = ""
    doc_type: str = "resident_id"
    doc_number: str = ""
    phone: str = ""
    address: str = ""
    legal_representative: str = ""  # for organisations (法定代表人)

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.doc_number.strip())


@dataclass(frozen=True)
class IntakeForm:
    """Everything typed for one intake; survives a crash as a draft."""

    matter_code: str
    matter_version: int
    applicant_type: ApplicantType = ApplicantType.NATURAL_PERSON
    applicant: PersonInput = field(default_factory=PersonInput)
    contact: PersonInput = field(default_factory=PersonInput)  # 经办人 (legal person)
    agent: PersonInput = field(default_factory=PersonInput)  # 代理人/代办员
    has_agent: bool = False
    materials: dict[str, MaterialEntry] = field(default_factory=dict)
    clerk_applies: frozenset[str] = frozenset()
    delivery_method: str = "窗口领取"
    overrides: dict[str, str] = field(default_factory=dict)  # field -> reason for the override
    refusal: Refusal | None = None
    application_number: str | None = None  # set when the applicant comes back

    def context(self) -> ChecklistContext:
        return ChecklistContext(self.applicant_type, self.has_agent, self.clerk_applies)

    def with_material(self, material_id: str, entry: MaterialEntry) -> IntakeForm:
        materials = dict(self.materials)
        materials[material_id] = entry
        return replace(self, materials=materials)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["applicant_type"] = self.applicant_type.value
        data["clerk_applies"] = sorted(self.clerk_applies)
        data["materials"] = {
            key: {**asdict(entry), "state": entry.state.value,
                  "promised_date": entry.promised_date.isoformat() if entry.promised_date else None}
            for key, entry in self.materials.items()}
        data["refusal"] = None if self.refusal is None else {
            **asdict(self.refusal), "ground": self.refusal.ground.value}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntakeForm:
        materials = {}
        for key, raw in (data.get("materials") or {}).items():
            promised = raw.get("promised_date")
            materials[key] = MaterialEntry(
                state=MaterialState(raw.get("state", "missing")),
                form_received=raw.get("form_received", ""),
                copies_received=int(raw.get("copies_received", 0)),
                promised_date=date.fromisoformat(promised) if promised else None,
                note=raw.get("note", ""))
        refusal_raw = data.get("refusal")
        refusal = None if not refusal_raw else Refusal(
            ground=RefusalGround(refusal_raw["ground"]), reason=refusal_raw.get("reason", ""),
            legal_basis=refusal_raw.get("legal_basis", ""),
            redirect_body=refusal_raw.get("redirect_body", ""))
        return cls(
            matter_code=data["matter_code"], matter_version=int(data["matter_version"]),
            applicant_type=ApplicantType(data.get("applicant_type", "natural_person")),
            applicant=PersonInput(**(data.get("applicant") or {})),
            contact=PersonInput(**(data.get("contact") or {})),
            agent=PersonInput(**(data.get("agent") or {})),
            has_agent=bool(data.get("has_agent", False)),
            materials=materials,
            clerk_applies=frozenset(data.get("clerk_applies") or ()),
            delivery_method=data.get("delivery_method", "窗口领取"),
            overrides=dict(data.get("overrides") or {}),
            refusal=refusal,
            application_number=data.get("application_number"))


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of the form; `overridable` ones may be kept with a reason."""

    field: str
    message: str
    overridable: bool = False


_CONTROL = {chr(c) for c in range(32)} | {chr(127)}
MAX_NAME = 100
MAX_ADDRESS = 2000


def _text_problems(field_name: str, label: str, value: str, *, required: bool,
                   max_length: int) -> list[FieldProblem]:
    problems = []
    if required and not value.strip():
        problems.append(FieldProblem(field_name, _("请填写{label}").format(label=label)))
    if any(ch in _CONTROL for ch in value):
        problems.append(FieldProblem(field_name, _("{label}含有不可见的控制字符，请删除后重新输入").format(
            label=label)))
    if len(value) > max_length:
        problems.append(FieldProblem(field_name, _("{label}过长（{n} 字，最多 {m} 字）").format(
            label=label, n=len(value), m=max_length)))
    refused = printability.check(value).refused  # as the notice would print it
    if refused:
        problems.append(FieldProblem(field_name, printability.refused_message(label, refused)))
    return problems


def person_problems(prefix: str, who: str, person: PersonInput, *, organisation: bool = False,
                    today: date | None = None) -> list[FieldProblem]:
    """Problems with one person's fields; document checks may be overridden with a reason."""
    name_label = _("{who}名称").format(who=who) if organisation else _("{who}姓名").format(who=who)
    problems = _text_problems(f"{prefix}.name", name_label, person.name, required=True,
                              max_length=MAX_NAME)
    problems += _text_problems(f"{prefix}.address", _("{who}地址").format(who=who), person.address,
                               required=False, max_length=MAX_ADDRESS)
    number = person.doc_number.strip()
    if not number:
        problems.append(FieldProblem(f"{prefix}.doc_number", _("请填写{who}证件号码").format(who=who)))
    else:
        result = identity.validate_document(identity.DocumentType(person.doc_type), number,
                                            **({"today": today} if today else {}))
        if not result.ok:
            problems.append(FieldProblem(f"{prefix}.doc_number", f"{who}：{result.reason}",
                                         overridable=True))
    if person.phone.strip():
        phone = identity.validate_phone(person.phone.strip())
        if not phone.ok:
            problems.append(FieldProblem(f"{prefix}.phone", f"{who}：{phone.reason}",
                                         overridable=True))
    if organisation:
        problems += _text_problems(f"{prefix}.legal_representative", _("法定代表人"),
                                   person.legal_representative, required=True, max_length=MAX_NAME)
    return problems


def form_problems(form: IntakeForm, today: date | None = None) -> list[FieldProblem]:
    """Every problem with the people on the form; overridden ones (with a reason) are dropped."""
    problems: list[FieldProblem] = []
    if form.applicant_type is ApplicantType.LEGAL_PERSON:
        problems += person_problems("applicant", _("申请单位"), form.applicant, organisation=True,
                                    today=today)
        problems += person_problems("contact", _("经办人"), form.contact, today=today)
    else:
        problems += person_problems("applicant", _("申请人"), form.applicant, today=today)
    if form.has_agent:
        problems += person_problems("agent", _("代理人"), form.agent, today=today)
    if form.applicant_type is ApplicantType.NATURAL_PERSON and not (
            form.applicant.phone.strip() or form.agent.phone.strip()):
        problems.append(FieldProblem("applicant.phone", _("请填写联系电话，以便通知领取结果")))
    kept = []
    for problem in problems:
        reason = form.overrides.get(problem.field, "").strip()
        if problem.overridable and reason:
            continue
        kept.append(problem)
    return kept


def chosen_outcome(form: IntakeForm, proposed: Outcome) -> Outcome:
    return Outcome.REFUSED if form.refusal is not None else proposed
