"""Service evaluation (政务服务“好差评”): levels, second-level items, 差评 follow-up dates.

What the rules rest on (looked up in public texts while writing this module):

- 国务院办公厅《关于建立政务服务“好差评”制度提高政务服务水平的意见》(国办发〔2019〕51号):
  现场服务“一次一评”, 网上服务“一事一评”; the applicant rates freely — staff must not force or
  interfere with a rating (hence a screen or device facing the applicant); every 差评 is
  verified, rectified and fed back (差评核实、整改、反馈), with 申诉复核 for unfounded ones.
  The opinion itself sets no fixed number of days for rectification ("限期整改").
- The national evaluation rules as published with provincial systems: five levels 非常满意
  (five stars), 满意 (four), 基本满意 (three), 不满意 (two), 非常不满意 (one); 不满意 and 非常
  不满意 are 差评. Offline (counter) evaluation has the overall satisfaction plus the
  second-level items 服务效率, 服务水平, 服务态度; online evaluation uses 办事效率, 办事指南精确度,
  办事便捷度, 平台操作性.
- Follow-up period: Sichuan's provincial practice (四川政务服务网, 2020) asks that 不满意 and
  非常不满意 problems be rectified "在15个工作日内", with a 100% call-back rate. Other places
  ask for less (德州: 5 working days), so the number is a parameter; Clerk's default is 15
  working days, counted from the day after the rating (民法典 第二百零一条, as for due dates)
  with the station's working-day calendar.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum, StrEnum

from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _

FOLLOW_UP_WORKING_DAYS = 15
MAX_COMMENT = 500
MAX_NOTE = 1000
_CONTROL = {chr(c) for c in range(32) if c not in (10, 13)} | {chr(127)}


class RatingLevel(IntEnum):
    """One of the five levels (评价等级); the value is the number of stars."""

    VERY_DISSATISFIED = 1  # 非常不满意
    DISSATISFIED = 2  # 不满意
    FAIRLY_SATISFIED = 3  # 基本满意
    SATISFIED = 4  # 满意
    VERY_SATISFIED = 5  # 非常满意

    @property
    def label(self) -> str:
        return {
            RatingLevel.VERY_SATISFIED: _("非常满意"),
            RatingLevel.SATISFIED: _("满意"),
            RatingLevel.FAIRLY_SATISFIED: _("基本满意"),
            RatingLevel.DISSATISFIED: _("不满意"),
            RatingLevel.VERY_DISSATISFIED: _("非常不满意"),
        }[self]

    @property
    def stars(self) -> str:
        """Filled and empty stars, e.g. ★★★☆☆ for 基本满意."""
        return "★" * self.value + "☆" * (5 - self.value)

    @property
    def is_poor(self) -> bool:
        """差评: the two lowest levels, each followed up."""
        return self <= RatingLevel.DISSATISFIED

    @classmethod
    def best_first(cls) -> tuple[RatingLevel, ...]:
        """The order a rating screen shows them: 非常满意 first."""
        return tuple(sorted(cls, reverse=True))


class RatingItem(StrEnum):
    """Second-level items of a counter (offline) evaluation (线下评价二级指标)."""

    EFFICIENCY = "efficiency"  # 服务效率
    COMPETENCE = "competence"  # 服务水平
    ATTITUDE = "attitude"  # 服务态度

    @property
    def label(self) -> str:
        return {RatingItem.EFFICIENCY: _("服务效率"), RatingItem.COMPETENCE: _("服务水平"),
                RatingItem.ATTITUDE: _("服务态度")}[self]


# Online evaluation's items, for reference when ratings from the platform are shown.
ONLINE_ITEMS = (_("办事效率"), _("办事指南精确度"), _("办事便捷度"), _("平台操作性"))


class RatingChannel(StrEnum):
    """Where the rating came from."""

    SCREEN = "screen"  # a screen or dialog turned to the applicant (评价器)
    PAPER = "paper"  # a paper form, entered later (points without equipment)

    @property
    def label(self) -> str:
        return _("评价屏") if self is RatingChannel.SCREEN else _("纸质评价表")


class SkipReason(StrEnum):
    """Why a service was not rated; staff never rate for the applicant."""

    DECLINED = "declined"  # 申请人不愿评价
    LEFT = "left"  # 申请人已离开
    UNABLE = "unable"  # 申请人无法操作评价（如视力、年龄原因），且不愿口述
    DEVICE = "device"  # 评价设备故障（改用纸质评价表）

    @property
    def label(self) -> str:
        return {
            SkipReason.DECLINED: _("申请人不愿评价"),
            SkipReason.LEFT: _("申请人已离开"),
            SkipReason.UNABLE: _("申请人无法操作评价"),
            SkipReason.DEVICE: _("评价设备故障"),
        }[self]


class FollowUpStep(StrEnum):
    """The steps of a 差评 follow-up (差评回访整改): verify, rectify, feed back."""

    VERIFY = "verify"  # 回访核实
    RECTIFY = "rectify"  # 整改
    FEEDBACK = "feedback"  # 反馈

    @property
    def label(self) -> str:
        return {FollowUpStep.VERIFY: _("回访核实"), FollowUpStep.RECTIFY: _("整改"),
                FollowUpStep.FEEDBACK: _("反馈")}[self]


def follow_up_due(calendar: WorkCalendar, rated_on: dt.date,
                  working_days: int = FOLLOW_UP_WORKING_DAYS) -> dt.date:
    """The day a 差评 follow-up must be closed: the n-th working day after the rating."""
    return calendar.add_working_days(rated_on, working_days)


def text_problem(value: str, label: str, max_length: int, *, required: bool) -> str:
    """Why a comment or note is not acceptable, in Chinese; "" when it is fine."""
    if required and not value.strip():
        return _("请填写{label}").format(label=label)
    if any(ch in _CONTROL for ch in value):
        return _("{label}含有不可见的控制字符，请删除后重新输入").format(label=label)
    if len(value) > max_length:
        return _("{label}过长（{n} 字，最多 {m} 字）").format(label=label, n=len(value),
                                                          m=max_length)
    return ""


def item_levels_problem(items: dict[str, int]) -> str:
    """Why the second-level ratings are not acceptable; "" when fine (they are optional)."""
    for key, value in items.items():
        if key not in RatingItem._value2member_map_:
            return _("评价指标「{key}」不存在").format(key=key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return _("「{item}」的评价应为 1–5 星").format(item=RatingItem(key).label)
    return ""
