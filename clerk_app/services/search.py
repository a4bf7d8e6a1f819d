"""Matter search (事项检索) as the clerk types: name words, code, full pinyin, pinyin initials.

The index keeps three newline-separated corpora (names, codes, pinyin syllables) so that one
C-level regex scan covers every matter; matches are mapped back to matters by offset.
A latin query such as `dibao`, `dbsq` or `gtgsh` matches when its letters can be split into
pieces that each begin a syllable of the name, in order (最低生活保障 -> zui DI sheng huo BAO).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

_LATIN = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^[0-9A-Z-]+$")


@dataclass(frozen=True)
class SearchEntry:
    """What the index knows of one matter."""

    code: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    score: int
    active: bool


def syllables(name: str) -> list[str]:
    """Pinyin syllables of a name (non-Chinese runs kept as lower-case words)."""
    parts = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    out = []
    for part in parts:
        word = part.lower().strip()
        if word and word.isalnum():
            out.append(word)
    return out


def _abbreviation_pattern(token: str) -> re.Pattern[str]:
    """Regex over ' syl syl …' lines: the token's letters split into syllable-initial pieces."""
    pieces = [" " + re.escape(token[0])]
    for ch in token[1:]:
        c = re.escape(ch)
        pieces.append(f"(?:{c}|[^ \\n]* (?:[^ \\n]+ )*?{c})")
    return re.compile("".join(pieces))


class _Corpus:
    """Newline-joined texts with the offset of each line, for offset -> index mapping."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.text = "\n".join(lines)
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1

    def index_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_start(self, index: int) -> int:
        return self.starts[index]

    def matches(self, pattern: re.Pattern[str]) -> dict[int, int]:
        """index -> offset of the first match within that line."""
        found: dict[int, int] = {}
        for match in pattern.finditer(self.text):
            index = self.index_of(match.start())
            if index not in found:
                found[index] = match.start() - self.starts[index]
        return found


class MatterIndex:
    """An in-memory search index over the current matters."""

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        self.entries = list(entries)
        self._names = _Corpus([e.name for e in self.entries])
        self._codes = _Corpus([e.code for e in self.entries])
        self._syllables = [syllables(e.name) for e in self.entries]
        self._pinyin = _Corpus([" " + " ".join(s) for s in self._syllables])
        self._full = _Corpus(["".join(s) for s in self._syllables])

    def __len__(self) -> int:
        return len(self.entries)

    def _token_scores(self, token: str) -> dict[int, int]:
        """Score of each matter that matches one query token (higher is better)."""
        scores: dict[int, int] = {}

        def offer(found: dict[int, int], best: int, other: int) -> None:
            for index, offset in found.items():
                score = best if offset == 0 else other
                if score > scores.get(index, 0):
                    scores[index] = score

        literal = re.compile(re.escape(token))
        offer(self._names.matches(literal), 80, 60)
        upper = token.upper()
        if _DIGITS.match(upper):
            offer(self._codes.matches(re.compile(re.escape(upper))), 95, 70)
        lower = token.lower()
        if _LATIN.match(lower):
            offer(self._full.matches(re.compile(re.escape(lower))), 55, 45)
            offer(self._pinyin.matches(_abbreviation_pattern(lower)), 40, 30)
        return scores

    def search(self, query: str, limit: int = 50, include_withdrawn: bool = True) -> list[SearchHit]:
        """Matters matching every word of the query, best first."""
        tokens = [t for t in query.strip().split() if t]
        if not tokens:
            return []
        total: dict[int, int] | None = None
        for token in tokens:
            scores = self._token_scores(token)
            if total is None:
                total = scores
            else:
                total = {i: total[i] + s for i, s in scores.items() if i in total}
            if not total:
                return []
        assert total is not None
        exact = query.strip().upper()
        ranked = []
        for index, score in total.items():
            entry = self.entries[index]
            if not entry.active and not include_withdrawn:
                continue
            if entry.code == exact or entry.name == query.strip():
                score += 100
            if not entry.active:
                score -= 50
            ranked.append((-score, len(entry.name), entry.code, index))
        ranked.sort()
        return [SearchHit(self.entries[i].code, self.entries[i].name, -neg, self.entries[i].active)
                for neg, _len, _code, i in ranked[:limit]]
