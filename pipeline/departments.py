"""Organisational units ('Settore …', 'Area …', 'Direzione …') found with Italian NLP rules.

spaCy's blank Italian pipeline tokenises the text; a SpanRuler, fed from ``rules/`` (the unit
head nouns), matches a head — by its lemma, so plurals and capitalised forms match too — followed
by the rest of the cell or line. The lemma comes from the head's forms listed in the rules, or,
with ``lemmatizer: true``, from spaCy's Italian lookup lemmatizer (spacy-lookups-data: every
inflection, at about 120 MB of memory per process). The unit found is then compared with the
known units of the rules (rapidfuzz): a close match is reported under its canonical name,
anything else is kept exactly as printed and flagged unknown.
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

    return spacy.blank("it")


@lru_cache(maxsize=1)
def _lemma_table():  # noqa: ANN202 (a spaCy lookups Table: .get(word) -> lemma)
    try:
        from spacy.lookups import load_lookups

        return load_lookups("it", ["lemma_lookup"]).get_table("lemma_lookup")
    except (ImportError, ValueError, OSError):  # spacy-lookups-data missing: the listed forms only
        return {}


class DepartmentMatcher:
    def __init__(self, rules: DepartmentRules) -> None:
        from spacy.pipeline import SpanRuler
        from spacy.tokens import Token

        self.rules = rules
        self.nlp = _blank_italian()
        forms = {fold(form): fold(head) for head, others in rules.unit_heads.items() for form in [head, *others]}
        table = _lemma_table() if rules.lemmatizer else {}
        attribute = f"unit_lemma_{id(self)}"
        Token.set_extension(attribute, getter=lambda t: forms.get(t.lower_) or fold(table.get(t.lower_, t.lower_)),
                            force=True)
        self.ruler = SpanRuler(self.nlp, name="org_units", spans_key="org_units", overwrite=True)
        self.ruler.add_patterns([{
            "label": "ORG_UNIT",
            "pattern": [{"_": {attribute: {"IN": sorted(set(forms.values()))}}}, {"OP": "*", "IS_SPACE": False}],
        }])
        self._canonical = {fold(alias): known.name for known in rules.known for alias in [known.name, *known.aliases]}
        self._resolved: dict[str, Department | None] = {}

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
