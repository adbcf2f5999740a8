"""The PDFium backend (the default) and the pdfplumber backend give the same extraction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_NAMES, SAMPLES
from planbuilder import VARIANTS, render_all
from pipeline.api import extract


PARTS = ("action_areas", "strategic_directions", "objectives", "indicators")


def boxes(data: dict) -> list[tuple[float, ...]]:
    return [tuple(item.pop("bbox").values()) for part in PARTS for item in data[part]]


def assert_same(fast, reference) -> None:
    """Same content; boxes within 3 points (PDFium boxes accented capitals a little taller)."""
    fast_data = fast.model_dump(mode="json", by_alias=True)
    reference_data = reference.model_dump(mode="json", by_alias=True)
    fast_boxes, reference_boxes = boxes(fast_data), boxes(reference_data)
    for part in PARTS:
        assert fast_data[part] == reference_data[part], part
    assert fast_data == reference_data
    assert all(abs(a - b) <= 3.0 for box_a, box_b in zip(fast_boxes, reference_boxes) for a, b in zip(box_a, box_b))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_backends_agree_on_the_samples(rules, name):
    pdf = SAMPLES / f"{name}.pdf"
    assert_same(extract(pdf, rules, backend="pdfium"), extract(pdf, rules, backend="pdfplumber"))


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    return render_all(tmp_path_factory.mktemp("backends"))


@pytest.mark.parametrize("layout", [v.name for v in VARIANTS])
@pytest.mark.parametrize("kind", ["pap", "dup"])
def test_backends_agree_on_every_layout(rules, layouts, kind, layout):
    pdf = layouts[(kind, layout)]
    assert_same(extract(pdf, rules, backend="pdfium"), extract(pdf, rules, backend="pdfplumber"))


def test_reopening_the_document_on_the_way_changes_nothing(rules, monkeypatch):
    """PDFium's document is opened afresh every REOPEN_EVERY pages, to let go of what it parsed."""
    from pipeline import pdfium_reader

    pdf = SAMPLES / "dup-2022-2024.pdf"
    once = extract(pdf, rules).model_dump_json()
    opened = []
    real_reopen = pdfium_reader._reopened
    monkeypatch.setattr(pdfium_reader, "REOPEN_EVERY", 1)
    monkeypatch.setattr(pdfium_reader, "_reopened", lambda *args: opened.append(1) or real_reopen(*args))
    assert extract(pdf, rules).model_dump_json() == once
    assert len(opened) == 5  # before each of pages 2 to 6


def _through_ctypes(monkeypatch):
    """Read as on a machine where ``_pdfium_bulk`` could not be built."""
    import dataclasses

    from pipeline import pdfium_reader

    calls = dataclasses.replace(pdfium_reader._hot_calls(), bulk=None, chars=None)
    monkeypatch.setattr(pdfium_reader, "_hot_calls", lambda: calls)


def _characters_of_every_page(path, *, with_page_text):
    import pypdfium2 as pdfium

    from pipeline import pdfium_reader

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            units = textpage.get_text_range(errors="surrogatepass") if with_page_text else ""
            pages.append(pdfium_reader._pdfium_chars(textpage.raw, page.get_height(), units)[0])  # not the
            # addresses of the text objects, which change with each opening
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return pages


OFFICE_CARLITO = Path(__file__).resolve().parent / "fixtures" / "office" / "pap-office-carlito.pdf"


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler: the install reads through ctypes")
def test_the_compiled_reader_is_built_by_the_install():
    from pipeline import pdfium_reader

    assert pdfium_reader._hot_calls().bulk is not None, "pipeline/_pdfium_bulk.c was not compiled (pip install -e .)"


def _turned_text_pdf(path: Path) -> Path:
    """Text upright, turned a quarter, turned 30° and upside down, written by PDFium itself."""
    import ctypes
    import math

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    for text, angle, x, y in [("Obiettivo strategico 2024", 0, 72, 760), ("Indicatore ruotato", 90, 300, 400),
                              ("Anno obliquo", 30, 100, 300), ("Rovescio", 180, 500, 600)]:
        text_object = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(12.0))
        units = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(text_object, ctypes.cast(units, ctypes.POINTER(raw.FPDF_WCHAR)))
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        raw.FPDFPageObj_Transform(text_object, cos, sin, -sin, cos, x, y)
        raw.FPDFPage_InsertObject(page.raw, text_object)
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))
    page.close()
    pdf.close()
    return path


READ_IN_C_OR_PYTHON = [OFFICE_CARLITO, OFFICE_CARLITO.with_name("dup-office-liberation.pdf"),
                       SAMPLES / "dup-2022-2024.pdf", *sorted((SAMPLES.parent / "tests" / "fixtures" / "repro")
                                                              .glob("exp2-tounicode-*.pdf")), "turned"]


