"""The reference platform's HTTP API: Clerk Sync API v1 (Flask), plus seeding and serving.

See `resources/openapi/clerk-sync-v1.yaml` for the contract and `README.md` here for how to
run it. Every error answer is JSON ``{"error": code, "message": Chinese text}``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from tests.platform import pages
from tests.platform.admin import admin_blueprint
from tests.platform.models import Station
from tests.platform.progress import ClientLimiter, progress_blueprint
from tests.platform.store import PlatformProblem, PlatformStore
from tests.platform.timefmt import iso, now

log = logging.getLogger("clerk_platform")

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CATALOGUE = REPO / "resources" / "catalogue" / "sample_catalogue.json"
CALENDAR_DIR = REPO / "resources" / "calendar"
MAX_BODY = 16 * 1024 * 1024  # decompressed request body limit (guards against gzip bombs)
MAX_BATCH = 1000
GZIP_MIN_BYTES = 256
QUERY_PARAMETERS: dict[str, set[str]] = {
    "/v1/time": set(), "/v1/stations/register": set(), "/v1/events": set(),
    "/v1/events/held": set(),
    "/v1/progress-address": set(), "/v1/catalogue": {"since"},
    "/v1/status-changes": {"since", "limit"}, "/v1/calendar": {"since"},
    "/v1/centre/applications": {"date"},
}
"""The query parameters each described route takes; any other is answered 400."""
_HTTP_CODES = {
    400: ("bad_request", "请求格式不正确。"),
    404: ("not_found", "接口不存在。"),
    405: ("method_not_allowed", "接口不支持该请求方法。"),
    413: ("too_large", "请求内容过大。"),
}


def problem(status: int, code: str, message: str) -> Response:
    """A JSON error answer."""
    response = jsonify(error=code, message=message)
    response.status_code = status
    return response


def json_body() -> Any:
    """The request's JSON body, gunzipped when Content-Encoding says gzip."""
    raw = request.get_data(cache=False)
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            raw = inflater.decompress(raw, MAX_BODY + 1)
        except zlib.error:
            raise PlatformProblem(400, "bad_encoding", "请求体 gzip 压缩数据损坏。") from None
        if len(raw) > MAX_BODY or inflater.unconsumed_tail:
            raise PlatformProblem(413, "too_large", "请求内容过大。")
    elif encoding != "identity":
        raise PlatformProblem(415, "unsupported_encoding", "不支持的请求体编码。")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PlatformProblem(400, "bad_json", "请求体不是合法的 JSON。") from None


def _cursor(name: str = "since") -> int:
    value = request.args.get(name, "0")
    if not re.fullmatch(r"[0-9]{1,18}", value, re.ASCII):
        raise PlatformProblem(400, "bad_cursor", "游标格式不正确。")
    return int(value)


