"""Benchmark: recompute the due dates of 100,000 open applications after a calendar update.

A scratch station database is made by the app itself (``open_services``: migrations, bundled
sample catalogue), then filled by bulk Core inserts: 100,000 open applications (made-up
numbers) of the sample's 承诺件, accepted from June to December 2026 so that many due dates
reach into 2027 and are provisional; one in five has a 补正 or 特别程序 clock stop (one in ten
of those still running) and one in twenty a 延期. The update is a made-up 2027 schedule
(chinesecalendar has no 2027 yet); it makes those dates definitive and moves some of them.

Timed, median of R runs, the due dates reset to their pre-update values before each run:
- ``DueDateService.recompute_all()`` alone (the 2027 schedule already stored);
- the whole update as a clerk waits for it: ``due_dates.import_payload`` (store the schedule,
  recompute, audit — one transaction).
Also timed, for the window's lists: ``DeadlineService.rows()`` over all of them, the first page
of a county view (``rows(limit=500)``, most urgent first, against the whole list as its
baseline) and the status bar's ``counts()``.
Baseline: the obvious code — per application an ORM load of the row, of its clock events and
of its matter, and a day-by-day loop over ``WorkCalendar.is_working_day`` — timed on a sample
of S applications and extrapolated linearly to the full count (said so in the output). Both
must give the same dates on the sample (checked, not timed).

Run: python -m tests.bench.bench_recompute [--count N] [--runs R] [--sample S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.catalogue import Handling
from clerk_app.domain.holiday_rules import statutory_holidays
from clerk_app.domain.workdays import ClockPause, PauseKind, WorkCalendar
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store.models import Applicant, Application, ClockEvent, MatterRecord
from tests.bench.bench_due_dates import OpenApplication, recompute_naive
from tests.bench.stats import median

D = dt.date
APPS = Application.__table__
PAGE = 500  # rows a county list shows at once, most urgent first
EVENTS = ClockEvent.__table__


def schedule_2027() -> dict[str, Any]:
    """A made-up 2027 schedule (not the State Council's): statutory days, a longer 春节 and
    国庆, 4 Jan off, two 调休 Saturdays."""
    off = {h.date: h.name for h in statutory_holidays(2027)}
    off.update({D(2027, 1, 4): "元旦", D(2027, 2, 9): "春节", D(2027, 2, 10): "春节",
                D(2027, 10, 4): "国庆节", D(2027, 10, 5): "国庆节", D(2027, 10, 6): "国庆节",
                D(2027, 10, 7): "国庆节"})
    return {"format": "clerk-calendar/1", "year": 2027, "source": "基准测试用虚构安排",
            "published_at": None,
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(off.items())],
            "workdays": [{"date": "2027-02-20", "name": "春节"},
                         {"date": "2027-10-09", "name": "国庆节"}]}


def build(services: Services, count: int, seed: int = 2026) -> int:
    """Insert ``count`` open applications and their clock events; returns the event count."""
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="基准测试镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    clerk = services.accounts.create_first_admin("bench", "基准", "bench-password-2026")
    now = dt.datetime(2026, 12, 1, 9, 0)
    with services.ctx.db.transaction() as session:
        person = Applicant(kind="natural_person", name="测试人", doc_type="resident_id",
                           doc_number="11010519491231002X", updated_at=now)
        session.add(person)
        session.flush()
        applicant_id = person.id
        matters = [(r.code, r.version, r.name) for r in session.scalars(
            select(MatterRecord).where(MatterRecord.current.is_(True)))]
    matters = [m for m in matters
               if services.catalogue.matter(m[0], m[1]).handling is Handling.PROMISED]
    rng = random.Random(seed)
    first, span = D(2026, 6, 1), (D(2026, 12, 31) - D(2026, 6, 1)).days
    apps, events = [], []
    for i in range(count):
        code, version, name = matters[rng.randrange(len(matters))]
        accepted = first + dt.timedelta(days=rng.randrange(span + 1))
        apps.append({"id": i + 1, "number": f"BENCH{i:012d}", "station_code": "510104001",
                     "window": "综合服务", "matter_code": code, "matter_version": version,
                     "matter_name": name, "status": "accepted" if i % 3 else "in_review",
                     "outcome": "accepted", "applicant_type": "natural_person",
                     "applicant_id": applicant_id, "clerk_id": clerk.user_id,
                     "received_on": accepted, "accepted_on": accepted, "due_date": None,
                     "due_provisional": False, "delivery_method": "窗口领取",
                     "clerk_conditions": [], "override_reasons": {}, "created_at": now,
                     "updated_at": now})
        if rng.random() < 0.2:
            start = accepted + dt.timedelta(days=rng.randrange(11))
            end = None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randrange(21))
            special = rng.random() < 0.5
            events.append({"application_id": i + 1,
                           "kind": "special_procedure" if special else "correction",
                           "start": start, "end": end, "extension_days": 0,
                           "expected_end": start + dt.timedelta(days=15) if special else None,
                           "reason": "检测" if special else "补正材料", "approver": "",
                           "created_at": now})
        if rng.random() < 0.05:
            events.append({"application_id": i + 1, "kind": "extension", "start": accepted,
                           "end": None, "expected_end": None, "extension_days": 10,
                           "reason": "需现场核查", "approver": "负责人", "created_at": now})
    with services.ctx.db.transaction() as session:
        session.connection().execute(insert(APPS), apps)
        if events:
            session.connection().execute(insert(EVENTS), events)
    return len(events)


def snapshot(services: Services) -> list[dict[str, Any]]:
    with services.ctx.db.reading() as session:
        return [{"b_id": i, "b_due": d, "b_prov": p} for i, d, p in session.execute(
            select(Application.id, Application.due_date, Application.due_provisional))]


def restore(services: Services, rows: list[dict[str, Any]]) -> None:
    table = cast(Table, APPS)
    with services.ctx.db.transaction() as session:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                due_date=bindparam("b_due"), due_provisional=bindparam("b_prov")), rows)


def timed_runs(runs: int, reset: Callable[[], None], job: Callable[[], int]) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(runs):
        reset()
        began = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - began)
    return median(times), result


def naive_recompute(services: Services, ids: list[int]) -> list[dt.date | None]:
    """Baseline: per application, ORM loads of the row, its events and its matter; day by day."""
    cal: WorkCalendar = services.calendar.calendar()
    results: list[dt.date | None] = []
    with services.ctx.db.transaction() as session:
        for app_id in ids:
            app = session.get(Application, app_id)
            assert app is not None and app.accepted_on is not None
            events = session.scalars(select(ClockEvent).where(
                ClockEvent.application_id == app_id)).all()
            matter = session.scalars(select(MatterRecord).where(
                MatterRecord.code == app.matter_code,
                MatterRecord.version == app.matter_version)).one()
            limit = matter.document["promised_limit"]
            pauses = tuple(ClockPause(PauseKind(e.kind), e.start, e.end, e.reason or "-",
                                      e.expected_end or e.end or e.start)
                           for e in events if e.kind != "extension")
            extension = sum(e.extension_days for e in events if e.kind == "extension")
            due, = recompute_naive(cal, [OpenApplication(
                app.accepted_on, limit["days"], limit["unit"] == "natural", pauses, extension)])
            provisional = due is not None and any(
                y not in cal.loaded_years for y in range(app.accepted_on.year, due.year + 1))
            app.due_date, app.due_provisional = due, provisional
            session.flush()
            results.append(due)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clerk-bench-") as tmp:
        services = open_services(Config(data_dir=Path(tmp)), log_to_file=False)
        services.ctx.clock = lambda: dt.datetime(2026, 12, 28, 9, 0)
        began = time.perf_counter()
        n_events = build(services, args.count)
        built_s = time.perf_counter() - began
        began = time.perf_counter()
        services.due_dates.recompute_all()  # due dates before the update (2027 provisional)
        first_s = time.perf_counter() - began
        before = snapshot(services)
        provisional = sum(1 for r in before if r["b_prov"])

        update_s, changed = timed_runs(
            args.runs, lambda: restore(services, before),
            lambda: services.due_dates.import_payload(
                SYSTEM_ACTOR, schedule_2027(), source="bench").changed)
        recompute_s, changed_again = timed_runs(
            args.runs, lambda: restore(services, before), services.due_dates.recompute_all)
        assert changed == changed_again, (changed, changed_again)
        fast = {r["b_id"]: r["b_due"] for r in snapshot(services)}
        rows_s, listed = timed_runs(args.runs, lambda: None,
                                    lambda: len(services.deadlines.rows()))
        page_s, paged = timed_runs(args.runs, lambda: None,
                                   lambda: len(services.deadlines.rows(limit=PAGE)))
        counts_s, _ = timed_runs(args.runs, lambda: None,
                                 lambda: sum(services.deadlines.counts()))

        sample = random.Random(7).sample(sorted(fast), min(args.sample, len(fast)))
        naive_times = []
        for _ in range(args.runs):
            restore(services, before)
            t0 = time.perf_counter()
            naive = naive_recompute(services, sample)
            naive_times.append(time.perf_counter() - t0)
        if naive != [fast[i] for i in sample]:
            print("MISMATCH between the service and the naive baseline", file=sys.stderr)
            return 1
        naive_s = median(naive_times)
        naive_full = naive_s * len(fast) / len(sample)
        services.close()

    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"median of {args.runs} runs, due dates reset before each run")
    print(f"open applications: {args.count:,}  clock events: {n_events:,}  "
          f"(bulk insert {built_s:.1f} s; first compute {first_s * 1e3:.0f} ms)")
    print(f"provisional before the 2027 update: {provisional:,}; "
          f"due dates changed by it: {changed:,}")
    print(f"recompute_all():                         {recompute_s * 1e3:9.1f} ms"
          f"  ({recompute_s / args.count * 1e6:.2f} µs each)")
    print(f"calendar import + recompute (one txn):   {update_s * 1e3:9.1f} ms")
    print(f"naive baseline, {len(sample):,} sample:            {naive_s * 1e3:9.1f} ms"
          f"  ({naive_s / len(sample) * 1e6:.0f} µs each)")
    print(f"naive baseline extrapolated to {len(fast):,}: {naive_full * 1e3:9.1f} ms"
          f"  (linear extrapolation from the sample, not measured)")
    print(f"ratio naive / recompute_all:             {naive_full / recompute_s:9.1f} x")
    print(f"DeadlineService.rows(), {listed:,} rows:   {rows_s * 1e3:9.1f} ms;  "
          f"counts(): {counts_s * 1e3:.1f} ms")
    print(f"rows(limit={PAGE}), the county view's first page of {paged:,}: {page_s * 1e3:9.1f} ms"
          f"  (target <= 300 ms; whole list above is the baseline: "
          f"{rows_s / page_s:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
