"""Shared names, helpers and boilerplate for the sample catalogue generator.

Everything here is fictional: 青石县 / 青石镇, the region code 999901 and the phone
numbers do not belong to any real place. Legal bases are real texts.
"""

from __future__ import annotations

from typing import Any

COUNTY = "青石县"
TOWN = "青石镇"
TOWN_GOV = "青石镇人民政府"
CENTRE = "青石镇便民服务中心"
CENTRE_ADDRESS = "青石县青石镇人民路88号青石镇便民服务中心一楼大厅"
HOURS = (
    "周一至周五 上午9:00—12:00,下午14:00—17:30(法定节假日休息;"
    "国务院调休通知规定的周末上班日照常办理)"
)
COMPLAINT_PHONE = "12345"

# 3+X windows of the fictional centre and their consultation phones.
WINDOW_PHONES = {
    "社会保障": "0838-6201201",
    "民生事务": "0838-6201202",
    "综合服务": "0838-6201203",
    "商事登记": "0838-6201204",
    "城建国土": "0838-6201205",
    "农林渔牧": "0838-6201206",
    "退役军人服务": "0838-6201207",
}
WINDOW_NUMBERS = {
    "社会保障": "1—3号",
    "民生事务": "4—6号",
    "综合服务": "7—8号",
    "商事登记": "9—10号",
    "城建国土": "11号",
    "农林渔牧": "12号",
    "退役军人服务": "13号",
}

# Deciding / implementing bodies: (name, two-digit department code, organisation code).
BODIES: dict[str, tuple[str, str, str]] = {
    "town": (TOWN_GOV, "40", "MB0000401"),
    "hrss": ("青石县人力资源和社会保障局", "21", "MB0000211"),
    "sib": ("青石县社会保险事业管理局", "21", "MB0000212"),
    "medins": ("青石县医疗保障局", "22", "MB0000221"),
    "civil": ("青石县民政局", "23", "MB0000231"),
    "dpf": ("青石县残疾人联合会", "24", "MB0000241"),
    "health": ("青石县卫生健康局", "25", "MB0000251"),
    "veterans": ("青石县退役军人事务局", "26", "MB0000261"),
    "samr": ("青石县市场监督管理局", "31", "MB0000311"),
    "nr": ("青石县自然资源局", "32", "MB0000321"),
    "housing": ("青石县住房和城乡建设局", "33", "MB0000331"),
    "agri": ("青石县农业农村局", "34", "MB0000341"),
    "forest": ("青石县林业局", "35", "MB0000351"),
    "police": ("青石县公安局", "36", "MB0000361"),
    "justice": ("青石县司法局", "37", "MB0000371"),
    "military": ("青石县人民武装部", "38", "MB0000381"),
    "hpf": ("青峰市住房公积金管理中心青石县管理部", "41", "MB0000411"),
    "urban": ("青石县综合行政执法局", "42", "MB0000421"),
}

KIND_CODES = {
    "行政许可": "01",
    "行政给付": "05",
    "行政确认": "07",
    "行政奖励": "08",
    "行政裁决": "09",
    "其他行政权力": "10",
    "公共服务": "20",
}

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SAMPLE_REGION = "999901"  # not a real administrative division code


def uscc(org9: str, region: str = SAMPLE_REGION, prefix: str = "11") -> str:
    """A 统一社会信用代码 (GB 32100-2015) with a correct check character."""
    body = prefix + region + org9
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def matter_code(body_key: str, kind: str, seq: int) -> str:
    """实施编码 shaped like the real ones: 实施主体编码 + 4 + 基本编码(12)."""
    _, dept, org = BODIES[body_key]
    basic = "99" + KIND_CODES[kind] + dept + f"{seq:03d}" + "000"
    return uscc(org) + "4" + basic


# ---------------------------------------------------------------- remedies


def remedies_admin(body: str) -> str:
    return (
        f"申请人对{body}作出的决定不服的,可以自知道或者应当知道该行政行为之日起六十日内,"
        f"依照《中华人民共和国行政复议法》向{COUNTY}人民政府申请行政复议;也可以自知道或者"
        "应当知道作出行政行为之日起六个月内,依照《中华人民共和国行政诉讼法》第四十六条向"
        "有管辖权的人民法院提起行政诉讼。"
    )


def remedies_service(body: str) -> str:
    return (
        f"对办理结果有异议的,可以向{body}申请复核;认为具体行政行为侵犯其合法权益的,"
        "可以自知道或者应当知道该行政行为之日起六十日内依法申请行政复议,或者自知道或者"
        "应当知道之日起六个月内依法向有管辖权的人民法院提起行政诉讼。"
    )


