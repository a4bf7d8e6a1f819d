"""Application status (办件状态) and its forward-only state machine."""

from __future__ import annotations

from enum import StrEnum

from clerk_app.domain.decision import Outcome
from clerk_app.i18n import _


class ApplicationStatus(StrEnum):
    """Where an application (办件) stands."""

    DRAFT = "draft"  # 草稿
    COLLECTED = "collected"  # 代收: received by a village agent, not yet carried to the centre
    IN_TRANSIT = "in_transit"  # 在途: on a hand-over slip (材料交接单) to the centre
    CENTRE_RECEIVED = "centre_received"  # 中心已收件: the centre checked the paper in; to decide
    AWAITING_CORRECTION = "awaiting_correction"  # 待补正
    ACCEPTED = "accepted"  # 已受理
    IN_REVIEW = "in_review"  # 审批中
    COMPLETED = "completed"  # 已办结
    DENIED = "denied"  # 不予许可
    RETURNED = "returned"  # 退件
    REFUSED = "refused"  # 不予受理
    HANDED_OVER = "handed_over"  # 已出件
    DELIVERED = "delivered"  # 已送达 (邮寄)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def rank(self) -> int:
        """Progress order: a status update never moves an application to a lower rank."""
        return _RANK[self]

    @property
    def is_open(self) -> bool:
        """Still running against its due date (not decided by the back office yet)."""
        return self in (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_REVIEW)

    @property
    def result_ready(self) -> bool:
        """A result exists that can be handed over or posted."""
        return self in (ApplicationStatus.COMPLETED, ApplicationStatus.DENIED,
                        ApplicationStatus.RETURNED)

    @property
    def before_acceptance(self) -> bool:
        """A village case the centre has not decided yet (代收, 在途, 中心已收件)."""
        return self in (ApplicationStatus.COLLECTED, ApplicationStatus.IN_TRANSIT,
                        ApplicationStatus.CENTRE_RECEIVED)


_STATUS_LABELS = {
    ApplicationStatus.DRAFT: _("草稿"),
    ApplicationStatus.COLLECTED: _("代收"),
    ApplicationStatus.IN_TRANSIT: _("在途"),
    ApplicationStatus.CENTRE_RECEIVED: _("中心已收件"),
    ApplicationStatus.AWAITING_CORRECTION: _("待补正"),
    ApplicationStatus.ACCEPTED: _("已受理"),
    ApplicationStatus.IN_REVIEW: _("审批中"),
    ApplicationStatus.COMPLETED: _("已办结"),
    ApplicationStatus.DENIED: _("不予许可"),
    ApplicationStatus.RETURNED: _("退件"),
    ApplicationStatus.REFUSED: _("不予受理"),
    ApplicationStatus.HANDED_OVER: _("已出件"),
    ApplicationStatus.DELIVERED: _("已送达"),
}

_RANK = {
    ApplicationStatus.DRAFT: 0,
    ApplicationStatus.COLLECTED: 1,
    ApplicationStatus.IN_TRANSIT: 2,
    ApplicationStatus.CENTRE_RECEIVED: 3,
    ApplicationStatus.AWAITING_CORRECTION: 4,
    ApplicationStatus.ACCEPTED: 5,
    ApplicationStatus.IN_REVIEW: 6,
    ApplicationStatus.COMPLETED: 7,
    ApplicationStatus.DENIED: 7,
    ApplicationStatus.RETURNED: 7,
    ApplicationStatus.REFUSED: 7,
    ApplicationStatus.HANDED_OVER: 8,
    ApplicationStatus.DELIVERED: 8,
}

_ALLOWED: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset({
        ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.ACCEPTED,
        ApplicationStatus.COMPLETED, ApplicationStatus.REFUSED, ApplicationStatus.COLLECTED}),
    # village cases (DESIGN "Village cases"): the centre's decision is the legal act
    ApplicationStatus.COLLECTED: frozenset({
        ApplicationStatus.COLLECTED, ApplicationStatus.IN_TRANSIT}),
    ApplicationStatus.IN_TRANSIT: frozenset({ApplicationStatus.CENTRE_RECEIVED}),
    ApplicationStatus.CENTRE_RECEIVED: frozenset({
        ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.ACCEPTED,
        ApplicationStatus.COMPLETED, ApplicationStatus.REFUSED}),
    ApplicationStatus.AWAITING_CORRECTION: frozenset({
        ApplicationStatus.AWAITING_CORRECTION, ApplicationStatus.ACCEPTED,
        ApplicationStatus.COMPLETED, ApplicationStatus.REFUSED,
        # a village case: the agent receives the corrections (代收) and carries them again
        ApplicationStatus.COLLECTED, ApplicationStatus.IN_TRANSIT}),
    ApplicationStatus.ACCEPTED: frozenset({
        ApplicationStatus.IN_REVIEW, ApplicationStatus.COMPLETED, ApplicationStatus.DENIED,
        ApplicationStatus.RETURNED}),
    ApplicationStatus.IN_REVIEW: frozenset({
        ApplicationStatus.COMPLETED, ApplicationStatus.DENIED, ApplicationStatus.RETURNED}),
    ApplicationStatus.COMPLETED: frozenset({
        ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED}),
    ApplicationStatus.DENIED: frozenset({
        ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED}),
    ApplicationStatus.RETURNED: frozenset({
        ApplicationStatus.HANDED_OVER, ApplicationStatus.DELIVERED}),
    ApplicationStatus.REFUSED: frozenset(),
    ApplicationStatus.HANDED_OVER: frozenset(),
    ApplicationStatus.DELIVERED: frozenset(),
}


class TransitionError(ValueError):
    """A status change the state machine does not allow."""


def can_move(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in _ALLOWED[current]


def move(current: ApplicationStatus, target: ApplicationStatus) -> ApplicationStatus:
    """Return `target` if the move is allowed, else raise TransitionError (message in Chinese)."""
    if not can_move(current, target):
        raise TransitionError(_("办件状态不能从「{a}」变为「{b}」").format(
            a=current.label, b=target.label))
    return target


def apply_platform_status(current: ApplicationStatus, reported: ApplicationStatus) -> ApplicationStatus:
    """Apply a back-office status: late or repeated updates never move an application backwards."""
    if reported.rank <= current.rank or not can_move(current, reported):
        return current
    return reported


def status_after(outcome: Outcome) -> ApplicationStatus:
    """The status an application takes when a decision with `outcome` is confirmed."""
    return {
        Outcome.DONE_ON_SPOT: ApplicationStatus.COMPLETED,
        Outcome.ACCEPTED: ApplicationStatus.ACCEPTED,
        Outcome.ACCEPTED_DEFERRED: ApplicationStatus.ACCEPTED,
        Outcome.ACCEPTED_ON_COMMITMENT: ApplicationStatus.ACCEPTED,
        Outcome.CORRECTION: ApplicationStatus.AWAITING_CORRECTION,
        Outcome.REFUSED: ApplicationStatus.REFUSED,
    }[outcome]
