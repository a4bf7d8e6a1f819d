"""好差评 at the counter: the applicant's rating of each service, 差评 follow-ups, figures.

One rating per visit (一次一评): the applicant rates on a screen or dialog turned to them, or
declines (the reason is recorded; staff never rate for the applicant). A 差评 (不满意 or 非常
不满意) opens a follow-up for the supervisor, due after `FOLLOW_UP_WORKING_DAYS` working days,
which stays open until closed with a note. Ratings and follow-ups go to the platform through
the outbox (`rating.recorded`, `rating.followup`); their payloads carry no personal data of the
evaluator (国办发〔2019〕51号: the evaluator's information is protected).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clerk_app.domain.masking import mask_phone
from clerk_app.domain.rating import (
    MAX_COMMENT,
    MAX_NOTE,
    FollowUpStep,
    RatingChannel,
    RatingLevel,
    SkipReason,
    follow_up_due,
    item_levels_problem,
    text_problem,
)
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.i18n import _
from clerk_app.services.results.handover import ResultsError, find_application
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit, emit
from clerk_app.services.station.permissions import Permission, allowed, require
from clerk_app.store.models import (
    Application,
    FollowUp,
    HandoverRecord,
    PostalDelivery,
    Rating,
    User,
    Visit,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RatingResult:
    """A recorded rating and the follow-up it opened (差评 only)."""

    rating_id: int
    level: RatingLevel | None
    follow_up_id: int | None = None
    follow_up_due: date | None = None


@dataclass(frozen=True)
class FollowUpRow:
    """A 差评 follow-up as the supervisor's list shows it."""

    id: int
    number: str
    matter_name: str
    level: RatingLevel
    comment: str
    items: dict[str, int]
    rated_at: datetime
    clerk_name: str  # who was rated
    window: str
    applicant_name: str  # to call back (回访)
    phone: str  # masked unless the viewer may see full numbers
    due_on: date
    overdue: bool
    steps: tuple[tuple[str, str, str], ...]  # (step label, note, time)
    closed_at: datetime | None
    close_note: str


