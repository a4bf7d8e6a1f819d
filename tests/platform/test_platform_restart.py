"""The reference platform keeps its store across a kill and a restart; it seeds only once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import PlatformRejected
from tests.platform.runner import start_platform
from tests.platform.samples import make_event
from tests.platform.server import SAMPLE_CATALOGUE


@pytest.mark.slow
def test_a_killed_platform_restarts_with_everything_it_had(tmp_path: Path) -> None:
    running = start_platform(tmp_path)  # seeded from the bundled sample catalogue if present
    office = running.back_office()
    key = office.issue_registration_key("510104001")
    adapter = ClerkSyncV1Adapter(running.url, connect_timeout=2, read_timeout=10)
    adapter.register(key, "510104001")
    events = [make_event("510104001", seq) for seq in (1, 2, 3)]
    adapter.push_events(events)
    office.set_status(events[0]["application_no"], "completed")
    catalogue = adapter.pull_catalogue(None, None)
    if SAMPLE_CATALOGUE.exists():
        bundled = json.loads(SAMPLE_CATALOGUE.read_text("utf-8"))["matters"]
        active = {m["code"] for m in bundled if m.get("status", "active") == "active"}
        assert {m["code"] for m in catalogue.matters} == active
        assert len(catalogue.withdrawn) == len(bundled) - len(active)

    running.kill()  # no clean shutdown, like a power cut
    running = running.restart()
    office.close()
    office = running.back_office()
    try:
        assert adapter.push_events(events).duplicate_ids == [e["id"] for e in events]
        assert office.event_ids("510104001") == [e["id"] for e in events]
        assert adapter.pull_catalogue(catalogue.cursor, catalogue.etag).not_modified
        changes = adapter.pull_status_changes(None).changes
        assert [(c.application_no, c.status) for c in changes] == [
            (events[0]["application_no"], "completed")]
        with pytest.raises(PlatformRejected):
            ClerkSyncV1Adapter(running.url).register(key, "510104001")  # still used up
    finally:
        adapter.close()
        office.close()
        running.stop()
