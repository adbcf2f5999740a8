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
