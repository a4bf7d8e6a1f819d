"""Bundles (一件事): member matters, one shared material list, a decision per member, due dates.

A bundle names its member matters (always included or chosen at the window), which members
wait for another's result (their clocks start when it is done), an optional combined promised
limit (行政许可法 第四十二条: 统一/联合办理 at most 45 days, extendable by 15) and how the members'
materials map onto one shared list: a document several members require is collected once, with
the most copies any of them needs, and counts for each. The decision is never one for the whole:
every member is assessed by :mod:`clerk_app.domain.checklist` and :mod:`clerk_app.domain.decision`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from clerk_app.domain.catalogue import (
    CatalogueError,
    Condition,
    MaterialRequirement,
    Matter,
    Requirement,
    TimeLimit,
    _Reader,
    _time_limit,
)
from clerk_app.domain.checklist import (
    ChecklistContext,
    ChecklistEvaluation,
    MaterialEntry,
    MaterialState,
    evaluate,
)
from clerk_app.domain.decision import (
    DecisionCheck,
    Outcome,
    Refusal,
    check_decision,
    propose_outcome,
)
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _

# 行政许可法 第四十二条: 统一办理、联合办理、集中办理的, 不得超过四十五日 (可延长十五日).
JOINT_LIMIT_DAYS = 45
JOINT_EXTENSION_DAYS = 15


class Inclusion(StrEnum):
    """Whether a member is always part of the bundle or chosen at the window."""

    ALWAYS = "always"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class BundleMember:
    """One member matter of a bundle."""

    matter_code: str
    inclusion: Inclusion
    choose_when: str = ""  # for optional members: when the clerk ticks it, in words
    waits_for: tuple[str, ...] = ()  # members whose result this one needs first


@dataclass(frozen=True)
class MaterialUse:
    """One member's material that a shared line stands for."""

    matter_code: str
    material_id: str


@dataclass(frozen=True)
class SharedMaterial:
    """A line of the shared list: one document collected once for several members.

    `produced_by` names a member whose result is this document (新生儿的公民身份号码 from the
    户口登记): the applicant brings nothing, the department gets it from that member."""

    id: str
    name: str
    serves: tuple[MaterialUse, ...]
    produced_by: str | None = None


@dataclass(frozen=True)
class Bundle:
    """A bundle (一件事) as the catalogue publishes it."""

    code: str
    version: int
    name: str
    keywords: tuple[str, ...]
    windows: tuple[str, ...]
    basis: tuple[str, ...]
    combined_limit: TimeLimit | None
    active: bool
    withdrawn_reason: str
    members: tuple[BundleMember, ...]
    materials: tuple[SharedMaterial, ...]
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def member(self, matter_code: str) -> BundleMember:
        for member in self.members:
            if member.matter_code == matter_code:
                return member
        raise KeyError(matter_code)

    def included(self, chosen: frozenset[str] | set[str]) -> tuple[BundleMember, ...]:
        """The members taken in: the always-included ones and the optional ones chosen."""
        return tuple(m for m in self.members
                     if m.inclusion is Inclusion.ALWAYS or m.matter_code in chosen)


# -- parsing and checking -------------------------------------------------------------------


