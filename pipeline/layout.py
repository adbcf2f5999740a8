"""Geometry primitives shared by every stage: characters, words, lines, rectangles, pages.

Coordinates are PDF points with the origin at the top-left corner of the page
(``x0``/``x1`` left/right, ``top``/``bottom`` downwards), as in pdfplumber.
These are plain dataclasses rather than pydantic models: a 1,000-page plan holds
millions of them and they never cross the program's boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import gt, itemgetter
from statistics import median
from typing import Callable, Iterable, NamedTuple, Sequence

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.IGNORECASE)
WHITESPACE = frozenset(" \t\n\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")


@lru_cache(maxsize=4096)
def _bold_font(fontname: str) -> bool:
    return bool(BOLD_FONT.search(fontname))


class Char(NamedTuple):
    """One printed character (a tuple: there are millions of them)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fontname: str
    size: float


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fontname: str
    size: float
    # where the cleaner split a word at a lost-glyph marker ((cid:NN), private-use, NUL):
    marker_before: str | None = None   # "glued" (inside the printed word) or "spaced" (word began with it)
    marker_after: bool = False         # the printed word ended with a marker

    @property
    def bold(self) -> bool:
        return _bold_font(self.fontname)

    @property
    def center_x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Line:
    """A visual row of words sharing a baseline, left to right.

    Its box, size and weight are computed once (lines are asked again and again while a page is
    cut into blocks): build a new Line rather than changing ``words`` afterwards.
    """

    words: list[Word]
    page: int
    _size: float | None = field(default=None, repr=False, compare=False)
    _bold: bool | None = field(default=None, repr=False, compare=False)
    _box: tuple[float, float, float, float] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    @property
    def size(self) -> float:
        if self._size is None:
            self._size = median(w.size for w in self.words)
        return self._size

    @property
    def bold(self) -> bool:
        if self._bold is None:
            letters = [w for w in self.words if any(map(str.isalpha, w.text))] or self.words
            self._bold = sum(len(w.text) for w in letters if w.bold) * 2 > sum(len(w.text) for w in letters)
        return self._bold

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        if self._box is None:
            words = self.words
            self._box = (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words),
                         max(w.bottom for w in words))
        return self._box


@dataclass(frozen=True, slots=True)
class Rect:
    """A filled or stroked rectangle (table cells, bands) or a ruling line."""

    x0: float
    top: float
    x1: float
    bottom: float
    filled: bool = False
    stroked: bool = True

    def contains(self, x: float, y: float, tolerance: float = 0.5) -> bool:
        return (self.x0 - tolerance <= x <= self.x1 + tolerance
                and self.top - tolerance <= y <= self.bottom + tolerance)


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    has_images: bool = False

    @property
    def landscape(self) -> bool:
        return self.width > self.height


_AMBIGUOUS_LIGATURES = frozenset({"fi", "fl"})


class GlyphEvidence(NamedTuple):
    """What a page's characters tell ``GlyphMetrics``."""

    ligature_families: list[str]           # font families seen drawing a ligature glyph with its letters
    widths: list[tuple[str, str, float]]   # (font, character, advance width in em), in reading order


class GlyphMetrics:
    """Typical advance width of each character of each font, in font sizes (em), measured in the document."""

    SAMPLES = 40
    PAGES = 20  # widths are settled long before: later pages are not measured
    DEFAULTS = {"t": 0.3, "i": 0.25, "f": 0.3, "l": 0.25}

    def __init__(self) -> None:
        self._samples: dict[str, dict[str, list[float]]] = {}
        self._cache: dict[tuple[str, str], float] = {}
        self._pages = 0
        self.ligature_fonts: set[str] = set()

    @staticmethod
    def family(fontname: str) -> str:
        """A font's family: its name without the style ('LiberationSans-Bold' → 'LiberationSans')."""
        return fontname.split("-")[0].split(",")[0]

    def maps_ligatures(self, fontname: str) -> bool:
        """Whether the font was seen drawing a ligature glyph that carries its letters ('ffi', 'tt' as
        one character): its producer maps ligatures to their letters, so none of its glyphs lost
        them. ('fi' and 'fl' do not tell: PDFium gives the Unicode ligatures U+FB01/FB02, which
        other producers print for those two alone, as their letters too.)"""
        return self.family(fontname) in self.ligature_fonts

    def add(self, chars: Iterable[Char]) -> None:
        """Measure the next page's characters."""
        self.take(self.evidence(chars, measured=self._pages < self.PAGES))

    @classmethod
    def evidence(cls, chars: Iterable[Char], measured: bool = True) -> GlyphEvidence:
        """What one page's characters tell (widths only if ``measured``): ``take`` adds it. A page
        read in another process (``readahead.py``) sends this rather than its characters."""
        families: set[str] = set()
        widths: list[tuple[str, str, float]] = []
        chars = chars if isinstance(chars, list) else list(chars)
        for char in chars:
            if len(char.text) > 1 and char.text.isalpha() and char.text.lower() not in _AMBIGUOUS_LIGATURES:
                families.add(cls.family(char.fontname))
        if measured:
            counts: dict[tuple[str, str], int] = {}
            for char in chars:
                if len(char.text) != 1 or char.size <= 0:
                    continue
                key = (char.fontname, char.text)
                if (seen := counts.get(key, 0)) < cls.SAMPLES:  # no more could be kept
                    counts[key] = seen + 1
                    widths.append((char.fontname, char.text, (char.x1 - char.x0) / char.size))
        return GlyphEvidence(sorted(families), widths)

    def take(self, evidence: GlyphEvidence) -> None:
        self.ligature_fonts.update(evidence.ligature_families)
        self._pages += 1
        if self._pages > self.PAGES:
            return
        for fontname, text, width in evidence.widths:
            samples = self._samples.setdefault(fontname, {}).setdefault(text, [])
            if len(samples) < self.SAMPLES:
                samples.append(width)

    def width(self, fontname: str, text: str) -> float:
        """Width of ``text`` in the font, in em; unseen characters get a typical narrow-letter width."""
        key = (fontname, text)
        if key not in self._cache:
            per_font = self._samples.get(fontname, {})
            self._cache[key] = sum(median(per_font[c]) if c in per_font else self.DEFAULTS.get(c, 0.5)
                                   for c in text)
        return self._cache[key]


