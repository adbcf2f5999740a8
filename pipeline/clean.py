"""Stage 2, clean: repair the text layer word by word, keeping every word's position.

* Unicode ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ) are expanded; U+2010/U+2011 hyphens become '-';
  soft hyphens vanish; bullets drawn from private-use code points are dropped.
* A lost glyph inside a word — a ``(cid:NN)`` token, a private-use code point, U+FFFD — splits the
  word there, so that it looks like the other forms of loss (a space, a gap) to the repair.
* Lost ligatures are rebuilt from the lexicon (``ligatures.py``).
* ``lavoro‐ vita`` (a hyphen left before a line break that was reflowed) is closed up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from statistics import median

from .layout import Line, Page, Word
from .lexicon import lexicon_for
from .ligatures import LigatureRepairer
from .rules import RuleSet

_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00ad": None})
_UNICODE_LIGATURES = re.compile("[\ufb00-\ufb06]")
_LOST_GLYPH = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd]")
_BULLETS = frozenset("•▪◦●○■□◆◇►▶➢✓✔·")


@dataclass(slots=True)
class CleanReport:
    ligature_repairs: int = 0


def clean_pages(pages: list[Page], rules: RuleSet) -> CleanReport:
    """Clean every line of every page in place; returns what was repaired."""
    repairer = LigatureRepairer(lexicon_for(rules.lexicon), rules.lexicon)
    report = CleanReport()
    for page in pages:
        cleaned = []
        for line in page.lines:
            words = [piece for word in line.words for piece in _normalise_word(word)]
            words, repaired = _repair_ligatures(words, repairer)
            report.ligature_repairs += repaired
            words = _close_hyphens(words)
            if words:
                cleaned.append(Line(words=words, page=line.page))
        page.lines = cleaned
    return report


def normalise_text(text: str) -> str:
    """Character-level repairs shared by words and free strings."""
    text = _UNICODE_LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text.translate(_HYPHENS)


def _normalise_word(word: Word) -> list[Word]:
    text = normalise_text(word.text)
    if all(_is_bullet(c) for c in text):
        return []
    pieces = [p for p in _LOST_GLYPH.split(text) if p]
    if len(pieces) == 1:
        return [_with_text(word, pieces[0])]
    # spread the pieces over the word's width in proportion to their length
    total = sum(len(p) for p in pieces) or 1
    step = (word.x1 - word.x0) / total
    out, x = [], word.x0
    for piece in pieces:
        width = step * len(piece)
        out.append(Word(piece, x, x + width, word.top, word.bottom, word.fontname, word.size))
        x += width
    return out


def _is_bullet(char: str) -> bool:
    return char in _BULLETS or "\ue000" <= char <= "\uf8ff" or char == "\ufffd"


def _with_text(word: Word, text: str) -> Word:
    return Word(text, word.x0, word.x1, word.top, word.bottom, word.fontname, word.size)


def wide_gaps(words: list[Word], bounds_em: tuple[float, float]) -> list[bool]:
    """For each gap between words: is it wider than the line's usual word gap by a glyph's width?"""
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
    if len(gaps) < 2:
        return [False] * len(gaps)
    usual = median(gaps)
    low, high = bounds_em
    return [low * a.size <= gap - usual <= high * a.size for gap, a in zip(gaps, words)]


def _repair_ligatures(words: list[Word], repairer: LigatureRepairer) -> tuple[list[Word], int]:
    repairs = repairer.plan([w.text for w in words], wide_gaps(words, repairer.rules.wide_gap_em))
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
                and previous.text[-2].isalnum() and word.text[:1].isalnum()):
            out[-1] = _merge([previous, word], previous.text + word.text)
        else:
            out.append(word)
    return out


def _merge(words: list[Word], text: str) -> Word:
    first = words[0]
    return Word(text, first.x0, max(w.x1 for w in words), min(w.top for w in words),
                max(w.bottom for w in words), first.fontname, first.size)
