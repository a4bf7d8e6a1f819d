"""`ClerkSyncV1Adapter`: the Clerk Sync API v1 over HTTP(S) with `requests`.

Every call has a connect and a read timeout, TLS verification stays on (an extra CA bundle
may be given), request bodies of event batches are gzip-compressed, and every answer is
checked for its shape before a value is taken from it. Failures become the typed
`PlatformError`s of `clerk_app.sync.api`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from clerk_app.i18n import _
from clerk_app.sync import http_shapes as shapes
from clerk_app.sync.api import (
    BadServerAnswer,
    CalendarDelta,
    CatalogueDelta,
    CentreApplication,
    CentreDay,
    CertificateProblem,
    PlatformAdapter,
    PlatformBusy,
    PlatformRejected,
    PlatformUnreachable,
    PushResult,
    Registration,
    ServerTime,
    StationActivity,
    StatusChange,
    StatusChangePage,
    TokenRevoked,
    WithdrawnMatter,
)
from clerk_app.sync.backoff import parse_retry_after
from clerk_app.sync.http_batching import encode_batch, encode_json
from clerk_app.sync.progress_address import ProgressAddress
from clerk_app.sync.transport import InsecureAddress, PinnedAdapter, address_problem, pin_failure

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: Any


def _parse_time(value: Any, what: str) -> datetime:
    """An aware datetime from an ISO 8601 string, else BadServerAnswer."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadServerAnswer(f"{what} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise BadServerAnswer(f"{what} has no UTC offset")
    return parsed


def _parse_optional_time(value: Any, what: str) -> datetime | None:
    return None if value is None else _parse_time(value, what)


