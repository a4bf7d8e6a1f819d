"""The bundle intake form as plain data: one applicant, one shared list, a refusal per member."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from clerk_app.domain.checklist import ApplicantType, ChecklistContext, MaterialEntry
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput


@dataclass(frozen=True)
class BundleForm:
    """Everything typed for one bundle intake (一件事一表申请)."""

    bundle_code: str
    bundle_version: int
    chosen: frozenset[str] = frozenset()  # optional members ticked by the clerk
    applicant_type: ApplicantType = ApplicantType.NATURAL_PERSON
    applicant: PersonInput = field(default_factory=PersonInput)
    contact: PersonInput = field(default_factory=PersonInput)
    agent: PersonInput = field(default_factory=PersonInput)
    has_agent: bool = False
    materials: dict[str, MaterialEntry] = field(default_factory=dict)  # shared line id -> entry
    clerk_applies: frozenset[str] = frozenset()  # line ids whose clerk-judged condition holds
    refusals: dict[str, Refusal] = field(default_factory=dict)  # member code -> 不予受理
    delivery_method: str = "窗口领取"
    overrides: dict[str, str] = field(default_factory=dict)
    bundle_number: str | None = None  # set when the applicant comes back
    member_versions: dict[str, int] = field(default_factory=dict)  # of members already taken in
    member_numbers: dict[str, str] = field(default_factory=dict)

    def context(self) -> ChecklistContext:
        return ChecklistContext(self.applicant_type, self.has_agent, self.clerk_applies)

    def with_material(self, line_id: str, entry: MaterialEntry) -> BundleForm:
        materials = dict(self.materials)
        materials[line_id] = entry
        return replace(self, materials=materials)

    def with_refusal(self, member_code: str, refusal: Refusal | None) -> BundleForm:
        refusals = dict(self.refusals)
        if refusal is None:
            refusals.pop(member_code, None)
        else:
            refusals[member_code] = refusal
        return replace(self, refusals=refusals)

    def people(self) -> IntakeForm:
        """The people on the form as a single-matter form (for the field checks)."""
        return IntakeForm(matter_code=self.bundle_code, matter_version=self.bundle_version,
                          applicant_type=self.applicant_type, applicant=self.applicant,
                          contact=self.contact, agent=self.agent, has_agent=self.has_agent,
                          delivery_method=self.delivery_method, overrides=dict(self.overrides))

    def to_dict(self) -> dict[str, Any]:
        """The form as JSON values (the draft kept while it is typed)."""
        people = self.people().to_dict()
        return {
            "bundle_code": self.bundle_code, "bundle_version": self.bundle_version,
            "chosen": sorted(self.chosen), "applicant_type": people["applicant_type"],
            "applicant": people["applicant"], "contact": people["contact"],
            "agent": people["agent"], "has_agent": self.has_agent,
            "materials": IntakeForm(matter_code="", matter_version=1,
                                    materials=dict(self.materials)).to_dict()["materials"],
            "clerk_applies": sorted(self.clerk_applies),
            "refusals": {code: {**asdict(r), "ground": r.ground.value}
                         for code, r in self.refusals.items()},
            "delivery_method": self.delivery_method, "overrides": dict(self.overrides),
            "bundle_number": self.bundle_number,
            "member_versions": dict(self.member_versions),
            "member_numbers": dict(self.member_numbers),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BundleForm:
        people = IntakeForm.from_dict({
            "matter_code": data["bundle_code"], "matter_version": data["bundle_version"],
            "applicant_type": data.get("applicant_type", "natural_person"),
            "applicant": data.get("applicant"), "contact": data.get("contact"),
            "agent": data.get("agent"), "has_agent": data.get("has_agent", False),
            "materials": data.get("materials") or {},
            "delivery_method": data.get("delivery_method", "窗口领取"),
            "overrides": data.get("overrides") or {}})
        return cls(
            bundle_code=data["bundle_code"], bundle_version=int(data["bundle_version"]),
            chosen=frozenset(data.get("chosen") or ()), applicant_type=people.applicant_type,
            applicant=people.applicant, contact=people.contact, agent=people.agent,
            has_agent=people.has_agent, materials=dict(people.materials),
            clerk_applies=frozenset(data.get("clerk_applies") or ()),
            refusals={code: Refusal(RefusalGround(r["ground"]), r.get("reason", ""),
                                    r.get("legal_basis", ""), r.get("redirect_body", ""))
                      for code, r in (data.get("refusals") or {}).items()},
            delivery_method=people.delivery_method, overrides=dict(people.overrides),
            bundle_number=data.get("bundle_number"),
            member_versions={k: int(v) for k, v in (data.get("member_versions") or {}).items()},
            member_numbers=dict(data.get("member_numbers") or {}))
