"""Roles and permissions (角色与权限), enforced here in the services layer, never only in the UI."""

from __future__ import annotations

from enum import StrEnum

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit


class Role(StrEnum):
    CLERK = "clerk"  # 窗口人员
    AGENT = "agent"  # 代办员
    SUPERVISOR = "supervisor"  # 中心负责人
    ADMIN = "admin"  # 管理员

    @property
    def label(self) -> str:
        return {Role.CLERK: _("窗口人员"), Role.AGENT: _("代办员"),
                Role.SUPERVISOR: _("中心负责人"), Role.ADMIN: _("管理员")}[self]


class Permission(StrEnum):
    INTAKE = "intake"  # 受理、补正、容缺、告知承诺
    REFUSE = "refuse"  # 不予受理
    REPRINT = "reprint"  # 补打通知书
    SEE_FULL_ID = "see_full_id"  # 查看完整证件号码
    IMPORT_CATALOGUE = "import_catalogue"
    IMPORT_CALENDAR = "import_calendar"
    MANAGE_ACCOUNTS = "manage_accounts"
    CENTRE_LOG = "centre_log"  # 打印全中心台账
    OWN_LOG = "own_log"  # 打印本人/本窗口台账
    HANDOVER = "handover"  # 出件、送达
    PAUSE_CLOCK = "pause_clock"  # 特别程序、延期
    SETTINGS = "settings"  # 中心设置
    REASSIGN = "reassign"  # AB岗移交
    FOLLOW_UP = "follow_up"  # 差评回访整改
    COLLECT = "collect"  # 代收 (village agent: receive, tell what is missing, hand to the centre)
    DECIDE_DELEGATED = "decide_delegated"  # 决定下放到村的事项 (catalogue: village_decides)

    @property
    def label(self) -> str:
        return {
            Permission.INTAKE: _("受理办件"),
            Permission.REFUSE: _("不予受理"),
            Permission.REPRINT: _("补打通知书"),
            Permission.SEE_FULL_ID: _("查看完整证件号码"),
            Permission.IMPORT_CATALOGUE: _("导入事项目录"),
            Permission.IMPORT_CALENDAR: _("导入节假日安排"),
            Permission.MANAGE_ACCOUNTS: _("管理账号"),
            Permission.CENTRE_LOG: _("打印全中心台账"),
            Permission.OWN_LOG: _("打印本窗口台账"),
            Permission.HANDOVER: _("出件与送达"),
            Permission.PAUSE_CLOCK: _("暂停计时与延期"),
            Permission.SETTINGS: _("修改中心设置"),
            Permission.REASSIGN: _("AB岗移交"),
            Permission.FOLLOW_UP: _("差评回访整改"),
            Permission.COLLECT: _("代收办件"),
            Permission.DECIDE_DELEGATED: _("办理下放到村的事项"),
        }[self]


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset({_P.INTAKE, _P.REFUSE, _P.REPRINT, _P.OWN_LOG, _P.HANDOVER}),
    # 代办员: 受理/不予受理 are acts of the centre; an agent 代收 (issue 11), and decides only
    # matters the catalogue delegates to village points (services/village/powers.py)
    Role.AGENT: frozenset({_P.COLLECT, _P.DECIDE_DELEGATED, _P.REPRINT, _P.HANDOVER}),
    Role.SUPERVISOR: frozenset({
        _P.INTAKE, _P.REFUSE, _P.REPRINT, _P.SEE_FULL_ID, _P.IMPORT_CATALOGUE,
        _P.IMPORT_CALENDAR, _P.CENTRE_LOG, _P.OWN_LOG, _P.HANDOVER, _P.PAUSE_CLOCK,
        _P.REASSIGN, _P.FOLLOW_UP}),
    Role.ADMIN: frozenset(Permission),
}


class PermissionDenied(PermissionError):
    """The actor's role does not allow the action; the message is for the clerk."""


def allowed(actor: Actor, permission: Permission) -> bool:
    try:
        role = Role(actor.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


def require(ctx: ServiceContext, actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied (and audit the refusal) unless the actor may do this."""
    if allowed(actor, permission):
        return
    with ctx.db.transaction() as session:
        audit(session, actor, "permission_denied", "permission", permission.value, ctx.now(),
              after={"role": actor.role})
    role_label = Role(actor.role).label if actor.role in Role._value2member_map_ else actor.role
    raise PermissionDenied(_("「{role}」无权{action}，请联系中心负责人").format(
        role=role_label, action=permission.label))
