"""The bit-parallel matter index ranks exactly as the per-matter reference did (hits, order, scores)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_app.services.intake.search import MatterIndex, SearchEntry
from tests.bench.bench_search import QUERIES, generated_catalogue, keystrokes
from tests.unit.search_reference import ReferenceIndex
from tests.unit.test_search import JUDGED

VARIANTS = [(50, True), (50, False), (7, True)]  # limit, include_withdrawn


def _catalogue(size: int) -> list[SearchEntry]:
    """The bench's generated catalogue, with some matters withdrawn."""
    rng = random.Random(7)
    return [SearchEntry(e.code, e.name, rng.random() > 0.1, e.keywords,
                        withdrawn_reason="已调整" if rng.random() < 0.1 else "")
            for e in generated_catalogue(size)]


def _typed_queries(index: ReferenceIndex, entries: list[SearchEntry], count: int) -> list[str]:
    """What clerks type: syllables, initials, pieces, name fragments, codes, letters, two words."""
    rng = random.Random(11)
    queries = [*QUERIES, *(query for query, _meant in JUDGED)]
    for _ in range(count):
        i = rng.randrange(len(entries))
        entry, syls = entries[i], index._lines[i].split()
        start, length = rng.randrange(len(syls)), rng.randint(1, 4)
        run = syls[start:start + length]
        query = rng.choice([
            "".join(run),
            "".join(s[0] for s in run),
            "".join(s[:rng.randint(1, len(s))] for s in run),
            "".join(s[:rng.randint(1, len(s))] for s in syls[start::2][:length]),
            entry.name[rng.randrange(len(entry.name)):][:rng.randint(1, 4)],
            entry.name[::2][:rng.randint(2, 5)],
            entry.code[:rng.randint(1, len(entry.code))].lower(),
            entry.code[rng.randrange(len(entry.code)):][:4],
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 5))),
        ])
        if rng.random() < 0.3:
            query += " " + rng.choice(["dengji", "申请", "sq", "510104", "bz", rng.choice(syls)])
        queries.append(query)
    return queries


def test_fast_index_ranks_as_the_reference_over_typed_queries() -> None:
    entries = _catalogue(2000)
    fast, reference = MatterIndex(entries), ReferenceIndex(entries)
    checked = 0
    for query in _typed_queries(reference, entries, 400):
        reference.clear_cache()
        for typed in keystrokes(query):  # as a clerk types: the reference's word cache in play
            for limit, withdrawn in VARIANTS:
                assert (fast.search(typed, limit, withdrawn)
                        == reference.search(typed, limit, withdrawn)), (typed, limit, withdrawn)
                checked += 1
    assert checked > 3000


# Small catalogues with odd syllables (one-letter ones, a `|`, digits), names with a line break,
# Latin letters or letters that change length with case (ß, İ), and keywords: the corners.
_SYLLABLE = st.sampled_from(["a", "e", "an", "ang", "ba", "bao", "di", "zhang", "sheng", "shen",
                             "qing", "x", "xi", "xian", "|", "2024", "ab"])
_NAME = st.text(alphabet="低保申请个体户a\nB1-|ßİ", min_size=0, max_size=6)
_ENTRY = st.builds(
    SearchEntry, code=st.text(alphabet="51AB-ß", min_size=1, max_size=5), name=_NAME,
    active=st.booleans(), keywords=st.lists(st.text(alphabet="低保ab", min_size=1, max_size=3),
                                            max_size=2).map(tuple),
    syllables=st.lists(_SYLLABLE, min_size=1, max_size=6).map(tuple))


def _query_from(entry: SearchEntry, data: st.DataObject) -> str:
    """A word made from one matter: syllable beginnings (in a row or skipping), its name's
    characters in order, or a piece of its code; sometimes a random word instead."""
    syls = list(entry.syllables or ())
    start = data.draw(st.integers(0, len(syls) - 1))
    chosen = data.draw(st.lists(st.integers(start, len(syls) - 1), min_size=1, max_size=4,
                                unique=True).map(sorted))
    kind = data.draw(st.sampled_from(["pinyin", "name", "code", "random"]))
    if kind == "pinyin":
        return "".join(syls[k][:data.draw(st.integers(1, len(syls[k])))] for k in chosen)
    if kind == "name" and entry.searchable:
        text = entry.searchable
        picks = data.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=3,
                                   unique=True).map(sorted))
        return "".join(text[k] for k in picks)
    if kind == "code":
        return entry.code[data.draw(st.integers(0, len(entry.code) - 1)):].lower()
    return data.draw(st.text(alphabet="abdeginqshxz低保申a1B5- |\nßKİ", min_size=1, max_size=7))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(_ENTRY, min_size=1, max_size=12), data=st.data(),
       limit=st.sampled_from([50, 3]), include_withdrawn=st.booleans())
def test_fast_index_ranks_as_the_reference_on_odd_catalogues(
        entries: list[SearchEntry], data: st.DataObject, limit: int, include_withdrawn: bool) -> None:
    fast, reference = MatterIndex(entries), ReferenceIndex(entries)
    query = _query_from(data.draw(st.sampled_from(entries)), data)
    if data.draw(st.booleans()):
        query += " " + _query_from(data.draw(st.sampled_from(entries)), data)
    for end in range(1, len(query) + 1):
        assert (fast.search(query[:end], limit, include_withdrawn)
                == reference.search(query[:end], limit, include_withdrawn))


@pytest.mark.parametrize(("syls", "name", "query"), [
    (("xi", "an", "x", "an"), "西安", "xa"),  # whole syllables later beat initials at the start
    (("di", "bao"), "低\n保", "低保"),  # `.*?` in the reference does not cross a line break
    (("a", "ba", "a", "bao"), "阿坝", "abao"),  # one-letter syllables, whole after pieces
    (("x", "|", "an"), "x|安", "xan"),
])
def test_corners_rank_as_the_reference(syls: tuple[str, ...], name: str, query: str) -> None:
    entries = [SearchEntry("A1", name, syllables=syls), SearchEntry("B2", "安", syllables=("an",))]
    assert MatterIndex(entries).search(query) == ReferenceIndex(entries).search(query)


@pytest.mark.parametrize("query", ["ab", "AB", "12", "a", "1"])
def test_exact_code_or_keyword_bonus_except_for_one_letter_or_digit(query: str) -> None:
    """Two letters in a row of the alphabet are an exact code like any other word."""
    entries = [SearchEntry("AB", "阿坝"), SearchEntry("12", "一二", keywords=("ab",)),
               SearchEntry("A", "阿", keywords=("1",))]
    fast = MatterIndex(entries).search(query)
    assert fast == ReferenceIndex(entries).search(query)
    assert (max(hit.score for hit in fast) > 100) == (len(query) > 1)


@pytest.mark.parametrize("query", ["dibao", "xcjs", "低保", "510104-0", "最低生活保障申请"])
def test_repeated_searches_do_not_change_cached_scores(query: str) -> None:
    """The exact-name bonus is added to a copy: the cached word scores stay as they were."""
    index = MatterIndex(_catalogue(300))
    first = index.search(query)
    assert first and index.search(query) == first == index.search(f"  {query} ")
    assert index.search(f"{query} ") == first
