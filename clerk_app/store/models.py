"""SQLAlchemy 2.x typed ORM models: the station's database schema.

The schema's history lives in db/versions (Alembic); change both together.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base with JSON mapped for dict/list annotations."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    """A station or centre setting (key -> JSON value)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class User(Base):
    """A local account (窗口人员, 代办员, 中心负责人, 管理员)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    window: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MatterRecord(Base):
    """One version of a matter's service guide; `current` marks the one offered for intake."""

    __tablename__ = "matters"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_matter_code_version"),
        Index("ix_matters_current", "current", "code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    windows: Mapped[list[Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    # pinyin syllables of the name and keywords, computed once at import for the search index
    syllables: Mapped[str] = mapped_column(Text, default="", server_default="")


class Applicant(Base):
    """A person or organisation known to the station (申请人/代理人), found again by document."""

    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("doc_type", "doc_number", name="uq_applicant_document"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # natural_person / legal_person
    name: Mapped[str] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_number: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    legal_representative: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Application(Base):
    """An application (办件) taken in at this station."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_status_due", "status", "due_date"),
        Index("ix_applications_received", "received_on"),
        Index("ix_applications_due", "due_date", "number"),  # most urgent first, a page at a time
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    station_code: Mapped[str] = mapped_column(String(12))
    window: Mapped[str] = mapped_column(String(40), default="")
    matter_code: Mapped[str] = mapped_column(String(40))
    matter_version: Mapped[int] = mapped_column(Integer)
    matter_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    applicant_type: Mapped[str] = mapped_column(String(20))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"), nullable=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"), nullable=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_method: Mapped[str] = mapped_column(String(20), default="窗口领取")
    clerk_conditions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    override_reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # when the case first reached a finished status (办结); NULL while open or when unknown
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # the bundle (一件事) this application is a member of; NULL for a single application
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("bundles.id"), nullable=True,
                                                  index=True)

    applicant: Mapped[Applicant] = relationship(foreign_keys=[applicant_id])
    contact: Mapped[Applicant | None] = relationship(foreign_keys=[contact_id])
    agent: Mapped[Applicant | None] = relationship(foreign_keys=[agent_id])
    clerk: Mapped[User] = relationship()
    materials: Mapped[list[ApplicationMaterial]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="ApplicationMaterial.position")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Decision.id")
    visits: Mapped[list[Visit]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Visit.id")


class ApplicationMaterial(Base):
    """The state of one material of an application (材料收取情况)."""

    __tablename__ = "application_materials"
    __table_args__ = (UniqueConstraint("application_id", "material_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    material_id: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20))
    form_required: Mapped[str] = mapped_column(String(20))
    form_received: Mapped[str] = mapped_column(String(20), default="")
    copies_required: Mapped[int] = mapped_column(Integer)
    copies_received: Mapped[int] = mapped_column(Integer, default=0)
    promised_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    application: Mapped[Application] = relationship(back_populates="materials")


class Decision(Base):
    """One decision at the window; an application may have several (补正, then 受理)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    explanation: Mapped[str] = mapped_column(Text)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    refusal_ground: Mapped[str] = mapped_column(String(30), default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_basis: Mapped[str] = mapped_column(Text, default="")
    redirect_body: Mapped[str] = mapped_column(Text, default="")
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    notice_serial: Mapped[str] = mapped_column(String(60), default="")
    # serials of the other kinds of document printed for this decision (送达回证, …): kind -> 文号
    notice_serials: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    application: Mapped[Application] = relationship(back_populates="decisions")


class Visit(Base):
    """One trip of the applicant to the counter for this application (跑动次数)."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime)
    purpose: Mapped[str] = mapped_column(String(30))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    application: Mapped[Application] = relationship(back_populates="visits")


class ClockEvent(Base):
    """A pause (补正/特别程序) or extension (延期) of an application's time limit."""

    __tablename__ = "clock_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    expected_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    approver: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Draft(Base):
    """An intake in progress, saved as it is typed (草稿)."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    application_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    matter_code: Mapped[str] = mapped_column(String(40))
    matter_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class NumberCounter(Base):
    """The station's sequence per date key, for application numbers."""

    __tablename__ = "number_counters"
    day_key: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """Who did what, when, to which entity, with the state before and after (审计记录)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # hash chain (domain/audit_chain.py): the previous entry's hash and this entry's own
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class OutboxEvent(Base):
    """An event waiting to be sent to the platform, written with the change (transactional outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "parked", "seq"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    application_no: Mapped[str] = mapped_column(String(30), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    parked: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncState(Base):
    """A named piece of sync state (cursors, ETags, last success), kept across restarts."""

    __tablename__ = "sync_state"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class CalendarYear(Base):
    """A year's holiday schedule received from the platform or imported by a supervisor."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(40), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)


# -- results handed over, posted and rated (出件、送达、好差评) -----------------------------------


class HandoverRecord(Base):
    """A result handed over at the window (统一窗口出件), with who collected it and what."""

    __tablename__ = "handovers"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    handed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    collector_role: Mapped[str] = mapped_column(String(20))  # applicant / agent / unit_contact
    collector_name: Mapped[str] = mapped_column(Text)
    collector_doc_type: Mapped[str] = mapped_column(String(40))
    collector_doc_number: Mapped[str] = mapped_column(String(40))
    collector_phone: Mapped[str] = mapped_column(String(40), default="")
    authorisation_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list[Any]] = mapped_column(JSON)  # [{"name": ..., "count": n}]
    note: Mapped[str] = mapped_column(Text, default="")
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    application: Mapped[Application] = relationship()
    clerk: Mapped[User] = relationship()


class PostalDelivery(Base):
    """A result sent by post or courier (邮寄送达): chosen, dispatched, delivered."""

    __tablename__ = "postal_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)  # chosen/dispatched/delivered/…
    recipient_name: Mapped[str] = mapped_column(Text)
    recipient_phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(Text)
    chosen_at: Mapped[datetime] = mapped_column(DateTime)
    courier: Mapped[str] = mapped_column(String(40), default="")
    tracking_no: Mapped[str] = mapped_column(String(40), default="")
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    dispatched_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    delivered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    signed_by: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    application: Mapped[Application] = relationship()


class Rating(Base):
    """The applicant's rating of one service (好差评, 一次一评), or why there is none."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), unique=True)
    rated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-5 stars; None: skipped
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item -> 1-5
    comment: Mapped[str] = mapped_column(Text, default="")
    skip_reason: Mapped[str] = mapped_column(String(20), default="")
    skip_note: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(20), default="screen")
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who served (rated)
    window: Mapped[str] = mapped_column(String(40), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    application: Mapped[Application] = relationship()


# -- bundles (一件事): one intake, several member applications ------------------------------------


class BundleDefinition(Base):
    """One version of a bundle (一件事) as the catalogue publishes it; `current` is offered."""

    __tablename__ = "bundle_definitions"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_bundle_code_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    syllables: Mapped[str] = mapped_column(Text, default="")


class BundleCase(Base):
    """A bundle taken in at this station (一件事申请实例): its own number, the members chosen,
    the combined limit; its status is derived from its member applications."""

    __tablename__ = "bundles"
    __table_args__ = (Index("ix_bundles_received", "received_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    bundle_code: Mapped[str] = mapped_column(String(40))
    bundle_version: Mapped[int] = mapped_column(Integer)
    bundle_name: Mapped[str] = mapped_column(String(200))
    station_code: Mapped[str] = mapped_column(String(12))
    window: Mapped[str] = mapped_column(String(40), default="")
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chosen: Mapped[list[Any]] = mapped_column(JSON, default=list)  # optional members ticked
    clerk_conditions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # line ids
    combined_limit_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    combined_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    received_on: Mapped[date] = mapped_column(Date)
    trips: Mapped[int] = mapped_column(Integer, default=0)  # the applicant's trips (跑动次数)
    notice_serial: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    applicant: Mapped[Applicant] = relationship()
    clerk: Mapped[User] = relationship()
    members: Mapped[list[Application]] = relationship(order_by="Application.id")
    materials: Mapped[list[BundleMaterial]] = relationship(
        back_populates="bundle", cascade="all, delete-orphan", order_by="BundleMaterial.position")


class BundleMaterial(Base):
    """One document of a bundle, collected once (共享材料); `uses` maps it to each member's row."""

    __tablename__ = "bundle_materials"
    __table_args__ = (UniqueConstraint("bundle_id", "line_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20))
    form_required: Mapped[str] = mapped_column(String(20))
    form_received: Mapped[str] = mapped_column(String(20), default="")
    copies_required: Mapped[int] = mapped_column(Integer)
    copies_received: Mapped[int] = mapped_column(Integer, default=0)
    promised_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    produced_by: Mapped[str] = mapped_column(String(40), default="")
    bundle: Mapped[BundleCase] = relationship(back_populates="materials")
    uses: Mapped[list[BundleMaterialUse]] = relationship(cascade="all, delete-orphan")


class BundleMaterialUse(Base):
    """That a bundle's document stands for one member application's material."""

    __tablename__ = "bundle_material_uses"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_material_id: Mapped[int] = mapped_column(ForeignKey("bundle_materials.id"), index=True)
    application_material_id: Mapped[int] = mapped_column(
        ForeignKey("application_materials.id"), unique=True)
    application_material: Mapped[ApplicationMaterial] = relationship()


class BundleDraft(Base):
    """A bundle intake in progress, saved as it is typed (一件事草稿)."""

    __tablename__ = "bundle_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    bundle_code: Mapped[str] = mapped_column(String(40))
    bundle_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FollowUp(Base):
    """The follow-up of a 差评 (差评回访整改): verify, rectify, feed back, closed with a note."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_open", "closed_at", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    due_on: Mapped[date] = mapped_column(Date)
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{step, note, at, by}]
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    close_note: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[Rating] = relationship()
    application: Mapped[Application] = relationship()


# -- village agent points (代办点): 代收, 材料交接单 ------------------------------------------------


class Collection(Base):
    """A case received by a village agent on the applicant's behalf (代收), with what was told
    missing at once (一次性告知) and what the applicant must attend in person."""

    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    point_code: Mapped[str] = mapped_column(String(12), index=True)
    point_name: Mapped[str] = mapped_column(Text, default="")
    agent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a user of the point
    agent_name: Mapped[str] = mapped_column(Text, default="")
    agent_phone: Mapped[str] = mapped_column(String(40), default="")
    collected_at: Mapped[datetime] = mapped_column(DateTime)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{material_id, name, state}]
    appearance: Mapped[list[Any]] = mapped_column(JSON, default=list)  # lines in words
    application: Mapped[Application] = relationship()


class HandoverBatch(Base):
    """A 材料交接单: cases carried together from a village point to the centre."""

    __tablename__ = "handover_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    station_code: Mapped[str] = mapped_column(String(12))  # the village point
    origin: Mapped[str] = mapped_column(String(10))  # local (made here) / imported (centre)
    agent_name: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    received_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    received_by: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[HandoverBatchItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan",
        order_by="HandoverBatchItem.position")


class HandoverBatchItem(Base):
    """One case on a hand-over slip; `received_at` once the centre checked it in."""

    __tablename__ = "handover_batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "application_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("handover_batches.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    batch: Mapped[HandoverBatch] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()


# -- material pages (材料页面, attachments) ------------------------------------------------------


class PageFile(Base):
    """One stored page file, content-addressed by the SHA-256 of its normalized bytes.

    The bytes live in `data_dir/pages/ab/cdef…` (sealed with the data key when there is one);
    `upload_offset`/`uploaded_at` say how much of them the platform has acknowledged."""

    __tablename__ = "pages"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int] = mapped_column(Integer, default=1)
    colour: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    upload_offset: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)


class MaterialPage(Base):
    """A page attached, in order, to one material of an application (or of a draft before
    confirmation; the confirmation moves it to the application)."""

    __tablename__ = "material_pages"
    __table_args__ = (
        Index("ix_material_pages_application", "application_id", "material_id", "position"),
        Index("ix_material_pages_draft", "draft_id", "material_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       nullable=True)
    draft_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    material_id: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("pages.sha256"), index=True)
    original_name: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[int] = mapped_column(Integer, default=0)


# applications.finished_at is recorded at flush time by a session event
from clerk_app.store import finished as _finished  # noqa: E402,F401
