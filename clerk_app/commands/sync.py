"""`sync --once` (for scheduled tasks) and `sync register --key KEY [--url URL]`.

Exit codes of `sync --once`:
    0  everything was exchanged (outbox drained, catalogue, statuses and calendar pulled)
    4  offline, platform busy or a partial exchange (or still in backoff): retried later
    5  not registered: no platform address, no token, or the token was revoked/refused
    6  exchanged, but events the platform refused are parked and need attention
    1  any other failure (message on stderr)
    3  the station is not set up yet
`sync register`: 0 registered, 4 platform unreachable, 1 key refused or other failure.
"""

from __future__ import annotations

import argparse
import sys

from clerk_app.commands import EXIT_FAILED, EXIT_NOT_SET_UP, EXIT_OK, SubParsers, services_for
from clerk_app.commands.sync_files import register_actions as register_file_actions
from clerk_app.i18n import _
from clerk_app.sync.api import PlatformError
from clerk_app.sync.engine import EXIT_PARTIAL, Outcome, SyncEngine, adapter_factory
from clerk_app.sync.registration import register_station
from clerk_app.sync.transport import address_problem

EXIT_USAGE = 2


def register(sub: SubParsers) -> None:
    sync = sub.add_parser("sync", help=_("与政务服务平台同步（计划任务用 --once）"))
    sync.add_argument("--once", action="store_true", help=_("同步一次后退出"))
    sync.add_argument("--force", action="store_true",
                      help=_("不等待退避时间，立即尝试（相当于「立即同步」）"))
    sync.set_defaults(handler=_sync)
    actions = sync.add_subparsers(dest="sync_action")
    reg = actions.add_parser("register", help=_("用注册码在平台注册本站点"))
    reg.add_argument("--key", required=True, help=_("平台管理员提供的一次性注册码"))
    reg.add_argument("--url", default=None, help=_("平台地址（保存到本机设置）"))
    reg.set_defaults(handler=_register)
    register_file_actions(actions)  # sync export / sync upload (clerk_app/commands/sync_files.py)


def _sync(args: argparse.Namespace) -> int:
    if not args.once:
        print(_("请使用 sync --once 同步一次，或 sync register --key 注册站点"), file=sys.stderr)
        return EXIT_USAGE
    with services_for(args) as services:
        if not services.sync_store.station_id():
            print(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"), file=sys.stderr)
            return EXIT_NOT_SET_UP
        engine = SyncEngine.for_station(services.ctx.config, services.sync_store)
        report = engine.run_once(force=args.force)
    state = report.state
    print(state.headline())
    for line in state.details():
        print("  " + line)
    if report.outcome is Outcome.WAITING and report.retry_in_s is not None:
        print(_("  上次失败后的等待时间未到，约 {s} 秒后再试（--force 可立即尝试）").format(
            s=int(report.retry_in_s)))
    print(_("本次：上传 {pushed} 条，退回 {parked} 条，状态更新 {moved} 件，请求 {requests} 次").format(
        pushed=report.pushed, parked=report.parked, moved=report.moved,
        requests=report.requests))
    if report.pages_sent or report.page_bytes:
        print(_("材料页面：平台新收全 {n} 页，本次发送 {kb} KB").format(
            n=report.pages_sent, kb=round(report.page_bytes / 1024)))
    if report.error:
        print(report.error, file=sys.stderr)
    return report.exit_code


def _register(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        config = services.ctx.config
        if args.url:
            problem = address_problem(args.url)
            if problem:
                print(problem, file=sys.stderr)
                return EXIT_FAILED
            config.platform_url = args.url.strip()
            config.save()
        if not config.platform_url.strip():
            print(_("请用 --url 指定政务服务平台地址"), file=sys.stderr)
            return EXIT_FAILED
        if not services.sync_store.station_id():
            print(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"), file=sys.stderr)
            return EXIT_NOT_SET_UP
        try:
            registration = register_station(services.sync_store, adapter_factory(config),
                                            args.key)
        except PlatformError as exc:
            print(exc.message, file=sys.stderr)
            return EXIT_PARTIAL if exc.transient else EXIT_FAILED
    print(_("站点 {station} 已在平台注册（所属中心 {centre}）").format(
        station=registration.station, centre=registration.centre))
    if registration.progress.url:
        print(_("进度查询地址：{url}（通知书二维码和查询码将指向此处）").format(
            url=registration.progress.url))
    return EXIT_OK
