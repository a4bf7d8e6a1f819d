"""The login dialog's key derivation as the clerk types (store/kek_ahead.py).

Each edit of the name or password hands the latest pair to one plain thread, which derives the
account's key-wrapping key for it (argon2id releases the GIL; the GUI thread never waits).
Edits made meanwhile are coalesced: only the newest pair is derived next. When Enter comes,
the sign-in takes the key if it matches, waits if it is being derived, and derives otherwise.
Nothing is logged or counted: a pair typed half-way is not a sign-in attempt.
"""

from __future__ import annotations

import logging
import threading

from clerk_app.config import Config

log = logging.getLogger(__name__)


class UnlockAhead:
    """Derives the key for the newest (name, password) typed, one at a time."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._wanted: tuple[str, str] | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    def typed(self, username: str, password: str) -> None:
        """The fields as they are now; returns at once."""
        if not username.strip() or not password:
            return
        with self._lock:
            if self._stopped:
                return
            self._wanted = (username, password)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="clerk-unlock-ahead",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """No more derivations; one under way finishes (the sign-in may be waiting for it)."""
        with self._lock:
            self._stopped, self._wanted = True, None

    def restart(self) -> None:
        """Derive as typed again (after a sign-in failed)."""
        with self._lock:
            self._stopped = False

    def _run(self) -> None:
        from clerk_app.services.station.station_state import unlock_ahead

        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, None
                if wanted is None:
                    self._thread = None
                    return
            try:
                unlock_ahead(self.config, *wanted)
            except Exception as exc:  # the sign-in meets the same fault and says it in words
                log.debug("key derivation ahead skipped: %s", type(exc).__name__)
