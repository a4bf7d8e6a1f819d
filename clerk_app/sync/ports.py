"""What the sync pump needs from the station's store: the outbox and the pulled data.

The station's database implements `SyncStore`; the pump holds no state of its own, so a
restart at any moment resumes where the store says. Each `apply_*` method applies a page
*and* advances its cursor in one transaction: a crash between the two cannot skip data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from clerk_app.sync.api import CatalogueDelta, JsonObject, StatusChange

CURSOR_CATALOGUE = "catalogue"
"""Cursor name: catalogue revision of the last applied delta."""
CURSOR_CATALOGUE_ETAG = "catalogue_etag"
"""Cursor name: ETag of the last catalogue answer (sent as If-None-Match)."""
CURSOR_STATUS_CHANGES = "status_changes"
"""Cursor name: platform sequence number of the last applied status change."""
CURSOR_CALENDAR = "calendar"
"""Cursor name: calendar revision of the last applied calendar documents."""


class SyncStore(Protocol):
    """The station side of sync (implemented over the station's SQLite database).

    An outbox event is a JSON object::

        {"id": uuid4 str, "station": str, "seq": int, "type": "application.confirmed",
         "application_no": str, "occurred_at": ISO 8601 with offset, "payload": {...}}
    """

    def pending_events(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` unacknowledged, unparked events in `seq` order."""
        ...

    def mark_acknowledged(self, ids: Iterable[str]) -> None:
        """Record that the platform holds these events (applied or duplicate)."""
        ...

    def park(self, event_id: str, reason: str) -> None:
        """Set an event aside with the platform's Chinese reason; it no longer blocks others."""
        ...

    def get_cursor(self, name: str) -> str | None:
        """The stored value of a cursor (see the CURSOR_* names), None when never set."""
        ...

    def set_cursor(self, name: str, value: str) -> None:
        """Store a cursor value on its own (e.g. an ETag)."""
        ...

    def apply_catalogue_changes(self, delta: CatalogueDelta) -> None:
        """Apply new/changed/withdrawn matters and store `delta.cursor` and `delta.etag`.

        A `full` delta replaces the whole catalogue. Never called for a not-modified answer.
        """
        ...

    def apply_status_changes(self, changes: Sequence[StatusChange], cursor: str) -> None:
        """Apply back-office status changes (idempotent by `seq`) and store the cursor."""
        ...

    def apply_calendar(self, years: Sequence[JsonObject], cursor: str) -> None:
        """Store calendar documents (one per year, replacing that year) and the cursor.

        Due dates computed on a provisional calendar of one of these years are recomputed.
        """
        ...
