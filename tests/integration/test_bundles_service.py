"""Bundle intake on a real (encrypted) SQLite file: one transaction, members, correction, finish."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.domain.application import ApplicationStatus, apply_platform_status
from clerk_app.domain.bundles import Bundle
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Outcome
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.numbering import format_number
from clerk_app.services.bundles.form import BundleForm
from clerk_app.services.bundles.service import BundleService, bundle_status
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.store.models import (
    Application,
    AuditEntry,
    BundleCase,
    BundleMaterial,
    BundleMaterialUse,
    OutboxEvent,
    Visit,
)

NOW = datetime(2026, 12, 7, 9, 30)  # Monday
RETURN = datetime(2026, 12, 9, 10, 0)
_people = FakePeople(seed=132026)
PARENT = _people.person()


def birth(services: Services) -> Bundle:
    return next(b for b in services.bundles.definitions.current() if b.name == "新生儿出生一件事")


def filled(service: BundleService, form: BundleForm, *, without: tuple[str, ...] = ()
           ) -> BundleForm:
    """Every line of the shared list received as required, except `without`."""
    materials = {line.id: MaterialEntry(MaterialState.RECEIVED, line.requirement.form,
                                        line.requirement.copies)
                 for line in service.checklist(form).lines if line.id not in without}
    return replace(form, applicant=PersonInput(PARENT.name, "resident_id", PARENT.resident_id,
                                               PARENT.mobile, PARENT.address),
                   materials=materials)


@pytest.fixture
def at_counter(services: Services) -> Services:
    services.ctx.clock = lambda: NOW
    return services


def test_bundles_are_found_by_name_and_keyword(at_counter: Services) -> None:
    search = at_counter.matters
    search.refresh()
    for query in ("出生一件事", "开饭店", "身后", "tuixiu"):
        hits = search.search(query)
        assert hits and search.is_bundle(hits[0].code), (query, hits[:3])
    assert any(not search.is_bundle(h.code) for h in search.search("社会保障卡"))


def test_confirm_writes_bundle_members_and_shared_materials_at_once(
        at_counter: Services, clerk: Actor) -> None:
    service = at_counter.bundles
    form = filled(service, service.start(clerk, birth(at_counter).code), without=("hukou",))
    assessed = service.assess(form)
    assert assessed.can_confirm
    result = service.confirm(clerk, form)
    outcomes = {m.matter_name: m.outcome for m in result.members}
    assert outcomes == {
        "出生医学证明首次签发": Outcome.ACCEPTED, "预防接种证办理": Outcome.ACCEPTED,
        "出生登记（新生儿入户）": Outcome.CORRECTION,
        "城乡居民基本医疗保险参保登记": Outcome.CORRECTION}
    numbers = {m.number for m in result.members}
    assert len(numbers | {result.number}) == 5  # the bundle and each member numbered
    with at_counter.ctx.db.reading() as session:
        case = session.scalars(select(BundleCase)).one()
        assert case.number == result.number and case.trips == 1
        assert bundle_status(case) == "correction"
        assert {a.number for a in case.members} == numbers
        parents = session.scalars(select(BundleMaterial).where(
            BundleMaterial.line_id == "parents_id")).one()
        assert parents.form_required == "原件和复印件"
        served = {u.application_material.application.matter_name for u in parents.uses}
        assert served == {"出生医学证明首次签发", "预防接种证办理", "出生登记（新生儿入户）"}
        assert session.scalar(select(func.count()).select_from(BundleMaterial)) == len(
            service.checklist(form).lines)
        events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        types = [e.type for e in events]
        assert types.count("application.confirmed") == 4 and types[-1] == "bundle.confirmed"
        payload = events[-1].payload
        assert {m["number"] for m in payload["members"]} == numbers
        assert payload["number"] == result.number
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "bundle")).one().action == "bundle_confirmed"
        accepted = {a.matter_name: a for a in case.members}
        # 户口登记 and 医保 wait: no due date while their correction is awaited
        assert accepted["出生登记（新生儿入户）"].due_date is None
        assert accepted["出生医学证明首次签发"].due_date is not None


def test_applicant_returns_by_member_number_and_all_are_accepted(
        at_counter: Services, clerk: Actor) -> None:
    service = at_counter.bundles
    form = filled(service, service.start(clerk, birth(at_counter).code), without=("hukou",))
    first = service.confirm(clerk, form)
    member = next(m.number for m in first.members if m.outcome is Outcome.CORRECTION)
    assert service.bundle_number_of(member) == first.number
    at_counter.ctx.clock = lambda: RETURN
    again = service.reopen(clerk, member)
    assert again.bundle_number == first.number
    assert again.materials["hukou"].state is MaterialState.MISSING
    again = again.with_material("hukou", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    assessed = service.assess(again)
    assert assessed.to_decide == {m.matter_code for m in first.members
                                  if m.outcome is Outcome.CORRECTION}
    second = service.confirm(clerk, again)
    assert second.number == first.number and second.trips == 2
    assert all(m.outcome.is_acceptance for m in second.members)
    dues = {m.matter_name: m for m in second.members}
    hukou, medical = dues["出生登记（新生儿入户）"], dues["城乡居民基本医疗保险参保登记"]
    assert hukou.due_date is not None and medical.due_date is not None
    assert medical.due_date >= hukou.due_date  # 医保 waits for 户口登记
    with at_counter.ctx.db.reading() as session:
        case = session.scalars(select(BundleCase)).one()
        assert session.scalar(select(func.count()).select_from(Application)) == 4
        uses = session.scalar(select(func.count()).select_from(BundleMaterialUse))
        assert uses is not None and uses > 4
        assert bundle_status(case) == "open"
        visits = session.scalar(select(func.count()).select_from(Visit))
        assert visits == 4 + 2  # each member's intake, then the two re-decided members
    with pytest.raises(IntakeError, match="没有待补正"):
        service.reopen(clerk, first.number)


def test_finished_when_every_member_is(at_counter: Services, clerk: Actor) -> None:
    service = at_counter.bundles
    form = filled(service, service.start(clerk, birth(at_counter).code))
    result = service.confirm(clerk, form)
    for index, member in enumerate(result.members):
        with at_counter.ctx.db.transaction() as session:
            app = session.scalars(select(Application).where(
                Application.number == member.number)).one()
            app.status = apply_platform_status(
                ApplicationStatus(app.status), ApplicationStatus.COMPLETED).value
        with at_counter.ctx.db.reading() as session:
            case = session.scalars(select(BundleCase)).one()
            expected = "finished" if index == len(result.members) - 1 else "open"
            assert bundle_status(case) == expected


def test_nothing_is_written_when_a_member_may_not_be_confirmed(
        at_counter: Services, clerk: Actor) -> None:
    service = at_counter.bundles
    form = filled(service, service.start(clerk, birth(at_counter).code))
    form = replace(form, applicant=PersonInput())
    with pytest.raises(IntakeError) as caught:
        service.confirm(clerk, form)
    assert any("申请人" in p for p in caught.value.problems)
    with at_counter.ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(BundleCase)) == 0
        assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_failure_midway_rolls_back_every_member(at_counter: Services, clerk: Actor,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    service = at_counter.bundles
    form = filled(service, service.start(clerk, birth(at_counter).code))

    def broken(*_args: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(BundleService, "_write_materials", staticmethod(broken))
    with pytest.raises(OSError):
        service.confirm(clerk, form)
    with at_counter.ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_unknown_number_is_told_in_chinese(at_counter: Services, clerk: Actor) -> None:
    with pytest.raises(IntakeError, match="没有编号"):
        at_counter.bundles.reopen(clerk, format_number("510104", "001", NOW.date(), 999))


def _finish(services: Services, number: str) -> None:
    """Stands in for the back office's status arriving by sync (tests only)."""
    with services.ctx.db.transaction() as session:
        app = session.scalars(select(Application).where(Application.number == number)).one()
        app.status = apply_platform_status(
            ApplicationStatus(app.status), ApplicationStatus.COMPLETED).value


