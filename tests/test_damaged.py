"""Damaged PDFs: nothing lost without a word (issue 10).

The fault run's reproductions (tests/fixtures/repro, mutants of the samples) and a fixed-seed fuzz
run (fuzzing.py): a damaged file is read as far as it can be, with a ``damaged_pdf`` warning that
names what is broken, or refused with a documented error; never exit 0 with data missing and no
warning, never a traceback. Characters beyond the BMP are kept, lone surrogates replaced, and a
decompression bomb is refused as ``too_large`` under a memory ceiling.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import fuzzing
from conftest import ROOT, SAMPLES
from pipeline import backends, pdfium_reader
from pipeline.api import extract
from pipeline.cli import main
from pipeline.errors import CorruptPdfError, TooLargeError
from pipeline.integrity import ascii85, find_damage, inflate_problem

REPRO = Path(__file__).parent / "fixtures" / "repro"
CLEAN_CORPUS = sorted([*SAMPLES.glob("*.pdf"), *(SAMPLES / "templates").glob("*.pdf"),
                       *(Path(__file__).parent / "fixtures").rglob("*.pdf")])
CLEAN_CORPUS = [path for path in CLEAN_CORPUS if REPRO not in path.parents]
BACKENDS = ["pdfium", "pdfplumber"]


def run_cli(pdf: Path, out: Path, backend: str = "pdfium") -> tuple[int, str, dict | None]:
    result = CliRunner().invoke(main, ["extract", str(pdf), "-o", str(out), "--backend", backend])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    written = out / f"{pdf.stem}.json"
    return result.exit_code, result.output, json.loads(written.read_text(encoding="utf-8")) if written.exists() else None


def damage_warnings(extraction: dict) -> list[dict]:
    return [w for w in extraction["warnings"] if w["kind"] == "damaged_pdf"]


# -- the reproductions ---------------------------------------------------------------------------

SILENT = {  # file: the page the damage is on, and what the warning says
    "008-pap-rawflip": (3, "the content stream (object 39) is damaged (Flate data: checksum mismatch"),
    "013-pap-rawflip": (1, "the ToUnicode map of font F3+0 (object 30) is damaged"),
    "019-pap-rawflip": (11, "the content stream (object 47) is damaged (ASCII85 data"),
    "109-pap-delobj": (1, "font F2+0 (object 29) is missing"),
    "154-dup-rawflip": (3, "the content stream (object 26) is damaged (ASCII85 data"),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(SILENT))
def test_damage_that_was_silent_is_a_warning_naming_page_and_object(tmp_path, name, backend):
    code, output, extraction = run_cli(REPRO / f"{name}.pdf", tmp_path, backend)
    assert code == 0, output
    page, words = SILENT[name]
    assert any(w["page"] == page and words in w["message"] for w in damage_warnings(extraction)), \
        extraction["warnings"]


PAGE_FAILURES = {"115-pap-delobj": 1, "148-pap-dupobj": 3}  # file: the page PDFium cannot load


@pytest.mark.parametrize("name", sorted(PAGE_FAILURES))
def test_a_page_that_fails_to_load_is_left_out_with_a_warning_not_the_whole_file(tmp_path, name):
    code, output, extraction = run_cli(REPRO / f"{name}.pdf", tmp_path)
    assert code == 0, output
    page = PAGE_FAILURES[name]
    assert any(w["page"] == page and "PDFium cannot read this page" in w["message"]
               for w in damage_warnings(extraction)), extraction["warnings"]
    assert (len(extraction["objectives"]), len(extraction["indicators"])) == (29, 54)  # on the other pages


def test_a_page_pdfium_cannot_load_is_read_by_pdfminer_when_it_can(rules, monkeypatch):
    import pypdfium2 as pdfium

    real = pdfium_reader.read_page

    def page_two_fails(pdf, index):
        if index == 1:
            raise pdfium.PdfiumError("Failed to load page.")
        return real(pdf, index)

    clean = extract(SAMPLES / "dup-2022-2024.pdf", rules)
    monkeypatch.setattr(pdfium_reader, "read_page", page_two_fails)
    damaged = extract(SAMPLES / "dup-2022-2024.pdf", rules)
    assert [w.message for w in damaged.warnings if w.kind == "damaged_pdf"] == [
        "page 2: PDFium cannot read this page (Failed to load page.): read with pdfminer"]
    assert _without_boxes(damaged.objectives) == _without_boxes(clean.objectives)  # boxes: ±0.01 pt


def _without_boxes(items: list) -> list[dict]:
    return [item.model_dump(exclude={"bbox"}) for item in items]


def test_a_file_whose_pages_none_can_be_read_is_corrupt(rules, monkeypatch):
    import pypdfium2 as pdfium

    def fails(pdf, index):
        raise pdfium.PdfiumError("Failed to load page.")

    monkeypatch.setattr(pdfium_reader, "read_page", fails)
    monkeypatch.setattr(pdfium_reader._Fallback, "page", lambda self, index: None)
    with pytest.raises(CorruptPdfError, match="none of its 6 pages can be read"):
        extract(SAMPLES / "dup-2022-2024.pdf", rules)


def test_a_page_pdfminer_cannot_read_is_read_by_pdfium(rules, monkeypatch):
    real = backends.pdfplumber_page

    def page_two_fails(page, number):
        if number == 2:
            raise ValueError("Non-Ascii85 digit found")
        return real(page, number)

    monkeypatch.setattr(backends, "pdfplumber_page", page_two_fails)
    extraction = extract(SAMPLES / "dup-2022-2024.pdf", rules, backend="pdfplumber")
    assert [w.message for w in extraction.warnings if w.kind == "damaged_pdf"] == [
        "page 2: pdfminer cannot read this page (Non-Ascii85 digit found): read with PDFium"]
    assert len(extraction.objectives) == 11


# -- characters outside the BMP ------------------------------------------------------------------

def _outputs(folder: Path) -> dict[str, str]:
    """Every file written, decoded strictly as UTF-8 (a lone surrogate could not have been written)."""
    return {path.name: path.read_bytes().decode("utf-8") for path in folder.iterdir() if path.is_file()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_character_beyond_the_bmp_is_kept_whole(tmp_path, backend):
    code, output, extraction = run_cli(REPRO / "exp2-tounicode-pair-emoji.pdf", tmp_path, backend)
    assert code == 0, output
    written = _outputs(tmp_path)
    assert "\U0001F600" in written["exp2-tounicode-pair-emoji.objectives.csv"]
    assert "tempestivit\U0001F600" in extraction["strategic_directions"][0]["text"]
    assert not damage_warnings(extraction)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_lone_surrogate_becomes_a_replacement_character_with_a_warning(tmp_path, backend):
    code, output, extraction = run_cli(REPRO / "exp2-tounicode-lone-surrogate.pdf", tmp_path, backend)
    assert code == 0, output
    assert not any("\ud800" <= ch <= "\udfff" for text in _outputs(tmp_path).values() for ch in text)
    assert [w["message"] for w in damage_warnings(extraction)] == [
        ("198 character(s) on 22 page(s), the first on page 1, map to no valid Unicode (a lone UTF-16 surrogate "
         "in a font's ToUnicode map): kept as U+FFFD")]
    assert len(extraction["objectives"]) == 29


# -- the check itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("pdf", CLEAN_CORPUS, ids=lambda p: p.name)
def test_no_damage_is_found_in_a_clean_file(pdf):
    assert find_damage(pdf) == []


def test_flate_data_is_checked_to_its_end_and_against_its_checksum():
    data = zlib.compress(b"BT /F1 12 Tf (Obiettivo operativo) Tj ET\n" * 50)
    assert inflate_problem(data) is None
    assert inflate_problem(data[:-4]) is None  # no checksum stored: some producers leave it out
    assert inflate_problem(data[:len(data) // 2]) == "Flate data: cut short"
    assert inflate_problem(data[:-1] + bytes([data[-1] ^ 1])) == "Flate data: checksum mismatch, the data is garbled"
    assert inflate_problem(b"\x00" + data[1:]) == "Flate data: no zlib header"
    assert inflate_problem(data[:10] + b"\xff\xff" + data[12:]).startswith("Flate data: ")


@pytest.mark.parametrize("way", ["c", "python"])
def test_ascii85_decodes_as_the_standard_library_does(monkeypatch, way):
    import base64
    import random

    from pipeline import integrity

    if way == "python":  # as where _ascii85.c is not built: the standard library's way, then numpy
        monkeypatch.setattr(integrity, "_compiled_ascii85", lambda: None)
    elif shutil.which("cc") is None:
        pytest.skip("no C compiler: ASCII85 is decoded in Python")
    else:
        assert integrity._compiled_ascii85() is not None, "pipeline/_ascii85.c was not compiled (pip install -e .)"
    monkeypatch.setattr(integrity, "_a85_digits_decoded", 0)

    rng = random.Random(1)
    for size in [*range(12), 1000, 4099, 300_001, 5, 1000]:  # numpy from the 300,001 bytes on
        data = bytes(rng.choice([0, 0, 255, rng.randrange(256)]) for _ in range(size))
        assert ascii85(base64.a85encode(data, wrapcol=75, adobe=True)) == data
    for padding in (b"", b"!" * 400_000):
        monkeypatch.setattr(integrity, "_a85_digits_decoded", 0)
        with pytest.raises(ValueError, match="^Non-Ascii85 digit found: '{'$"):
            ascii85(padding + b"87cURD]i,\"Ebo{80~>")
        with pytest.raises(ValueError, match="^Ascii85 overflow$"):
            ascii85(padding + b"uuuuu~>")
    # any digits, as written by a careless producer: a last group of one digit, a padded last group
    # that overflows ('u' padding), groups at the limit (s8W-! is 2**32 - 1, s8W-" one more)
    for digits in [b"!", b"u", b"s8W-!", b's8W-"', b"s8W-!u", b"s8W-!uu", b"s8W-!s8W", b"tt", b"s9"] + [
            bytes(rng.choice(b"!0GHuts") for _ in range(rng.randrange(13))) for _ in range(300)]:
        try:
            expected: bytes | str = base64.a85decode(digits)
        except ValueError as error:
            expected = str(error)
        try:
            decoded: bytes | str = ascii85(digits)
        except ValueError as error:
            decoded = str(error)
        assert decoded == expected, digits


# -- the fuzz run --------------------------------------------------------------------------------

FUZZ_MUTANTS = 120  # the first 120 of benchmarks/fuzz.py's 300: about 40 s on two busy cores


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fuzz run forks its children")
def test_fuzzed_mutants_never_lose_data_without_a_word(tmp_path):
    clean = fuzzing.warm_up()
    outcomes = fuzzing.run_all(fuzzing.mutants(FUZZ_MUTANTS), tmp_path, clean, workers=2)
    bad = [o for o in outcomes if o.verdict in {"silent", "crash", "hang"}]
    assert not bad, fuzzing.table(outcomes) + "\n" + "\n".join(map(fuzzing.describe, bad))
    assert {o.verdict for o in outcomes} <= {"error", "warned", "identical"}
    assert all(o.exit_code != 1 for o in outcomes)


# -- memory --------------------------------------------------------------------------------------

def write_bomb(path: Path, inflated: int) -> None:
    """A one-page PDF whose content stream (a line of text, then spaces) inflates to ``inflated``
    bytes: one 4 MiB block of spaces is compressed once and repeated (a full flush makes each copy
    stand alone), so that building a gigabyte takes a fraction of a second."""
    chunk = b" " * (4 << 20)
    head = b"BT /F1 12 Tf 72 720 Td (Bomba) Tj ET\n"
    first, repeated = zlib.compressobj(9, zlib.DEFLATED, -15), zlib.compressobj(9, zlib.DEFLATED, -15)
    block = repeated.compress(chunk) + repeated.flush(zlib.Z_FULL_FLUSH)
    copies = inflated // len(chunk)
    checksum = zlib.adler32(head)
    for _ in range(copies):
        checksum = zlib.adler32(chunk, checksum)
    final = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (b"\x78\xda" + first.compress(head) + first.flush(zlib.Z_FULL_FLUSH) + block * copies
              + final.flush() + checksum.to_bytes(4, "big"))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>"),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    body, offsets = b"%PDF-1.7\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(body)


def _extract_under_ceiling(pdf: Path, out: Path, ceiling: str, backend: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pdf), "-o", str(out), "--backend",
                           backend, "--max-memory", ceiling], check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_decompression_bomb_is_refused_as_too_large_under_a_ceiling(tmp_path, backend):
    bomb = tmp_path / "bomb.pdf"
    write_bomb(bomb, 1 << 30)
    assert bomb.stat().st_size < 4 << 20
    done = _extract_under_ceiling(bomb, tmp_path / "out", "512M", backend)
    assert done.returncode == TooLargeError.exit_code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"error: {bomb}: too large to read: the content stream (object 4) of page 1 "
                                   "inflates to more than 64 MiB under a memory limit of 512 MiB (--max-memory)")


def test_the_bomb_is_a_valid_pdf_that_inflates_to_what_it_says(tmp_path):
    from pipeline.integrity import _StreamTooLarge

    bomb = tmp_path / "bomb.pdf"
    write_bomb(bomb, 64 << 20)
    assert find_damage(bomb) == []
    with pytest.raises(TooLargeError):
        find_damage(bomb, budget=32 << 20)
    assert _StreamTooLarge  # the internal signal find_damage turns into TooLargeError


def test_running_out_of_memory_while_reading_is_too_large_not_an_internal_error(rules, monkeypatch):
    def exhausted(path, password, metadata):
        raise MemoryError
        yield

    monkeypatch.setitem(backends.BACKENDS, "pdfium", exhausted)
    with pytest.raises(TooLargeError, match="too large to read within"):
        extract(SAMPLES / "dup-2022-2024.pdf", rules)


def test_limit_memory_sets_the_ceiling_the_budget_follows():
    script = ("from pipeline.limits import limit_memory, memory_ceiling, inflate_budget\n"
              "limit_memory(1 << 30)\nprint(memory_ceiling(), inflate_budget())\n")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert done.stdout.split() == [str(1 << 30), str(1 << 27)], done.stderr


@pytest.mark.parametrize("text, size", [("2G", 2 << 30), ("1.5GiB", 3 << 29), ("512M", 512 << 20),
                                        ("800MB", 800 << 20), (str(3 << 30), 3 << 30)])
def test_memory_sizes_are_read_with_their_units(text, size):
    from pipeline.limits import parse_size

    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "12K", ""])
def test_a_memory_size_that_cannot_work_is_refused(text):
    from pipeline.limits import parse_size

    with pytest.raises(ValueError):
        parse_size(text)


def test_the_cli_ceiling_refuses_a_bomb_and_a_batch_goes_on(tmp_path):
    """--max-memory on extract and on batch workers: the bomb is too_large (exit 18 / failed), a
    damaged file is read with a warning (partial), a clean one is ok."""
    folder = tmp_path / "plans"
    folder.mkdir()
    write_bomb(folder / "bomb.pdf", 1 << 30)
    shutil.copy(REPRO / "008-pap-rawflip.pdf", folder / "damaged.pdf")
    shutil.copy(SAMPLES / "dup-2022-2024.pdf", folder / "clean.pdf")
    command = [sys.executable, "-m", "pipeline"]
    single = subprocess.run([*command, "extract", str(folder / "bomb.pdf"), "-o", str(tmp_path / "one"),
                             "--max-memory", "512M"], check=False, capture_output=True, text=True, timeout=300)
    assert single.returncode == 18 and single.stderr.startswith(f"error: {folder / 'bomb.pdf'}: too large to read")
    done = subprocess.run([*command, "batch", str(folder), "-o", str(tmp_path / "out"), "--workers", "1",
                           "--max-memory", "512M"], check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 14, done.stderr
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8") as handle:
        rows = {Path(row["file"]).name: row for row in csv.DictReader(handle)}
    assert {name: (row["status"], row["error_kind"]) for name, row in rows.items()} == {
        "bomb.pdf": ("failed", "too_large"), "damaged.pdf": ("partial", ""), "clean.pdf": ("ok", "")}
