"""A reportlab TrueType face for the big bundled CJK fonts: parsed in bulk, subset from caches.

reportlab's own parser reads the whole file (21 MB for UMing) and walks its character map,
metrics and glyph locations one ``struct.unpack`` at a time: ~50 ms for UMing, most of the
first notice's time in a fresh process. `BundledFace` maps the file instead of reading it and
unpacks those tables in bulk into the same attributes, with the same values. Its
``makeSubset`` (run once per 256 characters a document uses) reads glyphs through a
zero-copy view and keeps each glyph's padded bytes and components once parsed. Both produce
exactly what reportlab's code does (tests/documents/test_font_face.py compares them).
"""

from __future__ import annotations

import mmap
import struct
import sys
from array import array
from collections.abc import Sequence
from fnmatch import fnmatch
from itertools import accumulate, chain
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTEncoding,
    TTFError,
    TTFont,
    TTFontFace,
    TTFontFile,
    TTFontMaker,
    _set_ushort,
)
from reportlab.rl_config import unShapedFontGlob

_COPIED_TABLES = ("name", "OS/2", "cvt ", "fpgm", "prep")  # as reportlab's makeSubset copies


def _ushorts(data: Any, offset: int, count: int) -> array[int]:
    """`count` big-endian unsigned shorts at `offset`."""
    values = array("H", bytes(data[offset : offset + 2 * count]))
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _ulongs(data: Any, offset: int, count: int) -> array[int]:
    """`count` big-endian unsigned 32-bit integers at `offset`."""
    values = array("I", bytes(data[offset : offset + 4 * count]))
    if values.itemsize != 4:  # pragma: no cover - no such platform among the targets
        return array("L", struct.unpack_from(f">{count}L", data, offset))
    if sys.byteorder == "little":
        values.byteswap()
    return values


