"""Stage 2, clean: repair the text layer word by word, keeping every word's position.

* Unicode ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ) are expanded; U+2010/U+2011 hyphens become '-';
  soft hyphens vanish; bullets drawn from private-use code points are dropped.
* A lost glyph inside a word — a ``(cid:NN)`` token, a private-use code point, U+FFFD — splits the
  word there, so that it looks like the other forms of loss (a space, a gap) to the repair.
* Lost ligatures are rebuilt from the lexicon (``ligatures.py``).
* ``lavoro‐ vita`` (a hyphen left before a line break that was reflowed) is closed up.
* A font seen drawing ligatures with their letters (office PDFs) cannot have lost any: its words
  are repaired only at a lost-glyph marker.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from statistics import median
from typing import Sequence

from .layout import GlyphMetrics, Line, Page, Word
from .lexicon import lexicon_for
from .ligatures import NO_GAP_INFO, Gap, LigatureRepairer
from .rules import RuleSet

_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00ad": None})
_UNICODE_LIGATURES = re.compile("[\ufb00-\ufb06]")
_LOST_GLYPH = re.compile(r"\(cid:\d+\)|[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")
_BULLETS = frozenset("•▪◦●○■□◆◇►▶➢✓✔·")
_NEEDS_WORK = re.compile("[\ufb00-\ufb06\u2010-\u2012\u00ad(\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd"
                         + re.escape("".join(sorted(_BULLETS))) + "]")
"""A character one of the repairs below looks at: a word without any is left as it is."""


@dataclass(slots=True)
class CleanReport:
    ligature_repairs: int = 0


class Cleaner:
    """Cleans pages one at a time (in place), counting the words it repairs."""

    def __init__(self, rules: RuleSet, glyphs: GlyphMetrics | None = None) -> None:
        self.repairer = LigatureRepairer(lexicon_for(rules.lexicon), rules.lexicon)
        self.glyphs = glyphs or GlyphMetrics()
        self.report = CleanReport()
        self._fills_of_font: dict[tuple[str, int], tuple[str, ...]] = {}

    def _lost_fills(self, fontname: str) -> tuple[str, ...]:
        """The letter groups a glyph lost in this font may stand for: none in a font that maps its
        ligatures to their letters."""
        key = (fontname, len(self.glyphs.ligature_fonts))  # fonts are only ever added to that set
        fills = self._fills_of_font.get(key)
        if fills is None:
            fills = self._fills_of_font[key] = () if self.glyphs.maps_ligatures(fontname) else tuple(self.repairer.fills)
        return fills

    def clean(self, page: Page) -> None:
        cleaned = []
        edges = _vertical_edges(page)
        for line in page.lines:
            words = [piece for word in line.words for piece in _normalise_word(word)]
            marked = [w.marker_before is not None or w.marker_after for w in words]
            fills = [tuple(self.repairer.fills) if m else self._lost_fills(w.fontname) for w, m in zip(words, marked)]
            if any(fills):
                gaps = line_gaps(words, self.glyphs, self.repairer.fills, _edges_near(edges, line))
                if words[-1].marker_after:
                    gaps.append(Gap(marker="spaced"))  # a glyph was lost at the very end of the line
                words, repaired = _repair_ligatures(words, self.repairer, gaps, fills)
                self.report.ligature_repairs += repaired
            words = _close_hyphens(words)
            if words:
                cleaned.append(Line(words=words, page=line.page))
        page.lines = cleaned


def clean_pages(pages: list[Page], rules: RuleSet, glyphs: GlyphMetrics | None = None) -> CleanReport:
    """Clean every line of every page in place; returns what was repaired."""
    cleaner = Cleaner(rules, glyphs)
    for page in pages:
        cleaner.clean(page)
    return cleaner.report


def normalise_text(text: str) -> str:
    """Character-level repairs shared by words and free strings."""
    text = _UNICODE_LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_HYPHENS)


def _normalise_word(word: Word) -> list[Word]:
    if not _NEEDS_WORK.search(word.text):
        return [word]
    text = normalise_text(word.text)
    if all(_is_bullet(c) for c in _LOST_GLYPH.sub("\ufffd", text)):
        return []
    parts = _LOST_GLYPH.split(text)
    if len(parts) == 1:
        return [_with_text(word, text)]
    # a marker splits the word; the pieces share its width in proportion to their length
    pieces = [p for p in parts if p]
    total = sum(len(p) for p in pieces) or 1
    step = (word.x1 - word.x0) / total
    out: list[Word] = []
    x = word.x0
    for index, part in enumerate(parts):
        if not part:
            continue
        piece = Word(part, x, x + step * len(part), word.top, word.bottom, word.fontname, word.size)
        if index > 0:
            piece.marker_before = "glued" if out else "spaced"
        x = piece.x1
        out.append(piece)
    out[-1].marker_after = parts[-1] == ""
    return out


def _is_bullet(char: str) -> bool:
    return char in _BULLETS or "\ue000" <= char <= "\uf8ff" or char == "\ufffd"


def _with_text(word: Word, text: str) -> Word:
    return Word(text, word.x0, word.x1, word.top, word.bottom, word.fontname, word.size)


def _vertical_edges(page: Page) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of every vertical border drawn on the page (cell walls, rules)."""
    edges = []
    for rect in page.rects:
        if rect.bottom - rect.top > 2:
            edges += [(rect.x0, rect.top, rect.bottom), (rect.x1, rect.top, rect.bottom)]
    return edges


