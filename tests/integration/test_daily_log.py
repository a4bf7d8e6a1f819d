"""The daily log (每日办件台账) read back from the PDF and the workbook, row by row against the
database; the figures checked by hand; the centre-wide log against the reference platform,
online and offline; `report daily` from the command line."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from clerk_app.app import Services, open_services
from clerk_app.cli import main as cli_main
from clerk_app.config import Config
from clerk_app.documents.daily_log import render_daily_log
from clerk_app.documents.daily_log_xlsx import COLUMNS, render_daily_log_xlsx
from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.masking import mask_name
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.demo import generate_demo
from clerk_app.services.station.journal import audit
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.services.supervision.centre_log import CentreLog, PlatformCentreSource
from clerk_app.services.supervision.figures import FiguresService
from clerk_app.services.supervision.reports import (
    FINISHED_STATUSES,
    HANDLING_LABELS,
    LogQuery,
    LogScope,
    ReportService,
)
from clerk_app.store.cipher import DataKey
from clerk_app.store.models import Applicant, Application, AuditEntry, Visit
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from tests.conftest import station_key
from tests.documents.pdf_tools import pdf_fonts, require_poppler, squeezed
from tests.platform.runner import start_platform
from tests.platform.samples import make_event

NOW = datetime(2026, 11, 26, 17, 0)
DAY = NOW.date()
HEADERS = ("序号", "办件编号", "收件时间", "事项", "申请人", "办理方式", "状态", "承诺办结日",
           "预警", "办结日", "跑动", "窗口", "经办人")


def _open(folder: Path, key: DataKey) -> Services:
    services = open_services(Config(data_dir=folder), key=key, log_to_file=False)
    services.ctx.clock = lambda: NOW
    return services


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DataKey]:
    """A station with ~90 demo applications today and ~60 over the 12 days before (once);
    encrypted, the demo clerks hold key copies (password demo2026pass)."""
    folder = tmp_path_factory.mktemp("demo_station")
    key = station_key(folder)
    services = _open(folder, key)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    generate_demo(services, 90, 1, seed=7)
    generate_demo(services, 60, 12, seed=8)
    services.close()
    return folder, key


@pytest.fixture
def station(tmp_path: Path, template: tuple[Path, DataKey]) -> Iterator[Services]:
    folder, key = template
    for part in [*folder.glob("clerk.sqlite*"), folder / "clerk.keys"]:
        shutil.copy2(part, tmp_path / part.name)
    services = _open(tmp_path, key)
    yield services
    services.close()


def reports_of(services: Services, centre: CentreLog | None = None) -> ReportService:
    return ReportService(services.ctx, services.calendar.calendar, centre)


def pdftotext(pdf: bytes, *args: str) -> list[str]:
    """The pages' text (pdftotext with `args`), one string per page."""
    require_poppler()
    done = subprocess.run(["pdftotext", *args, "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8").split("\f")[:-1]


@dataclass(frozen=True)
class DbRow:
    number: str
    matter: str
    status_label: str
    applicant: str
    received: datetime
    due: date | None
    visits: int
    outcome: str
    window: str


def db_rows(services: Services, first: date, last: date) -> list[DbRow]:
    """Straight from the tables, in intake order (independent of the report's query)."""
    with services.ctx.db.reading() as session:
        apps = session.scalars(select(Application).where(
            Application.received_on >= first, Application.received_on <= last)
            .order_by(Application.created_at, Application.number)).all()
        return [DbRow(a.number, a.matter_name, ApplicationStatus(a.status).label,
                      a.applicant.name if a.applicant.kind == "legal_person"
                      else mask_name(a.applicant.name), a.created_at, a.due_date,
                      session.scalar(select(func.count(Visit.id)).where(
                          Visit.application_id == a.id)) or 0, a.outcome, a.window)
                for a in apps]


def test_pdf_rows_match_the_database_across_page_breaks(station: Services) -> None:
    log = reports_of(station).daily_log(SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.station()))
    expected = db_rows(station, DAY, DAY)
    assert len(expected) >= 80 and len(log.rows) == len(expected)
    pdf = render_daily_log(log)
    pages = pdftotext(pdf, "-layout")
    assert len(pages) >= 3
    seen: list[str] = []
    pages_with_rows = 0
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        assert "打印时间：2026-11-26 17:00" in page and "青石镇便民服务中心" in page
        lines = page.splitlines()
        if len(seen) < len(expected):  # a page of the table: its header comes first
            header = next(i for i, line in enumerate(lines) if "办件编号" in line)
            assert all(title in lines[header] for title in HEADERS), lines[header]
            lines = lines[header + 1:]
            pages_with_rows += 1
        for line in lines:
            found = re.search(r"^\s*(\d+)\s+(51010400120261126\d{5}[0-9X])\s", line)
            if found:
                index = int(found.group(1))
                row = expected[index - 1]
                assert found.group(2) == row.number and index == len(seen) + 1
                # the first line of every cell sits on the row's line
                assert f"{row.received:%m-%d %H:%M}" in line and row.status_label in line
                assert row.applicant[:2] in line
                seen.append(row.number)
    assert seen == [row.number for row in expected] and pages_with_rows >= 3
    # content order: each row's cells, wrapped or not, in column order
    raw = squeezed("".join(pdftotext(pdf, "-raw")))
    position = 0
    for index, row in enumerate(expected, start=1):
        due = row.due.isoformat() if row.due else ""
        cells = [str(index), row.number, f"{row.received:%m-%d %H:%M}", row.matter,
                 row.applicant, HANDLING_LABELS[row.outcome], row.status_label, due]
        for cell in filter(None, cells):
            found_at = raw.find(squeezed(cell), position)
            assert found_at >= 0, (index, cell)
            position = found_at
    # totals per outcome and per matter, and the signature line, after the rows
    last = squeezed("".join(pages))
    counts = Counter(r.outcome for r in expected)
    outcome_row = "件数" + "".join(str(counts.get(code, 0)) for code in HANDLING_LABELS)
    assert outcome_row + str(len(expected)) in last
    assert "中心负责人（签字）" in squeezed(pages[-1]) and "合计（按事项" in last
    assert all(font.embedded for font in pdf_fonts(pdf))


