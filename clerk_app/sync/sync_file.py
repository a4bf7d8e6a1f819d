"""The sync file (同步文件): outbox events and pages sealed to the platform's public key.

For a village point without network for days: the same events and page bytes the network
path sends, in one file that travels on a USB stick and can be relayed unopened by any
registered station. Hybrid encryption with `cryptography`: an ephemeral X25519 key agreed
with the platform's X25519 key, HKDF-SHA256 to a 256-bit key, AES-256-GCM over the whole
content with the header as associated data — so only the platform can read it and any
changed, truncated or appended byte makes the whole file fail to open.

Layout: MAGIC | ephemeral public key (32) | nonce (12) | AES-GCM(ciphertext + tag).
Plaintext: manifest length (4, big-endian) | manifest JSON | page bytes in manifest order.
The manifest carries the exporting station's token, so the platform knows whose file it is
whoever relays it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from clerk_app.i18n import _

MAGIC = b"CLERK-SYNC-FILE/1\n"
STATE_SYNC_FILE_KEY = "platform_sync_file_key"  # sync_state: the key given at registration
FORMAT = "clerk-sync-file/1"
_INFO = b"clerk-sync-file/1"
_HEADER = len(MAGIC) + 32 + 12


class SyncFileBroken(ValueError):
    """The file cannot be opened: not a sync file, truncated, altered, or for another platform."""


@dataclass(frozen=True)
class FilePage:
    """One page carried in a sync file."""

    sha256: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class SyncFileContent:
    """What a sync file carries."""

    station: str
    token: str
    created_at: str
    events: list[dict[str, Any]]
    pages: list[FilePage]


def public_key_text(key: X25519PublicKey) -> str:
    """The platform key as given at registration: raw 32 bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public_key(text: str) -> X25519PublicKey:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
        return X25519PublicKey.from_public_bytes(raw)
    except (ValueError, UnicodeEncodeError):
        raise ValueError(_("平台公钥格式不正确，请重新注册站点")) from None


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=_INFO).derive(shared)


def seal(content: SyncFileContent, platform_key: X25519PublicKey) -> bytes:
    """The file's bytes: content sealed so that only the platform's private key opens it."""
    manifest = json.dumps({
        "format": FORMAT, "station": content.station, "token": content.token,
        "created_at": content.created_at, "events": content.events,
        "pages": [{"sha256": p.sha256, "media_type": p.media_type, "size": len(p.data)}
                  for p in content.pages],
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    plaintext = b"".join([struct.pack(">I", len(manifest)), manifest,
                          *(p.data for p in content.pages)])
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    recipient_raw = platform_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _key(ephemeral.exchange(platform_key), ephemeral_raw, recipient_raw)
    nonce = os.urandom(12)
    header = MAGIC + ephemeral_raw + nonce
    return header + AESGCM(key).encrypt(nonce, plaintext, header)


def open_file(blob: bytes, private_key: X25519PrivateKey) -> SyncFileContent:
    """The content of a sync file; SyncFileBroken (nothing taken from it) when it does not open."""
    if len(blob) < _HEADER + 16 or not blob.startswith(MAGIC):
        raise SyncFileBroken(_("不是同步文件，或文件不完整"))
    ephemeral_raw = blob[len(MAGIC):len(MAGIC) + 32]
    nonce = blob[len(MAGIC) + 32:_HEADER]
    recipient_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        key = _key(shared, ephemeral_raw, recipient_raw)
        plaintext = AESGCM(key).decrypt(nonce, blob[_HEADER:], blob[:_HEADER])
    except (InvalidTag, ValueError):
        raise SyncFileBroken(_("同步文件已损坏、被截断或被改动，或不是发给本平台的，整个文件未采用")) \
            from None
    (length,) = struct.unpack(">I", plaintext[:4])
    try:
        manifest = json.loads(plaintext[4:4 + length].decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        pages: list[FilePage] = []
        at = 4 + length
        for item in manifest["pages"]:
            data = plaintext[at:at + int(item["size"])]
            at += int(item["size"])
            if hashlib.sha256(data).hexdigest() != item["sha256"]:
                raise ValueError("page hash")
            pages.append(FilePage(item["sha256"], str(item["media_type"]), data))
        if at != len(plaintext):
            raise ValueError("trailing bytes")
        return SyncFileContent(str(manifest["station"]), str(manifest["token"]),
                               str(manifest["created_at"]), list(manifest["events"]), pages)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise SyncFileBroken(_("同步文件内容不完整或格式不对，整个文件未采用")) from None
