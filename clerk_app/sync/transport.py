"""Transport rules for the platform: no plain HTTP beyond loopback, optional SPKI SHA-256 pinning.

A pin is the base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (as HPKP and
`openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
base64` write it; "sha256/" before it and the hex form are accepted too). With pins set, a
TLS connection whose certificate carries none of them is closed right after the handshake,
before a byte of the request is sent; the CA check still applies as well.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import ssl
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from clerk_app.i18n import _
from clerk_app.sync.api import PlatformError


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost (tests and a platform on this very machine)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def address_problem(url: str) -> str:
    """What is wrong with a platform address, in Chinese ("" when usable or empty)."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("平台地址应以 https:// 开头，例如 https://zwfw.example.gov.cn")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return _("平台地址不能使用不加密的 http://（只允许本机测试地址），请改用 https:// 开头的地址，"
                 "否则办件数据和站点凭证会以明文在网络上传输")
    return ""


def parse_pins(text: str) -> frozenset[str]:
    """Pins typed as text (comma, space or line separated) in canonical base64; ValueError
    with a Chinese message for one that is not a SHA-256."""
    pins = set()
    for raw in text.replace(",", " ").replace("，", " ").split():
        item = raw.removeprefix("sha256/").removeprefix("SHA256/").strip()
        digest: bytes | None = None
        if len(item) == 64 and all(c in "0123456789abcdefABCDEF:" for c in item):
            digest = bytes.fromhex(item)
        else:
            try:
                digest = base64.b64decode(item, validate=True)
            except (binascii.Error, ValueError):
                digest = None
        if digest is None or len(digest) != 32:
            raise ValueError(_("证书公钥指纹「{pin}」不是 SHA-256（应为 44 位 base64 或 64 位十六进制）")
                             .format(pin=raw))
        pins.add(base64.b64encode(digest).decode("ascii"))
    return frozenset(pins)


def spki_pin(der_certificate: bytes) -> str:
    """The base64 SHA-256 of a certificate's SubjectPublicKeyInfo."""
    spki = x509.load_der_x509_certificate(der_certificate).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


class PinMismatch(ssl.SSLError):
    """The server's public key is none of the pinned ones."""


class _PinnedConnection(HTTPSConnection):
    pins: frozenset[str] = frozenset()

    def connect(self) -> None:
        super().connect()
        sock: Any = self.sock
        der = sock.getpeercert(binary_form=True) if sock is not None else None
        if not der or spki_pin(der) not in self.pins:
            self.close()
            raise PinMismatch("server public key does not match the pinned SPKI SHA-256")


class PinnedAdapter(HTTPAdapter):
    """A requests transport adapter whose HTTPS connections check the SPKI pins."""

    def __init__(self, pins: Iterable[str], **kwargs: Any) -> None:
        self.pins = frozenset(pins)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        connection = type("PinnedConnection", (_PinnedConnection,), {"pins": self.pins})
        pool = type("PinnedPool", (HTTPSConnectionPool,), {"ConnectionCls": connection})
        self.poolmanager.pool_classes_by_scheme = {"http": HTTPConnectionPool, "https": pool}
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


def pin_failure(exc: BaseException) -> bool:
    """Whether a requests/urllib3 error was caused by a pin mismatch (looked for through
    causes, `reason` attributes and arguments)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        if isinstance(item, PinMismatch):
            return True
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return False


def pins_of(config: Any) -> frozenset[str]:
    """The pins in the machine settings; settings that do not parse pin to nothing that can
    match (fail closed: no request is sent until an administrator fixes them)."""
    try:
        return parse_pins(getattr(config, "platform_pins", "") or "")
    except ValueError:
        return frozenset({"invalid-pin-setting"})


class InsecureAddress(PlatformError):
    """The platform address is plain HTTP to another machine: nothing is sent."""

    default_message = "平台地址不能使用不加密的 http://，请在「平台连接设置」中改用 https:// 地址。"

    @property
    def transient(self) -> bool:
        return False
