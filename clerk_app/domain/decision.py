"""The decision at the window (窗口受理决定): which outcome the checklist allows, explained.

行政许可法 第三十二条: accept, tell everything to correct at once (一次性告知), or refuse — and
for a matter outside the body's powers, name the body to apply to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clerk_app.domain.catalogue import Handling, Matter
from clerk_app.domain.checklist import ChecklistEvaluation
from clerk_app.i18n import _


class Outcome(StrEnum):
    """The outcome of a decision at the window."""

    DONE_ON_SPOT = "done_on_spot"  # 即办
    ACCEPTED = "accepted"  # 受理
    ACCEPTED_DEFERRED = "accepted_deferred"  # 容缺受理
    ACCEPTED_ON_COMMITMENT = "accepted_on_commitment"  # 告知承诺受理
    CORRECTION = "correction"  # 一次性补正告知
    REFUSED = "refused"  # 不予受理

    @property
    def label(self) -> str:
        return {
            Outcome.DONE_ON_SPOT: _("即办"),
            Outcome.ACCEPTED: _("受理"),
            Outcome.ACCEPTED_DEFERRED: _("容缺受理"),
            Outcome.ACCEPTED_ON_COMMITMENT: _("告知承诺受理"),
            Outcome.CORRECTION: _("一次性补正告知"),
            Outcome.REFUSED: _("不予受理"),
        }[self]

    @property
    def is_acceptance(self) -> bool:
        return self in (Outcome.ACCEPTED, Outcome.ACCEPTED_DEFERRED,
                        Outcome.ACCEPTED_ON_COMMITMENT, Outcome.DONE_ON_SPOT)


class RefusalGround(StrEnum):
    """Why an application is refused (不予受理理由的类别)."""

    NOT_OUR_MATTER = "not_our_matter"  # 不属于本机关职权范围
    NOT_ELIGIBLE = "not_eligible"  # 不符合受理条件
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            RefusalGround.NOT_OUR_MATTER: _("不属于本机关职权范围"),
            RefusalGround.NOT_ELIGIBLE: _("不符合受理条件"),
            RefusalGround.OTHER: _("其他法定情形"),
        }[self]


@dataclass(frozen=True)
class Refusal:
    """The reason, legal basis and (for NOT_OUR_MATTER) the body to apply to."""

    ground: RefusalGround
    reason: str
    legal_basis: str
    redirect_body: str = ""


@dataclass(frozen=True)
class DecisionCheck:
    """Whether a proposed outcome may be confirmed, with the explanation in words."""

    outcome: Outcome
    allowed: bool
    explanation: str
    blockers: tuple[str, ...] = ()


def propose_outcome(matter: Matter, evaluation: ChecklistEvaluation) -> Outcome:
    """The outcome the checklist leads to when the clerk does not refuse."""
    if evaluation.problems:
        return Outcome.CORRECTION
    if evaluation.deferred:
        return Outcome.ACCEPTED_DEFERRED
    if evaluation.committed:
        return Outcome.ACCEPTED_ON_COMMITMENT
    if matter.handling is Handling.IMMEDIATE:
        return Outcome.DONE_ON_SPOT
    return Outcome.ACCEPTED


def _refusal_blockers(refusal: Refusal | None) -> list[str]:
    if refusal is None:
        return [_("不予受理须写明理由和法律依据")]
    blockers = []
    if not refusal.reason.strip():
        blockers.append(_("请填写不予受理的理由"))
    if not refusal.legal_basis.strip():
        blockers.append(_("请填写不予受理的法律依据"))
    if refusal.ground is RefusalGround.NOT_OUR_MATTER and not refusal.redirect_body.strip():
        blockers.append(_("不属于本机关职权范围的，须告知申请人向哪个机关申请"))
    return blockers


def check_decision(
    matter: Matter,
    evaluation: ChecklistEvaluation,
    outcome: Outcome,
    refusal: Refusal | None = None,
) -> DecisionCheck:
    """Check that `outcome` may be confirmed, and explain it (or what blocks it) in words."""
    blockers = [v.message for v in evaluation.violations]
    if outcome is Outcome.REFUSED:
        blockers = _refusal_blockers(refusal)
        explanation = _("不予受理：{reason}").format(reason=refusal.reason if refusal else "")
        return DecisionCheck(outcome, not blockers, explanation, tuple(blockers))
    if not matter.active:
        blockers.append(_("该事项已停用：{reason}").format(reason=matter.withdrawn_reason or _("未说明")))
    proposed = propose_outcome(matter, evaluation)
    if outcome is not proposed:
        blockers.append(_("材料情况对应的结论是「{proposed}」，不能作出「{outcome}」").format(
            proposed=proposed.label, outcome=outcome.label))
    explanation = _explain(matter, evaluation, proposed)
    return DecisionCheck(outcome, not blockers, explanation, tuple(blockers))


def _explain(matter: Matter, evaluation: ChecklistEvaluation, outcome: Outcome) -> str:
    if outcome is Outcome.CORRECTION:
        names = "、".join(p.material.name for p in evaluation.problems)
        return _("共有 {n} 项材料缺失或不符合要求（{names}），应一次性告知申请人全部补正内容").format(
            n=len(evaluation.problems), names=names)
    if outcome is Outcome.ACCEPTED_DEFERRED:
        names = "、".join(m.name for m, _d in evaluation.deferred)
        return _("核心材料齐全，{names} 容缺后补；申请人须签署容缺承诺书，补齐后方可出具结果").format(
            names=names)
    if outcome is Outcome.ACCEPTED_ON_COMMITMENT:
        names = "、".join(m.name for m in evaluation.committed)
        return _("{names} 以申请人书面承诺代替，其余材料齐全，予以受理").format(names=names)
    if outcome is Outcome.DONE_ON_SPOT:
        return _("材料齐全，本事项为即办件，当场办结")
    return _("材料齐全、符合法定形式，予以受理，承诺 {limit} 内办结").format(
        limit=matter.promised_limit.label)
