"""The bundle intake form as plain data: one applicant, one shared list, a refusal per member."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from clerk_app.domain.checklist import ApplicantType, ChecklistContext, MaterialEntry
from clerk_app.domain.decision import Refusal
from clerk_app.services.intake_form import IntakeForm, PersonInput


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
