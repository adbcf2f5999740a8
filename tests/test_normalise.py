"""Units, dates, numbers and booleans."""

from __future__ import annotations

import pytest

from pipeline.normalise import parse_boolean, parse_date, parse_number, read_value, unit_kind


@pytest.mark.parametrize("raw, kind", [
    ("Data", "date"), ("DATA", "date"), ("Numero", "number"), ("Percentuale", "percent"), ("%", "percent"),
    ("Euro", "currency"), ("€", "currency"), ("Giorni", "days"), ("SI/NO", "boolean"), ("Sì/No", "boolean"),
    ("Importo (€)", "currency"), ("Tasso %", "percent"), ("Qualcosa", None), (None, None), ("  ", None),
])
def test_unit_kinds(rules, raw, kind):
    assert unit_kind(raw, rules.units) == kind


@pytest.mark.parametrize("text, iso", [
    ("31/12/2022", "2022-12-31"), ("01/02/2022", "2022-02-01"), ("1/2/22", "2022-02-01"),
    ("31.12.2022", "2022-12-31"), ("31-12-2022", "2022-12-31"), ("31 dicembre 2022", "2022-12-31"),
    ("131/12/2022", None), ("31/02/2022", None), ("2022", None),
])
def test_dates(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text, value", [
    ("1", 1), ("100", 100), ("1.500", 1500), ("1.500,5", 1500.5), ("45,5%", 45.5), ("€ 1.500,00", 1500.0),
    ("1 500", 1500), ("12,0", 12.0), ("-3", -3), ("3.5", 3.5), ("abc", None), ("31/12/2022", None),
])
def test_italian_numbers(text, value):
    result = parse_number(text)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("text, value", [("SI", True), ("Sì", True), ("si", True), ("NO", False), ("forse", None)])
def test_booleans(text, value):
    assert parse_boolean(text) is value


def test_unreadable_value_gives_null_and_a_reason():
    reading = read_value("131/12/2022", "date")
    assert reading.value is None and "131/12/2022" in reading.problem


def test_date_in_a_number_column_is_flagged():
    reading = read_value("31/12/2022", "number")
    assert reading.value is None and "date" in reading.problem


def test_values_follow_the_unit():
    assert read_value("45,5%", "percent").value == 45.5
    assert read_value("Sì", "boolean").value is True
    assert read_value("30", "days").value == 30
    assert read_value(None, "date").value is None
    assert read_value("31/12/2022", None).value == "2022-12-31"  # unit unknown: read what it looks like


@pytest.mark.parametrize("raw, unit, value", [
    ("entro il 30/06/2023", "date", "2023-06-30"), ("≥ 95%", "percent", 95), ("almeno 3", "number", 3),
])
def test_qualified_values_are_read_past_their_qualifier(raw, unit, value):
    assert read_value(raw, unit).value == value
