"""The centre-wide daily log (每日办件台账) as the platform answers it to a supervisor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.platform.models import Application, Event, Station
from tests.platform.timefmt import iso


def centre_day(session: Session, station: Station, day: str) -> dict[str, Any]:
    """Applications of the station's centre confirmed on `day`, and each station's activity."""
    applications = list(session.scalars(
        select(Application)
        .where(Application.centre == station.centre, Application.confirmed_day == day)
        .order_by(Application.confirmed_at, Application.application_no)
    ))
    stations = list(session.scalars(
        select(Station).where(Station.centre == station.centre).order_by(Station.code)
    ))
    newest = dict(session.execute(
        select(Event.station, func.max(Event.occurred_at))
        .where(Event.station.in_([s.code for s in stations]))
        .group_by(Event.station)
    ).all())
    return {
        "date": day,
        "centre": station.centre,
        "applications": [_centre_line(row) for row in applications],
        "stations": [
            {"station": s.code, "name": s.name,
             "newest_event_at": iso(_aware(newest.get(s.code))),
             "last_seen_at": iso(s.last_seen_at)}
            for s in stations
        ],
    }


def _aware(value: Any) -> datetime | None:
    """MAX() bypasses the column type on SQLite: read its naive text or datetime as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _mask_id(number: str) -> str:
    """Keep the first 6 and last 4 characters of an identity number."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _centre_line(row: Application) -> dict[str, Any]:
    snapshot: dict[str, Any] = dict(row.snapshot or {})
    applicant = snapshot.get("applicant")
    applicant = applicant if isinstance(applicant, dict) else {}
    matter = snapshot.get("matter")
    matter = matter if isinstance(matter, dict) else {}
    clerk = snapshot.get("clerk")
    if isinstance(clerk, dict):
        clerk = clerk.get("name", "")
    return {
        "application_no": row.application_no,
        "station": row.station,
        "matter_code": row.matter_code,
        "matter_version": row.matter_version,
        "matter_name": str(matter.get("name", "")),
        "outcome": row.outcome,
        "status": row.status,
        "confirmed_at": iso(row.confirmed_at),
        "due_date": row.due_date,
        "clerk": str(clerk or ""),
        "applicant_name": str(applicant.get("name", "")),
        "applicant_id_masked": _mask_id(str(applicant.get("id_number", ""))),
    }
