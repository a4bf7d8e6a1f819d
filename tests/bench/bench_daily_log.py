"""Benchmark: build the daily log (每日办件台账) of 5,000 and 50,000 applications, PDF and xlsx.

Run from the repository root:  python -m tests.bench.bench_daily_log [--sizes 5000 50000]
[--runs 3] [--seed-count 600]

A station database is filled with `generate_demo` (real intake writes, over 30 days); as the
demo writes ~20 applications a second, the seed is then copied (applications with their
visits, decisions and materials, each copy with its own valid 办件编号 on the same day) up to
the size. The log covers the 30 days for the whole station. Figures are medians of R runs:

- query: the log's rows (set-based: one query per table) and, as baseline, the same rows read
  the obvious way — one ORM object per application and its lazy relations (N+1 queries);
  both must give the same rows (checked, not timed);
- PDF and xlsx: rows + rendering, and the PDF built on the N+1 rows; the xlsx render alone
  (XlsxWriter) next to openpyxl's write-only writer given the same typed values (no styles: a
  lower bound of what the app used before);
- peak memory (tracemalloc, a separate run) of building each.

Profile of the xlsx render (issue 16: openpyxl's write-only cell writer was ~95 % of it, which
is why the log is now written with XlsxWriter):
  python -m cProfile -s tottime -m tests.bench.bench_daily_log --sizes 5000 --runs 1 | head -40
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.documents.daily_log import render_daily_log
from clerk_app.documents.daily_log_xlsx import COLUMNS, render_daily_log_xlsx, row_values
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.numbering import format_number
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.demo import generate_demo
from clerk_app.services.station.settings import CentreSettings, load_settings, save_settings
from clerk_app.services.supervision.reports import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    DailyLog,
    LogQuery,
    LogRow,
    LogScope,
    ReportService,
    masked_applicant,
    outcome_sequence,
    totals_of,
)
from clerk_app.store.models import Application, ApplicationMaterial, Decision, Visit
from tests.bench.stats import median

NOW = datetime(2026, 11, 26, 17, 30)
DAYS = 30


def _columns(model: Any) -> list[str]:
    return [c.key for c in model.__table__.columns if c.key != "id"]


def fill(services: Services, count: int, seed_count: int) -> None:
    """Seed with the demo, then copy applications (and their children) up to `count`."""
    generate_demo(services, seed_count, DAYS)
    settings = load_settings(services.ctx)
    app_cols = _columns(Application)
    children = ((Visit, _columns(Visit)), (Decision, _columns(Decision)),
                (ApplicationMaterial, _columns(ApplicationMaterial)))
    with services.ctx.db.transaction() as session:
        seeds = [dict(row._mapping) for row in session.execute(
            select(Application.id, *(getattr(Application, c) for c in app_cols))
            .order_by(Application.id))]
        kids: dict[Any, dict[int, list[dict[str, Any]]]] = {}
        for model, cols in children:
            grouped: dict[int, list[dict[str, Any]]] = {}
            for row in session.execute(select(*(getattr(model, c) for c in cols))):
                grouped.setdefault(row.application_id, []).append(dict(row._mapping))
            kids[model] = grouped
        next_seq: dict[date, int] = {}
        for seed in seeds:
            day = seed["received_on"]
            next_seq[day] = max(next_seq.get(day, 0), int(seed["number"][17:22]))
        have = len(seeds)
        while have < count:
            batch = seeds[: count - have]
            values = []
            for seed in batch:
                next_seq[seed["received_on"]] += 1
                values.append({**{c: seed[c] for c in app_cols}, "number": format_number(
                    settings.region_code, settings.station_code, seed["received_on"],
                    next_seq[seed["received_on"]])})
            new_ids = session.scalars(insert(Application).returning(
                Application.id, sort_by_parameter_order=True), values).all()
            for model, _cols in children:
                rows = [{**child, "application_id": new_id}
                        for seed, new_id in zip(batch, new_ids, strict=True)
                        for child in kids[model].get(seed["id"], [])]
                if rows:
                    session.execute(insert(model), rows)
            have += len(batch)


def naive_rows(services: Services, query: LogQuery) -> list[LogRow]:
    """The baseline: one ORM object per application, relations loaded lazily (N+1)."""
    settings = load_settings(services.ctx)
    calendar, today = services.calendar.calendar(), services.ctx.today()
    rows = []
    with services.ctx.db.reading() as session:
        apps = session.scalars(select(Application).where(
            Application.received_on >= query.first, Application.received_on <= query.last)
            .order_by(Application.created_at, Application.number)).all()
        for app in apps:
            finished = app.status in FINISHED_STATUSES
            finished_on = (app.accepted_on if finished and app.outcome == "done_on_spot"
                           else app.updated_at.date() if finished else None)
            rows.append(LogRow(
                number=app.number, station=app.station_code, received_at=app.created_at,
                matter_code=app.matter_code, matter_name=app.matter_name,
                applicant=masked_applicant(app.applicant.name, app.applicant.kind),
                handling=outcome_sequence([d.outcome for d in app.decisions] or [app.outcome]),
                outcome=app.outcome, status=app.status,
                status_label=ApplicationStatus(app.status).label, due_date=app.due_date,
                due_provisional=app.due_provisional,
                light=calendar.due_status(app.due_date, today, settings.yellow_days)
                if app.status in OPEN_STATUSES else None,
                finished_on=finished_on,
                finished_estimated=finished and app.outcome != "done_on_spot",
                visits=len(app.visits), window=app.window, clerk=app.clerk.display_name))
    return rows


def naive_log(services: Services, query: LogQuery, template: DailyLog) -> DailyLog:
    rows = naive_rows(services, query)
    return DailyLog(query, template.centre_name, template.station_id, template.scope_label,
                    tuple(rows), totals_of(rows), template.printed_at, template.printed_by)


def openpyxl_xlsx(log: DailyLog) -> bytes:
    """The baseline writer: openpyxl write-only, the same typed values, header and rows."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append([title for title, _width in COLUMNS])
    for index, row in enumerate(log.rows, start=1):
        sheet.append([None if v == "" else v for v in row_values(index, row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(job: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return median(times)


def peak_mib(job: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench(size: int, runs: int, seed_count: int, folder: Path) -> None:
    services = open_services(Config(data_dir=folder / f"n{size}"), log_to_file=False)
    services.ctx.clock = lambda: NOW
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    started = time.perf_counter()
    fill(services, size, min(seed_count, size))
    print(f"\n== {size:,} applications (database filled in {time.perf_counter() - started:.0f} s)")
    reports = ReportService(services.ctx, services.calendar.calendar)
    query = LogQuery(NOW.date() - timedelta(days=DAYS - 1), NOW.date(), LogScope.station())
    log = reports.daily_log(SYSTEM_ACTOR, query)
    assert len(log.rows) == size, (len(log.rows), size)
    naive = naive_log(services, query, log)
    assert [(r.number, r.handling, r.visits, r.status, r.light) for r in naive.rows] == [
        (r.number, r.handling, r.visits, r.status, r.light) for r in log.rows]
    rows_fast = timed(lambda: reports.rows(SYSTEM_ACTOR, query), runs)
    rows_naive = timed(lambda: naive_rows(services, query), runs)
    pdf = timed(lambda: render_daily_log(reports.daily_log(SYSTEM_ACTOR, query)), runs)
    pdf_naive = timed(lambda: render_daily_log(naive_log(services, query, log)), runs)
    xlsx = timed(lambda: render_daily_log_xlsx(reports.daily_log(SYSTEM_ACTOR, query)), runs)
    xlsx_render = timed(lambda: render_daily_log_xlsx(log), runs)
    xlsx_openpyxl = timed(lambda: openpyxl_xlsx(log), runs)
    pages = render_daily_log(log).count(b"/Type /Page\n")
    print(f"rows, set-based            {rows_fast * 1000:9.0f} ms")
    print(f"rows, N+1 ORM (baseline)   {rows_naive * 1000:9.0f} ms   ratio {rows_naive / rows_fast:5.1f}x")
    print(f"PDF  (rows + render)       {pdf * 1000:9.0f} ms   ({pages} pages)")
    print(f"PDF  on N+1 rows           {pdf_naive * 1000:9.0f} ms   ratio {pdf_naive / pdf:5.2f}x")
    print(f"xlsx (rows + render)       {xlsx * 1000:9.0f} ms")
    print(f"xlsx render (XlsxWriter)   {xlsx_render * 1000:9.0f} ms")
    print(f"xlsx render, openpyxl      {xlsx_openpyxl * 1000:9.0f} ms   ratio "
          f"{xlsx_openpyxl / xlsx_render:5.2f}x (write-only, no styles; baseline)")
    print(f"peak memory PDF            {peak_mib(lambda: render_daily_log(reports.daily_log(SYSTEM_ACTOR, query))):9.1f} MiB")
    print(f"peak memory xlsx           {peak_mib(lambda: render_daily_log_xlsx(reports.daily_log(SYSTEM_ACTOR, query))):9.1f} MiB")
    print(f"peak memory N+1 rows       {peak_mib(lambda: naive_rows(services, query)):9.1f} MiB")
    services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed-count", type=int, default=600)
    args = parser.parse_args()
    import openpyxl
    import xlsxwriter

    print(f"Python {sys.version.split()[0]} on {platform.machine()}; median of {args.runs} runs; "
          f"XlsxWriter {xlsxwriter.__version__}, openpyxl {openpyxl.__version__}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            bench(size, args.runs, args.seed_count, Path(tmp))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
