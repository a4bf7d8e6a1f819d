"""The progress page behind the notice's QR code, end to end, in headless Chromium at 390×844.

A real station (its own database, real intakes, the real sync engine) registered with the
reference platform; the back office moves cases on; the page is read by a real browser.
Screenshots go to ``$CLERK_SCREENSHOT_DIR`` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from clerk_app.app import Services
from clerk_app.domain.check_code import check_code, decode_secret
from clerk_app.domain.checklist import MaterialEntry, MaterialState, applies
from clerk_app.domain.fake_people import FakePeople, FakePerson
from clerk_app.domain.handover import Collector, CollectorRole
from clerk_app.domain.masking import mask_id_number, mask_name, mask_phone
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.sync.engine import SyncEngine
from clerk_app.sync.progress_address import STATE_PROGRESS_SECRET, STATE_PROGRESS_URL
from clerk_app.sync.state import STATE_TOKEN
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed
from tests.platform.backoffice import BackOffice
from tests.platform.browser import PHONE, phone_browser
from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import make_event
from tests.sync_station import bundled_matter, make_clerk, open_station, register

STATION = "510104071"
CENTRE_PHONE = "028-84561234"
NEUTRAL = "没有查到相符的办件"


@dataclass
class World:
    platform: RunningPlatform
    office: BackOffice
    services: Services
    clerk: Actor
    engine: SyncEngine
    browser: Any
    shots: Path
    people: FakePeople

    def sync(self) -> None:
        report = self.engine.run_once(force=True)
        assert report.exit_code == 0, report

    def secret(self) -> bytes:
        values = self.services.sync_store.get_values([STATE_PROGRESS_SECRET])
        return decode_secret(values[STATE_PROGRESS_SECRET])

    def link(self, number: str, code: str | None = None) -> str:
        code = check_code(self.secret(), number) if code is None else code
        return f"{self.platform.url}/q?n={quote(number)}&c={quote(code)}"

    def page(self, url: str, shot: str = "") -> tuple[str, str]:
        """(visible text, HTML) of `url` in a phone-sized page; a screenshot when named."""
        page = self.browser.new_page(viewport=PHONE, java_script_enabled=False)
        try:
            response = page.goto(url)
            assert response is not None and response.status == 200
            if shot:
                page.screenshot(path=str(self.shots / f"progress-{shot}.png"), full_page=True)
            return page.inner_text("body"), page.content()
        finally:
            page.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("progress")
    shots = Path(os.environ.get("CLERK_SCREENSHOT_DIR") or folder)
    shots.mkdir(parents=True, exist_ok=True)
    # Every page here comes from 127.0.0.1: a high limit (the limit has its own test below).
    platform = start_platform(folder / "platform", extra=["--progress-limit", "1000/600"])
    office = platform.back_office()
    services = open_station(folder / "station", STATION, platform.url)
    clerk = make_clerk(services)
    register(services, office, STATION)
    office.set_centre_contact(
        STATION, name="青石镇便民服务中心", phone=CENTRE_PHONE,
        address="青石镇人民路18号便民服务中心一楼综合窗口", hours="周一至周五 9:00—17:00")
    engine = SyncEngine.for_station(services.ctx.config, services.sync_store)
    try:
        with phone_browser(folder) as browser:
            yield World(platform, office, services, clerk, engine, browser, shots,
                        FakePeople(2026_1206))
    finally:
        services.close()
        office.close()
        platform.stop()


def intake(world: World, *, missing: bool = False) -> tuple[str, FakePerson]:
    """Confirm one 最低生活保障 intake at the station (one material missing: 补正)."""
    services, clerk = world.services, world.clerk
    draft_id, form = services.intake.start(clerk, bundled_matter(services))
    person = world.people.person()
    form = replace(form, applicant=PersonInput(
        person.name, "resident_id", person.resident_id, person.mobile, person.address))
    matter = services.catalogue.matter(form.matter_code, form.matter_version)
    applicable = [m for m in matter.materials if applies(m, form.context())]
    for index, material in enumerate(applicable):
        state = MaterialState.MISSING if missing and index == 0 else MaterialState.RECEIVED
        form = form.with_material(material.id, MaterialEntry(state, material.form, material.copies))
    return services.intake.confirm(clerk, draft_id, form).application_number, person


def assert_no_personal_data(text: str, person: FakePerson) -> None:
    """Neither the number nor a masked form of the ID or the phone, nor the full name."""
    for shown in (person.resident_id, mask_id_number(person.resident_id),
                  person.resident_id[6:14], person.mobile, mask_phone(person.mobile),
                  person.name):
        assert shown not in text, shown


def test_registration_gave_the_station_its_progress_address(world: World) -> None:
    values = world.services.sync_store.get_values([STATE_PROGRESS_URL, STATE_PROGRESS_SECRET])
    assert values[STATE_PROGRESS_URL] == f"{world.platform.url}/q"
    assert len(decode_secret(values[STATE_PROGRESS_SECRET])) == 32


def test_a_case_at_every_step_of_its_life(world: World) -> None:
    number, person = intake(world)
    # Captured but not uploaded: the platform knows nothing, so the page says nothing.
    text, _ = world.page(world.link(number))
    assert NEUTRAL in text and number not in text

    world.sync()
    text, html = world.page(world.link(number), "1-accepted")
    assert "已受理，等待审批" in text and number in text
    assert "最低生活保障申请" in text
    assert mask_name(person.name) in text and "*" in mask_name(person.name)
    assert_no_personal_data(html, person)
    assert re.search(r"承诺办结日期\s*\d{4}年\d{1,2}月\d{1,2}日", text), text
    assert CENTRE_PHONE in text and "<script" not in html

    world.office.set_status(number, "in_review", by="县民政局")
    text, _ = world.page(world.link(number), "2-in-review")
    assert "审批中" in text and "已受理，等待审批" not in text

    world.office.set_status(number, "completed", by="县民政局")
    text, _ = world.page(world.link(number), "3-ready")
    assert "已办结，可以领取" in text
    assert "青石镇人民路18号便民服务中心一楼综合窗口" in text and "周一至周五 9:00—17:00" in text
    assert "申请人本人有效身份证件原件" in text

    world.sync()  # the station learns 已办结, then hands the result over
    collector = Collector(CollectorRole.APPLICANT, person.name, "resident_id",
                          person.resident_id, id_checked=True)
    world.services.handover.hand_over(world.clerk, number, collector, [("审批结果通知", 1)])
    world.sync()
    text, html = world.page(world.link(number), "4-collected")
    assert "已办结，已领取" in text and "请携带" not in text
    steps = re.findall(r'<li class="(\w+)"><span class="step">([^<]+)</span>', html)
    assert [label for _, label in steps] == ["收件", "受理", "审批中", "办结", "已领取"]
    assert {state for state, _ in steps} == {"done"}
    assert_no_personal_data(html, person)


@pytest.mark.parametrize(("status", "note", "headline"), [
    ("suspended", "", "审批中（特别程序，暂停计时）"),
    ("denied", "", "不予许可"),
    ("returned", "申请表未签字，请补签后重新申请", "已退件"),
    ("cancelled", "", "已撤件"),
])
def test_back_office_endings(world: World, status: str, note: str, headline: str) -> None:
    number, person = intake(world)
    world.sync()
    world.office.set_status(number, status, note=note, by="县民政局")
    text, html = world.page(world.link(number), f"9-{status}")
    assert headline in text and "可以领取" not in text and "请携带" not in text
    if note:
        assert note in text
    assert_no_personal_data(html, person)


def test_a_correction_says_exactly_what_is_missing(world: World) -> None:
    number, person = intake(world, missing=True)
    world.sync()
    text, html = world.page(world.link(number), "5-correction")
    assert "请补正材料后再来窗口" in text
    matter = world.services.catalogue.matter(bundled_matter(world.services))
    first = next(m for m in matter.materials if m.requirement == "required")
    assert "还需要补正的材料" in text and first.name in text
    assert text.count("缺少") == 1
    assert_no_personal_data(html, person)


def test_a_case_whose_snapshot_has_not_arrived_is_waiting_for_upload(world: World) -> None:
    token = world.services.sync_store.get_values([STATE_TOKEN])[STATE_TOKEN]
    event = make_event(STATION, 90_001, event_type="application.visit", number=99_001)
    answer = requests.post(f"{world.platform.url}/v1/events", json={"events": [event]},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.json()["results"][0]["status"] == "applied"
    text, _ = world.page(world.link(event["application_no"]), "6-pending")
    assert "已在窗口登记，待上传" in text


def test_a_village_case_says_where_it_is(world: World) -> None:
    token = world.services.sync_store.get_values([STATE_TOKEN])[STATE_TOKEN]
    snapshot = {"matter": {"code": "510104-MZ-0001", "version": 1, "name": "最低生活保障申请"},
                "outcome": "", "status": "collected",
                "applicant": {"kind": "natural_person", "name": "欧阳娜娜",
                              "doc_number": "11010519491231002X", "phone": "13800138000"}}
    collected = make_event(STATION, 90_002, event_type="application.collected", number=99_002,
                           payload=snapshot)
    received = make_event(STATION, 90_003, event_type="village.case_received", number=99_002,
                          payload={"batch": "V1"})
    link = world.link(collected["application_no"])
    for event, words in ((collected, "代办点已收件，等待送中心受理"),
                         (received, "中心已收到代办点送来的材料，等待受理")):
        answer = requests.post(f"{world.platform.url}/v1/events", json={"events": [event]},
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.json()["results"][0]["status"] == "applied"
        text, html = world.page(link)
        assert words in text and "欧**娜" in text
        assert "欧阳娜娜" not in html and "13800138000" not in html and "19491231" not in html


def test_a_bundle_number_shows_its_members(world: World) -> None:
    token = world.services.sync_store.get_values([STATE_TOKEN])[STATE_TOKEN]
    applicant = {"kind": "natural_person", "name": "张丽英", "doc_number": "11010519491231002X",
                 "phone": "13800138000"}

    def member(no: int, name: str, status: str, outcome: str) -> dict[str, object]:
        return {"number": f"{STATION}20261206{no:05d}0", "matter": {"name": name},
                "status": status, "outcome": outcome, "applicant": applicant,
                "received_on": "2026-12-06",
                "materials": [{"name": "出生医学证明", "state": "missing", "applicable": True}]}

    payload = {"bundle": {"code": "B1", "version": 1, "name": "新生儿出生一件事"},
               "status": "correction", "combined_due": "2026-12-20", "members": [
                   member(98_001, "出生登记", "accepted", "accepted"),
                   member(98_002, "城乡居民医保参保登记", "awaiting_correction", "correction")]}
    event = make_event(STATION, 90_010, event_type="bundle.confirmed", number=98_000,
                       payload=payload)
    answer = requests.post(f"{world.platform.url}/v1/events", json={"events": [event]},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.json()["results"][0]["status"] == "applied"
    text, html = world.page(world.link(event["application_no"]), "10-bundle")
    assert "新生儿出生一件事" in text and "有事项需要补正" in text
    assert "出生登记：已受理" in text and "城乡居民医保参保登记：待补正" in text
    assert "出生医学证明" in text and "2026年12月20日" in text and "张*英" in text
    assert "张丽英" not in html and "13800138000" not in html and "19491231" not in html


def test_wrong_code_unknown_number_and_nonsense_get_one_neutral_answer(world: World) -> None:
    number, _ = intake(world)
    world.sync()
    good = check_code(world.secret(), number)
    wrong = ("A" if good[0] != "A" else "B") + good[1:]
    unknown = f"{STATION}2026120699999"
    answers = [
        world.page(world.link(number, wrong))[1],
        world.page(world.link(unknown + "0", check_code(world.secret(), unknown + "0")))[1],
        world.page(world.link(number, ""))[1],
        world.page(f"{world.platform.url}/q?n=%00%27&c=<b>")[1],
    ]
    assert all(NEUTRAL in html for html in answers)
    assert len(set(answers)) == 1
    raw = [requests.get(world.link(number, wrong), timeout=10),
           requests.get(world.link(unknown, good), timeout=10)]
    assert raw[0].content == raw[1].content and raw[0].status_code == raw[1].status_code == 200
    assert raw[0].headers["Cache-Control"] == "no-store"
    assert raw[0].headers["Referrer-Policy"] == "no-referrer"
    text, html = world.page(f"{world.platform.url}/q", "7-form")
    assert "办件编号" in text and "查询码" in text and NEUTRAL not in text
    assert '<form method="get"' in html


def test_the_code_is_typed_like_people_type(world: World) -> None:
    number, _ = intake(world)
    world.sync()
    code = check_code(world.secret(), number)
    typed = f" {code[:3].lower()} {code[3:]} "
    page = world.browser.new_page(viewport=PHONE, java_script_enabled=False)
    try:
        page.goto(f"{world.platform.url}/q")
        page.fill("#n", number)
        page.fill("#c", typed)
        page.click("button[type=submit]")
        assert "已受理，等待审批" in page.inner_text("body")
    finally:
        page.close()


def test_the_qr_on_a_printed_notice_opens_the_right_page(world: World) -> None:
    require_poppler()
    number, person = intake(world)
    world.sync()
    notice = world.services.notices.render(world.clerk, number)
    code = check_code(world.secret(), number)
    text = squeezed(pdf_text(notice.pdf))
    assert f"查询码：{code[:3]}{code[3:]}" in text
    assert f"或访问{world.platform.url}/q" in text and "扫描左上方二维码可查询办理进度" in text
    found = decode(raster(notice.pdf, 200))
    url = next(value for value in found.values() if value.startswith("http"))
    assert url == f"{world.platform.url}/q?n={number}&c={code}"
    text, html = world.page(url, "8-from-qr")
    assert number in text and "已受理，等待审批" in text
    assert_no_personal_data(html, person)


def test_a_changed_address_reaches_the_station_and_its_notices(world: World) -> None:
    number, _ = intake(world)
    world.office.set_progress_url("https://zwfw.example.gov.cn/jd")
    try:
        world.sync()
        values = world.services.sync_store.get_values([STATE_PROGRESS_URL])
        assert values[STATE_PROGRESS_URL] == "https://zwfw.example.gov.cn/jd"
        notice = world.services.notices.render(world.clerk, number)
        code = check_code(world.secret(), number)
        found = decode(raster(notice.pdf, 200))
        assert f"https://zwfw.example.gov.cn/jd?n={number}&c={code}" in found.values()
    finally:
        world.office.set_progress_url("")
        world.sync()
    values = world.services.sync_store.get_values([STATE_PROGRESS_URL])
    assert values[STATE_PROGRESS_URL] == f"{world.platform.url}/q"


def test_too_many_tries_from_one_address_get_the_neutral_answer(tmp_path: Path) -> None:
    platform = start_platform(tmp_path, extra=["--progress-limit", "3/600"])
    office = platform.back_office()
    try:
        key = office.issue_registration_key("510104072")
        answer = requests.post(f"{platform.url}/v1/stations/register", timeout=10,
                               json={"registration_key": key, "station": "510104072"}).json()
        event = make_event("510104072", 1)
        requests.post(f"{platform.url}/v1/events", json={"events": [event]}, timeout=10,
                      headers={"Authorization": f"Bearer {answer['token']}"})
        number = event["application_no"]
        code = check_code(decode_secret(answer["progress"]["secret"]), number)
        url = f"{platform.url}/q?n={number}&c={code}"
        pages = [requests.get(url, timeout=10).text for _ in range(3)]
        assert all("张*" in page and NEUTRAL not in page for page in pages)
        limited = requests.get(url, timeout=10)
        wrong = requests.get(f"{platform.url}/q?n={number}&c=222222", timeout=10)
        assert NEUTRAL in limited.text and "张*" not in limited.text
        assert limited.content == wrong.content and limited.status_code == 200
        assert "办件编号" in requests.get(f"{platform.url}/q", timeout=10).text  # the form
    finally:
        office.close()
        platform.stop()