def test_workbook_cell_by_cell(station: Services) -> None:
    log = reports_of(station).daily_log(SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.station()))
    book = load_workbook(io.BytesIO(render_daily_log_xlsx(log)))
    assert book.sheetnames == ["台账", "汇总"]
    sheet = book["台账"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref is not None
    assert [c.value for c in sheet[1]] == [title for title, _width in COLUMNS]
    assert sheet.column_dimensions["F"].width == 36
    head = {title: i for i, (title, _w) in enumerate(COLUMNS)}
    expected = db_rows(station, DAY, DAY)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected)
    for index, (values, row) in enumerate(zip(rows, expected, strict=True), start=1):
        assert values[head["序号"]] == index
        assert values[head["办件编号"]] == row.number and isinstance(row.number, str)
        received = values[head["收件时间"]]
        assert isinstance(received, datetime) and received == row.received
        assert values[head["事项"]] == row.matter
        assert values[head["申请人"]] == row.applicant
        assert values[head["状态"]] == row.status_label
        assert values[head["窗口"]] == row.window
        due = values[head["承诺办结日"]]
        assert (due.date() if isinstance(due, datetime) else due) == row.due
        assert values[head["跑动次数"]] == row.visits and isinstance(row.visits, int)
    cell = sheet.cell(row=2, column=head["承诺办结日"] + 1)
    assert cell.is_date or cell.value is None
    totals = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    counts = Counter(r.outcome for r in expected)
    for code, label in HANDLING_LABELS.items():
        assert totals[label] == counts.get(code, 0)
    assert totals["合计"] == len(expected)
    assert totals["开始日期"] == datetime.combine(DAY, datetime.min.time())


