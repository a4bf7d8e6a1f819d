"""Write resources/calendar/cn-YYYY.json (format clerk-calendar/1) from the chinesecalendar package.

Usage (from the repository root):
    python resources/calendar/tools/export_chinesecalendar.py            # write every year
    python resources/calendar/tools/export_chinesecalendar.py --check    # exit 1 if a file differs

chinesecalendar (PyPI ``chinesecalendar``, module ``chinese_calendar``) transcribes each State
Council notice (国务院办公厅关于部分节假日安排的通知) into ``holidays`` (days off) and
``workdays`` (调休 working weekend days). Its names are English; they are written here in Chinese.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import chinese_calendar
from chinese_calendar.constants import Holiday

FORMAT = "clerk-calendar/1"
OUT_DIR = Path(__file__).resolve().parent.parent

# Chinese names, matching clerk_app/domain/holiday_rules.py.
NAMES = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.mid_autumn_festival.value: "中秋节",
    Holiday.national_day.value: "国庆节",
    Holiday.anti_fascist_70th_day.value: Holiday.anti_fascist_70th_day.chinese,
}

# Publication dates of the notices, where checked against the published text.
PUBLISHED_AT = {2025: "2024-11-12", 2026: "2025-11-04"}


def document(year: int) -> dict[str, object]:
    """The clerk-calendar/1 document of ``year`` as chinesecalendar has it."""

    def days(source: dict[dt.date, str]) -> list[dict[str, str]]:
        return [
            {"date": day.isoformat(), "name": NAMES[name]}
            for day, name in sorted(source.items())
            if day.year == year
        ]

    return {
        "format": FORMAT,
        "year": year,
        "source": (
            f"国务院办公厅关于{year}年部分节假日安排的通知"
            f"（据 chinesecalendar {chinese_calendar.__version__} 整理）"
        ),
        "published_at": PUBLISHED_AT.get(year),
        "holidays": days(chinese_calendar.holidays),
        "workdays": days(chinese_calendar.workdays),
    }


def render(doc: dict[str, object]) -> str:
    """JSON text with one day per line, so that a diff shows each changed day."""
    lines = ["{"]
    for key, value in doc.items():
        if isinstance(value, list):
            items = [f"    {json.dumps(item, ensure_ascii=False)}" for item in value]
            body = ",\n".join(items)
            lines.append(f'  "{key}": [\n{body}\n  ],' if items else f'  "{key}": [],')
        else:
            lines.append(f'  "{key}": {json.dumps(value, ensure_ascii=False)},')
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check compare) one file per year chinesecalendar knows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--check", action="store_true", help="only report files that differ")
    args = parser.parse_args(argv)
    years = sorted({day.year for day in chinese_calendar.holidays})
    stale = []
    for year in years:
        path = args.out / f"cn-{year}.json"
        text = render(document(year))
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date:", ", ".join(stale))
        return 1
    print(f"{'checked' if args.check else 'wrote'} {len(years)} years: {years[0]}–{years[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
