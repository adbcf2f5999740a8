"""A self-check of the reading: the letters of the words built from a page's characters must be
the letters of the page's own text, as the PDF library reads it (PDFium's text range, or
pdfminer's characters in stream order).

Spacing, punctuation and line breaks are ignored (the words are cut and ordered by geometry, the
library's text follows the content stream), so only letters and digits are compared, as multisets.
A page whose letters differ gets a ``text_mismatch`` warning naming the first word that differs:
it would have caught a ligature glyph whose letters share one box being taken for a letter
printed twice. The comparison is a few milliseconds per page and always on.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .layout import Page

_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's mark of a glyph without text
_NOT_LETTERS = re.compile(r"[\W_]+")


def letters(text: str) -> str:
    """The letters and digits of ``text``, compatibility forms folded (ﬁ → fi)."""
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", _CID.sub(" ", text)))


@dataclass(frozen=True, slots=True)
class Mismatch:
    page: int
    lost: Counter[str]    # letters of the page's text missing from the words
    added: Counter[str]   # letters of the words the page's text does not have
    word: str             # the first word that differs
    reader: str

    @property
    def message(self) -> str:
        parts = []
        if self.lost:
            parts.append(f"{sum(self.lost.values())} letter(s) lost ({_listed(self.lost)})")
        if self.added:
            parts.append(f"{sum(self.added.values())} letter(s) added ({_listed(self.added)})")
        return (f"page {self.page}: the words read differ from the page's own text ({self.reader}): "
                f"{' and '.join(parts)}, first at '{self.word}'")


def check_page(page: Page, own_text: str, reader: str) -> Mismatch | None:
    """Compare the words of ``page`` with the library's text of it; None when their letters agree."""
    if not own_text:
        return None
    words = [word.text for line in page.lines for word in line.words]
    ours, theirs = letters(" ".join(words)), letters(own_text)
    if len(ours) == len(theirs) and Counter(ours) == Counter(theirs):
        return None
    ours_count, theirs_count = Counter(ours), Counter(theirs)
    lost, added = theirs_count - ours_count, ours_count - theirs_count
    if not lost and not added:
        return None
    return Mismatch(page.number, lost, added, _first_different(words, own_text, ours, theirs, lost, added), reader)


def _first_different(words: list[str], own_text: str, ours: str, theirs: str, lost: Counter[str],
                     added: Counter[str]) -> str:
    """The first of our words with a letter the page's text lacks, or else the first word of the
    page's text with a letter our words lack; either one not found whole on the other side."""
    for word in words:
        squeezed = letters(word)
        if squeezed and any(c in added for c in squeezed) and squeezed not in theirs:
            return word
    for word in own_text.split():
        squeezed = letters(word)
        if squeezed and any(c in lost for c in squeezed) and squeezed not in ours:
            return word
    return next((w for w in words if any(c in added for c in letters(w))), "")


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{char}×{n}" if n > 1 else char for char, n in sorted(counts.items()))
