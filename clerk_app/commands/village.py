"""`village …`: the station kind and point settings, 代办回执 and 材料交接单 to PDF, what is
在途 and whether the offline limits are passed (the same services as the 村务 menu)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from clerk_app.commands import EXIT_OK, SubParsers, services_for
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.village.offline import offline_state
from clerk_app.services.village.point import StationKind, load_point, save_point
from clerk_app.services.village.wiring import village_of

CLI_ACTOR = Actor(user_id=0, username="cli", display_name="命令行", role="admin")
EXIT_OFFLINE_WARNING = 4


def register(sub: SubParsers) -> None:
    village = sub.add_parser("village", help=_("村代办点：站点类型、代办回执、材料交接单、在途"))
    actions = village.add_subparsers(dest="village_command", required=True)
    point = actions.add_parser("point", help=_("查看或设置站点类型（中心/代办点）与代办点信息"))
    point.add_argument("--kind", choices=[k.value for k in StationKind], default=None,
                       help=_("centre 中心，village 代办点"))
    point.add_argument("--name", default=None, help=_("代办点名称，如 青石村便民服务点"))
    point.add_argument("--phone", default=None, help=_("代办员联系电话（印在代办回执上）"))
    point.add_argument("--warn-days", type=int, default=None,
                       help=_("最早未发送记录超过几天提醒导出（默认 3）"))
    point.add_argument("--warn-cases", type=int, default=None,
                       help=_("未发送办件超过几件提醒导出（默认 30）"))
    point.add_argument("--transit-days", type=int, default=None,
                       help=_("在途超过几个工作日提醒（默认 3）"))
    point.set_defaults(handler=_point)
    receipt = actions.add_parser("receipt", help=_("输出代收件的代办回执 PDF"))
    receipt.add_argument("number", help=_("办件编号"))
    receipt.add_argument("--out", type=Path, required=True, help=_("输出的 PDF 文件"))
    receipt.set_defaults(handler=_receipt)
    slip = actions.add_parser("slip", help=_("输出材料交接单 PDF"))
    slip.add_argument("number", help=_("交接单编号"))
    slip.add_argument("--out", type=Path, required=True, help=_("输出的 PDF 文件"))
    slip.set_defaults(handler=_slip)
    transit = actions.add_parser("transit", help=_("列出在途办件（超过规定工作日的标“逾期”）"))
    transit.set_defaults(handler=_transit)
    offline = actions.add_parser("offline", help=_("检查离线限度；超过时退出码 4 并说明如何导出"))
    offline.set_defaults(handler=_offline)


def _point(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        current = load_point(services.ctx)
        changes = {key: value for key, value in (
            ("kind", args.kind), ("point_name", args.name), ("point_phone", args.phone),
            ("offline_warn_days", args.warn_days), ("offline_warn_cases", args.warn_cases),
            ("transit_days", args.transit_days)) if value is not None}
        if changes:
            current = replace(current, **changes)
            save_point(services.ctx, CLI_ACTOR, current)
    print(_("站点类型：{k}").format(k=current.station_kind.label))
    if current.is_village:
        print(_("代办点：{n}　电话：{p}").format(n=current.point_name, p=current.point_phone or "-"))
    print(_("离线提醒：{d} 天或 {c} 件；在途提醒：{t} 个工作日").format(
        d=current.offline_warn_days, c=current.offline_warn_cases, t=current.transit_days))
    return EXIT_OK


def _receipt(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        pdf = village_of(services).batches.receipt_pdf(CLI_ACTOR, args.number)
    args.out.write_bytes(pdf)
    print(_("已写出 {path}").format(path=args.out))
    return EXIT_OK


def _slip(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        pdf = village_of(services).batches.slip_pdf(CLI_ACTOR, args.number)
    args.out.write_bytes(pdf)
    print(_("已写出 {path}").format(path=args.out))
    return EXIT_OK


def _transit(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        rows = village_of(services).batches.in_transit(CLI_ACTOR)
    for row in rows:
        print("\t".join((row.number, row.matter_name, row.applicant_masked, row.batch,
                         row.sent_on.isoformat() if row.sent_on else "-",
                         _("逾期") if row.overdue else "")))
    print(_("在途 {n} 件，其中逾期 {k} 件").format(n=len(rows), k=sum(r.overdue for r in rows)))
    return EXIT_OK


def _offline(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        state = offline_state(services.ctx)
    print(_("未发送办件 {n} 件；最早未发送记录：{t}").format(
        n=state.unsent_cases, t=state.oldest.strftime("%Y-%m-%d %H:%M") if state.oldest
        else _("无")))
    if state.warning:
        print(state.warning)
        return EXIT_OFFLINE_WARNING
    return EXIT_OK