def union_bbox(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


_EPSILON = 0.005
"""Added to the thresholds of ``group_lines``: the backends' coordinates differ in the sixth digit
(PDFium computes in single precision), and a value right at a threshold must fall the same way."""


_BOTTOM = itemgetter(4)


def _x_order(char: Char) -> float:
    return round(char.x0, 2)


def group_lines(chars: Sequence[Char], page: int) -> list[Line]:
    """Group a page's characters into lines of words.

    A line gathers characters standing on the same baseline: their boxes' bottoms (descender line)
    lie within a quarter of the font size — box tops vary with accents and capitals, bottoms do not.
    A word ends at a whitespace character or at a horizontal gap wider than a fifth of the font
    size (a text layer without space characters still separates its words that way).
    """
    visible = [c for c in chars if c.text]
    visible.sort(key=_BOTTOM)
    rows_of, words_of_row = _grouping()
    lines = []
    for row in rows_of(visible, _EPSILON):
        lefts = [char[1] for char in row]
        if any(map(gt, lefts, islice(lefts, 1, None))):  # (already in order, as most rows are, it stays so)
            row.sort(key=_x_order)  # x rounded: the backends differ in the sixth digit, ties keep stream order
        words = words_of_row(row, Word, WHITESPACE, _EPSILON)
        if words:
            lines.append(Line(words=words, page=page))
    lines.sort(key=lambda line: (round(line.top, 1), line.x0))
    return lines


@lru_cache(maxsize=1)
def _grouping() -> tuple[Callable[[list[Char], float], list[list[Char]]],
                         Callable[[list[Char], type[Word], frozenset[str], float], list[Word]]]:
    """``_rows_of`` and ``_words_of_row``: in C (``_words.c``, the same loops) where it is built."""
    try:
        from . import _words
    except ImportError:  # not built (no C compiler at install)
        return _rows_of, _words_of_row
    return _words.rows_of, _words.words_of_row


def _rows_of(chars: list[Char], epsilon: float) -> list[list[Char]]:
    """Characters sorted by their bottom, cut where one stands off the first of its row's baseline."""
    rows: list[list[Char]] = []
    row_bottom = -1e9
    for char in chars:
        if rows and abs(char.bottom - row_bottom) <= (char.size if char.size > 1.0 else 1.0) * 0.25 + epsilon:
            rows[-1].append(char)
        else:
            rows.append([char])
            row_bottom = char.bottom
    return rows


def _words_of_row(row: list[Char], word: type[Word] = Word, whitespace: frozenset[str] = WHITESPACE,
                  epsilon: float = _EPSILON) -> list[Word]:
    words: list[Word] = []
    text: list[str] = []
    first = previous = row[0]
    top = bottom = 0.0
    _, _, previous_x1, _, _, _, previous_size = previous
    for char in row:  # the fields unpacked once: this runs for every character
        letters, x0, x1, char_top, char_bottom, _, size = char
        if letters == previous[0] and char is not previous and abs(x0 - previous[1]) < 1.0 \
                and abs(char_top - previous[3]) < 1.0:
            continue  # printed twice at the same place (fake bold, overprinted layers)
        if letters in whitespace or letters.isspace():
            if text:
                words.append(word("".join(text), first.x0, previous_x1, top, bottom, first.fontname, first.size))
                text = []
            continue
        if text and x0 - previous_x1 > (size if size > previous_size else previous_size) * 0.2 + epsilon:
            words.append(word("".join(text), first.x0, previous_x1, top, bottom, first.fontname, first.size))
            text = []
        if not text:
            first, top, bottom = char, char_top, char_bottom
        else:
            top = char_top if char_top < top else top
            bottom = char_bottom if char_bottom > bottom else bottom
        text.append(letters)
        previous, previous_x1, previous_size = char, x1, size
    if text:
        words.append(word("".join(text), first.x0, previous_x1, top, bottom, first.fontname, first.size))
    return words
