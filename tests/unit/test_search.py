"""Matter search: words in any order, code, full pinyin, initials, Chinese abbreviations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_app.services.search import MatterIndex, SearchEntry

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
