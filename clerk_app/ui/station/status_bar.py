"""The status bar: who is signed in, which station, today's date, and what just happened."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QStatusBar, QWidget

from clerk_app.domain.workdays import DueStatus
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings
from clerk_app.services.village.point import PointSettings
from clerk_app.ui.lists.due_format import BACKGROUNDS
from clerk_app.ui.widgets import plain_label

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
MESSAGE_MS = 8000


def role_label(role: str) -> str:
    return Role(role).label if role in Role._value2member_map_ else role


def date_text(day: date) -> str:
    return _("{y}年{m}月{d}日 星期{w}").format(y=day.year, m=day.month, d=day.day,
                                            w=WEEKDAYS[day.weekday()])


class StationStatusBar(QStatusBar):
    """Clerk and role, station (centre name + station id), date; messages on the left."""

    def __init__(self, actor: Actor, settings: CentreSettings, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        clerk = _("{name}（{role}）").format(name=actor.display_name, role=role_label(actor.role))
        if actor.window:
            clerk += " · " + _("{window}窗口").format(window=actor.window)
        self.clerk = plain_label(clerk)
        self.station = plain_label(_("{centre} · 站点 {station}").format(
            centre=settings.centre_name or _("（未设置中心）"), station=settings.station_id))
        self._settings = settings
        self.day = plain_label(date_text(today))
        self.due = plain_label()
        self.due.setToolTip(_("在办件的超期预警（F7 查看在办/预警）"))
        self.due.hide()
        for widget in (self.due, self.clerk, self.station, self.day):
            widget.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(widget)

    def set_day(self, today: date) -> None:
        self.day.setText(date_text(today))

    def set_due_counts(self, yellow: int, red: int) -> None:
        """黄灯/红灯 among the open applications, in words; coloured when there are any."""
        self.due.setText(_("预警：红灯 {red} · 黄灯 {yellow}").format(red=red, yellow=yellow))
        colour = BACKGROUNDS[DueStatus.RED] if red else (
            BACKGROUNDS[DueStatus.YELLOW] if yellow else "")
        self.due.setStyleSheet(f"background: {colour}; font-weight: bold;" if colour else "")
        self.due.show()

    def set_centre(self, settings: CentreSettings) -> None:
        self.station.setText(_("{centre} · 站点 {station}").format(
            centre=settings.centre_name or _("（未设置中心）"), station=settings.station_id))
        self._settings = settings

    def set_point(self, point: PointSettings) -> None:
        """At a village point the station is the point (its centre in brackets)."""
        settings = self._settings
        if not point.is_village or not point.point_name:
            self.set_centre(settings)
            return
        self.station.setText(_("{point}（{centre}）· 站点 {station}").format(
            point=point.point_name, centre=settings.centre_name or _("未设置中心"),
            station=settings.station_id))

    def say(self, message: str) -> None:
        self.showMessage(message, MESSAGE_MS)
