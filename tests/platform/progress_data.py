"""What the public progress page may say about one case, read from what the platform holds.

Sources: the station's events (the snapshot of application.confirmed/decided, later
material, clock and result events) and the back office's status changes. The view carries
no identity number and no phone of anyone; the applicant's name is masked (张*英).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.masking import mask_name
from tests.platform.models import (
    Application,
    CatalogueMatter,
    Event,
    ProgressSecret,
    Setting,
    Station,
    StatusChangeRow,
)
from tests.platform.timefmt import CHINA

DONE_STATUSES = {"completed": "已办结", "denied": "不予许可", "returned": "已退件",
                 "cancelled": "已撤件"}
REVIEW_STATUSES = {"in_review": "审批中", "suspended": "审批中（特别程序，暂停计时）"}
ACCEPTED_OUTCOMES = {"accepted", "accepted_deferred", "accepted_on_commitment", "done_on_spot"}
OUTCOME_WORDS = {
    "accepted": "", "accepted_deferred": "容缺受理", "accepted_on_commitment": "告知承诺受理",
    "done_on_spot": "即办", "correction": "一次性补正告知", "refused": "不予受理",
}
STILL_MISSING = {"missing": "缺少", "defective": "不符合要求，需重新提交"}
HANDED_OVER = ("result.handed_over", "result.delivered")
BRING_TO_COLLECT = (
    "本通知书（或报出办件编号和查询码）",
    "申请人本人有效身份证件原件",
    "他人代领的：代领人身份证件原件和申请人签名的委托书",
)
CENTRE_SETTING = "centre:{code}"


@dataclass(frozen=True)
class Step:
    """One step of the timeline: 收件, 受理, 审批中, 办结, 可领取/已送达."""

    label: str
    day: str = ""
    state: str = "todo"  # done, current, todo, skipped
    note: str = ""


@dataclass(frozen=True)
class Member:
    """One matter of a bundle (一件事) as its own case."""

    number: str
    matter: str
    status: str


@dataclass
class CaseView:
    """Everything the progress page shows for one case."""

    number: str
    headline: str
    tone: str = "info"  # info, ok, warn, stop
    matter: str = ""
    applicant: str = ""
    centre: str = ""
    steps: list[Step] = field(default_factory=list)
    due_date: str = ""
    due_provisional: bool = False
    missing: list[tuple[str, str]] = field(default_factory=list)
    owed: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    collect_place: str = ""
    collect_hours: str = ""
    bring: tuple[str, ...] = ()
    posted: str = ""
    phone: str = ""
    bundle: str = ""
    members: list[Member] = field(default_factory=list)
    pending_upload: bool = False


# ---------------------------------------------------------------------- secrets


def station_of(session: Session, number: str) -> str | None:
    """The station that sent events of `number`, None when the platform never heard of it."""
    row = session.get(Application, number)
    if row is not None:
        return row.station
    return session.scalar(select(Event.station).where(Event.application_no == number).limit(1))


def secret_of(session: Session, station: str) -> str | None:
    """The station's progress secret (transport form), None before it registered."""
    row = session.get(ProgressSecret, station)
    return row.secret if row is not None else None


def centre_contact(session: Session, centre: str) -> dict[str, str]:
    """The centre's public contact (name, phone, address, hours) set by the back office."""
    row = session.get(Setting, CENTRE_SETTING.format(code=centre)[:40])
    if row is None:
        return {}
    try:
        loaded = json.loads(row.value)
    except ValueError:
        return {}
    return {k: str(v) for k, v in loaded.items() if isinstance(v, str)} if isinstance(
        loaded, dict) else {}


# ---------------------------------------------------------------------- the view


def _day(value: Any) -> str:
    """A YYYY-MM-DD from a date string or an aware datetime (China time)."""
    if isinstance(value, datetime):
        return value.astimezone(CHINA).date().isoformat()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return ""
    return ""


def _shown_day(day: str) -> str:
    """2026-11-26 as 2026年11月26日."""
    if not day:
        return ""
    parsed = date.fromisoformat(day)
    return f"{parsed.year}年{parsed.month}月{parsed.day}日"


def _masked_applicant(snapshot: dict[str, Any]) -> str:
    applicant = snapshot.get("applicant")
    if not isinstance(applicant, dict):
        return ""
    name = str(applicant.get("name") or "")
    if applicant.get("kind") in ("organisation", "legal_person", "org"):
        return name  # an organisation's name is public (营业执照)
    return mask_name(name)


