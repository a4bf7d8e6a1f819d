"""Village agent points (代办点): hand-over slip numbers, the 在途 rule and the agent's powers.

A 材料交接单 (hand-over slip) carries a batch of 代收 cases from a village point to the
centre. Its number (交接单编号) is told apart from a 办件编号 by its length:

    RRRRRR SSS YYYYMMDD NNN C      (21 characters, digits except a possible final X)
    region station  date  seq check

with the same ISO 7064 MOD 11-2 check character as the 办件编号, so a scanner's burst is
recognised and a mistyped digit is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from clerk_app.domain.catalogue import Matter
from clerk_app.domain.numbering import check_char, parse_checked
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _

BATCH_NUMBER_LENGTH = 21
_BATCH = re.compile(r"^(\d{6})(\d{3})(\d{8})(\d{3})([0-9X])$")
TRANSIT_WORKING_DAYS = 3
"""A village case still 在途 after this many working days is flagged (usual forwarding rule)."""


@dataclass(frozen=True)
class BatchNumber:
    """A parsed hand-over slip number (交接单编号)."""

    region: str
    station: str
    day: date
    sequence: int

    def __str__(self) -> str:
        body = f"{self.region}{self.station}{self.day:%Y%m%d}{self.sequence:03d}"
        return body + check_char(body)

    @property
    def station_id(self) -> str:
        return self.region + self.station


def format_batch_number(region: str, station: str, day: date, sequence: int) -> str:
    """Build a slip number; ValueError for a malformed part."""
    if not re.fullmatch(r"\d{6}", region) or not re.fullmatch(r"\d{3}", station):
        raise ValueError(_("区划代码应为6位数字、站点编码应为3位数字"))
    if not 1 <= sequence <= 999:
        raise ValueError(_("当日交接单流水号超出范围（1–999）"))
    return str(BatchNumber(region, station, day, sequence))


def parse_batch_number(text: str) -> BatchNumber | None:
    """Parse and verify a slip number; None when it is not one."""
    parts = parse_checked(_BATCH, text)
    return BatchNumber(*parts) if parts is not None else None


def transit_overdue(calendar: WorkCalendar, sent_on: date, today: date,
                    limit: int = TRANSIT_WORKING_DAYS) -> bool:
    """True when a slip sent on `sent_on` is still not received after `limit` working days
    (the day of sending not counted)."""
    return today > calendar.add_working_days(sent_on, limit)


def agent_may_decide(matter: Matter) -> bool:
    """Only matters the catalogue delegates to village points may be decided by an agent."""
    return matter.village_decides


def appearance_lines(matter: Matter) -> list[str]:
    """What the applicant must attend in person (本人到场), when and where, in words."""
    lines = []
    for step in matter.in_person_steps:
        days = _("{n}个自然日").format(n=step.days) if step.natural else _(
            "{n}个工作日").format(n=step.days)
        lines.append(_("{step}：中心受理后，请申请人按通知在{days}内本人到{place}。这一趟计入跑动次数。")
                     .format(step=step.name, days=days,
                             place=step.place or _("通知书写明的地点")))
    return lines
