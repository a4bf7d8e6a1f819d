"""The station's kind (中心/代办点) and the village point's own settings (kept in `settings`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.village.errors import VillageError
from clerk_app.store.models import Setting

KEY = "village"


class StationKind(StrEnum):
    """A township centre's counter (中心) or a village agent point (代办点)."""

    CENTRE = "centre"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        return _("中心") if self is StationKind.CENTRE else _("代办点")


@dataclass(frozen=True)
class PointSettings:
    """What a village point prints and how long it may stay offline (defaults are sensible)."""

    kind: str = StationKind.CENTRE.value
    point_name: str = ""  # e.g. 青石村便民服务点
    point_phone: str = ""  # the agent's phone printed on the 代办回执
    centre_address: str = ""  # where the paper goes (the township centre)
    offline_warn_days: int = 3  # warn when the oldest unsent event is older than this
    offline_warn_cases: int = 30  # ... or more cases than this are unsent
    transit_days: int = 3  # a case 在途 longer than this many working days is flagged

    @property
    def station_kind(self) -> StationKind:
        return StationKind(self.kind) if self.kind in StationKind._value2member_map_ \
            else StationKind.CENTRE

    @property
    def is_village(self) -> bool:
        return self.station_kind is StationKind.VILLAGE


def validate(settings: PointSettings) -> list[str]:
    """Problems in Chinese (empty when fine)."""
    problems = []
    if settings.kind not in StationKind._value2member_map_:
        problems.append(_("站点类型应为「中心」或「代办点」"))
    if settings.kind == StationKind.VILLAGE and not settings.point_name.strip():
        problems.append(_("代办点请填写代办点名称，如 青石村便民服务点"))
    if not 1 <= settings.offline_warn_days <= 60:
        problems.append(_("离线提醒天数应在 1–60 之间"))
    if not 1 <= settings.offline_warn_cases <= 1000:
        problems.append(_("离线提醒件数应在 1–1000 之间"))
    if not 1 <= settings.transit_days <= 30:
        problems.append(_("在途提醒工作日数应在 1–30 之间"))
    return problems


def load_point(ctx: ServiceContext) -> PointSettings:
    with ctx.db.reading() as session:
        row = session.get(Setting, KEY)
        stored: dict[str, Any] = dict(row.value) if row and isinstance(row.value, dict) else {}
    known = {f.name for f in fields(PointSettings)}
    return PointSettings(**{k: v for k, v in stored.items() if k in known})


def save_point(ctx: ServiceContext, actor: Actor, settings: PointSettings) -> None:
    """Save in one transaction with an audit entry; VillageError lists the problems."""
    require(ctx, actor, Permission.SETTINGS)
    problems = validate(settings)
    if problems:
        raise VillageError(problems)
    data = asdict(replace(settings, point_name=settings.point_name.strip(),
                          point_phone=settings.point_phone.strip()))
    with ctx.db.transaction() as session:
        row = session.get(Setting, KEY)
        before = dict(row.value) if row else None
        if row is None:
            session.add(Setting(key=KEY, value=data))
        else:
            row.value = data
        audit(session, actor, "station_kind_saved", "settings", KEY, ctx.now(), before, data)
