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

    calls = dataclasses.replace(pdfium_reader._hot_calls(), bulk=None)
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


def test_pdfium_characters_are_the_same_read_in_c_or_through_ctypes(monkeypatch):
    in_c = _characters_of_every_page(OFFICE_CARLITO, with_page_text=True)
    _through_ctypes(monkeypatch)
    assert _characters_of_every_page(OFFICE_CARLITO, with_page_text=True) == in_c
    assert sum(map(len, in_c)) > 5000


def test_pdfium_characters_are_the_same_read_one_by_one_or_from_the_page_text(monkeypatch):
    """Through ctypes the codes come from the page text read once; PDFium writes U+FFFE there for
    a hyphen that ends a line ('DIRIT-' / 'TO' in the LibreOffice fixture), which must still read
    as '-'."""
    _through_ctypes(monkeypatch)
    from_page_text = _characters_of_every_page(OFFICE_CARLITO, with_page_text=True)
    assert from_page_text == _characters_of_every_page(OFFICE_CARLITO, with_page_text=False)
    letters = "".join(char.text for chars in from_page_text for char in chars)
    assert "DIRIT-TO" in letters and "\ufffd" not in letters
