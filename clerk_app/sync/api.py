"""The platform seam: what Clerk needs from a central platform, whatever its HTTP API.

`PlatformAdapter` is the one interface the sync pump talks to. `ClerkSyncV1Adapter`
(`clerk_app.sync.adapter`) implements it for the Clerk Sync API v1
(`resources/openapi/clerk-sync-v1.yaml`); a province with another API writes another adapter
that returns the same values and raises the same errors.

Every failure comes back as a `PlatformError` subclass carrying a Chinese message for the
clerk (`message`) and an English detail for the log (`detail`, never personal data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from clerk_app.i18n import _
from clerk_app.sync.progress_address import ProgressAddress

JsonObject = dict[str, Any]
"""A JSON object as decoded by `json.loads`."""


# --------------------------------------------------------------------------- errors


class PlatformError(Exception):
    """Base of every failure talking to the platform.

    Attributes:
        message: Chinese text for the clerk.
        detail: English text for the log (no personal data).
    """

    default_message = "与平台通信失败。"

    def __init__(self, detail: str = "", message: str | None = None) -> None:
        self.message = message or _(self.default_message)
        self.detail = detail
        super().__init__(detail or self.message)

    @property
    def transient(self) -> bool:
        """True when retrying later (with backoff) may succeed without anyone acting."""
        return True


class PlatformUnreachable(PlatformError):
    """No answer: connection refused or reset, DNS failure, timeout, answer cut off.

    For a push this means *unknown* whether the platform applied the batch; resending is
    safe because events are applied once by id.
    """

    default_message = "暂时连不上政务服务平台，数据已保存在本机，网络恢复后会自动上传。"


class CertificateProblem(PlatformUnreachable):
    """TLS handshake failed: wrong certificate, untrusted CA, or a captive portal."""

    default_message = "平台证书校验失败，可能连接到了错误的网络或证书已过期，请联系管理员。"


class PlatformBusy(PlatformError):
    """The platform asked us to come back later (HTTP 429 or 503)."""

    default_message = "政务服务平台繁忙或正在维护，稍后会自动重试。"

    def __init__(
        self, detail: str = "", message: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail, message)
        self.retry_after = retry_after


class TokenRevoked(PlatformError):
    """The platform revoked this station's token; the station must be registered again."""

    default_message = "本站点的接入凭证已被平台注销，请联系管理员重新注册站点。"

    @property
    def transient(self) -> bool:
        """Never: someone has to register the station again."""
        return False


class BadServerAnswer(PlatformError):
    """The answer is not what the API promises: HTML error page, broken JSON, wrong shape."""

    default_message = "平台返回的数据无法识别，稍后会自动重试；如一直出现请联系技术支持。"


class PlatformRejected(PlatformError):
    """The platform refused the request itself (4xx), with its own message.

    Attributes:
        status: the HTTP status code.
        code: the machine code from the error body (e.g. ``registration_key_invalid``).
    """

    default_message = "平台拒绝了本次请求。"

    def __init__(
        self, detail: str = "", message: str | None = None, status: int = 400, code: str = ""
    ) -> None:
        super().__init__(detail, message)
        self.status = status
        self.code = code

    @property
    def transient(self) -> bool:
        """Never: the same request will be refused again."""
        return False


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ServerTime:
    """The platform's clock as seen from here.

    `offset_seconds` is platform time minus local time at the middle of the round trip;
    a large absolute value means the station clock is wrong.
    """

    server_time: datetime
    offset_seconds: float
    round_trip_seconds: float


@dataclass(frozen=True)
class Registration:
    """A station registered with a one-time registration key (站点注册)."""

    station: str
    token: str
    centre: str
    name: str
    progress: ProgressAddress = ProgressAddress()
    """The progress page address and 查询码 secret (empty when the platform gave none)."""
    sync_file_key: str = ""
    """The platform's X25519 public key for sync files (URL-safe base64; empty: none given)."""