def test_figures_checked_by_hand_against_the_rows(station: Services) -> None:
    first = DAY - timedelta(days=11)
    reports = reports_of(station)
    figures = FiguresService(reports).figures(SYSTEM_ACTOR, first, DAY, LogScope.station())
    rows = reports.rows(SYSTEM_ACTOR, LogQuery(first, DAY, LogScope.station()))
    assert figures.total == len(rows) == len(db_rows(station, first, DAY))
    assert sum(n for _m, n in figures.by_matter) == figures.total
    assert sum(n for _w, n in figures.by_window) == figures.total
    assert dict(figures.by_outcome)["补正"] == sum(r.outcome == "correction" for r in rows)
    finished = [r for r in rows if r.status in FINISHED_STATUSES]
    assert finished and figures.finished == len(finished)
    on_time = [r for r in finished if r.due_date and r.finished_on and r.finished_on <= r.due_date]
    assert figures.on_time.numerator == len(on_time)
    assert figures.on_time.denominator == sum(r.due_date is not None for r in finished)
    assert figures.one_visit.numerator == sum((r.visits or 0) <= 1 for r in finished)
    assert figures.one_visit.denominator == len(finished)
    with station.ctx.db.reading() as session:
        deferred = session.scalar(select(func.count()).select_from(Application).where(
            Application.outcome == "accepted_deferred", Application.received_on >= first))
    assert figures.deferred == deferred
    assert figures.owed_materials >= figures.owed_applications >= (1 if deferred else 0)
    assert sum(d.received for d in figures.trend) == figures.total
    assert len(figures.trend) == 12 and figures.trend[-1].day == DAY
    assert [r.light.value for r in figures.overdue if r.light] == ["red"] * len(figures.overdue)


def test_finishing_day_comes_from_the_audit_trail(station: Services) -> None:
    with station.ctx.db.transaction() as session:
        app = session.scalars(select(Application).where(
            Application.status == "accepted", Application.received_on == DAY)).first()
        assert app is not None and app.due_date is not None
        app.status = "completed"
        number, due = app.number, app.due_date
        audit(session, SYSTEM_ACTOR, "status_from_platform", "application", number, NOW,
              {"status": "accepted"},
              {"status": "completed", "changed_at": (due + timedelta(days=3)).isoformat()})
    row = next(r for r in reports_of(station).rows(
        SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.station())) if r.number == number)
    assert row.finished_on == due + timedelta(days=3) and not row.finished_estimated
    assert row.on_time is False
    pdf_text = squeezed("".join(pdftotext(render_daily_log(reports_of(station).daily_log(
        SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.station()))), "-raw")))
    segment = pdf_text[pdf_text.index(number):][:160]
    assert f"{(due + timedelta(days=3)).isoformat()}超期" in segment


def test_window_and_clerk_scopes_and_an_empty_day(station: Services) -> None:
    reports = reports_of(station)
    window_rows = reports.rows(SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.window("民生事务")))
    assert window_rows and {r.window for r in window_rows} == {"民生事务"}
    clerk_rows = reports.rows(SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.clerk("lihua")))
    assert clerk_rows and {r.clerk for r in clerk_rows} == {"李华"}
    empty = reports.daily_log(SYSTEM_ACTOR, LogQuery.day(date(2026, 1, 5), LogScope.station()))
    page = pdftotext(render_daily_log(empty), "-layout")
    assert len(page) == 1 and "本范围内没有办件" in page[0] and "第 1 页 共 1 页" in page[0]
    with station.ctx.db.reading() as session:
        audited = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "daily_log_built")).all()
    assert audited[-1].after is not None and audited[-1].after["rows"] == 0


# -- centre-wide --------------------------------------------------------------------------


def _register(url: str, key: str, station: str) -> ClerkSyncV1Adapter:
    adapter = ClerkSyncV1Adapter(url, connect_timeout=2, read_timeout=5)
    adapter.register(key, station)
    return adapter