def _edges_near(edges: list[tuple[float, float, float]], line: Line) -> list[float]:
    top, bottom = line.top, line.bottom
    return [x for x, edge_top, edge_bottom in edges if edge_top < bottom and edge_bottom > top]


def line_gaps(words: list[Word], glyphs: GlyphMetrics, fills: list[str], walls: Sequence[float] = ()) -> list[Gap]:
    """What the geometry says about each gap between a line's words (see ``ligatures.Gap``).

    A gap with a drawn border inside it (between two table cells) says nothing about glyphs.
    """
    gaps: list[Gap] = []
    measured = [(b.x0 - a.x1) / a.size for a, b in zip(words, words[1:])
                if a.size > 0 and not a.marker_after and b.marker_before is None]
    usual = median(measured) if len(measured) >= 3 else None
    widths_by_font: dict[str, dict[str, float]] = {}
    for a, b in zip(words, words[1:]):
        observed = (b.x0 - a.x1) / a.size if a.size > 0 else None
        # a marker ending a word is glued to the next one unless a real space follows it
        spaced = observed is None or observed >= 0.6 * (usual if usual is not None else 0.25)
        marker = ("glued" if b.marker_before == "glued" or (a.marker_after and not spaced)
                  else "spaced" if a.marker_after or b.marker_before == "spaced" else None)
        widths = widths_by_font.get(a.fontname)
        if widths is None:
            widths = widths_by_font[a.fontname] = {fill: glyphs.width(a.fontname, fill) for fill in fills}
        if walls and any(a.x1 <= x <= b.x0 for x in walls):
            gaps.append(NO_GAP_INFO)
            continue
        gaps.append(Gap(observed=observed, usual=usual, fill_widths=widths, marker=marker))
    return gaps


def _repair_ligatures(words: list[Word], repairer: LigatureRepairer, gaps: list[Gap],
                      fills: list[tuple[str, ...]]) -> tuple[list[Word], int]:
    """Repairs of lost glyphs, each word's font with the letter groups it may have lost (``fills``)."""
    repairs = repairer.plan([w.text for w in words], gaps, fills)
    if not repairs:
        return words, 0
    out: list[Word] = []
    cursor = 0
    for repair in repairs:
        out.extend(words[cursor:repair.start])
        out.append(_merge(words[repair.start:repair.end], repair.text))
        cursor = repair.end
    out.extend(words[cursor:])
    return out, len(repairs)


def _close_hyphens(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    for word in words:
        previous = out[-1] if out else None
        if (previous is not None and len(previous.text) > 1 and previous.text.endswith("-")
                and previous.text[-2].isalnum() and word.text[:1].isalnum()
                and word.x0 - previous.x1 <= previous.size * 0.6):  # one space apart, not the next cell
            out[-1] = _merge([previous, word], previous.text + word.text)
        else:
            out.append(word)
    return out


def _merge(words: list[Word], text: str) -> Word:
    first = words[0]
    return Word(text, first.x0, max(w.x1 for w in words), min(w.top for w in words),
                max(w.bottom for w in words), first.fontname, first.size)
