"""Village agent points end to end at the services layer, against the reference platform:
an agent 代收 (never 受理), prints the 代办回执 and the 材料交接单; the centre opens the slip,
checks the cases in and accepts; the decision flows back to the village by sync."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.domain.checklist import MaterialEntry, MaterialState, applies
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.masking import mask_name
from clerk_app.domain.village import parse_batch_number
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.intake.notices import NoticeError
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied, Role
from clerk_app.services.station.settings import load_settings
from clerk_app.services.village.point import PointSettings, save_point
from clerk_app.services.village.wiring import village_of
from clerk_app.store.models import Application, AuditEntry
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from clerk_app.sync.page_upload import station_pages_of
from clerk_app.sync.registration import register_station
from clerk_app.sync.state import STATE_TOKEN
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform, start_platform
from tests.sync_station import PASSWORD, open_station

CENTRE = "C510104"
BUNDLED = Path(__file__).resolve().parents[2] / "resources/catalogue/sample_catalogue.json"


@pytest.fixture(scope="module")
def reference_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The reference platform serving the bundled catalogue (the stations' own), so a sync
    does not withdraw the matters the village collected."""
    running = start_platform(tmp_path_factory.mktemp("platform"), catalogue=BUNDLED)
    yield running
    running.stop()


@dataclass
class Point:
    services: Services
    actor: Actor
    code: str

    def sync(self) -> None:
        """One forced sync round, material pages included; it must exchange everything."""
        services = self.services
        report = SyncEngine(adapter_factory(services.ctx.config), services.sync_store,
                            lambda: services.ctx.clock().astimezone(), random.Random(3),
                            configured=lambda: True,
                            pages=station_pages_of(services.sync_store)).run_once(force=True)
        assert report.outcome is Outcome.DONE, report.error

    def status(self, number: str) -> Application:
        with self.services.ctx.db.reading() as session:
            app = session.scalars(select(Application).where(Application.number == number)).one()
            _ = app.visits
            return app


def _station(tmp: Path, code: str, platform: RunningPlatform, office: BackOffice,
             role: Role, kind: str) -> Point:
    services = open_station(tmp, code, platform.url)
    admin = services.accounts.create_first_admin("admin", "王管理", PASSWORD)
    name = ("liqiang", "李强") if role is Role.AGENT else ("zhangli", "张丽")
    actor = services.accounts.create(admin, name[0], name[1], PASSWORD, role, "民生事务")
    save_point(services.ctx, admin, PointSettings(
        kind=kind, point_name="青石村便民服务点" if kind == "village" else "",
        point_phone="13912345678"))
    key = office.issue_registration_key(code, "青石村" if kind == "village" else "中心", CENTRE)
    register_station(services.sync_store, adapter_factory(services.ctx.config), key)
    return Point(services, actor, code)


@pytest.fixture
def pair(tmp_path: Path, reference_platform: RunningPlatform, back_office: BackOffice,
         station_code: str, cheap_kdf: None) -> Iterator[tuple[Point, Point]]:
    village = _station(tmp_path / "village", station_code, reference_platform, back_office,
                       Role.AGENT, "village")
    centre_code = station_code[:6] + f"{(int(station_code[6:]) + 500) % 1000:03d}"
    centre = _station(tmp_path / "centre", centre_code, reference_platform, back_office,
                      Role.CLERK, "centre")
    yield village, centre
    village.services.close()
    centre.services.close()


def _code(services: Services, name: str) -> str:
    return next(m.code for m in services.catalogue.current_matters() if m.name == name)


def _form(services: Services, actor: Actor, name: str, seed: int,
          skip: set[str] = frozenset()) -> tuple[int, IntakeForm]:  # type: ignore[assignment]
    draft, form = services.intake.start(actor, _code(services, name))
    person = FakePeople(seed).person()
    form = replace(form, applicant=PersonInput(person.name, "resident_id", person.resident_id,
                                               person.mobile, person.address))
    matter = services.catalogue.matter(form.matter_code, form.matter_version)
    for material in matter.materials:
        if applies(material, form.context()) and material.id not in skip:
            form = form.with_material(material.id, MaterialEntry(
                MaterialState.RECEIVED, material.form, material.copies))
    return draft, form


