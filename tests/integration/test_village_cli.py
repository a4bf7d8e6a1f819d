"""`village point|receipt|slip|transit|offline` and the offline limits of a village point."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.domain.checklist import MaterialEntry, MaterialState, applies
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.village.offline import offline_state
from clerk_app.services.village.point import load_point, save_point
from clerk_app.services.village.wiring import village_of
from tests.conftest import TEST_PASSWORD
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed


def _collect(services: Services, agent: Actor, seed: int) -> str:
    code = next(m.code for m in services.catalogue.current_matters()
                if m.name == "最低生活保障申请")
    draft, form = services.intake.start(agent, code)
    person = FakePeople(seed).person()
    form = replace(form, applicant=PersonInput(person.name, "resident_id", person.resident_id,
                                               person.mobile, person.address))
    matter = services.catalogue.matter(form.matter_code, form.matter_version)
    for material in matter.materials:
        if applies(material, form.context()):
            form = form.with_material(material.id, MaterialEntry(
                MaterialState.RECEIVED, material.form, material.copies))
    return village_of(services).collection.collect(agent, draft, form).application_number


def _run(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli_main(["--data-dir", str(data_dir), "--user", "admin", "village", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_village_commands(services: Services, admin: Actor, data_dir: Path,
                          capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    require_poppler()
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    code, out = _run(data_dir, capsys, "point", "--kind", "village", "--name", "青石村便民服务点",
                     "--phone", "13912345678", "--warn-days", "3")
    assert code == 0 and "代办点" in out and "青石村便民服务点" in out
    assert load_point(services.ctx).is_village
    code, out = _run(data_dir, capsys, "point", "--warn-days", "0")
    assert code == 1 and "离线提醒天数" in out  # bad input: a message, nothing changed
    assert load_point(services.ctx).offline_warn_days == 3
    agent = services.accounts.create(admin, "liqiang", "李强", TEST_PASSWORD, Role.AGENT, "")
    long_ago = datetime.now().replace(microsecond=0) - timedelta(days=12)  # > 3 working days
    services.ctx.clock = lambda: long_ago
    number = _collect(services, agent, 31)
    receipt = tmp_path / "receipt.pdf"
    code, out = _run(data_dir, capsys, "receipt", number, "--out", str(receipt))
    assert code == 0 and number in squeezed(pdf_text(receipt.read_bytes()))
    assert decode(raster(receipt.read_bytes(), 200)).get("Code 128") == number
    batch = village_of(services).batches.make_batch(agent, [number])
    slip = tmp_path / "slip.pdf"
    code, out = _run(data_dir, capsys, "slip", batch, "--out", str(slip))
    assert code == 0 and decode(raster(slip.read_bytes(), 200)).get("Code 128") == batch
    code, out = _run(data_dir, capsys, "transit")  # sent 12 days ago
    assert code == 0 and number in out and "逾期" in out and "其中逾期 1 件" in out
    code, out = _run(data_dir, capsys, "offline")  # the oldest unsent event is 12 days old
    assert code == 4 and "sync export --out" in out and "12 天" in out
    code, out = _run(data_dir, capsys, "receipt", "51010400120261206999990", "--out",
                     str(tmp_path / "x.pdf"))
    assert code == 1 and "没有办件编号" in out


def test_offline_limits_count_cases_and_age(services: Services, admin: Actor) -> None:
    save_point(services.ctx, admin, replace(load_point(services.ctx), kind="village",
                                            point_name="青石村便民服务点", offline_warn_cases=2))
    agent = services.accounts.create(admin, "liqiang", "李强", TEST_PASSWORD, Role.AGENT, "")
    now = datetime(2026, 12, 7, 9, 0)
    services.ctx.clock = lambda: now
    for seed in (41, 42):
        _collect(services, agent, seed)
    state = offline_state(services.ctx)
    assert (state.unsent_cases, state.warning) == (2, "")  # within both limits
    _collect(services, agent, 43)
    assert "有 3 件办件未发送到平台" in offline_state(services.ctx).warning
    services.ctx.clock = lambda: now + timedelta(days=3)
    warning = offline_state(services.ctx).warning
    assert "最早一条未发送记录已有 3 天" in warning and "sync upload" in warning
