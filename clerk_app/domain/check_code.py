"""查询码: the short check code printed beside the progress QR, computed offline from the
station's secret so that knowing or guessing an application number is not enough.

Algorithm (the platform computes the same): HMAC-SHA256 keyed with the station's progress
secret (32 random bytes issued at registration) over the application number in UTF-8; the
first 30 bits of the digest, big-endian, read as six symbols of a 32-symbol alphabet without
0, 1, I and O (nothing a person can mistake when typing from paper).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from urllib.parse import quote

CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHECK_CODE_LENGTH = 6
SECRET_BYTES = 32
_BITS_PER_SYMBOL = 5
_BLANKS = re.compile(r"[\s\-·.]")


def decode_secret(text: str) -> bytes:
    """The secret from its transport form (URL-safe base64, padding optional).

    Raises ValueError when it is not base64 or shorter than 16 bytes.
    """
    cleaned = text.strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("progress secret is not URL-safe base64") from exc
    if len(raw) < 16:
        raise ValueError("progress secret is too short")
    return raw


def encode_secret(secret: bytes) -> str:
    """The transport form of a secret: URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=")


def check_code(secret: bytes, application_no: str) -> str:
    """The 查询码 of an application number under a station's secret (6 symbols)."""
    digest = hmac.new(secret, application_no.encode("utf-8"), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:4], "big") >> (32 - CHECK_CODE_LENGTH * _BITS_PER_SYMBOL)
    symbols = []
    for _ in range(CHECK_CODE_LENGTH):
        symbols.append(CHECK_CODE_ALPHABET[bits & 0x1F])
        bits >>= _BITS_PER_SYMBOL
    return "".join(reversed(symbols))


def normalised_code(typed: str) -> str:
    """A code as a person typed it: upper case, blanks and dashes removed."""
    return _BLANKS.sub("", typed).upper()


def code_matches(secret: bytes, application_no: str, typed: str) -> bool:
    """True when `typed` is the number's code; compared in constant time."""
    expected = check_code(secret, application_no).encode("ascii")
    given = normalised_code(typed).encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def progress_link(base_url: str, application_no: str, code: str = "") -> str:
    """The address a notice's QR carries.

    ``{base}?n=NUMBER&c=CODE`` (``&n=`` when the base already has a query). A base ending in
    ``=`` or ``/`` (a centre's own progress site, e.g. ``…/q?no=`` or ``…/q/``) gets the
    number appended as before, then ``&c=CODE`` or ``?c=CODE``.
    """
    number = quote(application_no, safe="")
    if base_url.endswith(("=", "/")):
        link = base_url + number
        if code:
            link += ("&" if "?" in link else "?") + "c=" + quote(code, safe="")
        return link
    link = base_url + ("&" if "?" in base_url else "?") + "n=" + number
    if code:
        link += "&c=" + quote(code, safe="")
    return link


def grouped(code: str) -> str:
    """The code as printed for reading aloud: ``ABC 234``."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}" if len(code) > 3 else code
