"""The progress page address (进度查询地址) and 查询码 secret the platform gives this station.

Told at registration and again by ``GET /v1/progress-address`` (with ETag, so an unchanged
address costs a 304) on every exchange; kept in sync_state so notices printed offline carry
the QR and the code. The centre setting `qr_base_url` overrides the address (not the secret).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from clerk_app.domain.check_code import decode_secret

log = logging.getLogger(__name__)

STATE_PROGRESS_URL = "progress_url"
"""The progress page address the platform gave ("" or absent: none)."""
STATE_PROGRESS_SECRET = "progress_secret"
"""The station's 查询码 secret, URL-safe base64 (keep the data directory encrypted)."""
STATE_PROGRESS_ETAG = "progress_etag"
PROGRESS_STATE_NAMES = (STATE_PROGRESS_URL, STATE_PROGRESS_SECRET, STATE_PROGRESS_ETAG)


@dataclass(frozen=True)
class ProgressAddress:
    """What the platform says about the progress page; `not_modified` after a 304."""

    url: str = ""
    secret: str = ""
    etag: str | None = None
    not_modified: bool = False


class ProgressStore(Protocol):
    """The sync_state reads and writes this module needs (StationSyncStore has them)."""

    def get_values(self, names: Iterable[str]) -> dict[str, str]: ...

    def set_values(self, values: Mapping[str, str]) -> None: ...


def usable(address: ProgressAddress) -> bool:
    """An http(s) address and a secret that decodes."""
    if not address.url.startswith(("https://", "http://")):
        return False
    try:
        decode_secret(address.secret)
    except ValueError:
        return False
    return True


def progress_values(address: ProgressAddress) -> dict[str, str]:
    """The sync_state values for an address the platform gave ({} when unusable)."""
    if not usable(address):
        log.warning("platform gave no usable progress address; keeping the stored one")
        return {}
    values = {STATE_PROGRESS_URL: address.url, STATE_PROGRESS_SECRET: address.secret}
    if address.etag:
        values[STATE_PROGRESS_ETAG] = address.etag
    return values


def keep_progress_address(store: ProgressStore, address: ProgressAddress) -> bool:
    """Store a (changed) address; True when something changed."""
    if address.not_modified:
        return False
    values = progress_values(address)
    if not values:
        return False
    before = store.get_values(PROGRESS_STATE_NAMES)
    if all(before.get(k) == v for k, v in values.items()):
        return False
    store.set_values(values)
    if before.get(STATE_PROGRESS_URL) != address.url:
        log.info("progress address from the platform changed")
    return True


@dataclass(frozen=True)
class ProgressLinkSource:
    """Where a notice's QR points: the address and the secret for the 查询码."""

    url: str
    secret: bytes | None


def link_source(values: Mapping[str, str], override_url: str) -> ProgressLinkSource | None:
    """The centre setting wins over the platform's address; None when there is neither."""
    url = override_url.strip() or values.get(STATE_PROGRESS_URL, "").strip()
    if not url:
        return None
    try:
        secret: bytes | None = decode_secret(values.get(STATE_PROGRESS_SECRET, ""))
    except ValueError:
        secret = None
    return ProgressLinkSource(url, secret)
