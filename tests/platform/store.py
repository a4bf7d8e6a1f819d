"""`PlatformStore`: the reference platform's persistent state behind one small API.

Used by the HTTP server and directly by tests (open the same database file). Writes are
serialised by a lock (one writer, as SQLite wants); any SQLAlchemy URL works, e.g.
``sqlite:///platform.sqlite`` or ``postgresql+psycopg://user@host/db``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from clerk_app.domain.check_code import SECRET_BYTES, code_matches, decode_secret, encode_secret
from tests.platform import centre, ledger, progress_data, trail, village
from tests.platform.models import (
    Application,
    Base,
    CalendarYear,
    CatalogueMatter,
    Counter,
    Event,
    ProgressSecret,
    RegistrationKey,
    Setting,
    Station,
    StatusChangeRow,
    Token,
    make_engine,
)
from tests.platform.timefmt import iso, now

KNOWN_STATUSES = ("in_review", "suspended", "completed", "denied", "returned", "cancelled")
"""Back-office statuses: 审批中, 挂起(特别程序), 已办结, 不予许可, 退件, 撤件."""
MATTER_CODE_RE = re.compile(r"^[0-9A-Z-]{6,40}$")
STATION_RE = re.compile(r"^[0-9A-Z]{6,32}$")
_SEEN_EVERY = timedelta(seconds=30)
_DECOY_SECRET = secrets.token_bytes(SECRET_BYTES)


class PlatformProblem(Exception):
    """A request the platform refuses: HTTP status, machine code, Chinese message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message = status, code, message


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normalised_key(key: str) -> str:
    """Upper case without spaces or dashes; 0 and 1 (not in base32) read as O and I."""
    return re.sub(r"[\s-]", "", key).upper().replace("0", "O").replace("1", "I")


