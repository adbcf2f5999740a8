"""The command line: outputs, stdout mode, exit codes and one-line errors on bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import badpdfs
from conftest import SAMPLES
from pipeline.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_extract_writes_json_the_tables_and_their_package(tmp_path):
    result = run("extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dup-2022-2024.datapackage.json", "dup-2022-2024.indicators.csv", "dup-2022-2024.json",
        "dup-2022-2024.objectives.csv", "dup-2022-2024.values.csv"]


def test_extract_to_stdout():
    result = run("extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", "-")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["document"]["kind"] == "dup" and len(data["objectives"]) == 11


def test_stdout_needs_exactly_one_pdf():
    result = run("extract", str(SAMPLES / "dup-2022-2024.pdf"), str(SAMPLES / "pap-2022-2024.pdf"), "-o", "-")
    assert result.exit_code == 2


@pytest.mark.parametrize("build, code, words", [
    (badpdfs.not_a_pdf, 4, "not a PDF"),
    (badpdfs.empty, 10, "empty file"),
    (badpdfs.truncated, 6, "corrupt or truncated"),
    (badpdfs.garbage, 6, "corrupt or truncated"),
    (badpdfs.encrypted, 5, "encrypted, use --password"),
    (lambda d: badpdfs.scanned(), 7, "no text layer"),
    (lambda d: d / "missing.pdf", 3, "file not found"),
])
def test_bad_input_gives_one_line_and_an_exit_code(tmp_path, build, code, words):
    path = build(tmp_path)
    result = run("extract", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {path}: {lines[0].split(': ', 2)[2]}"]  # one line, naming the file
    assert words in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_encrypted_pdf_opens_with_its_password(tmp_path):
    path = badpdfs.encrypted(tmp_path, "segreto")
    result = run("extract", str(path), "-o", "-", "--password", "segreto")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["document"]["kind"] == "unknown"
    wrong = run("extract", str(path), "-o", "-", "--password", "sbagliata")
    assert wrong.exit_code == 5 and "wrong password" in wrong.stderr


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    bad = badpdfs.truncated(tmp_path)
    result = run("extract", str(bad), str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 6
    assert (tmp_path / "out" / "dup-2022-2024.json").is_file()


def test_debug_shows_the_traceback(tmp_path):
    result = run("extract", str(badpdfs.garbage(tmp_path)), "-o", "-", "--debug")
    assert result.exit_code == 6 and "Traceback" in result.stderr


def test_schema_command_prints_the_json_schema():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Extraction"
    assert {"schema_version", "source", "document", "objectives", "indicators", "warnings"} <= set(schema["properties"])


def test_exit_codes_are_listed():
    result = run("exit-codes")
    assert "7\tno_text_layer" in result.stdout and "5\tencrypted" in result.stdout
