"""Handing the result over at the window (统一窗口出件): who may collect it, and whether it is ready.

Rules:

- Who may collect (领取人):
  - the applicant in person (申请人本人): a natural person whose document (type and number)
    is the one the application was made with; the clerk checks the original (身份证件原件);
  - an agent (受委托人) for a natural person: with a 授权委托书 and the agent's own identity
    document, both checked by the clerk (ticked);
  - for a legal person or other organisation: its 经办人 with a 授权委托书 bearing the unit's
    seal (or, for the 法定代表人 in person, a 法定代表人身份证明书) and their identity document.
  Every document number is checked by its rules (GB 11643, permits, passports) first.
- Whether the result is ready (办理结果可以领取):
  - a back-office decision is in: 已办结 (COMPLETED), 不予许可 (DENIED) or 退件 (RETURNED);
    a 即办件 is COMPLETED at intake. Otherwise the reason names the state and, while the
    application runs, the promised completion date ("承诺于 X 办结").
  - 容缺受理 (domain README): "the decision or the issuing of the result waits for" the
    deferred materials. So a licence or certificate (COMPLETED) is not handed over while a
    deferred material is still owed, unless the matter says otherwise (`deferred_before_result`
    false in its catalogue entry; the catalogue format has no such field yet, so the rule
    applies to every matter). A 不予许可 decision or a 退件 is served regardless: the applicant
    must not be kept from a refusal and the remedies it names.
  - a result already handed over, or posted (邮寄送达 dispatched), cannot be collected again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.identity import DocumentType, normalize_number, validate_document
from clerk_app.i18n import _

MAX_ITEM_NAME = 100
MAX_ITEM_COUNT = 99


class CollectorRole(StrEnum):
    """In what capacity someone collects the result."""

    APPLICANT = "applicant"  # 申请人本人
    AGENT = "agent"  # 受委托人（代领）
    UNIT_CONTACT = "unit_contact"  # 单位经办人

    @property
    def label(self) -> str:
        return {CollectorRole.APPLICANT: _("申请人本人"), CollectorRole.AGENT: _("受委托人代领"),
                CollectorRole.UNIT_CONTACT: _("单位经办人")}[self]


@dataclass(frozen=True)
class Collector:
    """The person at the counter collecting the result, as the clerk recorded them."""

    role: CollectorRole
    name: str
    doc_type: str
    doc_number: str
    id_checked: bool = False  # 身份证件原件已核验
    authorisation_checked: bool = False  # 授权委托书（或法定代表人身份证明书）已核验
    phone: str = ""


@dataclass(frozen=True)
class ApplyingParty:
    """Who applied, as the application records it (the one entitled to the result)."""

    applicant_type: str  # natural_person / legal_person
    name: str
    doc_type: str
    doc_number: str


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def collector_problems(collector: Collector, party: ApplyingParty,
                       today: dt.date | None = None) -> list[str]:
    """Why this collector may not take the result, in Chinese; empty when they may."""
    problems: list[str] = []
    if not collector.name.strip():
        problems.append(_("请填写领取人姓名"))
    try:
        doc_type = DocumentType(collector.doc_type)
    except ValueError:
        return problems + [_("证件类型「{t}」无效").format(t=collector.doc_type)]
    if doc_type.is_organisation:
        return problems + [_("领取人须为自然人，请录入其本人身份证件")]
    checked = validate_document(doc_type, collector.doc_number, today)
    if not checked.ok:
        problems.append(_("领取人证件号码：{reason}").format(reason=checked.reason))
    if not collector.id_checked:
        problems.append(_("请核验领取人的身份证件原件后勾选“身份证件已核验”"))
    unit = party.applicant_type == "legal_person"
    number = checked.normalized or normalize_number(collector.doc_number)
    same_document = (collector.doc_type == party.doc_type
                     and number == normalize_number(party.doc_number))
    if collector.role is CollectorRole.APPLICANT:
        if unit:
            problems.append(_("申请人为单位，须由单位经办人持授权委托书领取"))
        elif not same_document:
            problems.append(_("领取人证件与申请时所用证件不一致，不能按申请人本人领取；"
                              "他人代领须持授权委托书和本人身份证件"))
        elif collector.name.strip() and not _same_text(collector.name, party.name):
            problems.append(_("领取人姓名与申请人「{name}」不一致，请核对").format(name=party.name))
        return problems
    if collector.role is CollectorRole.AGENT and unit:
        problems.append(_("申请人为单位，请选择“单位经办人”领取"))
    elif collector.role is CollectorRole.UNIT_CONTACT and not unit:
        problems.append(_("申请人为自然人，请选择“申请人本人”或“受委托人代领”"))
    elif collector.role is CollectorRole.AGENT and same_document:
        problems.append(_("领取人就是申请人本人，请选择“申请人本人”"))
    if not collector.authorisation_checked:
        problems.append(_("单位经办人须持加盖公章的授权委托书（法定代表人本人持身份证明书），"
                          "核验后勾选") if unit else
                        _("代领须提供申请人签名的授权委托书，核验后勾选“已核验授权委托书”"))
    return problems


@dataclass(frozen=True)
class OwedMaterial:
    """A 容缺 material the applicant promised and has not brought yet."""

    material_id: str
    name: str
    promised_date: dt.date | None

    def overdue(self, today: dt.date) -> bool:
        return self.promised_date is not None and self.promised_date < today


@dataclass(frozen=True)
class ResultState:
    """What decides whether a result can be handed over."""

    status: ApplicationStatus
    due_date: dt.date | None
    due_provisional: bool
    owed: tuple[OwedMaterial, ...] = ()
    deferred_blocks: bool = True
    handed_over_on: dt.date | None = None
    posted_on: dt.date | None = None


def deferred_blocks_result(matter_raw: Mapping[str, Any]) -> bool:
    """Whether a matter's result waits for its deferred materials (default: it does)."""
    value = matter_raw.get("deferred_before_result", True)
    return value if isinstance(value, bool) else True


