"""出件 of a bundle: what is ready and what is not; by default wait for the last member, the
clerk may hand over the ready ones early; each trip of the applicant counted for the bundle.

One handover is one transaction: for each member handed over the handover row, its visit, the
status 已出件, an audit entry and a `result.handed_over` event, and one trip on the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clerk_app.domain.application import ApplicationStatus, move
from clerk_app.domain.catalogue import Matter
from clerk_app.domain.handover import (
    ApplyingParty,
    Collector,
    ResultItem,
    collector_problems,
    default_items,
    readiness_problems,
)
from clerk_app.domain.identity import normalize_number
from clerk_app.i18n import _
from clerk_app.services.bundles.service import BundleService
from clerk_app.services.results.handover import HandoverService, ResultsError, trip_visit
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.snapshot import application_snapshot
from clerk_app.store.models import Application, BundleCase, HandoverRecord


@dataclass(frozen=True)
class MemberReadiness:
    """One member's result: ready to hand over, or why not yet."""

    number: str
    matter_name: str
    status: ApplicationStatus
    problems: tuple[str, ...]
    due_date: date | None
    items: tuple[ResultItem, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BundleReadiness:
    """Every member's result for the 出件 screen."""

    number: str
    name: str
    members: tuple[MemberReadiness, ...]
    trips: int

    @property
    def ready(self) -> tuple[MemberReadiness, ...]:
        return tuple(m for m in self.members if m.ready)

    @property
    def pending(self) -> tuple[MemberReadiness, ...]:
        """Members whose result is still to come (not yet decided by the back office)."""
        return tuple(m for m in self.members if not m.ready and m.status.is_open)

    @property
    def all_ready(self) -> bool:
        return bool(self.ready) and not self.pending


@dataclass(frozen=True)
class BundleHandoverResult:
    number: str
    handed_over: tuple[str, ...]  # member numbers
    still_pending: tuple[str, ...]
    trips: int


class BundleHandoverService:
    """Readiness of a bundle's results and their handover at the window."""

    def __init__(self, ctx: ServiceContext, bundles: BundleService,
                 handover: HandoverService) -> None:
        self.ctx = ctx
        self.bundles = bundles
        self.handover = handover

    def readiness(self, number: str) -> BundleReadiness:
        """The bundle of `number` (its own or a member's) and each member's result."""
        bundle_number = self._bundle_number(number)
        with self.ctx.db.reading() as session:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == bundle_number)).one()
            members = tuple(self._member(session, app) for app in case.members)
            return BundleReadiness(case.number, case.bundle_name, members, case.trips)

    def hand_over(self, actor: Actor, number: str, collector: Collector,
                  members: Sequence[str] | None = None, *, early: bool = False
                  ) -> BundleHandoverResult:
        """Hand over the results of `members` (default: every ready one). Unless `early`, every
        member must be ready (the default is to wait for the last one); ResultsError says why."""
        require(self.ctx, actor, Permission.HANDOVER)
        bundle_number = self._bundle_number(number)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == bundle_number)).one()
            states = {app.number: self._member(session, app) for app in case.members}
            chosen = list(members) if members is not None else [
                n for n, s in states.items() if s.ready]
            problems: list[str] = []
            unknown = [n for n in chosen if n not in states]
            if unknown:
                problems.append(_("{n} 不是「{b}」的成员事项").format(
                    n="、".join(unknown), b=case.bundle_name))
            if not chosen:
                problems.append(_("没有可以出件的办理结果"))
            for n in chosen:
                if n in states and not states[n].ready:
                    problems += [f"「{states[n].matter_name}」{p}" for p in states[n].problems]
            pending = [s for s in states.values() if not s.ready and s.status.is_open
                       and s.number not in chosen]
            if pending and not early:
                problems.append(_("还有 {n} 个事项尚未办结（{names}）：默认待全部办结后一次领取；"
                                  "申请人要求先领的，请选择“先行出件”").format(
                    n=len(pending), names="、".join(s.matter_name for s in pending)))
            apps = {a.number: a for a in case.members}
            first = apps[chosen[0]] if chosen and chosen[0] in apps else None
            if first is not None:
                party = ApplyingParty(first.applicant_type, first.applicant.name,
                                      first.applicant.doc_type, first.applicant.doc_number)
                problems += collector_problems(collector, party, now.date())
            if problems:
                raise ResultsError(problems)
            for n in chosen:
                app = apps[n]
                before = application_snapshot(app)
                visit, _new = trip_visit(session, app, now, "handover", actor.user_id)
                record = HandoverRecord(
                    application_id=app.id, visit_id=visit.id, handed_at=now,
                    collector_role=collector.role.value, collector_name=collector.name.strip(),
                    collector_doc_type=collector.doc_type,
                    collector_doc_number=normalize_number(collector.doc_number),
                    collector_phone=collector.phone.strip(),
                    authorisation_checked=collector.authorisation_checked,
                    items=[{"name": i.name, "count": i.count} for i in states[n].items],
                    note=_("一件事 {b} 统一出件").format(b=case.number), clerk_id=actor.user_id)
                session.add(record)
                app.status = move(ApplicationStatus(app.status),
                                  ApplicationStatus.HANDED_OVER).value
                app.updated_at = now
                session.flush()
                session.refresh(app)
                after = application_snapshot(app)
                audit(session, actor, "result_handed_over", "application", app.number, now,
                      before, {**after, "bundle": case.number})
                emit(session, "result.handed_over", app.number,
                     {"number": app.number, "bundle": case.number, "status": app.status,
                      "handover_id": record.id, "visit_id": visit.id,
                      "handed_at": now.isoformat(), "visits": len(app.visits),
                      "collector": {"role": record.collector_role}}, now)
            case.trips += 1
            case.updated_at = now
            audit(session, actor, "bundle_handed_over", "bundle", case.number, now,
                  after={"members": chosen, "early": bool(pending), "trips": case.trips})
            still = tuple(s.number for s in pending)
            return BundleHandoverResult(case.number, tuple(chosen), still, case.trips)

    def _bundle_number(self, number: str) -> str:
        found = self.bundles.bundle_number_of(number)
        if found is None:
            raise ResultsError([_("本站没有编号为 {n} 的一件事").format(n=number.strip())])
        return found

    def _member(self, session: object, app: Application) -> MemberReadiness:
        state = self.handover.result_state(session, app)  # type: ignore[arg-type]
        try:
            matter: Matter | None = self.handover.catalogue.matter(app.matter_code,
                                                                   app.matter_version)
        except KeyError:
            matter = None
        problems = tuple(readiness_problems(state, self.ctx.today()))
        return MemberReadiness(app.number, app.matter_name, state.status, problems,
                               app.due_date, default_items(state.status,
                                                           matter.result if matter else ""))
