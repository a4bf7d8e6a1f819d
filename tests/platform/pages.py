"""Material pages on the reference platform.

Which pages it holds (`POST /v1/pages/status`), resumable chunked upload with the SHA-256
checked when the last byte arrives (`PUT /v1/pages/{sha256}?offset=&size=&type=`), the
ordered page lists of each material from `attachments.changed` events, sync files relayed by
any station (`POST /v1/sync-files`), and the back office's view (`/admin/applications/{no}/
attachments`, `/admin/pages/{sha256}`). Chunks are rows in the platform database, so a
platform restart mid-file keeps every acknowledged byte.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from flask import Blueprint, Response, jsonify, request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clerk_app.sync.sync_file import SyncFileBroken, open_file, public_key_text
from tests.platform.models import (
    Application,
    AttachmentList,
    PageBlob,
    PageChunk,
    Setting,
    Station,
)
from tests.platform.store import PlatformProblem
from tests.platform.timefmt import now

if TYPE_CHECKING:
    from tests.platform.store import PlatformStore

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MEDIA_TYPES = ("image/jpeg", "application/pdf")
MAX_PAGE = 16 * 1024 * 1024
MAX_CHUNK = 1024 * 1024
MAX_SYNC_FILE = 256 * 1024 * 1024
MAX_STATUS = 500
EVENT_TYPE = "attachments.changed"
_KEY_SETTING = "sync_file_key"


def project_attachments(session: Session, raw: dict[str, Any], seq: int) -> None:
    """Keep a material's page list from the newest `attachments.changed` event (by seq)."""
    payload = raw.get("payload") or {}
    material_id = payload.get("material_id")
    pages = payload.get("pages")
    if not isinstance(material_id, str) or not isinstance(pages, list):
        return
    row = session.get(AttachmentList, (raw["application_no"], material_id))
    if row is None:
        row = AttachmentList(application_no=raw["application_no"], material_id=material_id,
                             seq=0, material_no=0, pages=[])
        session.add(row)
    if seq >= row.seq:
        row.seq = seq
        row.material_no = int(payload.get("material_no") or 0)
        row.material_name = str(payload.get("material_name") or "")
        row.pages = [p for p in pages if isinstance(p, dict) and SHA_RE.match(
            str(p.get("sha256", "")))]


class OffsetMismatch(Exception):
    """A chunk that does not start where the platform's copy ends."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


def _received(session: Session, sha256: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(func.length(PageChunk.data)), 0))
                              .where(PageChunk.sha256 == sha256)) or 0)


def status(store: PlatformStore, hashes: list[str]) -> list[dict[str, Any]]:
    """For each hash: how many bytes the platform holds and whether the page is whole."""
    with store._reading() as session:
        whole = set(session.scalars(select(PageBlob.sha256).where(PageBlob.sha256.in_(hashes))))
        answer = []
        for sha in hashes:
            if sha in whole:
                size = session.scalar(select(PageBlob.size).where(PageBlob.sha256 == sha))
                answer.append({"sha256": sha, "received": size, "complete": True})
            else:
                answer.append({"sha256": sha, "received": _received(session, sha),
                               "complete": False})
        return answer


def put_chunk(store: PlatformStore, station: str, sha256: str, offset: int, total: int,
              media_type: str, data: bytes) -> dict[str, Any]:
    """Append one chunk; on the last byte check the hash and keep the page whole."""
    mismatch = False
    with store._writing() as session:
        blob = session.get(PageBlob, sha256)
        if blob is not None:
            return {"sha256": sha256, "received": blob.size, "complete": True}
        stored_total = session.scalar(select(PageChunk.total).where(
            PageChunk.sha256 == sha256).limit(1))
        if stored_total is not None and stored_total != total:
            session.execute(delete(PageChunk).where(PageChunk.sha256 == sha256))
        received = _received(session, sha256)
        if offset != received:
            raise OffsetMismatch(received)
        if offset + len(data) > total:
            raise PlatformProblem(400, "chunk_too_long", "分片超出页面的声明大小。")
        session.add(PageChunk(sha256=sha256, offset=offset, data=data, total=total))
        received += len(data)
        if received < total:
            return {"sha256": sha256, "received": received, "complete": False}
        session.flush()
        whole = b"".join(session.scalars(select(PageChunk.data).where(
            PageChunk.sha256 == sha256).order_by(PageChunk.offset)))
        session.execute(delete(PageChunk).where(PageChunk.sha256 == sha256))
        if hashlib.sha256(whole).hexdigest() != sha256:
            mismatch = True
        else:
            session.add(PageBlob(sha256=sha256, size=len(whole), media_type=media_type,
                                 data=whole, station=station, stored_at=now()))
    if mismatch:
        raise PlatformProblem(422, "hash_mismatch", "页面内容与其 SHA-256 不符，已丢弃，请从头重传。")
    return {"sha256": sha256, "received": total, "complete": True}


def store_whole(session: Session, station: str, sha256: str, media_type: str,
                data: bytes) -> bool:
    """Keep a page that arrived whole (in a sync file); False when it was there already."""
    if session.get(PageBlob, sha256) is not None:
        return False
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PlatformProblem(422, "hash_mismatch", "页面内容与其 SHA-256 不符。")
    session.execute(delete(PageChunk).where(PageChunk.sha256 == sha256))
    session.add(PageBlob(sha256=sha256, size=len(data), media_type=media_type, data=data,
                         station=station, stored_at=now()))
    return True


def file_key(store: PlatformStore) -> X25519PrivateKey:
    """The platform's X25519 key for sync files (made on first use, kept in the settings)."""
    with store._writing() as session:
        row = session.get(Setting, _KEY_SETTING)
        if row is None:
            key = X25519PrivateKey.generate()
            raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            session.add(Setting(name=_KEY_SETTING, value=base64.b64encode(raw).decode()))
            return key
        return X25519PrivateKey.from_private_bytes(base64.b64decode(row.value))


