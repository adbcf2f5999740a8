"""Small text helpers shared by the stages: folding for comparisons, joining wrapped lines."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterable

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Comparison key: case, accents, apostrophe style and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return squash(stripped.replace("\u2019", "'").replace("`", "'"))


_LAST_LETTERS = re.compile(r"[^\W\d_]+$")
_FIRST_LETTERS = re.compile(r"^[^\W\d_]+")
_TAIL_WINDOW = 64


def _last_letters(text: str) -> str:
    """The letters ``text`` ends with ('' if none), looked for in its last characters only: a
    search over a whole paragraph, line after line, would cost its length squared."""
    match = _LAST_LETTERS.search(text[-_TAIL_WINDOW:])
    if match and match.start() == 0 and len(text) > _TAIL_WINDOW:  # the word may begin further back
        match = _LAST_LETTERS.search(text)
    return match.group() if match else ""


def join_lines(lines: Iterable[str], is_word: Callable[[str], bool] | None = None) -> str:
    """Join wrapped lines into one paragraph.

    A line ending in a hyphen glued to a letter continues the word on the next line: the hyphen
    is dropped (``organiz-`` + ``zazione``, ``DIRIT-`` + ``TO``, ``An-`` + ``saldi``) but where both
    parts are words and the whole is not — a compound (``socio-`` + ``economico``); so is a hyphen set apart from its word (``perso -`` +
    ``nale``, as LibreOffice justifies) when the parts are not words. A word the PDF itself broke at a cell's edge without a
    hyphen (``Approvazion`` + ``e``) is closed up when the whole is a known word and its first part
    is not (nor its second, unless a one- or two-letter word).
    """
    out = ""
    for line in (squash(x) for x in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and line[0].isalpha():
            head = _last_letters(out[:-1])
            tail = _FIRST_LETTERS.match(line)
            first, second = (head, tail.group()) if head and tail else ("", "")
            same_case = line[0].islower() or (first + second).isupper()
            compound = is_word is None or (is_word(first) and is_word(second) and not is_word(first + second))
            out = out[:-1] + line if same_case and first and not compound else out + line
        elif is_word is not None and out.endswith(" -") and _broken_word(out[:-2], line, is_word, hyphen=True):
            out = out[:-2] + line  # the hyphen of a justified line set apart from its word ('perso -')
        elif is_word is not None and _broken_word(out, line, is_word):
            out = out + line
        else:
            out = out + " " + line
    return out


def _broken_word(before: str, after: str, is_word: Callable[[str], bool], hyphen: bool = False) -> bool:
    """Whether the last word of ``before`` and the first of ``after`` are one word broken in two:
    the whole is a word, its parts are not (with a ``hyphen`` between them, the second is not)."""
    first, tail = _last_letters(before), _FIRST_LETTERS.match(after)
    if tail is None or len(first) < (1 if hyphen else 3):
        return False
    second = tail.group()
    if first.isupper() != second.isupper() and not (first[0].isupper() and second.islower()):
        return False  # 'Approvazion' + 'e' and 'APPROVAZION' + 'E', not 'uffici' + 'SETTORE'
    if hyphen:
        return is_word(first + second) and not is_word(second)
    return is_word(first + second) and not is_word(first) and (len(second) <= 2 or not is_word(second))
