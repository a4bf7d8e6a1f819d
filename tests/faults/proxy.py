"""A fault-injecting HTTP/1.1 TCP proxy on loopback: a bad 2G link and a misbehaving gateway.

`FaultProxy(upstream_host, upstream_port)` runs an asyncio server in a background thread.
Between the client and the upstream it adds latency per direction (a new connection pays
one extra round trip, like a TCP handshake), caps bandwidth per direction (one shared
token bucket per direction, like one modem), and injects per-request `Fault`s: connection
reset mid-request or mid-response, a canned 500/503 (with Retry-After) instead of
forwarding, a stall past the client's read timeout, a truncated or corrupted body, or the
request sent upstream twice. Faults come from a queue (`inject`), a standing fault
(`inject_always`) or a seeded random schedule (`random_faults`). `counters` tells what
crossed the link.

The proxy understands just enough HTTP/1.1 (Content-Length, chunked, close-delimited) to
find request and response boundaries on keep-alive connections; clients must not pipeline
(requests never does).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import urlsplit

PIECE = 1024  # bytes moved per step on a capped link
_HTML_ERROR = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


class FaultKind(StrEnum):
    """What a `Fault` does to one request."""

    RESET_REQUEST = "reset_request"  # forward `after_bytes` of the request, then RST both sides
    RESET_RESPONSE = "reset_response"  # deliver `after_bytes` of the response, then RST
    STATUS = "status"  # answer `status` (+Retry-After) without forwarding
    STALL = "stall"  # forward the request (unless stall_request), withhold the answer
    TRUNCATE = "truncate"  # deliver only `after_bytes` of the response body
    CORRUPT = "corrupt"  # flip `count` bytes of the response body from `offset`
    DUPLICATE = "duplicate"  # send the request upstream twice, deliver the first answer


@dataclass(frozen=True)
class Fault:
    """One injected fault; build with the class methods."""

    kind: FaultKind
    after_bytes: int = 0
    status: int = 503
    retry_after: int | None = None
    body: bytes | None = None
    content_type: str = "text/html"
    stall_seconds: float = 3600.0
    stall_request: bool = False
    cut_connection: bool = False
    offset: int = 0
    count: int = 8

    @classmethod
    def reset_request(cls, after_bytes: int = 0) -> Fault:
        """Reset the connection after `after_bytes` of the request reached the upstream."""
        return cls(FaultKind.RESET_REQUEST, after_bytes=after_bytes)

    @classmethod
    def reset_response(cls, after_bytes: int = 0) -> Fault:
        """Reset the connection after `after_bytes` of the response (head included)."""
        return cls(FaultKind.RESET_RESPONSE, after_bytes=after_bytes)

    @classmethod
    def reply(
        cls, status: int = 503, retry_after: int | None = None, body: bytes | None = None,
        content_type: str = "text/html",
    ) -> Fault:
        """Answer `status` instead of forwarding (default body: a gateway's HTML page)."""
        return cls(FaultKind.STATUS, status=status, retry_after=retry_after, body=body,
                   content_type=content_type)

    @classmethod
    def stall(cls, seconds: float = 3600.0, before_upstream: bool = False) -> Fault:
        """Hold the answer (or, `before_upstream`, the request) for `seconds`, then close."""
        return cls(FaultKind.STALL, stall_seconds=seconds, stall_request=before_upstream)

    @classmethod
    def truncate(cls, after_bytes: int, cut_connection: bool = False) -> Fault:
        """Keep `after_bytes` of the body. Content-Length is fixed to match, so the client
        gets a complete but broken document; `cut_connection` keeps the original length and
        closes early instead, so the client sees the connection break."""
        return cls(FaultKind.TRUNCATE, after_bytes=after_bytes, cut_connection=cut_connection)

    @classmethod
    def corrupt(cls, offset: int = 0, count: int = 8) -> Fault:
        """XOR 0xFF into `count` body bytes starting at `offset`."""
        return cls(FaultKind.CORRUPT, offset=offset, count=count)

    @classmethod
    def duplicate(cls) -> Fault:
        """Send the request upstream twice; the client sees only the first answer."""
        return cls(FaultKind.DUPLICATE)


@dataclass
class ProxyCounters:
    """What crossed the proxy (bytes as seen on the client side)."""

    bytes_up: int = 0
    bytes_down: int = 0
    connections: int = 0
    requests: int = 0
    upstream_requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)


