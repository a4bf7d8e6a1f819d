"""Back-office admin endpoints of the reference platform (``/admin/...``, header X-Admin-Key).

They let a test or a person play the back office: issue registration keys, revoke a
station, move an application through 审批中/已办结/不予许可/退件, publish or withdraw a
matter, publish a calendar year, switch maintenance mode. Not part of Clerk Sync API v1.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, jsonify, request

from tests.platform.store import PlatformProblem, PlatformStore


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise PlatformProblem(400, "bad_request", "请求体应为 JSON 对象。")
    return body


def admin_blueprint(store: PlatformStore, admin_key: str) -> Blueprint:
    """The /admin routes, guarded by the admin key."""
    admin = Blueprint("admin", __name__, url_prefix="/admin")

    @admin.before_request
    def _guard() -> None:
        given = request.headers.get("X-Admin-Key", "")
        if not admin_key or not hmac.compare_digest(given.encode(), admin_key.encode()):
            raise PlatformProblem(403, "forbidden", "管理密钥不正确。")

    @admin.post("/registration-keys")
    def issue_key() -> tuple[Response, int]:
        body = _body()
        station = str(body.get("station", ""))
        key = store.issue_registration_key(
            station, str(body.get("name", "")), str(body.get("centre", ""))
        )
        return jsonify(registration_key=key, station=station), 201

    @admin.post("/stations/<code>/revoke")
    def revoke(code: str) -> Response:
        return jsonify(revoked=store.revoke_station(code))

    @admin.get("/applications/<number>")
    def application(number: str) -> Response:
        found = store.application(number)
        if found is None:
            raise PlatformProblem(404, "unknown_application", "平台上没有这个办件。")
        return jsonify(found)

    @admin.post("/applications/<number>/status")
    def change_status(number: str) -> Response:
        body = _body()
        seq = store.change_status(
            number, str(body.get("status", "")), str(body.get("note", "")),
            str(body.get("by", "")),
        )
        return jsonify(seq=seq)

    @admin.post("/catalogue/matters")
    def publish_matter() -> Response:
        return jsonify(revision=store.publish_matter(_body()))

    @admin.post("/catalogue/matters/<code>/withdraw")
    def withdraw_matter(code: str) -> Response:
        return jsonify(revision=store.withdraw_matter(code, str(_body().get("reason", ""))))

    @admin.put("/calendar/<int:year>")
    def publish_calendar(year: int) -> Response:
        document = _body()
        if document.get("year") != year:
            raise PlatformProblem(400, "bad_calendar", "日历年份与地址不一致。")
        return jsonify(revision=store.publish_calendars([document]))

    @admin.put("/maintenance")
    def maintenance() -> Response:
        retry_after = _body().get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise PlatformProblem(400, "bad_request", "retry_after 应为非负整数或 null。")
        store.maintenance_retry_after = retry_after
        return jsonify(retry_after=retry_after)

    @admin.get("/stations/<code>/audit-trail")
    def audit_trail(code: str) -> Response:
        return jsonify(store.audit_trail(code))

    @admin.put("/progress-url")
    def progress_url() -> Response:
        url = _body().get("url")
        if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
            raise PlatformProblem(400, "bad_request", "url 应为 http(s) 地址或空字符串。")
        store.set_progress_url(url)
        return jsonify(url=url)

    @admin.put("/centres/<code>")
    def centre_contact(code: str) -> Response:
        body = _body()
        fields = ("name", "phone", "address", "hours")
        contact: dict[str, str] = {k: str(body[k]) for k in fields if k in body}
        store.set_centre_contact(code, contact)
        return jsonify(contact)

    @admin.get("/events")
    def events() -> Response:
        ids = store.event_ids(request.args.get("station") or None)
        return jsonify(count=len(ids), ids=ids)

    return admin