class PlatformStore:
    """Stations, tokens, events, applications, status changes, catalogue and calendars."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.Lock()
        self.maintenance_retry_after: int | None = None
        """When set, the API answers 503 with this Retry-After (not persisted)."""

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write_lock, self._sessions.begin() as session:
            yield session

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @staticmethod
    def _bump(session: Session, name: str) -> int:
        counter = session.get(Counter, name)
        if counter is None:
            counter = Counter(name=name, value=0)
            session.add(counter)
        counter.value += 1
        return counter.value

    @staticmethod
    def _counter(session: Session, name: str) -> int:
        counter = session.get(Counter, name)
        return counter.value if counter else 0

    # ------------------------------------------------------------------ stations

    def issue_registration_key(self, station: str, name: str = "", centre: str = "") -> str:
        """A one-time registration key for `station` (centre defaults to the station code)."""
        if not STATION_RE.match(station):
            raise PlatformProblem(400, "bad_station", "站点编码格式不正确。")
        key = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
        with self._writing() as session:
            session.add(RegistrationKey(
                key_hash=_digest(key), station=station, name=name,
                centre=centre or station, issued_at=now(),
            ))
        return "-".join(key[i:i + 4] for i in range(0, len(key), 4))

    def register(self, key: str, station: str, name: str = "") -> tuple[str, Station]:
        """Use a registration key; returns a new bearer token and the station."""
        with self._writing() as session:
            issued = session.get(RegistrationKey, _digest(_normalised_key(key)))
            if issued is None or issued.used_at is not None:
                raise PlatformProblem(403, "registration_key_invalid", "注册码无效或已被使用。")
            if issued.station != station:
                raise PlatformProblem(403, "registration_mismatch", "注册码不是为该站点签发的。")
            issued.used_at = now()
            row = session.get(Station, station)
            if row is None:
                row = Station(code=station, centre=issued.centre)
                session.add(row)
            row.name = name or issued.name or row.name or ""
            row.centre = issued.centre
            row.registered_at = now()
            token = secrets.token_urlsafe(32)
            session.flush()
            session.add(Token(token_hash=_digest(token), station=station, issued_at=now()))
            return token, row

    def authenticate(self, token: str) -> Station:
        """The station a bearer token belongs to; PlatformProblem 401 otherwise."""
        with self._reading() as session:
            row = session.get(Token, _digest(token))
            if row is None:
                raise PlatformProblem(401, "unauthorized", "站点凭证无效，请重新注册站点。")
            if row.revoked_at is not None:
                raise PlatformProblem(401, "token_revoked", "本站点的接入凭证已被平台注销。")
            station = session.get(Station, row.station)
            assert station is not None
        if station.last_seen_at is None or now() - station.last_seen_at > _SEEN_EVERY:
            with self._writing() as session:
                session.execute(
                    update(Station).where(Station.code == station.code).values(last_seen_at=now())
                )
        return station

    def revoke_station(self, station: str) -> int:
        """Revoke every live token of a station; returns how many."""
        with self._writing() as session:
            result = session.execute(
                update(Token)
                .where(Token.station == station, Token.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # ------------------------------------------------------------------ events

    def apply_events(self, station: Station, events: Sequence[Any]) -> list[dict[str, Any]]:
        """Apply a batch; one result per event, in order. One transaction, a savepoint each."""
        received = now()
        with self._writing() as session:
            results = [ledger.apply_event(session, station, raw, received) for raw in events]
            trail.check_heads(session, station.code, events, received)
            session.execute(
                update(Station).where(Station.code == station.code).values(last_seen_at=received)
            )
        return results

    def audit_trail(self, station: str) -> dict[str, Any]:
        """The newest audit head a station showed and any sign its history was rewritten."""
        with self._reading() as session:
            return trail.station_trail(session, station)

    def held_events(self, station: str, ids: Sequence[str]) -> list[str]:
        """Which of `ids` this station's events the platform holds (from any channel)."""
        if not ids:
            return []
        query = select(Event.id).where(Event.station == station, Event.id.in_(list(ids)))
        with self._reading() as session:
            held = set(session.scalars(query))
        return [event_id for event_id in ids if event_id in held]

    def event_ids(self, station: str | None = None) -> list[str]:
        """Every stored event id (of one station), in arrival order; for tests and admins."""
        query = select(Event.id).order_by(Event.received_at, Event.station, Event.seq)
        if station:
            query = query.where(Event.station == station)
        with self._reading() as session:
            return list(session.scalars(query))

    def application(self, application_no: str) -> dict[str, Any] | None:
        """The projection of one application, or None."""
        with self._reading() as session:
            row = session.get(Application, application_no)
            if row is None:
                return None
            return {
                "application_no": row.application_no, "station": row.station,
                "status": row.status, "outcome": row.outcome,
                "matter_code": row.matter_code, "matter_version": row.matter_version,
                "due_date": row.due_date, "last_event_type": row.last_event_type,
                "snapshot": row.snapshot,
            }

    # ------------------------------------------------------------------ status changes

    def change_status(self, application_no: str, status: str, note: str = "", by: str = "") -> int:
        """Record a back-office status change; returns its sequence number."""
        if status not in KNOWN_STATUSES:
            raise PlatformProblem(400, "bad_status", "未知的办件状态。")
        with self._writing() as session:
            application = session.get(Application, application_no)
            if application is None:
                raise PlatformProblem(404, "unknown_application", "平台上没有这个办件。")
            application.status = status
            row = StatusChangeRow(
                application_no=application_no, station=application.station,
                status=status, note=note, by=by, changed_at=now(),
            )
            session.add(row)
            session.flush()
            return row.seq

    def status_changes(self, station: str, since: int, limit: int) -> dict[str, Any]:
        """Changes of a station's applications after `since` (a cursor ahead replays all)."""
        with self._reading() as session:
            newest = session.scalar(select(func.max(StatusChangeRow.seq))) or 0
            if since > newest:
                since = 0
            rows = list(session.scalars(
                select(StatusChangeRow)
                .where(StatusChangeRow.station == station, StatusChangeRow.seq > since)
                .order_by(StatusChangeRow.seq).limit(limit + 1)
            ))
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "changes": [
                {"seq": r.seq, "application_no": r.application_no, "status": r.status,
                 "note": r.note, "changed_at": iso(r.changed_at), "by": r.by,
                 **({"accepted_on": r.accepted_on} if r.accepted_on else {}),
                 **({"due_date": r.due_date} if r.due_date else {})}
                for r in rows
            ],
            "cursor": str(rows[-1].seq if rows else since),
            "more": more,
        }

    # ------------------------------------------------------------------ catalogue

    def seed_catalogue(self, document: dict[str, Any]) -> bool:
        """Load a `clerk-catalogue/1` document as revision 1 when the catalogue is empty."""
        with self._writing() as session:
            if self._counter(session, "catalogue"):
                return False
            revision = self._bump(session, "catalogue")
            for matter in document.get("matters", []):
                self._check_matter(matter)
                if not isinstance(matter.get("version"), int) or matter["version"] < 1:
                    raise PlatformProblem(400, "bad_matter", "事项版本号缺失或不正确。")
                session.add(CatalogueMatter(
                    code=matter["code"], version=matter["version"],
                    status=matter.get("status", "active"), revision=revision, document=matter,
                ))
            self._set(session, "issuer", str(document.get("issuer", "")))
            self._set(session, "published_at", str(document.get("published_at") or iso(now())))
            return True

    @staticmethod
    def _check_matter(matter: Any) -> None:
        if not isinstance(matter, dict) or not MATTER_CODE_RE.match(str(matter.get("code", ""))):
            raise PlatformProblem(400, "bad_matter", "事项编码缺失或格式不正确。")
        if not isinstance(matter.get("name"), str) or not matter["name"]:
            raise PlatformProblem(400, "bad_matter", "事项名称缺失。")
        if matter.get("status", "active") not in ("active", "withdrawn"):
            raise PlatformProblem(400, "bad_matter", "事项状态不正确。")

    @staticmethod
    def _set(session: Session, name: str, value: str) -> None:
        row = session.get(Setting, name)
        if row is None:
            session.add(Setting(name=name, value=value))
        else:
            row.value = value

    def publish_matter(self, matter: dict[str, Any]) -> int:
        """Publish a new or changed matter (version defaults to the next); returns the revision."""
        self._check_matter(matter)
        document = dict(matter)
        with self._writing() as session:
            current = session.get(CatalogueMatter, document["code"])
            newest = current.version if current else 0
            version = document.setdefault("version", newest + 1)
            if not isinstance(version, int) or version <= newest:
                raise PlatformProblem(409, "version_not_newer", "事项版本号必须大于当前版本。")
            document.setdefault("status", "active")
            return self._store_matter(session, current, document)

    def withdraw_matter(self, code: str, reason: str) -> int:
        """Withdraw a matter (its version is raised); returns the revision."""
        with self._writing() as session:
            current = session.get(CatalogueMatter, code)
            if current is None or current.status == "withdrawn":
                raise PlatformProblem(404, "unknown_matter", "没有这个在办事项。")
            document = dict(current.document)
            document.update(status="withdrawn", withdrawn_reason=reason,
                            version=current.version + 1)
            return self._store_matter(session, current, document)

    def _store_matter(
        self, session: Session, current: CatalogueMatter | None, document: dict[str, Any]
    ) -> int:
        revision = self._bump(session, "catalogue")
        if current is None:
            current = CatalogueMatter(code=document["code"])
            session.add(current)
        current.version, current.status = document["version"], document["status"]
        current.revision, current.document = revision, document
        self._set(session, "published_at", iso(now()) or "")
        return revision

    def catalogue_revision(self) -> int:
        """The newest catalogue revision (0 when empty)."""
        with self._reading() as session:
            return self._counter(session, "catalogue")

    def catalogue_delta(self, since: int) -> dict[str, Any]:
        """Matters changed after revision `since`; 0 or a cursor ahead gives the whole catalogue."""
        with self._reading() as session:
            newest = self._counter(session, "catalogue")
            full = since <= 0 or since > newest
            query = select(CatalogueMatter).order_by(CatalogueMatter.code)
            if not full:
                query = query.where(CatalogueMatter.revision > since)
            rows = list(session.scalars(query))
            issuer = session.get(Setting, "issuer")
            published = session.get(Setting, "published_at")
        return {
            "format": "clerk-catalogue-delta/1",
            "cursor": str(newest),
            "full": full,
            "issuer": issuer.value if issuer else "",
            "published_at": published.value if published else None,
            "matters": [r.document for r in rows if r.status == "active"],
            "withdrawn": [
                {"code": r.code, "version": r.version,
                 "reason": str(r.document.get("withdrawn_reason", ""))}
                for r in rows if r.status == "withdrawn"
            ],
        }

    # ------------------------------------------------------------------ calendar

    def publish_calendars(self, documents: Sequence[dict[str, Any]]) -> int:
        """Publish calendar years (replacing those years) as one revision; returns it."""
        for document in documents:
            problem = next(iter(_calendar_validator().iter_errors(document)), None)
            if problem is not None:
                raise PlatformProblem(400, "bad_calendar", "日历文件格式不正确。")
        with self._writing() as session:
            revision = self._bump(session, "calendar")
            for document in documents:
                row = session.get(CalendarYear, document["year"])
                if row is None:
                    row = CalendarYear(year=document["year"])
                    session.add(row)
                row.revision, row.document = revision, document
            return revision

    def calendar_empty(self) -> bool:
        """True before any calendar was published."""
        with self._reading() as session:
            return self._counter(session, "calendar") == 0

    def calendar_delta(self, since: int) -> dict[str, Any]:
        """Years published after revision `since` (0 or a cursor ahead: every year)."""
        with self._reading() as session:
            newest = self._counter(session, "calendar")
            query = select(CalendarYear).order_by(CalendarYear.year)
            if 0 < since <= newest:
                query = query.where(CalendarYear.revision > since)
            years = [row.document for row in session.scalars(query)]
        return {"cursor": str(newest), "years": years}

    # ------------------------------------------------------------------ village points

    def village_batch(self, station: Station, number: str) -> dict[str, Any] | None:
        """A 材料交接单 with its cases, for a station of the slip's centre (else None)."""
        with self._reading() as session:
            return village.batch(session, station, number)

    def village_pending(self, station: Station) -> list[dict[str, Any]]:
        """Slips of the station's centre still 在途 (a case not checked in)."""
        with self._reading() as session:
            return village.pending(session, station)

    # ------------------------------------------------------------------ centre

    def centre_day(self, station: Station, day: str) -> dict[str, Any]:
        """Applications of the station's centre confirmed on `day`, and each station's activity."""
        with self._reading() as session:
            return centre.centre_day(session, station, day)

    # ------------------------------------------------------------------ progress page

    def progress_secret(self, station: str) -> str:
        """The station's progress secret (查询码 key), issued on first use and kept."""
        with self._writing() as session:
            row = session.get(ProgressSecret, station)
            if row is None:
                row = ProgressSecret(station=station, secret=encode_secret(
                    secrets.token_bytes(SECRET_BYTES)), issued_at=now())
                session.add(row)
            return row.secret

    def progress_url(self) -> str:
        """The progress page address set by the back office ("" when not set)."""
        with self._reading() as session:
            row = session.get(Setting, "progress_url")
            return row.value if row is not None else ""

    def set_progress_url(self, url: str) -> None:
        """Set (or with "" clear) the progress page address stations are told."""
        with self._writing() as session:
            self._set(session, "progress_url", url)

    def set_centre_contact(self, centre_code: str, contact: dict[str, str]) -> None:
        """The centre's public name, phone, address and hours for the progress page."""
        with self._writing() as session:
            self._set(session, progress_data.CENTRE_SETTING.format(code=centre_code)[:40],
                      json.dumps(contact, ensure_ascii=False))

    def progress_case(self, number: str, code: str) -> progress_data.CaseView | None:
        """The progress view of `number` when `code` is its 查询码; None otherwise.

        Unknown numbers are checked against a throw-away secret, so the answer takes the
        same work whether or not the number exists."""
        with self._reading() as session:
            station = progress_data.station_of(session, number)
            stored = progress_data.secret_of(session, station) if station else None
            secret = decode_secret(stored) if stored else _DECOY_SECRET
            if not code_matches(secret, number, code) or stored is None:
                return None
            return progress_data.case_view(session, number)


_CALENDAR_SCHEMA = Path(__file__).resolve().parents[2] / "resources/calendar/calendar.schema.json"
_FALLBACK_CALENDAR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "year", "holidays", "workdays"],
    "properties": {"format": {"const": "clerk-calendar/1"}, "year": {"type": "integer"}},
}
_validator_cache: list[Draft202012Validator] = []


def _calendar_validator() -> Draft202012Validator:
    """The project's calendar schema when present, else the format's minimum."""
    if not _validator_cache:
        schema = (json.loads(_CALENDAR_SCHEMA.read_text("utf-8"))
                  if _CALENDAR_SCHEMA.exists() else _FALLBACK_CALENDAR_SCHEMA)
        _validator_cache.append(Draft202012Validator(schema))
    return _validator_cache[0]
