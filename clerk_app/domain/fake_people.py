"""Made-up but valid people and companies (虚构人员与企业) for demo data and tests.

Deterministic: the same seed gives the same sequence. Region codes are real county codes
(GB/T 2260) so the numbers look right; towns, villages, streets and shop names are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from clerk_app.domain.identity import Sex, resident_id_check_char, uscc_check_char

# (county code, province, prefecture, county, landline area code)
_COUNTIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("510603", "四川省", "德阳市", "旌阳区", "0838"),
    ("510604", "四川省", "德阳市", "罗江区", "0838"),
    ("510623", "四川省", "德阳市", "中江县", "0838"),
    ("510681", "四川省", "德阳市", "广汉市", "0838"),
    ("510682", "四川省", "德阳市", "什邡市", "0838"),
    ("510683", "四川省", "德阳市", "绵竹市", "0838"),
    ("510104", "四川省", "成都市", "锦江区", "028"),
    ("510781", "四川省", "绵阳市", "江油市", "0816"),
    ("110105", "北京市", "", "朝阳区", "010"),
    ("310101", "上海市", "", "黄浦区", "021"),
    ("330106", "浙江省", "杭州市", "西湖区", "0571"),
    ("420102", "湖北省", "武汉市", "江岸区", "027"),
    ("440104", "广东省", "广州市", "越秀区", "020"),
    ("520102", "贵州省", "贵阳市", "南明区", "0851"),
    ("610103", "陕西省", "西安市", "碑林区", "029"),
)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
_GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋峰建国志文博"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英华红梅琳雪婷慧颖佳欣悦倩琴云莉兰萍晶燕丹蓉洁"
_PLACE_FIRST = "青云禾柳桂枫松杏兰梅竹石金玉清碧"
_PLACE_SECOND = "溪岭湾坪桥塘坝堰湖坡垭沟"
_TRADE_NAMES = "鑫源恒泰瑞丰华盛宏达安康润德嘉禾永兴隆昌明远信诚"
_BUSINESSES = (
    ("农业科技", "有限公司"),
    ("建筑工程", "有限公司"),
    ("商贸", "有限责任公司"),
    ("餐饮管理", "有限公司"),
    ("物流", "有限公司"),
    ("电子科技", "有限公司"),
)
_SHOPS = ("便利店", "餐馆", "理发店", "五金店", "农资店", "小吃店")
_COOPERATIVES = ("种植专业合作社", "养殖专业合作社", "果蔬专业合作社")
_SEXES: tuple[Sex, Sex] = ("男", "女")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # USCC alphabet, so the code stays valid


@dataclass(frozen=True)
class FakePerson:
    """A made-up person (虚构自然人) with a valid 居民身份证 number."""

    name: str
    sex: Sex
    birth_date: date
    resident_id: str
    mobile: str
    address: str


@dataclass(frozen=True)
class FakeCompany:
    """A made-up organisation (虚构市场主体) with a valid 统一社会信用代码."""

    name: str
    uscc: str
    category: str
    legal_representative: str
    phone: str
    address: str


def _org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


class FakePeople:
    """Seeded generator of made-up people and companies."""

    def __init__(
        self, seed: int, born_from: date = date(1945, 1, 1), born_to: date = date(2006, 12, 31)
    ) -> None:
        """Same ``seed`` -> same sequence; birth dates fall in [born_from, born_to]."""
        if born_to < born_from:
            raise ValueError("born_to must not be before born_from")
        self._rng = random.Random(seed)
        self._born_from = born_from
        self._span_days = (born_to - born_from).days

    def _name(self, sex: Sex) -> str:
        rng = self._rng
        surname = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(_SURNAMES)
        pool = _GIVEN_MALE if sex == "男" else _GIVEN_FEMALE
        return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))

    def _place(self, suffix: str) -> str:
        return self._rng.choice(_PLACE_FIRST) + self._rng.choice(_PLACE_SECOND) + suffix

    def _county(self) -> tuple[str, str, str, str, str]:
        return self._rng.choice(_COUNTIES)

    def _address(self, county: tuple[str, str, str, str, str]) -> str:
        _code, province, prefecture, district, _area = county
        rng = self._rng
        if rng.random() < 0.5:
            tail = f"{self._place('村')}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
        else:
            tail = f"{self._place('路')}{rng.randint(1, 300)}号"
        return f"{province}{prefecture}{district}{self._place('镇')}{tail}"

    def person(self) -> FakePerson:
        """A new made-up person."""
        rng = self._rng
        county = self._county()
        sex = rng.choice(_SEXES)
        born = self._born_from + timedelta(days=rng.randint(0, self._span_days))
        sequence = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
        first17 = f"{county[0]}{born:%Y%m%d}{sequence:03d}"
        mobile = f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"
        return FakePerson(
            name=self._name(sex),
            sex=sex,
            birth_date=born,
            resident_id=first17 + resident_id_check_char(first17),
            mobile=mobile,
            address=self._address(county),
        )

    def company(self) -> FakeCompany:
        """A new made-up enterprise (91), individual business (92) or cooperative (93)."""
        rng = self._rng
        county = self._county()
        code, _province, prefecture, district, area = county
        trade = rng.choice(_TRADE_NAMES) + rng.choice(_TRADE_NAMES)
        kind = rng.choice(("1", "1", "2", "3"))
        if kind == "1":
            business, form = rng.choice(_BUSINESSES)
            name, category = f"{prefecture or district}{trade}{business}{form}", "企业"
        elif kind == "2":
            name, category = f"{district}{trade}{rng.choice(_SHOPS)}", "个体工商户"
        else:
            name, category = f"{district}{trade}{rng.choice(_COOPERATIVES)}", "农民专业合作社"
        body = "".join(rng.choice(_ORG_CODE_BODY if i else "0123456789") for i in range(8))
        first17 = f"9{kind}{code}{body}{_org_code_check(body)}"
        phone = f"{area}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"
        if len(area) == 3:  # three-digit area codes have eight-digit local numbers
            phone += str(rng.randrange(10))
        return FakeCompany(
            name=name,
            uscc=first17 + uscc_check_char(first17),
            category=category,
            legal_representative=self._name(rng.choice(_SEXES)),
            phone=phone,
            address=self._address(county),
        )
