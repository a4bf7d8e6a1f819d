"""Parts of the notice renderer that need no PDF tools: text, fonts, wording, barcode, QR."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from clerk_app.documents.barcode_vector import BarCollector, code128_pattern
from clerk_app.documents.fonts import (
    FONT_DIR,
    font_files,
    font_runs,
    missing_glyphs,
    to_markup,
)
from clerk_app.documents.notice_data import NoticeKind, make_serial_no
from clerk_app.documents.qr import progress_url, qr_matrix
from clerk_app.documents.text import (
    chinese_date,
    chinese_datetime,
    clean_text,
    fill,
    ordinal,
)
from clerk_app.documents.wording import WORDING_FILE, WordingError, load_wording, parse_wording


@pytest.mark.parametrize(
    ("day", "chinese", "arabic"),
    [
        (date(2026, 11, 26), "二〇二六年十一月二十六日", "2026年11月26日"),
        (date(2026, 1, 10), "二〇二六年一月十日", "2026年1月10日"),
        (date(2030, 10, 1), "二〇三〇年十月一日", "2030年10月1日"),
        (date(2027, 12, 31), "二〇二七年十二月三十一日", "2027年12月31日"),
    ],
)
def test_dates_in_chinese(day: date, chinese: str, arabic: str) -> None:
    assert chinese_date(day) == chinese
    assert chinese_date(day, "arabic") == arabic


def test_datetime_and_ordinals() -> None:
    assert chinese_datetime(datetime(2026, 11, 27, 9, 5)) == "二〇二六年十一月二十七日 09:05"
    assert [ordinal(n) for n in (1, 2, 3, 10, 11, 20)] == ["一", "二", "三", "十", "十一", "二十"]


def test_serial_number_in_the_usual_style() -> None:
    assert make_serial_no("某镇便受", 2026, 12) == "某镇便受〔2026〕0012号"
    assert make_serial_no("白桦便受", 2026, 12345) == "白桦便受〔2026〕12345号"


def test_clean_text_keeps_printables_and_drops_controls() -> None:
    assert clean_text("张三") == "张三"
    assert clean_text("青川县\n白桦镇\t3号") == "青川县 白桦镇 3号"
    assert clean_text("a\x00b\u202ec\u200bd") == "abcd"
    assert clean_text("x\ud800y") == "x\ufffdy"
    assert clean_text("全角　空格") == "全角　空格"


def test_fill_leaves_unknown_placeholders_and_braces_alone() -> None:
    assert fill("{a}和{b}，{c}{", {"a": "甲", "b": "{a}"}) == "甲和{a}，{c}{"


def test_markup_is_escaped_and_fallback_runs_get_their_face() -> None:
    assert to_markup("<b>张&三</b>") == "&lt;b&gt;张&amp;三&lt;/b&gt;"
    assert to_markup("王㐀𫖯") == (
        '王<font face="ClerkFallback">㐀</font><font face="ClerkExtB">𫖯</font>'
    )
    assert font_runs("ab㐀㐀c") == [
        ("ClerkSong", "ab"),
        ("ClerkFallback", "㐀㐀"),
        ("ClerkSong", "c"),
    ]


def test_missing_glyphs_names_each_character_once() -> None:
    assert missing_glyphs("张三䶮𠈌㐀𫖯") == []
    assert missing_glyphs("😀a😀\n한") == ["😀", "한"]


def test_bundled_fonts_are_present_with_licences() -> None:
    files = list(font_files())
    assert all(path.is_file() for path in files)
    assert sum(path.stat().st_size for path in files) < 60 * 1024 * 1024
    licences = {path.name for path in (FONT_DIR / "licenses").iterdir()}
    assert {"ARPHICPL-en.txt", "Apache-2.0.txt", "Hanazono-copyright.txt"} <= licences
    assert (FONT_DIR / "README.md").is_file()


def test_code128_pattern_matches_python_barcode() -> None:
    from barcode import Code128

    value = "510823101-20261126-0012"
    pattern = code128_pattern(value)
    assert pattern is not None
    modules = Code128(value).build()[0]
    dark = {i for i, bit in enumerate(modules) if bit == "1"}
    drawn = {x for bar in pattern.bars for x in range(bar.x, bar.x + bar.width)}
    assert drawn == dark
    assert pattern.modules == len(modules)


def test_code128_refuses_what_it_cannot_carry() -> None:
    assert code128_pattern("") is None
    assert code128_pattern("受理-0012") is None
    assert isinstance(BarCollector(), BarCollector)


def test_qr_matrix_and_url() -> None:
    assert progress_url("https://x.example/q?no=", "A 1/2") == "https://x.example/q?no=A%201%2F2"
    matrix = qr_matrix("https://zwfw.example.gov.cn/progress?no=510823101-20261126-0012")
    assert matrix is not None and matrix.size >= 21
    assert qr_matrix("x" * 8000) is None
    assert qr_matrix("") is None


def test_bundled_wording_covers_every_kind() -> None:
    wording = load_wording()
    assert set(wording.kinds) == set(NoticeKind)
    titles = {kind: pages[0].title for kind, pages in wording.kinds.items()}
    assert titles[NoticeKind.ACCEPTANCE] == "受理通知书"
    assert titles[NoticeKind.CORRECTION] == "一次性补正告知书"
    assert titles[NoticeKind.REFUSAL] == "不予受理通知书"
    assert [p.title for p in wording.kinds[NoticeKind.DEFERRED_ACCEPTANCE]] == [
        "容缺受理通知书",
        "容缺承诺书",
    ]
    assert wording.copy_rule("申请人留存").mask_ids is False
    assert wording.copy_rule("窗口存档").mask_ids is True
    assert wording.copy_rule("随便哪一联").mask_ids is True


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(WORDING_FILE.read_text(encoding="utf-8"))
    return document


def test_a_misspelt_placeholder_is_reported_with_its_place() -> None:
    document = _document()
    blocks = document["kinds"]["refusal"]["pages"][0]["blocks"]
    blocks[1] = {"type": "paragraph", "text": "经审查，{reasn}。"}
    with pytest.raises(WordingError, match=r"kinds\.refusal\.pages\[0\]\.blocks\[1\]\.text.*reasn"):
        parse_wording(document)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "clerk-notices/9", "format"),
        (("layout", "date_style"), "roman", "date_style"),
        (("common", "copies", "窗口存档", "mask_ids"), "yes", "mask_ids"),
        (("kinds", "acceptance", "pages"), [], "至少要有一页"),
    ],
)
def test_wording_problems_are_reported_in_chinese(
    path: tuple[str, ...], value: object, message: str
) -> None:
    document = copy.deepcopy(_document())
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(WordingError, match=message) as caught:
        parse_wording(document)
    assert "通知书文字配置有误" in str(caught.value)


def test_missing_kind_and_unknown_block_type_are_reported() -> None:
    document = _document()
    del document["kinds"]["service_receipt"]
    with pytest.raises(WordingError, match="service_receipt"):
        parse_wording(document)
    document = _document()
    document["kinds"]["acceptance"]["pages"][0]["blocks"].append({"type": "poem"})
    with pytest.raises(WordingError, match="poem"):
        parse_wording(document)


def test_unreadable_wording_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "notices.json"
    broken.write_text("{不是 JSON", encoding="utf-8")
    with pytest.raises(WordingError, match="不是有效的 JSON"):
        load_wording(broken)
    with pytest.raises(WordingError, match="无法读取"):
        load_wording(tmp_path / "missing.json")


@pytest.mark.parametrize("text", ["一二三四五，六七八九十。", "一二三四㐀；六七八九十。"])
def test_no_line_starts_with_chinese_punctuation(text: str) -> None:
    from reportlab.platypus import Paragraph

    from clerk_app.documents.styles import Layout, styles_for

    style = styles_for(Layout()).first
    para = Paragraph(to_markup(text), style)
    para.wrap(5 * style.fontSize + 1, 1000)  # room for five characters a line
    lines = para.blPara.lines
    if para.blPara.kind == 0:
        texts = ["".join(line[1]) for line in lines]
    else:
        texts = ["".join(word.text for word in line.words) for line in lines]
    assert texts[0][-1] in "，；" and texts[1][0] == "六"


def test_supplementary_characters_get_surrogate_pairs_in_tounicode() -> None:
    from clerk_app.documents.rl_setup import to_unicode_cmap

    cmap = to_unicode_cmap("X", [0x41, 0x2020C, 0x2B5AF])
    assert "<00> <0041>" in cmap
    assert "<01> <D840DE0C>" in cmap
    assert "<02> <D86DDDAF>" in cmap
