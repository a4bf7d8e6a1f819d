"""AB岗 handover (AB岗移交): a clerk's open applications go to the B-post clerk.

When the A-post clerk is away (leave, training, sickness), the supervisor hands that clerk's
unfinished applications (未结办件: awaiting correction, accepted, in review) to the B-post
clerk, who then answers for them (and finds them in their own log and work lists; the A-post
clerk's lists no longer show them). A finished case's result is handed out at any window by
its number and needs no handover. One transaction: each application's responsible clerk
changes with an audit entry (before/after) and an outbox event ``application.reassigned``,
plus one audit entry for the handover as a whole. The window the application was taken in
stays as it was (the log of that window still lists it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.application import ApplicationStatus
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.store.models import Application, User

log = logging.getLogger(__name__)

# Statuses of an unfinished application (未结办件), which still needs its clerk.
HANDOVER_STATUSES = tuple(s.value for s in (
    ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.ACCEPTED,
    ApplicationStatus.IN_REVIEW))


class ReassignError(ValueError):
    """A handover that cannot be made as asked; message in Chinese."""


@dataclass(frozen=True)
class OpenApplication:
    """One application the A-post clerk still answers for."""

    number: str
    matter_name: str
    status_label: str
    received_on: date
    due_date: date | None


@dataclass(frozen=True)
class HandoverSummary:
    """What a handover moved."""

    from_username: str
    to_username: str
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Colleague:
    """An active account that can take applications over."""

    username: str
    display_name: str
    window: str


class ReassignService:
    """AB岗: list a clerk's open applications and hand them to another clerk."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def colleagues(self, actor: Actor) -> list[Colleague]:
        """Active accounts that may take in applications (A and B candidates)."""
        require(self.ctx, actor, Permission.REASSIGN)
        with self.ctx.db.reading() as session:
            users = session.scalars(select(User).where(User.active.is_(True))
                                    .order_by(User.window, User.username)).all()
            return [Colleague(u.username, u.display_name, u.window) for u in users
                    if allowed(Actor(u.id, u.username, u.display_name, u.role), Permission.INTAKE)]

    def open_applications(self, actor: Actor, username: str) -> list[OpenApplication]:
        require(self.ctx, actor, Permission.REASSIGN)
        with self.ctx.db.reading() as session:
            user = _user(session, username)
            rows = session.execute(
                select(Application.number, Application.matter_name, Application.status,
                       Application.received_on, Application.due_date)
                .where(Application.clerk_id == user.id,
                       Application.status.in_(HANDOVER_STATUSES))
                .order_by(Application.received_on, Application.number)).all()
        return [OpenApplication(n, m, ApplicationStatus(s).label, r, d) for n, m, s, r, d in rows]

    def hand_over(self, actor: Actor, from_username: str, to_username: str, reason: str,
                  numbers: Sequence[str] | None = None) -> HandoverSummary:
        """Give `from_username`'s open applications (all, or those numbered) to `to_username`."""
        require(self.ctx, actor, Permission.REASSIGN)
        if not reason.strip():
            raise ReassignError(_("请填写移交原因（如：A岗休假）"))
        if from_username == to_username:
            raise ReassignError(_("移交人和接收人不能是同一人"))
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            source, target = _user(session, from_username), _user(session, to_username)
            if not target.active:
                raise ReassignError(_("接收人账号「{u}」已停用").format(u=to_username))
            if not allowed(Actor(target.id, target.username, target.display_name, target.role),
                           Permission.INTAKE):
                raise ReassignError(_("接收人「{name}」的角色不能受理办件").format(
                    name=target.display_name))
            query = select(Application).where(Application.clerk_id == source.id,
                                              Application.status.in_(HANDOVER_STATUSES))
            if numbers is not None:
                query = query.where(Application.number.in_(list(numbers)))
            apps = session.scalars(query.order_by(Application.number)).all()
            if numbers is not None and len(apps) != len(set(numbers)):
                found = {a.number for a in apps}
                raise ReassignError(_("以下办件不是「{name}」经办的未结办件：{numbers}").format(
                    name=source.display_name,
                    numbers="、".join(n for n in numbers if n not in found)))
            if not apps:
                raise ReassignError(_("「{name}」没有需要移交的办件").format(
                    name=source.display_name))
            for app in apps:
                before = {"clerk": source.username}
                after = {"clerk": target.username, "reason": reason.strip()}
                app.clerk_id, app.updated_at = target.id, now
                audit(session, actor, "application_reassigned", "application", app.number, now,
                      before, after)
                emit(session, "application.reassigned", app.number,
                     {"number": app.number, "previous_clerk": source.username,
                      "clerk": target.username, "reason": reason.strip()}, now)
            summary = HandoverSummary(source.username, target.username,
                                      tuple(a.number for a in apps))
            audit(session, actor, "ab_handover", "user", source.username, now,
                  {"clerk": source.username},
                  {"clerk": target.username, "reason": reason.strip(),
                   "count": len(apps), "numbers": list(summary.numbers)})
        log.info("AB handover: %d application(s) reassigned", len(summary.numbers))
        return summary


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise ReassignError(_("没有用户名为「{u}」的账号").format(u=username))
    return user
