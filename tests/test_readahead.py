"""Pages read in a second process (``readahead.py``) give the same extraction as pages read in this
one, and what goes wrong in that process reaches the caller as it would have here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_NAMES, SAMPLES
from pipeline import parse, readahead
from pipeline.api import extract
from pipeline.errors import CorruptPdfError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCUMENTS = [SAMPLES / f"{name}.pdf" for name in SAMPLE_NAMES] + sorted((FIXTURES / "office").glob("*.pdf")) + \
    sorted((FIXTURES / "repro").glob("*.pdf")) + [FIXTURES / "templates" / "peg-a.pdf"]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pages are read in another process "
                                "only on Linux")


def _case(*args: str) -> dict:
    """A case of ``readahead_cases.py``, in a fresh interpreter (no thread but the main one)."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("readahead_cases.py")), *args],
                          capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_same_extraction_read_in_another_process(rules, tmp_path):
    """Every field, warnings (damage, text mismatches, lone surrogates) and metadata included."""
    seen = _case("same", str(tmp_path), *map(str, DOCUMENTS))
    pages = sum(parse.count_pages(pdf) for pdf in DOCUMENTS)
    assert seen["crossed"] >= pages  # every page came from the other process (a late template: twice)
    for pdf in DOCUMENTS:
        assert (tmp_path / f"{pdf.name}.json").read_text() == extract(pdf, rules, read_ahead=False).model_dump_json(), \
            pdf.name


def test_the_same_extraction_opened_and_read_before_the_set_up_loads(rules, tmp_path):
    """``start_reading`` (a fresh ``planextract extract``'s first file): the page count, the
    structure's damage and the pages all come from the child, and nothing differs."""
    seen = _case("early", str(tmp_path), *map(str, DOCUMENTS))
    assert seen["crossed"] >= sum(parse.count_pages(pdf) for pdf in DOCUMENTS)
    for pdf in DOCUMENTS:
        assert (tmp_path / f"{pdf.name}.json").read_text() == extract(pdf, rules, read_ahead=False).model_dump_json(), \
            pdf.name


def test_a_failed_structure_check_before_the_set_up_is_the_same_error():
    pdf = SAMPLES / "dup-2022-2024.pdf"
    assert _case("early-error", str(pdf)) == {
        "crossed": 0, "error": "TooLargeError",
        "message": f"{pdf}: too large to read: a content stream inflates to more than 1 MiB (--max-memory)"}


def test_early_reading_only_of_a_file_with_two_cores(monkeypatch, tmp_path):
    monkeypatch.setattr(readahead.threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert readahead.start_reading(SAMPLES / "dup-2022-2024.pdf", "", "pdfium") is None
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert readahead.start_reading(tmp_path / "missing.pdf", "", "pdfium") is None


def test_an_error_of_the_pdf_library_is_the_same_one_line_error(rules, monkeypatch):
    pdf = SAMPLES / "dup-2022-2024.pdf"
    seen = _case("error", str(pdf))
    real = parse.BACKENDS["pdfium"]

    def failing(path, password, metadata):
        yield from real(path, password, metadata)
        raise ValueError("xref stream broken at offset 1234")

    monkeypatch.setitem(parse.BACKENDS, "pdfium", failing)
    with pytest.raises(CorruptPdfError) as here:
        extract(pdf, rules, read_ahead=False)
    assert seen == {"crossed": 6, "error": "CorruptPdfError", "message": str(here.value)}
    assert str(here.value) == f"{pdf}: corrupt or truncated PDF (xref stream broken at offset 1234)"


def test_a_reader_that_dies_is_a_corrupt_pdf_naming_the_page():
    """PDFium crashing on a damaged file takes down the reading process, not the extraction."""
    pdf = SAMPLES / "dup-2022-2024.pdf"
    assert _case("crash", str(pdf)) == {
        "crossed": 6, "error": "CorruptPdfError",
        "message": f"{pdf}: the PDF library crashed reading page 7 (reader process exit code -9)"}


def test_no_other_process_where_other_threads_run(rules, monkeypatch):
    """A fork copies no thread but may copy a lock one holds: with threads, pages are read here."""
    monkeypatch.setattr(readahead.threading, "active_count", lambda: 2)
    monkeypatch.setattr(readahead, "_decoded", lambda data: pytest.fail("a page crossed a pipe"))
    assert extract(SAMPLES / "dup-2022-2024.pdf", rules, read_ahead=True).objectives


def test_a_long_plan_on_two_cores_is_read_ahead(monkeypatch):
    monkeypatch.setattr(readahead.threading, "active_count", lambda: 1)  # the session's own threads aside
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert readahead.worth_it(64) and not readahead.worth_it(63)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not readahead.worth_it(1000)


def test_open_pdf_decides_by_the_page_count(monkeypatch):
    monkeypatch.setattr(readahead.threading, "active_count", lambda: 1)
    monkeypatch.setattr(readahead, "READ_AHEAD_PAGES", 6)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert parse.open_pdf(SAMPLES / "dup-2022-2024.pdf", read_ahead=None).read_ahead  # 6 pages
    assert not parse.open_pdf(SAMPLES / "dup-2022-2024.pdf", read_ahead=False).read_ahead
    monkeypatch.setattr(readahead, "READ_AHEAD_PAGES", 7)
    assert not parse.open_pdf(SAMPLES / "dup-2022-2024.pdf", read_ahead=None).read_ahead


def test_the_cli_reads_ahead_on_request_with_the_same_files(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    pdf = SAMPLES / "pap-2022-2024.pdf"
    for flag in ("--read-ahead", "--no-read-ahead"):
        result = CliRunner().invoke(main, ["extract", str(pdf), "-o", str(tmp_path / flag), flag])
        assert result.exit_code == 0, result.output
    files = sorted(path.name for path in (tmp_path / "--read-ahead").iterdir())
    assert "pap-2022-2024.json" in files
    assert files == sorted(path.name for path in (tmp_path / "--no-read-ahead").iterdir())
    for name in files:
        assert (tmp_path / "--read-ahead" / name).read_bytes() == (tmp_path / "--no-read-ahead" / name).read_bytes()


def test_a_fresh_cli_run_reading_early_writes_the_same_files(tmp_path):
    """In a fresh process (no other thread) ``planextract extract`` reads its first file early."""
    pdfs = [str(SAMPLES / "pap-2022-2024.pdf"), str(SAMPLES / "dup-2022-2024.pdf")]
    for flag in ("--read-ahead", "--no-read-ahead"):
        done = subprocess.run([sys.executable, "-m", "pipeline", "extract", *pdfs, "-o", str(tmp_path / flag), flag],
                              capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert done.returncode == 0, done.stderr
    files = sorted(path.name for path in (tmp_path / "--read-ahead").iterdir())
    assert "pap-2022-2024.json" in files and "dup-2022-2024.json" in files
    assert files == sorted(path.name for path in (tmp_path / "--no-read-ahead").iterdir())
    for name in files:
        assert (tmp_path / "--read-ahead" / name).read_bytes() == (tmp_path / "--no-read-ahead" / name).read_bytes()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_pipe_holds_dozens_of_pages():
    """Linux's default 64 KiB holds about one page: either process would wait on the other's slow pages."""
    import fcntl
    import multiprocessing

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    try:
        readahead._widen(sender)
        assert fcntl.fcntl(sender.fileno(), fcntl.F_GETPIPE_SZ) == readahead.PIPE_BYTES == 1 << 20
    finally:
        receiver.close()
        sender.close()
