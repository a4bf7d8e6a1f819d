"""Material pages: normalization, bad files, content-addressed storage, order, locks, CLI."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from clerk_app.app import Services
from clerk_app.cli import main
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.services.attachments import normalize
from clerk_app.services.attachments.normalize import (
    AttachmentRefused,
    ColourPolicy,
    prepare_bytes,
    prepare_file,
)
from clerk_app.services.attachments.service import AttachmentError
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.store.cipher import DataKey
from clerk_app.store.models import AuditEntry, MaterialPage, OutboxEvent, PageFile
from tests.attachments.samples import bomb_png, document_page, pdf_bytes, photo_jpeg
from tests.conftest import TEST_PASSWORD
from tests.factories import catalogue_doc, matter_doc

CODE = "510104-MZ-0001"
NOW = datetime(2026, 11, 26, 9, 30)
APPLICANT = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678",
                        "青石镇人民路18号")


@pytest.fixture
def svc(services: Services, admin: Actor) -> Services:
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code=CODE)))
    services.ctx.clock = lambda: NOW
    return services


def _confirm(svc: Services, clerk: Actor, complete: bool) -> str:
    draft_id, form = svc.intake.start(clerk, CODE)
    form = replace(form, applicant=APPLICANT)
    form = form.with_material("application_form", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    if complete:
        form = form.with_material("id_card",
                                  MaterialEntry(MaterialState.RECEIVED, "原件和复印件", 1))
        form = form.with_material("income", MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    return svc.intake.confirm(clerk, draft_id, form).application_number


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    # landscape pixels with orientation 6 (rotate 90° clockwise to view): an upright page
    page = document_page(1600, 1200, text_px=24)
    return photo_jpeg(tmp_path / "IMG_0001.JPG", page, orientation=6)


def test_photo_is_turned_upright_shrunk_and_stripped_of_exif(tmp_path: Path) -> None:
    big = document_page(3000, 4000, text_px=40)
    source = photo_jpeg(tmp_path / "big.jpg", big.rotate(90, expand=True), orientation=6)
    page = prepare_file(source)
    image = Image.open(io.BytesIO(page.data))
    assert image.format == "JPEG" and (image.width, image.height) == (1500, 2000)
    assert page.width == 1500 and page.height == 2000
    assert not image.getexif() and "exif" not in image.info  # no GPS, no orientation left
    assert b"Exif" not in page.data[:4096] and b"TestPhone" not in page.data
    assert image.mode == "L" and not page.colour  # black print: grey
    assert page.sha256 == hashlib.sha256(page.data).hexdigest()
    assert page.size < source.stat().st_size / 2


def test_red_seal_keeps_colour_and_policy_overrides(tmp_path: Path) -> None:
    sealed = photo_jpeg(tmp_path / "seal.jpg", document_page(1240, 1754, seal=True))
    assert prepare_file(sealed).colour
    assert Image.open(io.BytesIO(prepare_file(sealed).data)).mode == "RGB"
    assert not prepare_file(sealed, ColourPolicy.GREY).colour
    plain = photo_jpeg(tmp_path / "plain.jpg", document_page(1240, 1754))
    assert prepare_file(plain, ColourPolicy.COLOUR).colour


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "empty.jpg", "0 字节"),
    (lambda d: d / "notes.txt", "不是可识别的图片"),
    (lambda d: d / "cut.jpg", "不完整"),
    (lambda d: d / "bomb.png", "像素过多"),
    (lambda d: d / "locked.pdf", "已加密"),
    (lambda d: d / "broken.pdf", "已损坏"),
    (lambda d: d / "gone.jpg", "不存在"),
])
def test_bad_files_get_a_chinese_reason(tmp_path: Path, make: Callable[[Path], Path],
                                        words: str) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("这不是图片", "utf-8")
    whole = io.BytesIO()
    document_page(800, 1000).save(whole, "JPEG", quality=90)
    (tmp_path / "cut.jpg").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    bomb_png(tmp_path / "bomb.png")
    (tmp_path / "locked.pdf").write_bytes(pdf_bytes(1, password="secret"))
    (tmp_path / "broken.pdf").write_bytes(pdf_bytes(2)[:200])
    with pytest.raises(AttachmentRefused) as caught:
        prepare_file(make(tmp_path))
    assert words in str(caught.value)


def test_pdf_is_kept_as_is_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = pdf_bytes(3)
    page = prepare_bytes(data, "scan.pdf")
    assert page.data == data and page.page_count == 3 and page.media_type == "application/pdf"
    monkeypatch.setattr(normalize, "MAX_PDF_BYTES", len(data) - 1)
    with pytest.raises(AttachmentRefused, match="超过"):
        prepare_bytes(data, "scan.pdf")


def test_pages_are_stored_once_ordered_and_audited(svc: Services, clerk: Actor,
                                                   photo: Path, tmp_path: Path) -> None:
    number = _confirm(svc, clerk, complete=False)  # 补正: pages may still move
    second = photo_jpeg(tmp_path / "p2.jpg", document_page(1200, 1600, seed=7))
    pages = [prepare_file(photo), prepare_file(second)]
    material = svc.attachments.material_id_of(number, 2)
    assert material == "id_card"
    added = svc.attachments.add_to_application(clerk, number, material, pages)
    again = svc.attachments.add_to_application(clerk, number, "application_form", pages[:1])
    assert [p.position for p in added] == [0, 1] and again[0].sha256 == added[0].sha256
    files = list((svc.ctx.config.data_dir / "pages").rglob("*"))
    stored = [f for f in files if f.is_file()]
    assert len(stored) == 2  # the same content is one file
    assert stored[0].parent.name == stored[0].parent.name[:2]
    with svc.ctx.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(PageFile)) == 2
        events = session.scalars(select(OutboxEvent).where(
            OutboxEvent.type == "attachments.changed")).all()
        assert [len(e.payload["pages"]) for e in events] == [2, 1]
        assert events[0].payload["material_no"] == 2
    svc.attachments.reorder(clerk, [added[1].id, added[0].id], number=number)
    listed = svc.attachments.application_pages(number)[material]
    assert [p.sha256 for p in listed.pages] == [added[1].sha256, added[0].sha256]
    assert "2 个附件" in listed.statement() and "不超过 2 MB" in listed.statement()
    svc.attachments.remove(clerk, added[0].id, number=number)
    assert svc.attachments.page_bytes(added[0].sha256) == pages[0].data  # still referenced
    svc.attachments.remove(clerk, added[1].id, number=number)
    assert not svc.attachments.files.exists(added[1].sha256)  # nothing refers to it now
    with svc.ctx.db.reading() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("attachment%"))).all()
        assert actions == ["attachments_added", "attachments_added", "attachments_reordered",
                           "attachment_removed", "attachment_removed"]


def test_after_acceptance_pages_can_only_be_added(svc: Services, clerk: Actor,
                                                  photo: Path) -> None:
    number = _confirm(svc, clerk, complete=True)
    page = svc.attachments.add_to_application(clerk, number, "income", [prepare_file(photo)])[0]
    with pytest.raises(AttachmentError, match="已受理"):
        svc.attachments.remove(clerk, page.id, number=number)
    with pytest.raises(AttachmentError, match="已受理"):
        svc.attachments.reorder(clerk, [page.id], number=number)
    assert len(svc.attachments.application_pages(number)["income"].pages) == 1


def test_draft_pages_move_to_the_application_at_confirmation(
        svc: Services, clerk: Actor, photo: Path) -> None:
    draft_id, form = svc.intake.start(clerk, CODE)
    svc.attachments.add_to_draft(clerk, draft_id, "id_card", [prepare_file(photo)])
    assert len(svc.attachments.draft_pages(draft_id)["id_card"].pages) == 1
    form = replace(form, applicant=APPLICANT)
    for mid in ("application_form", "id_card", "income"):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, "原件", 1))
    number = svc.intake.confirm(clerk, draft_id, form).application_number
    assert len(svc.attachments.application_pages(number)["id_card"].pages) == 1
    with svc.ctx.db.reading() as session:
        types = session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.seq)).all()
        assert types == ["application.confirmed", "attachments.changed"]
        assert session.scalar(select(func.count()).select_from(MaterialPage).where(
            MaterialPage.draft_id.is_not(None))) == 0


def test_pages_are_sealed_when_the_database_has_a_key(svc: Services, clerk: Actor,
                                                      photo: Path) -> None:
    number = _confirm(svc, clerk, complete=False)
    svc.ctx.db.key = DataKey.generate()
    page = prepare_file(photo)
    svc.attachments.add_to_application(clerk, number, "id_card", [page])
    blob = svc.attachments.files.path(page.sha256).read_bytes()
    assert blob.startswith(b"CLK1") and page.data[:64] not in blob
    assert svc.attachments.page_bytes(page.sha256) == page.data


def test_attach_command(svc: Services, clerk: Actor, photo: Path, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    number = _confirm(svc, clerk, complete=False)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes(2))
    data_dir = str(svc.ctx.config.data_dir)
    cli = ["--data-dir", data_dir, "--user", "zhangli", "attach", number, "--material"]
    assert main([*cli, "2", str(photo), str(scan)]) == 0
    out = capsys.readouterr().out
    assert "第 1 页  IMG_0001.JPG" in out and "保存" in out and "KB" in out
    assert "PDF 2 页" in out and "材料 2：2 个附件" in out
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")
    assert main([*cli, "2", str(photo), str(bad)]) == 1
    assert "未添加任何页面" in capsys.readouterr().err
    assert main([*cli, "9", str(photo)]) == 1
    assert "没有第 9 项" in capsys.readouterr().err
    assert len(svc.attachments.application_pages(number)["id_card"].pages) == 2


def test_an_agents_draft_pages_move_to_the_collected_case(
        svc: Services, admin: Actor, photo: Path) -> None:
    from clerk_app.services.village.point import PointSettings, save_point
    from clerk_app.services.village.wiring import village_of

    agent = svc.accounts.create(admin, "liqiang", "李强", TEST_PASSWORD, Role.AGENT, "")
    save_point(svc.ctx, admin, PointSettings(kind="village", point_name="青石村便民服务点",
                                             point_phone="13912345678"))
    draft_id, form = svc.intake.start(agent, CODE)
    svc.attachments.add_to_draft(agent, draft_id, "id_card", [prepare_file(photo)])
    form = replace(form, applicant=APPLICANT)
    number = village_of(svc).collection.collect(agent, draft_id, form).application_number
    pages = svc.attachments.application_pages(number)["id_card"]
    assert len(pages.pages) == 1 and pages.editable  # 代收 is not 受理: still rearrangeable
    svc.attachments.collect_unreferenced()
    assert svc.attachments.files.exists(pages.pages[0].sha256)


def test_a_file_that_vanishes_while_read(tmp_path: Path, photo: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The USB stick is pulled mid-read: the read fails with EIO, and the message says so."""
    class Vanishing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", lambda self, mode="r": Vanishing())
    with pytest.raises(AttachmentRefused, match="读取失败"):
        prepare_file(photo)


def test_an_agent_cannot_attach_to_another_clerks_case(
        svc: Services, admin: Actor, clerk: Actor, photo: Path) -> None:
    number = _confirm(svc, clerk, complete=False)
    agent = svc.accounts.create(admin, "liqiang", "李强", TEST_PASSWORD, Role.AGENT, "")
    with pytest.raises(AttachmentError, match="本代办点没有"):
        svc.attachments.add_to_application(agent, number, "id_card", [prepare_file(photo)])
    assert svc.attachments.application_pages(number) == {}
