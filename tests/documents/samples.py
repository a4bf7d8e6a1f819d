"""Made-up applications for notice tests and benchmarks (no real people or bodies)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from clerk_app.documents.notice_data import (
    CentreInfo,
    CommitmentItem,
    Handover,
    LegalPerson,
    MaterialLine,
    MaterialStatus,
    NoticeData,
    NoticeKind,
    PersonLine,
    Remedies,
    make_serial_no,
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A 居民身份证 number with its GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def masked(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


CENTRE = CentreInfo(
    name="青川县白桦镇便民服务中心",
    address="青川县白桦镇文昌路18号便民服务中心一楼",
    phone="0839-7200123",
    seal_image=None,
    qr_base_url="https://zwfw.example.gov.cn/progress?no=",
    serial_prefix="白桦便受",
    hours="周一至周五 8:30—12:00，14:00—17:30（法定节假日除外）",
)

STANDARD_EXAMPLE_ID = "11010519491231002X"  # GB 11643's own example


def person(
    name: str, first17: str, phone: str, address: str, label: str = "居民身份证"
) -> PersonLine:
    number = id_number(first17)
    return PersonLine(
        name=name,
        document_label=label,
        document_number=number,
        phone=phone,
        address=address,
        document_number_masked=masked(number),
        phone_masked=phone[:3] + "****" + phone[-4:],
    )


WANG = person("王秀兰", "51082319780316402", "13881234567", "青川县白桦镇石门村三组25号")
ZHANG = person("张建国", "51082319650921301", "13990876543", "青川县白桦镇河东街42号附1号")
LI_AGENT = person("李晓梅", "51082319900505602", "18708121234", "青川县白桦镇新街7号")
ZHAO = PersonLine(
    name="赵丽华",
    document_label="居民身份证",
    document_number=STANDARD_EXAMPLE_ID,
    phone="15283901234",
    address="青川县白桦镇桥头社区5栋2单元301",
    document_number_masked=masked(STANDARD_EXAMPLE_ID),
    phone_masked="152****1234",
)
SHOP = LegalPerson("青川县白桦镇山珍土特产商行有限公司", "91350100M000100Y43", "周国强")
SHOP_PHONE = "0839-7211888"
SHOP_ADDRESS = "青川县白桦镇河东街58号"


def organisation(unit: LegalPerson, phone: str = SHOP_PHONE, address: str = SHOP_ADDRESS
                 ) -> PersonLine:
    """The organisation as the applicant: public data, never masked."""
    return PersonLine(unit.unit_name, "统一社会信用代码", unit.uscc, phone, address,
                      document_number_masked=unit.uscc, phone_masked=phone)


def _m(
    name: str,
    form: str,
    status: MaterialStatus,
    required: int = 1,
    received: int | None = None,
    requirement: str = "",
    promised: date | None = None,
) -> MaterialLine:
    if received is None:
        received = required if status in (MaterialStatus.RECEIVED, MaterialStatus.DEFECTIVE) else 0
    return MaterialLine(name, form, required, received, status, requirement, promised)


R = MaterialStatus.RECEIVED

# Three matters, each with a realistic checklist outcome.
MATTERS: dict[str, dict[str, object]] = {
    "个体工商户设立登记": {
        "code": "11510823MB0001234X4000117002",
        "applicant": WANG,
        "agent": LI_AGENT,
        "legal_person": None,
        "days": 3,
        "delivery": "窗口领取营业执照",
        "materials": (
            _m("个体工商户登记（备案）申请书", "原件", R),
            _m("经营者居民身份证", "原件和复印件", R, 1, 1),
            _m(
                "经营场所使用证明（房屋租赁合同或产权证明）",
                "复印件",
                MaterialStatus.MISSING,
                requirement="提供经营场所的房屋租赁合同复印件，租赁期限应覆盖申请之日起至少一年，并由出租方签字。",
            ),
            _m(
                "委托代理人身份证明及授权委托书",
                "原件",
                MaterialStatus.DEFECTIVE,
                requirement="授权委托书缺少委托人签名和委托日期，请由经营者本人签名并注明日期。",
            ),
        ),
        "result": "营业执照正本一份、副本一份",
    },
    "农村村民宅基地和建房（规划许可）审批": {
        "code": "11510823MB0001234X4000217011",
        "applicant": ZHANG,
        "agent": None,
        "legal_person": None,
        "days": 15,
        "delivery": "邮寄送达（到付）",
        "materials": (
            _m("农村宅基地和建房（规划许可）申请表", "原件", R, 2, 2),
            _m("农村宅基地使用承诺书", "原件", R),
            _m("户口簿", "原件和复印件", R),
            _m(
                "住宅设计图或通用图集",
                "复印件",
                MaterialStatus.DEFERRED,
                requirement="选用县住建局通用图集的，注明图集编号并由设计人签字。",
                promised=date(2026, 12, 4),
            ),
            _m(
                "村民小组会议讨论通过的记录",
                "复印件",
                MaterialStatus.DEFERRED,
                requirement="加盖村民委员会公章。",
                promised=date(2026, 12, 10),
            ),
        ),
        "result": "乡村建设规划许可证、农村宅基地批准书",
    },
    "城乡居民基本养老保险参保登记": {
        "code": "11510823MB0001234X4001017005",
        "applicant": ZHAO,
        "agent": None,
        "legal_person": None,
        "days": None,
        "delivery": "当场领取",
        "materials": (
            _m("城乡居民基本养老保险参保登记表", "原件", R),
            _m("居民身份证", "原件", R),
            _m(
                "户口簿", "原件", MaterialStatus.COMMITTED, requirement="以告知承诺替代，事后核查。"
            ),
        ),
        "result": "城乡居民基本养老保险参保缴费凭证一份",
    },
    "食品经营许可（仅销售预包装食品备案）": {
        "code": "11510823MB0001234X4000317008",
        "applicant": ZHANG,
        "agent": LI_AGENT,
        "legal_person": SHOP,
        "days": 10,
        "delivery": "窗口领取",
        "materials": (
            _m("仅销售预包装食品经营者备案信息采集表", "原件", R),
            _m("营业执照", "复印件", R),
            _m("法定代表人居民身份证", "复印件", R),
            _m(
                "食品安全管理制度文本",
                "原件",
                MaterialStatus.MISSING,
                requirement="包括进货查验、贮存管理、从业人员健康管理等制度，并加盖单位公章。",
            ),
        ),
        "result": "仅销售预包装食品备案回执",
    },
}


COMMITMENTS: dict[str, tuple[CommitmentItem, ...]] = {
    "城乡居民基本养老保险参保登记": (
        CommitmentItem("申请人具有本县户籍，年满十六周岁且未参加城镇职工基本养老保险。", "户口簿"),
        CommitmentItem("申请人未领取国家规定的基本养老保障待遇。", "未领取养老待遇的证明"),
        CommitmentItem("所提供的银行账户为申请人本人名下的社会保障卡金融账户。", ""),
    ),
    "个体工商户设立登记": (
        CommitmentItem(
            "申请人对申报的经营场所享有合法使用权，该场所不属于违法建筑。", "经营场所使用证明"
        ),
        CommitmentItem("经营场所符合消防安全、环境保护等有关规定。", ""),
    ),
    "食品经营许可（仅销售预包装食品备案）": (
        CommitmentItem(
            "具有与经营的食品品种、数量相适应的经营场所和贮存设施。", "经营场所平面布局图"
        ),
        CommitmentItem(
            "已建立并落实进货查验、贮存管理和从业人员健康管理等食品安全管理制度。",
            "食品安全管理制度文本",
        ),
        CommitmentItem("从业人员持有有效健康证明。", "从业人员健康证明"),
    ),
    "农村村民宅基地和建房（规划许可）审批": (
        CommitmentItem("申请人户内无其他宅基地，符合“一户一宅”规定。", "无其他宅基地证明"),
    ),
}


def _materials_for(
    kind: NoticeKind, materials: tuple[MaterialLine, ...]
) -> tuple[MaterialLine, ...]:
    """The checklist outcome each kind of notice implies."""
    lacking = (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE, MaterialStatus.DEFERRED)
    out = []
    for line in materials:
        if line.status in lacking:
            if kind is NoticeKind.CORRECTION:
                status = (
                    line.status
                    if line.status is not MaterialStatus.DEFERRED
                    else MaterialStatus.MISSING
                )
                line = replace(line, status=status, promised_date=None)
            elif kind is NoticeKind.DEFERRED_ACCEPTANCE:
                line = replace(
                    line,
                    status=MaterialStatus.DEFERRED,
                    promised_date=line.promised_date or date(2026, 12, 3),
                )
            elif kind is not NoticeKind.MATERIAL_RECEIPT:
                line = replace(line, status=R, copies_received=line.copies_required, requirement="")
        out.append(line)
    return tuple(out)


def sample(kind: NoticeKind, matter: str, number: int = 12) -> NoticeData:
    """A realistic notice of `kind` for one of MATTERS."""
    info = MATTERS[matter]
    received = date(2026, 11, 26)
    materials = info["materials"]
    assert isinstance(materials, tuple)
    days = info["days"]
    assert days is None or isinstance(days, int)
    applicant = info["applicant"]
    assert isinstance(applicant, PersonLine)
    agent = info["agent"]
    assert agent is None or isinstance(agent, PersonLine)
    unit = info["legal_person"]
    assert unit is None or isinstance(unit, LegalPerson)
    materials = _materials_for(kind, materials)
    contact = None
    if unit is not None:  # the person at the counter is the 经办人, the unit applies
        applicant, contact = organisation(unit), applicant
    data = NoticeData(
        kind=kind,
        centre=CENTRE,
        application_no=f"510823101-20261126-{number:04d}",
        serial_no=make_serial_no(CENTRE.serial_prefix, 2026, number),
        matter_name=matter,
        matter_code=str(info["code"]),
        applicant=applicant,
        contact=contact,
        agent=agent,
        legal_person=unit,
        materials=materials,
        received_on=received,
        accepted_on=received,
        due_date=date(2026, 12, 17) if days else None,
        due_provisional=False,
        promised_days=days,
        delivery_method=str(info["delivery"]),
        result_description=str(info["result"]),
        consult_phone="0839-7200123",
        complaint_phone="0839-12345",
        clerk_name="陈思远",
        window_name="综合受理3号窗口",
        issued_on=received,
    )
    if kind is NoticeKind.CORRECTION:
        data = replace(data, accepted_on=None, due_date=None, correction_due=date(2026, 12, 11))
    if kind is NoticeKind.REFUSAL:
        data = replace(
            data,
            accepted_on=None,
            due_date=None,
            refusal_reason="申请人拟建房屋所在地块位于城镇开发边界内，该申请事项不属于本镇人民政府的职权范围",
            refusal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
            redirect_body="青川县自然资源局（青川县乔庄镇建设路9号政务服务中心二楼）",
            remedies=Remedies("青川县人民政府", "青川县人民法院"),
        )
    if kind is NoticeKind.COMMITMENT:
        data = replace(data, commitments=COMMITMENTS[matter])
    if kind is NoticeKind.SERVICE_RECEIPT:
        data = replace(
            data,
            handover=Handover(
                documents=(f"受理通知书（{data.serial_no}）", "乡村建设规划许可证（正本）"),
                recipient=unit.unit_name if unit else applicant.name,
                place=CENTRE.address,
                method="直接送达",
                servers="陈思远、刘敏",
            ),
        )
    if kind is NoticeKind.ON_THE_SPOT:
        data = replace(data, due_date=None)
    return data


KIND_MATTERS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.ACCEPTANCE: (
        "农村村民宅基地和建房（规划许可）审批",
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
    ),
    NoticeKind.CORRECTION: (
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
        "农村村民宅基地和建房（规划许可）审批",
    ),
    NoticeKind.DEFERRED_ACCEPTANCE: (
        "农村村民宅基地和建房（规划许可）审批",
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
    ),
    NoticeKind.COMMITMENT: (
        "城乡居民基本养老保险参保登记",
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
    ),
    NoticeKind.REFUSAL: (
        "农村村民宅基地和建房（规划许可）审批",
        "个体工商户设立登记",
        "城乡居民基本养老保险参保登记",
    ),
    NoticeKind.ON_THE_SPOT: (
        "城乡居民基本养老保险参保登记",
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
    ),
    NoticeKind.MATERIAL_RECEIPT: (
        "个体工商户设立登记",
        "农村村民宅基地和建房（规划许可）审批",
        "城乡居民基本养老保险参保登记",
    ),
    NoticeKind.SERVICE_RECEIPT: (
        "农村村民宅基地和建房（规划许可）审批",
        "个体工商户设立登记",
        "食品经营许可（仅销售预包装食品备案）",
    ),
}


def all_samples() -> list[NoticeData]:
    """Every kind for three matters each."""
    return [
        sample(kind, matter, number=10 + i)
        for kind in NoticeKind
        for i, matter in enumerate(KIND_MATTERS[kind])
    ]


REPRINT_AT = datetime(2026, 11, 27, 9, 41)
