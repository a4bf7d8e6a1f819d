"""Delivery of results by post (邮寄送达) on a real SQLite file: no extra visit, outbox events."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from clerk_app.domain.application import ApplicationStatus
from clerk_app.domain.handover import ResultItem
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import PermissionDenied
from clerk_app.store.models import Application, AuditEntry, OutboxEvent
from tests.integration.test_handover import (
    APPLICANT,
    INSTANT,
    LATER,
    NOW,
    Results,
    back_office_decides,
    collector,
    counts,
    take_in,
)
from tests.integration.test_handover import svc as svc  # noqa: F401 (fixture)

ADDRESS = "四川省成都市锦江区青石镇柳溪村3组12号"
PARCEL = [ResultItem("低保审批结果通知", 1)]


def test_post_chosen_at_intake_dispatched_and_delivered_without_a_visit(
        svc: Results, clerk: Actor, supervisor: Actor) -> None:
    number = take_in(svc, clerk)
    row = svc.postal.choose(clerk, number, APPLICANT.name, APPLICANT.mobile, ADDRESS)
    assert row.stage == "chosen" and row.stage_label == "待寄出"
    assert row.recipient_phone != APPLICANT.mobile and row.address.endswith("****")
    with svc.services.ctx.db.reading() as session:
        app = session.scalars(select(Application)).one()
        assert app.delivery_method == "邮寄送达"

    with pytest.raises(ResultsError, match="承诺于 2026-12-24 办结"):
        svc.postal.dispatch(clerk, number, "中国邮政EMS", "1187654321098", PARCEL)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    with pytest.raises(ResultsError, match="快递单号"):
        svc.postal.dispatch(clerk, number, "中国邮政EMS", "12", PARCEL)
    posted = svc.postal.dispatch(clerk, number, "中国邮政EMS", " 1187 6543 21098 ", PARCEL)
    assert posted.stage == "dispatched" and posted.tracking_no == "1187654321098"
    window = svc.handover.readiness(number)
    assert not window.ready and "已寄出" in window.problems[0]
    assert [r.number for r in svc.postal.deliveries(clerk)] == [number]

    with pytest.raises(ResultsError, match="签收日期不能早于寄出日期"):
        svc.postal.confirm_delivered(clerk, number, date(2026, 12, 1))
    done = svc.postal.confirm_delivered(supervisor, number, LATER.date(), signed_by=APPLICANT.name)
    assert done.stage == "delivered" and done.recipient_phone == APPLICANT.mobile  # full: 负责人
    visits, handovers, types = counts(svc.services, number)
    assert (visits, handovers) == (1, 0)  # 跑动次数 stays 1: the result came by post
    assert types == ["application.confirmed", "result.postal_chosen", "result.posted",
                     "result.delivered"]
    with svc.services.ctx.db.reading() as session:
        app = session.scalars(select(Application)).one()
        assert app.status == ApplicationStatus.DELIVERED.value
        event = session.scalars(select(OutboxEvent).where(
            OutboxEvent.type == "result.posted")).one()
        assert event.payload["courier"] == "中国邮政EMS"
        assert event.payload["tracking_no"] == "1187654321098"
        assert event.payload["items"] == [{"name": "低保审批结果通知", "count": 1}]
        assert "due_date" not in event.payload  # the platform reads due_date as a new limit
        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        ours = [a for a in actions if a.startswith(("postal", "result"))]
        assert ours == ["postal_chosen", "result_posted", "result_delivered"]
    with pytest.raises(ResultsError, match="没有已寄出待签收"):
        svc.postal.confirm_delivered(clerk, number)
    with pytest.raises(ResultsError, match="不能再选择邮寄送达"):
        svc.postal.choose(clerk, number, APPLICANT.name, APPLICANT.mobile, ADDRESS)


def test_post_is_checked_before_it_is_recorded(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    with pytest.raises(ResultsError) as bad:
        svc.postal.choose(clerk, number, "", "1381234", "")
    assert bad.value.problems == ["请填写收件人", "请填写邮寄地址",
                                  "收件人电话：请填写11位手机号码，或带区号的固定电话（如0838-1234567）"]
    instant = take_in(svc, clerk, code=INSTANT)
    with pytest.raises(ResultsError, match="不提供邮寄送达（可选：窗口领取）"):
        svc.postal.choose(clerk, instant, APPLICANT.name, APPLICANT.mobile, ADDRESS)
    with pytest.raises(ResultsError, match="没有待寄出的邮寄送达"):
        svc.postal.dispatch(clerk, number, "顺丰速运", "SF1234567890", PARCEL)
    assert svc.postal.of(clerk, number) is None
    assert counts(svc.services, number)[2] == ["application.confirmed"]


def test_collecting_at_the_window_cancels_a_pending_post(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    svc.postal.choose(clerk, number, APPLICANT.name, APPLICANT.mobile, ADDRESS)
    back_office_decides(svc.services, number, ApplicationStatus.COMPLETED)
    svc.at(LATER)
    ready = svc.handover.readiness(number)
    assert ready.ready and "窗口领取后不再寄出" in ready.notes[0]
    svc.handover.hand_over(clerk, number, collector(APPLICANT), PARCEL)
    cancelled = svc.postal.of(clerk, number)
    assert cancelled is not None and cancelled.stage_label == "已改为窗口领取"
    with pytest.raises(ResultsError, match="没有待寄出"):
        svc.postal.dispatch(clerk, number, "顺丰速运", "SF1234567890", PARCEL)


def test_postal_needs_the_permission(svc: Results, clerk: Actor) -> None:
    number = take_in(svc, clerk)
    guest = Actor(clerk.user_id, clerk.username, clerk.display_name, "guest")
    with pytest.raises(PermissionDenied):
        svc.postal.choose(guest, number, APPLICANT.name, APPLICANT.mobile, ADDRESS)
    svc.at(datetime(NOW.year, NOW.month, NOW.day, 10, 0))
    with pytest.raises(PermissionDenied):
        svc.postal.confirm_delivered(guest, number)