def _parse_day(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadServerAnswer(f"{what} is not an ISO date") from None


class ClerkSyncV1Adapter:
    """The Clerk Sync API v1 client (implements `PlatformAdapter`).

    Args:
        base_url: the platform's root, e.g. ``https://sync.example.gov.cn``.
        token: the station's bearer token, None before registration.
        connect_timeout: seconds to wait for a connection.
        read_timeout: seconds to wait for each piece of an answer.
        ca_bundle: extra CA certificates (PEM file) to trust, e.g. a provincial root CA.
        session: a `requests.Session` to use (tests); one is made otherwise.
        user_agent: sent as User-Agent.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        ca_bundle: str | Path | None = None,
        session: requests.Session | None = None,
        user_agent: str = "Clerk/0.1",
        pins: Iterable[str] = (),
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"platform URL must be http(s)://host[:port]: {base_url!r}")
        # plain HTTP only to loopback: every request to another address is refused in words
        self._refusal = address_problem(base_url)
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeouts = (connect_timeout, read_timeout)
        self._session = session or requests.Session()
        # Passed with every request too: a session-level setting alone loses to the
        # REQUESTS_CA_BUNDLE environment variable (psf/requests#4726, #3829).
        self._verify: bool | str = str(ca_bundle) if ca_bundle is not None else True
        self._session.verify = self._verify
        if pins:  # SPKI SHA-256 pinning, checked right after each TLS handshake
            self._session.mount("https://", PinnedAdapter(pins))
        self._session.headers["User-Agent"] = user_agent
        self._session.headers["Accept"] = "application/json"

    # ------------------------------------------------------------------ transport

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        gzipped: bool = False,
        headers: Mapping[str, str] | None = None,
        authorised: bool = True,
        ok: tuple[int, ...] = (200,),
        raw: bool = False,
    ) -> _Answer:
        """One HTTP exchange; returns the decoded JSON answer (`raw`: the bytes) or raises a
        PlatformError."""
        if self._refusal:
            raise InsecureAddress(f"{method} {path}: plain HTTP to a non-loopback host",
                                  self._refusal)
        sent_headers = dict(headers or {})
        if authorised:
            if not self.token:
                raise PlatformRejected(
                    "no station token", _("本站点尚未在平台注册，请先注册站点。"), 401, "unauthorized"
                )
            sent_headers["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            sent_headers.setdefault("Content-Type", "application/json; charset=utf-8")
            if gzipped:
                sent_headers["Content-Encoding"] = "gzip"
        started = time.monotonic()
        try:
            response = self._session.request(
                method, self.base_url + path, params=params, data=body,
                headers=sent_headers, timeout=self.timeouts, verify=self._verify,
            )
            content = response.content  # may raise while reading the body
        except requests.exceptions.SSLError as exc:
            if pin_failure(exc):
                raise CertificateProblem(f"{method} {path}: SPKI pin mismatch", _(
                    "平台证书的公钥指纹与「平台连接设置」中的不符：可能连接到了冒充的平台，"
                    "已停止发送。请联系管理员核实平台证书。")) from exc
            raise CertificateProblem(f"{method} {path}: TLS failure ({type(exc).__name__})") from exc
        except requests.exceptions.Timeout as exc:
            raise PlatformUnreachable(f"{method} {path}: timed out ({type(exc).__name__})") from exc
        except requests.exceptions.ContentDecodingError as exc:
            raise BadServerAnswer(f"{method} {path}: undecodable content encoding") from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise PlatformUnreachable(
                f"{method} {path}: connection failed or broke ({type(exc).__name__})"
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise BadServerAnswer(f"{method} {path}: unusable answer ({type(exc).__name__})") from exc
        log.debug(
            "%s %s -> %d in %.2f s (%d bytes)",
            method, path, response.status_code, time.monotonic() - started, len(content),
        )
        status = response.status_code
        if status in ok:
            if status == 304:
                return _Answer(status, response.headers, None)
            if raw:
                return _Answer(status, response.headers, content)
            return _Answer(status, response.headers, self._decode(response, content, path))
        raise self._error_for(response, content, method, path)

    @staticmethod
    def _decode(response: requests.Response, content: bytes, path: str) -> Any:
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise BadServerAnswer(f"{path}: answer is {content_type or 'untyped'}, not JSON")
        try:
            return json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadServerAnswer(f"{path}: answer is not valid UTF-8 JSON") from exc

    def _error_for(
        self, response: requests.Response, content: bytes, method: str, path: str
    ) -> Exception:
        status = response.status_code
        code, message = "", None
        try:
            body = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        if body is not None and shapes.shape_problem(shapes.ERROR, body) is None:
            code, message = body["error"], body["message"]
        detail = f"{method} {path}: HTTP {status}" + (f" {code}" if code else "")
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
            return PlatformBusy(detail, None, retry_after)
        if status == 401 and code == "token_revoked":
            return TokenRevoked(detail)
        if status in (502, 504):
            return PlatformUnreachable(detail + " (gateway)")
        if 400 <= status < 500:
            return PlatformRejected(detail, message, status, code or f"http_{status}")
        return BadServerAnswer(detail + ("" if code else " (no API error body)"))

    @staticmethod
    def _checked(answer: _Answer, schema: dict[str, Any], path: str) -> Any:
        problem = shapes.shape_problem(schema, answer.body)
        if problem:
            raise BadServerAnswer(f"{path}: unexpected answer shape at {problem}")
        return answer.body

    # ------------------------------------------------------------------ API

    def server_time(self) -> ServerTime:
        """Read the platform clock; `offset_seconds` is platform minus local time."""
        sent = time.time()
        answer = self._request("GET", "/v1/time", authorised=False)
        received = time.time()
        body = self._checked(answer, shapes.SERVER_TIME, "/v1/time")
        server = _parse_time(body["server_time"], "server_time")
        if "epoch_ms" in body:  # millisecond precision when the platform gives it
            server = datetime.fromtimestamp(body["epoch_ms"] / 1000, server.tzinfo)
        midpoint = (sent + received) / 2
        return ServerTime(server, server.timestamp() - midpoint, received - sent)

    def register(self, registration_key: str, station: str, name: str = "") -> Registration:
        """Register with a one-time key from the platform admin; keeps the new token."""
        payload = {"registration_key": registration_key, "station": station, "name": name}
        answer = self._request(
            "POST", "/v1/stations/register", body=encode_json(payload), authorised=False,
            ok=(200, 201),
        )
        body = self._checked(answer, shapes.REGISTRATION, "/v1/stations/register")
        if body["station"] != station:
            raise BadServerAnswer("registration answered for another station")
        self.token = body["token"]
        progress = body.get("progress") or {}
        return Registration(
            body["station"], body["token"], body["centre"], body.get("name", ""),
            progress=ProgressAddress(progress.get("url", ""), progress.get("secret", "")),
            sync_file_key=str(body.get("sync_file_key") or ""),
        )

    def push_events(self, events: Sequence[Mapping[str, Any]]) -> PushResult:
        """Send one batch (gzip); ids the answer does not mention come back as unanswered."""
        if not events:
            return PushResult()
        answer = self._request("POST", "/v1/events", body=encode_batch(events), gzipped=True)
        body = self._checked(answer, shapes.PUSH_RESULT, "/v1/events")
        sent_ids = [str(event.get("id")) for event in events]
        known = set(sent_ids)
        applied: list[str] = []
        duplicate: list[str] = []
        rejected: dict[str, str] = {}
        codes: dict[str, str] = {}
        answered: set[str] = set()
        for item in body["results"]:
            event_id = item["id"]
            if event_id is None:
                continue  # an item without a usable id: its event stays unanswered
            if event_id not in known:
                raise BadServerAnswer("/v1/events: answer names an event that was not sent")
            if event_id in answered:
                continue  # the same id twice in one batch: the first answer counts
            answered.add(event_id)
            if item["status"] == "applied":
                applied.append(event_id)
            elif item["status"] == "duplicate":
                duplicate.append(event_id)
            else:
                codes[event_id] = item.get("reason", "rejected")
                rejected[event_id] = item.get("message") or _("平台拒收了这条记录。")
        unanswered = [event_id for event_id in dict.fromkeys(sent_ids) if event_id not in answered]
        if rejected or unanswered:
            log.info(
                "push: %d applied, %d duplicate, %d rejected (%s), %d unanswered",
                len(applied), len(duplicate), len(rejected),
                ",".join(sorted(set(codes.values()))), len(unanswered),
            )
        return PushResult(applied, duplicate, rejected, codes, unanswered)

    def pull_catalogue(self, cursor: str | None, etag: str | None) -> CatalogueDelta:
        """Catalogue changes since `cursor`; 304 (unchanged) comes back as `not_modified`."""
        params = {"since": cursor} if cursor else None
        headers = {"If-None-Match": etag} if etag else None
        answer = self._request(
            "GET", "/v1/catalogue", params=params, headers=headers, ok=(200, 304)
        )
        if answer.status == 304:
            return CatalogueDelta(cursor=cursor or "0", etag=etag, not_modified=True)
        body = self._checked(answer, shapes.CATALOGUE_DELTA, "/v1/catalogue")
        withdrawn = [
            WithdrawnMatter(item["code"], item["version"], item["reason"])
            for item in body["withdrawn"]
        ]
        return CatalogueDelta(
            cursor=body["cursor"],
            etag=answer.headers.get("ETag"),
            full=body["full"],
            matters=list(body["matters"]),
            withdrawn=withdrawn,
            issuer=body.get("issuer", ""),
            published_at=_parse_optional_time(body.get("published_at"), "published_at"),
        )

    def pull_status_changes(self, cursor: str | None, limit: int = 100) -> StatusChangePage:
        """Status changes of this station's applications after `cursor`, oldest first."""
        params = {"limit": str(limit)}
        if cursor:
            params["since"] = cursor
        answer = self._request("GET", "/v1/status-changes", params=params)
        body = self._checked(answer, shapes.STATUS_CHANGES, "/v1/status-changes")
        changes = [
            StatusChange(
                seq=item["seq"],
                application_no=item["application_no"],
                status=item["status"],
                note=item.get("note", ""),
                changed_at=_parse_time(item["changed_at"], "changed_at"),
                by=item.get("by", ""),
                accepted_on=None if item.get("accepted_on") is None
                else _parse_day(item["accepted_on"], "accepted_on"),
                due_date=None if item.get("due_date") is None
                else _parse_day(item["due_date"], "due_date"),
            )
            for item in body["changes"]
        ]
        seqs = [change.seq for change in changes]
        if seqs != sorted(set(seqs)):
            raise BadServerAnswer("/v1/status-changes: sequence numbers out of order")
        return StatusChangePage(changes, body["cursor"], body["more"])

    def pull_calendar(self, cursor: str | None) -> CalendarDelta:
        """Calendar documents (``clerk-calendar/1``) published after `cursor`."""
        params = {"since": cursor} if cursor else None
        answer = self._request("GET", "/v1/calendar", params=params)
        body = self._checked(answer, shapes.CALENDAR, "/v1/calendar")
        return CalendarDelta(body["cursor"], list(body["years"]))

    def village_batch(self, number: str) -> dict[str, Any]:
        """A village point's 材料交接单 with its cases (for a station of the same centre);
        the shape is checked by `services.village.centre`."""
        path = f"/v1/village/batches/{number}"
        answer = self._request("GET", path)
        if not isinstance(answer.body, dict):
            raise BadServerAnswer(f"{path}: answer is not a JSON object")
        return answer.body

    def village_pending(self) -> list[dict[str, Any]]:
        """The centre's 材料交接单 with a case not checked in yet (在途)."""
        path = "/v1/village/batches"
        answer = self._request("GET", path)
        body = answer.body
        if not isinstance(body, dict) or not isinstance(body.get("batches"), list):
            raise BadServerAnswer(f"{path}: answer has no batches list")
        return [item for item in body["batches"] if isinstance(item, dict)]

    def centre_applications(self, day: date) -> CentreDay:
        """Every application of this station's centre confirmed on `day`."""
        answer = self._request(
            "GET", "/v1/centre/applications", params={"date": day.isoformat()}
        )
        body = self._checked(answer, shapes.CENTRE_DAY, "/v1/centre/applications")
        applications = [
            CentreApplication(
                application_no=item["application_no"],
                station=item["station"],
                matter_code=item["matter_code"],
                matter_version=item["matter_version"],
                matter_name=item.get("matter_name", ""),
                outcome=item["outcome"],
                status=item["status"],
                confirmed_at=_parse_time(item["confirmed_at"], "confirmed_at"),
                due_date=None if item.get("due_date") is None
                else _parse_day(item["due_date"], "due_date"),
                clerk=item.get("clerk", ""),
                applicant_name=item.get("applicant_name", ""),
                applicant_id_masked=item.get("applicant_id_masked", ""),
            )
            for item in body["applications"]
        ]
        stations = [
            StationActivity(
                station=item["station"],
                name=item.get("name", ""),
                newest_event_at=_parse_optional_time(item.get("newest_event_at"), "newest_event_at"),
                last_seen_at=_parse_optional_time(item.get("last_seen_at"), "last_seen_at"),
            )
            for item in body["stations"]
        ]
        return CentreDay(
            _parse_day(body["date"], "date"), body["centre"], applications, stations
        )

    def progress_address(self, etag: str | None) -> ProgressAddress:
        """The progress page address and 查询码 secret; 304 comes back as `not_modified`."""
        headers = {"If-None-Match": etag} if etag else None
        answer = self._request("GET", "/v1/progress-address", headers=headers, ok=(200, 304))
        if answer.status == 304:
            return ProgressAddress(etag=etag, not_modified=True)
        body = self._checked(answer, shapes.PROGRESS_ADDRESS, "/v1/progress-address")
        return ProgressAddress(body["url"], body["secret"], answer.headers.get("ETag"))

    # -- material pages and sync files (clerk_app/sync/page_upload.py, sync_file.py) ------

    def page_status(self, hashes: Sequence[str]) -> dict[str, tuple[int, bool]]:
        """For each page hash: bytes the platform holds and whether it holds the page whole."""
        from clerk_app.sync.page_upload import PAGE_STATUS_SHAPE

        answer = self._request("POST", "/v1/pages/status",
                               body=encode_json({"pages": list(hashes)}))
        body = self._checked(answer, PAGE_STATUS_SHAPE, "/v1/pages/status")
        return {item["sha256"]: (item["received"], item["complete"]) for item in body["pages"]}

    def application_attachments(self, number: str) -> list[dict[str, Any]]:
        """The page list of an application of this station's centre (a village point's case)."""
        from clerk_app.sync.page_upload import ATTACHMENTS_SHAPE

        path = f"/v1/applications/{number}/attachments"
        body = self._checked(self._request("GET", path), ATTACHMENTS_SHAPE, path)
        return list(body["pages"])

    def get_page(self, sha256: str) -> bytes:
        """A whole page of an application of this station's centre, its SHA-256 checked."""
        path = f"/v1/pages/{sha256}"
        data = self._request("GET", path, raw=True).body
        if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha256:
            raise BadServerAnswer(f"{path}: the bytes do not hash to the page's SHA-256")
        return data

    def put_page_chunk(self, sha256: str, offset: int, size: int, media_type: str,
                       chunk: bytes) -> tuple[int, bool]:
        """Send bytes [offset, offset+len) of a page; (bytes now held, page whole)."""
        from clerk_app.sync.page_upload import PAGE_CHUNK_SHAPE, PageOffsetMismatch

        path = f"/v1/pages/{sha256}"
        answer = self._request(
            "PUT", path, params={"offset": str(offset), "size": str(size), "type": media_type},
            body=chunk, headers={"Content-Type": "application/octet-stream"}, ok=(200, 409))
        if answer.status == 409:
            received = answer.body.get("received") if isinstance(answer.body, dict) else None
            if not isinstance(received, int) or received < 0:
                raise BadServerAnswer(f"{path}: 409 without the bytes received")
            raise PageOffsetMismatch(received)
        body = self._checked(answer, PAGE_CHUNK_SHAPE, path)
        return body["received"], body["complete"]

    def held_events(self, ids: Sequence[str]) -> list[str]:
        """Which of these events of this station the platform already holds."""
        answer = self._request("POST", "/v1/events/held", body=encode_json({"events": list(ids)}))
        body = self._checked(answer, shapes.HELD_EVENTS, "/v1/events/held")
        asked = set(ids)
        if not set(body["held"]) <= asked:
            raise BadServerAnswer("/v1/events/held: answer names an event that was not asked")
        return list(body["held"])

    def upload_sync_file(self, blob: bytes) -> dict[str, Any]:
        """Relay a sealed sync file (this station need not be the one that wrote it)."""
        answer = self._request("POST", "/v1/sync-files", body=blob,
                               headers={"Content-Type": "application/octet-stream"})
        if not isinstance(answer.body, dict):
            raise BadServerAnswer("/v1/sync-files: answer is not an object")
        return dict(answer.body)

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def __enter__(self) -> ClerkSyncV1Adapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


if TYPE_CHECKING:  # mypy proves the adapter implements the seam
    _IMPLEMENTS: type[PlatformAdapter] = ClerkSyncV1Adapter