def test_centre_log_online_then_offline(station: Services, tmp_path: Path) -> None:
    platform = start_platform(tmp_path / "platform")
    try:
        office = platform.back_office()
        ours = _register(platform.url, office.issue_registration_key(
            "510104001", "青石镇便民服务中心", centre="510104"), "510104001")
        village = _register(platform.url, office.issue_registration_key(
            "510104002", "石桥村代办点", centre="510104"), "510104002")
        sent = [make_event("510104002", seq, number=seq) for seq in (1, 2, 3)]
        assert len(village.push_events(sent).applied_ids) == 3
        centre = CentreLog(station.ctx, PlatformCentreSource(ours))
        log = reports_of(station, centre).daily_log(SYSTEM_ACTOR,
                                                    LogQuery.day(DAY, LogScope.centre()))
        own = db_rows(station, DAY, DAY)
        assert log.coverage is not None and log.coverage.complete
        assert [s.station for s in log.coverage.stations] == ["510104002"]
        theirs = [r for r in log.rows if r.station == "510104002"]
        assert sorted(r.number for r in theirs) == sorted(e["application_no"] for e in sent)
        assert {r.applicant for r in theirs} == {"张*"} and {r.visits for r in theirs} == {None}
        assert len(log.rows) == len(own) + 3
        text = squeezed("".join(pdftotext(render_daily_log(log), "-raw")))
        newest = datetime.fromisoformat(sent[0]["occurred_at"]).astimezone().replace(tzinfo=None)
        assert squeezed(f"510104002 石桥村代办点：平台上最新数据 {newest:%Y-%m-%d %H:%M}") in text
        assert all(e["application_no"] in text for e in sent)
        assert "不完整" not in text
        ours.close()
        village.close()
    finally:
        platform.stop()
    # the platform is gone: this station's rows, and on the page who is missing since when
    offline = reports_of(station, CentreLog(station.ctx, PlatformCentreSource(
        ClerkSyncV1Adapter(platform.url, token="revoked-or-gone", connect_timeout=1,
                           read_timeout=1)))).daily_log(SYSTEM_ACTOR,
                                                        LogQuery.day(DAY, LogScope.centre()))
    assert offline.coverage is not None and not offline.coverage.complete
    assert offline.coverage.missing == ("510104002",)
    assert len(offline.rows) == len(own)
    pages = pdftotext(render_daily_log(offline), "-layout")
    assert all("本台账不完整：缺少站点 510104002" in page for page in pages)
    first = squeezed(pages[0])
    assert squeezed("缺少以下 1 个站点的办件") in first
    assert squeezed(f"平台上最新数据 {newest:%Y-%m-%d %H:%M}") in first
    with station.ctx.db.reading() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "daily_log_built").order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.after is not None and entry.after["complete"] is False


def test_report_daily_from_the_command_line(station: Services, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = station.ctx.config.data_dir
    station.close()
    monkeypatch.setenv("CLERK_PASSWORD", "demo2026pass")
    pdf, xlsx = tmp_path / "out" / "log.pdf", tmp_path / "log.xlsx"
    assert cli_main(["--data-dir", str(data_dir), "report", "daily", "--date", DAY.isoformat(),
                     "--user", "chenjing", "--window", "民生事务", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and "民生事务窗口" in "".join(
        pdftotext(pdf.read_bytes(), "-layout"))
    assert cli_main(["--data-dir", str(data_dir), "--user", "chenjing", "report", "daily",
                     "--date", DAY.isoformat(), "--to", DAY.isoformat(), "--out", str(xlsx)]) == 0
    assert load_workbook(xlsx)["台账"].max_row >= 90
    assert cli_main(["--data-dir", str(data_dir), "--user", "chenjing", "report", "daily",
                     "--date", DAY.isoformat(), "--centre", "--out", str(tmp_path / "c.pdf")]) == 4
    assert cli_main(["--data-dir", str(data_dir), "--user", "chenjing", "report", "daily",
                     "--date", DAY.isoformat(), "--out", str(tmp_path / "log.txt")]) == 2


def test_a_name_beyond_the_main_face_is_printed(station: Services) -> None:
    with station.ctx.db.transaction() as session:
        applicant = session.scalars(select(Applicant).join(
            Application, Application.applicant_id == Applicant.id).where(
            Application.received_on == DAY, Applicant.kind == "natural_person")).first()
        assert applicant is not None
        applicant.name = "𠈌小明"
    log = reports_of(station).daily_log(SYSTEM_ACTOR, LogQuery.day(DAY, LogScope.station()))
    assert "𠈌*明" in [r.applicant for r in log.rows]
    assert "𠈌*明" in "".join(pdftotext(render_daily_log(log), "-raw"))