def parse_bundle(raw: Mapping[str, Any], problems: list[str], position: int = 0) -> Bundle:
    """Parse one bundle object; problems are appended in Chinese, naming the bundle and field."""
    code = raw.get("code") if isinstance(raw.get("code"), str) else f"#{position + 1}"
    name = raw.get("name") if isinstance(raw.get("name"), str) else ""
    where = _("一件事 {code}「{name}」").format(code=code, name=name)
    r = _Reader(raw, where, problems)
    status = r.text("status", choices=("active", "withdrawn"))
    members: list[BundleMember] = []
    for index, member_raw in enumerate(r.objects("members")):
        m = _Reader(member_raw, f"{where} members[{index}]", problems)
        inclusion = m.text("included", choices=[i.value for i in Inclusion])
        members.append(BundleMember(
            matter_code=m.text("matter"),
            inclusion=Inclusion(inclusion) if inclusion in {i.value for i in Inclusion}
            else Inclusion.ALWAYS,
            choose_when=m.text("choose_when", required=inclusion == Inclusion.OPTIONAL.value),
            waits_for=m.texts("waits_for")))
    materials: list[SharedMaterial] = []
    for index, line_raw in enumerate(r.objects("materials", required=False)):
        label = line_raw.get("name") if isinstance(line_raw.get("name"), str) else ""
        m = _Reader(line_raw, f"{where} materials[{index}]「{label}」", problems)
        serves = []
        for use_index, use_raw in enumerate(m.objects("serves")):
            u = _Reader(use_raw, f"{m.where} serves[{use_index}]", problems)
            serves.append(MaterialUse(u.text("matter"), u.text("material")))
        if not serves and "serves" in line_raw:
            m.problem("serves", _("至少需要对应一个成员事项的材料"))
        materials.append(SharedMaterial(m.text("id"), m.text("name"), tuple(serves),
                                        m.optional_text("produced_by")))
    if len(members) < 2 and "members" in raw:
        r.problem("members", _("一件事至少包含两个成员事项"))
    return Bundle(
        code=str(code), version=r.integer("version", minimum=1), name=r.text("name"),
        keywords=r.texts("keywords"), windows=r.texts("windows", min_items=1),
        basis=r.texts("basis"),
        combined_limit=_time_limit(r, "combined_limit", required=False),
        active=status != "withdrawn",
        withdrawn_reason=r.optional_text("withdrawn_reason") or "",
        members=tuple(members), materials=tuple(materials), raw=dict(raw))


def bundle_problems(bundle: Bundle, matters: Mapping[str, Matter]) -> list[str]:
    """What is wrong with a bundle against the matters of the same catalogue, in Chinese."""
    where = _("一件事 {code}「{name}」").format(code=bundle.code, name=bundle.name)
    problems: list[str] = []
    codes = [m.matter_code for m in bundle.members]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("{where}：成员事项 {code} 重复").format(where=where, code=code))
    for member in bundle.members:
        matter = matters.get(member.matter_code)
        if matter is None:
            problems.append(_("{where}：成员事项 {code} 不在目录中").format(
                where=where, code=member.matter_code))
        elif not matter.active and bundle.active:
            problems.append(_("{where}：成员事项 {code}「{name}」已停用（{reason}），不能纳入一件事").format(
                where=where, code=member.matter_code, name=matter.name,
                reason=matter.withdrawn_reason or _("未说明")))
        for other in member.waits_for:
            if other not in codes:
                problems.append(_("{where}：成员事项 {code} 所等待的 {other} 不是本一件事的成员").format(
                    where=where, code=member.matter_code, other=other))
            elif other == member.matter_code:
                problems.append(_("{where}：成员事项 {code} 不能等待自身").format(
                    where=where, code=member.matter_code))
    if _cycle(bundle):
        problems.append(_("{where}：成员事项之间的先后关系（waits_for）构成循环").format(where=where))
    seen_lines: set[str] = set()
    mapped: set[tuple[str, str]] = set()
    for line in bundle.materials:
        if line.id in seen_lines:
            problems.append(_("{where}：共享材料编号「{id}」重复").format(where=where, id=line.id))
        seen_lines.add(line.id)
        for use in line.serves:
            key = (use.matter_code, use.material_id)
            matter = matters.get(use.matter_code)
            if use.matter_code not in codes:
                problems.append(_("{where}：共享材料「{line}」对应的事项 {code} 不是本一件事的成员").format(
                    where=where, line=line.name, code=use.matter_code))
            elif matter is not None and use.material_id not in {x.id for x in matter.materials}:
                problems.append(_("{where}：共享材料「{line}」对应的「{material}」不是事项「{name}」要求的材料").format(
                    where=where, line=line.name, material=use.material_id, name=matter.name))
            if key in mapped:
                problems.append(_("{where}：事项 {code} 的材料「{material}」被多个共享材料对应").format(
                    where=where, code=use.matter_code, material=use.material_id))
            mapped.add(key)
        if line.produced_by is not None:
            if line.produced_by not in codes:
                problems.append(_("{where}：共享材料「{line}」的来源事项 {code} 不是本一件事的成员").format(
                    where=where, line=line.name, code=line.produced_by))
            for use in line.serves:
                if use.matter_code in codes and line.produced_by not in _prerequisites(
                        bundle, use.matter_code):
                    problems.append(_("{where}：共享材料「{line}」由 {producer} 办理结果产生，"
                                      "事项 {code} 须在 waits_for 中等待它").format(
                        where=where, line=line.name, producer=line.produced_by,
                        code=use.matter_code))
    limit = bundle.combined_limit
    if limit is not None and (limit.natural or limit.days > JOINT_LIMIT_DAYS or limit.days < 1):
        problems.append(_("{where}：联合办理的承诺时限应为 1–{n} 个工作日"
                          "（行政许可法第四十二条：不得超过四十五日，经批准可延长十五日）").format(
            where=where, n=JOINT_LIMIT_DAYS))
    return problems


