"""Roles and permissions at the services layer: every role x every permission, by real calls.

A hidden button is not a permission: each action below is the service function a button or a
command calls. Where a refusal happens it must be PermissionDenied with a Chinese message and
an audit entry; where it is allowed nothing about permissions may stop it. HANDOVER and
FOLLOW_UP go through `require` itself until their services (出件, 差评回访) are in.
Also: account lockout and unlock by the clock, and the AB岗 handover.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.domain.workdays import PauseKind
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.intake.notices import NoticeError
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    PermissionDenied,
    Role,
    allowed,
    require,
)
from clerk_app.services.station.settings import CentreSettings, load_settings, save_settings
from clerk_app.services.supervision.accounts import LOCK_MINUTES, MAX_FAILED_LOGINS, AccountError
from clerk_app.services.supervision.reassign import ReassignError, ReassignService
from clerk_app.services.supervision.reports import LogQuery, LogScope, ReportService
from clerk_app.services.village.wiring import village_of
from clerk_app.store.models import Application, AuditEntry, OutboxEvent, User
from tests.conftest import TEST_PASSWORD
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"
NOW = datetime(2026, 11, 26, 10, 0)
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")
P = Permission
# The issue's table, written out here rather than read from ROLE_PERMISSIONS.
EXPECTED: dict[Role, set[Permission]] = {
    Role.CLERK: {P.INTAKE, P.REFUSE, P.REPRINT, P.OWN_LOG, P.HANDOVER},
    # 代办员 代收 (issue 11): no 受理/不予受理; decides only matters delegated to villages
    Role.AGENT: {P.COLLECT, P.DECIDE_DELEGATED, P.REPRINT, P.HANDOVER},
    Role.SUPERVISOR: set(Permission) - {P.MANAGE_ACCOUNTS, P.SETTINGS, P.COLLECT,
                                        P.DECIDE_DELEGATED},
    Role.ADMIN: set(Permission),
}
REPO = Path(__file__).resolve().parents[2]


def _complete(form: IntakeForm) -> IntakeForm:
    for mid, entry in {
        "application_form": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
        "id_card": MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1),
        "income": MaterialEntry(MaterialState.RECEIVED, "原件", 1),
    }.items():
        form = form.with_material(mid, entry)
    return form


@dataclass
class Station:
    """A station with one accepted application and an account of every role."""

    services: Services
    number: str
    actors: dict[Role, Actor]

    @property
    def admin(self) -> Actor:
        return self.actors[Role.ADMIN]

    @property
    def clerk(self) -> Actor:
        return self.actors[Role.CLERK]

    @property
    def reports(self) -> ReportService:
        return ReportService(self.services.ctx, self.services.calendar.calendar)

    def refusal_form(self) -> IntakeForm:
        return IntakeForm(CODE, 1, applicant=APPLICANT, refusal=Refusal(
            RefusalGround.NOT_ELIGIBLE, "户籍不在本镇", "《社会救助暂行办法》第十一条"))


def _open(data_dir: Path) -> Services:
    services = open_services(Config(data_dir=data_dir), log_to_file=False)
    services.ctx.clock = lambda: NOW
    return services


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Built once per module (argon2 hashes are slow); each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("station")
    services = _open(folder)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", TEST_PASSWORD)
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    accounts = (("zhangli", "张丽", Role.CLERK, "民生事务"), ("cunwang", "村王", Role.AGENT, ""),
                ("zhuren", "刘主任", Role.SUPERVISOR, ""))
    for username, name, role, window in accounts:
        services.accounts.create(admin, username, name, TEST_PASSWORD, role, window)
    clerk = services.accounts.sign_in("zhangli", TEST_PASSWORD)
    draft_id, form = services.intake.start(clerk, CODE)
    number = services.intake.confirm(
        clerk, draft_id, _complete(replace(form, applicant=APPLICANT))).application_number
    services.close()
    return folder, number


@pytest.fixture
def station(tmp_path: Path, template: tuple[Path, str]) -> Iterator[Station]:
    folder, number = template
    for part in folder.glob("clerk.sqlite*"):
        shutil.copy2(part, tmp_path / part.name)
    services = _open(tmp_path)
    with services.ctx.db.reading() as session:
        actors = {Role(u.role): Actor(u.id, u.username, u.display_name, u.role, u.window)
                  for u in session.scalars(select(User))}
    yield Station(services, number, actors)
    services.close()


def _reprint(s: Station, actor: Actor) -> None:
    if actor.role == Role.AGENT.value:  # an agent sees only their own cases (test_village.py)
        with pytest.raises(NoticeError):
            s.services.notices.render(actor, s.number, reprint=True)
        require(s.services.ctx, actor, P.REPRINT)
        return
    s.services.notices.render(actor, s.number, reprint=True)


def _catalogue_import(s: Station, actor: Actor) -> None:
    s.services.catalogue.import_document(actor, catalogue_doc(matter_doc(code=CODE)))


def _calendar_import(s: Station, actor: Actor) -> None:
    document = json.loads((REPO / "resources/calendar/cn-2026.json").read_text("utf-8"))
    s.services.calendar.import_payload(actor, document, source="test")


def _see_full_id(s: Station, actor: Actor) -> None:
    row = s.services.lookup.by_number(actor, s.number)
    if row is None:  # an agent sees only their own point's cases
        raise PermissionDenied("not visible")
    if row.applicant_doc != APPLICANT.doc_number:  # the service's own refusal is masking
        assert row.applicant_doc == "110105********002X"
        raise PermissionDenied("masked")


def _accounts(s: Station, actor: Actor) -> None:
    s.services.accounts.list_accounts(actor)
    s.services.accounts.create(actor, "xinren", "新人", TEST_PASSWORD, Role.CLERK, "综合服务")
    s.services.accounts.reset_password(actor, "xinren", "newpass2026")
    s.services.accounts.set_active(actor, "xinren", False)


def _own_log(s: Station, actor: Actor) -> None:
    s.reports.rows(actor, LogQuery.day(NOW.date(), LogScope.clerk(actor.username)))


def _centre_log(s: Station, actor: Actor) -> None:
    s.reports.rows(actor, LogQuery.day(NOW.date(), LogScope.station()))


def _pause(s: Station, actor: Actor) -> None:
    s.services.clock.pause(actor, s.number, PauseKind.SPECIAL_PROCEDURE, "检测",
                           NOW.date() + timedelta(days=10))


def _settings(s: Station, actor: Actor) -> None:
    save_settings(s.services.ctx, actor, replace(load_settings(s.services.ctx), yellow_days=3))


def _reassign(s: Station, actor: Actor) -> None:
    ReassignService(s.services.ctx).open_applications(actor, s.clerk.username)


ACTIONS: dict[Permission, Callable[[Station, Actor], Any]] = {
    P.INTAKE: lambda s, a: s.services.intake.checked(
        a, _complete(IntakeForm(CODE, 1, applicant=APPLICANT)), NOW.date(),
        load_settings(s.services.ctx)),
    P.COLLECT: lambda s, a: village_of(s.services).collection.collect(
        a, None, _complete(IntakeForm(CODE, 1, applicant=APPLICANT))),
    P.DECIDE_DELEGATED: lambda s, a: require(s.services.ctx, a, P.DECIDE_DELEGATED),
    P.REFUSE: lambda s, a: s.services.intake.checked(
        a, s.refusal_form(), NOW.date(), load_settings(s.services.ctx)),
    P.REPRINT: lambda s, a: _reprint(s, a),
    P.SEE_FULL_ID: _see_full_id,
    P.IMPORT_CATALOGUE: _catalogue_import,
    P.IMPORT_CALENDAR: _calendar_import,
    P.MANAGE_ACCOUNTS: _accounts,
    P.CENTRE_LOG: _centre_log,
    P.OWN_LOG: _own_log,
    P.HANDOVER: lambda s, a: require(s.services.ctx, a, P.HANDOVER),
    P.PAUSE_CLOCK: _pause,
    P.SETTINGS: _settings,
    P.REASSIGN: _reassign,
    P.FOLLOW_UP: lambda s, a: require(s.services.ctx, a, P.FOLLOW_UP),
}


def test_the_table_is_the_issues_table() -> None:
    assert set(ACTIONS) == set(Permission)
    assert {role: set(perms) for role, perms in ROLE_PERMISSIONS.items()} == EXPECTED


def _denials(services: Services, username: str) -> list[AuditEntry]:
    with services.ctx.db.reading() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "permission_denied", AuditEntry.username == username)))


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_and_action(station: Station, role: Role, permission: Permission) -> None:
    actor = station.actors[role]
    action = ACTIONS[permission]
    if permission in EXPECTED[role]:
        action(station, actor)
        assert _denials(station.services, actor.username) == []
        return
    with pytest.raises(PermissionDenied) as refused:
        action(station, actor)
    if permission is not P.SEE_FULL_ID:  # masking is a silent refusal, not an error
        assert "无权" in str(refused.value) and permission.label in str(refused.value)
        entries = _denials(station.services, actor.username)
        assert [(e.entity, e.entity_id) for e in entries] == [("permission", permission.value)]
        assert entries[0].after == {"role": role.value}


def test_an_unknown_role_may_do_nothing(station: Station) -> None:
    ghost = Actor(99, "ghost", "来历不明", "superuser")
    assert not any(allowed(ghost, p) for p in Permission)
    with pytest.raises(PermissionDenied):
        station.reports.rows(ghost, LogQuery.day(NOW.date(), LogScope.station()))


def test_own_log_covers_only_oneself_and_ones_window(station: Station) -> None:
    clerk, reports = station.clerk, station.reports
    day = NOW.date()
    assert [r.number for r in reports.rows(clerk, LogQuery.day(day, LogScope.window(
        clerk.window)))] == [station.number]
    for other in (LogScope.window("社会保障"), LogScope.clerk("admin"), LogScope.centre()):
        with pytest.raises(PermissionDenied):
            reports.rows(clerk, LogQuery.day(day, other))
    assert len(_denials(station.services, clerk.username)) == 3


def test_lockout_after_five_failures_and_unlock_after_the_lock_time(
        services: Services, clerk: Actor) -> None:
    moment = [NOW]
    services.ctx.clock = lambda: moment[0]
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(AccountError, match=f"还可尝试 {MAX_FAILED_LOGINS - attempt} 次"):
            services.accounts.sign_in(clerk.username, "wrong-password1")
    with pytest.raises(AccountError, match="锁定"):
        services.accounts.sign_in(clerk.username, "wrong-password1")
    # the right password does not open a locked account, nor does the idle-lock check
    moment[0] = NOW + timedelta(minutes=LOCK_MINUTES - 1)
    with pytest.raises(AccountError, match="已锁定"):
        services.accounts.sign_in(clerk.username, TEST_PASSWORD)
    assert services.accounts.verify_password(clerk, TEST_PASSWORD) is False
    moment[0] = NOW + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert services.accounts.sign_in(clerk.username, TEST_PASSWORD).username == clerk.username
    with services.ctx.db.reading() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "user", AuditEntry.entity_id == clerk.username)
            .order_by(AuditEntry.id))]
        user = session.scalars(select(User).where(User.username == clerk.username)).one()
    assert actions.count("sign_in_failed") == MAX_FAILED_LOGINS - 1
    assert actions.count("account_locked") == 1 and actions[-1] == "signed_in"
    assert user.failed_logins == 0 and user.locked_until is None


def test_a_disabled_account_cannot_sign_in_and_a_reset_unlocks(
        services: Services, admin: Actor, clerk: Actor) -> None:
    services.ctx.clock = lambda: NOW
    for _attempt in range(MAX_FAILED_LOGINS):
        with pytest.raises(AccountError):
            services.accounts.sign_in(clerk.username, "wrong-password1")
    services.accounts.reset_password(admin, clerk.username, "fresh2026pw")
    assert services.accounts.sign_in(clerk.username, "fresh2026pw").user_id == clerk.user_id
    services.accounts.set_active(admin, clerk.username, False)
    with pytest.raises(AccountError, match="停用"):
        services.accounts.sign_in(clerk.username, "fresh2026pw")
    with pytest.raises(AccountError, match="不能停用自己"):
        services.accounts.set_active(admin, admin.username, False)


# -- AB岗 -----------------------------------------------------------------------------------


def test_ab_handover_moves_open_applications_with_audit_and_events(
        station: Station) -> None:
    services, supervisor = station.services, station.actors[Role.SUPERVISOR]
    b_post = services.accounts.create(station.admin, "lihua", "李华", TEST_PASSWORD, Role.CLERK,
                                      "民生事务")
    reassign = ReassignService(services.ctx)
    # an agent (代收 only) cannot take over the centre's cases
    assert [c.username for c in reassign.colleagues(supervisor)] == [
        "admin", "zhuren", "lihua", "zhangli"]
    listed = reassign.open_applications(supervisor, station.clerk.username)
    assert [a.number for a in listed] == [station.number]
    assert listed[0].status_label == "已受理" and listed[0].due_date == date(2026, 12, 24)
    with pytest.raises(ReassignError, match="移交原因"):
        reassign.hand_over(supervisor, "zhangli", "lihua", "  ")
    with pytest.raises(ReassignError, match="同一人"):
        reassign.hand_over(supervisor, "zhangli", "zhangli", "休假")
    with pytest.raises(ReassignError, match="不是「张丽」经办的未结办件"):
        reassign.hand_over(supervisor, "zhangli", "lihua", "休假", ["51010400120261126999990"])
    summary = reassign.hand_over(supervisor, "zhangli", "lihua", "A岗休假")
    assert summary.numbers == (station.number,)
    with services.ctx.db.reading() as session:
        app = session.scalars(select(Application)).one()
        assert app.clerk_id == b_post.user_id and app.window == "民生事务"
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "application_reassigned")).one()
        assert (entry.username, entry.entity_id) == ("zhuren", station.number)
        assert entry.before == {"clerk": "zhangli"}
        assert entry.after == {"clerk": "lihua", "reason": "A岗休假"}
        whole = session.scalars(select(AuditEntry).where(AuditEntry.action == "ab_handover")).one()
        assert whole.after is not None and whole.after["numbers"] == [station.number]
        event = session.scalars(select(OutboxEvent).where(
            OutboxEvent.type == "application.reassigned")).one()
        assert event.payload["clerk"] == "lihua" and event.application_no == station.number
    # B now answers for it (own log), A has nothing left to hand over
    rows = station.reports.rows(b_post, LogQuery.day(NOW.date(), LogScope.clerk("lihua")))
    assert [r.number for r in rows] == [station.number] and rows[0].clerk == "李华"
    assert reassign.open_applications(supervisor, "zhangli") == []
    with pytest.raises(ReassignError, match="没有需要移交"):
        reassign.hand_over(supervisor, "zhangli", "lihua", "A岗休假")


def test_ab_handover_refuses_a_disabled_or_unknown_receiver(station: Station) -> None:
    services, admin = station.services, station.admin
    reassign = ReassignService(services.ctx)
    services.accounts.create(admin, "lihua", "李华", TEST_PASSWORD, Role.CLERK, "民生事务")
    services.accounts.set_active(admin, "lihua", False)
    with pytest.raises(ReassignError, match="已停用"):
        reassign.hand_over(admin, "zhangli", "lihua", "休假")
    with pytest.raises(ReassignError, match="没有用户名"):
        reassign.hand_over(admin, "zhangli", "nobody", "休假")
    with services.ctx.db.reading() as session:
        assert session.scalars(select(Application)).one().clerk_id == station.clerk.user_id
