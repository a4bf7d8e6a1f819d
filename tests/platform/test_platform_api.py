"""Clerk Sync API v1 end to end: `ClerkSyncV1Adapter` against the reference platform on loopback."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import (
    CertificateProblem,
    PlatformBusy,
    PlatformRejected,
    PlatformUnreachable,
    TokenRevoked,
)
from tests.platform.backoffice import BackOffice
from tests.platform.models import Event
from tests.platform.runner import RunningPlatform
from tests.platform.samples import application_no, make_event, sample_matter
from tests.platform.timefmt import now


def test_server_time_needs_no_token_and_matches_our_clock(
    reference_platform: RunningPlatform,
) -> None:
    with ClerkSyncV1Adapter(reference_platform.url) as adapter:
        answer = adapter.server_time()
    assert abs(answer.offset_seconds) < 2
    assert 0 <= answer.round_trip_seconds < 2
    assert answer.server_time.utcoffset() is not None


def test_registration_key_is_single_use_and_bound_to_its_station(
    reference_platform: RunningPlatform, back_office: BackOffice, station_code: str
) -> None:
    key = back_office.issue_registration_key(station_code, "青石镇便民服务中心", centre="510104")
    adapter = ClerkSyncV1Adapter(reference_platform.url)
    with pytest.raises(PlatformRejected) as wrong:
        adapter.register(key, "510104999")
    assert wrong.value.code == "registration_mismatch" and "注册码" in wrong.value.message
    registration = adapter.register(key.lower(), station_code)  # a key read out loud: any case
    assert registration.centre == "510104" and registration.name == "青石镇便民服务中心"
    assert adapter.token == registration.token
    with pytest.raises(PlatformRejected) as reused:
        adapter.register(key, station_code)
    assert (reused.value.status, reused.value.code) == (403, "registration_key_invalid")
    assert not reused.value.transient


def test_a_batch_sent_twice_is_applied_once(
    reference_platform: RunningPlatform, registered_adapter: ClerkSyncV1Adapter,
    back_office: BackOffice, station_code: str,
) -> None:
    events = [make_event(station_code, seq) for seq in range(1, 6)]
    first = registered_adapter.push_events(events)
    assert first.applied_ids == [e["id"] for e in events] and not first.duplicate_ids
    second = registered_adapter.push_events(events)
    assert second.duplicate_ids == [e["id"] for e in events] and not second.applied_ids
    assert second.acknowledged_ids == first.acknowledged_ids
    assert back_office.event_ids(station_code) == [e["id"] for e in events]
    projected = back_office.application(application_no(station_code, 3))
    assert projected is not None
    assert (projected["status"], projected["matter_code"]) == ("received", "510104-MZ-0001")


def test_event_ids_are_unique_in_the_database_itself(
    reference_platform: RunningPlatform, registered_adapter: ClerkSyncV1Adapter,
    station_code: str,
) -> None:
    event = make_event(station_code, 1)
    registered_adapter.push_events([event])
    store = reference_platform.open_store()
    try:
        with pytest.raises(IntegrityError), store.engine.begin() as connection:
            connection.execute(insert(Event).values(
                id=event["id"], station=station_code, seq=2, type="application.visit",
                application_no=event["application_no"], occurred_at=now(), received_at=now(),
                digest="x", payload={},
            ))
    finally:
        store.close()


def test_a_rejected_event_does_not_stall_the_others(
    registered_adapter: ClerkSyncV1Adapter, back_office: BackOffice, station_code: str,
) -> None:
    good = [make_event(station_code, seq) for seq in (1, 3, 5)]
    incomplete = make_event(station_code, 2, payload={"outcome": "accepted"})
    foreign = make_event(station_code, 4)
    foreign["application_no"] = application_no("510199001", 4)
    registered_adapter.push_events([good[0]])
    visit = make_event(station_code, 7, event_type="application.visit", number=1)
    result = registered_adapter.push_events([good[0], incomplete, good[1], foreign, good[2],
                                             visit])
    assert result.applied_ids == [good[1]["id"], good[2]["id"], visit["id"]]
    assert result.duplicate_ids == [good[0]["id"]]
    assert result.rejected_codes == {incomplete["id"]: "incomplete_snapshot",
                                     foreign["id"]: "foreign_application_no"}
    assert "事项编码" in result.rejected[incomplete["id"]]
    assert sorted(back_office.event_ids(station_code)) == sorted(
        e["id"] for e in [*good, visit])
    projected = back_office.application(application_no(station_code, 1))
    assert projected is not None and projected["last_event_type"] == "application.visit"


def test_an_id_reused_for_other_content_alone_is_rejected(
    registered_adapter: ClerkSyncV1Adapter, station_code: str,
) -> None:
    event = make_event(station_code, 1)
    registered_adapter.push_events([event])
    changed = dict(event, payload={**event["payload"], "outcome": "refused"})
    result = registered_adapter.push_events([changed])
    assert result.rejected_codes == {event["id"]: "id_reused"}


def test_status_changes_come_in_pages_after_the_cursor_for_this_station_only(
    reference_platform: RunningPlatform, registered_adapter: ClerkSyncV1Adapter,
    back_office: BackOffice, station_code: str,
) -> None:
    registered_adapter.push_events([make_event(station_code, n) for n in (1, 2, 3)])
    other = ClerkSyncV1Adapter(reference_platform.url)
    other_code = "510104" + str(900 + int(station_code[-3:]) % 99)
    other.register(back_office.issue_registration_key(other_code), other_code)
    other.push_events([make_event(other_code, 1)])
    back_office.set_status(application_no(other_code, 1), "in_review")
    steps = [(1, "in_review", ""), (2, "returned", "材料不齐，退回补正"), (1, "completed", "")]
    seqs = [back_office.set_status(application_no(station_code, n), status, note, "县民政局")
            for n, status, note in steps]

    start = registered_adapter.pull_status_changes(None, limit=2)
    assert [c.seq for c in start.changes] == seqs[:2] and start.more
    assert start.changes[1].note == "材料不齐，退回补正" and start.changes[1].by == "县民政局"
    rest = registered_adapter.pull_status_changes(start.cursor, limit=2)
    assert [(c.application_no, c.status) for c in rest.changes] == [
        (application_no(station_code, 1), "completed")]
    assert not rest.more and rest.cursor == str(seqs[2])
    assert registered_adapter.pull_status_changes(rest.cursor).changes == []
    replay = registered_adapter.pull_status_changes("999999999")  # cursor from a lost future
    assert [c.seq for c in replay.changes] == seqs
    assert [c.status for c in other.pull_status_changes(None).changes] == ["in_review"]
    with pytest.raises(Exception, match="unknown_application"):
        back_office.set_status(application_no(station_code, 99), "completed")
    other.close()


def test_catalogue_delta_new_version_and_withdrawal(
    registered_adapter: ClerkSyncV1Adapter, back_office: BackOffice,
) -> None:
    full = registered_adapter.pull_catalogue(None, None)
    assert full.full and full.etag and full.issuer == "某某县政务服务管理局"
    codes = {m["code"] for m in full.matters}
    assert {"510104-MZ-0001", "510104-SB-0001"} <= codes
    unchanged = registered_adapter.pull_catalogue(full.cursor, full.etag)
    assert unchanged.not_modified and unchanged.cursor == full.cursor

    back_office.publish_matter(sample_matter("510104-SB-0001", "城乡居民养老保险参保登记（新）",
                                             version=5))
    back_office.withdraw_matter("510104-MZ-0002", "已并入“最低生活保障审核确认”办理")
    delta = registered_adapter.pull_catalogue(unchanged.cursor, unchanged.etag)
    assert not delta.not_modified and not delta.full
    assert [(m["code"], m["version"]) for m in delta.matters] == [("510104-SB-0001", 5)]
    assert [(w.code, w.version) for w in delta.withdrawn] == [("510104-MZ-0002", 2)]
    assert "并入" in delta.withdrawn[0].reason
    assert int(delta.cursor) == int(full.cursor) + 2
    with pytest.raises(Exception, match="version_not_newer"):
        back_office.publish_matter(sample_matter("510104-SB-0001", "旧版本", version=4))


def test_calendar_years_since_cursor(
    registered_adapter: ClerkSyncV1Adapter, back_office: BackOffice,
) -> None:
    everything = registered_adapter.pull_calendar(None)
    years = {doc["year"] for doc in everything.years}
    assert 2026 in years  # seeded from resources/calendar
    assert registered_adapter.pull_calendar(everything.cursor).years == []
    back_office.publish_calendar({
        "format": "clerk-calendar/1", "year": 2027, "source": "测试通知",
        "published_at": "2026-11-20", "holidays": [{"date": "2027-01-01", "name": "元旦"}],
        "workdays": [],
    })
    newer = registered_adapter.pull_calendar(everything.cursor)
    assert [doc["year"] for doc in newer.years] == [2027]


def test_centre_log_shows_every_station_of_the_centre_with_masked_ids(
    reference_platform: RunningPlatform, back_office: BackOffice,
) -> None:
    stations = ["510122001", "510122002", "510199003"]
    adapters = []
    for code, centre in zip(stations, ["510122", "510122", "510199"], strict=True):
        adapter = ClerkSyncV1Adapter(reference_platform.url)
        adapter.register(back_office.issue_registration_key(code, f"站点{code[-1]}", centre), code)
        adapter.push_events([make_event(code, 1)])
        adapters.append(adapter)
    day = adapters[0].centre_applications(date(2026, 11, 26))
    assert day.centre == "510122"
    assert [a.station for a in day.applications] == stations[:2]
    line = day.applications[0]
    assert (line.applicant_name, line.applicant_id_masked) == ("张三", "110105********002X")
    assert (line.matter_name, line.clerk, line.due_date) == (
        "最低生活保障审核确认", "张丽", date(2026, 12, 10))
    assert {s.station for s in day.stations} == set(stations[:2])
    assert all(s.newest_event_at and s.last_seen_at for s in day.stations)
    assert adapters[0].centre_applications(date(2026, 11, 27)).applications == []
    for adapter in adapters:
        adapter.close()


def test_revoked_token_is_told_apart_from_an_unknown_one(
    reference_platform: RunningPlatform, registered_adapter: ClerkSyncV1Adapter,
    back_office: BackOffice, station_code: str,
) -> None:
    registered_adapter.pull_status_changes(None)
    assert back_office.revoke_station(station_code) == 1
    with pytest.raises(TokenRevoked) as revoked:
        registered_adapter.push_events([make_event(station_code, 1)])
    assert not revoked.value.transient and "注销" in revoked.value.message
    with pytest.raises(TokenRevoked):
        registered_adapter.pull_catalogue(None, None)
    stranger = ClerkSyncV1Adapter(reference_platform.url, token="x" * 43)
    with pytest.raises(PlatformRejected) as unknown:
        stranger.pull_calendar(None)
    assert (unknown.value.status, unknown.value.code) == (401, "unauthorized")
    with pytest.raises(PlatformRejected):
        ClerkSyncV1Adapter(reference_platform.url).pull_calendar(None)  # never registered


def test_maintenance_answers_busy_with_retry_after(
    registered_adapter: ClerkSyncV1Adapter, back_office: BackOffice,
) -> None:
    back_office.maintenance(120)
    try:
        with pytest.raises(PlatformBusy) as busy:
            registered_adapter.pull_status_changes(None)
    finally:
        back_office.maintenance(None)
    assert busy.value.retry_after == 120 and busy.value.transient
    registered_adapter.pull_status_changes(None)


def test_malformed_requests_get_json_errors(
    reference_platform: RunningPlatform, registered_adapter: ClerkSyncV1Adapter,
) -> None:
    headers = {"Authorization": f"Bearer {registered_adapter.token}",
               "Content-Type": "application/json", "Content-Encoding": "gzip"}
    broken = requests.post(reference_platform.url + "/v1/events", data=b"not gzip",
                           headers=headers, timeout=5)
    assert broken.status_code == 400 and broken.json()["error"] == "bad_encoding"
    bad_cursor = requests.get(reference_platform.url + "/v1/status-changes?since=abc",
                              headers=headers, timeout=5)
    assert bad_cursor.json() == {"error": "bad_cursor", "message": "游标格式不正确。"}
    missing = requests.get(reference_platform.url + "/v1/nothing", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PlatformUnreachable) as gone:
        ClerkSyncV1Adapter(f"http://127.0.0.1:{port}", connect_timeout=1).server_time()
    assert gone.value.transient and "网络" in gone.value.message


def test_an_oversized_batch_is_refused_whole(
    registered_adapter: ClerkSyncV1Adapter, station_code: str
) -> None:
    events = [make_event(station_code, seq, event_type="rating.recorded") for seq in range(1, 1002)]
    with pytest.raises(PlatformRejected) as refused:
        registered_adapter.push_events(events)
    assert (refused.value.status, refused.value.code) == (413, "batch_too_large")
    assert registered_adapter.push_events(events[:2]).applied_ids == [e["id"] for e in events[:2]]


def test_tls_is_verified_and_a_ca_bundle_can_be_trusted(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "platform.pem", tmp_path / "platform.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )

    class Clock(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"server_time": now().isoformat()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Clock)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(CertificateProblem) as untrusted:
            ClerkSyncV1Adapter(url, connect_timeout=2, read_timeout=2).server_time()
        assert "证书" in untrusted.value.message
        trusted = ClerkSyncV1Adapter(url, ca_bundle=cert, connect_timeout=2, read_timeout=2)
        assert abs(trusted.server_time().offset_seconds) < 2
    finally:
        server.shutdown()
        server.server_close()


def test_back_office_command_line(
    reference_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.platform.backoffice import main

    base = ["--url", reference_platform.url, "--admin-key", reference_platform.admin_key]
    assert main([*base, "issue-key", "510104321", "--name", "青石镇"]) == 0
    key = json.loads(capsys.readouterr().out)["registration_key"]
    assert ClerkSyncV1Adapter(reference_platform.url).register(key, "510104321").name == "青石镇"
    assert main([*base, "maintenance", "off"]) == 0
    assert main(["--url", reference_platform.url, "--admin-key", "wrong", "revoke", "1"]) == 1
    assert "forbidden" in capsys.readouterr().err
