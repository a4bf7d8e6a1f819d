"""Every kind of notice for every applicant type, read back with pdftotext: who is who.

A natural person is the 申请人; an organisation is the 申请单位 with its own 统一社会信用代码,
phone and 住所, its 法定代表人, and the 经办人 who came to the counter (his ID and phone in his
own row, never as the unit's or the representative's); an agent has his own row.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from clerk_app.documents.notice_data import (
    MaterialStatus,
    NoticeData,
    NoticeKind,
    PersonLine,
    Remedies,
)
from clerk_app.documents.notices import render_notice
from tests.documents.pdf_tools import pdf_text, require_poppler, squeezed
from tests.documents.samples import LI_AGENT, SHOP, SHOP_PHONE, WANG, ZHANG, organisation, sample

MATTER = "农村村民宅基地和建房（规划许可）审批"
APPLICANT_TYPES = ("person", "person_agent", "unit", "unit_agent")
WITH_FACTS = [kind for kind in NoticeKind if kind is not NoticeKind.SERVICE_RECEIPT]
SIGNED_AT_COUNTER = (NoticeKind.ACCEPTANCE, NoticeKind.CORRECTION,
                     NoticeKind.DEFERRED_ACCEPTANCE, NoticeKind.REFUSAL)


@pytest.fixture(autouse=True)
def _poppler() -> None:
    require_poppler()


def _data(kind: NoticeKind, applicant_type: str) -> NoticeData:
    data = sample(kind, MATTER, number=700 + list(NoticeKind).index(kind))
    agent = LI_AGENT if applicant_type.endswith("agent") else None
    if applicant_type.startswith("unit"):
        return replace(data, applicant=organisation(SHOP), contact=ZHANG, legal_person=SHOP,
                       agent=agent)
    return replace(data, applicant=WANG, contact=None, legal_person=None, agent=agent)


@cache
def _text(kind: NoticeKind, applicant_type: str, copy: str = "申请人留存") -> str:
    return squeezed(pdf_text(render_notice(_data(kind, applicant_type), (copy,))))


def _id(person: PersonLine, copy: str) -> str:
    return person.document_number if copy == "申请人留存" else person.document_number_masked


def _phone(person: PersonLine, copy: str) -> str:
    return person.phone if copy == "申请人留存" else person.phone_masked


@pytest.mark.parametrize("applicant_type", APPLICANT_TYPES)
@pytest.mark.parametrize("kind", WITH_FACTS, ids=lambda kind: kind.value)
def test_applicant_block_says_who_is_who(kind: NoticeKind, applicant_type: str) -> None:
    text = _text(kind, applicant_type)
    copy = "申请人留存"
    if applicant_type.startswith("unit"):
        assert f"申请单位{SHOP.unit_name}（统一社会信用代码：{SHOP.uscc}）" in text
        assert f"法定代表人{SHOP.representative}" in text
        assert f"单位电话{SHOP_PHONE}" in text  # the company's own phone
        # the 经办人's ID and phone are in his own row, next to his name
        assert f"经办人{ZHANG.name}{ZHANG.document_label}：{_id(ZHANG, copy)}电话：" \
               f"{_phone(ZHANG, copy)}" in text
        assert f"申请人{ZHANG.name}" not in text  # the person at the counter is not the applicant
        if kind in SIGNED_AT_COUNTER:
            assert "经办人（签收）：" in text and "申请人（签收）：" not in text
        assert f"单位电话{ZHANG.phone}" not in text
        assert f"法定代表人{SHOP.representative}{ZHANG.document_label}" not in text
    else:
        assert f"申请人{WANG.name}{WANG.document_label}{_id(WANG, copy)}" in text
        assert f"联系电话{WANG.phone}" in text
        assert "申请单位" not in text and "经办人" not in text.replace("窗口经办人", "")
        if kind in SIGNED_AT_COUNTER:
            assert "申请人（签收）：" in text
    if applicant_type.endswith("agent"):
        assert f"代理人{LI_AGENT.name}{LI_AGENT.document_label}：{_id(LI_AGENT, copy)}" in text
    else:
        assert f"代理人{LI_AGENT.name}" not in text


@pytest.mark.parametrize("kind", [NoticeKind.ACCEPTANCE, NoticeKind.REFUSAL],
                         ids=lambda kind: kind.value)
def test_masked_copies_mask_people_but_not_the_organisation(kind: NoticeKind) -> None:
    text = _text(kind, "unit_agent", "窗口存档")
    assert SHOP.uscc in text and SHOP_PHONE in text  # public data of the organisation
    assert ZHANG.document_number_masked in text and ZHANG.document_number not in text
    assert ZHANG.phone not in text and LI_AGENT.document_number not in text


def test_deferred_table_says_what_is_required() -> None:
    data = _data(NoticeKind.DEFERRED_ACCEPTANCE, "person")
    deferred = [line for line in data.materials if line.status is MaterialStatus.DEFERRED]
    assert deferred and all(line.requirement for line in deferred)
    text = _text(NoticeKind.DEFERRED_ACCEPTANCE, "person")
    for line in deferred:
        assert squeezed(line.name + line.requirement) in text, line.name


def _refusal(remedies: Remedies | None) -> str:
    data = replace(sample(NoticeKind.REFUSAL, MATTER, number=780), remedies=remedies)
    return squeezed(pdf_text(render_notice(data, ("申请人留存",))))


def test_refusal_remedies_make_one_correct_sentence() -> None:
    text = _refusal(Remedies("青川县人民政府", "青川县人民法院"))
    assert ("如对本决定不服，可以自知道本决定之日起六十日内向青川县人民政府申请行政复议，也可以自"
            "知道或者应当知道本决定之日起六个月内向青川县人民法院提起行政诉讼。") in text
    assert "复核" not in text


def test_refusal_remedies_with_a_recheck_and_other_periods() -> None:
    text = _refusal(Remedies("青川县人民政府", "有管辖权的人民法院", review_days=30,
                             litigation_months=3, recheck_body="青川县人力资源和社会保障局"))
    assert ("如对本决定有异议，可以向青川县人力资源和社会保障局申请复核；对本决定不服的，也可以自知道"
            "本决定之日起三十日内向青川县人民政府申请行政复议，或者自知道或者应当知道本决定之日起三个月"
            "内向有管辖权的人民法院提起行政诉讼。") in text
    assert text.count("申请行政复议") == 1


def test_refusal_without_remedy_data_names_no_body() -> None:
    text = _refusal(None)
    assert "如对本决定不服，可以依法申请行政复议或者提起行政诉讼。" in text
    assert "六十日" not in text
