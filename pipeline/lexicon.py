"""An Italian word lexicon with frequencies (wordfreq), used to judge and repair damaged words.

The words are kept as one sorted list with a parallel array of frequencies: a word's frequency is a
binary search away, the prefix searches of the ligature repair use the same list, and the pair is
stored in the cache folder (``cache.py``) — reading wordfreq's own files, or unpickling a dict of
300,000 words, takes longer than most plans take to repair.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import lru_cache

from .cache import cached, library_stamps
from .rules import LexiconRules

UNKNOWN_LOG10P = -12.0
"""log10 probability given to a string that is not a word at all."""


def _index_of(words: list[str], word: str) -> int | None:
    """Where ``word`` is in the sorted list ``words``, if it is there."""
    index = bisect_left(words, word)
    return index if index < len(words) and words[index] == word else None


@dataclass(frozen=True, slots=True)
class WordList:
    """Every word of a language, sorted, with ``frequencies[i]`` the frequency of ``words[i]``."""

    words: list[str]
    frequencies: array

    def frequency(self, word: str) -> float | None:
        index = _index_of(self.words, word)
        return None if index is None else self.frequencies[index]


@lru_cache(maxsize=4)
def word_list(language: str) -> WordList:
    return cached("lexicon", (language, *library_stamps("wordfreq")), lambda: _wordfreq_list(language))


def _wordfreq_list(language: str) -> WordList:
    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict(language)
    words = sorted(frequencies)
    return WordList(words, array("d", (frequencies[word] for word in words)))


def _zipf_of_frequency(frequency: float | None) -> float:
    return math.log10(frequency) + 9 if frequency else 0.0


class Lexicon:
    """Answers 'is this a word?' and 'how likely is it?' (Zipf scale: 3 = once per million words)."""

    def __init__(self, rules: LexiconRules) -> None:
        self.rules = rules
        self._list = word_list(rules.language)
        self._short = frozenset(w.casefold() for w in rules.short_words)
        self._extra = frozenset(w.casefold() for w in rules.extra_words)
        self._sorted: dict[float, list[str]] = {}
        self._caches: dict[tuple, dict] = {}
        self._zipf: dict[str, float] = {}       # memos: the words of a document repeat
        self._known: dict[str, bool] = {}
        self._log10p: dict[str, float] = {}

    def zipf(self, word: str) -> float:
        folded = word.casefold()
        if folded in self._extra:
            return max(self.rules.min_zipf, self._zipf_of(folded))
        return self._zipf_of(folded)

    def _zipf_of(self, folded: str) -> float:
        zipf = self._zipf.get(folded)
        if zipf is None:
            zipf = self._zipf[folded] = _zipf_of_frequency(self._list.frequency(folded))
        return zipf

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
        """All words at least this frequent, sorted (for prefix searches); computed once. Exactly the
        words ``zipf`` puts at or above it: a prefix search may rule out what ``zipf`` would accept."""
        if zipf not in self._sorted:
            frequencies = self._list.frequencies
            frequent = self._list.words if _zipf_of_frequency(min(frequencies, default=0.0)) >= zipf else [
                word for word, freq in zip(self._list.words, frequencies) if _zipf_of_frequency(freq) >= zipf]
            missing = sorted(word for word in self._extra if _index_of(frequent, word) is None)
            if missing:
                frequent = list(frequent)
                for word in missing:
                    insort(frequent, word)
            self._sorted[zipf] = frequent
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
