"""An Italian word lexicon with frequencies (wordfreq), used to judge and repair damaged words."""

from __future__ import annotations

import math
from functools import lru_cache

from .rules import LexiconRules

UNKNOWN_LOG10P = -12.0
"""log10 probability given to a string that is not a word at all."""


@lru_cache(maxsize=4)
def _frequencies(language: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict(language)


class Lexicon:
    """Answers 'is this a word?' and 'how likely is it?' (Zipf scale: 3 = once per million words)."""

    def __init__(self, rules: LexiconRules) -> None:
        self.rules = rules
        self._freq = _frequencies(rules.language)
        self._short = frozenset(w.casefold() for w in rules.short_words)
        self._extra = frozenset(w.casefold() for w in rules.extra_words)
        self._sorted: dict[float, list[str]] = {}
        self._caches: dict[tuple, dict] = {}
        self._known: dict[str, bool] = {}      # memos: the words of a document repeat
        self._log10p: dict[str, float] = {}

    def zipf(self, word: str) -> float:
        folded = word.casefold()
        if folded in self._extra:
            return max(self.rules.min_zipf, self._zipf_of(folded))
        return self._zipf_of(folded)

    def _zipf_of(self, folded: str) -> float:
        freq = self._freq.get(folded)
        return math.log10(freq) + 9 if freq else 0.0

    def is_known(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            folded = word.casefold()
            if len(folded) <= 2:
                known = folded in self._short
            else:
                known = folded in self._extra or self._zipf_of(folded) >= self.rules.min_zipf
            self._known[word] = known
        return known

    def words_above(self, zipf: float) -> list[str]:
        """All words at least this frequent, sorted (for prefix searches); computed once."""
        if zipf not in self._sorted:
            threshold = 10 ** (zipf - 9)
            self._sorted[zipf] = sorted({w for w, f in self._freq.items() if f >= threshold} | self._extra)
        return self._sorted[zipf]

    def cache(self, name: tuple) -> dict:
        """A memo that lives as long as the lexicon (one per process), for its users' lookups."""
        return self._caches.setdefault(name, {})

    def log10p(self, word: str) -> float:
        """log10 of the word's probability in running text; a fixed floor for non-words."""
        value = self._log10p.get(word)
        if value is None:
            if len(word) <= 2 and word.casefold() not in self._short:
                value = UNKNOWN_LOG10P
            else:
                zipf = self.zipf(word)
                value = zipf - 9 if zipf > 0 else UNKNOWN_LOG10P
            self._log10p[word] = value
        return value


_LEXICONS: dict[str, Lexicon] = {}


def lexicon_for(rules: LexiconRules) -> Lexicon:
    """One lexicon per distinct settings, shared by every document a process handles."""
    key = rules.model_dump_json()
    if key not in _LEXICONS:
        _LEXICONS[key] = Lexicon(rules)
    return _LEXICONS[key]
