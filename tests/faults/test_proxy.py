"""The fault proxy does what each mode says, measured through `requests` against a real server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.faults.proxy import Fault, FaultKind, FaultProxy, RandomFaults

PATTERN = bytes(range(32, 127))


class _Upstream(BaseHTTPRequestHandler):
    """GET /bytes/N: N bytes; GET /chunked: a chunked answer; POST: counts complete requests."""

    protocol_version = "HTTP/1.1"
    server: _UpstreamServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def _answer(self, body: bytes, content_type: str = "application/octet-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/bytes/"):
            size = int(self.path.rsplit("/", 1)[1])
            self._answer((PATTERN * (size // len(PATTERN) + 1))[:size])
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.posts.append(len(body))
            count = len(self.server.posts)
        self._answer(json.dumps({"posts": count, "received": len(body)}).encode(),
                     "application/json")


class _UpstreamServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Upstream)
        self.posts: list[int] = []
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        """Connections the proxy resets on purpose are no news."""


@pytest.fixture(scope="module")
def upstream() -> Iterator[_UpstreamServer]:
    server = _UpstreamServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream: _UpstreamServer) -> Iterator[FaultProxy]:
    with upstream.lock:
        upstream.posts.clear()
    with FaultProxy("127.0.0.1", upstream.server_address[1]) as running:
        yield running


def _posts(upstream: _UpstreamServer) -> int:
    time.sleep(0.1)  # let the upstream's handler thread finish
    with upstream.lock:
        return len(upstream.posts)


def test_passes_traffic_through_and_counts_it(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        first = session.get(proxy.url + "/bytes/5000", timeout=5)
        second = session.get(proxy.url + "/chunked", timeout=5)
    assert first.content == (PATTERN * 60)[:5000]
    assert second.content == b"hello chunked world"
    counters = proxy.counters
    assert counters.connections == 1  # keep-alive survives both framings
    assert counters.requests == counters.upstream_requests == 2
    assert 5000 < counters.bytes_down < 5600
    assert 50 < counters.bytes_up < 600


def test_latency_is_added_each_way_and_a_new_connection_pays_a_handshake(
    proxy: FaultProxy,
) -> None:
    proxy.set_latency(0.2)  # 400 ms RTT
    with requests.Session() as session:
        started = time.monotonic()
        session.get(proxy.url + "/bytes/10", timeout=5)
        first = time.monotonic() - started
        started = time.monotonic()
        session.get(proxy.url + "/bytes/10", timeout=5)
        second = time.monotonic() - started
    # Lower bounds are the point; upper bounds are loose because CI machines are shared.
    assert 0.8 <= first < 2.0  # handshake RTT + request RTT
    assert 0.4 <= second < 1.2 and second < first - 0.25


def test_bandwidth_cap_is_measured_in_each_direction(proxy: FaultProxy) -> None:
    proxy.set_bandwidth(64_000)  # 8000 bytes/s each way
    with requests.Session() as session:
        started = time.monotonic()
        answer = session.get(proxy.url + "/bytes/8000", timeout=10)
        down = time.monotonic() - started
        started = time.monotonic()
        session.post(proxy.url + "/upload", data=b"u" * 8000, timeout=10)
        up = time.monotonic() - started
    assert len(answer.content) == 8000
    assert 0.9 <= down < 3.0  # 8000 bytes at 8000 bytes/s, less a 256-byte burst
    assert 0.9 <= up < 3.0


def test_reset_mid_request_is_a_connection_error_and_the_server_gets_nothing(
    proxy: FaultProxy, upstream: _UpstreamServer
) -> None:
    proxy.inject(Fault.reset_request(after_bytes=120))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/upload", data=b"x" * 5000, timeout=5)
    assert _posts(upstream) == 0
    assert requests.post(proxy.url + "/upload", data=b"ok", timeout=5).json()["posts"] == 1


def test_reset_mid_response_loses_the_answer_but_the_server_handled_it(
    proxy: FaultProxy, upstream: _UpstreamServer
) -> None:
    proxy.inject(Fault.reset_response(after_bytes=20))
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + "/upload", data=b"x" * 100, timeout=5)
    assert _posts(upstream) == 1


def test_reply_503_with_retry_after_and_an_html_500_without_forwarding(
    proxy: FaultProxy, upstream: _UpstreamServer
) -> None:
    proxy.inject(Fault.reply(503, retry_after=30))
    proxy.inject(Fault.reply(500))
    busy = requests.post(proxy.url + "/upload", data=b"x", timeout=5)
    broken = requests.post(proxy.url + "/upload", data=b"x", timeout=5)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
    assert broken.status_code == 500 and broken.headers["Content-Type"] == "text/html"
    assert b"<html>" in broken.content
    assert _posts(upstream) == 0
    assert proxy.counters.faults == {"status": 2}


def test_stall_outlasts_the_read_timeout_after_or_before_the_server_got_it(
    proxy: FaultProxy, upstream: _UpstreamServer
) -> None:
    proxy.inject(Fault.stall())
    with pytest.raises(requests.ReadTimeout):
        requests.post(proxy.url + "/upload", data=b"x", timeout=(2, 0.5))
    assert _posts(upstream) == 1  # the lost acknowledgement
    proxy.inject(Fault.stall(before_upstream=True))
    with pytest.raises(requests.ReadTimeout):
        requests.post(proxy.url + "/upload", data=b"x", timeout=(2, 0.5))
    assert _posts(upstream) == 1


def test_truncate_fixes_the_length_or_cuts_the_connection(proxy: FaultProxy) -> None:
    proxy.inject(Fault.truncate(after_bytes=100))
    short = requests.get(proxy.url + "/bytes/1000", timeout=5)
    assert short.status_code == 200 and short.content == PATTERN[:95] + PATTERN[:5]
    proxy.inject(Fault.truncate(after_bytes=100, cut_connection=True))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(proxy.url + "/bytes/1000", timeout=5)


def test_corrupt_flips_exactly_the_chosen_body_bytes(proxy: FaultProxy) -> None:
    proxy.inject(Fault.corrupt(offset=10, count=4))
    damaged = requests.get(proxy.url + "/bytes/50", timeout=5).content
    original = (PATTERN * 2)[:50]
    differing = [i for i in range(50) if damaged[i] != original[i]]
    assert differing == [10, 11, 12, 13]
    assert all(damaged[i] == original[i] ^ 0xFF for i in differing)
    proxy.inject(Fault.corrupt(offset=0, count=1))
    assert requests.get(proxy.url + "/chunked", timeout=5).content == b"\x97ello chunked world"


def test_duplicate_sends_the_request_twice_and_shows_the_first_answer(
    proxy: FaultProxy, upstream: _UpstreamServer
) -> None:
    proxy.inject(Fault.duplicate())
    answer = requests.post(proxy.url + "/upload", data=b"x" * 10, timeout=5).json()
    assert answer == {"posts": 1, "received": 10}
    assert _posts(upstream) == 2
    counters = proxy.counters
    assert (counters.requests, counters.upstream_requests) == (1, 2)


def test_offline_resets_open_and_new_connections_until_back_online(proxy: FaultProxy) -> None:
    with requests.Session() as session:
        session.get(proxy.url + "/bytes/10", timeout=5)
        proxy.go_offline()
        time.sleep(0.1)
        with pytest.raises(requests.ConnectionError):
            session.get(proxy.url + "/bytes/10", timeout=5)
        proxy.offline = False
        assert session.get(proxy.url + "/bytes/10", timeout=5).content == PATTERN[:10]


def test_random_schedule_is_reproducible_from_its_seed(proxy: FaultProxy) -> None:
    faults = [Fault.reply(503, retry_after=1), Fault.reply(500), Fault.duplicate()]
    first = RandomFaults(7, 0.5, faults)
    second = RandomFaults(7, 0.5, faults)
    sequence = [first.next() for _ in range(200)]
    assert sequence == [second.next() for _ in range(200)]
    hit = sum(fault is not None for fault in sequence)
    assert 70 <= hit <= 130
    assert {f.kind for f in sequence if f} == {FaultKind.STATUS, FaultKind.DUPLICATE}
    assert sequence != [RandomFaults(8, 0.5, faults).next() for _ in range(200)]

    def outcomes(seed: int) -> list[int]:
        proxy.random_faults(seed, 0.5, faults[:2])
        return [requests.get(proxy.url + "/bytes/1", timeout=5).status_code for _ in range(12)]

    run = outcomes(11)
    assert run == outcomes(11)
    assert set(run) == {200, 500, 503}
