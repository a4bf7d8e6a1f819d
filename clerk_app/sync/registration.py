"""Station registration (站点注册): a one-time key from the platform admin buys a bearer token.

The token is kept in the station database's sync_state (`STATE_TOKEN`), so the whole sync
state travels with the data and a restart needs nothing else. On a village laptop the data
directory should sit on an encrypted volume (BitLocker, LUKS): whoever copies the database
file holds the station's token until the platform revokes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from clerk_app.i18n import _
from clerk_app.sync.api import PlatformAdapter, PlatformRejected, Registration
from clerk_app.sync.progress_address import progress_values
from clerk_app.sync.state import (
    STATE_BACKOFF_ATTEMPT,
    STATE_CENTRE,
    STATE_LAST_ERROR,
    STATE_NEXT_ATTEMPT,
    STATE_STATION,
    STATE_TOKEN,
    STATE_TOKEN_REFUSED,
    STATE_TOKEN_REVOKED,
)
from clerk_app.sync.sync_file import STATE_SYNC_FILE_KEY

log = logging.getLogger(__name__)


class RegistrationStore(Protocol):
    """What registration needs from the station store."""

    def station_id(self) -> str: ...

    def get_values(self, names: Iterable[str]) -> dict[str, str]: ...

    def set_values(self, values: Mapping[str, str]) -> None: ...


def normalised_key(key: str) -> str:
    """The key as typed, without surrounding blanks (the platform ignores dashes and case)."""
    return key.strip()


def register_station(
    store: RegistrationStore, adapter_factory: Callable[[str | None], PlatformAdapter],
    registration_key: str, name: str = "",
) -> Registration:
    """Register this station with a one-time key and keep the token.

    Raises ValueError (Chinese message) when the station is not set up or the key is empty,
    and `PlatformError` when the platform cannot be reached or refuses the key.
    A successful registration clears a revoked or refused token and the backoff.
    """
    station = store.station_id()
    if not station:
        raise ValueError(_("本站尚未完成站点设置（区划代码、站点编码），不能注册"))
    key = normalised_key(registration_key)
    if not key:
        raise ValueError(_("请填写平台管理员提供的注册码"))
    adapter = adapter_factory(None)
    try:
        registration = adapter.register(key, station, name)
    except PlatformRejected as exc:
        log.warning("registration refused: %s", exc.detail)
        raise
    finally:
        adapter.close()
    store.set_values({
        STATE_TOKEN: registration.token, STATE_STATION: registration.station,
        STATE_CENTRE: registration.centre, STATE_TOKEN_REFUSED: "", STATE_TOKEN_REVOKED: "",
        STATE_LAST_ERROR: "", STATE_BACKOFF_ATTEMPT: "0", STATE_NEXT_ATTEMPT: "",
        **progress_values(registration.progress),
        **({STATE_SYNC_FILE_KEY: registration.sync_file_key}
           if registration.sync_file_key else {}),
    })
    log.info("station %s registered with the platform (centre %s)", registration.station,
             registration.centre)
    return registration


def stored_token(store: RegistrationStore) -> str | None:
    """The station's token, None when never registered."""
    return store.get_values([STATE_TOKEN]).get(STATE_TOKEN) or None
