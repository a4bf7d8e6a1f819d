"""Command line: the GUI by default, sub-commands for headless jobs (scheduled tasks, support).

Exit codes: 0 success; 1 the job ran but failed (message on stderr, in Chinese);
2 usage error; 3 the station is not set up yet. `sync --once` documents its own codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from clerk_app.config import load_config
from clerk_app.i18n import _

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_SET_UP = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = handler
        return handler
    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clerk", description=_("Clerk 窗口受理客户端"))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=_("数据目录（默认为本用户的应用数据目录）"))
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help=_("启动窗口界面（默认）"))

    setup = sub.add_parser("setup", help=_("无界面初始化站点与管理员账号"))
    setup.add_argument("--centre-name", required=True)
    setup.add_argument("--region", required=True, help=_("6位行政区划代码"))
    setup.add_argument("--station", required=True, help=_("3位站点编码"))
    setup.add_argument("--admin", required=True, help=_("管理员用户名"))
    setup.add_argument("--admin-name", default="管理员")
    setup.add_argument("--password", required=True)

    catalogue = sub.add_parser("catalogue", help=_("事项目录"))
    catalogue_sub = catalogue.add_subparsers(dest="action", required=True)
    imp = catalogue_sub.add_parser("import", help=_("导入事项目录文件（全部成功或全部不变）"))
    imp.add_argument("file", type=Path)

    calendar = sub.add_parser("calendar", help=_("节假日安排"))
    calendar_sub = calendar.add_subparsers(dest="action", required=True)
    cal_imp = calendar_sub.add_parser("import", help=_("导入某年节假日安排文件"))
    cal_imp.add_argument("file", type=Path)

    demo = sub.add_parser("demo", help=_("生成演示办件（虚构人员）"))
    demo.add_argument("--applications", type=int, required=True)
    demo.add_argument("--days", type=int, default=1)
    demo.add_argument("--seed", type=int, default=2026)
    return parser


@command("setup")
def _setup(args: argparse.Namespace) -> int:
    from clerk_app.app import open_services
    from clerk_app.services.context import SYSTEM_ACTOR
    from clerk_app.services.settings import CentreSettings, save_settings

    services = open_services(load_config(args.data_dir))
    try:
        save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
            centre_name=args.centre_name, region_code=args.region, station_code=args.station),
            first_setup=True)
        if not services.accounts.has_accounts():
            services.accounts.create_first_admin(args.admin, args.admin_name, args.password)
    finally:
        services.close()
    print(_("站点已设置：{name}（{region}{station}）").format(
        name=args.centre_name, region=args.region, station=args.station))
    return EXIT_OK


@command("catalogue")
def _catalogue(args: argparse.Namespace) -> int:
    from clerk_app.app import open_services
    from clerk_app.services.context import SYSTEM_ACTOR

    services = open_services(load_config(args.data_dir), load_sample=False)
    try:
        result = services.catalogue.import_file(SYSTEM_ACTOR, args.file)
    finally:
        services.close()
    print(_("事项目录导入完成：{summary}").format(summary=result.summary))
    return EXIT_OK


@command("calendar")
def _calendar(args: argparse.Namespace) -> int:
    from clerk_app.app import open_services
    from clerk_app.services.context import SYSTEM_ACTOR

    services = open_services(load_config(args.data_dir))
    try:
        years = services.calendar.import_file(SYSTEM_ACTOR, args.file)
        changed = services.due_dates.recompute_all()
    finally:
        services.close()
    print(_("已导入 {years} 年节假日安排，重新计算了 {n} 件办件的承诺办结日").format(
        years="、".join(str(y) for y in years), n=changed))
    return EXIT_OK


@command("demo")
def _demo(args: argparse.Namespace) -> int:
    from clerk_app.app import open_services
    from clerk_app.services.demo import generate_demo
    from clerk_app.services.settings import load_settings

    services = open_services(load_config(args.data_dir))
    try:
        if not load_settings(services.ctx).configured:
            print(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"), file=sys.stderr)
            return EXIT_NOT_SET_UP
        made = generate_demo(services, args.applications, args.days, seed=args.seed)
    finally:
        services.close()
    print(_("已生成 {n} 件演示办件（分布在最近 {d} 天）").format(n=made, d=args.days))
    return EXIT_OK


@command("gui")
def _gui(args: argparse.Namespace) -> int:
    from clerk_app.ui.run import run_gui

    return run_gui(load_config(args.data_dir))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = args.command or "gui"
    try:
        return _COMMANDS[name](args)
    except (ValueError, PermissionError, LookupError) as exc:
        # user-caused problems (bad file, invalid data, unknown number): message in Chinese
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
