"""The bundle notice (一件事办理告知书): every member with its outcome and due date, one
一次性告知 list over the whole bundle, each refused member with its own reason, basis and
remedies; the bundle's number as the barcode."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
)
from reportlab.platypus import Paragraph as RLParagraph

from clerk_app.documents.barcode_vector import code128_pattern
from clerk_app.documents.blocks import _grid
from clerk_app.documents.components import IssuerBlock, Title, seal_reader
from clerk_app.documents.fonts import main_font, to_markup
from clerk_app.documents.notice_data import CentreInfo, Remedies
from clerk_app.documents.page import CopyStart, PageDecor
from clerk_app.documents.qr import qr_matrix
from clerk_app.documents.styles import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEADER_FILL,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Layout,
    styles_for,
)
from clerk_app.documents.text import chinese_date, chinese_number, clean_text, fill
from clerk_app.documents.wording import Paragraph, Wording, load_wording
from clerk_app.domain.check_code import grouped
from clerk_app.i18n import _

TITLE = _("一件事办理告知书")
LAYOUT = Layout(title_size=18.0, body_size=12.0, small_size=10.0)


@dataclass(frozen=True)
class MemberLine:
    """One member of the bundle as the notice lists it."""

    matter_name: str
    number: str
    outcome_label: str
    due_date: date | None
    due_provisional: bool
    remark: str  # what it waits for, or the explanation in short


@dataclass(frozen=True)
class MissingLine:
    """One document to bring, once for every member it blocks (一次性告知)."""

    name: str
    required: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class RefusedLine:
    """A member refused at the window, with its own reason, basis and remedies."""

    matter_name: str
    reason: str
    basis: str
    redirect_body: str
    remedies: Remedies | None


@dataclass(frozen=True)
class BundleNoticeData:
    """Everything the bundle notice prints."""

    centre: CentreInfo
    number: str
    bundle_name: str
    applicant_name: str
    applicant_document: str  # a person's masked; an organisation's code in full
    received_on: date
    issued_on: date
    members: tuple[MemberLine, ...]
    missing: tuple[MissingLine, ...]
    refused: tuple[RefusedLine, ...]
    combined_limit_days: int | None = None
    combined_due: date | None = None
    clerk_name: str = ""
    window_name: str = ""
    reprint: bool = False
    serial: str = ""  # 文书编号
    progress_link: str = ""  # the progress QR (number and 查询码); "" without an address
    progress_address: str = ""
    check_code: str = ""
    applicant_people: tuple[str, ...] = ()  # 法定代表人, 经办人, 代理人 lines


def _remedy_sentence(line: RefusedLine, wording: Wording) -> str:
    """The 行政复议/诉讼 sentence of the refusal notice's wording, filled for this member."""
    r = line.remedies
    values = {
        "review_body": r.review_body if r else "", "court": r.court if r else "",
        "review_period": f"{chinese_number(r.review_days)}日" if r else "",
        "litigation_period": f"{chinese_number(r.litigation_months)}个月" if r else "",
        "recheck_body": r.recheck_body if r else "",
    }
    for pages in wording.kinds.values():
        for page in pages:
            for block in page.blocks:
                if not isinstance(block, Paragraph) or "行政复议" not in block.text:
                    continue
                if block.when and not values.get(block.when):
                    continue
                if block.unless and values.get(block.unless):
                    continue
                text = block.text
                for key, value in values.items():
                    text = text.replace("{" + key + "}", value)
                return text
    return _("如对本决定不服，可以依法申请行政复议或者提起行政诉讼。")


