"""Letter fidelity on PDFs made the way offices make them: .docx exported by LibreOffice.

The fixtures (``tests/fixtures/office``, built by ``officebuilder.py``) carry ligatures in three
font families, accented capitals, curly quotes, ``n°``, superscripts, ``€``, ``≥ ≤``, soft hyphens,
automatic hyphenation, a table of contents, lists, wrapped cells, repeated (or not) table headers,
running headers, ``Pag. X di Y`` footers and a text box. Their text is known exactly:

* every field of the extraction equals the text written, after the documented normalisation only
  (runs of whitespace are one space; a word hyphenated at a line end is joined);
* every page's words hold exactly the letters written on it, with either backend (the residue,
  letters lost plus letters added over the whole corpus, is 0);
* both backends give the same words, boxes within 3 points, and the same extraction.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from pipeline.api import extract
from pipeline.parse import parse_pdf
from pipeline.textcheck import letters

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
NAMES = sorted(p.name.removesuffix(".source.json") for p in OFFICE.glob("*.source.json"))
BACKENDS = ["pdfium", "pdfplumber"]
OBJECTIVE_FIELDS = ["level", "title", "description", "department", "political_owner", "action_area"]
INDICATOR_FIELDS = ["objective_code", "description", "unit_raw", "target_raw", "actual_raw"]


def source(name: str) -> dict:
    return json.loads((OFFICE / f"{name}.source.json").read_text(encoding="utf-8"))


def squashed(value: object) -> object:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def field_differences(expected: dict, extraction: dict) -> list[str]:
    """Every field of the extraction that is not exactly the text written."""
    problems = []
    for key in ("kind", "title", "entity", "period"):
        if expected["document"][key] != extraction["document"][key]:
            problems.append(f"document.{key}: {expected['document'][key]!r} != {extraction['document'][key]!r}")
    for part, fields in (("objectives", OBJECTIVE_FIELDS), ("indicators", INDICATOR_FIELDS)):
        found = {item["code"]: item for item in extraction[part]}
        if sorted(found) != sorted(item["code"] for item in expected[part]):
            problems.append(f"{part}: codes {sorted(found)} != {sorted(i['code'] for i in expected[part])}")
        for item in expected[part]:
            got = found.get(item["code"], {})
            problems += [f"{part[:-1]} {item['code']} {name}: {squashed(item[name])!r} != {squashed(got.get(name))!r}"
                         for name in fields if squashed(item[name]) != squashed(got.get(name))]
    for item in expected["objectives"]:
        got = found_objective = {o["code"]: o for o in extraction["objectives"]}.get(item["code"], {})
        for name in ("mission", "programme"):
            if item[name] is not None and found_objective and (got.get(name) or {}) != item[name]:
                problems.append(f"objective {item['code']} {name}: {item[name]} != {got.get(name)}")
    areas = [{"number": a["number"], "title": a["title"]} for a in extraction["action_areas"]]
    if areas != expected["action_areas"]:
        problems.append(f"action areas: {expected['action_areas']} != {areas}")
    return problems


@pytest.fixture(scope="module", params=BACKENDS)
def extractions(request, rules) -> dict[str, dict]:
    return {name: extract(OFFICE / f"{name}.pdf", rules, backend=request.param).model_dump(mode="json", by_alias=True)
            for name in NAMES}


def test_the_corpus_is_there():
    assert {"pap-office-carlito", "pap-office-dejavu", "dup-office-liberation"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_the_text_written(extractions, name):
    assert field_differences(source(name)["expected"], extractions[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_warning_on_office_pdfs(extractions, name):
    assert extractions[name]["warnings"] == []


def page_letters_residue(name: str, backend: str) -> tuple[int, Counter, Counter]:
    """Letters lost and added over the whole document: the parsed words of every page against the
    text written (body, contents and text box once; running header and 'Pag. X di Y' per page)."""
    data = source(name)
    document = parse_pdf(OFFICE / f"{name}.pdf", backend=backend)
    pages = len(document.pages)
    written = " ".join(data["text"]) + " " + " ".join(
        data["furniture"]["header"] + " " + data["furniture"]["footer"].format(page=k, pages=pages)
        for k in range(1, pages + 1))
    read = " ".join(word.text for page in document.pages for line in page.lines for word in line.words)
    expected, got = Counter(letters(written)), Counter(letters(read))
    lost, added = expected - got, got - expected
    return sum(lost.values()) + sum(added.values()), lost, added


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", NAMES)
def test_no_letter_lost_or_added_on_any_page(name, backend):
    residue, lost, added = page_letters_residue(name, backend)
    assert (residue, dict(lost), dict(added)) == (0, {}, {})


@pytest.mark.parametrize("name", NAMES)
def test_both_backends_read_the_same_words(name):
    fast, reference = (parse_pdf(OFFICE / f"{name}.pdf", backend=b) for b in BACKENDS)
    words = [[(p.number, w) for p in d.pages for line in p.lines for w in line.words] for d in (fast, reference)]
    assert [(n, w.text) for n, w in words[0]] == [(n, w.text) for n, w in words[1]]
    far = [(a.text, a.x0, a.top, b.x0, b.top) for (_, a), (_, b) in zip(*words)
           if max(abs(a.x0 - b.x0), abs(a.top - b.top), abs(a.x1 - b.x1), abs(a.bottom - b.bottom)) > 3.0]
    assert far == []


@pytest.mark.parametrize("name", NAMES)
def test_both_backends_extract_the_same(rules, name):
    fast, reference = (extract(OFFICE / f"{name}.pdf", rules, backend=b).model_dump(mode="json") for b in BACKENDS)
    for data in (fast, reference):
        for part in ("objectives", "indicators", "action_areas", "strategic_directions"):
            for item in data[part]:
                item.pop("bbox")
    assert fast == reference


REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
TRENTO = REALDOCS / "comune-trento_agenda-digitale-2020-2023_originale.docx"


def real_pdfs() -> list[Path]:
    return sorted(REALDOCS.glob("*.pdf")) if REALDOCS.is_dir() else []


@pytest.mark.skipif(not real_pdfs(), reason="the real documents (../shared/realdocs) are not here")
@pytest.mark.parametrize("pdf", real_pdfs(), ids=lambda p: p.name[:40])
def test_both_backends_read_the_same_words_on_real_word_made_pdfs(pdf):
    """The same words on every page, in the same order but for text printed sideways (a table's
    vertical labels: each letter its own 'line', whose boxes differ by a tenth of a point since
    PDFium gives no advance width and it is taken from the next character)."""
    fast, reference = (parse_pdf(pdf, backend=b) for b in BACKENDS)
    words = [[w.text for line in page.lines for w in line.words] for page in fast.pages]
    reference_words = [[w.text for line in page.lines for w in line.words] for page in reference.pages]
    assert [sorted(page) for page in words] == [sorted(page) for page in reference_words]
    ordered = difflib.SequenceMatcher(None, sum(words, []), sum(reference_words, []), autojunk=False).ratio()
    assert ordered >= 0.999


@pytest.mark.skipif(not TRENTO.is_file() or shutil.which("soffice") is None,
                    reason="needs ../shared/realdocs and LibreOffice (soffice)")
def test_no_letter_of_a_real_word_document_is_lost_through_libreoffice(tmp_path):
    """A Comune's original .docx (Word), exported by LibreOffice: every letter of its paragraphs,
    cells, headers and footers is in the words read (what is added is the furniture repeated on
    every page, the contents and the list numbers)."""
    from docx import Document

    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(TRENTO)], check=True, capture_output=True, timeout=300)
    document = Document(str(TRENTO))
    texts = [p.text for p in document.paragraphs]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += list(dict.fromkeys(cell.text for cell in row.cells))  # merged cells repeat
    written = Counter(letters(" ".join(texts)))
    for backend in BACKENDS:
        parsed = parse_pdf(tmp_path / f"{TRENTO.stem}.pdf", backend=backend)
        read = Counter(letters(" ".join(w.text for p in parsed.pages for line in p.lines for w in line.words)))
        assert dict(written - read) == {}, backend
