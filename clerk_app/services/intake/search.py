"""Matter search (事项检索) as the clerk types: name words, code, full pinyin, pinyin initials.

Every word of the query must match a matter, in any order. A word matches by
- name substring (80 at the start of the name, else 60), or a Chinese abbreviation whose
  characters appear in order (低保 -> 最低生活保障: 35/25);
- matter code substring (95 as prefix, else 70);
- pinyin over consecutive syllables, best kind first (at the first syllable / elsewhere):
  whole syllables, the last one possibly half typed (`dibao`, `shebaok`: 58/50); the initials
  of consecutive syllables (`xcjs` -> XIANG CUN JIAN SHE, `gtgsh`: 56/48); other pieces that
  each begin the next syllable (`shebk`: 44/38);
- scattered pieces that skip syllables (`dbsq` -> zui DI sheng huo BAO zhang SHEN QING: 15/12),
  offered only when no matter matches that word in one of the ways above, so an abbreviation
  never buries a real match under unrelated words (`xcjs` never offers 林木采伐).
Each check runs over all matters at once: the matters' syllables and characters are laid out
in one long integer (`search_layout`), so a word costs a few dozen bit operations whatever the
number of candidates, and ranking reads the best-ranked matters of each score off the bits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from clerk_app.services.intake.search_layout import SlotLayout

_LATIN = re.compile(r"^[a-z]+$")
_CODE = re.compile(r"^[0-9A-Z-]+$")
_SINGLES = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class SearchEntry:
    """What the index knows of one matter."""

    code: str
    name: str
    active: bool = True
    keywords: tuple[str, ...] = ()  # 简称 such as 低保, matched like the name
    syllables: tuple[str, ...] | None = None  # of `searchable`, when stored at import
    withdrawn_reason: str = ""  # why a withdrawn matter is not offered (shown with the hit)

    @property
    def searchable(self) -> str:
        return "|".join((self.name, *self.keywords))


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    score: int
    active: bool
    withdrawn_reason: str = ""


def syllables(name: str) -> list[str]:
    """Pinyin syllables of a name (non-Chinese runs kept as lower-case words)."""
    from pypinyin import Style, lazy_pinyin  # heavy (0.4 s): imported when an index is built

    parts = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    return [w for w in (p.lower().strip() for p in parts) if w and (w.isalnum() or w == "|")]


# Scores per match kind (at the first syllable or character, elsewhere). Pinyin kinds are tried
# best first and the first kind that matches a matter decides its pinyin score; scattered
# matches score below SCATTERED_MAX and count only when nothing matches a word better.
SCATTERED_MAX = 20
_NAME, _NAME_SPREAD, _CODE_SCORES = (80, 60), (35, 25), (95, 70)
_WHOLE, _INITIALS, _PIECES, _SCATTERED = (58, 50), (56, 48), (44, 38), (15, 12)
_WITHDRAWN_PENALTY = 50
_CACHED_WORDS = 16  # the words being typed; each holds a few slot sets

Scores = dict[int, int]  # score -> the matters (gap bits) having it


class MatterIndex:
    """An in-memory search index over the current matters."""

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        self.entries = listed = list(entries)
        texts = [e.searchable for e in listed]
        codes = [e.code.upper() for e in listed]
        syls = [tuple(e.syllables) if e.syllables else tuple(syllables(e.searchable))
                for e in listed]
        # ties on score are broken by a static rank: shorter names first, then the code
        order = sorted(range(len(listed)), key=lambda i: (len(listed[i].name), codes[i]))
        self._layout = layout = SlotLayout(order, syls, texts, codes)
        self._active = layout.gaps_of(i for i, e in enumerate(listed) if e.active)
        self._withdrawn = layout.gaps & ~self._active
        # `.*?` does not cross a line break: such (odd) texts are matched one by one
        self._broken = {i: text for i, text in enumerate(texts) if "\n" in text}
        self._broken_gaps = layout.gaps_of(self._broken)
        self._by_name = {e.name: i for i, e in enumerate(listed)}
        self._by_name.update({k: i for i, e in enumerate(listed) for k in e.keywords})
        self._by_code = {code: i for i, code in enumerate(codes)}
        # every beginning of a syllable -> the syllables it begins; one letter's slots kept ready
        self._syllable_set = set(layout.syllables.elements())
        self._beginning: dict[str, list[str]] = {}
        for word in self._syllable_set:
            for end in range(1, len(word) + 1):
                self._beginning.setdefault(word[:end], []).append(word)
        self._initial: dict[str, int] = {}
        for letter in {word[0] for word in self._syllable_set}:
            self._initial[letter] = self._union(self._beginning[letter])
        self._cache: dict[str, Scores] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def clear_cache(self) -> None:
        """Forget cached word scores (benchmarks measure typing from scratch)."""
        self._cache.clear()

    def search(self, query: str, limit: int = 50, include_withdrawn: bool = True) -> list[SearchHit]:
        """Matters matching every word of the query, best first."""
        words = query.split()
        if not words:
            return []
        total = dict(self._first_word(words[0]))  # the cached scores stay as they are
        for word in words[1:]:
            # later words only need checking against what the earlier words matched
            scores = self._word_scores(word, _union_of(total))
            combined: Scores = {}
            for score, matters in total.items():
                for more, others in scores.items():
                    both = matters & others
                    if both:
                        combined[score + more] = combined.get(score + more, 0) | both
            total = combined
            if not total:
                return []
        if not (len(words) == 1 and words[0] in _SINGLES):  # a single letter or digit: no bonus
            exact = query.strip()
            for i in (self._by_name.get(exact), self._by_code.get(exact.upper())):
                if i is not None:
                    _raise_score(total, 1 << self._layout.gap_of[i], 100)
        return self._ranked(total, limit, include_withdrawn)

    def _ranked(self, total: Scores, limit: int, include_withdrawn: bool) -> list[SearchHit]:
        """Best score first (a withdrawn matter loses 50), then the static rank."""
        kinds = [(0, self._active)]
        if include_withdrawn:
            kinds.append((_WITHDRAWN_PENALTY, self._withdrawn))
        groups: dict[int, int] = {}  # score shown -> matters
        for score, matters in total.items():
            for penalty, kind in kinds:
                chosen = matters & kind
                if chosen:
                    groups[score - penalty] = groups.get(score - penalty, 0) | chosen
        hits: list[SearchHit] = []
        entries = self.entries
        for shown in sorted(groups, reverse=True):
            for i in self._layout.first_matters(groups[shown], limit - len(hits)):
                e = entries[i]
                hits.append(SearchHit(e.code, e.name, shown, e.active, e.withdrawn_reason))
            if len(hits) >= limit:
                break
        return hits

    def _first_word(self, token: str) -> Scores:
        cached = self._cache.get(token)
        if cached is None:
            if len(self._cache) >= _CACHED_WORDS:
                self._cache.clear()
            cached = self._cache[token] = self._word_scores(token, None)
        return cached

    def _word_scores(self, token: str, within: int | None) -> Scores:
        """The matters (among `within`, if given) matching one query word, by score; scattered
        pinyin matches only when no matter matches the word in a better way."""
        layout = self._layout
        found: Scores = {}

        def add(scores: tuple[int, int], slots: int, taken: int = 0) -> int:
            """Record matches at the first element / elsewhere; returns the matters matched."""
            if not slots:
                return 0
            anywhere = layout.anywhere(slots) & ~taken
            first = layout.at_first(slots) & anywhere
            for score, matters in zip(scores, (first, anywhere & ~first), strict=True):
                if matters:
                    found[score] = found.get(score, 0) | matters
            return anywhere

        add(_NAME, self._substring(layout.chars.get, token))
        if len(token) > 1:
            self._spread_in_names(token, found)
        upper = token.upper()
        if _CODE.match(upper):
            add(_CODE_SCORES, self._substring(layout.code_chars.get, upper))
        lower = token.lower()
        latin = _LATIN.match(lower) is not None
        memo: dict[str, int] = {}

        def beginning(letters: str) -> int:
            return self._beginning_with(letters, memo)

        if latin:
            taken = add(_WHOLE, self._whole(lower, beginning))
            taken |= add(_INITIALS, self._substring(beginning, lower), taken)
            add(_PIECES, self._pieces(lower, beginning, next_only=True), taken)
        scores = _best_of(found, within)
        if not scores and latin:
            found.clear()
            add(_SCATTERED, self._pieces(lower, beginning, next_only=False))
            scores = _best_of(found, within)
        return scores

    def _spread_in_names(self, token: str, found: Scores) -> None:
        """Characters of the word in order in the name or a 简称 (35 from the first one, else
        25); a matter matching as a substring keeps its higher score when the scores merge."""
        layout = self._layout
        chars = layout.chars.get
        slots = chars(token[-1])
        for ch in reversed(token[:-1]):
            if not slots:
                break
            slots = chars(ch) & layout.followed_later(slots)
        first = layout.at_first(slots) & ~self._broken_gaps
        anywhere = layout.anywhere(slots) & ~self._broken_gaps
        if self._broken:
            spread = re.compile(".*?".join(re.escape(ch) for ch in token))
            for i, text in self._broken.items():
                match = spread.search(text)
                if match:
                    bit = 1 << layout.gap_of[i]
                    anywhere |= bit
                    if match.start() == 0:
                        first |= bit
        for score, matters in zip(_NAME_SPREAD, (first, anywhere & ~first), strict=True):
            if matters:
                found[score] = found.get(score, 0) | matters

    @staticmethod
    def _substring(slots_of: Callable[[str], int], token: str) -> int:
        """Slots where the elements of `token` begin in a row (characters; or, with syllable
        beginnings as `slots_of`, syllables with these initials in a row)."""
        slots = slots_of(token[-1])
        for ch in reversed(token[:-1]):
            if not slots:
                return 0
            slots = slots_of(ch) & (slots << 1)
        return slots

    def _whole(self, letters: str, beginning: Callable[[str], int]) -> int:
        """Slots where whole syllables in a row spell `letters`, the last one maybe half typed."""
        syllable = self._layout.syllables.get
        known = self._syllable_set
        rest_from = [0] * (len(letters) + 1)  # k -> slots where letters[k:] begins
        for k in range(len(letters) - 1, -1, -1):
            rest = letters[k:]
            slots = beginning(rest)
            for end in range(1, len(rest)):
                head = rest[:end]
                if head not in self._beginning:
                    break
                if head in known and rest_from[k + end]:
                    slots |= syllable(head) & (rest_from[k + end] << 1)
            rest_from[k] = slots
        return rest_from[0]

    def _pieces(self, letters: str, beginning: Callable[[str], int], next_only: bool) -> int:
        """Slots where `letters` splits into beginnings of syllables: of the following ones in
        a row (`next_only`) or of any later ones (scattered)."""
        layout = self._layout
        rest_from = [0] * (len(letters) + 1)
        after = [0] * (len(letters) + 1)  # rest_from moved to the slot before / any earlier slot
        for k in range(len(letters) - 1, -1, -1):
            rest = letters[k:]
            slots = beginning(rest)
            for end in range(1, len(rest)):
                head = rest[:end]
                if head not in self._beginning:
                    break
                following = after[k + end]
                if following:
                    slots |= beginning(head) & following
            rest_from[k] = slots
            if slots:
                after[k] = (slots << 1) if next_only else layout.followed_later(slots)
        return rest_from[0]

    def _beginning_with(self, letters: str, memo: dict[str, int]) -> int:
        """Slots of syllables that begin with `letters`."""
        slots = memo.get(letters)
        if slots is None:
            if len(letters) == 1:
                slots = self._initial.get(letters, 0)
            else:
                slots = self._union(self._beginning.get(letters, ()))
            memo[letters] = slots
        return slots

    def _union(self, words: Iterable[str]) -> int:
        syllable = self._layout.syllables.get
        slots = 0
        for word in words:
            slots |= syllable(word)
        return slots


def _union_of(scores: Scores) -> int:
    matters = 0
    for more in scores.values():
        matters |= more
    return matters


def _best_of(found: Scores, within: int | None) -> Scores:
    """Each matter once, at its best score, among `within`; scattered scores only if nothing
    scores higher."""
    scores: Scores = {}
    taken = 0
    for score in sorted(found, reverse=True):
        matters = found[score] & ~taken
        if within is not None:
            matters &= within
        if matters:
            scores[score] = matters
            taken |= matters
    if any(score > SCATTERED_MAX for score in scores):
        return {score: matters for score, matters in scores.items() if score > SCATTERED_MAX}
    return scores


def _raise_score(total: Scores, matter: int, by: int) -> None:
    """Move one matter (a gap bit) up by `by` points, if it is among the matches."""
    for score, matters in total.items():
        if matters & matter:
            rest = matters & ~matter
            if rest:
                total[score] = rest
            else:
                del total[score]
            total[score + by] = total.get(score + by, 0) | matter
            return
