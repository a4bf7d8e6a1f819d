"""Bundles (一件事) of the sample catalogue and the member matters they need beyond the others.

Public sources followed (names, member lists and materials; the place and bodies stay fictional):
- 国务院办公厅《关于加快推进"一件事一次办"打造政务服务升级版的指导意见》(国办发〔2022〕32号,
  2022-09-26): 新生儿出生、退休、身后 among the individual life-cycle bundles; "一次告知、一表申请、
  一套材料、一窗(端)受理、一网办理、统一出件".
- 国务院《关于进一步优化政务服务提升行政效能推动"高效办成一件事"的指导意见》(国发〔2024〕3号,
  2024-01-09) and its first list of 13 重点事项: 新生儿出生一件事 (出生医学证明、预防接种证、
  户口登记、医保参保、社保卡申领 …), 开办餐饮店一件事 (营业执照、食品经营许可、公共场所卫生许可、
  户外招牌设置 …), 退休一件事 (养老保险待遇申领、医保退休待遇、住房公积金提取 …),
  身后一件事 (死亡户口注销、丧葬补助金和抚恤金、社会保障卡注销、医保待遇停发 …).
- 《中华人民共和国行政许可法》第二十六条 (统一办理、联合办理、集中办理) and 第四十二条
  (统一/联合办理不超过四十五日, 经批准可延长十五日): the bundles' combined limits stay within it.
- Materials: 《出生医学证明管理办法》, 《户口登记条例》第七条, 《食品经营许可和备案管理办法》
  (2023) 第十二条/第二十二条, 《公共场所卫生管理条例实施细则》第二十二条, 《住房公积金管理条例》
  第二十四条, 《社会保险法》第十七条/第四十九条 and the provinces' published 一件事 guides.
"""

from __future__ import annotations

from typing import Any

from _sample_common import (
    admin_license_fee,
    agent_materials,
    bank_account,
    faq,
    hukou,
    id_card,
    mat,
    matter,
    matter_code,
    wd,
)

W_SOCIAL = ["社会保障"]
W_LIFE = ["民生事务"]
W_GENERAL = ["综合服务"]
W_BUSINESS = ["商事登记"]
W_BUILD = ["城建国土"]

HEALTH_POINT = "青石镇便民服务中心综合服务窗口(受青石县卫生健康局委托代收)"
POLICE_POINT = "青石镇便民服务中心综合服务窗口(青石派出所户籍民警驻点)"
SOCIAL_POINT = "青石镇便民服务中心社会保障窗口"
BUSINESS_POINT = "青石镇便民服务中心商事登记窗口"

# Codes of the member matters, defined here or in the other modules.
BIRTH_CERT = matter_code("health", "公共服务", 801)
VACCINATION = matter_code("health", "公共服务", 802)
BIRTH_HUKOU = matter_code("police", "行政确认", 803)
MEDICAL_ENROL = matter_code("medins", "公共服务", 104)
SOCIAL_CARD = matter_code("hrss", "公共服务", 109)
SOLE_TRADER = matter_code("samr", "行政许可", 501)
FOOD_LICENCE = matter_code("samr", "行政许可", 804)
HYGIENE_LICENCE = matter_code("health", "行政许可", 805)
SHOP_SIGN = matter_code("urban", "行政许可", 806)
PENSION_CLAIM = matter_code("sib", "行政给付", 807)
RETIREE_MEDICAL = matter_code("medins", "行政确认", 808)
FUND_WITHDRAWAL = matter_code("hpf", "公共服务", 809)
DEATH_HUKOU = matter_code("police", "行政确认", 810)
FUNERAL_SUBSIDY = matter_code("civil", "行政给付", 211)
RESIDENT_PENSION_CANCEL = matter_code("sib", "公共服务", 103)
WORKER_FUNERAL = matter_code("sib", "行政给付", 811)
CARD_CANCEL = matter_code("hrss", "公共服务", 812)
MEDICAL_STOP = matter_code("medins", "公共服务", 813)


