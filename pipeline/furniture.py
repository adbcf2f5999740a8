"""Page furniture: running headers and footers, recognised by repetition and position.

A line is furniture when it is among the outermost lines of a page (top or bottom band) and
either its text — digits masked, so 'Pagina 3 di 24' and 'Pagina 4 di 24' are the same — repeats
near the same edge on a good share of the pages, or it is a bare page number.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from .layout import Line, Page
from .rules import FurnitureRules, compiled
from .text import fold

_DIGITS = re.compile(r"\d+")


def _signature(line: Line) -> str:
    return _DIGITS.sub("#", fold(line.text))


def _edge_candidates(page: Page, rules: FurnitureRules) -> list[tuple[str, Line]]:
    band = page.height * rules.edge_band
    lines = sorted(page.lines, key=lambda ln: ln.top)
    top = [("top", ln) for ln in lines[: rules.edge_lines] if ln.bottom <= band]
    bottom = [("bottom", ln) for ln in lines[-rules.edge_lines:] if ln.top >= page.height - band]
    return top + [c for c in bottom if c not in top]


def find_furniture(pages: list[Page], rules: FurnitureRules,
                   protected: Callable[[Line, Page], bool] = lambda line, page: False) -> set[int]:
    """ids of the furniture lines. Lines for which ``protected`` is true (table headers) are kept."""
    candidates = [(page, edge, line) for page in pages for edge, line in _edge_candidates(page, rules)]
    counts = Counter((edge, _signature(line)) for _, edge, line in candidates)
    needed = max(2, rules.min_repeat_ratio * len(pages))
    page_number = [compiled(p) for p in rules.page_number_patterns]
    furniture: set[int] = set()
    for page, edge, line in candidates:
        text = line.text.strip()
        if protected(line, page):
            continue
        if counts[(edge, _signature(line))] >= needed or any(p.match(text) for p in page_number):
            furniture.add(id(line))
    return furniture


def remove_furniture(pages: list[Page], rules: FurnitureRules,
                     protected: Callable[[Line, Page], bool] = lambda line, page: False) -> list[Line]:
    """Remove furniture lines from the pages in place; returns them (for ``explain``)."""
    ids = find_furniture(pages, rules, protected)
    removed = []
    for page in pages:
        removed += [ln for ln in page.lines if id(ln) in ids]
        page.lines = [ln for ln in page.lines if id(ln) not in ids]
    return removed
