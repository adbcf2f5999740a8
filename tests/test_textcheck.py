"""The self-check of the reading (``text_mismatch``): it fires where the words lose or invent
letters the page's own text has, and nowhere on the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pipeline.pdfium_reader as pdfium_reader
from conftest import NEGATIVES, SAMPLE_NAMES, SAMPLES
from pipeline.api import extract
from pipeline.layout import Line, Page, Word
from pipeline.parse import open_pdf
from pipeline.textcheck import check_page, letters

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
REALDOCS = Path(os.environ.get("PLANEXTRACT_REALDOCS", Path(__file__).resolve().parents[2] / "shared" / "realdocs"))


def page_of(*texts: str) -> Page:
    words = [Word(text, 10.0 * k, 10.0 * k + 8, 0.0, 10.0, "F", 10.0) for k, text in enumerate(texts)]
    return Page(number=3, width=600, height=800, lines=[Line(words=words, page=3)])


def test_letters_ignore_spacing_punctuation_and_compatibility_forms():
    assert letters("Eﬃcienza, l’ufficio (cid:12) n° 1°  x²!") == "Efficienzalufficion1x2"


def test_agreeing_letters_pass_whatever_the_spacing():
    assert check_page(page_of("differen", "ziata", "2024"), "differenziata\r\n 2024", "PDFium") is None


def test_a_lost_letter_is_named_with_its_word():
    mismatch = check_page(page_of("Eficienza", "degli", "ufici"), "Efficienza degli uffici", "PDFium")
    assert mismatch is not None
    assert mismatch.message == ("page 3: the words read differ from the page's own text (PDFium): "
                                "2 letter(s) lost (f×2), first at 'Efficienza'")


def test_an_added_letter_is_named_with_its_word():
    mismatch = check_page(page_of("attuazione", "finale"), "attuazione nale", "pdfminer")
    assert mismatch is not None
    assert mismatch.message == ("page 3: the words read differ from the page's own text (pdfminer): "
                                "2 letter(s) added (f, i), first at 'finale'")


_READ_CHARS = pdfium_reader._pdfium_chars


def _letters_apart(textpage, height, *units):  # the reading before ligature letters were kept together
    chars, objects = _READ_CHARS(textpage, height, *units)
    apart = []
    for char in chars:
        apart += [char._replace(text=letter) for letter in char.text] if char.text.isalpha() else [char]
    return apart, objects


def test_it_catches_ligature_letters_read_as_a_letter_printed_twice(rules, monkeypatch):
    """The reading that gave 'Eficienza' on LibreOffice PDFs: each letter of a ligature glyph kept
    the glyph's box, and the second 'f' of 'ff' was taken for the first printed again."""
    monkeypatch.setattr(pdfium_reader, "_pdfium_chars", _letters_apart)
    extraction = extract(OFFICE / "pap-office-carlito.pdf", rules)
    mismatches = {w.page: w.message for w in extraction.warnings if w.kind == "text_mismatch"}
    assert sorted(mismatches) == [2, 3, 4, 5, 6]  # the title page has no ligature
    assert mismatches[3] == ("page 3: the words read differ from the page's own text (PDFium): "
                             "18 letter(s) lost (f×11, t×7), first at 'redatto'")


def _drop_a_letter(chars, number):
    from pipeline.layout import group_lines as real

    return real([c for c in chars if c.text != "z"] if number == 1 else chars, number)


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_a_reader_that_drops_a_letter_is_caught_with_either_backend(rules, monkeypatch, backend):
    import pipeline.parse as parse

    monkeypatch.setattr(parse, "group_lines", _drop_a_letter)
    warnings = extract(OFFICE / "dup-office-liberation.pdf", rules, backend=backend).warnings
    mismatches = [w for w in warnings if w.kind == "text_mismatch"]
    assert [w.page for w in mismatches] == [1]
    assert "letter(s) lost (z" in mismatches[0].message


def corpus() -> list[Path]:
    files = [SAMPLES / f"{name}.pdf" for name in SAMPLE_NAMES] + sorted(OFFICE.glob("*.pdf"))
    return files + [path for path in NEGATIVES if "scansione" not in path.name]


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("pdf", corpus(), ids=lambda p: p.name)
def test_no_mismatch_anywhere_in_the_corpus(pdf, backend):
    source = open_pdf(pdf, backend=backend)
    for _ in source.pages():
        pass
    assert [m.message for m in source.mismatches] == []


@pytest.mark.skipif(not REALDOCS.is_dir(), reason="the real documents (../shared/realdocs) are not here")
@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_no_mismatch_on_real_word_made_pdfs(backend):
    for pdf in sorted(REALDOCS.glob("*.pdf")):
        source = open_pdf(pdf, backend=backend)
        for _ in source.pages():
            pass
        assert (pdf.name, [m.message for m in source.mismatches]) == (pdf.name, [])
