"""`keys machine on|off`, `keys status` and `keys recover`: the station's data key copies.

    python main.py --user admin keys machine on     # OS keystore copy for scheduled tasks
    python main.py keys recover --admin admin       # recovery code -> new administrator password
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from clerk_app.commands import EXIT_FAILED, EXIT_OK, SubParsers, services_for
from clerk_app.commands.access import NotSetUp, open_signed_in
from clerk_app.config import load_config
from clerk_app.i18n import _
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.station_access import (
    StationState,
    keys_path,
    recover,
    station_state,
)
from clerk_app.store import machine_key
from clerk_app.store.keys import KeyFile

RECOVERY_ENV = "CLERK_RECOVERY_CODE"
NEW_PASSWORD_ENV = "CLERK_NEW_PASSWORD"


def register(sub: SubParsers) -> None:
    keys = sub.add_parser("keys", help=_("数据密钥：本机副本、恢复码找回"))
    actions = keys.add_subparsers(dest="keys_action", required=True)
    machine = actions.add_parser("machine", help=_("开启或关闭本机副本（系统凭据库，供计划任务用）"))
    machine.add_argument("state", choices=("on", "off"))
    machine.set_defaults(handler=_machine)
    status = actions.add_parser("status", help=_("本机副本是否开启，哪些账号尚无密钥副本"))
    status.set_defaults(handler=_status)
    rec = actions.add_parser("recover", help=_("用恢复码为管理员设置新密码"))
    rec.add_argument("--admin", required=True, help=_("管理员用户名"))
    rec.set_defaults(handler=_recover)


def _machine(args: argparse.Namespace) -> int:
    opened = open_signed_in(args, load_sample=False)
    try:
        if opened.actor.role != Role.ADMIN.value:
            print(_("只有管理员可以开启或关闭本机副本"), file=sys.stderr)
            return EXIT_FAILED
        key = opened.services.ctx.db.key
        assert key is not None
        with KeyFile.editing(keys_path(opened.services.ctx.config)) as keys:
            if args.state == "on":
                print(machine_key.EXPLANATION)
                machine_key.store(keys, key)
            else:
                machine_key.remove(keys)
        print(_("本机副本已开启") if args.state == "on" else _("本机副本已关闭"))
    finally:
        opened.services.close()
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    with services_for(args, load_sample=False) as services:
        keys = KeyFile.load(keys_path(services.ctx.config))
        missing = services.accounts.accounts_without_key_copy()
    print(_("本机副本：{state}").format(state=_("已开启") if keys.machine_copy else _("未开启")))
    print(_("恢复码副本：{state}").format(state=_("有") if keys.recovery else _("无")))
    print(_("账号密钥副本：{n} 个").format(n=len(keys.accounts)))
    if missing:
        print(_("尚无密钥副本（需管理员重置密码）：{names}").format(names="、".join(missing)))
    return EXIT_OK


def _ask(env: str, prompt: str) -> str:
    return os.environ.get(env) or getpass.getpass(prompt)


def _recover(args: argparse.Namespace) -> int:
    config = load_config(args.data_dir)
    if station_state(config) is not StationState.ENCRYPTED:
        raise NotSetUp()
    code = _ask(RECOVERY_ENV, _("恢复码："))
    password = os.environ.get(NEW_PASSWORD_ENV)
    if not password:
        password = getpass.getpass(_("新密码："))
        if getpass.getpass(_("再次输入新密码：")) != password:
            print(_("两次输入的密码不一致"), file=sys.stderr)
            return EXIT_FAILED
    opened = recover(config, code, args.admin, password)
    opened.services.close()
    print(_("管理员 {user} 的密码已重新设置，请用新密码登录").format(user=opened.actor.username))
    return EXIT_OK