def test_agent_collects_and_the_centre_decides(pair: tuple[Point, Point]) -> None:
    require_poppler()
    village, centre = pair
    vs, agent = village.services, village.actor
    vv = village_of(vs)
    # an agent cannot 受理 a matter that is not delegated; the refusal is audited
    draft, form = _form(vs, agent, "最低生活保障申请", 11)
    with pytest.raises(PermissionDenied, match="代收"):
        vs.intake.confirm(agent, draft, form)
    with vs.ctx.db.reading() as session:
        denied = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "permission_denied", AuditEntry.username == "liqiang")).all()
        assert [(d.entity, d.entity_id) for d in denied] == [("permission", "intake")]
    first = vv.collection.collect(agent, draft, form).application_number
    # a delegated matter (village_decides) is decided at the village
    d2, f2 = _form(vs, agent, "生育登记", 12)
    decided = vs.intake.confirm(agent, d2, f2)
    assert decided.status.value == "completed"
    notice = squeezed(pdf_text(vs.notices.render(agent, decided.application_number).pdf))
    centre_name = load_settings(vs.ctx).centre_name
    assert notice.count("青石村便民服务点") == 2  # the issuer of both copies
    assert centre_name and squeezed(centre_name) not in notice  # the point decided, not the centre
    # an in-person matter: received with a material missing; the receipt says so
    d3, f3 = _form(vs, agent, "残疾人证新办", 13, skip={"application"})
    collected = vv.collection.collect(agent, d3, f3)
    assert collected.missing and collected.appearance and collected.visits == 1
    receipt = vv.batches.receipt_pdf(agent, collected.application_number)
    text = squeezed(pdf_text(receipt))
    for words in ("代办回执", collected.application_number, "李强", "13912345678", "本人到",
                  "县残疾人联合会指定的医疗机构", "不计入您的跑动次数", "《残疾人证申请表》"):
        assert squeezed(words) in text, words
    assert decode(raster(receipt, 200)).get("Code 128") == collected.application_number
    # the agent sees only their point's cases: the centre's clerk searches nothing of theirs
    assert [r.number for r in vs.lookup.search(agent, form.applicant.name)] == [first]
    # hand-over slip of both 代收 cases
    carry = [r.number for r in vv.batches.to_carry(agent)]
    assert carry == [first, collected.application_number]
    batch_no = vv.batches.make_batch(agent, carry)
    assert parse_batch_number(batch_no) is not None
    slip = vv.batches.slip_pdf(agent, batch_no)
    slip_text = squeezed(pdf_text(slip))
    assert squeezed(mask_name(form.applicant.name)) in slip_text
    assert form.applicant.name not in slip_text
    assert "移交人（代办员）签名" in slip_text and "接收人（中心窗口人员）签名" in slip_text
    assert decode(raster(slip, 200)).get("Code 128") == batch_no
    assert {village.status(n).status for n in carry} == {"in_transit"}
    village.sync()
    # at the centre: scan, open, check in, accept
    cs, clerk = centre.services, centre.actor
    cv = village_of(cs)
    token = cs.sync_store.get_cursor(STATE_TOKEN)
    assert token

    def fetch(number: str) -> dict[str, object]:
        with ClerkSyncV1Adapter(cs.ctx.config.platform_url, token=token) as adapter:
            return adapter.village_batch(number)

    def listing() -> list[dict[str, object]]:
        with ClerkSyncV1Adapter(cs.ctx.config.platform_url, token=token) as adapter:
            return adapter.village_pending()

    # before the paper arrives the slip is 在途 at the centre too
    assert [(p.number, p.point_name, p.cases, p.waiting, p.overdue)
            for p in cv.centre.pending(clerk, listing)] == [
        (batch_no, "青石村便民服务点", 2, 2, False)]
    opened = cv.centre.open_batch(clerk, batch_no, fetch)
    assert [c.number for c in opened.cases] == carry
    assert all(c.status_label == "在途" for c in opened.cases)
    assert opened.cases[1].missing == ("《残疾人证申请表》",)
    cv.centre.receive(clerk, batch_no, first)
    draft_c, form_c = cs.intake.reopen(clerk, first)
    # the checklist is pre-filled from the agent's capture
    assert {k: v for k, v in form_c.materials.items()
            if v.state is MaterialState.RECEIVED} == form.materials
    result = cs.intake.confirm(clerk, draft_c, form_c)
    assert result.status.value == "accepted" and result.visits == 1  # no trip at the centre
    assert result.due_date is not None
    centre.sync()
    village.sync()
    back = village.status(first)
    assert back.status == "accepted"
    assert back.accepted_on == cs.ctx.today() and back.due_date == result.due_date
    assert len(back.visits) == 1
    assert village.status(collected.application_number).status == "in_transit"
    # one case never checked in: still 在途 on both sides, flagged after 3 working days
    assert [(p.waiting, p.overdue) for p in cv.centre.pending(clerk, listing)] == [(1, False)]
    later = datetime.now() + timedelta(days=12)
    cs.ctx.clock = lambda: later
    vs.ctx.clock = lambda: later
    assert [(p.waiting, p.overdue) for p in cv.centre.pending(clerk, listing)] == [(1, True)]
    assert [(r.number, r.overdue) for r in vv.batches.in_transit(agent)] == [
        (collected.application_number, True)]
    # the late paper arrives: checked in, and the centre tells everything missing at once
    cv.centre.receive(clerk, batch_no, collected.application_number)
    draft_k, form_k = cs.intake.reopen(clerk, collected.application_number)
    correction = cs.intake.confirm(clerk, draft_k, form_k)
    assert correction.outcome.value == "correction" and correction.due_date is None
    centre.sync()
    village.sync()
    assert village.status(collected.application_number).status == "awaiting_correction"
    assert cv.centre.pending(clerk, listing) == [] and vv.batches.in_transit(agent) == []
    # the villager brings the missing form to the agent: 代收 again, carried on a second slip
    draft_r, form_r = vs.intake.reopen(agent, collected.application_number)
    wanted = vs.catalogue.matter(form_r.matter_code, form_r.matter_version).material(
        "application")
    form_r = form_r.with_material("application", MaterialEntry(
        MaterialState.RECEIVED, wanted.form, wanted.copies))
    again = vv.collection.collect(agent, draft_r, form_r)
    assert again.missing == () and again.visits == 2  # the villager's second trip (village)
    second = vv.batches.make_batch(agent, [collected.application_number])
    village.sync()
    assert [(p.number, p.waiting) for p in cv.centre.pending(clerk, listing)] == [(second, 1)]
    assert [c.status_label for c in cv.centre.open_batch(clerk, second, fetch).cases] == ["在途"]
    cv.centre.receive(clerk, second, collected.application_number)
    draft_a, form_a = cs.intake.reopen(clerk, collected.application_number)
    assert form_a.materials["application"].state is MaterialState.RECEIVED
    accepted = cs.intake.confirm(clerk, draft_a, form_a)
    assert accepted.status.value == "accepted" and accepted.visits == 2
    centre.sync()
    village.sync()
    final = village.status(collected.application_number)
    assert final.status == "accepted" and len(final.visits) == 2
    assert final.due_date == accepted.due_date
    assert final.accepted_on == later.date()  # the centre's date of 受理, not the sync's


