"""Which stations a centre-wide daily log holds, and how fresh each one's data is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clerk_app.i18n import _


@dataclass(frozen=True)
class StationFreshness:
    """How recent the platform's data of one station is."""

    station: str
    name: str
    newest_data_at: datetime | None  # newest event the platform holds from the station
    last_contact_at: datetime | None  # the station's last exchange with the platform


def _age(now: datetime, moment: datetime) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 1:
        return _("刚刚")
    if minutes < 60:
        return _("{m} 分钟前").format(m=minutes)
    if minutes < 48 * 60:
        return _("{h} 小时 {m} 分钟前").format(h=minutes // 60, m=minutes % 60)
    return _("{d} 天前").format(d=minutes // (24 * 60))


@dataclass(frozen=True)
class CentreCoverage:
    """Which stations a centre-wide log holds, and how fresh each station's data is."""

    online: bool
    own_station: str
    stations: tuple[StationFreshness, ...]  # the other stations known (live or cached)
    problem: str  # why the platform's part is missing; "" when it answered
    known_at: datetime | None  # when the station list was obtained from the platform
    checked_at: datetime

    @property
    def missing(self) -> tuple[str, ...]:
        """Stations whose applications are not in the log."""
        return () if self.online else tuple(s.station for s in self.stations)

    @property
    def complete(self) -> bool:
        return self.online

    def station_line(self, item: StationFreshness) -> str:
        name = f"{item.station} {item.name}".strip()
        if item.newest_data_at is None:
            newest = _("平台上尚无该站点的数据")
        else:
            newest = _("平台上最新数据 {t}（{age}）").format(
                t=f"{item.newest_data_at:%Y-%m-%d %H:%M}",
                age=_age(self.checked_at, item.newest_data_at))
        contact = "" if item.last_contact_at is None else _("，最后联系 {t}").format(
            t=f"{item.last_contact_at:%Y-%m-%d %H:%M}")
        return f"{name}：{newest}{contact}"

    def lines(self) -> list[str]:
        """What the page says about completeness, in Chinese, one statement per line."""
        own = _("本站（{s}）的办件取自本机数据库，完整。").format(s=self.own_station)
        if self.online:
            head = _("已从政务服务平台取得全中心其他 {n} 个站点的办件（查询于 {t}）；"
                     "各站点数据的新旧如下，离线站点未上传的办件不在其中：").format(
                n=len(self.stations), t=f"{self.checked_at:%Y-%m-%d %H:%M}")
            return [own, head, *(self.station_line(s) for s in self.stations)]
        head = _("本台账不完整：未能取得政务服务平台的数据（{why}），只含本站办件。").format(
            why=self.problem)
        if not self.stations:
            if self.known_at is None:
                return [head, own, _("缺少的站点未知：本机尚未成功取得过全中心数据。")]
            return [head, own, _("据 {t} 最近一次联网查询，本中心没有其他站点。").format(
                t=f"{self.known_at:%Y-%m-%d %H:%M}")]
        known = _("缺少以下 {n} 个站点的办件（站点情况为 {t} 最近一次联网时平台所知）：").format(
            n=len(self.stations), t=f"{self.known_at:%Y-%m-%d %H:%M}" if self.known_at else "-")
        return [head, own, known, *(self.station_line(s) for s in self.stations)]
