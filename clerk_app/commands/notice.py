"""`notice NUMBER --out FILE.pdf`: write the current notice of an application (an audited reprint)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clerk_app.commands import EXIT_OK, SubParsers, services_for
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor

# Scripts and support staff act as this account in the audit trail.
CLI_ACTOR = Actor(user_id=0, username="cli", display_name="命令行", role="admin")


def register(sub: SubParsers) -> None:
    notice = sub.add_parser("notice", help=_("输出办件当前的通知书（按补打记录）"))
    notice.add_argument("number", help=_("办件编号"))
    notice.add_argument("--out", type=Path, required=True, help=_("输出的 PDF 文件"))
    notice.add_argument("--kind", choices=[k.value for k in NoticeKind], default=None,
                        help=_("通知书种类（默认为该办件当前结论对应的通知书）"))
    notice.set_defaults(handler=_notice)


def _notice(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        rendered = services.notices.render(
            CLI_ACTOR, args.number, NoticeKind(args.kind) if args.kind else None, reprint=True)
    args.out.write_bytes(rendered.pdf)
    if rendered.unprintable:
        print(_("注意：以下字符没有可用字形，打印为空框：{chars}").format(
            chars=" ".join(rendered.unprintable)), file=sys.stderr)
    print(_("已写出 {path}").format(path=args.out))
    return EXIT_OK