def test_in_transit_is_flagged_after_three_working_days(pair: tuple[Point, Point]) -> None:
    village, _centre = pair
    vs, agent = village.services, village.actor
    vv = village_of(vs)
    draft, form = _form(vs, agent, "最低生活保障申请", 21)
    number = vv.collection.collect(agent, draft, form).application_number
    monday = datetime(2026, 12, 7, 9, 0)
    vs.ctx.clock = lambda: monday
    vv.batches.make_batch(agent, [number])
    for days, overdue in ((3, False), (4, True)):  # Thursday: 3 working days; Friday: late
        vs.ctx.clock = lambda d=days: monday + timedelta(days=d)  # type: ignore[misc]
        rows = vv.batches.in_transit(agent)
        assert [(r.number, r.overdue) for r in rows] == [(number, overdue)]
    supervisor = vs.accounts.create(_admin(vs), "zhao", "赵主任", PASSWORD, Role.SUPERVISOR, "")
    assert [r.overdue for r in vv.batches.in_transit(supervisor)] == [True]


def _admin(services: Services) -> Actor:
    return services.accounts.sign_in("admin", PASSWORD)


def test_an_agent_sees_only_their_own_cases(pair: tuple[Point, Point]) -> None:
    _village, centre = pair
    cs, clerk = centre.services, centre.actor
    draft, form = _form(cs, clerk, "最低生活保障申请", 31)
    number = cs.intake.confirm(clerk, draft, form).application_number
    admin = _admin(cs)
    agent = cs.accounts.create(admin, "cunwang", "村王", PASSWORD, Role.AGENT, "")
    assert cs.lookup.by_number(agent, number) is None
    assert cs.lookup.search(agent, form.applicant.name) == []
    assert cs.lookup.for_day(agent, cs.ctx.today()) == []
    with pytest.raises(ResultsError):
        cs.application_view.details(agent, number)
    with pytest.raises(NoticeError):
        cs.notices.render(agent, number, reprint=True)
    with pytest.raises(PermissionDenied):
        cs.owed.phone_for_call(agent, number)
    assert [r.number for r in cs.lookup.search(clerk, form.applicant.name)] == [number]