def _prerequisites(bundle: Bundle, code: str) -> set[str]:
    """Every member `code` waits for, directly or through another member."""
    waits = {m.matter_code: m.waits_for for m in bundle.members}
    found: set[str] = set()
    todo = list(waits.get(code, ()))
    while todo:
        other = todo.pop()
        if other in found:
            continue
        found.add(other)
        todo.extend(waits.get(other, ()))
    return found


def _cycle(bundle: Bundle) -> bool:
    return any(m.matter_code in _prerequisites(bundle, m.matter_code) for m in bundle.members)


def parse_bundles(document: Mapping[str, Any], matters: Sequence[Matter]) -> list[Bundle]:
    """The bundles of a catalogue document (none when it has no `bundles`); CatalogueError
    lists every problem, including bundles naming unknown or withdrawn matters."""
    raw = document.get("bundles")
    if raw is None:
        return []
    problems: list[str] = []
    if not isinstance(raw, list):
        raise CatalogueError([_("目录文件的 bundles（一件事列表）应为列表")])
    by_code = {m.code: m for m in matters}
    bundles: list[Bundle] = []
    codes: set[str] = set()
    for position, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(_("第 {n} 个一件事不是 JSON 对象").format(n=position + 1))
            continue
        bundle = parse_bundle(item, problems, position)
        if bundle.code in codes or bundle.code in by_code:
            problems.append(_("一件事编码 {code} 重复").format(code=bundle.code))
        codes.add(bundle.code)
        problems.extend(bundle_problems(bundle, by_code))
        bundles.append(bundle)
    if problems:
        raise CatalogueError(problems)
    return bundles


# -- the merged checklist -------------------------------------------------------------------


@dataclass(frozen=True)
class MergedLine:
    """One line of the bundle's checklist: a document and every member material it stands for.

    `requirement` is the line as one material (most demanding form, most copies, core if any
    member's is, 容缺/承诺 only if every member allows it), so checklist widgets can show it."""

    requirement: MaterialRequirement
    uses: tuple[tuple[Matter, MaterialRequirement], ...]
    produced_by: str | None = None

    @property
    def id(self) -> str:
        return self.requirement.id

    @property
    def member_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.code for m, _r in self.uses))

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.name for m, _r in self.uses))

    def forms_by_member(self) -> tuple[tuple[str, str, int], ...]:
        """(member name, form, copies) of each member material: each member's own requirement."""
        return tuple((m.name, r.form, r.copies) for m, r in self.uses)


@dataclass(frozen=True)
class MergedChecklist:
    """The bundle's one checklist for the members taken in."""

    bundle: Bundle
    members: tuple[Matter, ...]  # included members, in the bundle's order
    lines: tuple[MergedLine, ...]

    def line(self, line_id: str) -> MergedLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)


