"""Organisational units ('Settore …', 'Area …', 'Direzione …') found with Italian NLP rules.

A unit opens with a head noun from ``rules/`` (recognised by its lemma, so plurals and capitalised
forms match too) and runs to the end of the cell or line. The lemma comes from the head's forms
listed in the rules, or, with ``lemmatizer: true``, from spaCy's Italian lookup lemmatizer
(spacy-lookups-data: every inflection). The unit found is then compared with the known units of the
rules (rapidfuzz): a close match is reported under its canonical name, anything else is kept exactly
as printed and flagged unknown.

Tokens are spaCy's (blank Italian pipeline, a SpanRuler over the head test). Loading spaCy costs
more than most plans take to read, so the head words are kept in a compact cached form
(``HeadWords``: the lemma table reduced to the words that matter) and a text is first read without
spaCy: a word of letters between spaces, with at most some punctuation that spaCy always splits off,
is one spaCy token; only a text whose first candidate head is anything else is handed to spaCy.
``tests/test_departments.py`` holds the two readings to the same answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from .cache import cached, library_stamps
from .rules import DepartmentRules
from .text import fold, squash

OPENING_MARKS = "([{«\"“‘"
"""Marks spaCy's Italian tokenizer always splits from the front of a word."""
CLOSING_MARKS = ",;:.!?)]}»\"”"
"""Marks it always splits from the end of a word (not apostrophes: 'unita'' is one token)."""


@dataclass(frozen=True, slots=True)
class Department:
    name: str
    known: bool
    printed: str


@dataclass(frozen=True, slots=True)
class HeadWords:
    """Which lowercase tokens are unit heads: the rules' forms, and the lemma table cut to the words
    whose lemma is a head (``inflected``) or that look like one but are not (``not_heads``)."""

    forms: frozenset[str]
    heads: frozenset[str]
    inflected: frozenset[str]
    not_heads: frozenset[str]

    def is_head(self, lower: str) -> bool:
        return lower in self.forms or lower in self.inflected or (fold(lower) in self.heads
                                                                  and lower not in self.not_heads)

    def candidates(self) -> list[str]:
        """Folded strings one of which is inside the folded text of any head token."""
        return sorted({fold(w) for w in self.forms | self.inflected} | self.heads, key=lambda w: (-len(w), w))


def head_words(rules: DepartmentRules) -> HeadWords:
    """The head words of these rules, from the cache folder when they were built before."""
    key = (json.dumps(rules.unit_heads, sort_keys=True, ensure_ascii=False), str(rules.lemmatizer),
           *(library_stamps("spacy", "spacy_lookups_data") if rules.lemmatizer else ()))
    return cached("unit-heads", key, lambda: _build_head_words(rules))


def _build_head_words(rules: DepartmentRules) -> HeadWords:
    forms = {fold(form): fold(head) for head, others in rules.unit_heads.items() for form in [head, *others]}
    heads = frozenset(forms.values())
    table = _lemma_table() if rules.lemmatizer else {}
    inflected, not_heads = set(), set()
    for word, lemma in table.items():
        if fold(lemma) in heads:
            inflected.add(word)
        elif fold(word) in heads:
            not_heads.add(word)
    return HeadWords(frozenset(forms), heads, frozenset(inflected), frozenset(not_heads))


def _lemma_table() -> dict[str, str]:
    """spaCy's Italian lemma lookup table, word by word (the table spaCy builds keeps only hashes)."""
    try:
        from spacy.util import load_language_data, registry

        if "it" not in registry.lookups:
            return {}
        return dict(load_language_data(registry.lookups.get("it")["lemma_lookup"]))
    except (ImportError, KeyError, ValueError, OSError):  # spacy-lookups-data missing: the listed forms only
        return {}


def special_cases() -> frozenset[str]:
    """The strings spaCy's Italian tokenizer treats as exceptions ('art.', 'sett.', emoticons…)."""
    return cached("tokenizer-specials", library_stamps("spacy"), lambda: frozenset(_blank_italian().tokenizer.rules))


@lru_cache(maxsize=1)
def _blank_italian() -> Any:  # a spaCy Language
    import spacy

    return spacy.blank("it")


class DepartmentMatcher:
    def __init__(self, rules: DepartmentRules) -> None:
        self.rules = rules
        self.words = head_words(rules)
        self._specials = special_cases()
        candidates = self.words.candidates()
        self._candidate = re.compile("|".join(map(re.escape, candidates))) if candidates else None
        self._ruler: Any = None
        self._canonical = {fold(alias): known.name for known in rules.known for alias in [known.name, *known.aliases]}
        self._resolved: dict[str, Department | None] = {}

    def find(self, text: str) -> str | None:
        """The organisational unit named in ``text`` (from its head noun to the end), if any."""
        text = squash(text)
        if self._candidate is None:
            return None
        start = 0
        for chunk in text.split(" "):
            if self._candidate.search(fold(chunk)):
                core = self._plain_word(chunk)
                if core is None:
                    return self.find_with_spacy(text)
                offset, word = core
                if self.words.is_head(word.lower()):
                    return text[start + offset:]
            start += len(chunk) + 1
        return None

    def _plain_word(self, chunk: str) -> tuple[int, str] | None:
        """(offset, word) when spaCy makes ``chunk`` one word of letters and punctuation tokens."""
        head = len(chunk) - len(chunk.lstrip(OPENING_MARKS))
        tail = len(chunk.rstrip(CLOSING_MARKS))
        word = chunk[head:tail]
        if not word.isalpha():
            return None
        if any(chunk[i:j] in self._specials for i in range(head + 1) for j in range(tail, len(chunk) + 1)):
            return None
        return head, word

    def find_with_spacy(self, text: str) -> str | None:
        """``find`` with spaCy's tokens throughout (loads spaCy on first use)."""
        if self._ruler is None:
            self._ruler = self._span_ruler()
        doc = self._ruler(_blank_italian().make_doc(squash(text)))
        spans = sorted(doc.spans["org_units"], key=lambda s: (s.start, -len(s)))
        return spans[0].text if spans else None

    def _span_ruler(self) -> Any:
        from spacy.pipeline import SpanRuler
        from spacy.tokens import Token

        attribute = f"unit_head_{id(self)}"
        is_head = self.words.is_head
        Token.set_extension(attribute, getter=lambda token: is_head(token.lower_), force=True)
        ruler = SpanRuler(_blank_italian(), name="org_units", spans_key="org_units", overwrite=True)
        ruler.add_patterns([{"label": "ORG_UNIT",
                             "pattern": [{"_": {attribute: True}}, {"OP": "*", "IS_SPACE": False}]}])
        return ruler

    def resolve(self, printed: str | None) -> Department | None:
        """Canonical name for a known unit; the printed text, flagged unknown, otherwise."""
        if not printed or not squash(printed):
            return None
        printed = squash(printed)
        if printed not in self._resolved:
            self._resolved[printed] = self._resolve(printed)
        return self._resolved[printed]

    def _resolve(self, printed: str) -> Department:
        unit = self.find(printed) or printed
        key = fold(unit)
        if key in self._canonical:
            return Department(self._canonical[key], True, printed)
        if self._canonical:
            best = process.extractOne(key, list(self._canonical), scorer=fuzz.ratio)
            if best and best[1] >= self.rules.min_similarity:
                return Department(self._canonical[best[0]], True, printed)
        return Department(unit, False, printed)
