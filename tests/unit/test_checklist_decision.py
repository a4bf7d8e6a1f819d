"""Checklist evaluation and the decision at the window (pure domain)."""

from __future__ import annotations

from datetime import date

import pytest

from clerk_app.domain.application import (
    ApplicationStatus,
    TransitionError,
    apply_platform_status,
    move,
    status_after,
)
from clerk_app.domain.catalogue import CatalogueError, parse_catalogue, parse_matter
from clerk_app.domain.checklist import (
    ApplicantType,
    ChecklistContext,
    MaterialEntry,
    MaterialState,
    evaluate,
)
from clerk_app.domain.decision import (
    Outcome,
    Refusal,
    RefusalGround,
    check_decision,
    propose_outcome,
)
from tests.factories import make_matter, material, matter_doc

TODAY = date(2026, 11, 26)


def received(copies: int = 1, form: str = "原件") -> MaterialEntry:
    return MaterialEntry(MaterialState.RECEIVED, form, copies)


ALL_CORE = {"application_form": received(), "id_card": received(form="原件和复印件")}


def test_conditional_material_applies_only_when_its_condition_holds() -> None:
    matter = make_matter()
    alone = evaluate(matter, {**ALL_CORE, "income": received()}, ChecklistContext(), TODAY)
    assert [m.id for m in alone.not_applicable] == ["proxy", "disability"]
    assert alone.complete
    with_agent = evaluate(matter, {**ALL_CORE, "income": received()},
                          ChecklistContext(has_agent=True), TODAY)
    assert [p.material.id for p in with_agent.problems] == ["proxy"]
    clerk_judged = evaluate(matter, {**ALL_CORE, "income": received()},
                            ChecklistContext(clerk_applies=frozenset({"disability"})), TODAY)
    assert [p.material.id for p in clerk_judged.problems] == ["disability"]


def test_correction_lists_every_problem_at_once_with_what_is_required() -> None:
    matter = make_matter()
    entries = {"application_form": MaterialEntry(MaterialState.DEFECTIVE, note="未签名"),
               "id_card": received(form="原件")}
    evaluation = evaluate(matter, entries, ChecklistContext(has_agent=True), TODAY)
    ids = [p.material.id for p in evaluation.problems]
    assert ids == ["application_form", "id_card", "income", "proxy"]
    assert "未签名" in evaluation.problems[0].required
    assert "原件和复印件" in evaluation.problems[1].required
    assert propose_outcome(matter, evaluation) is Outcome.CORRECTION
    check = check_decision(matter, evaluation, Outcome.CORRECTION)
    assert check.allowed
    assert "4 项" in check.explanation


def test_short_copies_are_a_problem() -> None:
    matter = make_matter(materials=[material("form", "申请表", copies=2)])
    evaluation = evaluate(matter, {"form": received(copies=1)}, ChecklistContext(), TODAY)
    assert "应交2份，实交1份" in evaluation.problems[0].required


def test_deferred_acceptance_needs_a_deferrable_material_and_a_future_date() -> None:
    matter = make_matter()
    later = MaterialEntry(MaterialState.DEFERRED, promised_date=date(2026, 12, 3))
    evaluation = evaluate(matter, {**ALL_CORE, "income": later}, ChecklistContext(), TODAY)
    assert propose_outcome(matter, evaluation) is Outcome.ACCEPTED_DEFERRED
    assert check_decision(matter, evaluation, Outcome.ACCEPTED_DEFERRED).allowed

    past = MaterialEntry(MaterialState.DEFERRED, promised_date=TODAY)
    evaluation = evaluate(matter, {**ALL_CORE, "income": past}, ChecklistContext(), TODAY)
    check = check_decision(matter, evaluation, Outcome.ACCEPTED_DEFERRED)
    assert not check.allowed and "晚于今天" in check.blockers[0]

    core_deferred = {**ALL_CORE, "id_card": later, "income": received()}
    evaluation = evaluate(matter, core_deferred, ChecklistContext(), TODAY)
    check = check_decision(matter, evaluation, propose_outcome(matter, evaluation))
    assert not check.allowed and "不允许容缺" in check.blockers[0]


def test_never_all_core_materials_deferred() -> None:
    matter = make_matter(materials=[
        material("a", "甲", deferrable=True), material("b", "乙", core=False),
        material("c", "丙", requirement="conditional",
                 condition={"text": "委托他人办理的提供", "when": "agent"})])
    problems: list[str] = []
    parse_matter(matter_doc(materials=[material("a", "甲", deferrable=True)]), problems)
    assert any("核心材料不能全部允许容缺" in p for p in problems)
    later = MaterialEntry(MaterialState.DEFERRED, promised_date=date(2026, 12, 1))
    evaluation = evaluate(matter, {"a": later, "b": received()}, ChecklistContext(), TODAY)
    assert any("核心材料不能全部容缺" in v.message for v in evaluation.violations)