def _union_form(forms: set[str]) -> str:
    return next(iter(forms)) if len(forms) == 1 else "原件和复印件"


def _line_requirement(line_id: str, name: str,
                      uses: Sequence[tuple[Matter, MaterialRequirement]]) -> MaterialRequirement:
    reqs = [r for _m, r in uses]
    conditional = [r for r in reqs if r.requirement is Requirement.CONDITIONAL]
    all_conditional = len(conditional) == len(reqs)
    condition = None
    if all_conditional and conditional[0].condition is not None:
        texts = list(dict.fromkeys(r.condition.text for r in conditional if r.condition))
        condition = Condition("；".join(texts), conditional[0].condition.subject)
    licences = list(dict.fromkeys(r.e_licence for r in reqs if r.e_licence))
    media = {r.medium for r in reqs}
    notes = list(dict.fromkeys(r.notes for r in reqs if r.notes))
    return MaterialRequirement(
        id=line_id, name=name, form=_union_form({r.form for r in reqs}),
        copies=max(r.copies for r in reqs),
        medium=next(iter(media)) if len(media) == 1 else "纸质或电子",
        source=reqs[0].source,
        requirement=Requirement.CONDITIONAL if all_conditional and condition
        else Requirement.REQUIRED,
        condition=condition if all_conditional else None,
        core=any(r.core for r in reqs),
        deferrable=all(r.deferrable for r in reqs),
        commitment_allowed=all(r.commitment_allowed for r in reqs),
        e_licence=licences[0] if licences and all(r.e_licence for r in reqs) else None,
        notes="；".join(notes[:2]),
        sample=next((r.sample for r in reqs if r.sample), None))


def merge(bundle: Bundle, matters: Mapping[str, Matter],
          chosen: frozenset[str] | set[str] = frozenset()) -> MergedChecklist:
    """One checklist for the included members: shared lines first, then each member's own."""
    included = [matters[m.matter_code] for m in bundle.included(chosen)]
    codes = {m.code for m in included}
    lines: list[MergedLine] = []
    mapped: set[tuple[str, str]] = set()
    for shared in bundle.materials:
        uses = tuple((matters[u.matter_code], matters[u.matter_code].material(u.material_id))
                     for u in shared.serves if u.matter_code in codes)
        mapped.update((u.matter_code, u.material_id) for u in shared.serves)
        if not uses:
            continue
        producer = shared.produced_by if shared.produced_by in codes else None
        lines.append(MergedLine(_line_requirement(shared.id, shared.name, uses), uses, producer))
    for matter in included:
        for material in matter.materials:
            if (matter.code, material.id) in mapped:
                continue
            line_id = f"{_short(matter.code)}.{material.id}"
            lines.append(MergedLine(_line_requirement(line_id, material.name,
                                                      [(matter, material)]), ((matter, material),)))
    return MergedChecklist(bundle, tuple(included), tuple(lines))


def _short(code: str) -> str:
    """A member's own lines are keyed by the end of its code (unique within a bundle)."""
    return code[-10:]


# -- per-member assessment -------------------------------------------------------------------


@dataclass(frozen=True)
class MemberAssessment:
    """One member's checklist, proposed outcome and the check of the chosen outcome."""

    matter: Matter
    evaluation: ChecklistEvaluation
    proposed: Outcome
    check: DecisionCheck
    waiting_for: tuple[str, ...] = ()  # names of members it waits for that are not accepted
    entries: Mapping[str, MaterialEntry] = field(default_factory=dict)


