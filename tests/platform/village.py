"""Village cases on the reference platform: a centre station acts on its village points' cases.

A village point pushes `application.collected` (the case, 代收) and `village.batch_sent` (a
材料交接单, application_no = the slip number). A station of the same centre may then fetch the
batch (`GET /v1/village/batches/{number}`), push `village.case_received` and
`application.decided` for those cases; each becomes a status change for the village station,
so the agent learns what the centre did by the ordinary status-changes pull.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.platform.models import Application, Event, Station, StatusChangeRow

CENTRE_TYPES = frozenset({"application.decided", "village.case_received"})
"""Event types a centre station may send for a village point's case."""
BATCH_TYPE = "village.batch_sent"
# the centre's decision as the village station's status vocabulary
DECIDED_STATUS = {"accepted", "awaiting_correction", "refused", "completed"}


def may_act_on(session: Session, station: Station, raw: dict[str, Any]) -> bool:
    """True when `station` may send this event for another station's application: it is a
    village case of the same centre, and the type is one the centre sends."""
    if raw.get("type") not in CENTRE_TYPES or not isinstance(raw.get("application_no"), str):
        return False
    application = session.get(Application, raw["application_no"])
    return (application is not None and application.centre == station.centre
            and application.station != station.code)


def project_centre_event(session: Session, station: Station, raw: dict[str, Any],
                         now: datetime) -> None:
    """Apply a centre station's event on a village case; queue the village's status change."""
    application = session.get(Application, raw["application_no"])
    assert application is not None
    payload: dict[str, Any] = raw["payload"]
    accepted = due = None
    if raw["type"] == "village.case_received":
        status, note = "centre_received", f"{station.name or station.code} 已收件"
    else:
        status = str(payload.get("status", ""))
        if status not in DECIDED_STATUS:
            return
        application.snapshot = payload
        application.outcome = str(payload.get("outcome", application.outcome))
        due = payload.get("due_date")
        application.due_date = due if isinstance(due, str) else None
        note = str((payload.get("decision") or {}).get("explanation", ""))[:500]
        accepted = payload.get("accepted_on") if isinstance(payload.get("accepted_on"), str) \
            else None
        due = application.due_date
    application.status = status
    application.last_event_type = raw["type"]
    application.updated_at = now
    session.add(StatusChangeRow(
        application_no=application.application_no, station=application.station,
        status=status, note=note, by=station.code, changed_at=now, accepted_on=accepted,
        due_date=due))


def batch(session: Session, station: Station, number: str) -> dict[str, Any] | None:
    """A slip with each case's latest snapshot, for a station of the slip's centre."""
    event = session.scalars(select(Event).where(
        Event.application_no == number, Event.type == BATCH_TYPE)).first()
    if event is None:
        return None
    origin = session.get(Station, event.station)
    if origin is None or origin.centre != station.centre:
        return None
    payload: dict[str, Any] = dict(event.payload)
    cases = []
    for case_no in payload.get("cases", []):
        application = session.get(Application, case_no)
        if application is not None:
            cases.append({"application_no": case_no, "status": application.status,
                          "snapshot": application.snapshot})
    return {"number": number, "station": event.station, "batch": payload, "cases": cases}


def pending(session: Session, station: Station) -> list[dict[str, Any]]:
    """Slips of the station's centre with a case the centre has not checked in yet (在途)."""
    points = set(session.scalars(select(Station.code).where(Station.centre == station.centre)))
    found = []
    for event in session.scalars(select(Event).where(Event.type == BATCH_TYPE)
                                 .order_by(Event.occurred_at)):
        if event.station not in points:
            continue
        payload: dict[str, Any] = dict(event.payload)
        cases = [str(n) for n in payload.get("cases", [])]
        checked_in = {
            e.application_no for e in session.scalars(select(Event).where(
                Event.type == "village.case_received", Event.application_no.in_(cases)))
            if dict(e.payload).get("batch") == event.application_no}
        waiting = sum(1 for n in cases if n not in checked_in)
        if waiting:
            found.append({"number": event.application_no, "station": event.station,
                          "point_name": str(payload.get("point_name", "")),
                          "agent_name": str(payload.get("agent_name", "")),
                          "sent_on": str(payload.get("sent_on", "")),
                          "cases": len(cases), "waiting": waiting})
    return found