def case_view(session: Session, number: str) -> CaseView | None:
    """The page for `number`, None when the platform holds nothing of it."""
    events = list(session.scalars(
        select(Event).where(Event.application_no == number).order_by(Event.seq)))
    if not events:
        return None
    application = session.get(Application, number)
    station = session.get(Station, events[0].station)
    centre_code = station.centre if station is not None else ""
    contact = centre_contact(session, centre_code)
    centre_name = contact.get("name") or (station.name if station is not None else "")
    bundle_event = next((e for e in reversed(events)
                         if isinstance((e.payload or {}).get("members"), list)), None)
    if application is None and bundle_event is not None:
        return _bundle_view(session, number, bundle_event, centre_name, contact)
    if application is None or not application.snapshot:
        return CaseView(
            number=number, headline="已在窗口登记，待上传", centre=centre_name,
            phone=contact.get("phone", ""), pending_upload=True,
            steps=[Step("收件", _shown_day(_day(events[0].occurred_at)), "done",
                        "办件信息正在从窗口上传，稍后再查")],
        )
    snapshot: dict[str, Any] = dict(application.snapshot)
    found = snapshot.get("materials")
    materials: list[Any] = found if isinstance(found, list) else []
    for event in events:  # later events carry the materials as they are now
        later = (event.payload or {}).get("materials")
        if event.seq > application.snapshot_seq and isinstance(later, list):
            materials = later
    matter_doc = _matter(session, application.matter_code)
    changes = list(session.scalars(
        select(StatusChangeRow).where(StatusChangeRow.application_no == number)
        .order_by(StatusChangeRow.seq)))
    view = CaseView(
        number=number, headline="", matter=_matter_name(snapshot, matter_doc),
        applicant=_masked_applicant(snapshot), centre=centre_name,
        due_date=_shown_day(_day(application.due_date)),
        due_provisional=bool(snapshot.get("due_provisional")),
        phone=contact.get("phone") or str(matter_doc.get("consult_phone") or ""),
    )
    _fill_materials(view, materials)
    _fill_steps(view, application, snapshot, changes, events)
    if view.steps and view.steps[-1].state == "current" and view.steps[-1].label == "可领取":
        view.collect_place = contact.get("address") or str(matter_doc.get("address") or "")
        view.collect_hours = contact.get("hours") or str(matter_doc.get("hours") or "")
        view.bring = BRING_TO_COLLECT
    return view


def _matter(session: Session, code: str) -> dict[str, Any]:
    row = session.get(CatalogueMatter, code)
    return dict(row.document) if row is not None else {}


def _matter_name(snapshot: dict[str, Any], matter_doc: dict[str, Any]) -> str:
    matter = snapshot.get("matter")
    name = matter.get("name") if isinstance(matter, dict) else None
    return str(name or matter_doc.get("name") or "")


def _fill_materials(view: CaseView, materials: list[Any]) -> None:
    for item in materials:
        if not isinstance(item, dict) or item.get("applicable") is False:
            continue
        name = str(item.get("name") or item.get("id") or "")
        state = item.get("state")
        if state in STILL_MISSING:
            note = str(item.get("note") or "")
            view.missing.append((name, STILL_MISSING[state] + (f"：{note}" if note else "")))
        elif state == "deferred":
            view.owed.append((name, _shown_day(_day(item.get("promised_date")))))


def _fill_steps(
    view: CaseView, application: Application, snapshot: dict[str, Any],
    changes: list[StatusChangeRow], events: list[Event],
) -> None:
    outcome = application.outcome
    received = _shown_day(_day(snapshot.get("received_on")) or _day(application.confirmed_at))
    found = snapshot.get("decision")
    decision: dict[str, Any] = found if isinstance(found, dict) else {}
    steps = [Step("收件", received, "done")]
    if outcome == "correction":
        view.headline, view.tone = "请补正材料后再来窗口", "warn"
        steps.append(Step("受理", "", "current", "补齐下列材料后受理"))
        steps += [Step("审批中"), Step("办结"), Step("可领取/已送达")]
        view.steps = steps
        return
    if outcome == "refused":
        view.headline, view.tone = "不予受理", "stop"
        view.note = str(decision.get("refusal_reason") or "")
        redirect = str(decision.get("redirect_body") or "")
        if redirect:
            view.note += f"（请向{redirect}申请）"
        steps.append(Step("受理", received, "done", "不予受理"))
        view.steps = steps
        view.missing = []
        return
    if outcome not in ACCEPTED_OUTCOMES:
        view.headline, view.tone = _waiting_words(events), "info"
        steps += [Step("受理", "", "current"), Step("审批中"), Step("办结"), Step("可领取/已送达")]
        view.steps = steps
        return
    accepted = _shown_day(_day(snapshot.get("accepted_on"))) or received
    steps.append(Step("受理", accepted, "done", OUTCOME_WORDS.get(outcome, "")))
    review = next((c for c in changes if c.status in REVIEW_STATUSES), None)
    done = next((c for c in reversed(changes) if c.status in DONE_STATUSES), None)
    handed = next((e for e in reversed(events) if e.type in HANDED_OVER), None)
    posted = next((e for e in reversed(events) if e.type == "result.posted"), None)
    if outcome == "done_on_spot":
        steps.append(Step("审批中", "", "skipped", "即办件，当场办结"))
        steps.append(Step("办结", accepted, "done"))
        finished = True
    else:
        latest_review = next((c for c in reversed(changes) if c.status in REVIEW_STATUSES), None)
        if done is not None:
            steps.append(Step("审批中", _shown_day(_day(review.changed_at)) if review else "",
                              "done" if review else "skipped"))
            steps.append(Step("办结", _shown_day(_day(done.changed_at)), "done",
                              "" if done.status == "completed" else DONE_STATUSES[done.status]))
        elif latest_review is not None:
            steps.append(Step("审批中", _shown_day(_day(review.changed_at)) if review else "",
                              "current", "" if latest_review.status == "in_review"
                              else REVIEW_STATUSES[latest_review.status]))
            steps.append(Step("办结"))
        else:
            steps.append(Step("审批中", "", "current", "已受理，等待审批"))
            steps.append(Step("办结"))
        finished = done is not None
    if handed is not None:
        word = "已送达" if handed.type == "result.delivered" else "已领取"
        steps.append(Step(word, _shown_day(_day(handed.occurred_at)), "done"))
        view.headline, view.tone = f"已办结，{word}", "ok"
    elif finished and (done is None or done.status == "completed"):
        if posted is not None:
            steps.append(Step("已寄出", _shown_day(_day(posted.occurred_at)), "current",
                              "结果已邮寄，请留意签收"))
            view.headline, view.tone = "已办结，结果已寄出", "ok"
        else:
            steps.append(Step("可领取", "", "current"))
            view.headline, view.tone = "已办结，可以领取", "ok"
    elif finished and done is not None:
        view.headline, view.tone = DONE_STATUSES[done.status], "stop"
        view.note = done.note
    else:
        steps.append(Step("可领取/已送达"))
        current = steps[2]
        view.headline, view.tone = current.note or current.label, "info"
    view.steps = steps
    if finished:
        view.owed = []
        view.due_provisional = False


