"""The sync pump against the real reference platform: exactly once, forward-only statuses,
atomic catalogue, cheap unchanged catalogue, revoked token, clock skew, parked events,
backoff kept across restarts, bad answers, and the `sync` command's exit codes."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake import IntakeError
from clerk_app.services.station.context import Actor
from clerk_app.store.models import Application, OutboxEvent
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import PlatformAdapter, PlatformRejected, PushResult
from clerk_app.sync.backoff import Backoff
from clerk_app.sync.engine import Outcome, SyncEngine, adapter_factory
from clerk_app.sync.ports import CURSOR_CATALOGUE, CURSOR_CATALOGUE_ETAG
from clerk_app.sync.state import Phase
from tests.faults.proxy import Fault, FaultProxy
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.platform.samples import sample_matter
from tests.sync_station import (
    bundled_matter,
    check_exactly_once,
    confirm_draft,
    confirm_intake,
    make_clerk,
    open_station,
    register,
)

SAMPLE_MATTER = "510104-MZ-0001"


class Station:
    """A registered station talking to the platform (directly or through a proxy)."""

    def __init__(self, services: Services, clerk: Actor, code: str, office: BackOffice,
                 platform: RunningPlatform) -> None:
        self.services, self.clerk, self.code = services, clerk, code
        self.office, self.platform = office, platform
        self.people = FakePeople(int(code))
        self.engine = self.new_engine()

    def new_engine(self, **kwargs: Any) -> SyncEngine:
        """A fresh engine, as after a restart (nothing kept but the database)."""
        services = self.services
        return SyncEngine(
            kwargs.pop("factory", adapter_factory(services.ctx.config)), services.sync_store,
            lambda: services.ctx.clock().astimezone(), random.Random(7),
            configured=lambda: bool(services.ctx.config.platform_url), **kwargs)

    def confirm(self) -> str:
        """One intake: the bundled sample's matter, or the platform's once it replaced it."""
        code = bundled_matter(self.services)
        if not self.services.catalogue.matter(code).active:
            code = SAMPLE_MATTER
        return confirm_intake(self.services, self.clerk, code, self.people)

    def status(self, number: str) -> str:
        with self.services.ctx.db.reading() as session:
            return session.scalars(select(Application.status).where(
                Application.number == number)).one()

    def check(self) -> None:
        check_exactly_once(self.services, self.office, self.code, self.platform.db_path)


@pytest.fixture
def station(tmp_path: Path, station_code: str, reference_platform: RunningPlatform,
            back_office: BackOffice) -> Iterator[Station]:
    services = open_station(tmp_path / "station", station_code, reference_platform.url)
    clerk = make_clerk(services)
    register(services, back_office, station_code)
    yield Station(services, clerk, station_code, back_office, reference_platform)
    services.close()


def _via(station: Station, proxy: FaultProxy) -> None:
    station.services.ctx.config.platform_url = proxy.url
    station.engine = station.new_engine()


def test_confirmed_intakes_reach_the_platform_exactly_once(station: Station) -> None:
    numbers = [station.confirm() for _ in range(3)]
    report = station.engine.run_once()
    assert report.outcome is Outcome.DONE and report.exit_code == 0
    assert report.pushed == 3
    assert report.state.phase is Phase.ONLINE and report.state.all_sent
    station.check()
    assert {station.office.application(n)["last_event_type"] for n in numbers} == {  # type: ignore[index]
        "application.confirmed"}
    # The acknowledgement was lost: the events go again and count once.
    with station.services.ctx.db.transaction() as session:
        session.execute(update(OutboxEvent).values(sent_at=None))
    again = station.new_engine().run_once()
    assert again.outcome is Outcome.DONE and again.pushed == 3
    station.check()


def test_back_office_status_moves_forward_only(station: Station) -> None:
    number = station.confirm()
    station.engine.run_once()
    assert station.status(number) == "accepted"
    station.office.set_status(number, "completed", "审批通过", "县民政局")
    report = station.engine.run_once()
    assert report.moved == 1 and report.applications_changed
    assert station.status(number) == "completed"
    row = next(r for r in station.services.lookup.for_day(
        station.clerk, station.services.ctx.today()) if r.number == number)
    assert row.status_label == "已办结"  # what the clerk's list shows
    station.office.set_status(number, "in_review")  # late, out of order
    late = station.engine.run_once()
    assert late.status_changes == 1 and late.moved == 0
    assert station.status(number) == "completed"


def test_catalogue_changes_apply_atomically_and_withdrawn_matter_is_refused(
        station: Station) -> None:
    station.engine.run_once()  # the platform's catalogue replaces the bundled sample
    services = station.services
    assert services.catalogue.matter(SAMPLE_MATTER).active
    draft_id, form = services.intake.start(station.clerk, SAMPLE_MATTER)
    old_version = services.catalogue.matter(SAMPLE_MATTER).version
    office = station.office
    office.publish_matter({**sample_matter(SAMPLE_MATTER, "最低生活保障审核确认（新）"),
                           "version": old_version + 1})
    office.withdraw_matter("510104-MZ-0002", "已并入最低生活保障审核确认")
    try:
        report = station.engine.run_once()
        assert report.catalogue_changed and report.outcome is Outcome.DONE
        assert services.catalogue.matter(SAMPLE_MATTER).version == old_version + 1
        with pytest.raises(IntakeError, match="已并入最低生活保障审核确认"):
            services.intake.start(station.clerk, "510104-MZ-0002")
        hit = next(h for h in services.matters.search("特困人员") if h.code == "510104-MZ-0002")
        assert not hit.active
        # The application begun before the change keeps the version it began with.
        number = confirm_draft(services, station.clerk, draft_id, form, station.people)
        with services.ctx.db.reading() as session:
            kept = session.scalars(select(Application.matter_version).where(
                Application.number == number)).one()
        assert kept == old_version

        # A delta with one good and one broken matter: nothing of it is applied.
        cursor = services.sync_store.get_cursor(CURSOR_CATALOGUE)
        office.publish_matter({**sample_matter(SAMPLE_MATTER, "最低生活保障审核确认（第三版）"),
                               "version": old_version + 2})
        broken = {**sample_matter("510104-MZ-0009", "残疾人两项补贴"), "materials": "none"}
        office.publish_matter(broken)
        refused = station.engine.run_once()
        assert refused.outcome is Outcome.PARTIAL
        assert "平台下发的数据有误" in refused.state.last_error
        assert services.catalogue.matter(SAMPLE_MATTER).version == old_version + 1
        assert services.sync_store.get_cursor(CURSOR_CATALOGUE) == cursor
        with pytest.raises(KeyError):
            services.catalogue.matter("510104-MZ-0009")
    finally:  # repair the shared platform's catalogue for the other tests
        office.publish_matter({**sample_matter("510104-MZ-0009", "残疾人两项补贴"), "version": 2})
    repaired = station.engine.run_once(force=True)
    assert repaired.outcome is Outcome.DONE
    assert services.catalogue.matter(SAMPLE_MATTER).version == old_version + 2
    assert services.catalogue.matter("510104-MZ-0009").active


def test_unchanged_catalogue_costs_under_a_kilobyte(station: Station,
                                                   fault_proxy: FaultProxy) -> None:
    station.engine.run_once()
    store = station.services.sync_store
    token = store.get_values(["station_token"])["station_token"]
    with ClerkSyncV1Adapter(fault_proxy.url, token=token) as adapter:
        fault_proxy.reset_counters()
        delta = adapter.pull_catalogue(store.get_cursor(CURSOR_CATALOGUE),
                                       store.get_cursor(CURSOR_CATALOGUE_ETAG))
    counters = fault_proxy.counters
    assert delta.not_modified
    assert counters.requests == 1
    assert counters.bytes_up + counters.bytes_down < 1024


def test_revoked_token_stops_sync_and_says_so(station: Station, fault_proxy: FaultProxy) -> None:
    _via(station, fault_proxy)
    station.engine.run_once()
    station.office.revoke_station(station.code)
    station.confirm()
    report = station.engine.run_once()
    assert report.outcome is Outcome.NOT_REGISTERED and report.exit_code == 5
    assert report.state.phase is Phase.NOT_REGISTERED and report.state.token_revoked
    assert "注销" in report.state.last_error
    assert report.state.waiting == 1
    fault_proxy.reset_counters()
    assert station.new_engine().run_once(force=True).outcome is Outcome.NOT_REGISTERED
    assert fault_proxy.counters.requests == 0  # stopped: nothing is sent any more
    register(station.services, station.office, station.code)
    assert station.engine.run_once().outcome is Outcome.DONE
    station.check()


def test_station_clock_far_off_warns_and_sync_goes_on(station: Station) -> None:
    services = station.services
    services.ctx.clock = lambda: datetime.now() + timedelta(minutes=5)
    first = station.confirm()
    report = station.engine.run_once()
    assert report.outcome is Outcome.DONE
    assert report.state.clock_skewed
    assert "本机时间不准" in report.state.headline()
    assert any("快" in line for line in report.state.details())
    # The clock jumps back a day: numbers stay unique and events keep their order.
    services.ctx.clock = lambda: datetime.now() - timedelta(days=1)
    second, third = station.confirm(), station.confirm()
    assert len({first, second, third}) == 3
    report = station.engine.run_once()
    assert report.outcome is Outcome.DONE and report.state.clock_skewed
    station.check()
    store = station.platform.open_store()
    try:
        order = store.event_ids(station.code)
    finally:
        store.close()
    assert order == station_outbox_order(services)
    services.ctx.clock = lambda: datetime.now() + timedelta(seconds=60)
    assert not station.engine.run_once().state.clock_skewed


def station_outbox_order(services: Services) -> list[str]:
    with services.ctx.db.reading() as session:
        return list(session.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.seq)))


def test_rejected_event_is_parked_and_does_not_stall_the_rest(station: Station) -> None:
    numbers = [station.confirm() for _ in range(3)]
    with station.services.ctx.db.transaction() as session:  # the platform will refuse this one
        session.execute(update(OutboxEvent).where(OutboxEvent.application_no == numbers[1])
                        .values(payload={"matter": "?"}))
    report = station.engine.run_once()
    assert report.outcome is Outcome.DONE and report.exit_code == 6
    assert (report.pushed, report.parked, report.state.parked) == (2, 1, 1)
    assert "被平台退回" in report.state.headline()
    (parked,) = station.services.sync_store.parked_events()
    assert parked[0] == numbers[1] and "快照不完整" in parked[2]
    later = station.confirm()
    again = station.engine.run_once()
    assert again.pushed == 1 and again.state.waiting == 0
    assert station.office.application(later) is not None
    assert station.office.application(numbers[1]) is None


class _SmallPlatform:
    """The real adapter behind a gateway that refuses batches of more than `limit` events,
    and one event whatever the batch (413, as a body-size limit would)."""

    def __init__(self, inner: PlatformAdapter, limit: int, too_big: str) -> None:
        self.inner, self.limit, self.too_big = inner, limit, too_big
        self.batches: list[int] = []

    def push_events(self, events: Sequence[Mapping[str, Any]]) -> PushResult:
        self.batches.append(len(events))
        if len(events) > self.limit or any(e["id"] == self.too_big for e in events):
            raise PlatformRejected("HTTP 413", "请求内容过大。", 413, "too_large")
        return self.inner.push_events(events)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_too_large_batches_are_split_and_a_too_large_event_parked(station: Station) -> None:
    for _ in range(7):
        station.confirm()
    events = station.services.sync_store.pending_events(10)
    too_big = events[3]["id"]
    gateways: list[_SmallPlatform] = []
    factory = adapter_factory(station.services.ctx.config)

    def make(token: str | None) -> PlatformAdapter:
        gateways.append(_SmallPlatform(factory(token), 2, too_big))
        return gateways[-1]  # type: ignore[return-value]

    report = station.new_engine(factory=make).run_once()
    assert report.outcome is Outcome.DONE
    assert (report.pushed, report.parked) == (6, 1)
    assert max(n for n in gateways[0].batches if n <= 2) == 2
    assert station.services.sync_store.parked_events()[0][2].startswith("这条记录太大")


def test_backoff_and_retry_after_survive_a_restart(station: Station, fault_proxy: FaultProxy,
                                                  back_office: BackOffice) -> None:
    _via(station, fault_proxy)
    station.confirm()
    back_office.maintenance(120)
    try:
        report = station.engine.run_once()
        assert report.outcome is Outcome.PARTIAL and report.exit_code == 4
        assert report.retry_in_s is not None and report.retry_in_s >= 120
        assert report.state.phase is Phase.OFFLINE and "维护" in report.state.last_error
        fault_proxy.reset_counters()
        waiting = station.new_engine().run_once()  # a restart inside the Retry-After
        assert waiting.outcome is Outcome.WAITING and fault_proxy.counters.requests == 0
        assert waiting.retry_in_s is not None and 100 < waiting.retry_in_s <= 120
    finally:
        back_office.maintenance(None)
    assert station.new_engine().run_once(force=True).outcome is Outcome.DONE  # 立即同步
    station.check()


@pytest.mark.parametrize(("fault", "words"), [
    (Fault.reply(502), "连不上"),
    (Fault.reply(500), "无法识别"),  # a gateway's HTML page
    (Fault.reply(200, body=b'{"cursor": 5}', content_type="application/json"), "无法识别"),
    (Fault.truncate(after_bytes=40), "无法识别"),
    (Fault.reply(400, body=json.dumps({"error": "bad_cursor", "message": "游标格式不正确。"},
                                      ensure_ascii=False).encode(),
                 content_type="application/json"), "游标格式不正确"),
], ids=["gateway", "html", "schema", "truncated", "4xx"])
@pytest.mark.parametrize("request_index", [1, 2], ids=["catalogue", "status"])
def test_bad_answers_leave_local_data_untouched(
        station: Station, fault_proxy: FaultProxy, fault: Fault, words: str,
        request_index: int) -> None:
    station.engine.run_once()
    number = station.confirm()
    station.engine.run_once()
    station.office.set_status(number, "completed")
    new_code = f"510104-SB-9{station.code[-3:]}"
    matter = sample_matter(new_code, "城乡居民医保参保登记")
    del matter["version"]  # the next version of whatever the platform holds
    station.office.publish_matter(matter)
    _via(station, fault_proxy)
    cursor = station.services.sync_store.get_cursor(CURSOR_CATALOGUE)
    fault_proxy.inject(Fault.duplicate())  # /v1/time, harmless
    if request_index == 2:
        fault_proxy.inject(Fault.duplicate())  # /v1/catalogue
    fault_proxy.inject(fault)
    report = station.engine.run_once()
    assert report.outcome is Outcome.PARTIAL
    assert words in report.state.last_error and report.state.phase is Phase.OFFLINE
    if request_index == 1:
        assert station.services.sync_store.get_cursor(CURSOR_CATALOGUE) == cursor
        with pytest.raises(KeyError):
            station.services.catalogue.matter(new_code)
    assert station.status(number) == "accepted"
    assert station.engine.run_once(force=True).outcome is Outcome.DONE
    assert station.status(number) == "completed"


def test_sync_command_exit_codes(tmp_path: Path, station_code: str,
                                 reference_platform: RunningPlatform, back_office: BackOffice,
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "station"
    services = open_station(data, station_code)
    clerk = make_clerk(services)
    number = confirm_intake(services, clerk, bundled_matter(services))
    services.close()
    monkeypatch.setenv("CLERK_PASSWORD", "counter2026")
    args = ["--data-dir", str(data), "--user", "zhangli", "sync"]
    assert cli_main([*args, "--once"]) == 5  # no platform address
    monkeypatch.setenv("CLERK_PLATFORM_URL", reference_platform.url)
    assert cli_main([*args, "--once"]) == 5  # not registered
    assert "未注册" in capsys.readouterr().out
    assert cli_main([*args, "register", "--key", "AAAA-BBBB"]) == 1
    assert "注册码无效" in capsys.readouterr().err
    key = back_office.issue_registration_key(station_code)
    assert cli_main([*args, "register", "--key", key]) == 0
    assert f"进度查询地址：{reference_platform.url}/q" in capsys.readouterr().out
    assert cli_main([*args, "--once"]) == 0
    assert back_office.application(number) is not None
    monkeypatch.setenv("CLERK_PLATFORM_URL", "http://127.0.0.1:9")  # nothing listens
    # the first retry's delay is drawn from [0, 5 s] (full jitter): a short draw used to end
    # the wait before the next command had started (a flaky test); here it is a minute
    monkeypatch.setattr(Backoff, "delay", lambda _self, _attempt, _rng, _after=None: 60.0)
    assert cli_main([*args, "--once"]) == 4
    assert "连不上" in capsys.readouterr().err
    assert cli_main([*args, "--once"]) == 4  # still in backoff: nothing sent
    assert "等待时间未到" in capsys.readouterr().out