@dataclass(frozen=True)
class BundleAssessment:
    """Every included member assessed; the bundle may be confirmed when every member may."""

    checklist: MergedChecklist
    members: tuple[MemberAssessment, ...]

    @property
    def allowed(self) -> bool:
        return all(m.check.allowed for m in self.members)

    @property
    def blockers(self) -> tuple[str, ...]:
        return tuple(f"「{m.matter.name}」{b}" for m in self.members for b in m.check.blockers)

    def member(self, code: str) -> MemberAssessment:
        for m in self.members:
            if m.matter.code == code:
                return m
        raise KeyError(code)

    def missing(self) -> tuple[tuple[MergedLine, tuple[str, ...], str], ...]:
        """一次性告知 over the whole bundle: each shared line with problems once, the members
        it blocks, and what is required."""
        result = []
        for line in self.checklist.lines:
            blocked = []
            required = ""
            for member in self.members:
                for problem in member.evaluation.problems:
                    if any(m.code == member.matter.code and r.id == problem.material.id
                           for m, r in line.uses):
                        blocked.append(member.matter.name)
                        required = required or problem.required
            if blocked:
                result.append((line, tuple(dict.fromkeys(blocked)), required))
        return tuple(result)


def member_entries(checklist: MergedChecklist, code: str,
                   entries: Mapping[str, MaterialEntry],
                   outcomes_so_far: Mapping[str, Outcome]) -> dict[str, MaterialEntry]:
    """The member's own material entries, fanned out from the shared lines.

    A line produced by another member counts as 免交 (shared by that department) unless that
    member is refused at this window."""
    result: dict[str, MaterialEntry] = {}
    names = {m.code: m.name for m in checklist.members}
    for line in checklist.lines:
        entry = entries.get(line.id, MaterialEntry())
        if line.produced_by is not None and outcomes_so_far.get(line.produced_by) is not (
                Outcome.REFUSED):
            entry = MaterialEntry(MaterialState.WAIVED, note=_("由「{name}」办理结果共享，无需提交").format(
                name=names.get(line.produced_by, line.produced_by)))
        for matter, material in line.uses:
            if matter.code == code:
                result[material.id] = entry
    return result


def member_context(checklist: MergedChecklist, code: str,
                   context: ChecklistContext) -> ChecklistContext:
    """The member's context: clerk-judged conditions ticked on a line apply to what it serves."""
    applies = {r.id for line in checklist.lines if line.id in context.clerk_applies
               for m, r in line.uses if m.code == code}
    return ChecklistContext(context.applicant_type, context.has_agent, frozenset(applies))


def line_applies(line: MergedLine, checklist_context: ChecklistContext,
                 checklist: MergedChecklist) -> bool:
    """Whether any member needs this line in the current context."""
    from clerk_app.domain.checklist import applies

    for matter, material in line.uses:
        if applies(material, member_context(checklist, matter.code, checklist_context)):
            return True
    return False


def _order(checklist: MergedChecklist) -> list[Matter]:
    """Members with those they wait for first (the catalogue forbids cycles)."""
    bundle = checklist.bundle
    done: list[Matter] = []
    pending = list(checklist.members)
    while pending:
        codes_done = {m.code for m in done}
        included = {m.code for m in checklist.members}
        for matter in pending:
            waits = set(bundle.member(matter.code).waits_for) & included
            if waits <= codes_done:
                done.append(matter)
                pending.remove(matter)
                break
        else:  # a cycle slipped through: keep the catalogue order
            done.extend(pending)
            break
    return done