@pytest.mark.parametrize("pdf", READ_IN_C_OR_PYTHON, ids=lambda p: getattr(p, "name", p))
def test_pdfium_characters_are_the_same_read_in_c_or_through_ctypes(monkeypatch, tmp_path, pdf):
    """The character loop of ``_pdfium_chars`` in C, and the rows it reads, against the same in
    Python: ligatures, hyphen marks, surrogate pairs and lone halves, text turned every way."""
    from pipeline import pdfium_reader

    if pdf == "turned":
        pdf = _turned_text_pdf(tmp_path / "turned.pdf")
    real_turned, turned = pdfium_reader._turned, []
    monkeypatch.setattr(pdfium_reader, "_turned", lambda *args: turned.append(args[0]) or real_turned(*args))
    in_c = _characters_of_every_page(pdf, with_page_text=True)
    turned_in_c = len(turned)
    _through_ctypes(monkeypatch)
    assert _characters_of_every_page(pdf, with_page_text=True) == in_c
    assert len(turned) == 2 * turned_in_c
    assert turned_in_c == (38 if pdf.name == "turned.pdf" else 0)  # the characters of the three turned lines
    assert sum(map(len, in_c)) > 50


def test_pdfium_characters_are_the_same_read_one_by_one_or_from_the_page_text(monkeypatch):
    """Through ctypes the codes come from the page text read once; PDFium writes U+FFFE there for
    a hyphen that ends a line ('DIRIT-' / 'TO' in the LibreOffice fixture), which must still read
    as '-'."""
    _through_ctypes(monkeypatch)
    from_page_text = _characters_of_every_page(OFFICE_CARLITO, with_page_text=True)
    assert from_page_text == _characters_of_every_page(OFFICE_CARLITO, with_page_text=False)
    letters = "".join(char.text for chars in from_page_text for char in chars)
    assert "DIRIT-TO" in letters and "\ufffd" not in letters


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler: characters are grouped in Python")
def test_the_compiled_word_grouping_is_built_by_the_install():
    from pipeline import layout

    assert layout._grouping() != (layout._rows_of, layout._words_of_row), "pipeline/_words.c was not compiled"


def _lines_grouped_both_ways(monkeypatch, pages_of_chars):
    from pipeline import layout

    in_c = [layout.group_lines(chars, number) for number, chars in enumerate(pages_of_chars, start=1)]
    monkeypatch.setattr(layout, "_grouping", lambda: (layout._rows_of, layout._words_of_row))
    in_python = [layout.group_lines(chars, number) for number, chars in enumerate(pages_of_chars, start=1)]
    return in_c, in_python


@pytest.mark.parametrize("pdf", READ_IN_C_OR_PYTHON, ids=lambda p: getattr(p, "name", p))
def test_words_are_the_same_grouped_in_c_or_in_python(monkeypatch, tmp_path, pdf):
    """``_words.c`` against ``layout._rows_of`` and ``_words_of_row``, on every page's characters."""
    if pdf == "turned":
        pdf = _turned_text_pdf(tmp_path / "turned.pdf")
    in_c, in_python = _lines_grouped_both_ways(monkeypatch, _characters_of_every_page(pdf, with_page_text=True))
    assert in_c == in_python
    assert sum(len(line.words) for page in in_c for line in page) > 10


def test_words_grouped_in_c_keep_the_characters_own_values(monkeypatch):
    """Overprinted letters, every kind of blank, a gap, mixed sizes, integer coordinates (pdfminer
    gives some) and a lone character: the same words, holding the same objects, both ways."""
    from pipeline.layout import Char

    def char(text, x0, x1, top=100.0, size=10.0, font="Carlito"):
        return Char(text, x0, x1, top, top + size, font, size)

    row = [char("A", 10.0, 16.0), char("A", 10.3, 16.3), char("b", 16.0, 21.0, top=99.5), char("\u2003", 21.0, 26.0),
           char("c", 26.0, 31.0, size=12.0), char("\t\u00a0", 31.0, 33.0), char("d", 33, 38), char("e", 40.1, 45.0),
           char("ffi", 45.0, 52.0, top=101.0, font="Carlito-Bold"), char("x", 200.0, 205.0, top=300.0),
           char("", 210.0, 210.0)]
    in_c, in_python = _lines_grouped_both_ways(monkeypatch, [row])
    assert in_c == in_python
    assert [[w.text for w in line.words] for line in in_c[0]] == [["Ab", "c", "d", "effi"], ["x"]]
    assert [type(w.x0) for line in in_c[0] for w in line.words] == [float, float, int, float, float]
    assert in_c[0][0].words[0].top == 99.5 and in_c[0][0].words[3].bottom == 111.0