def _death_proof(*, core: bool = True, deferrable: bool = False) -> dict[str, Any]:
    return mat(
        "death_proof",
        "居民死亡医学证明(推断)书",
        form="原件和复印件",
        source="其他",
        core=core,
        deferrable=deferrable,
        e_licence="居民死亡医学证明",
        notes="医疗机构出具;非正常死亡的提供公安机关出具的死亡证明。",
    )


def _kinship(*, cond: str | None = None) -> dict[str, Any]:
    return mat(
        "kinship_proof",
        "申请人与逝者关系证明(户口簿、结婚证或公证文书等)",
        form="复印件",
        deferrable=True,
        commitment=True,
        cond=cond,
        when="clerk" if cond else None,
        notes="可通过部门共享数据核验的,可以书面承诺代替。",
    )


def member_matters() -> list[dict[str, Any]]:
    """The member matters that the other sample modules do not define."""
    return [
        matter(
            seq=801, body="health", kind="公共服务", windows=W_GENERAL,
            name="出生医学证明首次签发", accepting=HEALTH_POINT,
            legal_basis=[
                "《中华人民共和国母婴保健法》第二十三条",
                "《出生医学证明管理办法》(国卫妇幼发〔2023〕35号)",
            ],
            conditions=["在本县助产机构出生的新生儿", "出生信息已由助产机构登记"],
            handling="promised", legal_limit=None, promised_limit=wd(2),
            result="《出生医学证明》(首次签发)", visits=1, online=True,
            procedure=["申请:父母填写首次签发登记表", "核对:签发机构核对分娩记录和父母身份信息",
                       "签发:打印《出生医学证明》", "出件:统一出件窗口领取或邮寄"],
            delivery=["窗口领取", "邮寄送达"],
            materials=[
                id_card("母亲", mid="mother_id", core=True),
                id_card("父亲", mid="father_id", core=False,
                        cond="需在出生医学证明上填写父亲信息的提供", when="clerk"),
                mat("delivery_record", "助产机构出具的新生儿出生信息登记表(分娩记录)",
                    source="其他", core=True, notes="由助产机构盖章。"),
                mat("issue_form", "《出生医学证明》首次签发登记表", core=True,
                    sample="出生医学证明首次签发登记表(样表)",
                    notes="新生儿姓名一经签发不得更改,请核对后签名。"),
                *agent_materials(),
            ],
        ),
        matter(
            seq=802, body="health", kind="公共服务", windows=W_GENERAL,
            name="预防接种证办理", accepting=HEALTH_POINT,
            legal_basis=["《中华人民共和国疫苗管理法》第四十七条"],
            conditions=["居住在本县的0—6周岁儿童"],
            handling="promised", legal_limit=None, promised_limit=wd(2),
            result="《预防接种证》", visits=1, online=False,
            procedure=["申请:监护人提出申请", "建证:接种单位建立预防接种证和接种档案",
                       "出件:统一出件窗口领取"],
            materials=[
                mat("guardian_id", "监护人居民身份证", medium="纸质或电子",
                    source="政府部门核发", core=True, e_licence="居民身份证",
                    notes="原件现场核验后当场退还。"),
                mat("birth_certificate", "《出生医学证明》", source="政府部门核发", core=True,
                    e_licence="出生医学证明"),
                mat("first_doses", "乙肝疫苗和卡介苗首针接种记录", source="其他",
                    deferrable=True, notes="助产机构出具;可容缺,由接种单位调取。"),
            ],
        ),
        matter(
            seq=803, body="police", kind="行政确认", windows=W_GENERAL,
            name="出生登记(新生儿入户)", accepting=POLICE_POINT,
            legal_basis=["《中华人民共和国户口登记条例》第七条",
                         "《中华人民共和国居民身份证法》第三条"],
            conditions=["婴儿出生后一个月以内,由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报"],
            handling="promised", legal_limit=None, promised_limit=wd(3),
            result="户口簿新生儿本人页,公民身份号码", visits=1, online=True,
            procedure=["申报:监护人申报出生登记", "审核:户籍民警审核材料",
                       "登记:赋予公民身份号码并打印户口簿本人页", "出件:统一出件窗口领取"],
            materials=[
                mat("birth_certificate", "《出生医学证明》", source="政府部门核发", core=True,
                    e_licence="出生医学证明"),
                id_card("父母双方", mid="parents_id", form="原件和复印件", core=True),
                hukou(core=True, deferrable=False, commitment=False,
                      notes="随父或随母落户一方的户口簿。"),
                mat("marriage_cert", "父母结婚证", form="原件和复印件", source="政府部门核发",
                    e_licence="结婚证", cond="父母为夫妻关系的提供", when="clerk",
                    deferrable=True),
                mat("declaration", "《出生登记申报表》", core=True,
                    sample="出生登记申报表(样表)"),
                *agent_materials(),
            ],
        ),
        matter(
            seq=804, body="samr", kind="行政许可", windows=W_BUSINESS,
            name="食品经营许可(新办)", accepting=BUSINESS_POINT,
            legal_basis=["《中华人民共和国食品安全法》第三十五条",
                         "《食品经营许可和备案管理办法》(国家市场监督管理总局令第78号)第十二条、第二十二条"],
            conditions=["具有与经营的食品品种、数量相适应的经营场所、设备设施和食品安全管理人员",
                        "已取得营业执照等主体资格证明"],
            handling="promised", legal_limit=wd(10), promised_limit=wd(5),
            result="《食品经营许可证》", visits=1, online=True,
            fee=admin_license_fee(), delivery=["窗口领取", "邮寄送达", "电子送达"],
            procedure=["申请", "受理", "审查(必要时现场核查)", "决定", "发证"],
            special_steps=[],
            materials=[
                mat("application", "《食品经营许可申请书》", core=True,
                    sample="食品经营许可申请书(样表)"),
                mat("licence", "营业执照", form="复印件", source="政府部门核发", core=True,
                    e_licence="营业执照"),
                id_card("经营者", core=True),
                mat("layout_plan", "经营场所平面布局图和设备布局、操作流程说明", core=True,
                    notes="标明各功能区、设备设施位置。"),
                mat("safety_rules", "食品安全管理制度目录", deferrable=True, commitment=True),
                mat("health_certificates", "从业人员健康证明", form="复印件", deferrable=True,
                    commitment=True),
                *agent_materials(),
            ],
        ),
        matter(
            seq=805, body="health", kind="行政许可", windows=W_BUSINESS,
            name="公共场所卫生许可", accepting=BUSINESS_POINT,
            legal_basis=["《公共场所卫生管理条例》第八条",
                         "《公共场所卫生管理条例实施细则》第二十二条"],
            conditions=["兼营住宿、沐浴、美容美发等公共场所的"],
            handling="promised", legal_limit=wd(20), promised_limit=wd(10),
            result="《公共场所卫生许可证》", visits=1, online=True,
            fee=admin_license_fee(),
            procedure=["申请", "受理", "现场审查", "决定", "发证"],
            materials=[
                mat("application", "《公共场所卫生许可申请表》", core=True),
                mat("licence", "营业执照", form="复印件", source="政府部门核发", core=True,
                    e_licence="营业执照"),
                id_card("法定代表人或负责人", core=True),
                mat("layout_plan", "公共场所地址方位示意图、平面图和卫生设施平面布局图", core=True),
                mat("hygiene_test", "公共场所卫生检测或评价报告", source="其他", core=True),
                mat("health_certificates", "从业人员健康证明", form="复印件", deferrable=True),
                mat("hygiene_rules", "公共场所卫生管理制度", deferrable=True, commitment=True),
            ],
        ),
        matter(
            seq=806, body="urban", kind="行政许可", windows=W_BUILD,
            name="户外招牌设置审批", accepting="青石镇便民服务中心城建国土窗口",
            legal_basis=["《城市市容和环境卫生管理条例》第十一条"],
            conditions=["在临街建筑物外立面设置店招标牌的"],
            handling="promised", legal_limit=wd(20), promised_limit=wd(5),
            result="户外招牌设置许可决定书", visits=1, online=True, fee=admin_license_fee(),
            procedure=["申请", "受理", "审查", "决定"],
            materials=[
                mat("application", "户外招牌设置申请表", core=True),
                mat("licence", "营业执照", form="复印件", source="政府部门核发", core=True,
                    e_licence="营业执照"),
                id_card("申请人", core=True),
                mat("sign_design", "招牌设计效果图(标明尺寸、材质、位置)", core=True),
                mat("premises_proof", "经营场所使用证明", form="复印件", deferrable=True),
            ],
        ),
        matter(
            seq=807, body="sib", kind="行政给付", windows=W_SOCIAL,
            name="企业职工基本养老保险退休待遇申领", accepting=SOCIAL_POINT,
            legal_basis=["《中华人民共和国社会保险法》第十六条",
                         "《国务院关于完善企业职工基本养老保险制度的决定》(国发〔2005〕38号)"],
            conditions=["达到法定退休年龄", "累计缴费满十五年"],
            handling="promised", legal_limit=None, promised_limit=wd(10),
            result="基本养老金核定表,退休证明", visits=1, online=True,
            procedure=["申请", "受理", "审核档案和缴费记录", "核定待遇", "出件"],
            materials=[
                id_card("参保人", core=True),
                mat("claim_form", "《基本养老保险待遇申领表》", core=True,
                    sample="基本养老保险待遇申领表(样表)"),
                mat("personnel_file", "本人人事档案", source="其他", core=True,
                    cond="有人事档案的提供(由存档机构转递)", when="clerk",
                    notes="灵活就业人员档案由公共就业服务机构转递。"),
                bank_account(),
                *agent_materials(),
            ],
        ),
        matter(
            seq=808, body="medins", kind="行政确认", windows=W_SOCIAL,
            name="职工基本医疗保险退休人员待遇核定", accepting=SOCIAL_POINT,
            legal_basis=["《中华人民共和国社会保险法》第二十七条"],
            conditions=["已办理退休,职工医保累计缴费年限达到本省规定"],
            handling="promised", legal_limit=None, promised_limit=wd(5),
            result="退休人员医保待遇核定结果", visits=0, online=True,
            delivery=["电子送达", "窗口领取"],
            procedure=["申请", "核定缴费年限", "办结"],
            materials=[
                id_card("参保人", core=True),
                mat("retire_approval", "基本养老金核定表(退休审批结果)", form="复印件",
                    source="政府部门核发", core=True),
                mat("years_form", "《职工医保缴费年限核定表》", core=True),
            ],
        ),
        matter(
            seq=809, body="hpf", kind="公共服务", windows=W_SOCIAL,
            name="住房公积金提取(退休)", accepting=SOCIAL_POINT,
            legal_basis=["《住房公积金管理条例》第二十四条"],
            conditions=["职工离休、退休的"],
            handling="promised", legal_limit=None, promised_limit=wd(3),
            result="住房公积金账户余额转入本人银行卡并销户", visits=0, online=True,
            delivery=["电子送达"],
            procedure=["申请", "审核", "转账", "销户"],
            materials=[
                id_card("职工", core=True),
                mat("retire_proof", "退休证明(基本养老金核定表)", form="复印件",
                    source="政府部门核发", core=True),
                mat("bank_card", "本人一类银行结算账户", form="复印件", core=False,
                    deferrable=True),
            ],
        ),
        matter(
            seq=810, body="police", kind="行政确认", windows=W_GENERAL,
            name="死亡人员户口注销", accepting=POLICE_POINT,
            legal_basis=["《中华人民共和国户口登记条例》第八条"],
            conditions=["公民死亡,城市在葬前、农村在一个月以内由户主、亲属等申报注销"],
            handling="promised", legal_limit=None, promised_limit=wd(1),
            result="户口注销证明", visits=1, online=False,
            procedure=["申报", "审核", "注销户口并收回居民身份证", "出具户口注销证明"],
            materials=[
                _death_proof(),
                hukou(core=True, deferrable=False, commitment=False,
                      notes="逝者所在户的户口簿。"),
                mat("deceased_id", "逝者居民身份证", source="政府部门核发",
                    cond="逝者办理过居民身份证的交回", when="clerk", deferrable=True,
                    notes="遗失的可书面说明。"),
                id_card("申报人", core=True),
            ],
        ),
        matter(
            seq=811, body="sib", kind="行政给付", windows=W_SOCIAL,
            name="企业职工丧葬补助金和抚恤金申领", accepting=SOCIAL_POINT,
            legal_basis=["《中华人民共和国社会保险法》第十七条、第四十九条"],
            conditions=["参加企业职工基本养老保险的个人因病或者非因工死亡"],
            handling="promised", legal_limit=None, promised_limit=wd(10),
            result="丧葬补助金、抚恤金发放至申领人账户", visits=1, online=True,
            delivery=["电子送达", "窗口领取"],
            procedure=["申请", "审核", "核定发放"],
            materials=[
                mat("claim_form", "《丧葬补助金、抚恤金申领表》", core=True),
                _death_proof(),
                mat("hukou_cancel_proof", "户口注销证明", form="复印件",
                    source="政府部门核发", core=True),
                id_card("申领人", core=True),
                _kinship(),
                bank_account(),
                *agent_materials(),
            ],
        ),
        matter(
            seq=812, body="hrss", kind="公共服务", windows=W_SOCIAL,
            name="社会保障卡注销", accepting=SOCIAL_POINT,
            legal_basis=["人力资源社会保障部关于社会保障卡发行和应用管理的有关规定"],
            conditions=["持卡人死亡的"],
            handling="promised", legal_limit=None, promised_limit=wd(1),
            result="社会保障卡注销", visits=0, online=True, delivery=["电子送达"],
            procedure=["申请", "注销"],
            materials=[
                mat("card", "逝者社会保障卡", cond="实体卡在亲属手中的交回", when="clerk",
                    deferrable=True),
                mat("hukou_cancel_proof", "户口注销证明", form="复印件",
                    source="政府部门核发", core=True),
                id_card("申请人", core=True),
            ],
        ),
        matter(
            seq=813, body="medins", kind="公共服务", windows=W_SOCIAL,
            name="基本医疗保险参保人员死亡停保", accepting=SOCIAL_POINT,
            legal_basis=["《中华人民共和国社会保险法》第二十三条、第二十五条"],
            conditions=["参保人死亡的"],
            handling="promised", legal_limit=None, promised_limit=wd(1),
            result="停止参保并清算个人账户", visits=0, online=True, delivery=["电子送达"],
            procedure=["申请", "停保", "个人账户清算"],
            materials=[
                mat("hukou_cancel_proof", "户口注销证明", form="复印件",
                    source="政府部门核发", core=True),
                id_card("申请人", core=True),
                bank_account(),
            ],
            faqs=faq(("个人账户余额怎么办?", "依法由继承人继承,转入申请人账户。")),
        ),
    ]


