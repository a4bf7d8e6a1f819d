"""`show NUMBER [--json]`: one application or bundle as the window's application view shows it."""

from __future__ import annotations

import argparse
import json

from clerk_app.commands import EXIT_OK, SubParsers, services_for
from clerk_app.i18n import _
from clerk_app.services.intake.show import ShowService, text_lines


def register(sub: SubParsers) -> None:
    show = sub.add_parser("show", help=_("显示一个办件或一件事（证件号码、电话已脱敏）"))
    show.add_argument("number", help=_("办件编号或一件事编号（也可输入成员事项的编号）"))
    show.add_argument("--json", action="store_true",
                      help=_("输出稳定的 JSON 文档（格式见 docs/show-json.md）"))
    show.set_defaults(handler=_show)


def _show(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        document = ShowService(services.ctx, services.application_view,
                               services.bundles).document(args.number)
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print("\n".join(text_lines(document)))
    return EXIT_OK
