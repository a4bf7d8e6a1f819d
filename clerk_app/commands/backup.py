"""`backup --out FILE` and `restore FILE` (备份与恢复)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy import select

from clerk_app.app import Services
from clerk_app.commands import EXIT_FAILED, EXIT_OK, SubParsers, services_for
from clerk_app.commands.access import open_for_command
from clerk_app.config import load_config
from clerk_app.i18n import _
from clerk_app.services.station.backup import (
    BackupService,
    check_backup,
    prepare_restore,
    swap_checked,
)
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import load_settings
from clerk_app.store.backup import MANUAL, BackupProblem
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import DatabaseDamaged
from clerk_app.store.instance_lock import window_holding
from clerk_app.store.models import User

log = logging.getLogger(__name__)


def register(sub: SubParsers) -> None:
    backup = sub.add_parser("backup", help=_("备份本站数据库（本站密钥加密）"))
    backup.add_argument("--out", type=Path, default=None,
                        help=_("备份文件（默认写入数据目录的 backups 文件夹）"))
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser("restore", help=_("用备份文件恢复本站数据库（先校验，成功前保留原数据库）"))
    restore.add_argument("file", type=Path)
    restore.set_defaults(handler=_restore)


def actor_of(services: Services, username: str | None) -> Actor:
    """The signed-in account as an actor (the system for the machine copy)."""
    if not username:
        return SYSTEM_ACTOR
    with services.ctx.db.reading() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user.id, user.username, user.display_name, user.role, user.window)


def _backup(args: argparse.Namespace) -> int:
    with services_for(args, load_sample=False) as services:
        actor = actor_of(services, getattr(args, "user", None))
        result = BackupService(services.ctx).back_up(actor, MANUAL, args.out)
    head = result.header.audit_head
    print(_("备份完成：{path}（审计记录至第 {seq} 条{sealed}）").format(
        path=result.path, seq=head["seq"] if head else 0,
        sealed=_("，已用本站密钥加密") if result.header.encrypted else ""))
    if result.warning:
        print(result.warning, file=sys.stderr)
    return EXIT_OK


def _key_without_database(args: argparse.Namespace) -> DataKey | None:
    """The data key from the signed-in account's copy, without opening the database (which
    may be the damaged thing the restore repairs); None for a plain station."""
    from clerk_app.commands.access import password_for
    from clerk_app.services.station.station_access import StationState, station_state, unlock

    config = load_config(args.data_dir)
    if station_state(config) is not StationState.ENCRYPTED:
        return None
    return unlock(config, args.user, password_for(args.user))


def _restore(args: argparse.Namespace) -> int:
    if not getattr(args, "user", None):
        print(_("恢复数据库须由管理员操作：请用 --user 指定管理员账号"
                "（密码由环境变量 CLERK_PASSWORD 提供或在提示时输入）"), file=sys.stderr)
        return EXIT_FAILED
    if not args.file.is_file():
        print(_("找不到备份文件：{path}").format(path=args.file), file=sys.stderr)
        return EXIT_FAILED
    config = load_config(args.data_dir)
    holder = window_holding(config.data_dir)
    if holder is not None:
        print(_("本站的 Clerk 窗口正在运行（进程 {pid}）：请先关闭窗口，再恢复数据库").format(
            pid=holder), file=sys.stderr)
        return EXIT_FAILED
    key: DataKey | None
    services: Services | None = None
    try:
        services = open_for_command(args, load_sample=False, config=config)
        actor = actor_of(services, args.user)
        require(services.ctx, actor, Permission.SETTINGS)
        station, key = load_settings(services.ctx).station_id, services.ctx.db.key
    except DatabaseDamaged:  # a damaged database is what a restore repairs
        print(_("当前数据库已损坏，无法先行备份；将直接用备份文件恢复。"), file=sys.stderr)
        actor, station, key = SYSTEM_ACTOR, "", _key_without_database(args)
    except BaseException:
        if services is not None:
            services.close()
        raise
    safety = None
    try:
        checked = check_backup(config, key, args.file, station)  # before anything changes
        if services is not None:
            safety = prepare_restore(services.ctx, actor)
    except BackupProblem as exc:
        print(_("未恢复，本站数据库保持原样：{why}").format(why=exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        if services is not None:
            services.close()
    try:
        report = swap_checked(config, key, checked, actor, safety)
    except BackupProblem as exc:
        print(_("未恢复，本站数据库保持原样：{why}").format(why=exc), file=sys.stderr)
        return EXIT_FAILED
    chain = report.chain
    print(_("恢复完成：备份时间 {at}，审计记录 {n} 条哈希链相符。").format(
        at=report.header.created_at.replace("T", " "), n=chain.checked if chain else 0))
    if report.safety_copy is not None:
        print(_("恢复前的数据库已另存为备份：{path}").format(path=report.safety_copy))
    return EXIT_OK