# ---------------------------------------------------------------- bundles


def _serve(matter_code_: str, material: str) -> dict[str, str]:
    return {"matter": matter_code_, "material": material}


def _member(code: str, *, optional: str = "", waits_for: tuple[str, ...] = ()) -> dict[str, Any]:
    m: dict[str, Any] = {"matter": code, "included": "optional" if optional else "always"}
    if optional:
        m["choose_when"] = optional
    if waits_for:
        m["waits_for"] = list(waits_for)
    return m


def _line(lid: str, name: str, *serves: dict[str, str], produced_by: str | None = None,
          ) -> dict[str, Any]:
    line: dict[str, Any] = {"id": lid, "name": name, "serves": list(serves)}
    if produced_by:
        line["produced_by"] = produced_by
    return line


def bundles() -> list[dict[str, Any]]:
    """The four bundles of 国发〔2024〕3号's first list that a township centre takes in."""
    return [
        {
            "code": "YJS-999901-001", "version": 1, "name": "新生儿出生一件事",
            "keywords": ["出生一件事", "新生儿", "生孩子", "上户口"],
            "windows": W_GENERAL,
            "basis": ["《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》(国发〔2024〕3号)",
                      "《中华人民共和国行政许可法》第二十六条"],
            "combined_limit": wd(5),
            "status": "active",
            "members": [
                _member(BIRTH_CERT),
                _member(VACCINATION, waits_for=(BIRTH_CERT,)),
                _member(BIRTH_HUKOU, waits_for=(BIRTH_CERT,)),
                _member(MEDICAL_ENROL, waits_for=(BIRTH_HUKOU,)),
                _member(SOCIAL_CARD, optional="新生儿需要社会保障卡的", waits_for=(BIRTH_HUKOU,)),
            ],
            "materials": [
                _line("parents_id", "父母双方居民身份证",
                      _serve(BIRTH_CERT, "mother_id"), _serve(BIRTH_CERT, "father_id"),
                      _serve(VACCINATION, "guardian_id"), _serve(BIRTH_HUKOU, "parents_id"),
                      _serve(SOCIAL_CARD, "guardian_id")),
                _line("birth_certificate", "《出生医学证明》",
                      _serve(VACCINATION, "birth_certificate"),
                      _serve(BIRTH_HUKOU, "birth_certificate"),
                      _serve(MEDICAL_ENROL, "birth_certificate"), produced_by=BIRTH_CERT),
                _line("hukou", "居民户口簿", _serve(BIRTH_HUKOU, "hukou"),
                      _serve(MEDICAL_ENROL, "hukou")),
                _line("newborn_id", "新生儿公民身份号码(户口登记后共享)",
                      _serve(MEDICAL_ENROL, "id_card"), _serve(SOCIAL_CARD, "id_card"),
                      produced_by=BIRTH_HUKOU),
                _line("power_of_attorney", "授权委托书",
                      _serve(BIRTH_CERT, "power_of_attorney"),
                      _serve(BIRTH_HUKOU, "power_of_attorney"),
                      _serve(MEDICAL_ENROL, "power_of_attorney"),
                      _serve(SOCIAL_CARD, "power_of_attorney")),
                _line("agent_id_card", "受托人居民身份证",
                      _serve(BIRTH_CERT, "agent_id_card"), _serve(BIRTH_HUKOU, "agent_id_card"),
                      _serve(MEDICAL_ENROL, "agent_id_card"),
                      _serve(SOCIAL_CARD, "agent_id_card")),
            ],
        },
        {
            "code": "YJS-999901-002", "version": 1, "name": "开办餐饮店一件事",
            "keywords": ["开饭店", "开餐馆", "餐饮一件事", "开店"],
            "windows": W_BUSINESS,
            "basis": ["《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》(国发〔2024〕3号)",
                      "《中华人民共和国行政许可法》第二十六条、第四十二条"],
            "combined_limit": wd(10),
            "status": "active",
            "members": [
                _member(SOLE_TRADER),
                _member(FOOD_LICENCE, waits_for=(SOLE_TRADER,)),
                _member(HYGIENE_LICENCE, optional="兼营住宿、沐浴、美容美发等公共场所的",
                        waits_for=(SOLE_TRADER,)),
                _member(SHOP_SIGN, optional="设置户外招牌的", waits_for=(SOLE_TRADER,)),
            ],
            "materials": [
                _line("operator_id", "经营者居民身份证", _serve(SOLE_TRADER, "id_card"),
                      _serve(FOOD_LICENCE, "id_card"), _serve(HYGIENE_LICENCE, "id_card"),
                      _serve(SHOP_SIGN, "id_card")),
                _line("licence", "营业执照(个体工商户登记后共享)", _serve(FOOD_LICENCE, "licence"),
                      _serve(HYGIENE_LICENCE, "licence"), _serve(SHOP_SIGN, "licence"),
                      produced_by=SOLE_TRADER),
                _line("premises_proof", "经营场所使用证明", _serve(SOLE_TRADER, "premises_proof"),
                      _serve(SHOP_SIGN, "premises_proof")),
                _line("layout_plan", "经营场所平面布局图", _serve(FOOD_LICENCE, "layout_plan"),
                      _serve(HYGIENE_LICENCE, "layout_plan")),
                _line("health_certificates", "从业人员健康证明",
                      _serve(FOOD_LICENCE, "health_certificates"),
                      _serve(HYGIENE_LICENCE, "health_certificates")),
                _line("power_of_attorney", "授权委托书",
                      _serve(SOLE_TRADER, "power_of_attorney"),
                      _serve(FOOD_LICENCE, "power_of_attorney")),
                _line("agent_id_card", "受托人居民身份证",
                      _serve(SOLE_TRADER, "agent_id_card"), _serve(FOOD_LICENCE, "agent_id_card")),
            ],
        },
        {
            "code": "YJS-999901-003", "version": 1, "name": "退休一件事",
            "keywords": ["退休一件事", "办退休", "养老金"],
            "windows": W_SOCIAL,
            "basis": ["《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》(国发〔2024〕3号)"],
            "combined_limit": None,
            "status": "active",
            "members": [
                _member(PENSION_CLAIM),
                _member(RETIREE_MEDICAL, waits_for=(PENSION_CLAIM,)),
                _member(FUND_WITHDRAWAL, optional="缴存了住房公积金的", waits_for=(PENSION_CLAIM,)),
            ],
            "materials": [
                _line("id_card", "本人居民身份证", _serve(PENSION_CLAIM, "id_card"),
                      _serve(RETIREE_MEDICAL, "id_card"), _serve(FUND_WITHDRAWAL, "id_card")),
                _line("retire_approval", "基本养老金核定表(退休审批后共享)",
                      _serve(RETIREE_MEDICAL, "retire_approval"),
                      _serve(FUND_WITHDRAWAL, "retire_proof"), produced_by=PENSION_CLAIM),
                _line("bank_account", "本人社会保障卡(金融账户)或银行账户",
                      _serve(PENSION_CLAIM, "bank_account"), _serve(FUND_WITHDRAWAL, "bank_card")),
            ],
        },
        {
            "code": "YJS-999901-004", "version": 1, "name": "身后一件事",
            "keywords": ["身后一件事", "去世", "死亡销户", "丧葬"],
            "windows": W_LIFE,
            "basis": ["《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》(国发〔2024〕3号)"],
            "combined_limit": wd(10),
            "status": "active",
            "members": [
                _member(DEATH_HUKOU),
                _member(FUNERAL_SUBSIDY, optional="逝者遗体火化且符合惠民殡葬政策的"),
                _member(RESIDENT_PENSION_CANCEL, optional="逝者参加城乡居民基本养老保险的"),
                _member(WORKER_FUNERAL, optional="逝者参加企业职工基本养老保险的",
                        waits_for=(DEATH_HUKOU,)),
                _member(CARD_CANCEL, waits_for=(DEATH_HUKOU,)),
                _member(MEDICAL_STOP, waits_for=(DEATH_HUKOU,)),
            ],
            "materials": [
                _line("death_proof", "居民死亡医学证明(推断)书", _serve(DEATH_HUKOU, "death_proof"),
                      _serve(FUNERAL_SUBSIDY, "death_proof"),
                      _serve(RESIDENT_PENSION_CANCEL, "death_proof"),
                      _serve(WORKER_FUNERAL, "death_proof")),
                _line("applicant_id", "申请人(家属)居民身份证", _serve(DEATH_HUKOU, "id_card"),
                      _serve(FUNERAL_SUBSIDY, "id_card"), _serve(RESIDENT_PENSION_CANCEL, "id_card"),
                      _serve(WORKER_FUNERAL, "id_card"), _serve(CARD_CANCEL, "id_card"),
                      _serve(MEDICAL_STOP, "id_card")),
                _line("kinship_proof", "申请人与逝者关系证明",
                      _serve(FUNERAL_SUBSIDY, "kinship_proof"),
                      _serve(RESIDENT_PENSION_CANCEL, "kinship_proof"),
                      _serve(WORKER_FUNERAL, "kinship_proof")),
                _line("bank_account", "申请人社会保障卡(金融账户)或银行账户",
                      _serve(FUNERAL_SUBSIDY, "bank_account"),
                      _serve(RESIDENT_PENSION_CANCEL, "heir_bank_account"),
                      _serve(WORKER_FUNERAL, "bank_account"), _serve(MEDICAL_STOP, "bank_account")),
                _line("hukou_cancel_proof", "户口注销证明(户口注销后共享)",
                      _serve(WORKER_FUNERAL, "hukou_cancel_proof"),
                      _serve(CARD_CANCEL, "hukou_cancel_proof"),
                      _serve(MEDICAL_STOP, "hukou_cancel_proof"), produced_by=DEATH_HUKOU),
            ],
        },
    ]
