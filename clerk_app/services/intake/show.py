"""`show NUMBER`: one application or bundle as the application view shows it, as a document.

The document (format `clerk-show/1`, described in docs/show-json.md) is built from the same
details the window's application view reads, masked as for a clerk without the full-ID
permission, plus what the view shows around them: attachments per material and the sync state.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from clerk_app.i18n import _
from clerk_app.services.bundles.service import BundleService
from clerk_app.services.bundles.view import BundleDetails, BundleViewService
from clerk_app.services.intake.application_view import ApplicationDetails, ApplicationViewService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.store.models import Application, BundleCase, MaterialPage, OutboxEvent

SHOW_FORMAT = "clerk-show/1"
# Masked as for a counter clerk: the role without 查看完整证件号码.
VIEWER = Actor(user_id=0, username="show", display_name="命令行查询", role="clerk")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


class ShowService:
    """Builds the `show` document for a number (an application's, a bundle's, or a member's)."""

    def __init__(self, ctx: ServiceContext, applications: ApplicationViewService,
                 bundles: BundleService) -> None:
        self.ctx = ctx
        self.applications = applications
        self.bundles = bundles
        self.bundle_view = BundleViewService(ctx, bundles, applications)

    def document(self, number: str) -> dict[str, Any]:
        """The document; ResultsError (Chinese) when the number is not of this station.

        A member's number shows that application (with its bundle's number); the bundle's
        number shows the bundle with every member."""
        if self.bundles.is_bundle_number(number):
            details = self.bundle_view.details(VIEWER, number)
            return {"format": SHOW_FORMAT, "kind": "bundle",
                    "bundle": self._bundle(details)}
        app = self.applications.details(VIEWER, number)  # ResultsError when unknown
        return {"format": SHOW_FORMAT, "kind": "application",
                "application": self._applications([app])[0]}

    def _bundle(self, details: BundleDetails) -> dict[str, Any]:
        return {
            "number": details.number,
            "code": details.code,
            "name": details.name,
            "status": {"code": details.status, "label": details.status_label},
            "received_on": _day(details.received_on),
            "combined_limit_days": details.combined_limit_days,
            "combined_due": _day(details.combined_due),
            "trips": details.trips,
            "applicant": {"name": details.applicant_name,
                          "document": details.applicant_document},
            "materials": [{"name": m.name, "state": m.state_label,
                           "copies_required": m.copies_required,
                           "copies_received": m.copies_received,
                           "members": list(m.members), "shared_from": m.shared_from or None,
                           "applicable": m.applicable} for m in details.materials],
            "members": self._applications(details.members),
            "sync": self._sync([details.number]),
        }

    def _applications(self, apps: Iterable[ApplicationDetails]) -> list[dict[str, Any]]:
        apps = list(apps)
        pages = self._pages([a.number for a in apps])
        bundles = self._bundle_numbers([a.number for a in apps])
        return [self._application(a, pages.get(a.number, {}), bundles.get(a.number))
                for a in apps]

    def _application(self, a: ApplicationDetails, pages: dict[str, int],
                     bundle: str | None) -> dict[str, Any]:
        return {
            "number": a.number,
            "bundle": bundle,
            "matter": {"code": a.matter_code, "name": a.matter_name},
            "status": {"code": a.status.value, "label": a.status.label},
            "outcome": a.outcome_label,
            "applicant": {"name": a.applicant_name, "document": a.applicant_document,
                          "phone": a.applicant_phone},
            "agent": a.agent_name or None,
            "window": a.window,
            "clerk": a.clerk,
            "received_on": _day(a.received_on),
            "accepted_on": _day(a.accepted_on),
            "due_date": _day(a.due_date),
            "due_provisional": a.due_provisional,
            "delivery_method": a.delivery_method,
            "decisions": [{"outcome": d.outcome_label, "decided_at": _moment(d.decided_at),
                           "clerk": d.clerk, "serial": d.serial or None,
                           "explanation": d.explanation} for d in a.decisions],
            "materials": [{"name": m.name, "state": m.state_label,
                           "promised_date": _day(m.promised_date), "note": m.note,
                           "owed": m.owed, "overdue": m.overdue} for m in a.materials],
            "attachments": [{"material": k, "pages": v} for k, v in sorted(pages.items())],
            "visits": [{"at": _moment(v.visited_at), "purpose": v.purpose, "clerk": v.clerk}
                       for v in a.visits],
            "handovers": [{"at": _moment(at), "collector": role}
                          for _id, at, role in a.handovers],
            "postal_stage": a.postal_stage.value if a.postal_stage else None,
            "sync": self._sync([a.number]),
        }

    def _pages(self, numbers: list[str]) -> dict[str, dict[str, int]]:
        """Pages attached per material id, per application number."""
        with self.ctx.db.reading() as session:
            rows = session.execute(
                select(Application.number, MaterialPage.material_id, func.count())
                .join(MaterialPage, MaterialPage.application_id == Application.id)
                .where(Application.number.in_(numbers))
                .group_by(Application.number, MaterialPage.material_id)).all()
        result: dict[str, dict[str, int]] = {}
        for number, material, count in rows:
            result.setdefault(number, {})[material] = int(count)
        return result

    def _bundle_numbers(self, numbers: list[str]) -> dict[str, str]:
        with self.ctx.db.reading() as session:
            rows = session.execute(select(Application.number, BundleCase.number).join(
                BundleCase, Application.bundle_id == BundleCase.id).where(
                Application.number.in_(numbers))).all()
        return dict(rows)

    def _sync(self, numbers: list[str]) -> dict[str, Any]:
        """The outbox events of these numbers: how many wait, were sent or are parked."""
        with self.ctx.db.reading() as session:
            events = session.execute(select(
                OutboxEvent.sent_at, OutboxEvent.parked, OutboxEvent.last_error).where(
                OutboxEvent.application_no.in_(numbers))).all()
        sent = [s for s, _p, _e in events if s is not None]
        parked = sum(1 for s, p, _e in events if s is None and p)
        pending = sum(1 for s, p, _e in events if s is None and not p)
        return {"events": len(events), "sent": len(sent), "pending": pending,
                "parked": parked, "last_sent_at": _moment(max(sent)) if sent else None,
                "state": _("已全部同步") if events and not pending and not parked
                else _("有记录待同步") if pending else _("有记录被平台拒收") if parked
                else _("无同步记录")}


def text_lines(document: dict[str, Any]) -> list[str]:
    """The document as lines of Chinese text for a person at a terminal."""
    lines: list[str] = []
    if document["kind"] == "bundle":
        b = document["bundle"]
        lines += [
            _("一件事 {number}  {name}").format(number=b["number"], name=b["name"]),
            _("状态：{s}    受理日期：{d}    跑动次数：{t}").format(
                s=b["status"]["label"], d=b["received_on"], t=b["trips"]),
            _("申请人：{n}（{d}）").format(n=b["applicant"]["name"], d=b["applicant"]["document"]),
        ]
        if b["combined_due"]:
            lines.append(_("联合办理承诺：{n}个工作日，{d} 前办结").format(
                n=b["combined_limit_days"], d=b["combined_due"]))
        lines.append(_("共享材料："))
        for m in b["materials"]:
            state = m["state"] if m["applicable"] else _("本次不需要")
            if m["shared_from"]:
                state = _("由「{m}」办理结果共享").format(m=m["shared_from"])
            lines.append(f"  - {m['name']}：{state} → {'、'.join(m['members'])}")
        for app in b["members"]:
            lines.append("")
            lines += ["  " + line for line in _application_lines(app)]
        return lines
    return _application_lines(document["application"])


def _application_lines(a: dict[str, Any]) -> list[str]:
    lines = [
        _("办件 {number}  {matter}").format(number=a["number"], matter=a["matter"]["name"]),
        _("状态：{s}    结论：{o}").format(s=a["status"]["label"], o=a["outcome"] or "-"),
        _("申请人：{n}（{d}）  电话：{p}").format(
            n=a["applicant"]["name"], d=a["applicant"]["document"],
            p=a["applicant"]["phone"] or "-"),
        _("受理日期：{r}    办结期限：{d}{p}").format(
            r=a["accepted_on"] or "-", d=a["due_date"] or "-",
            p=_("（暂定）") if a["due_provisional"] else ""),
    ]
    if a["bundle"]:
        lines.append(_("所属一件事：{n}").format(n=a["bundle"]))
    lines.append(_("材料："))
    pages = {x["material"]: x["pages"] for x in a["attachments"]}
    for m in a["materials"]:
        extra = _("，承诺 {d} 前补交").format(d=m["promised_date"]) if m["promised_date"] else ""
        lines.append(f"  - {m['name']}：{m['state']}{extra}")
    if pages:
        lines.append(_("附件：共 {n} 页").format(n=sum(pages.values())))
    lines.append(_("跑动：{n} 次").format(n=len(a["visits"])))
    for v in a["visits"]:
        lines.append(f"  - {(v['at'] or '').replace('T', ' ')} {v['purpose']} {v['clerk']}")
    s = a["sync"]
    lines.append(_("同步：{state}（共 {n} 条，已发送 {sent}，待发送 {p}，拒收 {k}）").format(
        state=s["state"], n=s["events"], sent=s["sent"], p=s["pending"], k=s["parked"]))
    return lines
