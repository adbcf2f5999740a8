"""Repair of words damaged by lost ligature glyphs.

Fonts such as Calibri draw 'tt', 'ti', 'tti' (and 'fi', 'ff' …) as single glyphs. When such a glyph
has no Unicode mapping its letters vanish from the text layer, leaving a space or a gap:
``a uazione`` (attuazione), ``Sta s co`` (Statistico), ``sogge`` (soggetti), ``Ci à`` (Città).

The repair works on whitespace-separated tokens. The letters at the end of a token (its *tail*)
may be glued to the letters at the start of the next token (its *head*) with one *fill* — a
letter group of ``lexicon.fills`` — per gap; the last letters may also get a fill of their own
(``sogge`` → ``soggetti``) and a lone damaged fragment one in front (``  po`` → ``tipo``).

Every reading is scored as log10 probabilities:

* each word by its frequency (``lexicon.py``); a non-word gets a very low floor;
* each gap assumed to hide a glyph costs ``fill_cost`` — unless the gap is *visibly too wide*
  for a plain space (``wide[k]``, measured from the characters' positions), in which case it is
  the plain-space reading of that gap that pays ``gap_evidence``;
* a space before punctuation (``risulta ,``) is evidence too: normal typesetting never puts one.

The best reading wins if it beats the printed one. When every fragment is itself a real word and
no gap is too wide, it must win by ``real_pair_margin`` more: ``poli che`` → ``politiche``
(P(politiche) ≫ P(poli)·P(che)), but ``e ore`` stays although ``ettore`` exists.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterator, Sequence

from .lexicon import Lexicon
from .rules import LexiconRules

MAX_FRAGMENTS = 4
_TAIL = re.compile(r"^(?P<prefix>(?:.*[^\w])?)(?P<core>[^\W\d_]+)$", re.DOTALL)
_HEAD = re.compile(r"^(?P<core>[^\W\d_]+)(?P<suffix>(?:[^\w].*)?)$", re.DOTALL)
_PUNCTUATION_ONLY = re.compile(r"^[,;:.)\]»\u201d\u2019!?]+$")


@dataclass(frozen=True, slots=True)
class Fragment:
    """The letters of a token that may take part in a repair, and what surrounds them."""

    prefix: str
    core: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Repair:
    """Tokens ``start:end`` are replaced by the single token ``text``."""

    start: int
    end: int
    text: str
    gain: float


@dataclass(frozen=True, slots=True)
class _Reading:
    word: str
    joins: int
    lead: bool
    trail: bool


def tail_of(token: str) -> Fragment | None:
    """The letters a token ends with (``l'Ente;Ges`` → prefix ``l'Ente;``, core ``Ges``)."""
    match = _TAIL.match(token)
    return Fragment(match["prefix"], match["core"], "") if match else None


def head_of(token: str) -> Fragment | None:
    """The letters a token starts with (``vo.Digitale`` → core ``vo``, suffix ``.Digitale``)."""
    match = _HEAD.match(token)
    return Fragment("", match["core"], match["suffix"]) if match else None


class LigatureRepairer:
    def __init__(self, lexicon: Lexicon, rules: LexiconRules) -> None:
        self.lexicon = lexicon
        self.rules = rules
        self.fills = [f.casefold() for f in rules.fills]
        self._sorted_words: list[str] | None = None

    # -- public API -------------------------------------------------------------------------

    def plan(self, tokens: Sequence[str], wide: Sequence[bool] | None = None) -> list[Repair]:
        """Repairs for ``tokens``, left to right, non-overlapping.

        ``wide[k]`` tells whether the gap between tokens k and k+1 is too wide for a plain space.
        """
        wide = list(wide) if wide is not None else [False] * max(0, len(tokens) - 1)
        repairs: list[Repair] = []
        i = 0
        while i < len(tokens):
            best = self._best_at(tokens, wide, i)
            if best is None:
                i += 1
            else:
                repairs.append(best)
                i = best.end
        return repairs

    def repair_text(self, text: str) -> tuple[str, int]:
        """Repair a whitespace-separated string; returns the text and the number of repaired words."""
        tokens = text.split()
        repairs = self.plan(tokens)
        return " ".join(apply(tokens, repairs)), len(repairs)

    # -- search -----------------------------------------------------------------------------

    def _chain(self, tokens: Sequence[str], i: int) -> list[Fragment]:
        """Fragments from token i on that could be one word: tail of i, whole middles, head of the last."""
        first = tail_of(tokens[i]) or (head_of(tokens[i]) if tokens[i][:1].isalpha() else None)
        if first is None:
            return []
        if first.suffix or i + 1 >= len(tokens):
            return [first]
        chain = [first]
        for token in tokens[i + 1:i + MAX_FRAGMENTS]:
            head = head_of(token)
            if head is None:
                break
            chain.append(head)
            if head.suffix:
                break
        return chain

    def _best_at(self, tokens: Sequence[str], wide: list[bool], i: int) -> Repair | None:
        chain = self._chain(tokens, i)
        if not chain or _is_abbreviation(chain[0]):
            return None
        known = [self.lexicon.is_known(f.core) for f in chain]
        best: Repair | None = None
        for last in range(len(chain)):
            after = tokens[i + last + 1] if i + last + 1 < len(tokens) else ""
            punctuation_after = not chain[last].suffix and bool(_PUNCTUATION_ONLY.match(after))
            trail_gap = i + last if i + last < len(wide) else None
            lead_gap = i - 1 if i > 0 else None
            lead_evidence = lead_gap is not None and wide[lead_gap]
            trail_evidence = punctuation_after or (trail_gap is not None and wide[trail_gap])
            if last == 0 and (len(chain[0].core) < 2 or (known[0] and not trail_evidence and not lead_evidence)):
                continue  # a lone real word is only extended where a gap shows a glyph is missing
            printed = sum(self.lexicon.log10p(f.core) for f in chain[: last + 1])
            join_gaps = list(range(i, i + last))
            for reading in self._readings(chain[: last + 1], known, lead_evidence):
                gaps = join_gaps + ([trail_gap] if reading.trail and trail_gap is not None else []) + (
                    [lead_gap] if reading.lead and lead_gap is not None else [])
                # a gap is evidence of a lost glyph if it is too wide, or precedes punctuation
                evident = [wide[g] or (g == trail_gap and punctuation_after) for g in gaps]
                cost = sum(0.0 if e else self.rules.fill_cost for e in evident)
                evidence = self.rules.gap_evidence * sum(evident)
                margin = self.rules.real_pair_margin if (
                    last > 0 and all(known[: last + 1]) and not any(wide[g] for g in join_gaps)) else 0.0
                gain = self.lexicon.log10p(reading.word) - cost - (printed - evidence)
                if gain > margin and (best is None or gain > best.gain):
                    text = chain[0].prefix + reading.word + chain[last].suffix
                    end = i + last + 1
                    if reading.trail and punctuation_after:  # the space before the punctuation was the glyph
                        text, end = text + after, end + 1
                    best = Repair(i, end, text, gain)
        return best

    def _readings(self, chain: list[Fragment], known: list[bool], lead_evidence: bool) -> Iterator[_Reading]:
        """Known words a fragment run can be read as, by the fills that make them."""
        leads = [""] + (self.fills if len(chain) == 1 and (lead_evidence or not known[0]) else [])
        for lead in leads:
            start = _cased(lead, "", chain[0].core) + chain[0].core
            if lead and not self._is_prefix(start):
                continue
            for body, joins in self._joins(start, chain[1:]):
                if (joins or lead) and self._acceptable(body):
                    yield _Reading(body, joins, bool(lead), False)
                if not self._is_prefix(body):
                    continue
                for fill in self.fills:
                    word = body + _cased(fill, body[-1], "")
                    if self._acceptable(word):
                        yield _Reading(word, joins, bool(lead), True)

    def _joins(self, partial: str, rest: list[Fragment]) -> Iterator[tuple[str, int]]:
        if not rest:
            yield partial, 0
            return
        for fill in self.fills:
            candidate = partial + _cased(fill, partial[-1], rest[0].core[0]) + rest[0].core
            if self._is_prefix(candidate):
                for word, used in self._joins(candidate, rest[1:]):
                    yield word, used + 1

    def _acceptable(self, word: str) -> bool:
        return self.lexicon.zipf(word) >= self.rules.join_min_zipf

    def _is_prefix(self, text: str) -> bool:
        """Whether some known word starts with ``text`` (binary search in the sorted word list)."""
        if self._sorted_words is None:
            self._sorted_words = self.lexicon.words_above(self.rules.join_min_zipf)
        folded = text.casefold()
        index = bisect_left(self._sorted_words, folded)
        return index < len(self._sorted_words) and self._sorted_words[index].startswith(folded)


def _is_abbreviation(fragment: Fragment) -> bool:
    """``L.``, ``n.``, ``a)``, ``PTPCT.``, ``l'85%``: initials, list markers, elisions."""
    if fragment.suffix[:1] in {".", ")", "'", "\u2019"}:
        return len(fragment.core) <= 2 or (fragment.core.isupper() and len(fragment.core) <= 5)
    return False


def _cased(fill: str, left: str, right: str) -> str:
    """Upper-case the fill inside upper-case words (``CI À`` → ``CITTÀ``)."""
    neighbours = [c for c in (left, right) if c]
    return fill.upper() if neighbours and all(c.isupper() for c in neighbours) else fill


def apply(tokens: Sequence[str], repairs: Sequence[Repair]) -> list[str]:
    out: list[str] = []
    cursor = 0
    for repair in repairs:
        out.extend(tokens[cursor:repair.start])
        out.append(repair.text)
        cursor = repair.end
    out.extend(tokens[cursor:])
    return out