# ---------------------------------------------------------------- materials


def mat(
    mid: str,
    name: str,
    *,
    form: str = "原件",
    copies: int = 1,
    medium: str = "纸质",
    source: str = "申请人自备",
    cond: str | None = None,
    when: str | None = None,
    core: bool = False,
    deferrable: bool = False,
    commitment: bool = False,
    e_licence: str | None = None,
    notes: str = "",
    sample: str | None = None,
) -> dict[str, Any]:
    m: dict[str, Any] = {
        "id": mid,
        "name": name,
        "form": form,
        "copies": copies,
        "medium": medium,
        "source": source,
        "requirement": "conditional" if cond else "required",
    }
    if cond:
        if when is None:
            raise ValueError(f"{mid}: a conditional material needs `when`")
        m["condition"] = {"text": cond, "when": when}
    m.update(
        core=core,
        deferrable=deferrable,
        commitment_allowed=commitment,
        e_licence=e_licence,
        notes=notes,
        sample=sample,
    )
    return m


def id_card(
    who: str = "申请人",
    *,
    form: str = "原件",
    mid: str = "id_card",
    copies: int = 1,
    core: bool = True,
    cond: str | None = None,
    when: str | None = None,
) -> dict[str, Any]:
    notes = "原件现场核验后当场退还;可出示电子身份证或在窗口读卡核验。"
    if form == "原件和复印件":
        notes = "原件现场核验后当场退还,复印件留存(正反面复印在同一页)。可出示电子身份证,由窗口打印留存。"
    return mat(
        mid,
        f"{who}居民身份证",
        form=form,
        copies=copies,
        medium="纸质或电子",
        source="政府部门核发",
        core=core,
        e_licence="居民身份证",
        notes=notes,
        cond=cond,
        when=when,
    )


def hukou(
    *,
    form: str = "原件",
    core: bool = False,
    deferrable: bool = True,
    commitment: bool = True,
    cond: str | None = None,
    when: str | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    return mat(
        "hukou",
        "居民户口簿",
        form=form,
        medium="纸质或电子",
        source="政府部门核发",
        core=core,
        deferrable=deferrable,
        commitment=commitment,
        e_licence="户口簿",
        cond=cond,
        when=when,
        notes=notes
        if notes is not None
        else "提供户主页及本人页;户籍信息可通过公安部门共享数据核验的,可以书面承诺代替。",
    )


def agent_materials(letter_note: str = "") -> list[dict[str, Any]]:
    return [
        mat(
            "power_of_attorney",
            "授权委托书",
            cond="委托他人办理的提供",
            when="agent",
            notes=letter_note or "载明委托事项、权限和期限,由委托人签名(或按指印)。",
            sample="授权委托书(样表)",
        ),
        id_card("受托人", mid="agent_id_card", core=False, cond="委托他人办理的提供", when="agent"),
    ]


def bank_account(*, mid: str = "bank_account", deferrable: bool = True) -> dict[str, Any]:
    return mat(
        mid,
        "本人社会保障卡(金融账户)或银行账户信息",
        form="复印件",
        medium="纸质或电子",
        source="其他",
        deferrable=deferrable,
        e_licence="社会保障卡",
        notes="用于资金发放,须为申请人本人账户;优先使用社会保障卡金融账户(惠民惠农财政补贴资金“一卡通”)。",
    )


def econ_authorisation() -> dict[str, Any]:
    return mat(
        "econ_authorisation",
        "家庭经济状况核对授权书",
        core=True,
        copies=1,
        notes="共同生活的家庭成员中年满16周岁的均须本人签名(或按指印),授权核对收入、财产等信息。",
        sample="家庭经济状况核对授权书(样表)",
    )


def admin_license_fee() -> dict[str, Any]:
    return {
        "charged": False,
        "standard": "不收费",
        "basis": "《中华人民共和国行政许可法》第五十八条:行政机关实施行政许可不得收取任何费用,法律、行政法规另有规定的除外。",
    }


def no_fee(extra: str = "") -> dict[str, Any]:
    return {
        "charged": False,
        "standard": "不收费",
        "basis": extra or "本事项不属于行政事业性收费项目,依法不收取任何费用。",
    }


# ---------------------------------------------------------------- matters


def wd(days: int) -> dict[str, Any]:
    return {"days": days, "unit": "working"}


def nd(days: int) -> dict[str, Any]:
    return {"days": days, "unit": "natural"}


def step(
    name: str,
    days: int,
    basis: str,
    *,
    counts: bool = True,
    unit: str | None = None,
    charged: bool = False,
    in_person_at: str | None = None,
) -> dict[str, Any]:
    s: dict[str, Any] = {"name": name, "days": days}
    if unit:
        s["unit"] = unit
    s.update(basis=basis, charged=charged, counts_toward_limit=counts)
    if in_person_at:  # 本人到场: the applicant must appear at this place
        s.update(in_person=True, place=in_person_at)
    return s


def faq(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"q": q, "a": a} for q, a in pairs]