def render_bundle_notice(data: BundleNoticeData, wording: Wording | None = None) -> bytes:
    """The bundle notice as PDF bytes (one copy, for the applicant)."""
    wording = wording or load_wording()
    styles = styles_for(LAYOUT)
    number = clean_text(data.number)
    common = wording.common
    qr = qr_matrix(clean_text(data.progress_link)) if data.progress_link else None
    qr_values = {"check_code": grouped(clean_text(data.check_code)),
                 "progress_address": clean_text(data.progress_address)}
    decor = PageDecor(
        barcode=code128_pattern(number),
        barcode_caption=_("一件事编号 {n}").format(n=number), qr=qr,
        qr_caption=common.qr_caption if qr is not None else "",
        qr_code_line=fill(common.qr_code, qr_values) if qr is not None and data.check_code
        else "",
        qr_typed_lines=tuple(fill(text, qr_values) for text in (common.qr_typed, common.qr_typed_2)
                             if text and qr is not None and data.check_code),
        reprint_mark=_("补打") if data.reprint else "", reprint_time="",
        page_number=_("第{page}页"),
        footer=_("{centre}　地址：{address}　电话：{phone}").format(
            centre=data.centre.name, address=data.centre.address, phone=data.centre.phone)
        + ("　" + common.footer_qr if qr is not None and common.footer_qr else ""),
        small_size=LAYOUT.small_size)
    story: list[Flowable] = [CopyStart(decor, _("申请人留存")), Title(TITLE, LAYOUT.title_size)]
    if data.serial:
        story.append(RLParagraph(to_markup(clean_text(data.serial)), styles.serial))
    story.append(Spacer(1, 2 * mm))

    def para(text: str, style: str = "body") -> RLParagraph:
        return RLParagraph(to_markup(clean_text(text)), getattr(styles, style))

    story.append(para(_("{name}（{doc}）：").format(
        name=data.applicant_name, doc=data.applicant_document), "first"))
    if data.applicant_people:
        story.append(para("；".join(data.applicant_people), "first"))
    story.append(para(_("您于{day}申请办理「{bundle}」，本中心一窗受理，各事项分别办理，"
                        "办理情况如下：").format(day=chinese_date(data.received_on),
                                               bundle=data.bundle_name)))
    story.append(Spacer(1, 2 * mm))
    story.append(_members_table(data, styles))
    if data.combined_limit_days and data.combined_due:
        story.append(Spacer(1, 2 * mm))
        story.append(para(_("本一件事联合办理，承诺自受理之日起{n}个工作日内（{day}前）全部办结；"
                            "需等待其他事项结果的，自该事项办结之日起计算。").format(
            n=data.combined_limit_days, day=chinese_date(data.combined_due))))
    if data.missing:
        story.append(Spacer(1, 3 * mm))
        story.append(para(_("一次性告知：请补齐下列材料（每项只需提交一份，同时用于所列各事项），"
                            "凭本告知书到窗口一并办理："), "first"))
        story.append(Spacer(1, 1 * mm))
        story.append(_missing_table(data, styles))
    for line in data.refused:
        story.append(Spacer(1, 3 * mm))
        story.append(para(_("「{m}」不予受理。理由：{reason}。依据：{basis}。").format(
            m=line.matter_name, reason=line.reason.rstrip("。"), basis=line.basis.rstrip("。"))))
        if line.redirect_body:
            story.append(para(_("请向{body}申请。").format(body=line.redirect_body)))
        story.append(para(_remedy_sentence(line, wording)))
    story.append(Spacer(1, 2 * mm))
    clerk = RLParagraph("<br/>".join(to_markup(clean_text(t)) for t in (
        _("窗口经办人：{clerk}").format(clerk=data.clerk_name or "-"),
        _("窗口：{window}").format(window=data.window_name or "-"))), styles.first)
    issuer = IssuerBlock(data.centre.name, chinese_date(data.issued_on), LAYOUT.body_size,
                         seal_reader(data.centre.seal_image))
    closing = Table([[clerk, issuer]], colWidths=[FRAME_WIDTH * 0.35, FRAME_WIDTH * 0.65])
    closing.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    story.append(KeepTogether([closing]))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), title=TITLE,
                          author=clean_text(data.centre.name), subject=number,
                          creator="Clerk", invariant=True, initialFontName=main_font())
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("bundle", [frame], onPageEnd=decor)])
    doc.build(story)
    return buffer.getvalue()


def _members_table(data: BundleNoticeData, styles: object) -> Table:
    head: list[object] = [_("序号"), _("事项及办件编号"), _("办理结论"), _("办结期限"), _("说明")]
    widths = [0.07, 0.40, 0.15, 0.14, 0.24]
    rows: list[list[object]] = [head]
    for index, m in enumerate(data.members, start=1):
        due = m.due_date.isoformat() if m.due_date else "-"
        if m.due_date and m.due_provisional:
            due += _("（暂定）")
        rows.append([str(index), _cell(m.matter_name, styles, m.number),
                     _cell(m.outcome_label, styles), _cell(due, styles),
                     _cell(m.remark, styles)])
    return _table(rows, widths)


def _missing_table(data: BundleNoticeData, styles: object) -> Table:
    head: list[object] = [_("序号"), _("材料名称"), _("要求"), _("用于事项")]
    widths = [0.07, 0.27, 0.36, 0.30]
    rows: list[list[object]] = [head]
    for index, line in enumerate(data.missing, start=1):
        rows.append([str(index), _cell(line.name, styles), _cell(line.required, styles),
                     _cell("、".join(line.members), styles)])
    return _table(rows, widths)


def _cell(text: str, styles: object, *more: str) -> RLParagraph:
    """A wrapping cell; `more` texts go on lines of their own."""
    markup = "<br/>".join(to_markup(clean_text(t)) for t in (text, *more))
    return RLParagraph(markup, styles.cell)  # type: ignore[attr-defined]


def _table(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[FRAME_WIDTH * w for w in widths], repeatRows=1)
    table.setStyle(_grid(LAYOUT.small_size, [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                                             ("ALIGN", (0, 0), (-1, 0), "CENTER")]))
    return table
