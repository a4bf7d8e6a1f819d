"""Offline limits at a village point: warn when events stay unsent too long or too many cases
wait (MOSIP freezes registration; Clerk warns and says how to carry the data by file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select

from clerk_app.i18n import _
from clerk_app.services.station.context import ServiceContext
from clerk_app.services.village.point import load_point
from clerk_app.store.models import OutboxEvent

EXPORT_HINT = _("网络长期不通时，请导出同步文件：python main.py sync export --out 文件路径"
                "（存到U盘），带到任一有网络的已注册站点执行 python main.py sync upload 文件路径。")


@dataclass(frozen=True)
class OfflineState:
    """How much waits to be sent, and the warning to show (empty when within the limits)."""

    unsent_cases: int
    oldest: datetime | None
    warning: str


def offline_state(ctx: ServiceContext) -> OfflineState:
    point = load_point(ctx)
    with ctx.db.reading() as session:
        cases, oldest = session.execute(select(
            func.count(distinct(OutboxEvent.application_no)), func.min(OutboxEvent.occurred_at))
            .where(OutboxEvent.sent_at.is_(None), OutboxEvent.parked.is_(False))).one()
    cases = int(cases or 0)
    reasons = []
    now = ctx.now()
    if oldest is not None and (now - oldest).days >= point.offline_warn_days:
        reasons.append(_("最早一条未发送记录已有 {d} 天（提醒线 {n} 天）").format(
            d=(now - oldest).days, n=point.offline_warn_days))
    if cases > point.offline_warn_cases:
        reasons.append(_("有 {c} 件办件未发送到平台（提醒线 {n} 件）").format(
            c=cases, n=point.offline_warn_cases))
    warning = "；".join(reasons) + "。" + EXPORT_HINT if reasons else ""
    return OfflineState(cases, oldest, warning)