def file_public_key(store: PlatformStore) -> str:
    """The public half, as given to stations at registration."""
    return public_key_text(file_key(store).public_key())


def apply_sync_file(store: PlatformStore, blob: bytes) -> dict[str, Any]:
    """Open a relayed sync file and apply it: events once by id, pages once by hash."""
    try:
        content = open_file(blob, file_key(store))
    except SyncFileBroken as exc:
        raise PlatformProblem(422, "sync_file_broken", str(exc)) from None
    origin = store.authenticate(content.token)
    if origin.code != content.station:
        raise PlatformProblem(422, "sync_file_broken", "同步文件的站点与其凭证不符，整个文件未采用。")
    results = store.apply_events(origin, content.events) if content.events else []
    stored = 0
    with store._writing() as session:
        for page in content.pages:
            stored += store_whole(session, origin.code, page.sha256, page.media_type, page.data)
    counts = {status: sum(1 for r in results if r["status"] == status)
              for status in ("applied", "duplicate", "rejected")}
    return {"station": origin.code, "events": counts, "results": results,
            "pages": {"stored": stored, "known": len(content.pages) - stored}}


def attachments(store: PlatformStore, number: str) -> list[dict[str, Any]]:
    """An application's pages, material by material, in order (received or not yet)."""
    with store._reading() as session:
        return attachment_items(session, number)


def attachment_items(session: Session, number: str) -> list[dict[str, Any]]:
    rows = list(session.scalars(select(AttachmentList).where(
        AttachmentList.application_no == number).order_by(AttachmentList.material_no)))
    listed = [page["sha256"] for row in rows for page in row.pages]
    held = set(session.scalars(select(PageBlob.sha256).where(PageBlob.sha256.in_(listed))))
    return [{"material": row.material_no, "material_id": row.material_id,
             "material_name": row.material_name, "page": i,
             "size": int(page.get("size", 0)), "sha256": page["sha256"],
             "media_type": str(page.get("media_type", "")),
             "received": page["sha256"] in held}
            for row in rows for i, page in enumerate(row.pages, start=1)]


def centre_may_see(session: Session, station: Station, number: str) -> bool:
    """The application is the station's own or another station's of the same centre
    (a village point's case, checked at the township centre)."""
    app = session.get(Application, number)
    return app is not None and (app.station == station.code or app.centre == station.centre)


def station_attachments(store: PlatformStore, station: Station,
                        number: str) -> list[dict[str, Any]] | None:
    """An application's page list for a station of its centre (None: not found or not its)."""
    with store._reading() as session:
        if not centre_may_see(session, station, number):
            return None
        return attachment_items(session, number)


def station_page(store: PlatformStore, station: Station, sha256: str) -> tuple[bytes, str] | None:
    """A whole page for a station of the centre of an application that lists it."""
    with store._reading() as session:
        numbers = [row.application_no for row in session.scalars(select(AttachmentList))
                   if any(p.get("sha256") == sha256 for p in row.pages)]
        if not any(centre_may_see(session, station, n) for n in numbers):
            return None
        blob = session.get(PageBlob, sha256)
        return None if blob is None else (blob.data, blob.media_type)


