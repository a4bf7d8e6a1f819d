"""Centre and station settings (中心设置), kept in the database so they travel with the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from clerk_app.i18n import _
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.store.models import Setting

_KEY = "centre"


@dataclass(frozen=True)
class CentreSettings:
    """Who this station is and how its notices look."""

    centre_name: str = ""
    region_code: str = ""  # 6-digit administrative region code
    station_code: str = ""  # 3-digit station code within the region
    window_names: tuple[str, ...] = ("社会保障", "民生事务", "综合服务")
    address: str = ""
    phone: str = ""
    complaint_phone: str = "12345"
    seal_image: str = ""  # path of a PNG of the seal, optional
    qr_base_url: str = ""  # progress-query address; the number is appended
    notice_serial_prefix: str = ""  # 受理通知书's prefix, e.g. 青便受 -> 青便受〔2026〕0012号
    # each other kind of document its own prefix (kind -> prefix); services/intake/serials.py defaults
    serial_prefixes: tuple[tuple[str, str], ...] = ()
    yellow_days: int = 2  # 黄灯: at most this many working days remain
    applicant_copy_full_id: bool = False  # 申请人联 shows the full ID number
    reconcile_stale_hours: int = 24  # warn when unsynced events are older than this

    @property
    def configured(self) -> bool:
        return bool(self.centre_name and self.region_code and self.station_code)

    @property
    def station_id(self) -> str:
        return f"{self.region_code}{self.station_code}"


def validate_settings(settings: CentreSettings) -> list[str]:
    """Problems with the settings, in Chinese (empty when fine)."""
    problems = []
    if not settings.centre_name.strip():
        problems.append(_("请填写中心名称"))
    if not (len(settings.region_code) == 6 and settings.region_code.isdigit()):
        problems.append(_("行政区划代码应为6位数字，如 510104"))
    if not (len(settings.station_code) == 3 and settings.station_code.isdigit()):
        problems.append(_("站点编码应为3位数字，如 001（同一区划内各站点不得重复）"))
    if not 0 <= settings.yellow_days <= 30:
        problems.append(_("黄灯预警天数应在 0–30 之间"))
    return problems


def load_settings(ctx: ServiceContext) -> CentreSettings:
    with ctx.db.reading() as session:
        row = session.get(Setting, _KEY)
        stored: dict[str, Any] = dict(row.value) if row else {}
    known = {f.name for f in fields(CentreSettings)}
    values = {k: v for k, v in stored.items() if k in known}
    if "window_names" in values:
        values["window_names"] = tuple(values["window_names"])
    if "serial_prefixes" in values:
        values["serial_prefixes"] = tuple(sorted(dict(values["serial_prefixes"]).items()))
    return CentreSettings(**values)


def save_settings(ctx: ServiceContext, actor: Actor, settings: CentreSettings,
                  *, first_setup: bool = False) -> None:
    """Save the settings in one transaction with an audit entry; ValueError lists problems."""
    if not first_setup:
        require(ctx, actor, Permission.SETTINGS)
    problems = validate_settings(settings)
    if problems:
        raise ValueError("\n".join(problems))
    data = asdict(settings)
    data["window_names"] = list(settings.window_names)
    data["serial_prefixes"] = dict(settings.serial_prefixes)
    with ctx.db.transaction() as session:
        row = session.get(Setting, _KEY)
        before = dict(row.value) if row else None
        if row is None:
            session.add(Setting(key=_KEY, value=data))
        else:
            row.value = data
        audit(session, actor, "settings_saved", "settings", _KEY, ctx.now(), before, data)
