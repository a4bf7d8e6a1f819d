"""`results owed` and `results figures`: the 容缺 call list and the supervisor's result figures."""

from __future__ import annotations

import argparse
from datetime import date

from clerk_app.app import Services
from clerk_app.commands import EXIT_OK, SubParsers, services_for
from clerk_app.i18n import _
from clerk_app.services.results.owed import OwedService
from clerk_app.services.results.ratings import RatingService
from clerk_app.services.station.context import Actor

# The call list is printed as a window clerk sees it (phones masked); figures as a supervisor.
LIST_ACTOR = Actor(user_id=0, username="cli", display_name="命令行", role="clerk")
FIGURES_ACTOR = Actor(user_id=0, username="cli", display_name="命令行", role="supervisor")


def register(sub: SubParsers) -> None:
    results = sub.add_parser("results", help=_("出件、送达与好差评"))
    actions = results.add_subparsers(dest="results_command", required=True)
    owed = actions.add_parser("owed", help=_("列出逾期未补交的容缺材料（电话已脱敏）"))
    owed.add_argument("--all", action="store_true", help=_("包括尚未到承诺日期的"))
    owed.add_argument("--window", default=None, help=_("只列出该窗口的办件"))
    owed.set_defaults(handler=_owed)
    figures = actions.add_parser("figures", help=_("出件、邮寄送达、好差评与差评整改统计"))
    figures.add_argument("--from", dest="first", type=date.fromisoformat, required=True,
                         help=_("起始日期 YYYY-MM-DD"))
    figures.add_argument("--to", dest="last", type=date.fromisoformat, required=True,
                         help=_("截止日期 YYYY-MM-DD"))
    figures.set_defaults(handler=_figures)


def _owed(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        rows = OwedService(services.ctx, services.catalogue).owed(
            LIST_ACTOR, overdue_only=not args.all, window=args.window)
    if not rows:
        print(_("没有逾期未补交的容缺材料"))
        return EXIT_OK
    for row in rows:
        promised = row.promised_date.isoformat() if row.promised_date else "-"
        late = _("逾期{n}天").format(n=row.days_overdue) if row.days_overdue else _("未到期")
        block = _("阻止出件") if row.blocks_result else ""
        print("\t".join((row.number, row.matter_name, row.material_name, promised, late,
                         row.phone or "-", block)))
    print(_("共 {n} 项").format(n=len(rows)))
    return EXIT_OK


def ratings_of(services: Services) -> RatingService:
    return RatingService(services.ctx, services.calendar.calendar)


def _figures(args: argparse.Namespace) -> int:
    if args.last < args.first:
        raise ValueError(_("截止日期不能早于起始日期"))
    with services_for(args) as services:
        figures = ratings_of(services).figures(FIGURES_ACTOR, args.first, args.last)
    print(_("统计期间：{a} 至 {b}").format(a=args.first.isoformat(), b=args.last.isoformat()))
    print(_("窗口出件：{n} 件").format(n=figures.handovers))
    print(_("邮寄送达：寄出 {a} 件，签收 {b} 件").format(a=figures.postal_dispatched,
                                                  b=figures.postal_delivered))
    for level, count in figures.ratings_by_level.items():
        print(f"{level.stars} {level.label}：{count}")
    rate = figures.satisfaction_rate
    print(_("评价 {n} 次，不评价 {s} 次，满意率 {r}").format(
        n=figures.ratings, s=figures.ratings_skipped,
        r="-" if rate is None else f"{rate:.1%}"))
    print(_("差评整改：新增 {o} 件，办结 {c} 件，未办结 {p} 件（其中超期 {d} 件）").format(
        o=figures.follow_ups_opened, c=figures.follow_ups_closed, p=figures.follow_ups_open,
        d=figures.follow_ups_overdue))
    return EXIT_OK
