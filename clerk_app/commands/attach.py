"""`attach NUMBER --material N FILE...`: add pages to material N of an application (scanner folders).

Every file is read and normalized first; one bad file refuses the whole command (exit 1, a
Chinese message naming the file) and nothing is stored. Otherwise the pages are added in
one transaction and each page's stored size is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clerk_app.commands import EXIT_FAILED, EXIT_OK, SubParsers, services_for
from clerk_app.commands.notice import CLI_ACTOR
from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import (
    AttachmentRefused,
    ColourPolicy,
    human_size,
    prepare_file,
)
from clerk_app.services.attachments.service import AttachmentError


def register(sub: SubParsers) -> None:
    attach = sub.add_parser("attach", help=_("为办件的某项材料添加页面（图片或 PDF）"))
    attach.add_argument("number", help=_("办件编号"))
    attach.add_argument("--material", type=int, required=True, metavar="N",
                        help=_("材料序号（从 1 开始，与材料清单中的序号一致）"))
    attach.add_argument("--colour", choices=[p.value for p in ColourPolicy],
                        default=ColourPolicy.AUTO.value,
                        help=_("色彩：auto 有红章/红头时保留彩色，否则灰度；colour 彩色；grey 灰度"))
    attach.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_("图片或 PDF 文件"))
    attach.set_defaults(handler=_attach)


def _attach(args: argparse.Namespace) -> int:
    policy = ColourPolicy(args.colour)
    try:
        prepared = [prepare_file(path, policy) for path in args.files]
    except AttachmentRefused as exc:
        print(_("未添加任何页面：{reason}").format(reason=exc), file=sys.stderr)
        return EXIT_FAILED
    with services_for(args) as services:
        attachments = services.attachments
        try:
            material_id = attachments.material_id_of(args.number, args.material)
            added = attachments.add_to_application(CLI_ACTOR, args.number, material_id, prepared)
            pages = attachments.application_pages(args.number)[material_id]
        except AttachmentError as exc:
            print(_("未添加任何页面：{reason}").format(reason=exc), file=sys.stderr)
            return EXIT_FAILED
    for page, source in zip(added, prepared, strict=True):
        kind = _("PDF {n} 页").format(n=page.page_count) if page.is_pdf else (
            _("彩色") if page.colour else _("灰度"))
        print(_("第 {pos} 页  {name}：原文件 {orig} → 保存 {size}（{kind}，{w}×{h}）").format(
            pos=page.position + 1, name=source.original_name, orig=human_size(source.original_size),
            size=human_size(page.size), kind=kind, w=page.width, h=page.height)
            if not page.is_pdf else
            _("第 {pos} 页  {name}：保存 {size}（{kind}，原样保存）").format(
                pos=page.position + 1, name=source.original_name, size=human_size(page.size),
                kind=kind))
    print(_("材料 {n}：{statement}").format(n=args.material, statement=pages.statement()))
    return EXIT_OK
