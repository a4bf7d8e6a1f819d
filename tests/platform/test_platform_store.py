"""The platform store directly: exactly-once on the generic path (savepoint + IntegrityError)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.platform import ledger
from tests.platform.samples import make_event
from tests.platform.store import PlatformStore


@pytest.mark.parametrize("generic", [False, True], ids=["on-conflict", "savepoint"])
def test_each_event_id_is_stored_once_on_either_insert_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generic: bool
) -> None:
    if generic:  # what a database without ON CONFLICT gets
        monkeypatch.setattr(ledger, "_INSERT_OR_IGNORE", {})
    store = PlatformStore(f"sqlite:///{tmp_path / 'platform.sqlite'}")
    try:
        _, station = store.register(store.issue_registration_key("510104001"), "510104001")
        events = [make_event("510104001", seq) for seq in (1, 2)]
        changed = dict(events[0], payload={"outcome": "refused", "matter": {"code": "X" * 6,
                                                                            "version": 1}})
        first = store.apply_events(station, [events[0], events[0], *events[1:]])
        again = store.apply_events(station, [*events, changed])
        assert [r["status"] for r in first] == ["applied", "duplicate", "applied"]
        assert [r["status"] for r in again] == ["duplicate", "duplicate", "rejected"]
        assert again[2]["reason"] == "id_reused"
        assert store.event_ids("510104001") == [e["id"] for e in events]
        application = store.application(events[0]["application_no"])
        assert application is not None and application["outcome"] == "accepted"
    finally:
        store.close()
