"""Arbitrary Unicode in every text field never makes the renderer fail."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
)
from clerk_app.documents.notices import render_notice, unprintable_characters
from tests.documents.samples import sample

# Characters that have broken PDF renderers before: markup, controls, lone surrogates,
# bidi overrides, emoji and their joiners, rare ideographs, combining marks.
NASTY = [
    "<",
    ">",
    "&",
    "<font>",
    "</para>",
    "&amp;",
    "<br/>",
    "\x00",
    "\x07",
    "\n",
    "\r\n",
    "\t",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u200d",
    "\ufeff",
    "😀",
    "👨‍👩‍👧",
    "𠈌",
    "𫖯",
    "䶮",
    "㐀",
    "\u0301",
    "\u3000",
    "\xa0",
    "{applicant_name}",
    "%s",
    "\\",
    "\U0010ffff",
    "\ue000",
]
pieces = st.one_of(st.characters(), st.characters(codec="utf-8"), st.sampled_from(NASTY))
text = st.lists(pieces, max_size=40).map("".join)
# 2,000 characters: a random stretch repeated (2,000 independent draws exceed Hypothesis' budget).
# CJK stretches make the tallest cells: a single table row longer than a page.
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
long_text = st.lists(pieces | cjk, min_size=20, max_size=120).map(
    lambda p: ("".join(p) * 2000)[:2000]
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@st.composite
def people(draw: st.DrawFn, address: st.SearchStrategy[str] = text) -> PersonLine:
    return PersonLine(
        name=draw(text),
        document_label=draw(text),
        document_number=draw(text),
        phone=draw(text),
        address=draw(address),
        document_number_masked=draw(text),
        phone_masked=draw(text),
    )


@st.composite
def materials(draw: st.DrawFn) -> MaterialLine:
    return MaterialLine(
        name=draw(text),
        form=draw(text),
        copies_required=draw(st.integers(-5, 10**6)),
        copies_received=draw(st.integers(-5, 10**6)),
        status=draw(st.sampled_from(list(MaterialStatus))),
        requirement=draw(text),
        promised_date=draw(st.none() | dates),
        state_label=draw(text),
    )


@st.composite
def notices(draw: st.DrawFn) -> NoticeData:
    kind = draw(st.sampled_from(list(NoticeKind)))
    base = sample(kind, "个体工商户设立登记")
    centre = CentreInfo(
        name=draw(text),
        address=draw(text),
        phone=draw(text),
        seal_image=None,
        qr_base_url=draw(st.sampled_from(["", "https://zwfw.example.gov.cn/q?no="]) | text),
        serial_prefix=draw(text),
        hours=draw(text),
    )
    strings: dict[str, Any] = {
        f.name: draw(text)
        for f in fields(NoticeData)
        if f.type == "str" and f.name not in {"application_no"}
    }
    return replace(
        base,
        **strings,
        centre=centre,
        application_no=draw(text | st.from_regex(r"[0-9A-Z-]{1,40}", fullmatch=True)),
        applicant=draw(people()),
        agent=draw(st.none() | people()),
        legal_person=draw(st.none() | st.builds(LegalPerson, text, text, text)),
        materials=tuple(draw(st.lists(materials(), max_size=6))),
        received_on=draw(dates),
        issued_on=draw(dates),
        due_date=draw(st.none() | dates),
        due_provisional=draw(st.booleans()),
        promised_days=draw(st.none() | st.integers(-10, 10**9)),
        remedies=draw(st.none() | st.builds(Remedies, text, text)),
        handover=draw(
            st.none()
            | st.builds(
                Handover, st.lists(text, max_size=3).map(tuple), text, text, text, text, text
            )
        ),
        commitments=tuple(draw(st.lists(st.builds(CommitmentItem, text, text), max_size=4))),
        reprint_at=draw(st.none() | st.datetimes(min_value=datetime(1900, 1, 1))),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notices(), st.lists(text, min_size=1, max_size=3).map(tuple))
def test_renderer_never_fails_on_arbitrary_text(data: NoticeData, copies: tuple[str, ...]) -> None:
    pdf = render_notice(data, copies)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    missing = unprintable_characters(data)
    assert all(len(char) == 1 and not char.isspace() for char in missing)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(long_text, long_text, st.sampled_from(list(NoticeKind)))
def test_two_thousand_character_fields_flow_onto_more_pages(
    address: str, reason: str, kind: NoticeKind
) -> None:
    base = sample(kind, "个体工商户设立登记")
    materials = tuple(
        replace(line, requirement=reason, name=address[:600]) for line in base.materials
    )
    data = replace(
        base,
        applicant=replace(base.applicant, address=address, name=address[:300]),
        refusal_reason=reason,
        matter_name=reason[:500],
        materials=materials,
        clerk_name=address,
    )
    assert render_notice(data, ("申请人留存", "窗口存档")).startswith(b"%PDF")