class RandomFaults:
    """A reproducible fault schedule: each request gets one of `faults` with `probability`."""

    def __init__(self, seed: int, probability: float, faults: Sequence[Fault]) -> None:
        if not 0 <= probability <= 1 or not faults:
            raise ValueError("need 0 <= probability <= 1 and at least one fault")
        self._rng = random.Random(seed)
        self.probability = probability
        self.faults = list(faults)

    def next(self) -> Fault | None:
        """The fault for the next request, or None."""
        if self._rng.random() >= self.probability:
            return None
        return self._rng.choice(self.faults)


class _Link:
    """One direction of the link: a token bucket of `bits_per_second` with a small burst."""

    def __init__(self, bits_per_second: float, burst_bytes: int = 256) -> None:
        if bits_per_second <= 0:
            raise ValueError("bandwidth must be positive")
        self.rate = bits_per_second / 8.0
        self.burst = burst_bytes
        self._free_at = 0.0

    async def transmit(self, size: int) -> None:
        loop = asyncio.get_running_loop()
        current = loop.time()
        start = max(current - self.burst / self.rate, self._free_at)
        self._free_at = start + size / self.rate
        if self._free_at > current:
            await asyncio.sleep(self._free_at - current)


@dataclass
class _Message:
    head: bytes
    body: bytes  # as on the wire (chunk framing included when chunked)
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    bodyless: bool = False

    @property
    def chunked(self) -> bool:
        return "chunked" in self.headers.get("transfer-encoding", "").lower()

    @property
    def closes(self) -> bool:
        """True when the connection ends with this answer (asked, or body until close)."""
        delimited = self.bodyless or self.chunked or "content-length" in self.headers
        return self.headers.get("connection", "").lower() == "close" or not delimited


class _Closed(Exception):
    """The peer closed the connection before a complete message."""


class _NoAnswer(_Closed):
    """The upstream closed a kept-alive connection without a byte of answer."""