# 简称/俗称 the public and clerks use (事项关键词), searchable like the name.
KEYWORDS: dict[str, list[str]] = {
    "最低生活保障申请": ["低保"],
    "特困人员救助供养申请": ["五保", "特困供养"],
    "城乡居民基本养老保险参保登记": ["城乡居保", "农村养老保险"],
    "城乡居民基本养老保险待遇领取": ["领养老金"],
    "城乡居民基本医疗保险参保登记": ["医保", "居民医保"],
    "残疾人证新办": ["办残疾证"],
    "困难残疾人生活补贴和重度残疾人护理补贴申请": ["两项补贴", "残疾人两项补贴"],
    "高龄津贴申领": ["高龄补贴", "老年补贴"],
    "惠民殡葬补贴申领": ["丧葬补贴"],
    "个体工商户设立登记": ["个体户", "营业执照"],
    "就业创业证申领": ["失业证", "就业失业登记证"],
    "社会保障卡申领": ["社保卡"],
    "农村宅基地和建房（规划许可）申请": ["建房", "修房子"],
    "农村危房改造补助申请": ["危改"],
    "耕地地力保护补贴申报": ["种粮补贴"],
}

ADMIN_KINDS = {"行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "其他行政权力"}


def matter(
    *,
    seq: int,
    body: str,
    name: str,
    kind: str,
    windows: list[str],
    accepting: str,
    legal_basis: list[str],
    conditions: list[str],
    handling: str,
    legal_limit: dict[str, Any] | None,
    promised_limit: dict[str, Any],
    result: str,
    visits: int,
    online: bool,
    procedure: list[str],
    materials: list[dict[str, Any]],
    fee: dict[str, Any] | None = None,
    delivery: list[str] | None = None,
    special_steps: list[dict[str, Any]] | None = None,
    remedies: str | None = None,
    faqs: list[dict[str, str]] | None = None,
    quantity_limit: str = "无数量限制",
    applicants: list[str] | None = None,
    deciding: str | None = None,
    status: str = "active",
    withdrawn_reason: str | None = None,
    version: int = 1,
    village_decides: bool = False,
) -> dict[str, Any]:
    deciding = deciding or BODIES[body][0]
    if remedies is None:
        # An entrusted or jointly reviewed decision is the named body's own act.
        body_name = deciding.split("(")[0]
        remedies = remedies_admin(body_name) if kind in ADMIN_KINDS else remedies_service(body_name)
    first = windows[0]
    m: dict[str, Any] = {
        "code": matter_code(body, kind, seq),
        "version": version,
        "name": name,
        "kind": kind,
        "windows": windows,
        "keywords": KEYWORDS.get(name.replace("(", "（").replace(")", "）"), []),
        "applicants": applicants or ["自然人"],
        "accepting_body": accepting,
        "deciding_body": deciding,
        "legal_basis": legal_basis,
        "conditions": conditions,
        "quantity_limit": quantity_limit,
        "handling": handling,
        "legal_limit": legal_limit,
        "promised_limit": promised_limit,
        "fee": fee or no_fee(),
        "delivery": delivery or ["窗口领取"],
        "result": result,
        "visits": visits,
        "flags": {
            "max_one_trip": visits <= 1,
            "zero_visit": visits == 0,
            "one_window": True,
            "online": online,
        },
        "procedure": procedure,
        "special_steps": special_steps or [],
        "remedies": remedies,
        "consult_phone": WINDOW_PHONES[first],
        "complaint_phone": COMPLAINT_PHONE,
        "address": f"{CENTRE_ADDRESS}{first}窗口({WINDOW_NUMBERS[first]})",
        "hours": HOURS,
        "faq": faqs or [],
        "status": status,
    }
    if village_decides:  # 下放到村便民服务点: an agent may decide it at the village point
        m["village_decides"] = True
    if withdrawn_reason:
        m["withdrawn_reason"] = withdrawn_reason
    m["materials"] = materials
    return m
