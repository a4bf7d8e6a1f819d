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
from clerk_app.commands import EXIT_FAILED, notice, report, results, station, sync
from clerk_app.commands import attach as attach_command
from clerk_app.commands import audit as audit_command
from clerk_app.config import load_config
from clerk_app.i18n import _

COMMAND_MODULES = (station, notice, results, report, sync, audit_command, attach_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clerk", description=_("Clerk 窗口受理客户端"))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=_("数据目录（默认为本用户的应用数据目录）"))
    parser.add_argument("--version", action="version", version=f"Clerk {__version__}",
                        help=_("显示版本号并退出"))
    sub = parser.add_subparsers(dest="command")
    gui = sub.add_parser("gui", help=_("启动窗口界面（默认）"))
    gui.set_defaults(handler=_gui)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _gui(args: argparse.Namespace) -> int:
    from clerk_app.ui.run import run_gui

    return run_gui(load_config(args.data_dir))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", _gui)
    try:
        return int(handler(args))
    except (ValueError, PermissionError, LookupError, OSError) as exc:
        # user-caused problems (bad file, invalid data, unknown number): message in Chinese
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
