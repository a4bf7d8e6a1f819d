"""How a due date looks in the window's lists: words first, colour as a second sign.

``due_cell(row)`` gives the cell's text, background and tooltip for a
:class:`~clerk_app.services.time_limits.deadlines.DeadlineRow`: "12-24 剩2个工作日 黄灯", "逾期3个工作日 红灯",
"暂停中（预计12-30）", with "（暂定）" after a provisional date and the note
"以国务院公布的节假日安排为准" in the tooltip. ``due_sort_value(row)`` orders rows by urgency
(for a sort role). Standalone: no window is touched here.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor

from clerk_app.domain.workdays import DueStatus, provisional_note
from clerk_app.i18n import _
from clerk_app.services.time_limits.deadlines import DeadlineRow

BACKGROUNDS = {
    DueStatus.YELLOW: "#fff1c2",
    DueStatus.RED: "#f9d6d2",
    DueStatus.PAUSED: "#e6e8eb",
}
"""Light backgrounds that keep black text readable; 正常 keeps the view's own background."""

_WEEKDAYS = (_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"),
             _("星期日"))


def day_text(day: date, today: date) -> str:
    """MM-DD within the current year, YYYY-MM-DD otherwise."""
    return day.strftime("%m-%d") if day.year == today.year else day.isoformat()


def due_date_text(day: date | None, provisional: bool, today: date) -> str:
    """A due date as a list or a notice shows it, with "（暂定）" when provisional."""
    if day is None:
        return _("暂停中")
    return day_text(day, today) + (_("（暂定）") if provisional else "")


def background(status: DueStatus) -> QColor:
    """The cell background of a warning level (an invalid QColor for 正常: the default)."""
    colour = BACKGROUNDS.get(status)
    return QColor(colour) if colour else QColor()


def due_cell(row: DeadlineRow) -> tuple[str, QColor, str]:
    """(text, background, tooltip) of the due-date cell of one open application."""
    return _text(row), background(row.due_status), _tooltip(row)


def due_sort_value(row: DeadlineRow) -> int:
    """An integer that sorts rows most urgent first (for a Qt sort role)."""
    rank, value = row.urgency
    return rank * 10_000_000 + value + 1_000_000


def deferred_text(row: DeadlineRow) -> str:
    """容缺 materials still owed, each with its promised date: for a column or a tooltip."""
    parts = []
    for material in row.deferred:
        when = (day_text(material.promised_date, row.as_of) if material.promised_date
                else _("未约定日期"))
        late = _("，已逾期") if material.overdue else ""
        parts.append(_("{name}（承诺{when}前补交{late}）").format(
            name=material.name, when=when, late=late))
    return "；".join(parts)


def _text(row: DeadlineRow) -> str:
    today = row.as_of
    if row.due_status is DueStatus.PAUSED:
        if row.expected_due is None:
            return _("暂停中")
        day = day_text(row.expected_due, today)
        if row.provisional:
            return _("暂停中（预计{day}，暂定）").format(day=day)
        return _("暂停中（预计{day}）").format(day=day)
    assert row.due_date is not None and row.remaining is not None
    when = due_date_text(row.due_date, row.provisional, today)
    if row.due_status is DueStatus.RED:
        overdue = -row.remaining
        if overdue <= 0:  # a day off right after the due date
            return _("已逾期 红灯")
        return _("逾期{n}个工作日 红灯").format(n=overdue)
    left = _("今日到期") if row.remaining == 0 else _("剩{n}个工作日").format(n=row.remaining)
    light = _(" 黄灯") if row.due_status is DueStatus.YELLOW else ""
    return f"{when} {left}{light}"


def _tooltip(row: DeadlineRow) -> str:
    lines = []
    if row.due_date is not None:
        lines.append(_("承诺办结日：{day}（{weekday}）").format(
            day=row.due_date.isoformat(), weekday=_WEEKDAYS[row.due_date.weekday()]))
    if row.due_status is DueStatus.YELLOW:
        lines.append(_("黄灯：剩余不超过{n}个工作日").format(n=row.yellow_days))
    elif row.due_status is DueStatus.RED:
        lines.append(_("红灯：已超过承诺办结日"))
    if row.pause is not None:
        expected = (row.pause.expected_end.isoformat() if row.pause.expected_end
                    else _("未定"))
        lines.append(_("{kind}暂停计时：自{since}起，{reason}，预计{end}结束").format(
            kind=row.pause.kind.label, since=row.pause.since.isoformat(),
            reason=row.pause.reason, end=expected))
    if row.due_status is DueStatus.PAUSED and row.expected_due is not None:
        lines.append(_("如按预计日期恢复计时，办结日约为{day}").format(
            day=row.expected_due.isoformat()))
    if row.provisional:
        lines.append(_("（暂定）所涉年份的节假日安排尚未公布，{note}；公布后自动重算").format(
            note=provisional_note()))
    if row.deferred:
        lines.append(_("容缺材料：") + deferred_text(row))
    return "\n".join(lines)
