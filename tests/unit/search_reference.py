"""The matter search as it was before the bit-parallel index: the reference ranking for tests.

A copy of `clerk_app.services.intake.search.MatterIndex` up to the change to whole-catalogue
bit operations; `test_search_equivalence.py` checks the new index against it, hit for hit.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from itertools import islice

from clerk_app.services.intake.search import SearchEntry, SearchHit, syllables

_LATIN = re.compile(r"^[a-z]+$")
_CODE = re.compile(r"^[0-9A-Z-]+$")
_RANK_SPAN = 1 << 24  # ties on score are broken by a static rank (shorter names first)
_SINGLES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# Pinyin match kinds over the line " syl syl …" of a matter, best first, with their scores
# (at the first syllable, elsewhere). Scattered matches score below SCATTERED_MAX.
SCATTERED_MAX = 20
_PINYIN_KINDS = (("whole", 58, 50), ("initials", 56, 48), ("pieces", 44, 38),
                 ("scattered", 15, 12))


def _pinyin_patterns(token: str) -> list[tuple[re.Pattern[str], int, int]]:
    """One regex per match kind of a Latin word, with its two scores."""
    letters = [re.escape(ch) for ch in token]
    first, rest = " " + letters[0], letters[1:]
    sources = {
        # every letter in order, spaces only between syllables: whole syllables
        "whole": first + "".join(" ?" + c for c in rest),
        # each letter begins the next syllable
        "initials": first + "".join("[^ ]* " + c for c in rest),
        # each letter continues this syllable or begins the next one
        "pieces": first + "".join(f"(?:{c}|[^ ]* {c})" for c in rest),
        # … or begins any later syllable
        "scattered": first + "".join(f"(?:{c}|[^ ]* (?:[^ ]+ )*?{c})" for c in rest),
    }
    return [(re.compile(sources[kind]), at_start, elsewhere)
            for kind, at_start, elsewhere in _PINYIN_KINDS]


def _without_scattered(scores: dict[int, int]) -> dict[int, int]:
    """Drop scattered matches of a word when any matter matches it better."""
    if any(score > SCATTERED_MAX for score in scores.values()):
        return {i: score for i, score in scores.items() if score > SCATTERED_MAX}
    return scores


def _inverted(texts: Iterable[str]) -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for position, text in enumerate(texts):
        for ch in set(text):
            index.setdefault(ch, set()).add(position)
    return {ch: frozenset(ids) for ch, ids in index.items()}


def _having_all(index: dict[str, frozenset[int]], chars: str) -> set[int]:
    sets = []
    for ch in set(chars):
        ids = index.get(ch)
        if ids is None:
            return set()
        sets.append(ids)
    sets.sort(key=len)
    result = set(sets[0])
    for ids in sets[1:]:
        result &= ids
    return result


class ReferenceIndex:
    """The per-matter index the fast path replaced (regular expressions per candidate)."""

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        self.entries = list(entries)
        self._names = [e.searchable for e in self.entries]
        self._codes = [e.code.upper() for e in self.entries]
        syls = [list(e.syllables) if e.syllables else syllables(e.searchable)
                for e in self.entries]
        self._full = ["".join(s) for s in syls]
        self._lines = [" " + " ".join(s) for s in syls]
        # each distinct syllable -> the matters having it (anywhere / as their first one): a
        # word that begins a syllable is a whole-syllable match found by set unions, no regex
        self._by_syllable: dict[str, set[int]] = {}
        self._by_first: dict[str, set[int]] = {}
        for i, words in enumerate(syls):
            for word in words:
                self._by_syllable.setdefault(word, set()).add(i)
            if words:
                self._by_first.setdefault(words[0], set()).add(i)
        self._name_chars = _inverted(self._names)
        self._code_chars = _inverted(self._codes)
        self._pinyin_chars = _inverted(self._full)
        self._cache: dict[str, dict[int, int]] = {}
        order = sorted(range(len(self.entries)),
                       key=lambda i: (len(self.entries[i].name), self._codes[i]))
        self._static_rank = [0] * len(self.entries)
        for position, i in enumerate(order):
            self._static_rank[i] = position
        self._penalty = [0 if e.active else 50 for e in self.entries]
        self._by_name = {e.name: i for i, e in enumerate(self.entries)}
        self._by_name.update({k: i for i, e in enumerate(self.entries) for k in e.keywords})
        self._by_code = {code: i for i, code in enumerate(self._codes)}
        # single letters and digits match thousands of matters: score and rank them up front
        self._single = {ch: self._score_token(ch) for ch in _SINGLES}
        self._single_ranked = {ch: sorted(self._keyed(_without_scattered(scores)))
                               for ch, scores in self._single.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def clear_cache(self) -> None:
        """Forget cached word scores (benchmarks measure typing from scratch)."""
        self._cache.clear()

    def _token_scores(self, token: str) -> dict[int, int]:
        """Scores of one word, narrowed from the cached scores of its longest typed prefix:
        whatever matches a word also matches every prefix of it."""
        if token in self._single:
            return self._single[token]
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        within = None
        for end in range(len(token) - 1, 0, -1):
            prefix = self._cache.get(token[:end]) or self._single.get(token[:end])
            if prefix is not None:
                within = prefix.keys()
                break
        if len(self._cache) > 4096:
            self._cache.clear()
        scores = self._cache[token] = self._score_token(token, within)
        return scores

    def _score_token(self, token: str, within: Iterable[int] | None = None) -> dict[int, int]:
        """Score of each matter that matches one query word (higher is better)."""
        scores: dict[int, int] = {}
        allowed = None if within is None else set(within)

        def having_all(index: dict[str, frozenset[int]], chars: str) -> set[int]:
            found = _having_all(index, chars)
            return found if allowed is None else found & allowed

        names = self._names
        spread = re.compile(".*?".join(re.escape(ch) for ch in token))
        for i in having_all(self._name_chars, token):
            at = names[i].find(token)
            if at >= 0:
                scores[i] = 80 if at == 0 else 60
            elif len(token) > 1:
                match = spread.search(names[i])
                if match:
                    scores[i] = 35 if match.start() == 0 else 25
        upper = token.upper()
        if _CODE.match(upper):
            codes = self._codes
            for i in having_all(self._code_chars, upper):
                at = codes[i].find(upper)
                if at >= 0:
                    scores[i] = max(scores.get(i, 0), 95 if at == 0 else 70)
        lower = token.lower()
        if _LATIN.match(lower):
            lines = self._lines
            patterns = _pinyin_patterns(lower)
            whole, (scattered, _, _) = patterns[0][0], patterns[-1]
            starts_one = self._syllables_starting(self._by_syllable, lower)
            first_one = self._syllables_starting(self._by_first, lower)
            for i in having_all(self._pinyin_chars, lower):
                if i in starts_one:  # whole syllables: at the start unless only later on
                    score = 58 if i in first_one or whole.match(lines[i]) else 50
                    if score > scores.get(i, 0):
                        scores[i] = score
                    continue
                line = lines[i]
                if scattered.search(line) is None:  # the loosest kind: nothing matches
                    continue
                for pattern, at_start, elsewhere in patterns:
                    match = pattern.search(line)
                    if match is not None:
                        score = at_start if match.start() == 0 else elsewhere
                        if score > scores.get(i, 0):
                            scores[i] = score
                        break
        return scores

    @staticmethod
    def _syllables_starting(by_syllable: dict[str, set[int]], letters: str) -> set[int]:
        """Matters with a syllable that begins with `letters` (a few set unions)."""
        found: set[int] = set()
        for word, ids in by_syllable.items():
            if word.startswith(letters):
                found |= ids
        return found

    def search(self, query: str, limit: int = 50, include_withdrawn: bool = True) -> list[SearchHit]:
        """Matters matching every word of the query, best first."""
        words = query.split()
        if not words:
            return []
        if len(words) == 1 and words[0] in self._single_ranked:
            ranked = (k for k in self._single_ranked[words[0]]
                      if include_withdrawn or not self._penalty[k[1]])
            return self._hits(list(islice(ranked, limit)))
        total = _without_scattered(self._token_scores(words[0]))
        for word in words[1:]:
            # later words only need checking against what the earlier words matched
            scores = _without_scattered(self._score_token(word, total.keys()))
            total = {i: s + scores[i] for i, s in total.items() if i in scores}
            if not total:
                return []
        exact = query.strip()
        for i in (self._by_name.get(exact), self._by_code.get(exact.upper())):
            if i is not None and i in total:
                total[i] += 100
        if not include_withdrawn:
            total = {i: s for i, s in total.items() if not self._penalty[i]}
        return self._hits(heapq.nsmallest(limit, self._keyed(total)))

    def _keyed(self, scores: dict[int, int]) -> list[tuple[int, int]]:
        """(sort key, index): best score first, then the static rank (shorter names)."""
        rank, penalty = self._static_rank, self._penalty
        return [((penalty[i] - score) * _RANK_SPAN + rank[i], i) for i, score in scores.items()]

    def _hits(self, keyed: list[tuple[int, int]]) -> list[SearchHit]:
        entries = self.entries
        return [SearchHit(entries[i].code, entries[i].name, -(key // _RANK_SPAN), entries[i].active,
                          entries[i].withdrawn_reason)
                for key, i in keyed]
