"""代办回执: what the villager takes home from the village point (number and barcode,
materials received and their copies, what is missing, what happens next and when, the
agent's name and phone, and any step the applicant must attend in person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from clerk_app.documents.styles import FRAME_WIDTH
from clerk_app.documents.village_paper import MaterialLine, para, render, table, title
from clerk_app.i18n import _


@dataclass(frozen=True)
class ReceiptData:
    """Everything a 代办回执 prints (names masked where the law expects it)."""

    number: str
    point_name: str
    centre_name: str
    matter_name: str
    applicant_name: str
    applicant_doc_masked: str
    collected_at: datetime
    agent_name: str
    agent_phone: str
    materials: tuple[MaterialLine, ...]
    missing: tuple[str, ...]
    appearance: tuple[str, ...]
    expected_at_centre: date
    promised_days_text: str
    visits: int


def _d(day: date) -> str:
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def receipt_story(data: ReceiptData) -> list[Flowable]:
    story: list[Flowable] = [title(_("代办回执")), Spacer(1, 3 * mm)]
    story.append(para(_("办件编号：{n}").format(n=data.number)))
    story.append(para(_("申请人：{name}（证件号码 {doc}）").format(
        name=data.applicant_name, doc=data.applicant_doc_masked)))
    story.append(para(_("申请事项：{m}").format(m=data.matter_name)))
    story.append(para(_("代收地点：{p}　代收时间：{t}").format(
        p=data.point_name, t=data.collected_at.strftime("%Y-%m-%d %H:%M"))))
    story.append(Spacer(1, 2 * mm))
    story.append(para(_("一、已收取的材料"), "heading"))
    rows = [[_("序号"), _("材料名称"), _("应交"), _("实收"), _("情况")]]
    for i, m in enumerate(data.materials, start=1):
        rows.append([str(i), m.name, _("{f}{c}份").format(f=m.form_required, c=m.copies_required),
                     _("{f}{c}份").format(f=m.form_received, c=m.copies_received)
                     if m.copies_received else "—", m.state_label])
    w = FRAME_WIDTH
    story.append(table(rows, [0.08 * w, 0.42 * w, 0.17 * w, 0.17 * w, 0.16 * w]))
    story.append(para(_("二、还需要补齐的材料（一次性告知）"), "heading"))
    if data.missing:
        for i, name in enumerate(data.missing, start=1):
            story.append(para(f"{i}. {name}"))
        story.append(para(_("以上是缺少的全部材料，请一次备齐，交代办员或直接交中心窗口。"),
                          "note"))
    else:
        story.append(para(_("材料齐全，无需补交。")))
    story.append(para(_("三、接下来怎么办"), "heading"))
    story.append(para(_(
        "代办员将于{d}前把材料送交{centre}。本回执不是受理通知书：是否受理由中心依法作出，"
        "受理后{limit}，受理或补正的通知由代办员转告您。").format(
        d=_d(data.expected_at_centre), centre=data.centre_name,
        limit=data.promised_days_text)))
    if data.appearance:
        story.append(para(_("四、需要您本人到场的环节"), "heading"))
        for line in data.appearance:
            story.append(para(line))
    story.append(para(_("跑动次数：您本次在代办点办理，计为跑动 {n} 次；代办员往返中心送交材料，"
                        "不计入您的跑动次数。").format(n=data.visits), "note"))
    story.append(Spacer(1, 4 * mm))
    story.append(para(_("代办员：{name}　　联系电话：{phone}").format(
        name=data.agent_name, phone=data.agent_phone or _("（未登记）"))))
    story.append(para(_("申请人签名：________________　　　日期：________________")))
    return story


def render_receipt(data: ReceiptData) -> bytes:
    """The 代办回执 as PDF bytes."""
    return render(receipt_story(data), data.number, _("办件编号 {n}").format(n=data.number),
                  _("代办回执"), data.point_name)
