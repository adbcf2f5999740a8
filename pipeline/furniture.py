"""Page furniture: running headers and footers, recognised by repetition and position.

A line is furniture when it is among the outermost lines of a page (top or bottom band) and
either its text — digits masked, so 'Pagina 3 di 24' and 'Pagina 4 di 24' are the same — repeats
near the same edge on a good share of the neighbouring pages, or it is a bare page number.
Neighbouring: within ``window`` pages either side, so that a long plan is read page by page and
a running header that starts half-way through is still recognised; a short document is one window.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from typing import Callable, Iterator, Sequence

from .layout import Line, Page
from .rules import FurnitureRules, compiled
from .text import fold

_DIGITS = re.compile(r"\d+")
WINDOW = 10
Edge = tuple[str, str, Line]  # (top | bottom, signature, line)


def _signature(line: Line) -> str:
    return _DIGITS.sub("#", fold(line.text))


def edge_lines(page: Page, rules: FurnitureRules,
               protected: Callable[[Line, Page], bool] = lambda line, page: False) -> list[Edge]:
    """The page's outermost lines that could be running headers or footers."""
    band = page.height * rules.edge_band
    lines = sorted(page.lines, key=lambda ln: ln.top)
    top = [("top", ln) for ln in lines[: rules.edge_lines] if ln.bottom <= band]
    bottom = [("bottom", ln) for ln in lines[-rules.edge_lines:] if ln.top >= page.height - band]
    chosen = top + [c for c in bottom if c not in top]
    return [(edge, _signature(line), line) for edge, line in chosen if not protected(line, page)]


def furniture_of(edges: list[Edge], neighbours: Sequence[list[Edge]], rules: FurnitureRules) -> list[Line]:
    """Which of a page's edge lines are furniture, judged against its neighbouring pages' edges
    (``neighbours`` includes the page itself)."""
    seen = Counter(key for page_edges in neighbours for key in {(edge, sig) for edge, sig, _ in page_edges})
    needed = max(2, rules.min_repeat_ratio * len(neighbours))
    page_number = [compiled(p) for p in rules.page_number_patterns]
    return [line for edge, sig, line in edges
            if seen[(edge, sig)] >= needed or any(p.match(line.text.strip()) for p in page_number)]




class FurnitureStream:
    """Furniture removal for pages that arrive one at a time: a page is released (stripped of its
    furniture) once the ``WINDOW`` pages after it have arrived, or at the end."""

    def __init__(self, rules: FurnitureRules,
                 protected: Callable[[Line, Page], bool] = lambda line, page: False) -> None:
        self.rules = rules
        self.protected = protected
        self.waiting: deque[tuple[Page, list[Edge]]] = deque()
        self.before: deque[list[Edge]] = deque(maxlen=WINDOW)

    def push(self, page: Page) -> Iterator[tuple[Page, list[Line]]]:
        """Add a page; yields (page, its furniture lines) for every page now decided."""
        self.waiting.append((page, edge_lines(page, self.rules, self.protected)))
        while len(self.waiting) > WINDOW:
            yield self._release()

    def flush(self) -> Iterator[tuple[Page, list[Line]]]:
        while self.waiting:
            yield self._release()

    def _release(self) -> tuple[Page, list[Line]]:
        page, edges = self.waiting.popleft()
        after = [e for _, e in list(self.waiting)[:WINDOW]]
        furniture = furniture_of(edges, [*self.before, edges, *after], self.rules)
        ids = {id(line) for line in furniture}
        page.lines = [ln for ln in page.lines if id(ln) not in ids]
        self.before.append(edges)
        return page, furniture
