"""好差评 on a real SQLite file: one rating per visit, 差评 follow-ups, the supervisor's figures."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.rating import (
    FollowUpStep,
    RatingItem,
    RatingLevel,
    SkipReason,
    follow_up_due,
)
from clerk_app.domain.workdays import WorkCalendar
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied
from clerk_app.store.models import FollowUp, OutboxEvent, Rating
from tests.integration.test_handover import (
    APPLICANT,
    ITEMS,
    LATER,
    NOW,
    Results,
    back_office_decides,
    collector,
    take_in,
)
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)
from tests.integration.test_postal import ADDRESS, PARCEL


def events(results: Results, kind: str) -> list[OutboxEvent]:
    with results.services.ctx.db.reading() as session:
        return list(session.scalars(select(OutboxEvent).where(OutboxEvent.type == kind)
                                    .order_by(OutboxEvent.seq)))


def test_one_rating_per_visit_and_no_personal_data_sent(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    visit = svc.ratings.pending_visit(number)
    assert visit is not None
    result = svc.ratings.record(clerk, number, RatingLevel.VERY_SATISFIED, "办得很快",
                                {RatingItem.EFFICIENCY.value: 5, RatingItem.ATTITUDE.value: 5})
    assert result.level is RatingLevel.VERY_SATISFIED and result.follow_up_id is None
    assert svc.ratings.pending_visit(number) is None
    with pytest.raises(ResultsError, match="一次一评"):
        svc.ratings.record(clerk, number, 4)
    with pytest.raises(ResultsError, match="一次一评"):
        svc.ratings.record(clerk, number, 4, visit_id=visit)
    [event] = events(svc, "rating.recorded")
    assert event.payload["level"] == 5 and event.payload["level_label"] == "非常满意"
    assert event.payload["clerk"] == "zhangli" and event.payload["visit_purpose"] == "intake"
    sent = json.dumps(event.payload, ensure_ascii=False)
    for personal in (APPLICANT.name, APPLICANT.resident_id, APPLICANT.mobile):
        assert personal not in sent
    with svc.services.ctx.db.reading() as session:
        row = session.scalars(select(Rating)).one()
        assert row.visit_id == visit and row.clerk_id == clerk.user_id
        assert row.items == {"efficiency": 5, "attitude": 5}

    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    handed = svc.handover.hand_over(clerk, number, collector(APPLICANT), ITEMS)
    assert svc.ratings.pending_visit(number) == handed.rating_visit_id != visit
    svc.ratings.record(clerk, number, RatingLevel.SATISFIED)
    assert [e.payload["visit_purpose"] for e in events(svc, "rating.recorded")] == [
        "intake", "handover"]


def test_poor_rating_opens_a_follow_up_until_closed_with_a_note(
        svc: Results, clerk: Actor, supervisor: Actor) -> None:
    number = take_in(svc, clerk)
    result = svc.ratings.record(clerk, number, RatingLevel.DISSATISFIED, "等了很久",
                                {RatingItem.EFFICIENCY.value: 1})
    # 15 working days after Thu 2026-11-26, counting from the next day
    assert result.follow_up_due == date(2026, 12, 17)
    assert result.follow_up_due == WorkCalendar.bundled().add_working_days(NOW.date(), 15)
    assert result.follow_up_id is not None
    follow_id = result.follow_up_id

    [row] = svc.ratings.follow_ups(supervisor)
    assert (row.id, row.number, row.level, row.comment) == (
        follow_id, number, RatingLevel.DISSATISFIED, "等了很久")
    assert row.clerk_name == "张丽" and row.phone == APPLICANT.mobile and not row.overdue
    with pytest.raises(PermissionDenied):
        svc.ratings.follow_ups(clerk)
    with pytest.raises(PermissionDenied):
        svc.ratings.close_follow_up(clerk, follow_id, "已处理")

    svc.at(datetime(2026, 12, 18, 9, 0))  # past the due date, still open
    assert svc.ratings.follow_ups(supervisor)[0].overdue
    with pytest.raises(ResultsError, match="请填写办结说明"):
        svc.ratings.close_follow_up(supervisor, follow_id, "   ")
    assert len(svc.ratings.follow_ups(supervisor)) == 1  # still open
    svc.ratings.record_step(supervisor, follow_id, FollowUpStep.VERIFY,
                            "电话回访申请人，情况属实：当日窗口排队较长")
    svc.ratings.close_follow_up(supervisor, follow_id, "已增开高峰时段窗口，并向申请人反馈")
    assert svc.ratings.follow_ups(supervisor) == []
    [closed] = svc.ratings.follow_ups(supervisor, open_only=False)
    assert closed.close_note == "已增开高峰时段窗口，并向申请人反馈" and not closed.overdue
    assert closed.steps[0][:2] == ("回访核实", "电话回访申请人，情况属实：当日窗口排队较长")
    with pytest.raises(ResultsError, match="已于 2026-12-18 办结"):
        svc.ratings.close_follow_up(supervisor, follow_id, "再次关闭")
    stages = [e.payload["stage"] for e in events(svc, "rating.followup")]
    assert stages == ["opened", "verify", "closed"]
    assert all("due_date" not in e.payload for e in events(svc, "rating.followup"))
    with svc.services.ctx.db.reading() as session:
        follow = session.scalars(select(FollowUp)).one()
        assert follow.closed_by == supervisor.user_id


def test_good_ratings_open_no_follow_up(svc: Results, clerk: Actor) -> None:
    for level in (RatingLevel.FAIRLY_SATISFIED, RatingLevel.VERY_DISSATISFIED):
        number = take_in(svc, clerk)
        result = svc.ratings.record(clerk, number, level)
        assert (result.follow_up_id is not None) is level.is_poor
    assert [e.payload["stage"] for e in events(svc, "rating.followup")] == ["opened"]


def test_declined_rating_is_recorded_with_its_reason(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    with pytest.raises(ResultsError, match="请选择不评价的原因"):
        svc.ratings.skip(clerk, number, "bored")
    svc.ratings.skip(clerk, number, SkipReason.DECLINED, "赶时间")
    assert svc.ratings.pending_visit(number) is None
    [event] = events(svc, "rating.recorded")
    assert event.payload["skipped"] and event.payload["skip_reason"] == "declined"
    assert event.payload["level"] is None


def test_invalid_ratings_are_refused(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    for level, items, comment, reason in (
            (0, {}, "", "1–5 星"), (6, {}, "", "1–5 星"),
            (5, {"speed": 5}, "", "评价指标「speed」不存在"),
            (5, {"attitude": 9}, "", "「服务态度」的评价应为 1–5 星"),
            (5, {}, "好" * 501, "评价意见过长"), (5, {}, "a\x00b", "控制字符")):
        with pytest.raises(ResultsError, match=reason):
            svc.ratings.record(clerk, number, level, comment, items)
    assert events(svc, "rating.recorded") == []
    guest = Actor(clerk.user_id, clerk.username, clerk.display_name, "guest")
    with pytest.raises(PermissionDenied):
        svc.ratings.record(guest, number, 5)


def test_supervisor_figures(svc: Results, clerk: Actor, supervisor: Actor) -> None:
    handed = take_in(svc, clerk)
    posted = take_in(svc, clerk)
    poor = take_in(svc, clerk)
    svc.ratings.record(clerk, handed, RatingLevel.VERY_SATISFIED)
    svc.ratings.skip(clerk, posted, SkipReason.LEFT)
    first = svc.ratings.record(clerk, poor, RatingLevel.VERY_DISSATISFIED).follow_up_id
    svc.postal.choose(clerk, posted, APPLICANT.name, APPLICANT.mobile, ADDRESS)
    for number in (handed, posted):
        back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    svc.handover.hand_over(clerk, handed, collector(APPLICANT), ITEMS)
    svc.ratings.record(clerk, handed, RatingLevel.DISSATISFIED)
    svc.postal.dispatch(clerk, posted, "顺丰速运", "SF1234567890", PARCEL)
    svc.postal.confirm_delivered(clerk, posted)
    assert first is not None
    svc.ratings.close_follow_up(supervisor, first, "已回访并整改")

    figures = svc.ratings.figures(supervisor, NOW.date(), LATER.date())
    assert (figures.handovers, figures.postal_dispatched, figures.postal_delivered) == (1, 1, 1)
    assert figures.ratings_by_level == {
        RatingLevel.VERY_SATISFIED: 1, RatingLevel.SATISFIED: 0,
        RatingLevel.FAIRLY_SATISFIED: 0, RatingLevel.DISSATISFIED: 1,
        RatingLevel.VERY_DISSATISFIED: 1}
    assert list(figures.ratings_by_level)[0] is RatingLevel.VERY_SATISFIED
    assert (figures.ratings, figures.poor, figures.ratings_skipped) == (3, 2, 1)
    assert figures.satisfaction_rate == pytest.approx(1 / 3)
    assert (figures.follow_ups_opened, figures.follow_ups_closed, figures.follow_ups_open) == (
        2, 1, 1)
    assert figures.poor_by_clerk == {"张丽": 2}
    before = svc.ratings.figures(supervisor, NOW.date(), NOW.date())
    assert (before.handovers, before.ratings, before.follow_ups_closed) == (0, 2, 0)
    with pytest.raises(PermissionDenied):
        svc.ratings.figures(clerk, NOW.date(), LATER.date())


def test_levels_and_the_follow_up_period_across_holidays() -> None:
    assert [(lv.label, lv.stars) for lv in RatingLevel.best_first()] == [
        ("非常满意", "★★★★★"), ("满意", "★★★★☆"), ("基本满意", "★★★☆☆"),
        ("不满意", "★★☆☆☆"), ("非常不满意", "★☆☆☆☆")]
    assert [lv for lv in RatingLevel if lv.is_poor] == [
        RatingLevel.VERY_DISSATISFIED, RatingLevel.DISSATISFIED]
    assert [item.label for item in RatingItem] == ["服务效率", "服务水平", "服务态度"]
    calendar = WorkCalendar.bundled()
    # Thu 2026-09-24: 中秋 Sep 25-27 and 国庆 Oct 1-7 are skipped, Sat Oct 10 is worked
    assert follow_up_due(calendar, date(2026, 9, 24)) == date(2026, 10, 22)
    assert follow_up_due(calendar, date(2026, 9, 24), working_days=5) == date(2026, 10, 9)
