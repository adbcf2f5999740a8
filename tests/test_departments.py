"""Organisational units: found by NLP patterns, canonical when known, kept as printed otherwise."""

from __future__ import annotations

import pytest

from pipeline.departments import DepartmentMatcher


@pytest.fixture(scope="module")
def matcher(rules):
    return DepartmentMatcher(rules.departments)


@pytest.mark.parametrize("text, unit", [
    ("Settore programmazione e gestione risorse", "Settore programmazione e gestione risorse"),
    ("Obiettivo specifico: Settori tecnici riuniti", "Settori tecnici riuniti"),  # plural head, via lemma
    ("U.O. Bilancio e contabilità", "U.O. Bilancio e contabilità"),
    ("Responsabile: Servizio Statistica", "Servizio Statistica"),
])
def test_units_are_found_by_their_head_noun(matcher, text, unit):
    assert matcher.find(text) == unit


def test_a_known_unit_gets_its_canonical_name(matcher):
    department = matcher.resolve("Direzione  generale")
    assert (department.name, department.known) == ("Direzione Generale", True)


def test_an_unknown_unit_is_kept_as_printed_not_forced_onto_a_known_one(matcher):
    department = matcher.resolve("Direzione Generale Vicaria")
    assert (department.name, department.known) == ("Direzione Generale Vicaria", False)
    department = matcher.resolve("Area sviluppo sociale")
    assert (department.name, department.known) == ("Area sviluppo sociale", False)


def test_text_without_a_unit_is_kept(matcher):
    assert matcher.resolve("Sindaco metropolitano").name == "Sindaco metropolitano"
    assert matcher.resolve("  ") is None


def test_the_lookup_lemmatizer_finds_other_inflections(rules):
    """With `lemmatizer: true` a head is recognised by spaCy's Italian lemma table, not only by its listed forms."""
    departments = rules.departments.model_copy(update={"unit_heads": {"direzione": []}, "lemmatizer": True})
    assert DepartmentMatcher(departments).find("Direzioni riunite dell'ente") == "Direzioni riunite dell'ente"
    plain = rules.departments.model_copy(update={"unit_heads": {"direzione": []}})
    assert DepartmentMatcher(plain).find("Direzioni riunite dell'ente") is None


def _variants() -> list[str]:
    """Texts around unit heads in the shapes plans print them: cased, inflected, wrapped in marks,
    elided, glued to digits or hyphens, preceded by words that contain a head ('nuovo', 'areale')."""
    heads = ["Settore", "settori", "AREA", "Aree", "Direzione", "Servizio", "servizi", "U.O.", "u.o.c.", "UO",
             "Unità", "unita'", "Ufficio", "Staff", "Corpo", "Sezione", "Nucleo", "sett.", "Area2", "Area-Servizi"]
    before = ["", "Responsabile: ", "Obiettivo specifico - ", "nuovo, ", "Areale ", "dell'", "l'", "(", "«", "\"",
              "“", "‘", "[", "art. 3 ", "Servizi/", "nuovo; ", "suolo: "]
    after = ["", " Bilancio e contabilità", ", Cultura", ".", ":", ";", "!", "?", ")", "»", "\"", "”", "]", "...",
             "'s tecnica", "’ tecnico", " - Settore Tributi", "/Servizio Verde"]
    return [f"{b}{h}{a}" for b in before for h in heads for a in after] + [
        "Sindaco metropolitano", "", "  ", "Dirigente dell'Area tecnica", "Il nuovo suolo pubblico",
        "Settore  programmazione\ne gestione", "Polizia locale e Corpo di Polizia", "Direzioni riunite dell'ente"]


@pytest.mark.parametrize("lemmatizer", [False, True])
def test_reading_without_spacy_gives_spacys_answer(rules, lemmatizer):
    """The fast reading (a word of letters is one token) may only ever agree with spaCy's tokens."""
    departments = rules.departments.model_copy(update={"lemmatizer": lemmatizer})
    matcher = DepartmentMatcher(departments)
    texts = _variants()
    disagreements = [(text, matcher.find(text), matcher.find_with_spacy(text)) for text in texts
                     if matcher.find(text) != matcher.find_with_spacy(text)]
    assert disagreements == []
    assert sum(matcher.find(text) is not None for text in texts) > len(texts) // 2


def test_the_head_words_are_cached_and_rebuilt_when_the_heads_change(rules, tmp_path, monkeypatch):
    from pipeline import departments

    monkeypatch.setenv("PLANEXTRACT_CACHE_DIR", str(tmp_path))
    built = []
    real_build = departments._build_head_words
    monkeypatch.setattr(departments, "_build_head_words", lambda r: built.append(r) or real_build(r))
    first = departments.head_words(rules.departments)
    assert departments.head_words(rules.departments) == first and len(built) == 1
    fewer = rules.departments.model_copy(update={"unit_heads": {"direzione": ["direzioni"]}})
    assert departments.head_words(fewer).heads == frozenset({"direzione"}) and len(built) == 2
    assert len(list(tmp_path.glob("unit-heads-*.pickle"))) == 2
