"""Command line: the GUI by default, sub-commands for headless jobs (scheduled tasks, support).

Exit codes: 0 success; 1 the job ran but failed (message on stderr, in Chinese);
2 usage error; 3 the station is not set up yet. `sync --once` documents its own codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from clerk_app import __version__
from clerk_app.commands import EXIT_FAILED, EXIT_NOT_SET_UP, notice, report, results, station, sync
from clerk_app.commands import attach as attach_command
from clerk_app.commands import audit as audit_command
from clerk_app.commands import backup as backup_command
from clerk_app.commands import keys as keys_command
from clerk_app.commands import show as show_command
from clerk_app.commands import village as village_command
from clerk_app.commands.access import NotSetUp
from clerk_app.config import load_config
from clerk_app.i18n import _
from clerk_app.store.faults import said_in_words

COMMAND_MODULES = (station, notice, results, report, sync, audit_command, attach_command,
                   show_command, backup_command, village_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clerk", description=_("Clerk 窗口受理客户端"))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=_("数据目录（默认为本用户的应用数据目录）"))
    parser.add_argument("--version", action="version", version=f"Clerk {__version__}",
                        help=_("显示版本号并退出"))
    parser.add_argument("--user", default=None, metavar="NAME", help=USER_HELP)
    sub = parser.add_subparsers(dest="command")
    gui = sub.add_parser("gui", help=_("启动窗口界面（默认）"))
    gui.set_defaults(handler=_gui)
    for module in COMMAND_MODULES:
        module.register(sub)
    keys_command.register(sub)
    _accept_user_everywhere(sub)
    return parser


USER_HELP = _("以该账号登录（密码取自环境变量 CLERK_PASSWORD，否则提示输入）；"
              "开启了本机副本的电脑上可省略")


def _accept_user_everywhere(sub: argparse._SubParsersAction) -> None:
    """`--user NAME` also after the command (`report daily --user U …`), at every level."""
    for parser in set(sub.choices.values()):
        if "--user" not in parser._option_string_actions:  # else the command has its own
            parser.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                                help=USER_HELP)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_user_everywhere(action)


def _gui(args: argparse.Namespace) -> int:
    from clerk_app.ui.run import run_gui

    return run_gui(load_config(args.data_dir))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", _gui)
    try:
        return int(handler(args))
    except NotSetUp as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_NOT_SET_UP
    except Exception as exc:  # wrong password, damaged file, full disk, bad input: in words
        message = said_in_words(exc, load_config(args.data_dir).data_dir)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_FAILED
