"""Organisational units ('Settore …', 'Area …', 'Direzione …') found with Italian NLP rules.

spaCy's blank Italian pipeline tokenises the text; a SpanRuler, fed from ``rules/`` (the unit
head nouns), matches a head — by its lemma, from the lookup lemmatizer, so plurals and
capitalised forms match too — followed by the rest of the cell or line. The unit found is then
compared with the known units of the rules (rapidfuzz): a close match is reported under its
canonical name, anything else is kept exactly as printed and flagged unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .rules import DepartmentRules
from .text import fold, squash


@dataclass(frozen=True, slots=True)
class Department:
    name: str
    known: bool
    printed: str


@lru_cache(maxsize=1)
def _blank_italian():  # noqa: ANN202 (spaCy Language)
    import spacy
    from spacy.tokens import Token

    nlp = spacy.blank("it")
    try:
        from spacy.lookups import load_lookups

        table = load_lookups("it", ["lemma_lookup"]).get_table("lemma_lookup")
    except (ImportError, ValueError, OSError):  # spacy-lookups-data missing: fall back to lower case
        table = {}
    if not Token.has_extension("lemma_folded"):
        Token.set_extension("lemma_folded", getter=lambda t: fold(table.get(t.lower_, t.lower_)))
    return nlp


class DepartmentMatcher:
    def __init__(self, rules: DepartmentRules) -> None:
        self.rules = rules
        self.nlp = _blank_italian()
        heads = sorted({fold(h) for h in rules.unit_heads})
        from spacy.pipeline import SpanRuler

        self.ruler = SpanRuler(self.nlp, name="org_units", spans_key="org_units", overwrite=True)
        self.ruler.add_patterns([{
            "label": "ORG_UNIT",
            "pattern": [{"_": {"lemma_folded": {"IN": heads}}}, {"OP": "*", "IS_SPACE": False}],
        }])
        self._canonical = {fold(alias): known.name for known in rules.known for alias in [known.name, *known.aliases]}

    def find(self, text: str) -> str | None:
        """The organisational unit named in ``text`` (from its head noun to the end), if any."""
        doc = self.ruler(self.nlp.make_doc(squash(text)))
        spans = sorted(doc.spans["org_units"], key=lambda s: (s.start, -len(s)))
        return spans[0].text if spans else None

    def resolve(self, printed: str | None) -> Department | None:
        """Canonical name for a known unit; the printed text, flagged unknown, otherwise."""
        if not printed or not squash(printed):
            return None
        printed = squash(printed)
        unit = self.find(printed) or printed
        key = fold(unit)
        if key in self._canonical:
            return Department(self._canonical[key], True, printed)
        if self._canonical:
            best = process.extractOne(key, list(self._canonical), scorer=fuzz.ratio)
            if best and best[1] >= self.rules.min_similarity:
                return Department(self._canonical[best[0]], True, printed)
        return Department(unit, False, printed)
