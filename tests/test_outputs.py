"""The output contract: schema, CSV layout, determinism, provenance."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLE_NAMES, SAMPLES, load_output
from pipeline.cli import main
from pipeline.export import INDICATOR_COLUMNS, OBJECTIVE_COLUMNS
from pipeline.models import json_schema


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_json_validates_against_the_published_schema(cli_outputs, name):
    jsonschema.validate(load_output(cli_outputs, name), json_schema())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_item_has_provenance(cli_outputs, name):
    data = load_output(cli_outputs, name)
    pages = data["source"]["pages"]
    for item in data["objectives"] + data["indicators"]:
        assert 1 <= item["page"] <= pages
        box = item["bbox"]
        assert 0 <= box["x0"] < box["x1"] and 0 <= box["top"] < box["bottom"]


def test_indicator_provenance_points_at_its_row(cli_outputs):
    data = load_output(cli_outputs, "pap-2022-2024")
    first = next(i for i in data["indicators"] if i["code"] == "2409")
    assert first["page"] == 14  # the row that continues 1037's table on the next page


def test_csv_columns_and_rows(cli_outputs):
    for name in SAMPLE_NAMES:
        data = load_output(cli_outputs, name)
        objectives = (cli_outputs / f"{name}.objectives.csv").read_text(encoding="utf-8")
        indicators = (cli_outputs / f"{name}.indicators.csv").read_text(encoding="utf-8")
        assert next(csv.reader(io.StringIO(objectives))) == OBJECTIVE_COLUMNS
        assert next(csv.reader(io.StringIO(indicators))) == INDICATOR_COLUMNS
        frame = pd.read_csv(cli_outputs / f"{name}.indicators.csv", dtype=str, keep_default_na=False)
        assert len(frame) == len(data["indicators"])
        assert len(pd.read_csv(cli_outputs / f"{name}.objectives.csv")) == len(data["objectives"])


def test_indicator_rows_carry_their_objective(cli_outputs):
    frame = pd.read_csv(cli_outputs / "pap-2022-2024.indicators.csv", dtype=str, keep_default_na=False)
    row = frame[frame["code"] == "2688"].iloc[0]
    assert row["objective_code"] == "1145"
    assert row["objective_title"].startswith("PNRR - APPROVAZIONE PIANO TRIENNALE")
    assert row["objective_department"] == "Settore programmazione e gestione risorse"
    assert (row["unit"], row["target_value"]) == ("date", "2022-09-30")


def test_two_runs_give_identical_bytes(tmp_path):
    pdf = str(SAMPLES / "pap-2022-2024.pdf")
    outputs = []
    for run in ("a", "b"):
        result = CliRunner().invoke(main, ["extract", pdf, "-o", str(tmp_path / run),
                                           "--format", "csv", "--format", "parquet"])
        assert result.exit_code == 0
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == [f"pap-2022-2024.{suffix}" for suffix in (
        "datapackage.json", "indicators.csv", "indicators.parquet", "json", "objectives.csv", "objectives.parquet",
        "values.csv", "values.parquet")]


def test_unreadable_target_is_null_with_a_warning(cli_outputs):
    data = load_output(cli_outputs, "pap-2022-2024")
    indicator = next(i for i in data["indicators"] if i["code"] == "2412")
    assert (indicator["target_raw"], indicator["target_value"]) == ("131/12/2022", None)
    assert any(w["kind"] == "unreadable_value" and w["ref"] == "2412" and w["page"] == 22 for w in data["warnings"])


def test_codes_are_strings(cli_outputs):
    raw = (cli_outputs / "dup-2022-2024.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert all(isinstance(o["code"], str) for o in data["objectives"])
    assert data["objectives"][0]["mission"] == {"code": "01", "title": "SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE"}


# -- outputs that cannot be written: exit 9, one line, nothing half-written ------------------------

def _planextract(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=600)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["schema"], ["exit-codes"], ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", "-"],
                                     ["explain", str(SAMPLES / "dup-2022-2024.pdf")]])
def test_a_full_standard_output_is_an_output_error_not_a_traceback(command):
    with open("/dev/full", "w") as full:
        result = _planextract(*command, stdout=full)
    assert result.returncode == 9
    assert result.stderr == "error: standard output: cannot write (No space left on device)\n"


def test_a_documents_outputs_appear_together_or_not_at_all(tmp_path):
    (tmp_path / "dup-2022-2024.json").mkdir()  # the JSON cannot be put in place
    result = CliRunner().invoke(main, ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(tmp_path)])
    assert result.exit_code == 9
    assert result.stderr.splitlines()[-1] == (f"error: {tmp_path / 'dup-2022-2024.json'}: cannot write output "
                                              "(a folder of that name is in the way)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dup-2022-2024.json"]  # no CSV, no leftover


def test_outputs_are_written_with_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(tmp_path),
                                           "--format", "csv", "--format", "parquet"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert len(modes) == 8 and set(modes.values()) == {0o644}, modes


def test_a_locked_catalog_is_an_output_error(tmp_path):
    db = tmp_path / "plans.sqlite"
    assert CliRunner().invoke(main, ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(tmp_path / "a"),
                                     "--db", str(db)]).exit_code == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["extract", str(SAMPLES / "pap-2022-2024.pdf"), "-o", str(tmp_path / "b"),
                                           "--db", str(db)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 9
    assert result.stderr.splitlines()[-1] in (
        f"error: {db}: cannot store pap-2022-2024.pdf in the catalog (database is locked)",
        f"error: {db}: cannot open the catalog (database is locked)")


@pytest.mark.parametrize("formats", [["--format", "parquet"], ["--format", "xlsx"], ["--format", "csv"]])
def test_every_writer_creates_its_folder(tmp_path, formats):
    out = tmp_path / "not" / "yet"
    result = CliRunner().invoke(main, ["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(out), *formats])
    assert result.exit_code == 0, result.output
    assert (out / "dup-2022-2024.json").is_file()


def test_an_output_folder_that_is_a_file_is_an_output_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    for command in (["extract", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(blocker)],
                    ["review", str(SAMPLES / "dup-2022-2024.pdf"), "-o", str(blocker)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 9, result.output
        assert result.stderr.splitlines()[-1].startswith(f"error: {blocker}/dup-2022-2024.")
        assert "cannot write output" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_files_written_in_pieces_are_the_whole_dump(rules, name, monkeypatch):
    """A long plan's JSON and CSV are written a piece at a time; the text is the one-shot dump's."""
    from pipeline import export
    from pipeline.api import extract
    from pipeline.contract import TABLES, table_rows

    extraction = extract(SAMPLES / f"{name}.pdf", rules)
    whole = json.dumps(extraction.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2) + "\n"
    pieces = list(export.json_chunks(extraction))
    assert "".join(pieces) == whole and len(pieces) > 100
    monkeypatch.setattr(export, "CSV_ROWS_PER_CHUNK", 3)
    for table_name, table in TABLES.items():
        for dialect in export.CSV_DIALECTS:
            rows = table_rows(extraction, table_name)
            buffer = io.StringIO()
            if export.CSV_DIALECTS[dialect].bom:
                buffer.write("\ufeff")
            writer = csv.writer(buffer, lineterminator="\n", delimiter=export.CSV_DIALECTS[dialect].delimiter)
            writer.writerow(table.names)
            writer.writerows([export._cell(row.get(c), export.CSV_DIALECTS[dialect]) for c in table.names] for row in rows)
            chunks = list(export.csv_chunks(iter(rows), table.names, dialect))
            assert "".join(chunks) == buffer.getvalue()
            assert len(chunks) == len(rows) // 3 + 1
