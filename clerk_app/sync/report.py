"""What one sync run did (`SyncReport`), how it ended (`Outcome`), its exit code, and the
station store as the pump sees it (`EngineStore`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from clerk_app.sync.api import CatalogueDelta, JsonObject, StatusChange
from clerk_app.sync.state import SyncState

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL, EXIT_NOT_REGISTERED, EXIT_PARKED = 0, 1, 4, 5, 6


class EngineStore(Protocol):
    """The station store as the pump uses it (`StationSyncStore` implements it)."""

    def pending_events(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]: ...
    def mark_acknowledged(self, ids: Iterable[str]) -> None: ...
    def mark_held(self, ids: Iterable[str]) -> None: ...
    def park(self, event_id: str, reason: str) -> None: ...
    def note_attempt(self, ids: Iterable[str], error: str) -> None: ...
    def outbox_summary(self) -> tuple[int, datetime | None, int]: ...
    def get_cursor(self, name: str) -> str | None: ...
    def get_values(self, names: Iterable[str]) -> dict[str, str]: ...
    def set_values(self, values: Mapping[str, str]) -> None: ...
    def stale_hours(self) -> int: ...
    def apply_catalogue_changes(self, delta: CatalogueDelta) -> None: ...
    def apply_status_changes(self, changes: Sequence[StatusChange], cursor: str) -> int: ...
    def apply_calendar(self, years: Sequence[JsonObject], cursor: str) -> None: ...


class Outcome(StrEnum):
    """How a run ended."""

    DONE = "done"  # everything exchanged
    PARTIAL = "partial"  # stopped by a problem that time may cure; retried by itself
    WAITING = "waiting"  # the backoff has not elapsed: nothing was sent
    NOT_CONFIGURED = "not_configured"  # no (usable) platform address
    NOT_REGISTERED = "not_registered"  # no token, or the platform refused / revoked it
    FAILED = "failed"  # a program error (logged)


@dataclass
class SyncReport:
    """What one `run_once` did, and the indicator's state after it."""

    outcome: Outcome
    state: SyncState
    pushed: int = 0
    held: int = 0  # events the platform already had from a sync file: marked sent, not pushed
    parked: int = 0
    unanswered: int = 0
    moved: int = 0
    status_changes: int = 0
    catalogue_changed: bool = False
    calendar_changed: bool = False
    requests: int = 0
    pages_sent: int = 0  # material pages the platform now holds whole
    page_bytes: int = 0  # page bytes sent in this run
    retry_in_s: float | None = None
    error: str = ""

    @property
    def applications_changed(self) -> bool:
        """Statuses moved or due dates were recomputed: lists should refresh."""
        return self.moved > 0 or self.calendar_changed

    @property
    def exit_code(self) -> int:
        """`sync --once` exit code: 0 all exchanged, 4 offline or partial (retried), 5 not
        registered or revoked, 6 parked events need attention, 1 anything else."""
        if self.outcome in (Outcome.NOT_CONFIGURED, Outcome.NOT_REGISTERED):
            return EXIT_NOT_REGISTERED
        if self.outcome in (Outcome.PARTIAL, Outcome.WAITING):
            return EXIT_PARTIAL
        if self.outcome is Outcome.FAILED:
            return EXIT_FAILED
        return EXIT_PARKED if self.state.parked else EXIT_OK
