"""Matters laid side by side in one long integer, so a query word is answered by bit operations.

Each matter owns a run of bits ("slots") followed by one empty gap bit; runs are placed in the
static rank order of the matters, best first from bit 0. Element k of a matter (its k-th
pinyin syllable, the k-th character of its searchable text, the k-th character of its code)
sits at slot `top - k`, so the element after a slot is one bit lower and `x << 1` asks "does
the next element qualify?". A set of slots is a Python int; AND, OR, shifts and one addition
per step (the carry runs through a matter's slots and stops at its gap) work on all matters at
once. Results per matter are sets of gap bits (one per matter, lower = better ranked).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence

_DENSE_FROM = 128  # elements seen this often keep a ready int; rarer ones keep slot numbers
_NONZERO = re.compile(rb"[^\x00]")
_BITS_OF_BYTE = [tuple(b for b in range(8) if value >> b & 1) for value in range(256)]


class _Slots:
    """Where each distinct element (a syllable, a character) occurs, as slot sets."""

    def __init__(self, layout: SlotLayout, positions: dict[str, array[int]]) -> None:
        self._layout = layout
        self._dense: dict[str, int] = {}
        self._sparse: dict[str, array[int]] = {}
        for element, slots in positions.items():
            if len(slots) >= _DENSE_FROM:
                self._dense[element] = layout.from_slots(slots)
            else:
                self._sparse[element] = slots

    def __contains__(self, element: str) -> bool:
        return element in self._dense or element in self._sparse

    def elements(self) -> Iterable[str]:
        yield from self._dense
        yield from self._sparse

    def get(self, element: str) -> int:
        """The slots holding `element` (0 when it occurs nowhere)."""
        dense = self._dense.get(element)
        if dense is not None:
            return dense
        sparse = self._sparse.get(element)
        return 0 if sparse is None else self._layout.from_slots(sparse)


class SlotLayout:
    """The bit positions of every matter's elements, and the operations over them."""

    def __init__(self, order: Sequence[int], syllables: Sequence[Sequence[str]],
                 texts: Sequence[str], codes: Sequence[str]) -> None:
        """`order`: matter indices best ranked first; the other lists are indexed by matter."""
        size = len(syllables)
        self.gap_of = [0] * size  # matter -> its gap bit
        self.matter_at: dict[int, int] = {}  # gap bit -> matter
        full = gaps = tops = 0
        positions: tuple[dict[str, array[int]], ...] = ({}, {}, {})
        base = 0
        for i in order:
            layers = (syllables[i], texts[i], codes[i])
            length = max(1, *(len(layer) for layer in layers))
            top = base + length - 1
            for layer, where in zip(layers, positions, strict=True):
                for k, element in enumerate(layer):
                    slots = where.get(element)
                    if slots is None:
                        slots = where[element] = array("I")
                    slots.append(top - k)
            full |= ((1 << length) - 1) << base
            gap = base + length
            gaps |= 1 << gap
            tops |= 1 << top
            self.gap_of[i] = gap
            self.matter_at[gap] = i
            base = gap + 1
        self.bits = base
        self.full, self.gaps, self.tops = full, gaps, tops
        self.syllables = _Slots(self, positions[0])
        self.chars = _Slots(self, positions[1])
        self.code_chars = _Slots(self, positions[2])

    def from_slots(self, slots: Iterable[int]) -> int:
        buffer = bytearray((self.bits + 7) >> 3)
        for slot in slots:
            buffer[slot >> 3] |= 1 << (slot & 7)
        return int.from_bytes(buffer, "little")

    def gaps_of(self, matters: Iterable[int]) -> int:
        """The gap bits of some matters."""
        gap_of = self.gap_of
        return self.from_slots(gap_of[i] for i in matters)

    # --- slot sets -> matters (gap bits) ---

    def anywhere(self, slots: int) -> int:
        """Matters with at least one of `slots` (the carry of full + slots reaches the gap)."""
        return (self.full + slots) & self.gaps

    def at_first(self, slots: int) -> int:
        """Matters whose first element is among `slots`."""
        return (slots & self.tops) << 1

    # --- slot sets -> slot sets ---

    def followed_later(self, slots: int) -> int:
        """Slots with one of `slots` at a later element of the same matter."""
        full = self.full
        above = (slots << 1) & full  # from one slot above the lowest one of each matter up
        return (((full + above) ^ full) & full) | above

    # --- gap bits -> matters, best ranked first ---

    def first_matters(self, gaps: int, count: int) -> list[int]:
        """Up to `count` matters of a gap-bit set, lowest bits (best static rank) first."""
        found: list[int] = []
        if count <= 0 or not gaps:
            return found
        data = gaps.to_bytes((gaps.bit_length() + 7) >> 3, "little")
        matter_at = self.matter_at
        for hit in _NONZERO.finditer(data):
            byte = hit.start()
            for bit in _BITS_OF_BYTE[data[byte]]:
                found.append(matter_at[(byte << 3) + bit])
                if len(found) == count:
                    return found
        return found