def _waiting_words(events: list[Event]) -> str:
    """Where a case not yet accepted stands: at the window, or on its way from a village point."""
    kinds = {event.type for event in events}
    if "village.case_received" in kinds:
        return "中心已收到代办点送来的材料，等待受理"
    if "village.batch_sent" in kinds:
        return "材料正由代办点送往中心"
    if "application.collected" in kinds:
        return "代办点已收件，等待送中心受理"
    return "已在窗口登记，等待受理"


STATION_STATUS_WORDS = {
    "collected": "代办点已收件", "in_transit": "材料送往中心途中", "centre_received": "中心已收件",
    "awaiting_correction": "待补正", "accepted": "已受理", "in_review": "审批中",
    "completed": "已办结", "denied": "不予许可", "returned": "已退件", "refused": "不予受理",
    "handed_over": "已领取", "delivered": "已送达",
}
BUNDLE_WORDS = {"finished": "已全部办结", "correction": "有事项需要补正", "open": "办理中"}


def _member_status(session: Session, member: dict[str, Any]) -> str:
    """A member's status: the back office's word when it has one, else the station's."""
    number = str(member.get("number") or "")
    row = session.get(Application, number) if number else None
    if row is not None and row.status in DONE_STATUSES:
        return DONE_STATUSES[row.status]
    if row is not None and row.status in REVIEW_STATUSES:
        return REVIEW_STATUSES[row.status]
    return STATION_STATUS_WORDS.get(str(member.get("status") or ""), "已登记")


def _bundle_view(session: Session, number: str, event: Event, centre: str,
                 contact: dict[str, str]) -> CaseView:
    """A 一件事 number: its name, each member matter with its status, the combined due date."""
    payload: dict[str, Any] = dict(event.payload or {})
    found = payload.get("bundle")
    bundle: dict[str, Any] = found if isinstance(found, dict) else {}
    members = [m for m in payload.get("members", []) if isinstance(m, dict)]
    first = members[0] if members else {}
    received = _shown_day(_day(first.get("received_on")) or _day(event.occurred_at))
    view = CaseView(
        number=number, headline=BUNDLE_WORDS.get(str(payload.get("status")), "办理中"),
        tone="ok" if payload.get("status") == "finished" else (
            "warn" if payload.get("status") == "correction" else "info"),
        bundle=str(bundle.get("name") or ""), applicant=_masked_applicant(first),
        centre=centre, phone=contact.get("phone", ""),
        due_date=_shown_day(_day(payload.get("combined_due"))),
        steps=[Step("收件", received, "done")],
    )
    for member in members:
        matter = member.get("matter")
        name = str(matter.get("name") or "") if isinstance(matter, dict) else ""
        view.members.append(Member(str(member.get("number") or ""), name,
                                   _member_status(session, member)))
        found_materials = member.get("materials")
        if member.get("outcome") == "correction" and isinstance(found_materials, list):
            _fill_materials(view, found_materials)
    view.missing = list(dict.fromkeys(view.missing))
    return view
