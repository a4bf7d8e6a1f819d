"""`show NUMBER [--json]`: an application or a bundle as the view shows it, masked, stable JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.fake_people import FakePeople
from clerk_app.domain.masking import mask_id_number
from clerk_app.domain.numbering import format_number
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 12, 7, 9, 30)
PARENT = FakePeople(seed=132027).person()


def _birth_bundle(services: Services, clerk: Actor) -> tuple[str, list[str]]:
    service = services.bundles
    code = next(b.code for b in service.definitions.current() if b.name == "新生儿出生一件事")
    form = service.start(clerk, code)
    materials = {line.id: MaterialEntry(MaterialState.RECEIVED, line.requirement.form,
                                        line.requirement.copies)
                 for line in service.checklist(form).lines if line.id != "hukou"}
    form = replace(form, materials=materials, applicant=PersonInput(
        PARENT.name, "resident_id", PARENT.resident_id, PARENT.mobile, PARENT.address))
    result = service.confirm(clerk, form)
    return result.number, [m.number for m in result.members]


@pytest.fixture
def shown(services: Services, clerk: Actor, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[str, list[str]]:
    services.ctx.clock = lambda: NOW
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    return _birth_bundle(services, clerk)


def _run(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli_main(["--data-dir", str(data_dir), "--user", "zhangli", "show", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_bundle_json_lists_members_materials_and_masks(
        data_dir: Path, shown: tuple[str, list[str]],
        capsys: pytest.CaptureFixture[str]) -> None:
    bundle, members = shown
    code, out, _err = _run(data_dir, capsys, bundle, "--json")
    assert code == 0
    document = json.loads(out)
    assert document["format"] == "clerk-show/1" and document["kind"] == "bundle"
    b = document["bundle"]
    assert b["number"] == bundle and b["name"] == "新生儿出生一件事"
    assert b["status"] == {"code": "correction", "label": "待补正"}
    assert [m["number"] for m in b["members"]] == members
    assert {m["outcome"] for m in b["members"]} == {"受理", "一次性补正告知"}
    shared = {m["name"]: m for m in b["materials"]}
    assert len(shared["父母双方居民身份证"]["members"]) == 3
    assert shared["《出生医学证明》"]["shared_from"] == "出生医学证明首次签发"
    assert PARENT.resident_id not in out and mask_id_number(PARENT.resident_id) in out
    assert PARENT.mobile not in out
    assert b["members"][0]["sync"]["pending"] == 1 and b["sync"]["pending"] == 1
    assert b["members"][0]["visits"][0]["purpose"] == "受理"


def test_show_member_number_and_text_output(
        data_dir: Path, shown: tuple[str, list[str]],
        capsys: pytest.CaptureFixture[str]) -> None:
    bundle, members = shown
    code, out, _err = _run(data_dir, capsys, members[2], "--json")
    assert code == 0
    document = json.loads(out)
    assert document["kind"] == "application"
    assert document["application"]["bundle"] == bundle
    assert document["application"]["status"]["code"] == "awaiting_correction"
    code, out, _err = _run(data_dir, capsys, bundle)
    assert code == 0
    assert "一件事 " + bundle in out and "共享材料" in out and "出生登记（新生儿入户）" in out
    assert PARENT.resident_id not in out


def test_show_unknown_number_exits_1_in_chinese(
        data_dir: Path, shown: tuple[str, list[str]],
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(data_dir, capsys, "51010400120261207099990")
    assert code == 1 and out == ""
    assert "办件编号" in err
    unknown = format_number("510104", "001", NOW.date(), 999)
    code, _out, err = _run(data_dir, capsys, unknown)
    assert code == 1 and "没有" in err