@dataclass(frozen=True)
class ResultFigures:
    """The supervisor's figures for a period: handovers, deliveries, ratings, follow-ups."""

    first: date
    last: date
    handovers: int
    postal_dispatched: int
    postal_delivered: int
    ratings_by_level: dict[RatingLevel, int]
    ratings_skipped: int
    follow_ups_opened: int
    follow_ups_closed: int
    follow_ups_open: int  # open now, whenever opened
    follow_ups_overdue: int  # open now and past their due date
    poor_by_clerk: dict[str, int] = field(default_factory=dict)

    @property
    def ratings(self) -> int:
        return sum(self.ratings_by_level.values())

    @property
    def poor(self) -> int:
        return sum(n for level, n in self.ratings_by_level.items() if level.is_poor)

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of ratings at 基本满意 or better (None without ratings)."""
        return None if not self.ratings else 1 - self.poor / self.ratings


def _span(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min), datetime.combine(last, time.max)


class RatingService:
    """Records ratings, opens and closes 差评 follow-ups, and counts the results."""

    def __init__(self, ctx: ServiceContext, calendar: Callable[[], WorkCalendar]) -> None:
        self.ctx = ctx
        self.calendar = calendar

    # -- rating -----------------------------------------------------------------------------

    def pending_visit(self, number: str) -> int | None:
        """The latest visit of the application not rated yet (None: nothing to rate)."""
        with self.ctx.db.reading() as session:
            app = find_application(session, number)
            return self._unrated(session, app)

    @staticmethod
    def _unrated(session: Session, app: Application) -> int | None:
        rated = set(session.scalars(select(Rating.visit_id).where(
            Rating.application_id == app.id)))
        for visit in reversed(app.visits):
            if visit.id not in rated:
                return visit.id
        return None

    def _visit(self, session: Session, app: Application, visit_id: int | None) -> Visit:
        target = visit_id if visit_id is not None else self._unrated(session, app)
        visit = session.get(Visit, target) if target is not None else None
        if visit is None or visit.application_id != app.id:
            raise ResultsError([_("办件 {n} 没有待评价的服务（一次一评，已评价或已登记不评价）")
                                .format(n=app.number)])
        if session.scalars(select(Rating.id).where(Rating.visit_id == visit.id)).first():
            raise ResultsError([_("这次服务已经评价过（一次一评）")])
        return visit

    def _may_record(self, actor: Actor) -> None:
        if not (allowed(actor, Permission.INTAKE) or allowed(actor, Permission.HANDOVER)):
            require(self.ctx, actor, Permission.HANDOVER)

    def record(self, actor: Actor, number: str, level: RatingLevel | int, comment: str = "",
               items: Mapping[str, int] | None = None, *,
               channel: RatingChannel = RatingChannel.SCREEN,
               visit_id: int | None = None) -> RatingResult:
        """The applicant's rating of the latest unrated service (or `visit_id`), given at the
        counter where `actor` is signed in. A 差评 opens a follow-up."""
        self._may_record(actor)
        try:
            stars = RatingLevel(int(level))
        except ValueError:
            raise ResultsError([_("评价等级应为 1–5 星")]) from None
        item_levels = dict(items or {})
        problems = [p for p in (text_problem(comment, _("评价意见"), MAX_COMMENT, required=False),
                                item_levels_problem(item_levels)) if p]
        if problems:
            raise ResultsError(problems)
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            visit = self._visit(session, app, visit_id)
            rating = Rating(application_id=app.id, visit_id=visit.id, rated_at=now,
                            level=int(stars), items=item_levels, comment=comment.strip(),
                            channel=channel.value, clerk_id=visit.clerk_id, window=app.window,
                            recorded_by=actor.user_id)
            session.add(rating)
            session.flush()
            self._rating_events(session, actor, app, rating, visit, now)
            result = RatingResult(rating.id, stars)
            if stars.is_poor:
                result = self._open_follow_up(session, actor, app, rating, now)
        log.info("rating recorded: level=%s", int(stars))
        return result

    def skip(self, actor: Actor, number: str, reason: SkipReason | str, note: str = "", *,
             visit_id: int | None = None) -> int:
        """No rating for this service, and why (e.g. 申请人不愿评价); returns the record id."""
        self._may_record(actor)
        try:
            why = SkipReason(reason)
        except ValueError:
            raise ResultsError([_("请选择不评价的原因")]) from None
        problem = text_problem(note, _("说明"), MAX_COMMENT, required=False)
        if problem:
            raise ResultsError([problem])
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            app = find_application(session, number)
            visit = self._visit(session, app, visit_id)
            rating = Rating(application_id=app.id, visit_id=visit.id, rated_at=now, level=None,
                            items={}, comment="", skip_reason=why.value, skip_note=note.strip(),
                            channel=RatingChannel.SCREEN.value, clerk_id=visit.clerk_id,
                            window=app.window, recorded_by=actor.user_id)
            session.add(rating)
            session.flush()
            self._rating_events(session, actor, app, rating, visit, now)
            return rating.id

    @staticmethod
    def _rating_events(session: Session, actor: Actor, app: Application, rating: Rating,
                       visit: Visit, now: datetime) -> None:
        clerk = session.get(User, rating.clerk_id)
        payload: dict[str, Any] = {
            "number": app.number, "rating_id": rating.id, "visit_id": visit.id,
            "visit_purpose": visit.purpose, "level": rating.level,
            "level_label": RatingLevel(rating.level).label if rating.level else "",
            "items": rating.items, "comment": rating.comment, "channel": rating.channel,
            "skipped": rating.level is None, "skip_reason": rating.skip_reason,
            "skip_note": rating.skip_note, "window": rating.window,
            "clerk": clerk.username if clerk else "", "rated_at": now.isoformat()}
        audit(session, actor, "rating_skipped" if rating.level is None else "rating_recorded",
              "application", app.number, now,
              after={"rating_id": rating.id, "visit_id": visit.id, "level": rating.level,
                     "skip_reason": rating.skip_reason})
        emit(session, "rating.recorded", app.number, payload, now)

    def _open_follow_up(self, session: Session, actor: Actor, app: Application, rating: Rating,
                        now: datetime) -> RatingResult:
        due = follow_up_due(self.calendar(), now.date())
        follow = FollowUp(rating_id=rating.id, application_id=app.id, opened_at=now, due_on=due,
                          steps=[])
        session.add(follow)
        session.flush()
        audit(session, actor, "follow_up_opened", "follow_up", str(follow.id), now,
              after={"number": app.number, "rating_id": rating.id, "due_on": due.isoformat()})
        emit(session, "rating.followup", app.number,
             {"number": app.number, "follow_up_id": follow.id, "rating_id": rating.id,
              "stage": "opened", "due_on": due.isoformat(), "note": ""}, now)
        assert rating.level is not None
        return RatingResult(rating.id, RatingLevel(rating.level), follow.id, due)

    # -- follow-ups (差评回访整改) -------------------------------------------------------------

    def follow_ups(self, actor: Actor, *, open_only: bool = True) -> list[FollowUpRow]:
        """差评 follow-ups, soonest due first."""
        require(self.ctx, actor, Permission.FOLLOW_UP)
        full = allowed(actor, Permission.SEE_FULL_ID)
        today = self.ctx.today()
        with self.ctx.db.reading() as session:
            query = select(FollowUp).order_by(FollowUp.due_on, FollowUp.id)
            if open_only:
                query = query.where(FollowUp.closed_at.is_(None))
            return [self._follow_row(session, f, full, today) for f in session.scalars(query)]

    @staticmethod
    def _follow_row(session: Session, follow: FollowUp, full: bool, today: date) -> FollowUpRow:
        rating, app = follow.rating, follow.application
        clerk = session.get(User, rating.clerk_id)
        person = app.contact or app.applicant
        phone = person.phone or app.applicant.phone
        assert rating.level is not None
        return FollowUpRow(
            id=follow.id, number=app.number, matter_name=app.matter_name,
            level=RatingLevel(rating.level), comment=rating.comment, items=dict(rating.items),
            rated_at=rating.rated_at, clerk_name=clerk.display_name if clerk else "",
            window=rating.window, applicant_name=person.name,
            phone=phone if full else mask_phone(phone), due_on=follow.due_on,
            overdue=follow.closed_at is None and follow.due_on < today,
            steps=tuple((FollowUpStep(s["step"]).label, s["note"], s["at"])
                        for s in follow.steps or []),
            closed_at=follow.closed_at, close_note=follow.close_note)

    def _open_follow(self, session: Session, follow_up_id: int) -> FollowUp:
        follow = session.get(FollowUp, follow_up_id)
        if follow is None:
            raise ResultsError([_("找不到编号为 {id} 的差评整改事项").format(id=follow_up_id)])
        if follow.closed_at is not None:
            raise ResultsError([_("该差评整改事项已于 {d} 办结").format(
                d=follow.closed_at.date().isoformat())])
        return follow

    def record_step(self, actor: Actor, follow_up_id: int, step: FollowUpStep | str,
                    note: str) -> None:
        """Note a step of the follow-up: 回访核实, 整改 or 反馈, with what was done."""
        require(self.ctx, actor, Permission.FOLLOW_UP)
        what = FollowUpStep(step)
        problem = text_problem(note, _("{step}情况").format(step=what.label), MAX_NOTE,
                               required=True)
        if problem:
            raise ResultsError([problem])
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            follow = self._open_follow(session, follow_up_id)
            follow.steps = [*(follow.steps or []), {"step": what.value, "note": note.strip(),
                                                    "at": now.isoformat(), "by": actor.username}]
            self._follow_events(session, actor, follow, what.value, note.strip(), now)

    def close_follow_up(self, actor: Actor, follow_up_id: int, note: str) -> None:
        """Close a follow-up with a note on what was verified, rectified and fed back."""
        require(self.ctx, actor, Permission.FOLLOW_UP)
        problem = text_problem(note, _("办结说明"), MAX_NOTE, required=True)
        if problem:
            raise ResultsError([problem])
        now = self.ctx.now()
        with self.ctx.db.transaction() as session:
            follow = self._open_follow(session, follow_up_id)
            follow.closed_at = now
            follow.closed_by = actor.user_id
            follow.close_note = note.strip()
            self._follow_events(session, actor, follow, "closed", note.strip(), now)
        log.info("follow-up closed")

    @staticmethod
    def _follow_events(session: Session, actor: Actor, follow: FollowUp, stage: str, note: str,
                       now: datetime) -> None:
        number = follow.application.number
        audit(session, actor, "follow_up_" + stage, "follow_up", str(follow.id), now,
              after={"number": number, "stage": stage, "note": note})
        emit(session, "rating.followup", number,
             {"number": number, "follow_up_id": follow.id, "rating_id": follow.rating_id,
              "stage": stage, "due_on": follow.due_on.isoformat(), "note": note}, now)

    # -- figures ----------------------------------------------------------------------------

    def figures(self, actor: Actor, first: date, last: date) -> ResultFigures:
        """Handovers, postal deliveries, ratings by level and follow-ups for [first, last]."""
        require(self.ctx, actor, Permission.CENTRE_LOG)
        start, end = _span(first, last)
        today = self.ctx.today()

        def between(column: Any) -> Any:
            return column.between(start, end)

        with self.ctx.db.reading() as session:
            def count(query: Any) -> int:
                return int(session.scalar(query) or 0)

            levels: dict[int | None, int] = {level: n for level, n in session.execute(
                select(Rating.level, func.count(Rating.id)).where(
                    between(Rating.rated_at), Rating.level.is_not(None))
                .group_by(Rating.level))}
            poor = session.execute(
                select(User.display_name, func.count(Rating.id)).join(
                    User, User.id == Rating.clerk_id).where(
                    between(Rating.rated_at), Rating.level <= RatingLevel.DISSATISFIED.value)
                .group_by(User.display_name)).all()
            return ResultFigures(
                first=first, last=last,
                handovers=count(select(func.count(HandoverRecord.id)).where(
                    between(HandoverRecord.handed_at))),
                postal_dispatched=count(select(func.count(PostalDelivery.id)).where(
                    between(PostalDelivery.dispatched_at))),
                postal_delivered=count(select(func.count(PostalDelivery.id)).where(
                    PostalDelivery.delivered_on.between(first, last))),
                ratings_by_level={level: int(levels.get(level.value, 0))
                                  for level in RatingLevel.best_first()},
                ratings_skipped=count(select(func.count(Rating.id)).where(
                    between(Rating.rated_at), Rating.level.is_(None))),
                follow_ups_opened=count(select(func.count(FollowUp.id)).where(
                    between(FollowUp.opened_at))),
                follow_ups_closed=count(select(func.count(FollowUp.id)).where(
                    between(FollowUp.closed_at))),
                follow_ups_open=count(select(func.count(FollowUp.id)).where(
                    FollowUp.closed_at.is_(None))),
                follow_ups_overdue=count(select(func.count(FollowUp.id)).where(
                    FollowUp.closed_at.is_(None), FollowUp.due_on < today)),
                poor_by_clerk={name: int(n) for name, n in poor})
