"""Bundles (一件事) in the domain: catalogue checks, the merged list, per-member decisions, due dates."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from clerk_app.domain.bundles import (
    Bundle,
    assess,
    bundle_status,
    due_dates,
    merge,
    parse_bundles,
)
from clerk_app.domain.catalogue import CatalogueError, Matter, TimeLimit
from clerk_app.domain.checklist import ChecklistContext, MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome, Refusal, RefusalGround
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.services.station.catalogue import validate_document

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "sample_catalogue.json"
TODAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matters(document: dict[str, Any]) -> dict[str, Matter]:
    return {m.code: m for m in validate_document(document)}


@pytest.fixture(scope="module")
def bundles(document: dict[str, Any], matters: dict[str, Matter]) -> dict[str, Bundle]:
    return {b.name: b for b in parse_bundles(document, list(matters.values()))}


def _all_received(checklist: Any) -> dict[str, MaterialEntry]:
    return {line.id: MaterialEntry(MaterialState.RECEIVED, line.requirement.form,
                                   line.requirement.copies) for line in checklist.lines}


def test_sample_ships_the_four_bundles(bundles: dict[str, Bundle]) -> None:
    assert {"新生儿出生一件事", "开办餐饮店一件事", "退休一件事", "身后一件事"} <= set(bundles)
    birth = bundles["新生儿出生一件事"]
    assert birth.combined_limit == TimeLimit(5)
    assert [m.inclusion.value for m in birth.members].count("optional") == 1


def test_old_catalogue_without_bundles_stays_valid(document: dict[str, Any],
                                                   matters: dict[str, Matter]) -> None:
    old = {k: v for k, v in document.items() if k != "bundles"}
    assert validate_document(old)
    assert parse_bundles(old, list(matters.values())) == []


def _doc_with(document: dict[str, Any], change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    change(doc["bundles"][0])
    return doc


def test_unknown_withdrawn_and_unrequired_give_chinese_errors(
        document: dict[str, Any], matters: dict[str, Matter]) -> None:
    withdrawn = next(m for m in matters.values() if not m.active)

    def unknown(b: dict[str, Any]) -> None:
        b["members"][0]["matter"] = "NOSUCHMATTER01"

    def stopped(b: dict[str, Any]) -> None:
        b["members"].append({"matter": withdrawn.code, "included": "always"})

    def unrequired(b: dict[str, Any]) -> None:
        b["materials"][0]["serves"].append({"matter": b["members"][0]["matter"],
                                            "material": "no_such_material"})

    cases = [(unknown, "不在目录中"), (stopped, "已停用"), (unrequired, "不是事项")]
    for change, words in cases:
        with pytest.raises(CatalogueError) as caught:
            parse_bundles(_doc_with(document, change), list(matters.values()))
        assert any(words in p for p in caught.value.problems), caught.value.problems


def test_combined_limit_capped_by_article_42_and_cycles_refused(
        document: dict[str, Any], matters: dict[str, Matter]) -> None:
    def too_long(b: dict[str, Any]) -> None:
        b["combined_limit"] = {"days": 46, "unit": "working"}

    def cycle(b: dict[str, Any]) -> None:
        b["members"][0]["waits_for"] = [b["members"][2]["matter"]]

    with pytest.raises(CatalogueError, match="第四十二条"):
        parse_bundles(_doc_with(document, too_long), list(matters.values()))
    with pytest.raises(CatalogueError, match="循环"):
        parse_bundles(_doc_with(document, cycle), list(matters.values()))


def test_merge_collects_a_shared_document_once_with_most_copies_and_forms(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, {m.matter_code for m in birth.members})
    parents = checklist.line("parents_id")
    # 出生登记 wants 原件和复印件, the others the 原件: one line, the most demanding form
    assert parents.requirement.form == "原件和复印件"
    forms = {form for _name, form, _n in parents.forms_by_member()}
    assert forms == {"原件", "原件和复印件"}
    assert len(parents.member_codes) == 4
    names = [line.requirement.name for line in checklist.lines]
    assert names.count("《出生医学证明》") == 1
    # each member material appears on exactly one line
    uses = [(m.code, r.id) for line in checklist.lines for m, r in line.uses]
    assert len(uses) == len(set(uses))
    expected = sum(len(m.materials) for m in checklist.members)
    assert len(uses) == expected


def test_copies_are_the_greatest_any_member_needs(bundles: dict[str, Bundle],
                                                  matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    changed = dict(matters)
    hukou_code = birth.members[2].matter_code
    original = matters[hukou_code]
    materials = tuple(
        m if m.id != "parents_id" else type(m)(**{**m.__dict__, "copies": 3})
        for m in original.materials)
    changed[hukou_code] = type(original)(**{**original.__dict__, "materials": materials})
    checklist = merge(birth, changed, set())
    line = checklist.line("parents_id")
    assert line.requirement.copies == 3
    entries = _all_received(checklist) | {"parents_id": MaterialEntry(
        MaterialState.RECEIVED, "原件和复印件", 2)}
    result = assess(checklist, entries, ChecklistContext(), TODAY)
    assert result.member(hukou_code).proposed is Outcome.CORRECTION  # 2 of 3 copies
    assert result.member(birth.members[0].matter_code).proposed is Outcome.ACCEPTED


def test_optional_member_only_when_chosen(bundles: dict[str, Bundle],
                                          matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    card = birth.members[4].matter_code
    assert card not in {m.code for m in merge(birth, matters, set()).members}
    assert card in {m.code for m in merge(birth, matters, {card}).members}


def test_conditional_material_of_one_member(bundles: dict[str, Bundle],
                                            matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, set())
    hukou_code = birth.members[2].matter_code
    marriage = next(line for line in checklist.lines if line.id.endswith(".marriage_cert"))
    entries = {k: v for k, v in _all_received(checklist).items() if k != marriage.id}
    plain = assess(checklist, entries, ChecklistContext(), TODAY)
    assert plain.member(hukou_code).proposed is Outcome.ACCEPTED  # condition does not hold
    ticked = assess(checklist, entries, ChecklistContext(clerk_applies=frozenset({marriage.id})),
                    TODAY)
    assert ticked.member(hukou_code).proposed is Outcome.CORRECTION
    missing = ticked.missing()
    assert [line.requirement.name for line, _m, _r in missing] == ["父母结婚证"]


def test_per_member_decisions_and_one_list_of_what_is_missing(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, set())
    entries = _all_received(checklist)
    del entries["hukou"]  # 户口簿 serves 出生登记 and 医保参保
    result = assess(checklist, entries, ChecklistContext(), TODAY)
    codes = [m.matter_code for m in birth.members]
    outcomes = {m.matter.code: m.check.outcome for m in result.members}
    assert outcomes[codes[0]] is Outcome.ACCEPTED  # 出生医学证明
    assert outcomes[codes[1]] is Outcome.ACCEPTED  # 预防接种证
    assert outcomes[codes[2]] is Outcome.CORRECTION  # 户口登记 lacks the 户口簿
    assert outcomes[codes[3]] is Outcome.CORRECTION  # 医保 waits for 户口登记
    assert result.member(codes[3]).waiting_for == ("出生登记（新生儿入户）",)
    missing = result.missing()
    assert len(missing) == 1  # 一次性告知: the shared 户口簿 once
    line, blocked, required = missing[0]
    assert line.id == "hukou" and "出生登记（新生儿入户）" in blocked and "请补交" in required
    assert result.allowed


def test_refusing_one_member_needs_its_own_reason_and_basis(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    food = bundles["开办餐饮店一件事"]
    chosen = {m.matter_code for m in food.members}
    checklist = merge(food, matters, chosen)
    sign = food.members[3].matter_code
    entries = _all_received(checklist)
    blank = assess(checklist, entries, ChecklistContext(), TODAY,
                   {sign: Refusal(RefusalGround.NOT_ELIGIBLE, "", "")})
    assert not blank.allowed
    assert any("理由" in b for b in blank.blockers) and any("法律依据" in b for b in blank.blockers)
    refusal = Refusal(RefusalGround.NOT_ELIGIBLE, "招牌位于文物保护范围内",
                      "《城市市容和环境卫生管理条例》第十一条")
    result = assess(checklist, entries, ChecklistContext(), TODAY, {sign: refusal})
    assert result.allowed
    assert result.member(sign).check.outcome is Outcome.REFUSED
    assert result.member(food.members[0].matter_code).check.outcome is Outcome.DONE_ON_SPOT
    assert result.member(food.members[1].matter_code).check.outcome is Outcome.ACCEPTED


def test_refusing_a_prerequisite_blocks_those_waiting_for_it(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, set())
    hukou_code = birth.members[2].matter_code
    refusal = Refusal(RefusalGround.NOT_OUR_MATTER, "新生儿户籍不在本县", "《户口登记条例》第七条",
                      "新生儿常住地公安派出所")
    result = assess(checklist, _all_received(checklist), ChecklistContext(), TODAY,
                    {hukou_code: refusal})
    assert not result.allowed
    assert any("不予受理" in b for b in result.member(birth.members[3].matter_code).check.blockers)


def test_produced_material_is_not_asked_of_the_applicant(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, set())
    entries = _all_received(checklist)
    del entries["newborn_id"], entries["birth_certificate"]  # produced by members
    result = assess(checklist, entries, ChecklistContext(), TODAY)
    assert all(m.check.outcome is Outcome.ACCEPTED for m in result.members)
    assert result.missing() == ()


def test_due_dates_wait_for_the_prerequisite_and_the_combined_limit(
        bundles: dict[str, Bundle], matters: dict[str, Matter]) -> None:
    calendar = WorkCalendar.bundled()
    food = bundles["开办餐饮店一件事"]
    checklist = merge(food, matters, {m.matter_code for m in food.members})
    limits = {m.code: m.promised_limit for m in checklist.members}
    accepted = {m.code: TODAY for m in checklist.members}
    codes = [m.matter_code for m in food.members]
    dues = due_dates(checklist, limits, accepted, {}, calendar)
    assert dues[codes[0]].due == TODAY  # 个体户 is 即办
    assert dues[codes[1]].start == TODAY and dues[codes[1]].due == calendar.add_working_days(
        TODAY, 5)
    # 公共场所卫生许可: 10 working days from the day 个体户 is done, within the combined 10
    assert dues[codes[2]].due == calendar.add_working_days(TODAY, 10)
    birth = bundles["新生儿出生一件事"]
    checklist = merge(birth, matters, set())
    limits = {m.code: m.promised_limit for m in checklist.members}
    accepted = {m.code: TODAY for m in checklist.members}
    codes = [m.matter_code for m in birth.members]
    dues = due_dates(checklist, limits, accepted, {}, calendar)
    # 户口登记 waits for 出生医学证明 (2 days) then takes 3: capped at the combined 5
    assert dues[codes[2]].start == calendar.add_working_days(TODAY, 2)
    assert dues[codes[2]].due == calendar.add_working_days(TODAY, 5)
    assert dues[codes[2]].provisional  # 出生医学证明 is not done yet
    # once 出生医学证明 is done early, the clocks of those waiting start that day
    done = {codes[0]: TODAY + dt.timedelta(days=1)}
    dues = due_dates(checklist, limits, accepted, done, calendar)
    assert dues[codes[2]].start == TODAY + dt.timedelta(days=1)
    assert dues[codes[2]].due == calendar.add_working_days(TODAY + dt.timedelta(days=1), 3)
    assert not dues[codes[2]].provisional


def test_bundle_status_is_derived_from_members() -> None:
    assert bundle_status(["completed", "handed_over", "refused"]) == "finished"
    assert bundle_status(["completed", "accepted"]) == "open"
    assert bundle_status(["awaiting_correction", "accepted"]) == "correction"


def test_schema_checks_bundles(document: dict[str, Any]) -> None:
    import jsonschema

    schema_path = SAMPLE.parent / "catalogue.schema.json"
    validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text("utf-8")))
    assert list(validator.iter_errors(document)) == []
    for change in ({"combined_limit": {"days": 50, "unit": "working"}},
                   {"members": document["bundles"][0]["members"][:1]},
                   {"colour": "红"}):
        doc = copy.deepcopy(document)
        doc["bundles"][0].update(change)
        assert list(validator.iter_errors(doc)), change
    doc = copy.deepcopy(document)
    doc["bundles"][0]["members"][4].pop("choose_when")  # an optional member says when
    assert list(validator.iter_errors(doc))