def test_commitment_only_where_allowed() -> None:
    matter = make_matter()
    committed = MaterialEntry(MaterialState.COMMITTED)
    ok = evaluate(matter, {**ALL_CORE, "income": committed}, ChecklistContext(), TODAY)
    assert propose_outcome(matter, ok) is Outcome.ACCEPTED_ON_COMMITMENT
    bad = evaluate(matter, {**ALL_CORE, "application_form": committed, "income": received()},
                   ChecklistContext(), TODAY)
    assert not check_decision(matter, bad, propose_outcome(matter, bad)).allowed


def test_e_licence_stands_in_only_where_the_matter_says() -> None:
    matter = make_matter()
    e = MaterialEntry(MaterialState.E_LICENCE)
    ok = evaluate(matter, {**ALL_CORE, "id_card": e, "income": received()}, ChecklistContext(),
                  TODAY)
    assert ok.complete and not ok.violations
    bad = evaluate(matter, {**ALL_CORE, "application_form": e, "income": received()},
                   ChecklistContext(), TODAY)
    assert bad.violations


def test_waiver_needs_a_reason() -> None:
    matter = make_matter()
    evaluation = evaluate(matter, {**ALL_CORE, "income": MaterialEntry(MaterialState.WAIVED)},
                          ChecklistContext(), TODAY)
    assert any("理由" in v.message for v in evaluation.violations)


def test_immediate_matter_is_done_on_the_spot() -> None:
    matter = make_matter(handling="immediate", promised_limit={"days": 0, "unit": "working"})
    evaluation = evaluate(matter, {**ALL_CORE, "income": received()}, ChecklistContext(), TODAY)
    assert propose_outcome(matter, evaluation) is Outcome.DONE_ON_SPOT


def test_outcome_must_match_the_checklist() -> None:
    matter = make_matter()
    evaluation = evaluate(matter, ALL_CORE, ChecklistContext(), TODAY)  # income missing
    check = check_decision(matter, evaluation, Outcome.ACCEPTED)
    assert not check.allowed
    assert "一次性补正告知" in check.blockers[0]


def test_refusal_needs_reason_basis_and_for_not_our_matter_the_body() -> None:
    matter = make_matter()
    evaluation = evaluate(matter, {}, ChecklistContext(), TODAY)
    assert not check_decision(matter, evaluation, Outcome.REFUSED, None).allowed
    no_body = Refusal(RefusalGround.NOT_OUR_MATTER, "不属于本镇受理范围", "行政许可法第三十二条")
    check = check_decision(matter, evaluation, Outcome.REFUSED, no_body)
    assert check.blockers == ("不属于本机关职权范围的，须告知申请人向哪个机关申请",)
    full = Refusal(RefusalGround.NOT_OUR_MATTER, "不属于本镇受理范围", "行政许可法第三十二条",
                   "县市场监督管理局")
    assert check_decision(matter, evaluation, Outcome.REFUSED, full).allowed


def test_withdrawn_matter_cannot_be_accepted() -> None:
    matter = make_matter(status="withdrawn", withdrawn_reason="已调整为县级直接办理")
    evaluation = evaluate(matter, {**ALL_CORE, "income": received()}, ChecklistContext(), TODAY)
    check = check_decision(matter, evaluation, Outcome.ACCEPTED)
    assert not check.allowed and "已调整为县级直接办理" in check.blockers[0]


def test_legal_person_condition() -> None:
    matter = make_matter(materials=[
        material("form", "申请表"),
        material("licence", "营业执照", requirement="conditional", core=False,
                 condition={"text": "申请人为单位的提供", "when": "legal_person"})])
    person = evaluate(matter, {"form": received()}, ChecklistContext(), TODAY)
    unit = evaluate(matter, {"form": received()},
                    ChecklistContext(applicant_type=ApplicantType.LEGAL_PERSON), TODAY)
    assert person.complete and not unit.complete


def test_catalogue_errors_name_the_matter_and_field() -> None:
    doc = matter_doc()
    doc["materials"][0]["form"] = "扫描件"
    doc["kind"] = "行政命令"
    with pytest.raises(CatalogueError) as info:
        parse_catalogue({"format": "clerk-catalogue/1", "matters": [doc]})
    text = str(info.value)
    assert "510104-MZ-0001" in text and "最低生活保障申请" in text
    assert "form" in text and "扫描件" in text and "kind" in text


def test_status_machine_moves_forward_only() -> None:
    assert status_after(Outcome.CORRECTION) is ApplicationStatus.AWAITING_CORRECTION
    assert move(ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.ACCEPTED) is (
        ApplicationStatus.ACCEPTED)
    with pytest.raises(TransitionError):
        move(ApplicationStatus.COMPLETED, ApplicationStatus.ACCEPTED)
    assert apply_platform_status(ApplicationStatus.COMPLETED, ApplicationStatus.IN_REVIEW) is (
        ApplicationStatus.COMPLETED)
    assert apply_platform_status(ApplicationStatus.ACCEPTED, ApplicationStatus.IN_REVIEW) is (
        ApplicationStatus.IN_REVIEW)
    assert apply_platform_status(ApplicationStatus.IN_REVIEW, ApplicationStatus.IN_REVIEW) is (
        ApplicationStatus.IN_REVIEW)
    assert apply_platform_status(ApplicationStatus.REFUSED, ApplicationStatus.COMPLETED) is (
        ApplicationStatus.REFUSED)
