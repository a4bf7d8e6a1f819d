"""Render window notices (窗口通知书) to PDF: one page set per copy (联), wording from
resources/notices/notices.json, text printed literally, fonts embedded as subsets."""

from __future__ import annotations

import io
from collections.abc import Iterator

from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer
from reportlab.platypus import Paragraph as RLParagraph

from clerk_app.documents.barcode_vector import code128_pattern
from clerk_app.documents.blocks import CopyContext, build_blocks
from clerk_app.documents.components import Title
from clerk_app.documents.context import notice_values
from clerk_app.documents.fonts import main_font, missing_glyphs, to_markup
from clerk_app.documents.notice_data import NoticeData
from clerk_app.documents.page import CopyStart, PageDecor
from clerk_app.documents.qr import qr_matrix
from clerk_app.documents.styles import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    styles_for,
)
from clerk_app.documents.text import clean_text, fill, ordinal
from clerk_app.documents.wording import Wording, load_wording
from clerk_app.domain.check_code import grouped, progress_link
from clerk_app.i18n import _

DEFAULT_COPIES = ("申请人留存",)


def render_notice(
    data: NoticeData,
    copies: tuple[str, ...] = DEFAULT_COPIES,
    wording: Wording | None = None,
) -> bytes:
    """The notice for `data` as PDF bytes, one page set per copy label (第一联 申请人留存, …).

    Copies the wording file marks ``mask_ids`` print the masked ID and phone numbers.
    """
    if not copies:
        raise ValueError(_("至少要打印一联"))
    wording = wording or load_wording()
    common = wording.common
    first_values = notice_values(data, False, wording.layout.date_style)
    application_no = clean_text(data.application_no)
    qr = qr_matrix(_progress_link(data, application_no))
    qr_values = {"check_code": grouped(clean_text(data.check_code)),
                 "progress_address": clean_text(data.progress_address)}
    footer = fill(common.footer, first_values)
    if qr is not None and common.footer_qr:
        footer = (footer + "　　" if footer else "") + fill(common.footer_qr, first_values)
    decor = PageDecor(
        barcode=code128_pattern(application_no),
        barcode_caption=fill(common.barcode_caption, first_values),
        qr=qr,
        qr_caption=common.qr_caption,
        reprint_mark=common.reprint_mark if data.reprint_at else "",
        reprint_time=fill(common.reprint_time, first_values),
        page_number=common.page_number,
        footer=footer,
        small_size=wording.layout.small_size,
        qr_code_line=fill(common.qr_code, qr_values) if data.check_code else "",
        qr_typed_lines=tuple(fill(text, qr_values) for text in (common.qr_typed, common.qr_typed_2)
                             if text and data.progress_address and data.check_code),
    )
    story: list[Flowable] = []
    for number, label in enumerate(copies, start=1):
        if number > 1:
            story.append(PageBreak())
        copy_label = fill(
            common.copy_label, {"ordinal": ordinal(number), "copy": clean_text(label)}
        )
        story.append(CopyStart(decor, copy_label))
        story.extend(_copy_story(data, wording, wording.copy_rule(label).mask_ids))

    buffer = io.BytesIO()
    title = wording.kinds[data.kind][0].title
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        title=clean_text(title),
        author=clean_text(data.centre.name),
        subject=application_no,
        creator="Clerk",
        invariant=True,
        initialFontName=main_font(),
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate("notice", [frame], onPageEnd=decor)])
    doc.build(story)
    return buffer.getvalue()


def _progress_link(data: NoticeData, application_no: str) -> str:
    """What the QR code carries: the link the service made, else the centre's address with
    the number appended (no 查询码); "" when there is no address."""
    if not application_no:
        return ""
    if data.progress_link:
        return clean_text(data.progress_link)
    base = clean_text(data.centre.qr_base_url)
    return progress_link(base, application_no) if base else ""


def _copy_story(data: NoticeData, wording: Wording, mask_ids: bool) -> Iterator[Flowable]:
    layout = wording.layout
    styles = styles_for(layout)
    ctx = CopyContext(
        data, wording, layout, styles, notice_values(data, mask_ids, layout.date_style)
    )
    for index, page in enumerate(wording.kinds[data.kind]):
        if index:
            yield PageBreak()
        yield Title(ctx.text(page.title), layout.title_size)
        if page.serial and ctx.values["serial_no"]:
            yield RLParagraph(to_markup(ctx.values["serial_no"]), styles.serial)
        yield Spacer(1, layout.body_size * 0.8)
        yield from build_blocks(page.blocks, ctx)


def unprintable_characters(data: NoticeData, wording: Wording | None = None) -> list[str]:
    """Characters of the notice that no bundled font can draw, for a warning before printing."""
    wording = wording or load_wording()
    texts: list[str] = []
    for mask_ids in (False, True):
        texts.extend(notice_values(data, mask_ids, wording.layout.date_style).values())
    for line in data.materials:
        texts += [line.name, line.form, line.requirement, line.state_label]
    for item in data.commitments:
        texts += [item.condition, item.material_replaced]
    common = wording.common
    texts += [common.copy_label, common.barcode_caption, common.qr_caption, common.page_number]
    texts += [common.footer, common.footer_qr, common.qr_code, common.qr_typed, common.qr_typed_2]
    texts += [common.reprint_mark, common.reprint_time, common.empty_table]
    texts += list(common.status_labels.values())
    for page in wording.kinds[data.kind]:
        texts.append(page.title)
        texts.extend(_block_texts(page.blocks))
    return missing_glyphs(clean_text("\n".join(texts)))


def _block_texts(blocks: tuple[object, ...]) -> Iterator[str]:
    for block in blocks:
        for attr in ("text", "issuer", "date"):
            value = getattr(block, attr, None)
            if isinstance(value, str):
                yield value
        for row in getattr(block, "rows", ()):
            yield row.label
            yield row.value
        for column in getattr(block, "columns", ()):
            yield column.label
        for line in getattr(block, "lines", ()):
            yield line.label
            yield line.value
