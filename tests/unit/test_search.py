"""Matter search: words in any order, code, full pinyin, initials, Chinese abbreviations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_app.services.intake.search import MatterIndex, SearchEntry

ENTRIES = [
    SearchEntry("510104-MZ-0001", "最低生活保障申请", keywords=("低保",)),
    SearchEntry("510104-SC-0001", "个体工商户设立登记", keywords=("个体户",)),
    SearchEntry("510104-SC-0002", "个体工商户注销登记"),
    SearchEntry("510104-SB-0001", "城乡居民基本养老保险参保登记"),
    SearchEntry("510104-MZ-0002", "高龄津贴申领"),
    SearchEntry("510104-NL-0001", "耕地地力保护补贴申报"),
    SearchEntry("510104-CJ-0001", "残疾人证新办"),
    SearchEntry("510104-JS-0001", "再生育审批", active=False),
]
INDEX = MatterIndex(ENTRIES)


def names(query: str, **kwargs: bool) -> list[str]:
    return [hit.name for hit in INDEX.search(query, **kwargs)]


def test_pinyin_pieces_initials_and_keywords() -> None:
    assert names("dibao")[0] == "最低生活保障申请"
    assert names("dbsq") == ["最低生活保障申请"]
    assert names("gtgsh")[:2] == ["个体工商户设立登记", "个体工商户注销登记"]
    assert names("低保") == ["最低生活保障申请"]
    assert names("getihu")[0] == "个体工商户设立登记"  # the keyword 个体户
    assert names("gaoling") == ["高龄津贴申领"]


SAMPLE = Path(__file__).resolve().parents[2] / "resources/catalogue/sample_catalogue.json"

# Judged queries over the bundled sample catalogue: what a clerk types and the matter they
# mean. Each must come first.
JUDGED = [
    ("dibao", "最低生活保障申请"),
    ("dbsq", "最低生活保障申请"),
    ("低保", "最低生活保障申请"),
    ("xcjs", "乡村建设规划许可证核发（乡镇企业、乡村公共设施和公益事业建设）"),
    ("gtgsh", "个体工商户设立登记"),
    ("getihu", "个体工商户设立登记"),
    ("sbk", "社会保障卡申领"),
    ("shebaoka", "社会保障卡申领"),
    ("cjrz", "残疾人证新办"),
    ("canji", "残疾人证新办"),
    ("lmcf", "林木采伐许可证核发（农村居民采伐自留山和个人承包集体林地上的林木）"),
    ("tkgy", "特困人员救助供养申请"),
    ("wubao", "特困人员救助供养申请"),
    ("yibao", "城乡居民基本医疗保险参保登记"),
    ("gaoling", "高龄津贴申领"),
    ("jiuye", "就业创业证申领"),
    ("种粮补贴", "耕地地力保护补贴申报"),
    ("weigai", "农村危房改造补助申请"),
]


@pytest.fixture(scope="module")
def sample_index() -> MatterIndex:
    matters = json.loads(SAMPLE.read_text(encoding="utf-8"))["matters"]
    return MatterIndex(SearchEntry(m["code"], m["name"], m.get("status", "active") == "active",
                                   tuple(m.get("keywords", ()))) for m in matters)


@pytest.mark.parametrize(("query", "expected"), JUDGED)
def test_judged_queries_find_the_meant_matter_first(sample_index: MatterIndex, query: str,
                                                    expected: str) -> None:
    assert sample_index.search(query)[0].name == expected


def test_scattered_pieces_do_not_bury_real_matches(sample_index: MatterIndex) -> None:
    xcjs = [hit.name for hit in sample_index.search("xcjs")]
    assert not any(name.startswith("林木采伐") for name in xcjs)
    dibao = [hit.name for hit in sample_index.search("dibao")]
    assert "耕地地力保护补贴申报" not in dibao


def test_whole_syllables_and_initials_rank_above_pieces() -> None:
    index = MatterIndex([SearchEntry("A", "食品小经营店备案"), SearchEntry("B", "地标产品登记")])
    assert [hit.name for hit in index.search("dib")] == ["地标产品登记", "食品小经营店备案"]


def test_words_in_any_order_must_all_match() -> None:
    assert names("养老 登记") == names("登记 养老") == ["城乡居民基本养老保险参保登记"]
    assert names("养老 注销") == []


def test_code_prefix_and_exact_code() -> None:
    assert names("510104-sc")[:2] == ["个体工商户设立登记", "个体工商户注销登记"]
    assert INDEX.search("510104-MZ-0002")[0].name == "高龄津贴申领"


def test_withdrawn_matters_rank_last_or_are_left_out() -> None:
    assert names("审批") == ["再生育审批"]
    assert names("审批", include_withdrawn=False) == []
    assert not INDEX.search("zsy")[0].active


def test_empty_and_unmatched_queries() -> None:
    assert names("") == [] and names("   ") == [] and names("xyzq") == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="dibaogtshqlnjx低保个体户登记养老0156- ", max_size=8))
def test_typing_char_by_char_gives_the_same_results_as_a_fresh_index(query: str) -> None:
    typed = MatterIndex(ENTRIES)
    for end in range(1, len(query) + 1):
        typed.search(query[:end])  # fills the prefix cache as a clerk's typing does
    fresh = MatterIndex(ENTRIES)
    assert typed.search(query) == fresh.search(query)