def readiness_problems(state: ResultState, today: dt.date) -> list[str]:
    """Why the result cannot be handed over now, in Chinese; empty when it can."""
    status = state.status
    if status is ApplicationStatus.HANDED_OVER:
        when = state.handed_over_on.isoformat() if state.handed_over_on else ""
        return [_("办理结果已于 {d} 领取，不能重复出件").format(d=when)]
    if status is ApplicationStatus.DELIVERED or state.posted_on is not None:
        when = state.posted_on.isoformat() if state.posted_on else ""
        return [_("办理结果已于 {d} 邮寄送达（已寄出），不能再在窗口领取").format(d=when)]
    if status is ApplicationStatus.REFUSED:
        return [_("该办件不予受理，没有办理结果可领取（不予受理通知书已当场送达）")]
    if status in (ApplicationStatus.DRAFT, ApplicationStatus.AWAITING_CORRECTION):
        return [_("该办件尚未受理（{s}），请先补齐材料").format(s=status.label)]
    if status.is_open:
        if state.due_date is None:
            return [_("尚未办结（{s}）：办理时限暂停计时中，恢复计时后另行告知办结日期").format(
                s=status.label)]
        provisional = _("（暂定）") if state.due_provisional else ""
        late = _("，已超过承诺办结日期，请联系承办部门催办") if state.due_date < today else ""
        return [_("尚未办结（{s}）：承诺于 {d} 办结{p}{late}").format(
            s=status.label, d=state.due_date.isoformat(), p=provisional, late=late)]
    problems: list[str] = []
    if status is ApplicationStatus.COMPLETED and state.deferred_blocks:
        for material in state.owed:
            promised = (_("，承诺 {d} 前补交").format(d=material.promised_date.isoformat())
                        if material.promised_date else "")
            overdue = _("，已逾期") if material.overdue(today) else ""
            problems.append(_("容缺材料「{name}」尚未补交{promised}{overdue}；补齐后方可领取办理结果")
                            .format(name=material.name, promised=promised, overdue=overdue))
    return problems


@dataclass(frozen=True)
class ResultItem:
    """One thing handed over: a licence, certificate or decision letter, and how many."""

    name: str
    count: int = 1

    @property
    def text(self) -> str:
        return _("{name} {n}份").format(name=self.name.strip(), n=self.count)


def items_problems(items: Sequence[ResultItem]) -> list[str]:
    """Problems with the list of things handed over (at least one, each named, 1–99 copies)."""
    if not items:
        return [_("请至少登记一项交付的材料（证照、批文或决定书）")]
    problems = []
    for position, item in enumerate(items, start=1):
        if not item.name.strip():
            problems.append(_("第 {n} 项没有名称").format(n=position))
        elif len(item.name) > MAX_ITEM_NAME:
            problems.append(_("第 {n} 项名称过长").format(n=position))
        if isinstance(item.count, bool) or not 1 <= item.count <= MAX_ITEM_COUNT:
            problems.append(_("「{name}」的份数应为 1–{m}").format(
                name=item.name.strip() or position, m=MAX_ITEM_COUNT))
    return problems


def default_items(status: ApplicationStatus, matter_result: str) -> tuple[ResultItem, ...]:
    """What is usually handed over for a result, for the clerk to adjust."""
    if status is ApplicationStatus.DENIED:
        return (ResultItem(_("不予许可决定书")),)
    if status is ApplicationStatus.RETURNED:
        return (ResultItem(_("退件通知书")),)
    return (ResultItem(matter_result.strip() or _("办理结果")),)
