"""材料交接单: the paper a village agent carries to the centre with a batch of 代收 cases
(one barcode for the batch), signed by the agent and by the receiving clerk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from clerk_app.documents.styles import FRAME_WIDTH
from clerk_app.documents.village_paper import MaterialLine, para, render, table, title
from clerk_app.i18n import _


@dataclass(frozen=True)
class SlipCase:
    """One case on the slip: number, matter, masked applicant, materials and copies."""

    number: str
    matter_name: str
    applicant_masked: str
    materials: tuple[MaterialLine, ...]


@dataclass(frozen=True)
class SlipData:
    number: str
    point_name: str
    centre_name: str
    agent_name: str
    agent_phone: str
    created_at: datetime
    cases: tuple[SlipCase, ...]


def slip_story(data: SlipData) -> list[Flowable]:
    story: list[Flowable] = [title(_("材料交接单")), Spacer(1, 3 * mm)]
    story.append(para(_("交接单编号：{n}").format(n=data.number)))
    story.append(para(_("移交：{p}（代办员 {a}，电话 {t}）").format(
        p=data.point_name, a=data.agent_name, t=data.agent_phone or "—")))
    story.append(para(_("接收：{c}　　制单时间：{t}　　共 {k} 件").format(
        c=data.centre_name, t=data.created_at.strftime("%Y-%m-%d %H:%M"), k=len(data.cases))))
    story.append(Spacer(1, 2 * mm))
    w = FRAME_WIDTH
    rows = [[_("序号"), _("办件编号"), _("事项"), _("申请人"), _("材料（实收/应交）"), _("核对")]]
    for i, case in enumerate(data.cases, start=1):
        materials = "；".join(
            _("{name} {f}{c}/{r}份").format(name=m.name, f=m.form_received or m.form_required,
                                            c=m.copies_received, r=m.copies_required)
            for m in case.materials if m.copies_received or m.copies_required)
        rows.append([str(i), case.number, case.matter_name, case.applicant_masked,
                     materials, "□"])
    story.append(table(rows, [0.06 * w, 0.31 * w, 0.16 * w, 0.09 * w, 0.31 * w, 0.07 * w]))
    story.append(Spacer(1, 6 * mm))
    story.append(para(_("以上办件的纸质材料已当面点交，份数无误。")))
    story.append(Spacer(1, 6 * mm))
    story.append(para(_("移交人（代办员）签名：______________　日期：______年____月____日")))
    story.append(Spacer(1, 5 * mm))
    story.append(para(_("接收人（中心窗口人员）签名：______________　日期：____年___月___日")))
    return story


def render_slip(data: SlipData) -> bytes:
    """The 材料交接单 as PDF bytes."""
    return render(slip_story(data), data.number, _("交接单编号 {n}").format(n=data.number),
                  _("材料交接单"), data.point_name)
