"""Benchmark: recompute the due dates of 100,000 open applications after a calendar update.

Run from the repository root:  python tests/bench/bench_due_dates.py [--count N] [--runs R]

Applications are generated with a fixed seed: acceptance dates across 2025–2026, promised
limits of 1–60 days (one in ten in natural days), one in five with a 补正 or 特别程序 pause
(some still open), one in twenty with a 10-day extension. The update loads a (made-up) 2027
schedule with ``WorkCalendar.with_schedule``, so due dates reaching into 2027 change and stop
being provisional. Figures are medians of R runs; the baseline is the obvious day-by-day loop
over ``is_working_day``; both must give the same dates (checked, not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from clerk_app.domain.calendar_import import parse_calendar_document  # noqa: E402
from clerk_app.domain.workdays import ClockPause, PauseKind, WorkCalendar  # noqa: E402

D = dt.date


@dataclass(frozen=True)
class OpenApplication:
    """What a due date depends on."""

    accepted_on: dt.date
    days: int
    natural: bool
    pauses: tuple[ClockPause, ...]
    extension_days: int


def generate(count: int, seed: int = 20260101) -> list[OpenApplication]:
    """``count`` open applications, the same ones for the same seed."""
    rng = random.Random(seed)
    first, span = D(2025, 1, 1), (D(2026, 12, 31) - D(2025, 1, 1)).days
    apps = []
    for _ in range(count):
        accepted = first + dt.timedelta(days=rng.randrange(span + 1))
        pauses: tuple[ClockPause, ...] = ()
        if rng.random() < 0.2:
            start = accepted + dt.timedelta(days=rng.randrange(11))
            end = None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randrange(21))
            if rng.random() < 0.5:
                pauses = (ClockPause(PauseKind.CORRECTION, start, end),)
            else:
                expected = start + dt.timedelta(days=15)
                pauses = (ClockPause(PauseKind.SPECIAL_PROCEDURE, start, end, "检测", expected),)
        apps.append(
            OpenApplication(
                accepted_on=accepted,
                days=rng.randint(1, 60),
                natural=rng.random() < 0.1,
                pauses=pauses,
                extension_days=10 if rng.random() < 0.05 else 0,
            )
        )
    return apps


def schedule_2027() -> WorkCalendar:
    """The bundled calendar updated with a made-up 2027 schedule (not the real notice)."""
    off = [D(2027, 1, 1), *(D(2027, 2, d) for d in range(5, 12)), D(2027, 4, 5)]
    off += [D(2027, 5, d) for d in range(1, 6)] + [D(2027, 6, 9), D(2027, 9, 15)]
    off += [D(2027, 10, d) for d in range(1, 8)]
    document = {
        "format": "clerk-calendar/1",
        "year": 2027,
        "source": "基准测试用虚构数据",
        "published_at": None,
        "holidays": [{"date": d.isoformat(), "name": "节日"} for d in off],
        "workdays": [
            {"date": "2027-02-20", "name": "春节"},
            {"date": "2027-10-09", "name": "国庆节"},
        ],
    }
    return WorkCalendar.bundled().with_schedule(parse_calendar_document(document))


def recompute(cal: WorkCalendar, apps: Sequence[OpenApplication]) -> list[dt.date | None]:
    """Due dates with the calendar's precomputed tables."""
    return [
        cal.due_date_with_pauses(a.accepted_on, a.days, a.pauses, a.extension_days, a.natural).date
        for a in apps
    ]


def recompute_naive(cal: WorkCalendar, apps: Sequence[OpenApplication]) -> list[dt.date | None]:
    """Baseline: step one day at a time, asking the calendar about each day."""
    one = dt.timedelta(days=1)
    results: list[dt.date | None] = []
    for a in apps:
        limit, day, counted = a.days + a.extension_days, a.accepted_on, 0
        stops = [(p.start, p.end) for p in a.pauses]
        while counted < limit:
            day += one
            if any(s < day and (e is None or day <= e) for s, e in stops):
                if any(e is None and s < day for s, e in stops):
                    break
                continue
            counted += a.natural or cal.is_working_day(day)
        if counted < limit:
            results.append(None)
            continue
        while a.natural and not cal.is_working_day(day):
            day += one
        results.append(day)
    return results


def timed(runs: int, job: Callable[[], object]) -> tuple[float, object]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    apps = generate(args.count)
    before = WorkCalendar.bundled()
    update_s, _ = timed(args.runs, schedule_2027)
    cal = schedule_2027()
    fast_s, fast = timed(args.runs, lambda: recompute(cal, apps))
    naive_s, naive = timed(args.runs, lambda: recompute_naive(cal, apps))
    if fast != naive:
        print("MISMATCH between the fast and the naive results", file=sys.stderr)
        return 1
    old = recompute(before, apps)
    assert isinstance(fast, list)
    changed = sum(o != n for o, n in zip(old, fast, strict=True))
    plain_s, _ = timed(args.runs, lambda: [cal.due_date(a.accepted_on, a.days) for a in apps])

    print(f"python {platform.python_version()} on {platform.machine()}, median of {args.runs} runs")
    print(f"applications: {len(apps):,}  (due dates changed by the 2027 update: {changed:,})")
    print(f"calendar update (with_schedule 2027, rebuild tables): {update_s * 1e3:8.2f} ms")
    print(
        f"recompute with pauses/extensions:   {fast_s * 1e3:8.1f} ms"
        f"  ({fast_s / len(apps) * 1e6:.2f} µs each)"
    )
    print(
        f"naive day-by-day baseline:          {naive_s * 1e3:8.1f} ms"
        f"  ({naive_s / len(apps) * 1e6:.2f} µs each)"
    )
    print(f"speed-up over baseline:             {naive_s / fast_s:8.1f} x")
    print(f"plain due_date (no pauses):         {plain_s * 1e3:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