def page_bytes(store: PlatformStore, sha256: str) -> tuple[bytes, str] | None:
    with store._reading() as session:
        row = session.get(PageBlob, sha256)
        return None if row is None else (row.data, row.media_type)


def pages_blueprint(store: PlatformStore, admin_key: str,
                    station: Any) -> Blueprint:
    """The /v1/pages and /v1/sync-files routes and the back office's page routes.

    `station` is the server's function that authenticates the bearer token."""
    pages = Blueprint("pages", __name__)

    @pages.post("/v1/pages/status")
    def page_status() -> Response:
        station()
        body = request.get_json(silent=True)
        hashes = body.get("pages") if isinstance(body, dict) else None
        if (not isinstance(hashes, list) or len(hashes) > MAX_STATUS
                or not all(isinstance(h, str) and SHA_RE.match(h) for h in hashes)):
            raise PlatformProblem(400, "bad_request",
                                  f"请求体应为 {{\"pages\": [SHA-256…]}}，最多 {MAX_STATUS} 个。")
        return jsonify(pages=status(store, hashes))

    @pages.put("/v1/pages/<string(length=64):sha256>")  # never shadows /v1/pages/status
    def page_chunk(sha256: str) -> Response:
        row: Station = station()
        args = request.args
        if not SHA_RE.match(sha256):
            raise PlatformProblem(400, "bad_hash", "页面编号应为小写 SHA-256。")
        if not all(re.fullmatch(r"[0-9]{1,10}", args.get(name, ""), re.ASCII)
                   for name in ("offset", "size")):
            raise PlatformProblem(400, "bad_request", "缺少 offset 或 size。")
        offset, total = int(args["offset"]), int(args["size"])
        media_type = args.get("type", "")
        if media_type not in MEDIA_TYPES or not 0 < total <= MAX_PAGE:
            raise PlatformProblem(400, "bad_request", "页面类型或大小不正确。")
        data = request.get_data(cache=False)
        if not data or len(data) > MAX_CHUNK:
            raise PlatformProblem(400, "bad_chunk", f"分片应为 1 到 {MAX_CHUNK} 字节。")
        try:
            return jsonify(put_chunk(store, row.code, sha256, offset, total, media_type, data))
        except OffsetMismatch as exc:
            response = jsonify(error="offset_mismatch",
                               message="分片位置与平台已收到的字节数不一致。",
                               received=exc.received)
            response.status_code = 409
            return response

    @pages.get("/v1/applications/<number>/attachments")
    def application_attachments(number: str) -> Response:
        row: Station = station()
        if not re.fullmatch(r"[0-9A-Z]{10,64}", number):
            raise PlatformProblem(400, "bad_request", "办件编号格式不正确。")
        listed = station_attachments(store, row, number)
        if listed is None:
            raise PlatformProblem(404, "unknown_application", "平台上没有本中心的这个办件。")
        return jsonify(application_no=number, pages=listed)

    @pages.get("/v1/pages/<string(length=64):sha256>")
    def get_page(sha256: str) -> Response:
        row: Station = station()
        if not SHA_RE.match(sha256):
            raise PlatformProblem(400, "bad_hash", "页面编号应为小写 SHA-256。")
        found = station_page(store, row, sha256)
        if found is None:
            raise PlatformProblem(404, "unknown_page", "平台上没有本中心办件的这个页面（可能尚未上传完）。")
        return Response(found[0], mimetype=found[1])

    @pages.post("/v1/sync-files")
    def sync_file() -> Response:
        station()  # any registered station may relay a file
        request.max_content_length = MAX_SYNC_FILE  # the app-wide limit is for JSON bodies
        blob = request.get_data(cache=False)
        if len(blob) > MAX_SYNC_FILE:
            raise PlatformProblem(413, "too_large", "同步文件过大。")
        return jsonify(apply_sync_file(store, blob))

    def _guard() -> None:
        if request.headers.get("X-Admin-Key", "") != admin_key:
            raise PlatformProblem(401, "unauthorized", "管理密钥不正确。")

    @pages.get("/admin/applications/<number>/attachments")
    def admin_attachments(number: str) -> Response:
        _guard()
        return jsonify(application_no=number, pages=attachments(store, number))

    @pages.get("/admin/pages/<sha256>")
    def admin_page(sha256: str) -> Response:
        _guard()
        found = page_bytes(store, sha256) if SHA_RE.match(sha256) else None
        if found is None:
            raise PlatformProblem(404, "unknown_page", "平台没有这个页面。")
        return Response(found[0], mimetype=found[1])

    return pages
