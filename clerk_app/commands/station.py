"""`setup`, `catalogue import`, `calendar import` and `demo`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clerk_app.commands import EXIT_NOT_SET_UP, EXIT_OK, SubParsers, services_for
from clerk_app.commands.access import PASSWORD_ENV, print_recovery_code
from clerk_app.config import load_config
from clerk_app.i18n import _
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import CentreSettings, load_settings, save_settings
from clerk_app.services.station.station_access import StationState, set_up, station_state


def register(sub: SubParsers) -> None:
    setup = sub.add_parser("setup", help=_("无界面初始化站点与管理员账号"))
    setup.add_argument("--centre-name", required=True)
    setup.add_argument("--region", required=True, help=_("6位行政区划代码"))
    setup.add_argument("--station", required=True, help=_("3位站点编码"))
    setup.add_argument("--admin", required=True, help=_("管理员用户名"))
    setup.add_argument("--admin-name", default="管理员")
    setup.add_argument("--password", required=True)
    setup.set_defaults(handler=_setup)

    catalogue = sub.add_parser("catalogue", help=_("事项目录"))
    catalogue_sub = catalogue.add_subparsers(dest="action", required=True)
    imp = catalogue_sub.add_parser("import", help=_("导入事项目录文件（全部成功或全部不变）"))
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=_catalogue_import)

    calendar = sub.add_parser("calendar", help=_("节假日安排"))
    calendar_sub = calendar.add_subparsers(dest="action", required=True)
    cal_imp = calendar_sub.add_parser("import", help=_("导入节假日安排文件并重算承诺办结日"))
    cal_imp.add_argument("file", type=Path)
    cal_imp.set_defaults(handler=_calendar_import)

    demo = sub.add_parser("demo", help=_("生成演示办件（虚构人员）"))
    demo.add_argument("--applications", type=int, required=True)
    demo.add_argument("--days", type=int, default=1)
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(handler=_demo)


def _setup(args: argparse.Namespace) -> int:
    """A new station: data key, key file, encrypted database, administrator, and the recovery
    code printed once. On a station already set up: the settings are saved again (signed in
    as --user, or as --admin with --password)."""
    settings = CentreSettings(centre_name=args.centre_name, region_code=args.region,
                              station_code=args.station)
    config = load_config(args.data_dir)
    if station_state(config) is StationState.NEW:
        opened = set_up(config, settings, args.admin, args.admin_name, args.password)
        opened.services.close()
        print_recovery_code(opened.recovery_code or "")
    else:
        if not getattr(args, "user", None):
            args.user = args.admin
            os.environ.setdefault(PASSWORD_ENV, args.password)
        with services_for(args) as services:
            save_settings(services.ctx, SYSTEM_ACTOR, settings, first_setup=True)
    print(_("站点已设置：{name}（{region}{station}）").format(
        name=args.centre_name, region=args.region, station=args.station))
    return EXIT_OK


def _catalogue_import(args: argparse.Namespace) -> int:
    with services_for(args, load_sample=False) as services:
        result = services.catalogue.import_file(SYSTEM_ACTOR, args.file)
        services.matters.refresh()
    print(_("事项目录导入完成：{summary}").format(summary=result.summary))
    return EXIT_OK


def _calendar_import(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        update = services.due_dates.import_file(SYSTEM_ACTOR, args.file)
    print(_("已导入 {years} 年节假日安排，重新计算了 {n} 件办件的承诺办结日").format(
        years="、".join(str(y) for y in update.years), n=update.changed))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from clerk_app.services.station.demo import generate_demo

    with services_for(args) as services:
        if not load_settings(services.ctx).configured:
            print(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"), file=sys.stderr)
            return EXIT_NOT_SET_UP
        made = generate_demo(services, args.applications, args.days, seed=args.seed,
                             bundles=args.applications // 15)  # 一件事 cases besides
    print(_("已生成 {n} 件演示办件（分布在最近 {d} 天）").format(n=made, d=args.days))
    return EXIT_OK
