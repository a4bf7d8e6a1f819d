"""Application numbers (办件编号), unique across stations without any network.

Format (23 characters, digits except a possible final X):

    RRRRRR SSS YYYYMMDD NNNNN C
    region station  date  seq check

- RRRRRR: the 6-digit administrative region code of the centre (GB/T 2260), e.g. 510104;
- SSS: the 3-digit station code, unique within the region (assigned at station setup);
- YYYYMMDD: the station's date at intake (informational: uniqueness does not depend on it);
- NNNNN: the station's sequence for that date key, kept in the station's database; if the
  clock goes back to a date already used, the sequence simply continues, so a wrong clock
  never yields a number twice;
- C: ISO 7064 MOD 11-2 check character over the 22 digits (0-9 or X), as on ID cards: it
  catches every single-character error and every swap of two adjacent characters.

All-digit numbers give a compact Code 128 (set C) barcode and are easy to type from a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from clerk_app.i18n import _

NUMBER_LENGTH = 23
_PATTERN = re.compile(r"^(\d{6})(\d{3})(\d{8})(\d{5})([0-9X])$")
_CHECK = "10X98765432"


def check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for a string of digits."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    return "0123456789X"[(12 - total) % 11]


@dataclass(frozen=True)
class ApplicationNumber:
    """A parsed application number."""

    region: str
    station: str
    day: date
    sequence: int

    def __str__(self) -> str:
        body = f"{self.region}{self.station}{self.day:%Y%m%d}{self.sequence:05d}"
        return body + check_char(body)


def format_number(region: str, station: str, day: date, sequence: int) -> str:
    """Build the number; raise ValueError for a malformed part."""
    if not re.fullmatch(r"\d{6}", region):
        raise ValueError(_("行政区划代码应为6位数字"))
    if not re.fullmatch(r"\d{3}", station):
        raise ValueError(_("站点编码应为3位数字"))
    if not 1 <= sequence <= 99999:
        raise ValueError(_("当日流水号超出范围（1–99999）"))
    return str(ApplicationNumber(region, station, day, sequence))


def normalize(text: str) -> str:
    """Strip spaces and separators a clerk or a scanner may add; upper-case the check char."""
    return re.sub(r"[\s\-_]", "", text).upper()


def parse_checked(pattern: re.Pattern[str], text: str) -> tuple[str, str, date, int] | None:
    """(region, station, day, sequence) of a number of the form region + station + YYYYMMDD +
    sequence + MOD 11-2 check that `pattern` captures in five groups; None when it is not one
    or its check character or date is wrong (办件编号 and 交接单编号 alike)."""
    match = pattern.match(normalize(text))
    if not match:
        return None
    region, station, ymd, seq, check = match.groups()
    if check_char(region + station + ymd + seq) != check:
        return None
    try:
        day = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        return None
    return region, station, day, int(seq)


def parse_number(text: str) -> ApplicationNumber | None:
    """Parse and verify an application number; None when it is not a valid one."""
    parts = parse_checked(_PATTERN, text)
    return ApplicationNumber(*parts) if parts is not None else None


def looks_like_number(text: str) -> bool:
    return parse_number(text) is not None