def test_handover_waits_for_the_last_unless_the_clerk_hands_over_early(
        at_counter: Services, clerk: Actor) -> None:
    from clerk_app.domain.handover import Collector, CollectorRole
    from clerk_app.services.bundles.handover import BundleHandoverService
    from clerk_app.services.results.handover import ResultsError

    service = at_counter.bundles
    result = service.confirm(clerk, filled(service, service.start(clerk, birth(at_counter).code)))
    handover = BundleHandoverService(at_counter.ctx, service, at_counter.handover)
    numbers = [m.number for m in result.members]
    for number in numbers[:2]:
        _finish(at_counter, number)
    ready = handover.readiness(numbers[3])  # a member's number finds the bundle
    assert [m.number for m in ready.ready] == numbers[:2]
    assert [m.number for m in ready.pending] == numbers[2:]
    assert not ready.all_ready
    who = Collector(CollectorRole.APPLICANT, PARENT.name, "resident_id", PARENT.resident_id,
                    id_checked=True)
    with pytest.raises(ResultsError, match="先行出件"):
        handover.hand_over(clerk, result.number, who)
    early = handover.hand_over(clerk, result.number, who, early=True)
    assert early.handed_over == tuple(numbers[:2]) and early.still_pending == tuple(numbers[2:])
    assert early.trips == 2  # the intake, then this trip
    for number in numbers[2:]:
        _finish(at_counter, number)
    assert handover.readiness(result.number).all_ready
    last = handover.hand_over(clerk, result.number, who)
    assert last.handed_over == tuple(numbers[2:]) and last.trips == 3
    with at_counter.ctx.db.reading() as session:
        case = session.scalars(select(BundleCase)).one()
        assert bundle_status(case) == "finished"
        assert {a.status for a in case.members} == {"handed_over"}
        events = session.scalars(select(OutboxEvent.type).where(
            OutboxEvent.type == "result.handed_over")).all()
        assert len(events) == 4