class BundledFace(TTFontFace):
    """`TTFontFace` with a mapped file, bulk table parsing and cached subsetting."""

    def readFile(self, f: object) -> None:  # noqa: N802 - reportlab's name
        if not hasattr(self, "_ttf_data"):
            if not isinstance(f, str | Path):
                super().readFile(f)
                return
            self.filename = str(f)
            with open(f, "rb") as file:
                self._ttf_data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._pos = 0

    # -- parsing -------------------------------------------------------------------------

    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802,N803 - reportlab's names
        """Names and metrics by reportlab's code; cmap, hmtx and loca in bulk."""
        TTFontFile.extractInfo(self, 0)  # everything up to the character map
        if not charInfo:
            return
        data = self._ttf_data
        head = self.get_table_pos("head")[0]
        index_to_loc_format, glyph_data_format = struct.unpack_from(">HH", data, head + 50)
        if glyph_data_format != 0:
            raise TTFError(f"Unknown glyph data format ({glyph_data_format})")
        cmap = self._cmap_lists()
        if cmap is None:  # a cmap format without a bulk reader: reportlab's loop
            TTFontFile.extractInfo(self, 1)
            return
        chars, glyphs = cmap
        char_to_glyph = self.charToGlyph = dict(zip(chars, glyphs, strict=True))
        self._glyph_to_char: dict[int, list[int]] | None = None
        self._read_metrics(chars, glyphs)
        self._read_loca(index_to_loc_format)
        if 0x20 in char_to_glyph:
            char_to_glyph[0xA0] = char_to_glyph[0x20]
            self.charWidths[0xA0] = self.charWidths[0x20]
        elif 0xA0 in char_to_glyph:
            char_to_glyph[0x20] = char_to_glyph[0xA0]
            self.charWidths[0x20] = self.charWidths[0xA0]

    @property
    def glyphToChar(self) -> dict[int, list[int]]:  # noqa: N802 - reportlab's name
        """glyph -> characters, built on first use (only text shaping reads it)."""
        if self._glyph_to_char is None:
            chars, glyphs = self._cmap_lists() or ((), ())
            table: dict[int, list[int]] = {}
            for char, glyph in zip(chars, glyphs, strict=True):
                table.setdefault(glyph, []).append(char)
            self._glyph_to_char = table
        return self._glyph_to_char

    @glyphToChar.setter
    def glyphToChar(self, table: dict[int, list[int]]) -> None:  # noqa: N802
        self._glyph_to_char = table

    def _cmap_offset(self) -> int:
        """Offset of the character map subtable reportlab would choose (same rules)."""
        data = self._ttf_data
        cmap = self.get_table_pos("cmap")[0]
        version, count = struct.unpack_from(">HH", data, cmap)
        if count == 0 and version != 0:
            count = version
        chosen = None
        enc = 0
        for n in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * n)
            if platform == 3 or (platform == 1 and encoding == 1) or (
                platform == 0 and encoding != 5
            ):
                enc, chosen = 1, offset
            elif platform == 1 and encoding == 0 and enc != 1:
                enc, chosen = 2, offset
        if chosen is None:
            raise TTFError("could not find a suitable cmap encoding")
        return int(cmap + chosen)

    def _cmap_lists(self) -> tuple[Sequence[int], Sequence[int]] | None:
        """Characters and their glyphs in the order reportlab's loop visits them, for cmap
        formats 12 and 4; None for other formats."""
        data = self._ttf_data
        offset = self._cmap_offset()
        (fmt,) = struct.unpack_from(">H", data, offset)
        if fmt == 4:
            run_chars: list[int] = []
            run_glyphs: list[int] = []
            for some_chars, some_glyphs in self._format4_ranges(offset):
                run_chars += some_chars
                run_glyphs += some_glyphs
            return run_chars, run_glyphs
        if fmt != 12:
            return None
        (groups,) = struct.unpack_from(">L", data, offset + 12)
        flat = _ulongs(data, offset + 16, 3 * groups)
        starts, ends, firsts = flat[0::3], flat[1::3], flat[2::3]
        if starts == ends:  # one character per group, as in the bundled CJK faces
            return starts, firsts
        stops = [end + 1 for end in ends]
        last_glyphs = [
            first + stop - start for first, start, stop in zip(firsts, starts, stops, strict=True)
        ]
        chars = list(chain.from_iterable(map(range, starts, stops)))
        glyphs = list(chain.from_iterable(map(range, firsts, last_glyphs)))
        return chars, glyphs

    def _format4_ranges(self, offset: int) -> list[tuple[range, Sequence[int]]]:
        data = self._ttf_data
        length, _lang, seg_x2 = struct.unpack_from(">HHH", data, offset + 2)
        limit = offset + length
        segments = seg_x2 // 2
        ends = _ushorts(data, offset + 14, segments)
        starts = _ushorts(data, offset + 16 + 2 * segments, segments)
        deltas = struct.unpack_from(f">{segments}h", data, offset + 16 + 4 * segments)
        range_start = offset + 16 + 6 * segments
        range_offsets = _ushorts(data, range_start, segments)
        ranges: list[tuple[range, Sequence[int]]] = []
        for n in range(segments):
            chars = range(starts[n], ends[n] + 1)
            delta = deltas[n]
            if range_offsets[n] == 0:
                ranges.append((chars, [(char + delta) & 0xFFFF for char in chars]))
                continue
            first = range_start + 2 * n + range_offsets[n]
            glyphs = []
            for i in range(len(chars)):
                at = first + 2 * i
                glyph = 0 if at >= limit else self.get_ushort(at)  # reportlab's broken-font rule
                glyphs.append((glyph + delta) & 0xFFFF if glyph else 0)
            ranges.append((chars, glyphs))
        return ranges

    def _read_metrics(self, chars: Sequence[int], glyphs: Sequence[int]) -> None:
        """defaultWidth and charWidths as reportlab computes them; the raw metrics are kept
        as arrays and `hmetrics` is built from them when something asks for it."""
        data = self._ttf_data
        (long_metrics,) = struct.unpack_from(">H", data, self.get_table_pos("hhea")[0] + 34)
        if long_metrics == 0:
            raise TTFError("Number of horizontal metrics is 0")
        hmtx = self.get_table_pos("hmtx")[0]
        pairs = _ushorts(data, hmtx, 2 * long_metrics)
        advances = pairs[0::2]
        if self.unitsPerEm == 1000:  # reportlab's scale: identity, else x * (1000 / unitsPerEm)
            scaled: list[float] = list(advances)
        else:
            factor = 1000 / self.unitsPerEm
            scaled = [advance * factor for advance in advances]
        extra = max(self.numGlyphs - long_metrics, 0)
        self._advances, self._lsbs = advances, pairs[1::2]
        self._trailing = _ushorts(data, hmtx + 4 * long_metrics, extra)
        self._last_advance = scaled[-1]  # what reportlab stores for glyphs after the full metrics
        self._hmetrics: list[tuple[float, int]] | None = None
        self.defaultWidth = scaled[0]
        widths = scaled + [scaled[-1]] * extra
        if max(glyphs, default=0) < len(widths):
            self.charWidths = dict(zip(chars, map(widths.__getitem__, glyphs), strict=True))
        else:  # glyphs beyond the metrics get no width, as in reportlab
            bound = len(widths)
            self.charWidths = {
                char: widths[glyph] for char, glyph in zip(chars, glyphs, strict=True)
                if glyph < bound
            }

    @property
    def hmetrics(self) -> list[tuple[float, int]]:
        """(advance, left side bearing) per glyph, as reportlab's parser lists them."""
        if self._hmetrics is None:
            full = zip(self._advances, self._lsbs, strict=True)
            last = self._last_advance
            self._hmetrics = [*full, *((last, lsb) for lsb in self._trailing)]
        return self._hmetrics

    @hmetrics.setter
    def hmetrics(self, table: list[tuple[float, int]]) -> None:
        self._hmetrics = table

    def _subset_metrics(self, glyph_map: list[int]) -> list[int]:
        """advance, lsb, advance, lsb… of `glyph_map` as reportlab's subset hmtx lists them."""
        out: list[int] = []
        if self._hmetrics is not None:
            for glyph in glyph_map:
                advance, lsb = self._hmetrics[glyph]
                out += (int(advance), int(lsb))
            return out
        advances, lsbs, trailing = self._advances, self._lsbs, self._trailing
        full = len(advances)
        last = int(self._last_advance)
        for glyph in glyph_map:
            if glyph < full:
                out += (advances[glyph], lsbs[glyph])
            else:
                out += (last, trailing[glyph - full])
        return out

    def _read_loca(self, index_to_loc_format: int) -> None:
        if "loca" not in self.table:
            raise TTFError("missing location table")
        loca = self.get_table_pos("loca")[0]
        count = self.numGlyphs + 1
        if index_to_loc_format == 0:
            self.glyphPos = [value << 1 for value in _ushorts(self._ttf_data, loca, count)]
        elif index_to_loc_format == 1:
            self.glyphPos = list(_ulongs(self._ttf_data, loca, count))
        else:
            raise TTFError(f"Unknown location table format ({index_to_loc_format})")

    # -- subsetting ----------------------------------------------------------------------

    def get_table(self, tag: str) -> bytes:
        """A table's bytes, sliced from the file once."""
        tables: dict[str, bytes] = self.__dict__.setdefault("_tables", {})
        table = tables.get(tag)
        if table is None:
            pos, length = self.get_table_pos(tag)
            table = tables[tag] = bytes(self._ttf_data[pos : pos + length])
        return table

    def _glyph(self, glyph: int) -> tuple[bytes, tuple[int, ...]]:
        """A glyph's bytes padded to 4 and the glyphs it is composed of (cached)."""
        cache: dict[int, tuple[bytes, tuple[int, ...]]] = self.__dict__.setdefault("_glyphs", {})
        found = cache.get(glyph)
        if found is None:
            if "_glyf" not in self.__dict__:
                pos, length = self.get_table_pos("glyf")
                self._glyf = memoryview(self._ttf_data)[pos : pos + length]
            start = self.glyphPos[glyph]
            size = self.glyphPos[glyph + 1] - start
            data = bytes(self._glyf[start : start + size])
            parts: list[int] = []
            if size and struct.unpack_from(">h", self._glyf, start)[0] < 0:
                at = 10
                flags = GF_MORE_COMPONENTS
                while flags & GF_MORE_COMPONENTS:
                    flags, part = struct.unpack_from(">HH", data, at)
                    parts.append(part)
                    at += 4 + _component_args(flags)
            found = cache[glyph] = (data + b"\0" * (-size % 4), tuple(parts))
        return found

    def makeSubset(self, subset: Sequence[int]) -> bytes:  # noqa: N802 - reportlab's name
        """The same TrueType subset as reportlab's ``TTFontFile.makeSubset``."""
        output = TTFontMaker()
        char_to_glyph = self.charToGlyph
        glyph_map = [0]  # new glyph index -> old glyph index
        glyph_set = {0: 0}  # old glyph index -> new glyph index
        code_to_glyph = {}
        for code in subset:
            original = char_to_glyph.get(code, 0)
            if original not in glyph_set:
                glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph[code] = glyph_set[original]
        cache: dict[int, tuple[bytes, tuple[int, ...]]] = self.__dict__.setdefault("_glyphs", {})
        found: list[tuple[bytes, tuple[int, ...]]] = []
        n = 0
        while n < len(glyph_map):  # glyphs that are parts of composite glyphs join the map
            entry = cache.get(glyph_map[n]) or self._glyph(glyph_map[n])
            found.append(entry)
            for part in entry[1]:
                if part not in glyph_set:
                    glyph_set[part] = len(glyph_map)
                    glyph_map.append(part)
            n += 1

        for tag in _COPIED_TABLES:
            if tag in self.table:
                output.add(tag, self.get_table(tag))
        output.add("post", self._subset_post())
        glyphs = len(glyph_map)

        hmtx = self._subset_metrics(glyph_map)
        n = len(hmtx) - 2
        while n and hmtx[n] == hmtx[n - 2]:
            n -= 2
        n += 2
        long_metrics = n >> 1
        hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
        output.add("hmtx", struct.pack(f">{len(hmtx)}H", *hmtx))
        output.add("hhea", _set_ushort(self.get_table("hhea"), 34, long_metrics))
        output.add("maxp", _set_ushort(self.get_table("maxp"), 4, glyphs))

        entries = len(subset)
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + entries * 2, 0, 0, entries]
        cmap += [code_to_glyph[code] for code in subset]
        output.add("cmap", struct.pack(f">{len(cmap)}H", *cmap))

        glyf = [
            _renumber_components(data, glyph_set) if parts else data for data, parts in found
        ]
        offsets = [0, *accumulate(map(len, glyf))]
        pos = offsets[-1]
        output.add("glyf", b"".join(glyf))
        if (pos + 1) >> 1 > 0xFFFF:
            index_to_loc_format = 1
            loca = struct.pack(f">{len(offsets)}L", *offsets)
        else:
            index_to_loc_format = 0
            loca = struct.pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
        output.add("loca", loca)
        output.add("head", _set_ushort(self.get_table("head"), 50, index_to_loc_format))
        return bytes(output.makeStream())

    def _subset_post(self) -> bytes:
        post = self.__dict__.get("_post")
        if post is None:
            post = self._post = b"\x00\x03\x00\x00" + self.get_table("post")[4:16] + b"\x00" * 16
        return post


def _component_args(flags: int) -> int:
    """Bytes of arguments and transform after a component's flags and glyph index."""
    size = 4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2
    if flags & GF_WE_HAVE_A_SCALE:
        size += 2
    elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
        size += 4
    elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
        size += 8
    return size


def _renumber_components(data: bytes, glyph_set: dict[int, int]) -> bytes:
    """A composite glyph with its components' indexes in the subset's numbering."""
    at = 10
    flags = GF_MORE_COMPONENTS
    while flags & GF_MORE_COMPONENTS:
        flags, part = struct.unpack_from(">HH", data, at)
        data = _set_ushort(data, at + 2, glyph_set[part])
        at += 4 + _component_args(flags)
    return data


class MappedTTFont(TTFont):
    """``TTFont(name, path, subfontIndex=…)`` on a `BundledFace`: the same font, found faster."""

    def __init__(self, name: str, path: Path, subfont_index: int = 0) -> None:
        # TTFont.__init__ with its face swapped: it builds a TTFontFace itself.
        self.fontName = name
        self.face = BundledFace(str(path), validate=0, subfontIndex=subfont_index)
        self.encoding = TTEncoding()
        self.state: WeakKeyDictionary[object, object] = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)
