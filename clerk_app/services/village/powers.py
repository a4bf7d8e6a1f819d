"""Who may decide what: 受理/不予受理 are the centre's acts; an agent 代收, and decides only
matters the catalogue delegates to village points (village_decides)."""

from __future__ import annotations

from clerk_app.domain.catalogue import Matter
from clerk_app.domain.decision import Outcome
from clerk_app.domain.village import agent_may_decide
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.permissions import Permission, PermissionDenied, allowed, require


def may_decide(actor: Actor, matter: Matter, outcome: Outcome) -> bool:
    """True when the actor may confirm `outcome` for `matter` (no writes)."""
    if allowed(actor, Permission.REFUSE if outcome is Outcome.REFUSED else Permission.INTAKE):
        return True
    return allowed(actor, Permission.DECIDE_DELEGATED) and agent_may_decide(matter)


def must_collect(actor: Actor, matter: Matter) -> bool:
    """The actor can only receive this matter on the applicant's behalf (代收)."""
    return allowed(actor, Permission.COLLECT) and not may_decide(actor, matter, Outcome.ACCEPTED)


def require_decision(ctx: ServiceContext, actor: Actor, matter: Matter, outcome: Outcome) -> None:
    """Raise PermissionDenied (the refusal audited) unless the actor may decide this."""
    if may_decide(actor, matter, outcome):
        return
    permission = Permission.REFUSE if outcome is Outcome.REFUSED else Permission.INTAKE
    try:
        require(ctx, actor, permission)  # audits the refusal
    except PermissionDenied as refused:
        if not allowed(actor, Permission.COLLECT):
            raise
        raise PermissionDenied(str(refused) + _(
            "。受理、不予受理由中心作出，「{matter}」未下放到村便民服务点：请选「代收」，"
            "打印代办回执，交中心受理").format(matter=matter.name)) from None


def require_any(ctx: ServiceContext, actor: Actor, *permissions: Permission) -> None:
    """Pass when the actor holds any of `permissions`; otherwise refuse the first (audited)."""
    if any(allowed(actor, p) for p in permissions):
        return
    require(ctx, actor, permissions[0])