@dataclass(frozen=True)
class PushResult:
    """The platform's answer to one batch of outbox events.

    `applied_ids` and `duplicate_ids` are both acknowledged (sent); `rejected` maps an
    event id to the Chinese reason to park it with, `rejected_codes` to the machine code;
    `unanswered_ids` were sent but not mentioned in the answer (send them again).
    """

    applied_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    rejected_codes: dict[str, str] = field(default_factory=dict)
    unanswered_ids: list[str] = field(default_factory=list)

    @property
    def acknowledged_ids(self) -> list[str]:
        """Ids the platform holds now: applied plus duplicate."""
        return [*self.applied_ids, *self.duplicate_ids]


@dataclass(frozen=True)
class WithdrawnMatter:
    """A matter taken out of the catalogue (事项取消): not offered for new intake."""

    code: str
    version: int
    reason: str


@dataclass(frozen=True)
class CatalogueDelta:
    """Catalogue changes since a cursor (事项目录增量).

    When `not_modified` is true nothing changed: `matters` and `withdrawn` are empty and the
    cursor and ETag are the ones sent. When `full` is true, `matters` is the whole active
    catalogue and any matter not in it is no longer offered.
    """

    cursor: str
    etag: str | None
    not_modified: bool = False
    full: bool = False
    matters: list[JsonObject] = field(default_factory=list)
    withdrawn: list[WithdrawnMatter] = field(default_factory=list)
    issuer: str = ""
    published_at: datetime | None = None


@dataclass(frozen=True)
class StatusChange:
    """One back-office status change of an application (审批中, 已办结, 不予许可, 退件…).

    `seq` is the platform's sequence number; applying the same change twice is harmless.
    Known statuses: in_review, suspended, completed, denied, returned, cancelled; a newer
    platform may send others (always lower-case words).
    """

    seq: int
    application_no: str
    status: str
    note: str
    changed_at: datetime
    by: str
    accepted_on: date | None = None  # a village case: the centre's date of 受理
    due_date: date | None = None  # ... and the due date it set


@dataclass(frozen=True)
class StatusChangePage:
    """A page of status changes, the cursor after it, and whether more are waiting."""

    changes: list[StatusChange]
    cursor: str
    more: bool


@dataclass(frozen=True)
class CalendarDelta:
    """Calendar documents (format ``clerk-calendar/1``, one per year) changed since a cursor."""

    cursor: str
    years: list[JsonObject]


@dataclass(frozen=True)
class CentreApplication:
    """One line of the centre-wide daily log, as the platform knows it."""

    application_no: str
    station: str
    matter_code: str
    matter_version: int
    matter_name: str
    outcome: str
    status: str
    confirmed_at: datetime
    due_date: date | None
    clerk: str
    applicant_name: str
    applicant_id_masked: str


@dataclass(frozen=True)
class StationActivity:
    """When the platform last heard from a station of the centre."""

    station: str
    name: str
    newest_event_at: datetime | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class CentreDay:
    """Every station's applications of the centre for one day, for the supervisor."""

    day: date
    centre: str
    applications: list[CentreApplication]
    stations: list[StationActivity]


# --------------------------------------------------------------------------- the seam


class PlatformAdapter(Protocol):
    """What the sync pump needs from a central platform. Every method may raise `PlatformError`."""

    def server_time(self) -> ServerTime:
        """Read the platform clock (no registration needed)."""
        ...

    def register(self, registration_key: str, station: str, name: str = "") -> Registration:
        """Register this station with a one-time key; the adapter uses the new token from then on."""
        ...

    def push_events(self, events: Sequence[Mapping[str, Any]]) -> PushResult:
        """Send one batch of outbox events; each is applied, duplicate or rejected on its own."""
        ...

    def pull_catalogue(self, cursor: str | None, etag: str | None) -> CatalogueDelta:
        """Catalogue changes since `cursor`; `etag` from the last answer makes "unchanged" cheap."""
        ...

    def pull_status_changes(self, cursor: str | None, limit: int = 100) -> StatusChangePage:
        """Back-office status changes of this station's applications since `cursor`."""
        ...

    def pull_calendar(self, cursor: str | None) -> CalendarDelta:
        """Working-day calendar documents published since `cursor`."""
        ...

    def centre_applications(self, day: date) -> CentreDay:
        """The centre-wide log of `day` (all stations of this station's centre)."""
        ...

    def progress_address(self, etag: str | None) -> ProgressAddress:
        """The progress page address and 查询码 secret (304: `not_modified`)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
