"""`audit verify`: walk the audit trail's hash chain (痕迹校验)."""

from __future__ import annotations

import argparse
import sys

from clerk_app.commands import EXIT_FAILED, EXIT_OK, SubParsers, services_for
from clerk_app.i18n import _
from clerk_app.services.station.audit_trail import AuditTrailService


def register(sub: SubParsers) -> None:
    audit = sub.add_parser("audit", help=_("审计记录（痕迹管理）"))
    audit_sub = audit.add_subparsers(dest="action", required=True)
    verify = audit_sub.add_parser("verify", help=_("逐条校验审计记录的哈希链"))
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    with services_for(args, load_sample=False) as services:
        report = AuditTrailService(services.ctx).verify()
    if report.broken is None:
        print(_("审计记录完整：共 {n} 条，哈希链逐条相符。").format(n=report.checked))
        return EXIT_OK
    broken = report.broken
    print(_("审计记录被改动：第 {id} 号记录（{at}，{action}）与哈希链不符；"
            "此前的 {n} 条相符。").format(
        id=broken.id, at=f"{broken.at:%Y-%m-%d %H:%M:%S}", action=broken.action,
        n=report.checked), file=sys.stderr)
    return EXIT_FAILED