def create_app(
    store: PlatformStore, admin_key: str, *, public_url: str = "",
    progress_limiter: ClientLimiter | None = None,
) -> Flask:
    """The Flask application of the reference platform.

    `public_url` is the progress page address told to stations (default: this server's
    ``/q``; the back office may set another); `progress_limiter` bounds lookups per client.
    """
    app = Flask("clerk_platform")
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024  # compressed
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(admin_blueprint(store, admin_key))
    app.register_blueprint(progress_blueprint(store, progress_limiter or ClientLimiter()))

    def progress_address(station_code: str) -> dict[str, str]:
        url = store.progress_url() or public_url or request.url_root.rstrip("/") + "/q"
        return {"url": url, "secret": store.progress_secret(station_code)}

    def station() -> Station:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            raise PlatformProblem(401, "unauthorized", "缺少站点凭证，请先注册站点。")
        return store.authenticate(header[7:].strip())

    @app.before_request
    def _maintenance() -> Response | None:
        retry_after = store.maintenance_retry_after
        if retry_after is not None and request.path.startswith("/v1/"):
            response = problem(503, "maintenance", "平台正在维护，请稍后再试。")
            response.headers["Retry-After"] = str(retry_after)
            return response
        return None

    @app.before_request
    def _known_query_only() -> None:
        rule = request.url_rule.rule if request.url_rule is not None else ""
        known = QUERY_PARAMETERS.get(rule)
        if known is not None and not set(request.args) <= known:
            raise PlatformProblem(400, "bad_request", "请求含有接口不支持的参数。")

    @app.errorhandler(PlatformProblem)
    def _platform_problem(exc: PlatformProblem) -> Response:
        response = problem(exc.status, exc.code, exc.message)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="clerk-sync"'
        return response

    @app.errorhandler(HTTPException)
    def _http_problem(exc: HTTPException) -> Response:
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status, ("http_error", "请求无法处理。"))
        response = problem(status, code, message)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal", "平台内部错误。")

    @app.after_request
    def _compress(response: Response) -> Response:
        accepts = request.headers.get("Accept-Encoding", "").lower()
        if (
            response.status_code == 200
            and response.mimetype == "application/json"
            and "gzip" in accepts
            and not response.direct_passthrough
            and "Content-Encoding" not in response.headers
        ):
            data = response.get_data()
            if len(data) >= GZIP_MIN_BYTES:
                response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
                response.headers["Content-Encoding"] = "gzip"
                response.headers["Vary"] = "Accept-Encoding"
        return response

    app.register_blueprint(pages.pages_blueprint(store, admin_key, station))

    @app.get("/v1/time")
    def server_time() -> Response:
        moment = now()
        return jsonify(server_time=iso(moment), epoch_ms=int(moment.timestamp() * 1000))

    @app.post("/v1/stations/register")
    def register() -> tuple[Response, int]:
        body = json_body()
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) for k in ("registration_key", "station")
        ):
            raise PlatformProblem(400, "bad_request", "注册请求缺少注册码或站点编码。")
        name = body.get("name") if isinstance(body.get("name"), str) else ""
        token, row = store.register(body["registration_key"], body["station"], name or "")
        log.info("station %s registered", row.code)
        return jsonify(station=row.code, token=token, centre=row.centre, name=row.name,
                       progress=progress_address(row.code),
                       sync_file_key=pages.file_public_key(store)), 201

    @app.get("/v1/progress-address")
    def progress_address_now() -> Response:
        address = progress_address(station().code)
        response = jsonify(address)
        tag = "progress-" + hashlib.sha256(
            json.dumps(address, sort_keys=True).encode("utf-8")).hexdigest()[:16]
        if request.if_none_match.contains_weak(tag):
            response = Response(status=304)
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.post("/v1/events")
    def push_events() -> Response:
        g.station = station()
        body = json_body()
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            raise PlatformProblem(400, "bad_request", "请求体应为 {\"events\": [...]}。")
        if len(body["events"]) > MAX_BATCH:
            raise PlatformProblem(413, "batch_too_large", f"一批最多 {MAX_BATCH} 条记录。")
        results = store.apply_events(g.station, body["events"])
        return jsonify(results=results, server_time=iso(now()))

    @app.post("/v1/events/held")
    def held_events() -> Response:
        code = station().code
        body = json_body()
        ids = body.get("events") if isinstance(body, dict) else None
        if (not isinstance(ids, list) or len(ids) > MAX_BATCH
                or not all(isinstance(i, str) and 0 < len(i) <= 36 for i in ids)):
            raise PlatformProblem(400, "bad_request",
                                  f"请求体应为 {{\"events\": [记录编号…]}}，最多 {MAX_BATCH} 个。")
        return jsonify(held=store.held_events(code, ids))

    @app.get("/v1/catalogue")
    def catalogue() -> Response:
        station()
        since = _cursor()
        current = store.catalogue_revision()
        tag = f"catalogue-r{current}"
        if since == current and request.if_none_match.contains_weak(tag):
            response = Response(status=304)
        else:
            delta = store.catalogue_delta(since)
            tag = f"catalogue-r{delta['cursor']}"
            response = jsonify(delta)
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/v1/status-changes")
    def status_changes() -> Response:
        code = station().code
        limit = request.args.get("limit", "100")
        if not re.fullmatch(r"[0-9]{1,3}", limit, re.ASCII) or not 1 <= int(limit) <= 500:
            raise PlatformProblem(400, "bad_limit", "limit 应为 1 到 500 之间的整数。")
        return jsonify(store.status_changes(code, _cursor(), int(limit)))

    @app.get("/v1/calendar")
    def calendar() -> Response:
        station()
        return jsonify(store.calendar_delta(_cursor()))

    @app.get("/v1/village/batches")
    def village_pending() -> Response:
        return jsonify(batches=store.village_pending(station()))

    @app.get("/v1/village/batches/<number>")
    def village_batch(number: str) -> Response:
        row = station()
        if not re.fullmatch(r"[0-9A-Z]{10,64}", number):
            raise PlatformProblem(400, "bad_batch_number", "交接单编号格式不正确。")
        found = store.village_batch(row, number)
        if found is None:
            raise PlatformProblem(404, "unknown_batch", "平台上没有本中心的这张交接单（代办点可能尚未同步）。")
        return jsonify(found)

    @app.get("/v1/centre/applications")
    def centre_applications() -> Response:
        row = station()
        day = request.args.get("date", "")
        try:
            valid = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)) and bool(date.fromisoformat(day))
        except ValueError:
            valid = False
        if not valid:
            raise PlatformProblem(400, "bad_date", "日期格式应为 YYYY-MM-DD。")
        return jsonify(store.centre_day(row, day))

    return app


def seed(store: PlatformStore, catalogue: Path | None, calendar_dir: Path | None) -> None:
    """Fill an empty store: catalogue from `catalogue` (else the bundled sample, if present),
    calendars from `calendar_dir` (``cn-*.json``, else the bundled ones). A store that has
    them already is left alone, so a restart keeps every change made since."""
    source = catalogue or (SAMPLE_CATALOGUE if SAMPLE_CATALOGUE.exists() else None)
    if source is not None and store.seed_catalogue(json.loads(source.read_text("utf-8"))):
        log.info("catalogue seeded from %s", source)
    folder = calendar_dir or CALENDAR_DIR
    if store.calendar_empty() and folder.is_dir():
        documents: list[dict[str, Any]] = []
        for path in sorted(folder.glob("cn-*.json")):
            loaded = json.loads(path.read_text("utf-8"))
            documents.extend(loaded if isinstance(loaded, list) else [loaded])
        if documents:
            store.publish_calendars(documents)
            log.info("calendar seeded with %d years from %s", len(documents), folder)


def serve(
    app: Flask, host: str, port: int, threads: int = 4,
    ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serve with waitress until interrupted; `ready(host, port)` once listening."""
    from waitress import create_server

    server = create_server(app, host=host, port=port, threads=threads, ident="clerk-platform")
    effective_port = int(getattr(server, "effective_port", port))
    if ready is not None:
        ready(host, effective_port)
    try:
        server.run()
    finally:
        server.close()
