"""`report daily`: the daily log (每日办件台账) as PDF or xlsx, for a scheduled task.

    python main.py report daily --date 2026-11-26 [--to 2026-11-30]
        [--window 民生事务 | --clerk zhangli | --centre] --out 台账.pdf|台账.xlsx

Without --window/--clerk/--centre the log covers the whole station. The format follows the
file's suffix. A centre-wide log asks the platform for the other stations; when it cannot,
the log is still written, says on its page what is missing, and the exit code is 4 so that a
scheduled task can tell (exit codes otherwise as `clerk_app.cli`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from clerk_app.app import Services, platform_adapter
from clerk_app.commands import EXIT_NOT_SET_UP, EXIT_OK, EXIT_USAGE, SubParsers, services_for
from clerk_app.commands.notice import CLI_ACTOR
from clerk_app.i18n import _
from clerk_app.services.station.settings import load_settings
from clerk_app.services.supervision.centre_log import CentreLog, CentreSource, StationCentreSource
from clerk_app.services.supervision.reports import (
    LogFormat,
    LogQuery,
    LogScope,
    ReportService,
    ScopeKind,
)

EXIT_INCOMPLETE = 4


def register(sub: SubParsers) -> None:
    report = sub.add_parser("report", help=_("报表：每日办件台账"))
    report_sub = report.add_subparsers(dest="action", required=True)
    daily = report_sub.add_parser("daily", help=_("输出每日办件台账（PDF 或 Excel）"))
    daily.add_argument("--date", type=date.fromisoformat, required=True,
                       help=_("日期 YYYY-MM-DD（日期范围的第一天）"))
    daily.add_argument("--to", type=date.fromisoformat, default=None,
                       help=_("日期范围的最后一天（默认与 --date 相同）"))
    scope = daily.add_mutually_exclusive_group()
    scope.add_argument("--window", default=None, help=_("只列该窗口的办件"))
    scope.add_argument("--clerk", default=None, help=_("只列该经办人（用户名）的办件"))
    scope.add_argument("--centre", action="store_true",
                       help=_("全中心（经政务服务平台取得其他站点的办件）"))
    daily.add_argument("--out", type=Path, required=True, help=_("输出文件 .pdf 或 .xlsx"))
    daily.set_defaults(handler=_daily)


def _scope(args: argparse.Namespace) -> LogScope:
    if args.window:
        return LogScope.window(args.window)
    if args.clerk:
        return LogScope.clerk(args.clerk)
    return LogScope.centre() if args.centre else LogScope.station()


def centre_source(services: Services) -> CentreSource | None:
    """The platform as the source of the other stations (None when none is configured)."""
    if not services.ctx.config.platform_url:
        return None
    return StationCentreSource(lambda: platform_adapter(services.ctx.config, services.sync_store))


def _daily(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        print(_("输出文件须以 .pdf 或 .xlsx 结尾"), file=sys.stderr)
        return EXIT_USAGE
    with services_for(args) as services:
        if not load_settings(services.ctx).configured:
            print(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"), file=sys.stderr)
            return EXIT_NOT_SET_UP
        scope = _scope(args)
        source = centre_source(services) if scope.kind is ScopeKind.CENTRE else None
        reports = ReportService(services.ctx, services.calendar.calendar,
                                CentreLog(services.ctx, source))
        query = LogQuery(args.date, args.to or args.date, scope)
        log, data = reports.export(CLI_ACTOR, query, LogFormat(suffix[1:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.out)
    print(_("已写出 {path}（{n} 件）").format(path=args.out, n=log.totals.count))
    if log.coverage is not None and not log.coverage.complete:
        for line in log.coverage.lines():
            print(line, file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK
