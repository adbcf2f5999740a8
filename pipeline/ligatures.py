"""Repair of words damaged by lost ligature glyphs.

Fonts such as Calibri draw 'tt', 'ti', 'tti' (and 'fi', 'ff' …) as single glyphs. When such a glyph
has no Unicode mapping its letters vanish from the text layer, leaving a space or a gap:
``a uazione`` (attuazione), ``Sta s co`` (Statistico), ``sogge`` (soggetti), ``Ci à`` (Città).

The repair works on whitespace-separated tokens. The letters at the end of a token (its *tail*)
may be glued to the letters at the start of the next token (its *head*) with one *fill* — a
letter group of ``lexicon.fills`` — per gap; the last letters may also get a fill of their own
(``sogge`` → ``soggetti``) and a lone damaged fragment one in front (``  po`` → ``tipo``).

Every reading is scored in log10 probabilities, against the printed reading of the same tokens:

* each word by its frequency (``lexicon.py``); a non-word gets a very low floor;
* each assumed lost glyph costs ``fill_cost`` (how rare damage is a priori);
* each gap by how well its measured width fits the reading (:class:`Gap`): a plain space should
  be as wide as the line's other word gaps, a lost glyph as wide as its letters, a lost glyph
  followed by a space as wide as both. A lost-glyph marker (``(cid:NN)``, a private-use or NUL
  character) settles the question outright. Text without positions has no gap evidence.
* a space before punctuation (``risulta ,``) is evidence too: typesetting never puts one there.

The best reading wins if it beats the printed one. When every fragment is itself a real word and
the gaps give no support, it must win by ``real_pair_margin`` more: ``poli che`` → ``politiche``
(P(politiche) ≫ P(poli)·P(che)), but ``e ore`` stays although ``ettore`` exists.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator, Literal, Mapping, Sequence

from .lexicon import Lexicon
from .rules import LexiconRules

MAX_FRAGMENTS = 4
_TAIL = re.compile(r"^(?P<prefix>(?:.*[^\w])?)(?P<core>[^\W\d_]+)$", re.DOTALL)
_HEAD = re.compile(r"^(?P<core>[^\W\d_]+)(?P<suffix>(?:[^\w].*)?)$", re.DOTALL)
_APOSTROPHES = ("'", "\u2019")
ELIDED_LOG10P = -2.0  # "l'", "dell'", "un'": elided articles and prepositions are among the commonest words
_PUNCTUATION_ONLY = re.compile(r"^[,;:.)\]»\u201d\u2019!?]+$")


@dataclass(frozen=True, slots=True)
class Fragment:
    """The letters of a token that may take part in a repair, and what surrounds them."""

    prefix: str
    core: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Repair:
    """Tokens ``start:end`` are replaced by the single token ``text``.

    ``span`` counts in half steps (token k is 2k, the gap after it 2k+1) what the repair claims,
    so that two repairs never explain the same gap: ``sogge▯ pubblici`` cannot give both
    ``soggetti`` and a glyph in front of ``pubblici``.
    """

    start: int
    end: int
    text: str
    gain: float
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Gap:
    """What is known about the space between two tokens.

    ``observed`` and ``usual`` are widths in font sizes (em): this gap, and the line's typical word
    gap; ``fill_widths`` the width each fill's letters would take in the font; ``marker`` is
    ``"glued"`` when a lost-glyph marker sits between the tokens with no space, ``"spaced"`` when a
    marker is followed by a real space.
    """

    observed: float | None = None
    usual: float | None = None
    fill_widths: Mapping[str, float] | None = None
    marker: Literal["glued", "spaced"] | None = None


NO_GAP_INFO = Gap()
_MARKER_PENALTY = 6.0     # a reading that ignores an explicit lost-glyph marker


def gap_fit(gap: Gap, kind: Literal["space", "glyph", "glyph+space"], fill: str = "",
            sigma: float = 0.08, cap: float = 2.5) -> float:
    """log10 likelihood of a gap's width under a reading of it (relative; 0 when nothing is known).

    A lost glyph inside a word keeps its width (spread ``sigma``); a space varies with the line's
    justification, so its spread grows with the usual space. Densities are normalised so that a
    tight fit weighs more than a loose one, and no single gap weighs more than ``cap``.
    """
    if gap.marker is not None:
        wanted = "glyph" if gap.marker == "glued" else "glyph+space"
        return 0.0 if kind == wanted else -_MARKER_PENALTY
    if gap.observed is None or gap.usual is None:
        return 0.0
    glyph = (gap.fill_widths or {}).get(fill, 0.5)
    space_sigma = max(sigma, 0.35 * gap.usual)
    expected, spread = {
        "space": (gap.usual, space_sigma),
        "glyph": (glyph, sigma),
        "glyph+space": (glyph + gap.usual, math.hypot(sigma, space_sigma)),
    }[kind]
    deviation = (gap.observed - expected) / spread
    return max(-cap, -deviation * deviation / (2 * math.log(10)) - math.log10(spread / sigma))


@dataclass(frozen=True, slots=True)
class _Reading:
    word: str
    joins: tuple[str, ...]   # the fill put in each gap between fragments
    lead: str = ""           # a fill in front of the first fragment
    trail: str = ""          # a fill after the last fragment


@dataclass(frozen=True, slots=True)
class _Line:
    """A line's tokens and gaps, with what the search asks of each again and again worked out once:
    the head of every token, and whether each gap is wide enough for a lost glyph."""

    tokens: Sequence[str]
    gaps: list[Gap]
    heads: list[Fragment | None]
    glyph_gaps: list[bool]

    def chain(self, i: int) -> list[Fragment]:
        """Fragments from token i on that could be one word: tail of i, whole middles, head of the last."""
        token = self.tokens[i]
        first = tail_of(token) or (self.heads[i] if token[:1].isalpha() else None)
        if first is None:
            return []
        if first.suffix:
            return [first]
        chain = [first]
        for head in self.heads[i + 1:i + MAX_FRAGMENTS]:
            if head is None:
                break
            chain.append(head)
            if head.suffix:
                break
        return chain


@lru_cache(maxsize=65536)
def tail_of(token: str) -> Fragment | None:
    """The letters a token ends with (``l'Ente;Ges`` → prefix ``l'Ente;``, core ``Ges``)."""
    match = _TAIL.match(token)
    return Fragment(match["prefix"], match["core"], "") if match else None


@lru_cache(maxsize=65536)
def head_of(token: str) -> Fragment | None:
    """The letters a token starts with (``vo.Digitale`` → core ``vo``, suffix ``.Digitale``)."""
    match = _HEAD.match(token)
    return Fragment("", match["core"], match["suffix"]) if match else None


class LigatureRepairer:
    def __init__(self, lexicon: Lexicon, rules: LexiconRules) -> None:
        self.lexicon = lexicon
        self.rules = rules
        self.fills = [f.casefold() for f in rules.fills]
        self._readings_cache = lexicon.cache(("readings", rules.join_min_zipf))
        self._prefix_test_made: Callable[[str], bool] | None = None
        self._cased_fills: dict[tuple[tuple[str, ...], bool], _CasedFills] = {}

    # -- public API -------------------------------------------------------------------------

    def plan(self, tokens: Sequence[str], gaps: Sequence[Gap] | None = None,
             fills: Sequence[tuple[str, ...]] | None = None) -> list[Repair]:
        """The best set of non-overlapping repairs; ``gaps[k]`` lies between tokens k and k+1.
        ``fills[k]``: the letter groups a glyph lost in token k's font may stand for (default: all)."""
        gaps = list(gaps) if gaps is not None else [NO_GAP_INFO] * max(0, len(tokens) - 1)
        line = _Line(tokens, gaps, [head_of(t) for t in tokens], [self._supports_glyph(g) for g in gaps])
        every_fill = tuple(self.fills)
        candidates = [r for i in range(len(tokens))
                      for r in self._candidates_at(line, i, every_fill if fills is None else fills[i])]
        return _best_non_overlapping(candidates)

    def repair_text(self, text: str) -> tuple[str, int]:
        """Repair a whitespace-separated string; returns the text and the number of repaired words."""
        tokens = text.split()
        repairs = self.plan(tokens)
        return " ".join(apply(tokens, repairs)), len(repairs)

    # -- search -----------------------------------------------------------------------------

    def _candidates_at(self, line: _Line, i: int, fills: tuple[str, ...]) -> list[Repair]:
        """The best repair starting at token i for each number of tokens it covers."""
        if not fills:
            return []
        tokens, gaps = line.tokens, line.gaps
        chain = line.chain(i)
        if not chain or _is_abbreviation(chain[0]):
            return []
        lead_gap = gaps[i - 1] if i > 0 else None
        # a lone word or letter is only extended where a gap shows a glyph is missing
        needs_evidence = self._known(chain[0]) or len(chain[0].core) < 3
        alone_possible = not needs_evidence or self._lone_evidence(line, i, chain[0])
        if (len(chain) == 1 or not self._readings(chain[:2], None, fills)) and (
                not alone_possible or not self._readings(chain[:1], lead_gap, fills)):
            return []  # most tokens: no word starts with this one glued to the next, nor alone
        best: dict[tuple[int, int], Repair] = {}
        for last in range(len(chain)):
            after = tokens[i + last + 1] if i + last + 1 < len(tokens) else ""
            trail_gap = gaps[i + last] if i + last < len(gaps) else None
            punctuation_after = not chain[last].suffix and bool(after) and bool(_PUNCTUATION_ONLY.match(after))
            join_gaps = gaps[i:i + last]
            if last == 0 and not alone_possible:
                continue
            if _mixed_case(chain[: last + 1]):
                break  # 'PA' + 'e' is an acronym and a word, never one word in two cases
            readings = self._readings(chain[: last + 1], lead_gap, fills)
            if not readings:
                if last > 0:
                    break  # no word starts with these fragments glued: longer runs cannot either
                continue
            printed = sum(self._log10p(f) for f in chain[: last + 1])
            if chain[last].suffix.startswith(("-", "\u2010")) and (
                    i + last + 1 == len(tokens) or gaps[i + last].observed is None):
                break  # a word broken by a hyphen at a line's (or a cell's) end: the rest of it is below
            for reading in readings:
                score = self.lexicon.log10p(reading.word)
                score -= self.rules.fill_cost * (len(reading.joins) + bool(reading.trail))
                score -= self.rules.lead_fill_cost * bool(reading.lead)
                geometry = sum(self._fit(g, "glyph", f) - self._fit(g, "space") for g, f in zip(join_gaps, reading.joins))
                if reading.lead and lead_gap is not None:
                    geometry += self._fit(lead_gap, "glyph+space", reading.lead) - self._fit(lead_gap, "space")
                if reading.trail and punctuation_after:  # the space before the punctuation was the glyph
                    geometry += self.rules.punctuation_evidence
                elif reading.trail and trail_gap is not None:
                    geometry += self._fit(trail_gap, "glyph+space", reading.trail) - self._fit(trail_gap, "space")
                if last == 0 and needs_evidence and geometry <= 0:
                    continue
                gain = score - printed + geometry
                margin = self.rules.real_pair_margin if last > 0 and geometry < 1 and all(
                    self._known(f) for f in chain[: last + 1]) else 0.0
                if gain <= margin:
                    continue
                text = chain[0].prefix + reading.word + chain[last].suffix
                end = i + last + 1
                if reading.trail and punctuation_after:
                    text, end = text + after, end + 1
                span = (2 * i - bool(reading.lead), 2 * end - 1 + bool(reading.trail))
                if span not in best or gain > best[span].gain:
                    best[span] = Repair(i, end, text, gain, span)
        return list(best.values())

    @staticmethod
    def _lone_evidence(line: _Line, i: int, fragment: Fragment) -> bool:
        """Whether a gap next to token i (or punctuation after it) shows a glyph may be lost there."""
        if (i > 0 and line.glyph_gaps[i - 1]) or (i < len(line.gaps) and line.glyph_gaps[i]):
            return True
        after = line.tokens[i + 1] if i + 1 < len(line.tokens) else ""
        return not fragment.suffix and bool(after) and bool(_PUNCTUATION_ONLY.match(after))

    def _known(self, fragment: Fragment) -> bool:
        # an elided word ("l'", "dell'") is a whole word even when the lexicon does not list it
        return self.lexicon.is_known(fragment.core) or fragment.suffix[:1] in _APOSTROPHES

    def _log10p(self, fragment: Fragment) -> float:
        if fragment.suffix[:1] in _APOSTROPHES:
            return ELIDED_LOG10P
        return self.lexicon.log10p(fragment.core)

    def _supports_glyph(self, gap: Gap | None) -> bool:
        """Whether a gap is wide enough to hold a lost glyph besides a space (a quick first look)."""
        if gap is None:
            return False
        if gap.marker is not None or gap.observed is None or gap.usual is None:
            return gap.marker == "spaced"
        return gap.observed - gap.usual >= 0.6 * self._narrowest(gap)

    def _narrowest(self, gap: Gap) -> float:
        return min((gap.fill_widths or {}).values(), default=0.5)

    def _fit(self, gap: Gap, kind: Literal["space", "glyph", "glyph+space"], fill: str = "") -> float:
        return gap_fit(gap, kind, fill, self.rules.gap_sigma_em, self.rules.gap_cap)

    def _readings(self, chain: list[Fragment], lead_gap: Gap | None, fills: tuple[str, ...]) -> tuple[_Reading, ...]:
        """Known words a fragment run can be read as (cached: the same pairs of words recur)."""
        # a glyph lost in front of a word needs a measured gap before it (a line's or a cell's first
        # word may be the rest of a word broken there, not a damaged one)
        lead_possible = len(chain) == 1 and lead_gap is not None and (
            lead_gap.marker == "spaced" or lead_gap.observed is not None)
        key = (tuple([f.core for f in chain]), lead_possible, fills)
        cache = self._readings_cache
        if key not in cache:
            cache[key] = tuple(self._enumerate(chain, lead_possible, fills))
        return cache[key]

    def _enumerate(self, chain: list[Fragment], lead_possible: bool, fills: tuple[str, ...]) -> Iterator[_Reading]:
        # fills take the case of the word: upper-case inside upper-case words ('CI À' -> 'CITTÀ')
        cased = self._cased(fills, all(f.core.isupper() for f in chain))
        is_prefix = self._prefix_test()
        leads = [("", "")] + (cased.fills if lead_possible and len(chain[0].core) >= 2 else [])
        for lead, lead_text in leads:
            start = lead_text + chain[0].core
            if lead and not is_prefix(start):
                continue
            for body, joins in self._joins(start, chain[1:], cased):
                if (joins or lead) and self._acceptable(body):
                    yield _Reading(body, joins, lead)
                if not is_prefix(body):
                    continue
                for fill, fill_text in cased.after(body, is_prefix):
                    word = body + fill_text
                    if self._acceptable(word):
                        yield _Reading(word, joins, lead, fill)

    def _joins(self, start: str, rest: list[Fragment], cased: _CasedFills) -> list[tuple[str, tuple[str, ...]]]:
        """Each way of gluing the fragments ``rest`` to ``start``, one fill in each gap, that some
        known word starts with: (the letters, the fills), in the order of the fills."""
        is_prefix = self._prefix_test()
        found: list[tuple[str, tuple[str, ...]]] = [(start, ())]
        for fragment in rest:
            found = [(candidate, (*used, fill)) for partial, used in found
                     for fill, fill_text in cased.after(partial, is_prefix)
                     if is_prefix(candidate := partial + fill_text + fragment.core)]
            if not found:
                break
        return found

    def _cased(self, fills: tuple[str, ...], upper: bool) -> _CasedFills:
        key = (fills, upper)
        cased = self._cased_fills.get(key)
        if cased is None:
            cased = self._cased_fills[key] = _CasedFills([(fill, fill.upper() if upper else fill) for fill in fills])
        return cased

    def _acceptable(self, word: str) -> bool:
        return self.lexicon.zipf(word) >= self.rules.join_min_zipf

    def _prefix_test(self) -> Callable[[str], bool]:
        """Whether some known word starts with a text: a binary search in the sorted word list, as
        a plain function made on first use (the search asks it tens of thousands of times a plan)."""
        test = self._prefix_test_made
        if test is None:
            words = self.lexicon.words_above(self.rules.join_min_zipf)
            count = len(words)

            def test(text: str) -> bool:
                folded = text.casefold()
                index = bisect_left(words, folded)
                return index < count and words[index].startswith(folded)

            self._prefix_test_made = test
        return test


class _CasedFills:
    """The fills as written into a word of one case, in their order (``fill``, ``as written``)."""

    def __init__(self, fills: list[tuple[str, str]]) -> None:
        self.fills = fills
        self.letters = [written[:1] for _, written in fills]
        self.distinct = sorted(set(self.letters))

    def after(self, text: str, is_prefix: Callable[[str], bool]) -> list[tuple[str, str]]:
        """The fills a known word may continue ``text`` with. A cheap first cut: no word goes on
        with a fill unless one goes on with its first letter, and the fills share few of those."""
        going_on = {letter for letter in self.distinct if is_prefix(text + letter)}
        if not going_on:
            return []
        return [pair for pair, letter in zip(self.fills, self.letters) if letter in going_on]


def _best_non_overlapping(candidates: list[Repair]) -> list[Repair]:
    """Weighted interval scheduling: the compatible repairs with the largest total gain."""
    ordered = sorted(candidates, key=lambda r: (r.span[1], r.span[0]))
    best_total = [0.0]
    chosen: list[list[Repair]] = [[]]
    for index, repair in enumerate(ordered):
        # the last earlier repair that ends before this one starts
        previous = max((k + 1 for k in range(index) if ordered[k].span[1] <= repair.span[0]), default=0)
        with_it = best_total[previous] + repair.gain
        if with_it > best_total[index]:
            best_total.append(with_it)
            chosen.append(chosen[previous] + [repair])
        else:
            best_total.append(best_total[index])
            chosen.append(chosen[index])
    return sorted(chosen[-1], key=lambda r: r.start)


def _mixed_case(chain: list[Fragment]) -> bool:
    """Fragments in capitals (two letters or more) next to fragments in lower case."""
    capitals = any(len(f.core) >= 2 and f.core.isupper() for f in chain)
    return capitals and any(f.core.islower() for f in chain)


def _is_abbreviation(fragment: Fragment) -> bool:
    """``L.``, ``n.``, ``a)``, ``N°``, ``PTPCT.``, ``l'85%``: initials, list markers, elisions."""
    if fragment.suffix[:1] in {".", ")", "°", "'", "\u2019"}:
        return len(fragment.core) <= 2 or (fragment.core.isupper() and len(fragment.core) <= 5)
    return False


def apply(tokens: Sequence[str], repairs: Sequence[Repair]) -> list[str]:
    out: list[str] = []
    cursor = 0
    for repair in repairs:
        out.extend(tokens[cursor:repair.start])
        out.append(repair.text)
        cursor = repair.end
    out.extend(tokens[cursor:])
    return out
