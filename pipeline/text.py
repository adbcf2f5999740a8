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


def join_lines(lines: Iterable[str], is_word: Callable[[str], bool] | None = None) -> str:
    """Join wrapped lines into one paragraph.

    A line ending in a hyphen glued to a letter continues the word on the next line: the hyphen
    is dropped when that makes a known word (``organiz-`` + ``zazione``), kept otherwise
    (``socio-`` + ``economico``).
    """
    out = ""
    for line in (squash(x) for x in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and line[0].isalpha():
            head = re.search(r"[^\W\d_]+-$", out)
            tail = re.match(r"[^\W\d_]+", line)
            joined = (head.group()[:-1] + tail.group()) if head and tail else ""
            if line[0].islower() and is_word is not None and joined and is_word(joined):
                out = out[:-1] + line
            else:
                out = out + line
        else:
            out = out + " " + line
    return out
