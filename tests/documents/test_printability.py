"""Printability as typed: the form's quick answer agrees with the renderer's fonts."""

from __future__ import annotations

from datetime import date

from clerk_app.documents.fonts import missing_glyphs
from clerk_app.services.intake import printability
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput, form_problems


def test_the_ranges_answered_without_fonts_are_covered_by_the_fonts() -> None:
    text = "".join(chr(code) for low, high in printability._ALWAYS_PRINTABLE
                   for code in range(low, high + 1))
    assert missing_glyphs(text) == []


def test_emoji_are_refused_and_rare_letters_are_flagged() -> None:
    assert printability.check("王秀兰").ok
    assert printability.check("王秀兰😀").refused == ("😀",)
    found = printability.check("王\U0002b740\U000f0001")  # a CJK Ext-D letter, private use
    assert found.refused == ("\U000f0001",)
    assert missing_glyphs("\U0002b740") == list(found.missing)  # the renderer agrees


def test_a_name_with_an_emoji_blocks_the_intake_before_anything_is_written() -> None:
    form = IntakeForm("510104-MZ-0001", 1, applicant=PersonInput(
        "张秀英😀", "resident_id", "11010519491231002X", "13812345678", "青石镇人民路18号🏠"))
    problems = {p.field: p for p in form_problems(form, date(2026, 11, 26))}
    assert "😀" in problems["applicant.name"].message
    assert "🏠" in problems["applicant.address"].message
    assert not problems["applicant.name"].overridable
    clean = IntakeForm("510104-MZ-0001", 1, applicant=PersonInput(
        "张秀英", "resident_id", "11010519491231002X", "13812345678", "青石镇人民路18号"))
    assert form_problems(clean, date(2026, 11, 26)) == []
