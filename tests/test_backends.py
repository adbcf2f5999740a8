"""The PDFium backend (the default) and the pdfplumber backend give the same extraction."""

from __future__ import annotations

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


def test_pdfium_characters_are_the_same_read_one_by_one_or_from_the_page_text():
    """The codes come from the page text read once; PDFium writes U+FFFE there for a hyphen that
    ends a line ('DIRIT-' / 'TO' in the LibreOffice fixture), which must still read as '-'."""
    import pypdfium2 as pdfium

    from pipeline import pdfium_reader

    pdf = pdfium.PdfDocument(str(Path(__file__).resolve().parent / "fixtures" / "office" / "pap-office-carlito.pdf"))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            height = page.get_height()
            units = textpage.get_text_range(errors="surrogatepass")
            assert pdfium_reader._pdfium_chars(textpage.raw, height, units) == \
                pdfium_reader._pdfium_chars(textpage.raw, height)  # no page text: a call per character
            if "\ufffe" in units:
                hyphen_page = pdfium_reader._pdfium_chars(textpage.raw, height, units)[0]
            textpage.close()
            page.close()
    finally:
        pdf.close()
    letters = "".join(char.text for char in hyphen_page)
    assert "DIRIT-TO" in letters and "\ufffd" not in letters
