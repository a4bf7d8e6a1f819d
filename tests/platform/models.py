"""Tables of the reference platform (SQLAlchemy 2, any database SQLAlchemy speaks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, full sync, foreign keys and working savepoints."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_setup(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy issue BEGIN (savepoints work)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC (SQLite keeps no offsets), read back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the platform store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of the platform schema."""

    type_annotation_map = {dict[str, object]: JSON}


class Counter(Base):
    """Named monotonic counters (catalogue and calendar revisions)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    """Platform settings kept across restarts (catalogue issuer, maintenance mode)."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Station(Base):
    """A registered station (窗口/代办点) and the centre it belongs to."""

    __tablename__ = "stations"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    centre: Mapped[str] = mapped_column(String(32), index=True)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RegistrationKey(Base):
    """A one-time registration key issued by the platform admin (stored hashed)."""

    __tablename__ = "registration_keys"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    centre: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Token(Base):
    """A station bearer token (stored hashed); revoked tokens stay, to answer token_revoked."""

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station: Mapped[str] = mapped_column(ForeignKey("stations.code"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Event(Base):
    """Every accepted outbox event, once: the primary key on the event id is the idempotency."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(64))
    application_no: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)

    __table_args__ = (Index("ix_events_station_seq", "station", "seq"),)


class Application(Base):
    """Projection of the events: the platform's view of one application."""

    __tablename__ = "applications"
    application_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    station: Mapped[str] = mapped_column(String(32), index=True)
    centre: Mapped[str] = mapped_column(String(32))
    confirmed_day: Mapped[str] = mapped_column(String(10), index=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    matter_code: Mapped[str] = mapped_column(String(40))
    matter_version: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(32), default="received")
    due_date: Mapped[str | None] = mapped_column(String(10))
    last_event_type: Mapped[str] = mapped_column(String(64))
    snapshot_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)


class StatusChangeRow(Base):
    """A back-office status change; `seq` is the cursor stations pull with."""

    __tablename__ = "status_changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_no: Mapped[str] = mapped_column(ForeignKey("applications.application_no"))
    station: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # a centre's decision on a village case: its date of 受理 and due date (YYYY-MM-DD)
    accepted_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    due_date: Mapped[str | None] = mapped_column(String(10), nullable=True)


class CatalogueMatter(Base):
    """The current version of one matter; `revision` is the catalogue revision that set it."""

    __tablename__ = "catalogue_matters"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, index=True)
    document: Mapped[dict[str, object]] = mapped_column(JSON)


class CalendarYear(Base):
    """One year's `clerk-calendar/1` document; `revision` is the calendar revision that set it."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    document: Mapped[dict[str, object]] = mapped_column(JSON)


class ProgressSecret(Base):
    """A station's progress secret (查询码 key), issued once at its first registration.

    Kept across re-registrations so that every notice the station ever printed stays valid.
    """

    __tablename__ = "progress_secrets"
    station: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PageBlob(Base):
    """A material page the platform holds whole; its SHA-256 was checked on arrival."""

    __tablename__ = "page_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    station: Mapped[str] = mapped_column(String(32))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PageChunk(Base):
    """One acknowledged piece of a page still arriving (resumable upload)."""

    __tablename__ = "page_chunks"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    total: Mapped[int] = mapped_column(Integer)


class AttachmentList(Base):
    """The ordered pages of one material of an application (from the newest event by seq)."""

    __tablename__ = "attachment_lists"
    application_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    material_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    material_no: Mapped[int] = mapped_column(Integer)
    material_name: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(Integer)
    pages: Mapped[Any] = mapped_column(JSON)  # [{"sha256", "size", "media_type", …}]
