"""The centre-wide log (全中心台账): other stations' applications through the platform.

This station's own applications always come from its own database (the source of truth for
what was captured here). The other stations of the centre come from a `CentreSource` — the
platform adapter (`PlatformCentreSource` over `ClerkSyncV1Adapter.centre_applications`). The
log is never silently incomplete: `CentreCoverage` says on the page whether the platform
answered, which stations are missing and how old each station's newest data is. The station
list of the last good answer is kept (sync_state ``centre_log.stations``) so that an offline
log can still name the stations it lacks and the age of what the platform had of each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from clerk_app.domain.centre_coverage import CentreCoverage, StationFreshness
from clerk_app.i18n import _
from clerk_app.services.station.context import ServiceContext
from clerk_app.store.models import SyncState
from clerk_app.sync.api import PlatformAdapter, PlatformError

log = logging.getLogger(__name__)

CACHE_KEY = "centre_log.stations"


@dataclass(frozen=True)
class CentreLine:
    """One application of another station, as the platform knows it (times: local, naive)."""

    number: str
    station: str
    matter_code: str
    matter_name: str
    outcome: str
    status: str  # the platform's word: received, in_review, completed, suspended, …
    received_at: datetime
    due_date: date | None
    clerk: str
    applicant_name: str


class CentreSource(Protocol):
    """Where the other stations' applications come from (the platform)."""

    def centre_applications(self, day: date) -> tuple[list[CentreLine], list[StationFreshness]]:
        """Every application of the centre received on `day`, and each station's freshness.

        Raises CentreUnavailable (or a PlatformError) when the answer cannot be had.
        """
        ...


class CentreUnavailable(Exception):
    """The platform's part of the log cannot be had; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _local(moment: datetime | None) -> datetime | None:
    """An aware platform time as this machine's naive local time (like the station's own)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None, microsecond=0)


class PlatformCentreSource:
    """`CentreSource` over the platform adapter (Clerk Sync API v1 or another province's)."""

    def __init__(self, adapter: PlatformAdapter) -> None:
        self.adapter = adapter

    def centre_applications(self, day: date) -> tuple[list[CentreLine], list[StationFreshness]]:
        try:
            answer = self.adapter.centre_applications(day)
        except PlatformError as exc:
            log.warning("centre log: platform unavailable (%s)", exc.detail or type(exc).__name__)
            raise CentreUnavailable(exc.message) from exc
        lines = [CentreLine(
            number=a.application_no, station=a.station, matter_code=a.matter_code,
            matter_name=a.matter_name or a.matter_code, outcome=a.outcome, status=a.status,
            received_at=_local(a.confirmed_at) or datetime.combine(day, datetime.min.time()),
            due_date=a.due_date, clerk=a.clerk, applicant_name=a.applicant_name)
            for a in answer.applications]
        stations = [StationFreshness(s.station, s.name, _local(s.newest_event_at),
                                     _local(s.last_seen_at)) for s in answer.stations]
        return lines, stations

    def close(self) -> None:
        self.adapter.close()


class StationCentreSource:
    """`CentreSource` on the configured platform with this station's current token, built for
    each log (so a new registration or address applies at once)."""

    def __init__(self, make_adapter: Callable[[], PlatformAdapter | None]) -> None:
        self.make_adapter = make_adapter

    def centre_applications(self, day: date) -> tuple[list[CentreLine], list[StationFreshness]]:
        adapter = self.make_adapter()
        if adapter is None:
            raise CentreUnavailable(_("本机未配置政务服务平台或尚未注册"))
        source = PlatformCentreSource(adapter)
        try:
            return source.centre_applications(day)
        finally:
            source.close()


class CentreLog:
    """Collects the other stations' lines for some days, with the coverage to print."""

    def __init__(self, ctx: ServiceContext, source: CentreSource | None) -> None:
        self.ctx = ctx
        self.source = source

    def collect(self, days: Sequence[date], own_station: str
                ) -> tuple[list[CentreLine], CentreCoverage, dict[str, Any] | None]:
        """Lines of other stations, the coverage, and the station list to keep (or None).

        Any failure of the source makes the whole platform part missing (a log with some
        days of other stations and not others would mislead more than it helps).
        """
        now = self.ctx.now()
        if self.source is None:
            return [], self._offline(own_station, _("本机未配置政务服务平台"), now), None
        lines: list[CentreLine] = []
        stations: list[StationFreshness] = []
        try:
            for day in days:
                got, stations = self.source.centre_applications(day)
                lines.extend(line for line in got if line.station != own_station)
        except CentreUnavailable as exc:
            return [], self._offline(own_station, exc.message, now), None
        except PlatformError as exc:
            return [], self._offline(own_station, exc.message, now), None
        others = tuple(s for s in stations if s.station != own_station)
        coverage = CentreCoverage(True, own_station, others, "", now, now)
        return lines, coverage, _cache_value(others, now)

    def _offline(self, own_station: str, problem: str, now: datetime) -> CentreCoverage:
        known_at, stations = self.cached()
        others = tuple(s for s in stations if s.station != own_station)
        return CentreCoverage(False, own_station, others, problem, known_at, now)

    def cached(self) -> tuple[datetime | None, list[StationFreshness]]:
        """The station list of the last good answer (when, and the stations)."""
        with self.ctx.db.reading() as session:
            row = session.get(SyncState, CACHE_KEY)
            raw = row.value if row else ""
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            log.warning("centre log: unreadable station cache ignored")
            data = None
        if not isinstance(data, dict):
            return None, []

        def moment(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if isinstance(value, str) else None

        return moment(data.get("at")), [
            StationFreshness(str(s.get("station", "")), str(s.get("name", "")),
                             moment(s.get("newest")), moment(s.get("contact")))
            for s in data.get("stations", []) if isinstance(s, dict)]

    @staticmethod
    def store_cache(session: Session, value: dict[str, Any]) -> None:
        """Keep the station list (inside the caller's transaction, with its audit entry)."""
        text = json.dumps(value, ensure_ascii=False)
        row = session.get(SyncState, CACHE_KEY)
        if row is None:
            session.add(SyncState(name=CACHE_KEY, value=text))
        else:
            row.value = text


def _cache_value(stations: Sequence[StationFreshness], now: datetime) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"at": now.isoformat(), "stations": [
        {"station": s.station, "name": s.name, "newest": iso(s.newest_data_at),
         "contact": iso(s.last_contact_at)} for s in stations]}
