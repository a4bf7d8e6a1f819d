"""How a command opens the station: `--user NAME` with CLERK_PASSWORD (or a prompt), or the machine copy.

Every command that reads or writes the database goes through `open_for_command`, so a
scheduled task signs in exactly as a clerk does (the password unwraps that account's key
copy; the sign-in is audited) or, where an administrator switched it on, uses the machine
copy in the OS keystore.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from clerk_app.app import Services
from clerk_app.config import Config, load_config
from clerk_app.i18n import _
from clerk_app.services.station.station_access import (
    Opened,
    StationState,
    machine_key_of,
    open_with_key,
    sign_in,
    station_state,
)
from clerk_app.store.conversion import Progress

PASSWORD_ENV = "CLERK_PASSWORD"


class NotSetUp(Exception):
    """No station in this data directory yet (exit 3)."""

    def __init__(self) -> None:
        super().__init__(_("本站尚未设置，请先运行 setup 或启动界面完成初始化"))


def password_for(user: str) -> str:
    """The password from CLERK_PASSWORD, else typed at a prompt (not echoed)."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    return getpass.getpass(_("用户 {user} 的密码：").format(user=user))


def print_progress() -> Progress:
    """Conversion progress on stderr, a line per stage and every tenth of the export."""
    shown: set[str] = set()
    names = {"export": _("正在加密数据"), "verify": _("正在校验加密后的数据库"),
             "swap": _("正在替换数据库文件"), "shred": _("正在清除未加密的旧文件"),
             "backups": _("正在清除未加密的旧备份"), "done": _("数据加密完成")}

    def report(stage: str, fraction: float) -> None:
        mark = f"{stage}:{int(fraction * 10)}"
        if mark in shown:
            return
        shown.add(mark)
        print(f"{names.get(stage, stage)} {fraction:.0%}", file=sys.stderr)

    return report


def announce(opened: Opened) -> None:
    """After a conversion: the recovery code (once) and the accounts that need a reset."""
    if opened.recovery_code:
        print_recovery_code(opened.recovery_code)
    if opened.needs_reset:
        print(_("以下账号尚无本机密钥副本，需由管理员重置密码后才能登录：{names}").format(
            names="、".join(opened.needs_reset)), file=sys.stderr)


def print_recovery_code(code: str) -> None:
    print(_("恢复码（只显示这一次）：忘记全部管理员密码时，用它找回本站数据。"
            "请抄写两份，交乡镇（中心）负责人保管，不要存放在这台电脑上："))
    print("    " + code)


def open_for_command(args: argparse.Namespace, *, load_sample: bool = True,
                     config: Config | None = None) -> Services:
    """Open the services of the data directory named by --data-dir as --user (or with the
    machine copy); NotSetUp, KeyRejected ("密码或密钥不正确") or another DatabaseUnavailable."""
    config = config or load_config(args.data_dir)
    state = station_state(config)
    if state is StationState.NEW:
        raise NotSetUp()
    user = getattr(args, "user", None)
    if user:
        return open_signed_in(args, load_sample=load_sample, config=config).services
    if state is StationState.PLAIN:
        raise PermissionError(_("本版本起本站数据加密保存：请管理员用 --user 登录一次完成加密"
                                "（密码由环境变量 CLERK_PASSWORD 提供或在提示时输入）"))
    return open_with_key(config, machine_key_of(config), load_sample=load_sample)


def open_signed_in(args: argparse.Namespace, *, load_sample: bool = True,
                   config: Config | None = None) -> Opened:
    """Sign in as --user (required here) and open the services."""
    config = config or load_config(args.data_dir)
    user = getattr(args, "user", None)
    if not user:
        raise PermissionError(_("请用 --user 指定账号（密码由环境变量 CLERK_PASSWORD 提供或在提示时输入）"))
    if station_state(config) is StationState.NEW:
        raise NotSetUp()
    opened = sign_in(config, user, password_for(user), load_sample=load_sample,
                     progress=print_progress())
    announce(opened)
    return opened