def _parse_head(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


async def _read_head(reader: asyncio.StreamReader) -> bytes | None:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise _Closed from exc
        return None


async def _read_body(
    reader: asyncio.StreamReader, headers: dict[str, str], until_close: bool
) -> bytes:
    """The body as on the wire: Content-Length, chunked, or (responses) until close."""
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size_line = await reader.readuntil(b"\r\n")
                parts.append(size_line)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers, then the empty line
                        line = await reader.readuntil(b"\r\n")
                        parts.append(line)
                        if line == b"\r\n":
                            return b"".join(parts)
                parts.append(await reader.readexactly(size + 2))
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
    except asyncio.IncompleteReadError as exc:
        raise _Closed from exc
    return await reader.read() if until_close else b""


def _dechunk(raw: bytes) -> bytes:
    out: list[bytes] = []
    position = 0
    while True:
        end = raw.index(b"\r\n", position)
        size = int(raw[position:end].split(b";")[0] or b"0", 16)
        if size == 0:
            return b"".join(out)
        out.append(raw[end + 2:end + 2 + size])
        position = end + 2 + size + 2


def _with_length(head: bytes, length: int, close: bool = False) -> bytes:
    """The head re-framed for a body of `length` bytes (and `Connection: close` if asked)."""
    dropped = {"content-length", "transfer-encoding"} | ({"connection"} if close else set())
    lines = head.decode("latin-1").split("\r\n")[:-2]
    kept = [line for line in lines if line.split(":")[0].strip().lower() not in dropped]
    kept.append(f"Content-Length: {length}")
    if close:
        kept.append("Connection: close")  # so the client does not reuse what we close
    return ("\r\n".join(kept) + "\r\n\r\n").encode("latin-1")


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a dropped link or a crashed box does."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()


class FaultProxy:
    """The proxy; settings may be changed from any thread while it runs."""

    def __init__(self, upstream_host: str, upstream_port: int, listen_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.listen_host = listen_host
        self.latency_up = 0.0
        """Seconds added to each request on its way to the upstream."""
        self.latency_down = 0.0
        """Seconds added to each response on its way back."""
        self.handshake_rtt = True
        """A new connection's first request also waits one round trip (TCP handshake)."""
        self.offline = False
        """When true, connections are reset at once (use `go_offline` to cut open ones too)."""
        self._links: dict[str, _Link | None] = {"up": None, "down": None}
        self._lock = threading.Lock()
        self._queued: deque[Fault] = deque()
        self._always: Fault | None = None
        self._schedule: RandomFaults | None = None
        self._counters = ProxyCounters()
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------------ control

    def start(self) -> int:
        """Listen on a free port of `listen_host`; returns the port."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._serve, self.listen_host, 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self.port

    def stop(self) -> None:
        """Close the listener and every connection; stop the thread."""
        loop = self._loop
        if loop is None or self._thread is None:
            return

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            self._reset_all()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://host:port`` of the proxy."""
        return f"http://{self.listen_host}:{self.port}"

    def set_latency(self, up: float, down: float | None = None) -> None:
        """One-way delays in seconds (down defaults to up): RTT grows by up + down."""
        self.latency_up, self.latency_down = up, up if down is None else down

    def set_bandwidth(self, up_bps: float | None, down_bps: float | None = None) -> None:
        """Cap each direction in bits per second (None: uncapped; down defaults to up)."""
        down_bps = up_bps if down_bps is None else down_bps
        self._links = {"up": _Link(up_bps) if up_bps else None,
                       "down": _Link(down_bps) if down_bps else None}

    def go_offline(self) -> None:
        """Reset every open connection and refuse new ones until `offline` is cleared."""
        self.offline = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._reset_all)

    def _reset_all(self) -> None:
        for writer in list(self._writers):
            _reset(writer)

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Apply `fault` to the next `times` requests (before any standing fault)."""
        with self._lock:
            self._queued.extend([fault] * times)

    def inject_always(self, fault: Fault | None) -> None:
        """Apply `fault` to every request (None to stop)."""
        with self._lock:
            self._always = fault

    def random_faults(self, seed: int, probability: float, faults: Sequence[Fault]) -> None:
        """Use a seeded random schedule for requests without a queued or standing fault."""
        with self._lock:
            self._schedule = RandomFaults(seed, probability, faults)

    def clear_faults(self) -> None:
        """No more faults: empty the queue, drop the standing fault and the schedule."""
        with self._lock:
            self._queued.clear()
            self._always = self._schedule = None

    @property
    def counters(self) -> ProxyCounters:
        """A snapshot of the counters."""
        with self._lock:
            return replace(self._counters, faults=Counter(self._counters.faults))

    def reset_counters(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._counters = ProxyCounters()

    def _count(self, **amounts: int) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self._counters, name, getattr(self._counters, name) + amount)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if self._queued:
                fault: Fault | None = self._queued.popleft()
            elif self._always is not None:
                fault = self._always
            else:
                fault = self._schedule.next() if self._schedule else None
            if fault is not None:
                self._counters.faults[fault.kind.value] += 1
            return fault

    # ------------------------------------------------------------------ relay

    async def _send(self, writer: asyncio.StreamWriter, data: bytes, direction: str) -> None:
        """Write through the capped link of `direction`, counting client-side bytes."""
        link = self._links[direction]
        step = PIECE if link else max(len(data), 1)
        for start in range(0, len(data), step):
            piece = data[start:start + step]
            if link:
                await link.transmit(len(piece))
            if direction == "down":  # counted before the peer can see it, never after
                self._count(bytes_down=len(piece))
            writer.write(piece)
            await writer.drain()

    async def _serve(self, client_reader: asyncio.StreamReader,
                     client: asyncio.StreamWriter) -> None:
        self._count(connections=1)
        if self.offline:
            _reset(client)
            return
        self._writers.add(client)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        first = True
        try:
            while True:
                head = await _read_head(client_reader)
                if head is None:
                    break
                request_line, headers = _parse_head(head)
                body = await _read_body(client_reader, headers, until_close=False)
                request = head + body
                self._count(bytes_up=len(request), requests=1)
                fault = self._next_fault()
                delay = self.latency_up
                if first and self.handshake_rtt:
                    delay += self.latency_up + self.latency_down
                first = False
                await asyncio.sleep(delay)
                await self._pace_up(len(request))
                keep_open, upstream = await self._exchange(
                    client_reader, client, upstream, request, request_line, fault
                )
                if not keep_open or headers.get("connection", "").lower() == "close":
                    break
        except (_Closed, ConnectionError, OSError, asyncio.IncompleteReadError):
            _reset(client)
        except asyncio.CancelledError:
            _reset(client)  # proxy stopping; end quietly (the stream callback dislikes raising)
        finally:
            self._writers.discard(client)
            if upstream is not None:
                self._writers.discard(upstream[1])
                _close(upstream[1])
            _close(client)

    async def _pace_up(self, size: int) -> None:
        """Hold a request for the time the capped uplink needs to carry it."""
        link = self._links["up"]
        for start in range(0, size, PIECE):
            if link:
                await link.transmit(min(PIECE, size - start))

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(*self.upstream)
        self._writers.add(writer)
        return reader, writer

    async def _round_trip(
        self, upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        request: bytes, method: str,
    ) -> tuple[_Message, tuple[asyncio.StreamReader, asyncio.StreamWriter] | None]:
        """Send a request upstream and read its answer (once more on a fresh connection when
        a kept-alive one turns out closed). Returns the answer and the connection to reuse."""
        for attempt in range(2):
            fresh = upstream is None
            if upstream is None:
                upstream = await self._connect()
            reader, writer = upstream
            try:
                writer.write(request)
                await writer.drain()
                self._count(upstream_requests=1)
                answer = await self._read_answer(reader, method)
            except (_NoAnswer, ConnectionError) as exc:
                self._writers.discard(writer)
                _close(writer)
                upstream = None
                if fresh or attempt:
                    raise _Closed from exc
                continue
            if answer.closes:
                self._writers.discard(writer)
                _close(writer)
                upstream = None
            return answer, upstream
        raise _Closed

    async def _read_answer(self, reader: asyncio.StreamReader, method: str) -> _Message:
        prefix = b""
        while True:
            head = await _read_head(reader)
            if head is None:
                if prefix:
                    raise _Closed
                raise _NoAnswer
            status_line, headers = _parse_head(head)
            status = int(status_line.split()[1])
            if 100 <= status < 200:
                prefix += head  # interim answer: pass it on with the final one
                continue
            no_body = method == "HEAD" or status in (204, 304)
            body = b"" if no_body else await _read_body(reader, headers, until_close=True)
            return _Message(prefix + head, body, status, headers, no_body)

    async def _exchange(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter,
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        request: bytes, request_line: str, fault: Fault | None,
    ) -> tuple[bool, tuple[asyncio.StreamReader, asyncio.StreamWriter] | None]:
        """Carry one request and its answer, applying `fault`; returns (keep open, upstream)."""
        method = request_line.split(" ", 1)[0]
        kind = fault.kind if fault else None
        if fault is not None and kind is FaultKind.STATUS:
            await self._reply(client, fault)
            return False, upstream
        if fault is not None and kind is FaultKind.STALL and fault.stall_request:
            await self._stall(client_reader, fault.stall_seconds)
            return False, upstream
        if fault is not None and kind is FaultKind.RESET_REQUEST:
            if upstream is None:
                upstream = await self._connect()
            upstream[1].write(request[:fault.after_bytes])
            await upstream[1].drain()
            await asyncio.sleep(0.05)  # let the partial request reach the upstream
            _reset(upstream[1])
            _reset(client)
            return False, None
        answer, upstream = await self._round_trip(upstream, request, method)
        if kind is FaultKind.DUPLICATE:
            _, upstream = await self._round_trip(upstream, request, method)
        await asyncio.sleep(self.latency_down)
        if fault is not None and kind is FaultKind.STALL:
            await self._stall(client_reader, fault.stall_seconds)
            return False, upstream
        if fault is not None and kind is FaultKind.RESET_RESPONSE:
            await self._send(client, (answer.head + answer.body)[:fault.after_bytes], "down")
            await asyncio.sleep(0.05)
            _reset(client)
            return False, upstream
        if fault is not None and kind in (FaultKind.TRUNCATE, FaultKind.CORRUPT):
            body = _dechunk(answer.body) if answer.chunked else answer.body
            if kind is FaultKind.TRUNCATE:
                kept = body[:fault.after_bytes]
                head = answer.head if fault.cut_connection and not answer.chunked \
                    else _with_length(answer.head, len(kept), close=True)
                await self._send(client, head + kept, "down")
                return False, upstream
            damaged = bytearray(body)
            for index in range(fault.offset, min(len(damaged), fault.offset + fault.count)):
                damaged[index] ^= 0xFF
            answer = replace(answer, head=_with_length(answer.head, len(damaged)),
                             body=bytes(damaged))
        await self._send(client, answer.head + answer.body, "down")
        return not answer.closes, upstream

    async def _reply(self, client: asyncio.StreamWriter, fault: Fault) -> None:
        reason = _REASONS.get(fault.status, "Error")
        body = fault.body if fault.body is not None else \
            _HTML_ERROR.format(code=fault.status, reason=reason).encode()
        lines = [f"HTTP/1.1 {fault.status} {reason}", "Server: nginx",
                 f"Content-Type: {fault.content_type}", f"Content-Length: {len(body)}",
                 "Connection: close"]
        if fault.retry_after is not None:
            lines.append(f"Retry-After: {fault.retry_after}")
        await asyncio.sleep(self.latency_down)
        await self._send(client, ("\r\n".join(lines) + "\r\n\r\n").encode() + body, "down")

    async def _stall(self, client_reader: asyncio.StreamReader, seconds: float) -> None:
        """Wait `seconds` or until the client gives up and closes."""
        with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
            await asyncio.wait_for(client_reader.read(), seconds)


def proxy_for(url: str) -> FaultProxy:
    """A started proxy in front of ``http://host:port`` (convenience for fixtures)."""
    parts = urlsplit(url)
    proxy = FaultProxy(parts.hostname or "127.0.0.1", parts.port or 80)
    proxy.start()
    return proxy
