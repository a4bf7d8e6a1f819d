"""The public progress page (办件进度查询) behind the QR code on every notice.

``GET /q`` shows a form (办件编号 + 查询码); ``GET /q?n=NUMBER&c=CODE`` shows the case. No
token, no JavaScript, no cookies. A wrong code, an unknown number and too many tries from one
client address all get the very same neutral page, so nobody can probe which numbers exist.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from flask import Blueprint, Response, render_template, request

from tests.platform.store import PlatformStore

DEFAULT_TRIES = 20
DEFAULT_WINDOW_S = 600.0
_MAX_FIELD = 64
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


class ClientLimiter:
    """At most `tries` lookups per client address in any `window_s` seconds (sliding)."""

    def __init__(self, tries: int = DEFAULT_TRIES, window_s: float = DEFAULT_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tries, self.window_s, self._clock = tries, window_s, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one try of `client`; False once it is over the limit."""
        moment = self._clock()
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle clients (memory bound)
                self._seen = {k: v for k, v in self._seen.items()
                              if v and moment - v[-1] < self.window_s}
            seen = self._seen.setdefault(client, deque())
            while seen and moment - seen[0] >= self.window_s:
                seen.popleft()
            if len(seen) >= self.tries:
                return False
            seen.append(moment)
            return True


def parse_limit(text: str) -> tuple[int, float]:
    """``TRIES/SECONDS`` (e.g. ``20/600``) from the command line."""
    tries, _, seconds = text.partition("/")
    return int(tries), float(seconds or DEFAULT_WINDOW_S)


def progress_blueprint(store: PlatformStore, limiter: ClientLimiter) -> Blueprint:
    """The /q routes."""
    page = Blueprint("progress", __name__, template_folder="templates")

    def answer(html: str) -> Response:
        response = Response(html, mimetype="text/html")
        response.headers.update(SECURITY_HEADERS)
        return response

    @page.get("/q")
    def progress() -> Response:
        number = "".join(request.args.get("n", "").split())
        code = request.args.get("c", "")
        if len(request.args.get("n", "")) > _MAX_FIELD or len(code) > _MAX_FIELD:
            response = answer(render_template("progress_form.html", number="", failed=True))
            response.status_code = 400
            return response
        if not number and not code:
            return answer(render_template("progress_form.html", number="", failed=False))
        allowed = limiter.allow(request.remote_addr or "")
        case = store.progress_case(number, code) if allowed and number and code else None
        if case is None:
            # One neutral page for a wrong code, an unknown number and too many tries.
            return answer(render_template("progress_form.html", number="", failed=True))
        return answer(render_template("progress.html", case=case))

    return page