def assess(checklist: MergedChecklist, entries: Mapping[str, MaterialEntry],
           context: ChecklistContext, today: dt.date,
           refusals: Mapping[str, Refusal] | None = None) -> BundleAssessment:
    """Assess every member: its own checklist and outcome, then what waiting for another
    member changes (a member waiting for one that must be corrected is held with it)."""
    refusals = refusals or {}
    bundle = checklist.bundle
    outcomes: dict[str, Outcome] = {}
    results: dict[str, MemberAssessment] = {}
    for matter in _order(checklist):
        code = matter.code
        own = member_entries(checklist, code, entries, outcomes)
        evaluation = evaluate(matter, own, member_context(checklist, code, context), today)
        proposed = propose_outcome(matter, evaluation)
        included = {m.code for m in checklist.members}
        prereqs = [p for p in bundle.member(code).waits_for if p in included]
        held = tuple(p for p in prereqs if not outcomes[p].is_acceptance)
        names = {m.code: m.name for m in checklist.members}
        refusal = refusals.get(code)
        if refusal is not None:
            check = check_decision(matter, evaluation, Outcome.REFUSED, refusal)
        elif held and proposed.is_acceptance:
            check = _held_check(matter, evaluation, proposed, [names[p] for p in held],
                                any(outcomes[p] is Outcome.REFUSED for p in held))
            proposed = check.outcome
        else:
            if proposed is Outcome.DONE_ON_SPOT and any(
                    outcomes[p] is not Outcome.DONE_ON_SPOT for p in prereqs):
                proposed = Outcome.ACCEPTED  # its clock starts when the other is done
                base = check_decision(matter, evaluation, Outcome.DONE_ON_SPOT)
                check = DecisionCheck(Outcome.ACCEPTED, base.allowed, _(
                    "材料齐全，予以受理；待「{names}」办结后即时办理").format(
                    names="、".join(names[p] for p in prereqs)), base.blockers)
            else:
                check = check_decision(matter, evaluation, proposed)
        outcomes[code] = check.outcome
        results[code] = MemberAssessment(matter, evaluation, proposed, check,
                                         tuple(names[p] for p in held), own)
    return BundleAssessment(checklist, tuple(results[m.code] for m in checklist.members))


def _held_check(matter: Matter, evaluation: ChecklistEvaluation, proposed: Outcome,
                held: list[str], refused: bool) -> DecisionCheck:
    base = check_decision(matter, evaluation, proposed)
    names = "、".join(held)
    if refused:
        return DecisionCheck(Outcome.REFUSED, False, "", (*base.blockers, _(
            "所依赖的「{names}」不予受理，本事项也应不予受理或不选").format(names=names)))
    return DecisionCheck(Outcome.CORRECTION, base.allowed, _(
        "本事项材料齐全，须待「{names}」补正后一并受理").format(names=names), base.blockers)


# -- due dates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberDue:
    """When a member's clock starts and when it is due."""

    start: dt.date
    due: dt.date
    provisional: bool  # waits for a member not done yet, or a year without a schedule
    capped: bool  # the bundle's combined limit is earlier than the member's own


def due_dates(checklist: MergedChecklist, limits: Mapping[str, TimeLimit],
              accepted: Mapping[str, dt.date], done: Mapping[str, dt.date],
              calendar: WorkCalendar) -> dict[str, MemberDue]:
    """Each accepted member's due date by its own limit, counted from the day the members it
    waits for are done (their due date while they are not), capped by the combined limit."""
    bundle = checklist.bundle
    result: dict[str, MemberDue] = {}
    for matter in _order(checklist):
        code = matter.code
        if code not in accepted:
            continue
        start, provisional = accepted[code], False
        for prereq in bundle.member(code).waits_for:
            if prereq in done:
                start = max(start, done[prereq])
            elif prereq in result:
                start = max(start, result[prereq].due)
                provisional = True
        limit = limits[code]
        due = calendar.due_date(start, limit.days, limit.natural)
        capped = False
        if bundle.combined_limit is not None:
            first = min(accepted.values())
            cap = calendar.due_date(first, bundle.combined_limit.days, bundle.combined_limit.natural)
            if cap < due:
                due, capped = cap, True
        provisional = provisional or calendar.spans_provisional(start, due)
        result[code] = MemberDue(start, due, provisional and not capped, capped)
    return result


def bundle_status(member_statuses: Sequence[str]) -> str:
    """The bundle's status in words-free form: `finished` when every member is finished,
    `correction` when any waits for a correction, `open` otherwise."""
    finished = {"completed", "denied", "returned", "refused", "handed_over", "delivered"}
    if member_statuses and all(s in finished for s in member_statuses):
        return "finished"
    if any(s == "awaiting_correction" for s in member_statuses):
        return "correction"
    return "open"