def test_import_refuses_a_bundle_naming_an_unknown_matter_and_changes_nothing(
        at_counter: Services, admin: Actor) -> None:
    import copy
    import json
    from pathlib import Path

    from clerk_app.domain.catalogue import CatalogueError
    from clerk_app.store.models import BundleDefinition

    sample = Path(__file__).resolve().parents[2] / "resources/catalogue/sample_catalogue.json"
    document = json.loads(sample.read_text(encoding="utf-8"))
    bad = copy.deepcopy(document)
    bad["bundles"][0]["version"] = 2
    bad["bundles"][0]["members"][1]["matter"] = "NOSUCHMATTER01"
    bad["bundles"][1]["version"] = 2
    bad["bundles"][1]["materials"][0]["serves"][0]["material"] = "no_such_material"
    with pytest.raises(CatalogueError) as caught:
        at_counter.catalogue.import_document(admin, bad)
    text = "\n".join(caught.value.problems)
    assert "成员事项 NOSUCHMATTER01 不在目录中" in text
    assert "「no_such_material」不是事项" in text
    with at_counter.ctx.db.reading() as session:
        assert set(session.scalars(select(BundleDefinition.version))) == {1}
    withdrawn = copy.deepcopy(document)
    stopped = next(m for m in withdrawn["matters"] if m["code"] == withdrawn["bundles"][2][
        "members"][0]["matter"])
    stopped.update(version=2, status="withdrawn", withdrawn_reason="并入其他事项")
    with pytest.raises(CatalogueError, match="已停用"):
        at_counter.catalogue.import_document(admin, withdrawn)


def test_members_waiting_start_their_clock_when_the_other_is_finished_by_sync(
        at_counter: Services, clerk: Actor) -> None:
    from datetime import UTC

    from clerk_app.sync.api import StatusChange

    service = at_counter.bundles
    result = service.confirm(clerk, filled(service, service.start(clerk, birth(at_counter).code)))
    members = {m.matter_name: m for m in result.members}
    hukou = members["出生登记（新生儿入户）"]
    assert hukou.due_provisional  # counted from 出生医学证明's due date for now
    calendar = at_counter.calendar.calendar()
    done = datetime(2026, 12, 7, 16, 0)  # 出生医学证明 finished the day it was accepted
    at_counter.ctx.clock = lambda: done
    at_counter.sync_store.apply_status_changes([StatusChange(
        1, members["出生医学证明首次签发"].number, "completed", "已签发",
        done.astimezone(UTC), "县卫生健康局")], "1")
    with at_counter.ctx.db.reading() as session:
        app = session.scalars(select(Application).where(
            Application.number == hukou.number)).one()
        assert app.due_date == calendar.add_working_days(NOW.date(), 3)
        assert not app.due_provisional
        assert session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_id == hukou.number,
            AuditEntry.action == "due_date_restarted")).one()


def test_a_draft_kept_as_typed_comes_back_and_goes_with_the_confirmation(
        at_counter: Services, clerk: Actor) -> None:
    from clerk_app.domain.decision import Refusal, RefusalGround
    from clerk_app.store.models import BundleDraft

    service = at_counter.bundles
    code = birth(at_counter).code
    form = filled(service, service.start(clerk, code), without=("hukou",))
    refused = birth(at_counter).members[1].matter_code
    form = replace(form, chosen=frozenset({birth(at_counter).members[4].matter_code}),
                   clerk_applies=frozenset({"parents_id"})).with_refusal(
        refused, Refusal(RefusalGround.OTHER, "演示", "依据"))
    draft_id = service.save_draft(clerk, None, form, 1)
    assert service.save_draft(clerk, draft_id, replace(form, applicant=PersonInput()), 1) \
        == draft_id  # an older revision does not overwrite
    again_id, revision, again = BundleService(
        at_counter.ctx, at_counter.catalogue, at_counter.intake,
        at_counter.calendar.calendar).resume_or_start(clerk, code)  # as after a restart
    assert (again_id, revision) == (draft_id, 1)
    assert again == form
    form = form.with_refusal(refused, None)
    service.confirm(clerk, form, draft_id)
    with at_counter.ctx.db.reading() as session:
        assert session.scalars(select(BundleDraft)).all() == []
    assert service.resume_or_start(clerk, code)[0] is None
