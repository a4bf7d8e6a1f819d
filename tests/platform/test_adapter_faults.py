"""The adapter through the fault proxy: every broken answer becomes the right typed error,
and a resend after a lost answer is counted once by the platform."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import BadServerAnswer, PlatformBusy, PlatformUnreachable
from clerk_app.sync.http_batching import encode_json
from tests.faults.proxy import Fault, FaultProxy
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.platform.samples import make_event


@pytest.fixture
def adapter(
    fault_proxy: FaultProxy, back_office: BackOffice, station_code: str
) -> Iterator[ClerkSyncV1Adapter]:
    """An adapter registered as `station_code`, talking through the proxy."""
    client = ClerkSyncV1Adapter(fault_proxy.url, connect_timeout=2, read_timeout=1)
    client.register(back_office.issue_registration_key(station_code), station_code)
    yield client
    client.close()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.reply(500), BadServerAnswer),  # a gateway's HTML error page
        (Fault.reply(200, body=b"<html>portal login</html>"), BadServerAnswer),
        (Fault.reply(200, body=b'{"changes": 1}', content_type="application/json"),
         BadServerAnswer),
        (Fault.truncate(after_bytes=30), BadServerAnswer),  # complete message, broken JSON
        (Fault.corrupt(offset=0, count=2), BadServerAnswer),
        (Fault.truncate(after_bytes=30, cut_connection=True), PlatformUnreachable),
        (Fault.reset_response(after_bytes=40), PlatformUnreachable),
        (Fault.reset_request(after_bytes=40), PlatformUnreachable),
        (Fault.reply(502), PlatformUnreachable),
        (Fault.stall(), PlatformUnreachable),  # past the 1 s read timeout
    ],
    ids=lambda value: getattr(value, "kind", None) or getattr(value, "__name__", ""),
)
def test_broken_answers_map_to_typed_errors(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, fault: Fault,
    error: type[Exception],
) -> None:
    adapter.pull_status_changes(None)
    fault_proxy.inject(fault)
    with pytest.raises(error) as raised:
        adapter.pull_status_changes(None)
    assert type(raised.value) is error
    assert raised.value.transient  # type: ignore[attr-defined]
    assert adapter.pull_status_changes(None).changes == []  # the next call is fine again


@pytest.mark.parametrize("status", [429, 503])
def test_busy_carries_retry_after(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, status: int
) -> None:
    fault_proxy.inject(Fault.reply(status, retry_after=30))
    with pytest.raises(PlatformBusy) as busy:
        adapter.pull_calendar(None)
    assert busy.value.retry_after == 30


def test_corrupted_gzip_answer_is_a_bad_answer(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy
) -> None:
    fault_proxy.inject(Fault.corrupt(offset=40, count=16))  # inside the deflate stream
    with pytest.raises(BadServerAnswer):
        adapter.pull_catalogue(None, None)  # big enough to be gzipped


@pytest.mark.parametrize(
    "fault", [Fault.stall(), Fault.reset_response(after_bytes=10)], ids=["stall", "reset"]
)
def test_lost_acknowledgement_then_resend_is_a_duplicate(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, back_office: BackOffice,
    station_code: str, fault: Fault,
) -> None:
    events = [make_event(station_code, seq) for seq in (1, 2, 3)]
    fault_proxy.inject(fault)
    with pytest.raises(PlatformUnreachable):
        adapter.push_events(events)
    resent = adapter.push_events(events)
    assert resent.duplicate_ids == [e["id"] for e in events]
    assert back_office.event_ids(station_code) == [e["id"] for e in events]


def test_request_cut_before_the_platform_got_it_is_applied_on_resend(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, back_office: BackOffice,
    station_code: str,
) -> None:
    events = [make_event(station_code, 1)]
    fault_proxy.inject(Fault.reset_request(after_bytes=200))
    with pytest.raises(PlatformUnreachable):
        adapter.push_events(events)
    assert back_office.event_ids(station_code) == []
    assert adapter.push_events(events).applied_ids == [events[0]["id"]]


def test_request_delivered_twice_is_stored_once(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, back_office: BackOffice,
    station_code: str,
) -> None:
    events = [make_event(station_code, seq) for seq in (1, 2)]
    fault_proxy.inject(Fault.duplicate())
    result = adapter.push_events(events)
    assert result.applied_ids == [e["id"] for e in events]
    assert fault_proxy.counters.upstream_requests >= 2
    assert back_office.event_ids(station_code) == [e["id"] for e in events]


def test_unchanged_catalogue_costs_under_1kb_on_the_wire(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy
) -> None:
    fault_proxy.reset_counters()
    full = adapter.pull_catalogue(None, None)
    wire = fault_proxy.counters.bytes_down
    assert full.matters and wire < len(encode_json([*full.matters])) / 2  # gzip on the wire
    fault_proxy.reset_counters()
    unchanged = adapter.pull_catalogue(full.cursor, full.etag)
    counters = fault_proxy.counters
    assert unchanged.not_modified
    assert counters.requests == 1 and counters.bytes_up + counters.bytes_down < 1024


def test_batches_travel_gzip_compressed_over_a_slow_link(
    adapter: ClerkSyncV1Adapter, fault_proxy: FaultProxy, station_code: str
) -> None:
    events = [make_event(station_code, seq) for seq in range(1, 41)]
    adapter.timeouts = (5, 10)  # the fixture's 1 s read timeout is for the stall tests
    fault_proxy.set_latency(0.15)
    fault_proxy.set_bandwidth(64_000)
    fault_proxy.reset_counters()
    result = adapter.push_events(events)
    assert len(result.applied_ids) == 40
    raw = len(json.dumps({"events": events}, ensure_ascii=False).encode())
    assert fault_proxy.counters.bytes_up < raw / 4


@pytest.mark.slow
def test_platform_killed_mid_session_is_unreachable_then_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.platform.runner import start_platform

    running: RunningPlatform = start_platform(tmp_path_factory.mktemp("killed"))
    office = running.back_office()
    with FaultProxy("127.0.0.1", running.port) as proxy:
        client = ClerkSyncV1Adapter(proxy.url, connect_timeout=1, read_timeout=2)
        client.register(office.issue_registration_key("510104777"), "510104777")
        event = make_event("510104777", 1)
        running.kill()
        with pytest.raises(PlatformUnreachable):
            client.push_events([event])
        running = running.restart()
        assert client.push_events([event]).applied_ids == [event["id"]]
        client.close()
    office.close()
    running.stop()
